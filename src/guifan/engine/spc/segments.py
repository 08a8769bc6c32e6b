"""Group-wise operations on concatenated series.

Every chart of every characteristic lives in one array: points sorted by characteristic (``group``, a
non-decreasing integer index), then by time. These helpers reduce per group (``np.add.reduceat`` over each
group's run of points), find each point's position in its group, and run windows and scans that never reach
across a group boundary. Nothing here loops over points in Python; the scans loop over log2(longest series)
doubling steps.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]
BoolArray = npt.NDArray[np.bool_]


def group_sum(group: IntArray, weights: FloatArray, n_groups: int, starts: IntArray | None = None) -> FloatArray:
    """Sum of ``weights`` per group (``group`` sorted, ``starts`` its :func:`group_starts` if known); NaN weights
    are skipped (count as zero)."""
    out = np.zeros(n_groups)
    if group.size == 0:
        return out
    starts = group_starts(group) if starts is None else starts
    sums = np.add.reduceat(weights, starts)
    if np.isnan(sums).any():
        sums = np.add.reduceat(np.where(np.isnan(weights), 0.0, weights), starts)
    out[group[starts]] = sums
    return out


def group_count(group: IntArray, mask: BoolArray, n_groups: int) -> FloatArray:
    """How many points of each group have ``mask`` set."""
    return np.bincount(group[mask], minlength=n_groups).astype(np.float64)


def group_size(group: IntArray, n_groups: int, starts: IntArray | None = None) -> FloatArray:
    """How many points each group has."""
    out = np.zeros(n_groups)
    starts = group_starts(group) if starts is None else starts
    out[group[starts]] = np.diff(np.append(starts, group.size))
    return out


def group_mean(group: IntArray, values: FloatArray, n_groups: int, starts: IntArray | None = None) -> FloatArray:
    """Mean of the non-NaN values per group; NaN for a group without any."""
    starts = group_starts(group) if starts is None else starts
    total = group_sum(group, values, n_groups, starts)
    nan = np.isnan(values)
    count = group_count(group, ~nan, n_groups) if nan.any() else group_size(group, n_groups, starts)
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(count > 0, total / count, np.nan)


def group_starts(group: IntArray) -> IntArray:
    """Index of the first point of each run of equal ``group`` values."""
    if group.size == 0:
        return np.zeros(0, dtype=np.int64)
    change = np.empty(group.size, dtype=np.bool_)
    change[0] = True
    np.not_equal(group[1:], group[:-1], out=change[1:])
    return np.flatnonzero(change).astype(np.int64)


def positions(group: IntArray) -> IntArray:
    """Each point's 0-based position within its group."""
    n = group.size
    starts = group_starts(group)
    lengths = np.diff(np.append(starts, n))
    return np.arange(n, dtype=np.int64) - np.repeat(starts, lengths)


def previous(values: FloatArray, pos: IntArray) -> FloatArray:
    """The value of the previous point of the same group; NaN at a group's first point."""
    out = np.empty_like(values)
    if values.size:
        out[0] = np.nan
        out[1:] = values[:-1]
        out[pos == 0] = np.nan
    return out


def window_count(flag: BoolArray, width: int) -> npt.NDArray[np.int32]:
    """How many of the last ``width`` points (this one included) have the flag. Meaningless where a point has
    fewer than ``width - 1`` predecessors in its group: mask with ``positions(group) >= width - 1``."""
    total = np.zeros(flag.size + 1, dtype=np.int32)
    np.cumsum(flag, dtype=np.int32, out=total[1:])
    count = np.zeros(flag.size, dtype=np.int32)
    if flag.size >= width:
        np.subtract(total[width:], total[: flag.size - width + 1], out=count[width - 1 :])
    return count


def linear_scan(a: FloatArray, b: FloatArray, pos: IntArray) -> FloatArray:
    """Solve z[i] = a[i] * z[i-1] + b[i] within each group, z starting at b at each group's first point.

    Hillis-Steele doubling: after the step of span d every point has composed the recurrence over its last 2d
    points; multiplying by ``a = 0`` at a group's first point stops anything from the previous group leaking in.
    """
    coef = np.where(pos == 0, 0.0, a)
    acc = b.astype(np.float64, copy=True)
    span = 1
    longest = int(pos.max()) + 1 if pos.size else 0
    with np.errstate(invalid="ignore", over="ignore"):
        while span < longest:
            reach = coef[span:] != 0  # a zero factor cuts the link: even a NaN before it must not leak through
            carried = np.multiply(coef[span:], acc[:-span], out=np.zeros(acc.size - span), where=reach)
            acc[span:] += carried
            coef[span:] = coef[span:] * coef[:-span]
            span *= 2
    return acc


def running_min(values: FloatArray, pos: IntArray) -> FloatArray:
    """Minimum of each group's values up to and including each point (doubling, like :func:`linear_scan`)."""
    out = values.astype(np.float64, copy=True)
    span = 1
    longest = int(pos.max()) + 1 if pos.size else 0
    while span < longest:
        reach = pos[span:] >= span
        out[span:] = np.where(reach, np.minimum(out[span:], out[:-span]), out[span:])
        span *= 2
    return out
