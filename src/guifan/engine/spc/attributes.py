"""Attributes charts: p and np (defectives), c and u (defects), sample sizes free to vary.

Centres: p-bar = sum of defectives / sum of sample sizes (p and np); c-bar = mean count per subgroup (c);
u-bar = sum of defects / sum of units (u). Limits are centre +- 3 sigma of the plotted statistic at each
subgroup's size, the lower one clipped at 0 (and the upper at 1 for p, at n for np):

    p: sqrt(p-bar (1 - p-bar) / n)     np: sqrt(n p-bar (1 - p-bar))     c: sqrt(c-bar)     u: sqrt(u-bar / n)
"""

from __future__ import annotations

import numpy as np

from guifan.engine.spc.chart import Chart, ChartType, Params, shewhart
from guifan.engine.spc.data import Counts, SpcError
from guifan.engine.spc.segments import FloatArray, group_sum


def _ratio(total: FloatArray, count: FloatArray) -> FloatArray:
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(count > 0, total / count, np.nan)


def estimate(chart_type: ChartType, data: Counts) -> Params:
    """p-bar, c-bar or u-bar of each characteristic, from the subgroups the limits are based on."""
    _check(chart_type, data)
    total = group_sum(data.group, data.count, data.n_groups)
    if chart_type == "c":
        subgroups = np.bincount(data.group, minlength=data.n_groups).astype(np.float64)
        center = _ratio(total, subgroups)
    else:
        center = _ratio(total, group_sum(data.group, data.size, data.n_groups))
    return Params(center, np.full(data.n_groups, np.nan))


def chart(chart_type: ChartType, data: Counts, params: Params) -> Chart:
    """The chart of ``data`` with the centres in ``params``."""
    _check(chart_type, data)
    center = params.center[data.group]
    n = data.size
    args = (chart_type, data.group, data.n_groups)
    with np.errstate(invalid="ignore"):
        if chart_type == "p":
            zone = np.sqrt(center * (1 - center) / n)
            return shewhart(*args, data.count / n, center, zone, params, per_point=True, floor=0.0, ceiling=1.0)
        if chart_type == "np":
            zone = np.sqrt(n * center * (1 - center))
            return shewhart(*args, data.count, n * center, zone, params, per_point=True, floor=0.0, ceiling=n)
        if chart_type == "c":
            return shewhart(*args, data.count, center, np.sqrt(center), params, per_point=True, floor=0.0)
        if chart_type == "u":
            return shewhart(*args, data.count / n, center, np.sqrt(center / n), params, per_point=True, floor=0.0)
    raise SpcError(f"{chart_type!r} is not an attributes chart")


def _check(chart_type: ChartType, data: Counts) -> None:
    if chart_type in ("p", "np") and np.any(data.count > data.size):
        raise SpcError("a subgroup has more defectives than its sample size; p and np charts count defective units")
