"""What a chart is: its parameters per characteristic, and its points with their centre line and limits."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Literal

import numpy as np

from guifan.engine.spc.segments import FloatArray, IntArray, group_starts

ChartType = Literal["xbar_r", "xbar_s", "imr", "p", "np", "c", "u", "ewma", "cusum"]
CHART_TYPES: tuple[ChartType, ...] = ("xbar_r", "xbar_s", "imr", "p", "np", "c", "u", "ewma", "cusum")
VARIABLES: tuple[ChartType, ...] = ("xbar_r", "xbar_s", "imr", "ewma", "cusum")
ATTRIBUTES: tuple[ChartType, ...] = ("p", "np", "c", "u")

BLOCK = 1 << 16
"""Points per block when a computation runs block by block (whole characteristics, so windows stay inside)."""


@dataclass(frozen=True)
class Params:
    """The centre and the spread each characteristic's limits are built from (one entry per characteristic).

    ``center`` is the process mean (X-bar, I, EWMA and CUSUM charts), the fraction nonconforming p-bar (p and np),
    the mean count c-bar (c) or the mean count per unit u-bar (u). ``sigma`` is the standard deviation of a
    single measurement (variables charts); attribute charts take their spread from ``center`` and leave it NaN.
    """

    center: FloatArray
    sigma: FloatArray

    @classmethod
    def given(cls, center: float, sigma: float, n_groups: int) -> Params:
        """The same known parameters for every characteristic (phase II with limits from elsewhere)."""
        return cls(np.full(n_groups, float(center)), np.full(n_groups, float(sigma)))

    def __len__(self) -> int:
        return int(self.center.size)


@dataclass(frozen=True)
class Limits:
    """Centre line, zone width and control limits: one value per characteristic, or one per point."""

    center: FloatArray
    zone: FloatArray
    lcl: FloatArray
    ucl: FloatArray
    per_point: bool


@dataclass(frozen=True)
class Chart:
    """Points of many charts: the plotted statistic with, per point, centre, limits and zone width.

    ``zone`` is the standard deviation of the plotted statistic at that point: the run rules measure distances
    from the centre line in it. Limits are clipped where the statistic cannot go (a count below 0); the zones
    are not. ``secondary`` is the R, S or MR chart of an X-bar or I chart, or the lower CUSUM. Limits that are
    the same along a characteristic are kept per characteristic and spread to the points when asked for.
    """

    type: ChartType
    group: IntArray
    n_groups: int
    stat: FloatArray
    limits: Limits
    params: Params
    secondary: Chart | None = None
    name: str = ""
    extra: dict[str, float] = field(default_factory=dict)

    def _points(self, values: FloatArray) -> FloatArray:
        return values if self.limits.per_point else values[self.group]

    @property
    def center(self) -> FloatArray:
        return self._points(self.limits.center)

    @property
    def zone(self) -> FloatArray:
        return self._points(self.limits.zone)

    @property
    def lcl(self) -> FloatArray:
        return self._points(self.limits.lcl)

    @property
    def ucl(self) -> FloatArray:
        return self._points(self.limits.ucl)

    def part(self, lo: int, hi: int) -> Chart:
        """Points ``lo:hi`` (whole characteristics, for the rules), limits spread to them."""
        group = self.group[lo:hi]
        limits = self.limits
        if limits.per_point:
            picked = Limits(limits.center[lo:hi], limits.zone[lo:hi], limits.lcl[lo:hi], limits.ucl[lo:hi], True)
        else:
            picked = Limits(limits.center[group], limits.zone[group], limits.lcl[group], limits.ucl[group], True)
        secondary = self.secondary.part(lo, hi) if self.secondary is not None else None
        return Chart(self.type, group, self.n_groups, self.stat[lo:hi], picked, self.params, secondary, self.name)

    def blocks(self) -> Iterator[tuple[int, int]]:
        """Point ranges of about :data:`BLOCK` points that start and end at characteristic boundaries."""
        yield from blocks(self.group)

    def __len__(self) -> int:
        return int(self.group.size)


def blocks(group: IntArray, size: int = BLOCK, starts: IntArray | None = None) -> Iterator[tuple[int, int]]:
    """Ranges of about ``size`` points cut only where a characteristic starts (a longer one stays whole)."""
    n = group.size
    bounds = np.append(group_starts(group) if starts is None else starts, n)
    lo = 0
    while lo < n:
        hi = int(bounds[np.searchsorted(bounds, lo + size, side="right") - 1])
        if hi <= lo:
            hi = int(bounds[np.searchsorted(bounds, lo, side="right")])
        yield lo, hi
        lo = hi


def shewhart(
    chart_type: ChartType,
    group: IntArray,
    n_groups: int,
    stat: FloatArray,
    center: FloatArray,
    zone: FloatArray,
    params: Params,
    *,
    per_point: bool,
    floor: float | None = None,
    ceiling: FloatArray | float | None = None,
    name: str = "",
) -> Chart:
    """A Shewhart chart: limits three zones either side of the centre, clipped to ``floor`` and ``ceiling``.
    ``center`` and ``zone`` are given per point, or per characteristic (``per_point=False``)."""
    lcl = center - 3 * zone
    ucl = center + 3 * zone
    if floor is not None:
        lcl = np.maximum(lcl, floor)
    if ceiling is not None:
        ucl = np.minimum(ucl, ceiling)
    limits = Limits(center, zone, lcl, ucl, per_point)
    return Chart(chart_type, group, n_groups, stat, limits, params, name=name or chart_type)
