"""Run rules: Western Electric 1-4 and Nelson 1-8, for every point of every chart at once.

Distances from the centre line are measured in the zone width of each point (the sigma of the plotted
statistic, see :class:`Chart`). "Beyond k sigma" means strictly more than k sigma away; a point exactly on the
centre line is on neither side, so it ends a run on either side. A rule flags the point that completes its
pattern (the last of the window); rules 5 and 6 flag it only when that point is itself one of the far points.

    nelson1 / we1  one point beyond the control limits
    nelson2        nine points in a row on the same side of the centre line
    we4            eight points in a row on the same side of the centre line
    nelson3        six points in a row steadily increasing or decreasing (five rises or five falls)
    nelson4        fourteen points in a row alternating up and down
    nelson5 / we2  two of three points in a row beyond 2 sigma, on the same side
    nelson6 / we3  four of five points in a row beyond 1 sigma, on the same side
    nelson7        fifteen points in a row within 1 sigma, either side
    nelson8        eight points in a row beyond 1 sigma, either side

Windows never span two characteristics: a point only completes a pattern with points of its own chart.
With rule 1 selected, points beyond the limits of the secondary chart (R, S or MR) are flagged as
``r_chart``, ``s_chart`` or ``mr_chart``. EWMA and CUSUM charts have one rule of their own, ``ewma`` or
``cusum``: a point beyond the limits (the decision interval).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from functools import cached_property

import numpy as np
import numpy.typing as npt

from guifan.engine.spc.chart import Chart
from guifan.engine.spc.data import SpcError
from guifan.engine.spc.segments import BoolArray, FloatArray, positions, previous, window_count

NELSON = tuple(f"nelson{i}" for i in range(1, 9))
WESTERN_ELECTRIC = tuple(f"we{i}" for i in range(1, 5))
RULE_SETS: dict[str, tuple[str, ...]] = {"nelson": NELSON, "we": WESTERN_ELECTRIC}
RULE_NAMES = (*NELSON, *WESTERN_ELECTRIC)


def expand(selection: str | Sequence[str]) -> tuple[str, ...]:
    """``"we"``, ``"nelson"`` or a list of rule and set names, as the rule names, in order, once each."""
    items = [selection] if isinstance(selection, str) else list(selection)
    out: list[str] = []
    for item in items:
        name = item.strip().lower()
        if name not in RULE_SETS and name not in RULE_NAMES:
            known = ", ".join([*RULE_SETS, *RULE_NAMES])
            raise SpcError(f"unknown rule {item!r}; use one of: {known}")
        out += [r for r in RULE_SETS.get(name, (name,)) if r not in out]
    return tuple(out)


class _Points:
    """What the rules look at, computed once per chart and shared between rules."""

    def __init__(self, chart: Chart) -> None:
        self.chart = chart
        self.pos = positions(chart.group)
        self.z = _distance(chart)
        self._flags: dict[str, BoolArray] = {}
        self._counts: dict[tuple[str, int], npt.NDArray[np.int32]] = {}
        self._valid: dict[int, BoolArray] = {}

    def flag(self, name: str) -> BoolArray:
        if name not in self._flags:
            self._flags[name] = _FLAGS[name](self)
        return self._flags[name]

    def count(self, name: str, width: int) -> npt.NDArray[np.int32]:
        """How many of the last ``width`` points have the flag (valid where :meth:`valid` is set)."""
        if (name, width) not in self._counts:
            self._counts[name, width] = window_count(self.flag(name), width)
        return self._counts[name, width]

    def valid(self, width: int) -> BoolArray:
        """Points with at least ``width - 1`` predecessors in their own chart."""
        if width not in self._valid:
            self._valid[width] = self.pos >= width - 1
        return self._valid[width]

    def run(self, name: str, length: int) -> BoolArray:
        """Points that end a run of ``length`` points with the named flag."""
        full: BoolArray = self.count(name, length) == length
        return full & self.valid(length)

    def some_of(self, name: str, count: int, width: int) -> BoolArray:
        """Points with the flag that end a window of ``width`` points holding ``count`` or more such points."""
        return self.flag(name) & (self.count(name, width) >= count) & self.valid(width)

    @cached_property
    def steps(self) -> FloatArray:
        """Change from the previous point of the same chart; NaN at a chart's first point."""
        stat = self.chart.stat
        return stat - previous(stat, self.pos)


def _distance(chart: Chart) -> FloatArray:
    """(stat - centre) / zone; +-inf for a point off a zero-width centre line, 0 on it, NaN without limits."""
    diff = chart.stat - chart.center
    with np.errstate(invalid="ignore", divide="ignore"):
        z: FloatArray = diff / chart.zone
    if not np.all(chart.zone > 0):
        z[(chart.zone == 0) & (diff == 0)] = 0.0
    return z


def _alternating(p: _Points) -> BoolArray:
    step = p.steps
    with np.errstate(invalid="ignore"):
        return step * previous(step, p.pos) < 0


_FLAGS: dict[str, Callable[[_Points], BoolArray]] = {
    "above": lambda p: p.z > 0,
    "below": lambda p: p.z < 0,
    "above1": lambda p: p.z > 1,
    "below1": lambda p: p.z < -1,
    "above2": lambda p: p.z > 2,
    "below2": lambda p: p.z < -2,
    "within1": lambda p: np.abs(p.z) <= 1,
    "outside1": lambda p: np.abs(p.z) > 1,
    "rising": lambda p: p.steps > 0,
    "falling": lambda p: p.steps < 0,
    "alternating": _alternating,
}


def beyond(chart: Chart) -> BoolArray:
    """Points strictly outside their control limits."""
    return (chart.stat > chart.ucl) | (chart.stat < chart.lcl)


_RULES: dict[str, Callable[[_Points], BoolArray]] = {
    "nelson1": lambda p: beyond(p.chart),
    "nelson2": lambda p: p.run("above", 9) | p.run("below", 9),
    "nelson3": lambda p: p.run("rising", 5) | p.run("falling", 5),
    "nelson4": lambda p: p.run("alternating", 12),
    "nelson5": lambda p: p.some_of("above2", 2, 3) | p.some_of("below2", 2, 3),
    "nelson6": lambda p: p.some_of("above1", 4, 5) | p.some_of("below1", 4, 5),
    "nelson7": lambda p: p.run("within1", 15),
    "nelson8": lambda p: p.run("outside1", 8),
    "we1": lambda p: beyond(p.chart),
    "we2": lambda p: p.some_of("above2", 2, 3) | p.some_of("below2", 2, 3),
    "we3": lambda p: p.some_of("above1", 4, 5) | p.some_of("below1", 4, 5),
    "we4": lambda p: p.run("above", 8) | p.run("below", 8),
}


def signals(chart: Chart, rules: Sequence[str]) -> dict[str, BoolArray]:
    """Per rule, the points it flags. EWMA and CUSUM charts take only their own rule.

    Runs block by block over whole characteristics, so the temporaries stay small and in the CPU cache.
    """
    names = _names(chart, rules)
    out = {name: np.zeros(len(chart), dtype=np.bool_) for name in names}
    for lo, hi in chart.blocks():
        for name, flags in _block(chart.part(lo, hi), names).items():
            out[name][lo:hi] = flags
    return out


def _names(chart: Chart, rules: Sequence[str]) -> tuple[str, ...]:
    if chart.type in ("ewma", "cusum"):
        return (chart.type,)
    names = expand(rules)
    if chart.secondary is not None and ("nelson1" in names or "we1" in names):
        names = (*names, f"{chart.secondary.name}_chart")
    return names


def _block(chart: Chart, names: tuple[str, ...]) -> dict[str, BoolArray]:
    if chart.type == "ewma":
        return {"ewma": beyond(chart)}
    if chart.type == "cusum":
        lower = beyond(chart.secondary) if chart.secondary is not None else np.zeros(len(chart), dtype=np.bool_)
        return {"cusum": beyond(chart) | lower}
    points = _Points(chart)
    out = {name: _RULES[name](points) for name in names if name in _RULES}
    if chart.secondary is not None and f"{chart.secondary.name}_chart" in names:
        out[f"{chart.secondary.name}_chart"] = beyond(chart.secondary)
    return out


def flagged(found: dict[str, BoolArray], size: int) -> BoolArray:
    """Points flagged by any rule."""
    out = np.zeros(size, dtype=np.bool_)
    for flags in found.values():
        out |= flags
    return out
