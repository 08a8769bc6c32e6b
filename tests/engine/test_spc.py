"""The SPC engine against published values: Montgomery's data as distributed with R's qcc, the numbers qcc prints
for them, the textbook's tables and examples, and the NIST/SEMATECH e-Handbook."""

from __future__ import annotations

import csv
import math
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from guifan.engine import spc
from guifan.engine.spc.capability import Spec, indices, normal_cdf

DATA = Path(__file__).parent / "data" / "spc"


def table(name: str) -> list[dict[str, Any]]:
    with (DATA / name).open(encoding="utf-8") as f:
        return list(csv.DictReader(f))


def trial(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [r for r in rows if r["trial"] == "True"]


def zeros(n: int) -> np.ndarray:
    return np.zeros(n, dtype=np.int64)


def rings(rows: list[dict[str, Any]]) -> spc.Subgroups:
    """Piston ring diameters in subgroups of five, one characteristic."""
    values = np.array([float(r["diameter"]) for r in rows])
    return spc.subgroups(values, np.arange(0, values.size, 5), zeros(values.size // 5), 1)


def counted(rows: list[dict[str, Any]], count: str) -> spc.Counts:
    values = np.array([float(r[count]) for r in rows])
    return spc.counts(values, np.array([float(r["size"]) for r in rows]), zeros(len(rows)), 1)


def first(values: np.ndarray) -> float:
    return float(values[0])


# --- constants -----------------------------------------------------------------------------------------------

# Montgomery, Introduction to Statistical Quality Control, Appendix VI (three decimals; c4 four).
TEXTBOOK = {
    2: {"A2": 1.880, "A3": 2.659, "c4": 0.7979, "B3": 0.0, "B4": 3.267, "d2": 1.128, "d3": 0.853, "D3": 0.0,
        "D4": 3.267},
    5: {"A2": 0.577, "A3": 1.427, "c4": 0.9400, "B3": 0.0, "B4": 2.089, "d2": 2.326, "d3": 0.864, "D3": 0.0,
        "D4": 2.114},
    10: {"A2": 0.308, "A3": 0.975, "c4": 0.9727, "B3": 0.284, "B4": 1.716, "d2": 3.078, "d3": 0.797, "D3": 0.223,
         "D4": 1.777},
    25: {"A2": 0.153, "A3": 0.606, "c4": 0.9896, "B3": 0.565, "B4": 1.435, "d2": 3.931, "d3": 0.708, "D3": 0.459,
         "D4": 1.541},
}  # fmt: skip


@pytest.mark.parametrize("n", sorted(TEXTBOOK))
def test_factors_match_the_textbook_table(n: int) -> None:
    """Factors derived from the three-decimal d2 may differ from the printed ones in the last digit (A2 for n = 2
    is 1.8806 from d2 = 1.128, the textbook's 1.880 comes from d2 = 1.12838)."""
    ours = spc.factors(n)
    for name, printed in TEXTBOOK[n].items():
        assert ours[name] == pytest.approx(printed, abs=0.00051 if name == "c4" else 0.0011), name


def _range_moments(n: int, h: float = 0.01) -> tuple[float, float]:
    """Mean and standard deviation of the range W of n standard normals, by numerical integration:
    P(W <= w) = n * integral of phi(x) (Phi(x + w) - Phi(x))^(n-1) dx, E W = int P(W > w), E W^2 = int 2w P(W > w)."""
    x = np.arange(-8, 8 + h / 2, h)
    w = np.arange(0, 12 + h / 2, h)
    cdf = normal_cdf(np.arange(-8, 20 + h, h))
    rows = np.arange(x.size)
    shifted = cdf[rows[:, None] + np.arange(w.size)[None, :]]
    density = np.exp(-(x**2) / 2) / math.sqrt(2 * math.pi)
    tail = 1 - n * np.trapezoid((shifted - cdf[rows][:, None]) ** (n - 1) * density[:, None], dx=h, axis=0)
    simpson = np.ones(w.size)
    simpson[1:-1:2], simpson[2:-1:2] = 4, 2
    mean = float(simpson @ tail) * h / 3
    square = float(simpson @ (2 * w * tail)) * h / 3
    return mean, math.sqrt(square - mean * mean)


@pytest.mark.parametrize("n", [2, 3, 5, 8, 12, 20, 25])
def test_tabulated_d2_and_d3_are_the_normal_range_moments(n: int) -> None:
    d2, d3 = _range_moments(n)
    assert spc.d2(n) == pytest.approx(d2, abs=5e-4)  # tabulated to three decimals, as qcc and the textbook
    assert spc.d3(n) == pytest.approx(d3, abs=1.5e-5)  # qcc's seven digits are good to about 1e-5


def test_constants_outside_their_range_are_refused() -> None:
    with pytest.raises(ValueError, match="2 to 25"):
        spc.d2(26)
    with pytest.raises(ValueError, match="2 to 25"):
        spc.d3(1)
    with pytest.raises(ValueError, match="at least 2"):
        spc.c4(1)
    assert spc.c4(100) == pytest.approx(0.99748, abs=1e-5)  # c4 has a closed form for any n


# --- variables charts: piston rings (Montgomery Example 6.1; qcc's vignette) -----------------------------------


def test_piston_rings_xbar_r_trial_limits_as_qcc() -> None:
    result = spc.analyse("xbar_r", rings(trial(table("pistonrings.csv"))), rules=["we1"])
    chart, r = result.chart, result.chart.secondary
    assert r is not None
    assert round(first(chart.center), 5) == 74.00118
    assert round(float(chart.params.sigma[0]), 9) == 0.009785039  # R-bar / d2 = 0.02276 / 2.326
    assert round(first(chart.lcl), 5) == 73.98805
    assert round(first(chart.ucl), 5) == 74.01430
    assert round(first(r.center), 5) == 0.02276
    assert round(first(r.ucl), 8) == 0.04812533
    assert first(r.lcl) == 0.0
    assert not result.flagged.any()  # in control: the trial limits stand


def test_piston_rings_xbar_s_trial_limits_as_qcc() -> None:
    result = spc.analyse("xbar_s", rings(trial(table("pistonrings.csv"))), rules=["we1"])
    chart, s = result.chart, result.chart.secondary
    assert s is not None
    assert round(float(chart.params.sigma[0]), 9) == 0.009829977  # S-bar / c4 = 0.009240037 / 0.9399856
    assert round(first(s.center), 9) == 0.009240037
    assert round(first(s.ucl), 8) == 0.01930242
    assert round(first(chart.lcl), 5) == 73.98799
    assert round(first(chart.ucl), 5) == 74.01436
    assert not result.flagged.any()


def test_piston_rings_capability_as_qcc_process_capability() -> None:
    """qcc: process.capability(qcc(diameter[1:25,], "xbar"), spec.limits = c(73.95, 74.05)).

    qcc uses the chart's within sigma (R-bar/d2 = 0.009785) for Cp..Cpm; the textbook's Cp = 1.68 divides by
    the rounded 0.0099 instead. Pp and Ppk use the overall sample standard deviation (0.01007)."""
    spec = Spec.same(1, 73.95, 74.05)
    cap = spc.analyse("xbar_r", rings(trial(table("pistonrings.csv"))), spec=spec).capability
    assert cap is not None
    printed = {"cp": 1.703, "cpl": 1.743, "cpu": 1.663, "cpk": 1.663, "cpm": 1.691, "pp": 1.655, "ppk": 1.616}
    assert {name: round(float(getattr(cap, name)[0]), 3) for name in printed} == printed
    assert round(float(cap.sigma_overall[0]), 6) == 0.01007
    assert float(cap.expected_below[0]) < 1e-4 and float(cap.expected_above[0]) < 1e-4  # qcc prints 0%
    assert float(cap.observed_below[0]) == 0.0 and float(cap.observed_above[0]) == 0.0


def test_piston_rings_phase_two_flags_samples_37_to_39() -> None:
    rows = table("pistonrings.csv")
    result = spc.analyse("xbar_r", rings(rows), basis=rings(trial(rows)), rules=["we1"])
    assert round(first(result.chart.ucl), 5) == 74.01430  # the trial limits
    assert list(np.flatnonzero(result.signals["we1"]) + 1) == [37, 38, 39]


def test_viscosity_individuals_and_moving_range() -> None:
    rows = table("viscosity.csv")
    values = np.array([float(r["viscosity"]) for r in rows])
    basis = spc.individuals(values[:20], zeros(20), 1)
    result = spc.analyse("imr", basis, rules="nelson")
    chart, mr = result.chart, result.chart.secondary
    assert mr is not None
    assert round(first(chart.center), 3) == 34.088
    assert round(float(chart.params.sigma[0]), 4) == 0.5077  # MR-bar / 1.128 = 0.5726 / 1.128
    assert (round(first(chart.lcl), 2), round(first(chart.ucl), 2)) == (32.57, 35.61)
    assert (round(first(mr.center), 4), round(first(mr.ucl), 3)) == (0.5726, 1.871)
    assert {rule: list(np.flatnonzero(flags) + 1) for rule, flags in result.signals.items() if flags.any()} == {
        "nelson1": [4],  # 35.96 is above the individuals limit
        "mr_chart": [4],  # and jumps 2.37 from batch 3
    }
    phase2 = spc.analyse("imr", spc.individuals(values[20:], zeros(15), 1), basis=basis, rules="nelson")
    found = {rule: list(np.flatnonzero(flags) + 21) for rule, flags in phase2.signals.items() if flags.any()}
    # the process moved up at batch 25: z = 1.11, 1.40, 0.91, 2.58, 1.30, ... and stays above the centre line
    assert found == {"nelson2": [33, 34, 35], "nelson6": [29]}


# --- attributes charts ---------------------------------------------------------------------------------------


def test_orange_juice_p_chart_trial_and_revised_limits() -> None:
    rows = trial(table("orangejuice.csv"))
    data = counted(rows, "D")
    result = spc.analyse("p", data, rules=["we1"])
    chart = result.chart
    assert [round(first(v), 4) for v in (chart.center, chart.ucl, chart.lcl)] == [0.2313, 0.4102, 0.0524]
    samples = np.array([int(r["sample"]) for r in rows])
    assert list(samples[result.flagged]) == [15, 23]
    keep = ~np.isin(samples, [15, 23])
    revised = spc.analyse("p", data.take(keep), rules=["we1"])
    chart = revised.chart
    assert [round(first(v), 4) for v in (chart.center, chart.ucl, chart.lcl)] == [0.2150, 0.3893, 0.0407]
    assert list(samples[keep][revised.flagged]) == [21]  # above the revised limit, kept by Montgomery


def test_orange_juice_np_chart() -> None:
    chart = spc.analyse("np", counted(trial(table("orangejuice.csv")), "D"), rules=["we1"]).chart
    assert [round(first(v), 2) for v in (chart.center, chart.ucl, chart.lcl)] == [11.57, 20.51, 2.62]


def test_orange_juice_after_adjustment_clips_the_lower_limit() -> None:
    chart = spc.analyse("p", counted(trial(table("orangejuice2.csv")), "D"), rules=["we1"]).chart
    assert [round(first(v), 4) for v in (chart.center, chart.ucl, chart.lcl)] == [0.1108, 0.2440, 0.0]


def test_circuit_boards_c_chart_trial_and_revised() -> None:
    """Textbook: c-bar 19.85, UCL 33.22, LCL 6.48. qcc prints UCL 33.21086: the textbook rounds c-bar first."""
    rows = trial(table("circuit.csv"))
    data = counted(rows, "x")
    result = spc.analyse("c", data, rules=["we1"])
    chart = result.chart
    assert [round(first(v), 2) for v in (chart.center, chart.lcl)] == [19.85, 6.48]
    assert round(first(chart.ucl), 5) == 33.21086
    assert round(19.85 + 3 * math.sqrt(19.85), 2) == 33.22  # the textbook's rounding
    samples = np.array([int(r["sample"]) for r in rows])
    assert list(samples[result.flagged]) == [6, 20]
    revised = spc.analyse("c", data.take(~np.isin(samples, [6, 20]))).chart
    assert [round(first(v), 2) for v in (revised.center, revised.ucl, revised.lcl)] == [19.67, 32.97, 6.36]


def test_circuit_boards_u_chart_per_board() -> None:
    chart = spc.analyse("u", counted(trial(table("circuit.csv")), "x")).chart
    assert [round(first(v), 5) for v in (chart.center, chart.ucl)] == [0.19846, 0.33211]


def test_pc_manufacturing_u_chart() -> None:
    chart = spc.analyse("u", counted(table("pcmanufact.csv"), "x"), rules=["we1"]).chart
    assert [round(first(v), 2) for v in (chart.center, chart.ucl, chart.lcl)] == [1.93, 3.79, 0.07]
    assert (round(first(chart.ucl), 6), round(first(chart.lcl), 8)) == (3.793867, 0.06613305)  # qcc


def test_p_chart_with_varying_sizes_has_limits_per_subgroup() -> None:
    data = spc.counts(np.array([5.0, 8, 2, 6]), np.array([50.0, 100, 40, 80]), zeros(4), 1)
    chart = spc.analyse("p", data).chart
    p = 21 / 270
    assert first(chart.center) == pytest.approx(p)
    expected = [p + 3 * math.sqrt(p * (1 - p) / n) for n in (50, 100, 40, 80)]
    assert chart.ucl == pytest.approx(expected)


# --- EWMA and CUSUM: Montgomery Examples 9.1 and 9.2 (mu0 = 10, sigma = 1) ------------------------------------

CUSUM_DATA = [
    9.45, 7.99, 9.29, 11.66, 12.16, 10.18, 8.04, 11.46, 9.20, 10.34, 9.03, 11.47, 10.51, 9.40, 10.08,
    9.37, 10.62, 10.31, 8.52, 10.84, 10.90, 9.33, 12.29, 11.50, 10.60, 11.08, 10.38, 11.62, 11.31, 10.52,
]  # fmt: skip


def test_tabular_cusum_signals_at_period_29() -> None:
    data = spc.individuals(np.array(CUSUM_DATA), zeros(30), 1)
    result = spc.analyse("cusum", data, params=spc.Params.given(10, 1, 1))
    upper = result.chart.stat
    assert [round(float(upper[i]), 2) for i in (3, 4, 27, 28, 29)] == [1.16, 2.82, 4.47, 5.28, 5.30]
    assert list(np.flatnonzero(result.signals["cusum"]) + 1) == [29, 30]


def test_ewma_with_lambda_0_1_and_l_2_7() -> None:
    data = spc.individuals(np.array(CUSUM_DATA), zeros(30), 1)
    result = spc.analyse("ewma", data, params=spc.Params.given(10, 1, 1), ewma=spc.EwmaOptions(0.1, 2.7))
    z, ucl = result.chart.stat, result.chart.ucl
    assert [round(float(z[i]), 4) for i in (0, 1, 27, 28)] == [9.945, 9.7495, 10.5731, 10.6468]
    assert round(float(ucl[0]), 4) == 10.27  # 10 + 2.7 * 0.1 (the first limit is the narrowest)
    assert round(float(ucl[28]), 4) == 10.6187
    assert list(np.flatnonzero(result.signals["ewma"]) + 1) == [29, 30]


# --- capability: NIST/SEMATECH e-Handbook, section 6.1.6 -----------------------------------------------------


def test_nist_handbook_capability_example() -> None:
    """USL 20, LSL 8, mean 16, s 2: Cp 1.0, Cpu 0.6667, Cpl 1.3333, Cpk 0.6667 (= Cp (1 - k), k = 1/3)."""
    one = np.array([1.0])
    found = indices(16 * one, 2 * one, 2 * one, Spec.same(1, 8, 20))
    assert round(float(found["cp"][0]), 4) == 1.0
    assert round(float(found["cpu"][0]), 4) == 0.6667
    assert round(float(found["cpl"][0]), 4) == 1.3333
    assert round(float(found["cpk"][0]), 4) == round(1.0 * (1 - 1 / 3), 4) == 0.6667
    # Cpm = (USL - LSL) / (6 sqrt(sigma^2 + (mean - T)^2)) with T the midpoint 14: 12 / (6 sqrt 8)
    assert round(float(found["cpm"][0]), 4) == 0.7071
    with_target = indices(16 * one, 2 * one, 2 * one, Spec.same(1, 8, 20, target=16))
    assert float(with_target["cpm"][0]) == pytest.approx(1.0)


def test_one_sided_specification() -> None:
    one = np.array([1.0])
    found = indices(16 * one, 2 * one, 2 * one, Spec.same(1, None, 20))
    assert math.isnan(float(found["cp"][0])) and math.isnan(float(found["cpl"][0]))
    assert round(float(found["cpk"][0]), 4) == 0.6667


def test_zero_variation_leaves_capability_undefined() -> None:
    data = spc.subgroups(np.full(20, 5.0), np.arange(0, 20, 5), zeros(4), 1)
    result = spc.analyse("xbar_r", data, rules="nelson", spec=Spec.same(1, 4, 6))
    cap = result.capability
    assert cap is not None
    assert all(cap.row(0)[name] is None for name in spc.INDICES)
    assert cap.row(0)["observed_below"] == 0.0
    assert not result.flagged.any()  # points on a zero-width centre line are no signal


# --- Six Sigma -----------------------------------------------------------------------------------------------


def test_sigma_levels_of_the_conversion_table() -> None:
    table_ = {1: 691_462, 2: 308_538, 3: 66_807, 4: 6_210, 5: 233, 6: 3.4}
    for level, printed in table_.items():
        assert round(spc.dpmo_from_sigma(level), 1 if level == 6 else 0) == printed
    assert spc.sigma_from_dpmo(3.4) == pytest.approx(6.0, abs=1e-3)
    assert spc.sigma_from_dpmo(6210) == pytest.approx(4.0, abs=1e-3)
    assert spc.dpmo(5, 1000, 4) == 1250.0
    assert spc.sigma_level(0, 1_000_000) == pytest.approx(spc.sigma_from_dpmo(1.0))  # a lower bound
    assert spc.sigma_level(10, 10) is None
    with pytest.raises(ValueError, match="strictly between"):
        spc.sigma_from_dpmo(0)


def test_pareto_orders_and_accumulates() -> None:
    rows = spc.pareto([("划伤", 3), ("毛刺", 5), ("砂眼", 2), ("划伤", 2)])
    assert [r["category"] for r in rows] == ["划伤", "毛刺", "砂眼"]  # a tie goes by name
    assert [r["count"] for r in rows] == [5.0, 5.0, 2.0]
    assert rows[-1]["cumulative"] == pytest.approx(1.0)
    assert rows[0]["share"] == pytest.approx(5 / 12)


# --- bad input -----------------------------------------------------------------------------------------------


def test_xbar_r_refuses_subgroups_beyond_the_table() -> None:
    data = spc.subgroups(np.arange(60.0), np.array([0, 30]), zeros(2), 1)
    with pytest.raises(spc.SpcError, match=r"2 to 25.*xbar_s"):
        spc.analyse("xbar_r", data)
    assert spc.analyse("xbar_s", data).chart.params.sigma[0] > 0


def test_bad_arrays_are_refused_with_a_reason() -> None:
    with pytest.raises(spc.SpcError, match="numbers"):
        spc.subgroups(np.array([1.0, np.nan, 3.0, 4.0]), np.array([0, 2]), zeros(2), 1)
    with pytest.raises(spc.SpcError, match="sorted"):
        spc.subgroups(np.arange(4.0), np.array([0, 2]), np.array([1, 0]), 2)
    with pytest.raises(spc.SpcError, match="defectives"):
        spc.analyse("p", spc.counts(np.array([6.0]), np.array([5.0]), zeros(1), 1))
    with pytest.raises(spc.SpcError, match="measurements"):
        spc.analyse("xbar_r", spc.counts(np.array([1.0]), None, zeros(1), 1))
    with pytest.raises(spc.SpcError, match="unknown rule"):
        spc.expand(["nelson9"])


@pytest.mark.parametrize("equal", [True, False])
def test_observed_out_of_spec_counts_every_measurement(equal: bool) -> None:
    """Observed shares against a direct count, with equal subgroups (read as rows) and unequal ones."""
    rng = np.random.default_rng(7)
    sizes = np.full(300, 5) if equal else rng.integers(2, 7, 300)
    values = rng.normal(10.0, 1.0, int(sizes.sum()))
    starts = np.concatenate([[0], np.cumsum(sizes)[:-1]])
    group = np.repeat(np.arange(3), 100)  # three characteristics of 100 subgroups each
    spec = Spec(np.array([8.5, np.nan, 9.0]), np.array([11.5, 11.0, np.nan]), np.full(3, np.nan))
    cap = spc.analyse("xbar_s", spc.subgroups(values, starts, group, 3), spec=spec).capability
    assert cap is not None
    owner = np.repeat(group, sizes)
    for g in range(3):
        mine = values[owner == g]
        below = np.nan if np.isnan(spec.lsl[g]) else np.mean(mine < spec.lsl[g])
        above = np.nan if np.isnan(spec.usl[g]) else np.mean(mine > spec.usl[g])
        assert np.allclose([cap.observed_below[g], cap.observed_above[g]], [below, above], equal_nan=True)
