"""Run rules on series built to trigger exactly one rule each, and the vectorised engine against one chart at
a time."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from guifan.engine import spc

# Distances from the centre line in sigmas (centre 0, sigma 1), each built to trigger one rule of its set.
NELSON = {
    "nelson1": ([0.5, 1.0, 3.2, 1.0, 0.5], [2]),
    "nelson2": ([0.3, 0.5, 0.4, 0.6, 0.5, 0.4, 0.5, 0.3, 0.6], [8]),
    "nelson3": ([-1.0, -0.6, -0.2, 0.2, 0.6, 0.9], [5]),
    "nelson4": ([0.5, -0.5] * 7, [13]),
    "nelson5": ([0.1, 2.5, 0.3, 2.6, -0.2], [3]),
    "nelson6": ([0.2, 1.5, 1.2, 0.3, 1.4, 1.3, 0.1], [5]),
    "nelson7": ([0.2, 0.3, -0.1, -0.2, 0.4, 0.1, -0.3, -0.1, 0.2, 0.3, -0.2, -0.4, 0.1, 0.2, -0.1], [14]),
    "nelson8": ([1.5, -1.5, 1.6, -1.4, 1.3, -1.6, 1.5, -1.5], [7]),
}
WESTERN_ELECTRIC = {
    "we1": NELSON["nelson1"],
    "we2": NELSON["nelson5"],
    "we3": NELSON["nelson6"],
    "we4": ([0.3, 0.5, 0.4, 0.6, 0.5, 0.4, 0.5, 0.3], [7]),
}


def individuals(*series: list[float]) -> spc.Subgroups:
    values = np.concatenate([np.asarray(s, dtype=np.float64) for s in series])
    group = np.repeat(np.arange(len(series)), [len(s) for s in series])
    return spc.individuals(values, group, len(series))


def fired(series: list[float], rules: str) -> dict[str, list[int]]:
    """Rules of the primary chart that flag any point, with the points they flag (given centre 0, sigma 1)."""
    result = spc.analyse("imr", individuals(series), params=spc.Params.given(0, 1, 1), rules=rules)
    return {rule: list(np.flatnonzero(f)) for rule, f in result.signals.items() if f.any() and rule != "mr_chart"}


@pytest.mark.parametrize("rule", sorted(NELSON))
def test_each_nelson_rule_alone(rule: str) -> None:
    series, points = NELSON[rule]
    assert fired(series, "nelson") == {rule: points}


@pytest.mark.parametrize("rule", sorted(WESTERN_ELECTRIC))
def test_each_western_electric_rule_alone(rule: str) -> None:
    series, points = WESTERN_ELECTRIC[rule]
    assert fired(series, "we") == {rule: points}


def test_points_on_the_centre_line_are_on_neither_side() -> None:
    assert fired([0.5] * 4 + [0.0] + [0.5] * 4, "nelson") == {}
    assert fired([0.5] * 9, "nelson") == {"nelson2": [8]}


def test_windows_stop_at_the_characteristic_boundary() -> None:
    """Five points above at the end of one chart and four at the start of the next are no run of nine."""
    data = individuals([-0.5, 0.5, 0.5, 0.5, 0.5, 0.5], [0.5, 0.5, 0.5, 0.5, -0.5])
    result = spc.analyse("imr", data, params=spc.Params.given(0, 1, 2), rules=["nelson2", "nelson3", "we4"])
    assert not result.flagged.any()


def test_rule_selection() -> None:
    assert spc.expand("we") == ("we1", "we2", "we3", "we4")
    assert spc.expand(["nelson1", "nelson", "we2"])[:2] == ("nelson1", "nelson2")
    assert len(spc.expand(["nelson1", "nelson"])) == 8
    result = spc.analyse("imr", individuals(NELSON["nelson5"][0]), params=spc.Params.given(0, 1, 1), rules=["we1"])
    assert set(result.signals) == {"we1", "mr_chart"}  # rule 1 also watches the moving-range chart


def test_secondary_chart_signal() -> None:
    """A jump of 4 sigma between two points within the I limits is beyond the MR chart's 3.686 sigma."""
    result = spc.analyse("imr", individuals([0.2, 2.0, -2.0, 0.1]), params=spc.Params.given(0, 1, 1), rules="we")
    assert list(np.flatnonzero(result.signals["mr_chart"])) == [2]
    assert not result.signals["we1"].any()


# --- the vectorised engine equals one chart at a time ---------------------------------------------------------

CHARTS = ("xbar_r", "xbar_s", "imr", "ewma", "cusum", "p", "np", "c", "u")


def _data(
    chart: str, rng: np.random.Generator, lengths: list[int], size: int, vary: bool
) -> spc.Subgroups | spc.Counts:
    group = np.repeat(np.arange(len(lengths)), lengths)
    points = int(sum(lengths))
    shift = rng.normal(0, 2, len(lengths))[group]
    if chart in ("p", "np", "c", "u"):
        n = rng.integers(20, 60, points).astype(np.float64) if vary else np.full(points, 40.0)
        count = rng.binomial(n.astype(np.int64), 0.1 + 0.05 * (shift > 0)).astype(np.float64)
        return spc.counts(count, None if chart == "c" else n, group, len(lengths))
    if chart == "imr" or (chart in ("ewma", "cusum") and size == 1):
        return spc.individuals(rng.normal(shift, 1.0), group, len(lengths))
    sizes = rng.integers(2, size + 1, points) if vary else np.full(points, size)
    values = rng.normal(np.repeat(shift, sizes), 1.0)
    starts = np.concatenate([[0], np.cumsum(sizes)[:-1]])
    return spc.subgroups(values, starts, group, len(lengths))


def _one(data: spc.Subgroups | spc.Counts, g: int) -> spc.Subgroups | spc.Counts:
    keep = data.group == g
    part = data.take(keep)
    if isinstance(part, spc.Subgroups):
        rows = np.flatnonzero(keep)
        sizes = data.size[rows].astype(np.int64)
        values = np.concatenate([data.values[s : s + n] for s, n in zip(data.start[rows], sizes, strict=True)])
        return spc.subgroups(values, np.concatenate([[0], np.cumsum(sizes)[:-1]]), np.zeros(rows.size, int), 1)
    return spc.counts(part.count, part.size, np.zeros(len(part), dtype=np.int64), 1)


@settings(max_examples=60, deadline=None)
@given(
    chart=st.sampled_from(CHARTS),
    lengths=st.lists(st.integers(1, 40), min_size=1, max_size=6),
    size=st.integers(1, 6),
    vary=st.booleans(),
    seed=st.integers(0, 2**32 - 1),
)
def test_many_characteristics_at_once_equal_one_at_a_time(
    chart: spc.ChartType, lengths: list[int], size: int, vary: bool, seed: int
) -> None:
    if chart in ("xbar_r", "xbar_s"):
        size = max(size, 2)
    data = _data(chart, np.random.default_rng(seed), lengths, size, vary)
    spec = spc.Spec.same(data.n_groups, -3.0, 3.0) if chart in spc.VARIABLES else None
    together = spc.analyse(chart, data, rules="nelson", spec=spec)
    offset = 0
    for g, n in enumerate(lengths):
        alone = spc.analyse(chart, _one(data, g), rules="nelson", spec=spc.Spec.same(1, -3.0, 3.0) if spec else None)
        part = slice(offset, offset + n)
        for name in ("stat", "center", "lcl", "ucl", "zone"):
            np.testing.assert_allclose(getattr(together.chart, name)[part], getattr(alone.chart, name), rtol=1e-9)
        for rule, flags in alone.signals.items():
            assert np.array_equal(together.signals[rule][part], flags), rule
        if together.capability is not None and alone.capability is not None:
            ours, single = together.capability.row(g), alone.capability.row(0)
            for name, value in single.items():
                assert (ours[name] is None) == (value is None), name
                assert value is None or ours[name] == pytest.approx(value, rel=1e-9, abs=1e-12), name
        offset += n
