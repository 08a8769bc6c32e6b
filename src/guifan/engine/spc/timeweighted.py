"""Time-weighted charts: EWMA and tabular CUSUM of subgroup means (or of individual values).

Both use the process mean mu0 (``Params.center``) and the within sigma of one measurement (``Params.sigma``);
a subgroup mean of n measurements has sigma / sqrt(n). Defaults are qcc's:

* EWMA: z_i = lambda x_i + (1 - lambda) z_(i-1), z_0 = mu0, lambda = 0.2; limits mu0 +- L sigma_i with L = 3 and
  the exact, widening sigma_i = sigma / sqrt(n_i) sqrt(lambda / (2 - lambda) (1 - (1 - lambda)^(2i))).
* CUSUM, in units of the mean's sigma: z_i = (x_i - mu0) / (sigma / sqrt(n_i)),
  C+_i = max(0, C+_(i-1) + z_i - k), C-_i = max(0, C-_(i-1) - z_i - k), k = 0.5 (a one-sigma shift), signal when
  C+ or C- exceeds h = 5.

The recursions run for every characteristic at once as segmented scans (see :mod:`segments`).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from guifan.engine.spc.chart import Chart, Limits, Params
from guifan.engine.spc.data import Subgroups
from guifan.engine.spc.segments import FloatArray, IntArray, linear_scan, positions, running_min
from guifan.engine.spc.variables import grand_mean, sigma_mr, sigma_r


@dataclass(frozen=True)
class EwmaOptions:
    lam: float = 0.2
    width: float = 3.0


@dataclass(frozen=True)
class CusumOptions:
    k: float = 0.5
    h: float = 5.0


DEFAULT_EWMA = EwmaOptions()
DEFAULT_CUSUM = CusumOptions()


def estimate(data: Subgroups) -> Params:
    """mu0 = grand mean; sigma = R-bar/d2 for subgroups, MR-bar/1.128 for individual values."""
    grouped = np.zeros(data.n_groups, dtype=np.bool_)
    grouped[data.group[data.size > 1]] = True
    sigma = np.where(grouped, sigma_r(data), sigma_mr(data))
    return Params(grand_mean(data), sigma)


def ewma(data: Subgroups, params: Params, options: EwmaOptions = DEFAULT_EWMA) -> Chart:
    """The EWMA chart of the subgroup means."""
    lam, pos = options.lam, positions(data.group)
    mu0 = params.center[data.group]
    b = lam * data.mean
    first = pos == 0
    b[first] += (1 - lam) * mu0[first]
    stat = linear_scan(np.full(len(data), 1 - lam), b, pos)
    decay = 1 - (1 - lam) ** (2 * (pos + 1))
    zone = params.sigma[data.group] / np.sqrt(data.size) * np.sqrt(lam / (2 - lam) * decay)
    limits = Limits(mu0, zone, mu0 - options.width * zone, mu0 + options.width * zone, per_point=True)
    extra = {"lambda": lam, "L": options.width}
    return Chart("ewma", data.group, data.n_groups, stat, limits, params, name="ewma", extra=extra)


def cusum(data: Subgroups, params: Params, options: CusumOptions = DEFAULT_CUSUM) -> Chart:
    """The upper CUSUM as the chart, the lower one (plotted negative) as its secondary chart."""
    pos = positions(data.group)
    with np.errstate(invalid="ignore", divide="ignore"):
        z = (data.mean - params.center[data.group]) / (params.sigma[data.group] / np.sqrt(data.size))
    upper = _lindley(z - options.k, pos)
    lower = _lindley(-z - options.k, pos)
    h = np.full(data.n_groups, options.h)
    limits = Limits(np.zeros(data.n_groups), np.ones(data.n_groups), -h, h, per_point=False)
    extra = {"k": options.k, "h": options.h}
    low = Chart("cusum", data.group, data.n_groups, -lower, limits, params, name="cusum_lower")
    return Chart("cusum", data.group, data.n_groups, upper, limits, params, low, name="cusum", extra=extra)


def _lindley(step: FloatArray, pos: IntArray) -> FloatArray:
    """C_i = max(0, C_(i-1) + step_i), C_(-1) = 0, per characteristic: S_i - min(0, min_(j<=i) S_j)."""
    total = linear_scan(np.ones_like(step), step, pos)
    return total - np.minimum(running_min(total, pos), 0.0)
