"""The data a chart is drawn from: subgroups of measurements, or counts with their sample sizes.

Both hold many characteristics at once: one entry per subgroup, sorted by characteristic (``group``) and then
by time. ``group`` must be non-decreasing; characteristics are numbered 0..n_groups-1 and may have no subgroup.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from functools import cached_property

import numpy as np

from guifan.engine.spc.segments import BoolArray, FloatArray, IntArray, group_starts

Stats = tuple[FloatArray, FloatArray, FloatArray, FloatArray]
_COLUMNS = 64  # subgroups of equal size up to this are reduced column by column
_BLOCK = 1 << 16  # measurements per block: the temporaries of a block stay in the CPU cache


class SpcError(ValueError):
    """Input the charts cannot be drawn from; the message says what to change."""


@dataclass(frozen=True)
class Subgroups:
    """Subgroup statistics of measurements (a variables chart). Individual values are subgroups of one.

    ``values`` keeps the measurements themselves (subgroup ``i`` is ``values[start[i]:start[i] + size[i]]``),
    for the observed out-of-specification shares of capability.
    """

    group: IntArray
    n_groups: int
    size: FloatArray
    mean: FloatArray
    range: FloatArray
    ss: FloatArray  # sum of squared deviations from the subgroup mean
    low: FloatArray
    high: FloatArray
    start: IntArray
    values: FloatArray

    @property
    def sd(self) -> FloatArray:
        """Sample standard deviation (n - 1) of each subgroup; NaN for a subgroup of one."""
        with np.errstate(invalid="ignore", divide="ignore"):
            return np.where(self.size > 1, np.sqrt(self.ss / (self.size - 1)), np.nan)

    @cached_property
    def runs(self) -> IntArray:
        """Index of each characteristic's first subgroup (for the group-wise reductions)."""
        return group_starts(self.group)

    @cached_property
    def common_size(self) -> int | None:
        """The size every subgroup has, or None when sizes differ (or there are none)."""
        if self.size.size == 0 or float(self.size.min()) != float(self.size.max()):
            return None
        return int(self.size[0])

    def take(self, keep: BoolArray) -> Subgroups:
        """Only the subgroups where ``keep`` is set (the measurements stay addressable)."""
        return replace(
            self,
            group=self.group[keep],
            size=self.size[keep],
            mean=self.mean[keep],
            range=self.range[keep],
            ss=self.ss[keep],
            low=self.low[keep],
            high=self.high[keep],
            start=self.start[keep],
        )

    def __len__(self) -> int:
        return int(self.group.size)


@dataclass(frozen=True)
class Counts:
    """Counts per subgroup (an attributes chart): defectives for p and np, defects for c and u."""

    group: IntArray
    n_groups: int
    count: FloatArray
    size: FloatArray

    def take(self, keep: BoolArray) -> Counts:
        return replace(self, group=self.group[keep], count=self.count[keep], size=self.size[keep])

    def __len__(self) -> int:
        return int(self.group.size)


def subgroups(values: FloatArray, start: IntArray, group: IntArray, n_groups: int) -> Subgroups:
    """Statistics of the subgroups starting at ``start`` (increasing) in ``values``, with one group each."""
    values = np.ascontiguousarray(values, dtype=np.float64)
    start = np.asarray(start, dtype=np.int64)
    group = np.asarray(group, dtype=np.int64)
    _check_order(group, n_groups)
    if start.size == 0:
        empty = np.zeros(0)
        return Subgroups(group, n_groups, empty, empty, empty, empty, empty, empty, start, values)
    if group.size != start.size:
        raise SpcError(f"{start.size} subgroups but {group.size} characteristic numbers: give one per subgroup")
    if start[0] != 0 or bool(np.any(start[1:] <= start[:-1])) or start[-1] >= values.size:
        raise SpcError("subgroup starts must begin at 0 and increase: every subgroup needs a measurement")
    size = np.diff(np.append(start, values.size)).astype(np.float64)
    common = int(size[0])
    if common <= _COLUMNS and bool(np.all(size == common)):
        mean, ss, low, high = _equal_stats(values, common)
    else:
        mean, ss, low, high = _stats(values, start, size)
    if np.isnan(mean).any():  # a NaN measurement makes its subgroup's mean NaN
        raise SpcError("measurements must be numbers; leave out missing values before charting")
    return Subgroups(group, n_groups, size, mean, np.subtract(high, low), ss, low, high, start, values)


def _stats(values: FloatArray, start: IntArray, size: FloatArray) -> Stats:
    """Mean, sum of squared deviations, minimum and maximum of subgroups of any sizes."""
    mean = np.add.reduceat(values, start) / size
    deviation = values - np.repeat(mean, size.astype(np.int64))
    np.square(deviation, out=deviation)
    return (
        mean,
        np.add.reduceat(deviation, start),
        np.minimum.reduceat(values, start),
        np.maximum.reduceat(values, start),
    )


def _equal_stats(values: FloatArray, n: int) -> Stats:
    """The same for subgroups that all have ``n`` measurements: block by block, each block turned so that a
    subgroup is a column and the reductions run over a handful of contiguous rows."""
    rows = values.size // n
    mean, ss, low, high = (np.empty(rows) for _ in range(4))
    step = max(1, _BLOCK // n)
    for first in range(0, rows, step):
        last = min(rows, first + step)
        block = values[first * n : last * n].reshape(-1, n).T.copy()
        total = block.sum(axis=0)
        total /= n
        low[first:last], high[first:last] = block.min(axis=0), block.max(axis=0)
        block -= total
        block *= block
        mean[first:last], ss[first:last] = total, block.sum(axis=0)
    return mean, ss, low, high


def individuals(values: FloatArray, group: IntArray, n_groups: int) -> Subgroups:
    """Individual values as subgroups of one (for I-MR, EWMA and CUSUM charts of single measurements)."""
    values = np.asarray(values, dtype=np.float64)
    return subgroups(values, np.arange(values.size, dtype=np.int64), group, n_groups)


def counts(count: FloatArray, size: FloatArray | None, group: IntArray, n_groups: int) -> Counts:
    """Counts per subgroup and their sample sizes (all 1 when there are none, as for a c chart)."""
    count = np.asarray(count, dtype=np.float64)
    group = np.asarray(group, dtype=np.int64)
    _check_order(group, n_groups)
    sizes = np.ones_like(count) if size is None else np.asarray(size, dtype=np.float64)
    if not count.size == sizes.size == group.size:
        raise SpcError("counts, sample sizes and characteristic numbers must have one entry per subgroup")
    if np.isnan(count).any() or np.isnan(sizes).any():
        raise SpcError("counts and sample sizes must be numbers")
    if np.any(count < 0):
        raise SpcError("counts cannot be negative")
    if np.any(sizes <= 0):
        raise SpcError("sample sizes must be positive")
    return Counts(group, n_groups, count, sizes)


def _check_order(group: IntArray, n_groups: int) -> None:
    if group.size and (group[0] < 0 or group[-1] >= n_groups or bool(np.any(group[1:] < group[:-1]))):
        raise SpcError("subgroups must be sorted by characteristic, numbered 0..n_groups-1")
