"""Variables charts: X-bar-R, X-bar-S and individuals with moving range (I-MR).

Estimates follow qcc's defaults, so the numbers agree with R:

* centre: the grand mean of the measurements (subgroup means weighted by their sizes);
* X-bar-R: sigma = mean of R_i / d2(n_i) over the subgroups ("UWAVE-R"; R-bar / d2 for equal sizes);
* X-bar-S: sigma = mean of S_i / c4(n_i) ("UWAVE-SD"; S-bar / c4 for equal sizes);
* I-MR: sigma = MR-bar / d2(2) = MR-bar / 1.128, moving ranges of consecutive points of the characteristic.

Limits are centre +- 3 sigma / sqrt(n_i) per subgroup, so unequal sizes give per-subgroup limits. The R chart's
centre is d2(n) sigma with limits +- 3 d3(n) sigma (R-bar, D3 R-bar and D4 R-bar for equal sizes); the S chart's
is c4(n) sigma +- 3 sigma sqrt(1 - c4^2) (B3 S-bar, B4 S-bar); the MR chart's is MR-bar with D4(2) MR-bar.
"""

from __future__ import annotations

import math
from dataclasses import replace

import numpy as np

from guifan.engine.spc.chart import Chart, ChartType, Params, shewhart
from guifan.engine.spc.constants import D2_TABLE, D3_TABLE, c4, c4_of, d2, d2_of, d3, d3_of
from guifan.engine.spc.data import SpcError, Subgroups
from guifan.engine.spc.segments import FloatArray, group_mean, group_sum, positions, previous

MR_D2 = float(D2_TABLE[2])
MR_D3 = float(D3_TABLE[2])


def grand_mean(data: Subgroups) -> FloatArray:
    """Mean of all measurements of each characteristic."""
    if data.common_size is not None:
        return group_mean(data.group, data.mean, data.n_groups, data.runs)
    total = group_sum(data.group, data.mean * data.size, data.n_groups, data.runs)
    count = group_sum(data.group, data.size, data.n_groups, data.runs)
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(count > 0, total / count, np.nan)


def sigma_r(data: Subgroups) -> FloatArray:
    """Within sigma from ranges: the mean of R_i / d2(n_i) over subgroups of 2 to 25."""
    check_range_sizes(data)
    n = data.common_size
    if n is not None and n >= 2:
        return group_mean(data.group, data.range, data.n_groups, data.runs) / d2(n)
    with np.errstate(invalid="ignore"):
        ratio = np.where(data.size >= 2, data.range / d2_of(data.size), np.nan)
    return group_mean(data.group, ratio, data.n_groups, data.runs)


def sigma_s(data: Subgroups) -> FloatArray:
    """Within sigma from standard deviations: the mean of S_i / c4(n_i) over subgroups of 2 or more."""
    n = data.common_size
    if n is not None and n >= 2:
        return group_mean(data.group, data.sd, data.n_groups, data.runs) / c4(n)
    with np.errstate(invalid="ignore"):
        ratio = np.where(data.size >= 2, data.sd / c4_of(data.size), np.nan)
    return group_mean(data.group, ratio, data.n_groups, data.runs)


def moving_ranges(data: Subgroups) -> FloatArray:
    """|x_i - x_(i-1)| within each characteristic; NaN at its first point."""
    return np.abs(data.mean - previous(data.mean, positions(data.group)))


def sigma_mr(data: Subgroups) -> FloatArray:
    """Within sigma from moving ranges: MR-bar / 1.128."""
    return group_mean(data.group, moving_ranges(data), data.n_groups, data.runs) / MR_D2


def check_range_sizes(data: Subgroups) -> None:
    """Ranges need d2: subgroups of more than 25 measurements are refused."""
    if data.size.size and float(data.size.max()) > 25:
        raise SpcError(
            f"a subgroup has {int(data.size.max())} measurements; X-bar-R charts support subgroups of 2 to 25 "
            "(the d2 table): use chart xbar_s for larger subgroups"
        )


def check_individuals(data: Subgroups) -> None:
    if data.size.size and float(data.size.max()) > 1:
        raise SpcError("an I-MR chart plots individual values: give one measurement per point")


def estimate(chart_type: ChartType, data: Subgroups) -> Params:
    """Centre and within sigma of each characteristic, from the subgroups the limits are based on."""
    if chart_type == "xbar_r":
        return Params(grand_mean(data), sigma_r(data))
    if chart_type == "xbar_s":
        return Params(grand_mean(data), sigma_s(data))
    if chart_type == "imr":
        check_individuals(data)
        return Params(grand_mean(data), sigma_mr(data))
    raise SpcError(f"{chart_type!r} is not a variables chart")


def chart(chart_type: ChartType, data: Subgroups, params: Params) -> Chart:
    """The X-bar (or I) chart of ``data`` with limits from ``params``, and its R, S or MR chart."""
    if chart_type == "imr":
        check_individuals(data)
    elif chart_type == "xbar_r":
        check_range_sizes(data)
    n = 1 if chart_type == "imr" else data.common_size
    if n is None or (n < 2 and chart_type != "imr"):
        return _unequal(chart_type, data, params)
    args = (chart_type, data.group, data.n_groups)
    sigma = params.sigma
    main = shewhart(*args, data.mean, params.center, sigma / math.sqrt(n), params, per_point=False)
    if chart_type == "imr":
        stat, center, zone, name = moving_ranges(data), MR_D2 * sigma, MR_D3 * sigma, "mr"
    elif chart_type == "xbar_r":
        stat, center, zone, name = data.range, d2(n) * sigma, d3(n) * sigma, "r"
    else:
        stat, center, zone, name = data.sd, c4(n) * sigma, math.sqrt(1 - c4(n) ** 2) * sigma, "s"
    secondary = shewhart(*args, stat, center, zone, params, per_point=False, floor=0.0, name=name)
    return replace(main, secondary=secondary)


def _unequal(chart_type: ChartType, data: Subgroups, params: Params) -> Chart:
    """Subgroups of different sizes: limits computed point by point."""
    center = params.center[data.group]
    sigma = params.sigma[data.group]
    args = (chart_type, data.group, data.n_groups)
    if chart_type == "xbar_r":
        stat = np.where(data.size >= 2, data.range, np.nan)
        spread = shewhart(*args, stat, d2_of(data.size) * sigma, d3_of(data.size) * sigma, params, per_point=True,
                          floor=0.0, name="r")  # fmt: skip
    else:
        c4n = c4_of(data.size)
        spread = shewhart(*args, data.sd, c4n * sigma, np.sqrt(1 - c4n * c4n) * sigma, params, per_point=True,
                          floor=0.0, name="s")  # fmt: skip
    main = shewhart(*args, data.mean, center, sigma / np.sqrt(data.size), params, per_point=True)
    return replace(main, secondary=spread)
