"""Process capability (Cp, Cpk, Cpm) and performance (Pp, Ppk) for every characteristic at once.

As qcc's ``process.capability``: the process mean is the grand mean of the charted measurements; the C-indices
use the within sigma of the chart (R-bar/d2, S-bar/c4 or MR-bar/1.128), the P-indices the overall sample
standard deviation of the measurements (n - 1 denominator); Cpm uses the within sigma and the target (the middle
of the specification when none is given):

    Cp  = (USL - LSL) / 6 sigma_w      Cpl = (mean - LSL) / 3 sigma_w      Cpu = (USL - mean) / 3 sigma_w
    Cpk = min(Cpl, Cpu)                Cpm = Cp / sqrt(1 + ((mean - T) / sigma_w)^2)
    Pp, Ppl, Ppu, Ppk: the same with sigma_overall.

With one limit only, the indices that need the other are undefined and Cpk (Ppk) is the one-sided index.
An index is undefined (NaN, reported as null) when its sigma is zero or unknown: zero variation has no
capability, rather than an infinite one. Expected shares out of specification assume a normal distribution
with the within sigma, as qcc does; observed shares count the measurements strictly outside the limits.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, fields

import numpy as np

from guifan.engine.spc.chart import BLOCK, blocks
from guifan.engine.spc.data import Subgroups
from guifan.engine.spc.segments import FloatArray, IntArray, group_sum
from guifan.engine.spc.variables import grand_mean

INDICES = ("cp", "cpl", "cpu", "cpk", "cpm", "pp", "ppl", "ppu", "ppk")


@dataclass(frozen=True)
class Spec:
    """Specification per characteristic; NaN where a limit (or the target) is not given."""

    lsl: FloatArray
    usl: FloatArray
    target: FloatArray

    @classmethod
    def same(cls, n_groups: int, lsl: float | None, usl: float | None, target: float | None = None) -> Spec:
        def full(value: float | None) -> FloatArray:
            return np.full(n_groups, np.nan if value is None else float(value))

        return cls(full(lsl), full(usl), full(target))


@dataclass(frozen=True)
class Capability:
    """Indices and shares per characteristic (NaN where undefined)."""

    n: FloatArray
    mean: FloatArray
    sigma_within: FloatArray
    sigma_overall: FloatArray
    cp: FloatArray
    cpl: FloatArray
    cpu: FloatArray
    cpk: FloatArray
    cpm: FloatArray
    pp: FloatArray
    ppl: FloatArray
    ppu: FloatArray
    ppk: FloatArray
    expected_below: FloatArray
    expected_above: FloatArray
    observed_below: FloatArray
    observed_above: FloatArray

    def row(self, g: int) -> dict[str, float | None]:
        """Characteristic ``g`` as a mapping, NaN as None."""
        return {f.name: _clean(float(getattr(self, f.name)[g])) for f in fields(self)}


def _clean(value: float) -> float | None:
    return value if math.isfinite(value) else None


def normal_cdf(z: FloatArray) -> FloatArray:
    """The standard normal CDF, elementwise, through math.erfc (accurate far in the tails)."""
    erfc = np.vectorize(math.erfc, otypes=[np.float64])
    out = np.full(z.shape, np.nan)
    ok = ~np.isnan(z)
    out[ok] = 0.5 * erfc(-z[ok] / math.sqrt(2.0))
    return out


def indices(mean: FloatArray, sigma_within: FloatArray, sigma_overall: FloatArray, spec: Spec) -> dict[str, FloatArray]:
    """Every index from the mean, both sigmas and the specification (the formulas, nothing else)."""
    target = np.where(np.isnan(spec.target), (spec.lsl + spec.usl) / 2, spec.target)
    out: dict[str, FloatArray] = {}
    with np.errstate(invalid="ignore", divide="ignore"):
        for prefix, sigma in (("c", sigma_within), ("p", sigma_overall)):
            defined = sigma > 0
            width = np.where(defined, sigma, np.nan)
            whole = (spec.usl - spec.lsl) / (6 * width)
            low = (mean - spec.lsl) / (3 * width)
            high = (spec.usl - mean) / (3 * width)
            out[f"{prefix}p"] = whole
            out[f"{prefix}pl"] = low
            out[f"{prefix}pu"] = high
            out[f"{prefix}pk"] = np.fmin(low, high)
        out["cpm"] = out["cp"] / np.sqrt(1 + ((mean - target) / np.where(sigma_within > 0, sigma_within, np.nan)) ** 2)
    return out


def capability(data: Subgroups, sigma_within: FloatArray, spec: Spec) -> Capability:
    """Capability of each characteristic's measurements in ``data`` against ``spec``."""
    n = group_sum(data.group, data.size, data.n_groups, data.runs)
    mean = grand_mean(data)
    overall = _overall_sd(data, mean, n)
    found = indices(mean, sigma_within, overall, spec)
    with np.errstate(invalid="ignore", divide="ignore"):
        sigma = np.where(sigma_within > 0, sigma_within, np.nan)
        expected_below = normal_cdf((spec.lsl - mean) / sigma)
        expected_above = normal_cdf((mean - spec.usl) / sigma)
        below, above = _outside(data, spec)
        observed_below = np.where(np.isnan(spec.lsl), np.nan, below / n)
        observed_above = np.where(np.isnan(spec.usl), np.nan, above / n)
    return Capability(
        n, mean, sigma_within, overall, **found,
        expected_below=expected_below, expected_above=expected_above,
        observed_below=observed_below, observed_above=observed_above,
    )  # fmt: skip


def _overall_sd(data: Subgroups, mean: FloatArray, n: FloatArray) -> FloatArray:
    """Sample standard deviation of all measurements: within sums of squares plus the between-subgroup part."""
    ss = np.zeros(data.n_groups)
    for lo, hi in blocks(data.group, starts=data.runs):
        group = data.group[lo:hi]
        between = data.size[lo:hi] * (data.mean[lo:hi] - mean[group]) ** 2
        ss += group_sum(group, data.ss[lo:hi] + between, data.n_groups)
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(n > 1, np.sqrt(ss / (n - 1)), np.nan)


def _outside(data: Subgroups, spec: Spec) -> tuple[FloatArray, FloatArray]:
    """Measurements below LSL and above USL per characteristic; only subgroups whose extremes cross are read."""
    crossing = _crossing(data, spec)
    below, above = np.zeros(data.n_groups), np.zeros(data.n_groups)
    matrix = _as_matrix(data)
    for first in range(0, crossing.size, BLOCK):
        rows = crossing[first : first + BLOCK]
        if matrix is not None:  # equal subgroups stored one after another: count per row, no index arrays
            values = matrix[rows]
            group = data.group[rows]
            low = (values < spec.lsl[group][:, None]).sum(axis=1, dtype=np.float64)
            high = (values > spec.usl[group][:, None]).sum(axis=1, dtype=np.float64)
            below += np.bincount(group, weights=low, minlength=data.n_groups)
            above += np.bincount(group, weights=high, minlength=data.n_groups)
            continue
        values, owner = _measurements(data, rows)
        group = data.group[rows][owner]
        below += np.bincount(group, weights=(values < spec.lsl[group]).astype(np.float64), minlength=data.n_groups)
        above += np.bincount(group, weights=(values > spec.usl[group]).astype(np.float64), minlength=data.n_groups)
    return below, above


def _crossing(data: Subgroups, spec: Spec) -> IntArray:
    """The subgroups whose lowest or highest measurement lies outside the spec limits, found block by block so
    the temporaries stay small (whole-length temporaries cost more in fresh memory than in arithmetic)."""
    found = []
    for lo, hi in blocks(data.group, starts=data.runs):
        group = data.group[lo:hi]
        outside = (data.low[lo:hi] < spec.lsl[group]) | (data.high[lo:hi] > spec.usl[group])
        found.append(np.flatnonzero(outside) + lo)
    return np.concatenate(found) if found else np.zeros(0, dtype=np.int64)


def _as_matrix(data: Subgroups) -> FloatArray | None:
    """The measurements as one row per subgroup, when every subgroup has the same size and they are stored one
    after another (as the check and the benchmark build them); None otherwise."""
    count = data.size.size
    if count == 0 or data.values.size != count * int(data.size[0]) or data.size.min() != data.size.max():
        return None
    n = int(data.size[0])
    if n == 0 or not np.array_equal(data.start, np.arange(count, dtype=data.start.dtype) * n):
        return None
    return data.values.reshape(count, n)


def _measurements(data: Subgroups, rows: IntArray) -> tuple[FloatArray, IntArray]:
    """The measurements of subgroups ``rows``, with the position in ``rows`` each belongs to."""
    sizes = data.size[rows].astype(np.int64)
    if sizes.size and sizes.min() == sizes.max():
        n = int(sizes[0])
        index = data.start[rows][:, None] + np.arange(n)[None, :]
        return data.values[index].reshape(-1), np.repeat(np.arange(rows.size), n)
    offsets = np.arange(int(sizes.sum())) - np.repeat(np.cumsum(sizes) - sizes, sizes)
    return data.values[np.repeat(data.start[rows], sizes) + offsets], np.repeat(np.arange(rows.size), sizes)
