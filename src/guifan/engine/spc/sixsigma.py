"""Six Sigma arithmetic: defects per million opportunities, the sigma level, and a Pareto of defect types.

The sigma level is the normal quantile of the yield plus the conventional long-term shift of 1.5 sigma:

    DPMO  = 10^6 x defects / (units x opportunities per unit)
    sigma = Phi^-1(1 - DPMO / 10^6) + 1.5            DPMO = 10^6 x (1 - Phi(sigma - 1.5))

so 3.4 DPMO is 6 sigma, 6,210 is 4 sigma and 66,807 is 3 sigma. With no defects at all the level is not a
number (it is unbounded); :func:`sigma_level` then gives the level of less than one defect in all the
opportunities, a lower bound, so that "zero defects" can still be compared with a target. When every
opportunity is a defect the level is undefined (None).
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from statistics import NormalDist

SHIFT = 1.5
_NORMAL = NormalDist()


def dpmo(defects: float, units: float, opportunities: float = 1.0) -> float | None:
    """Defects per million opportunities; None when there are no opportunities."""
    total = units * opportunities
    if total <= 0:
        return None
    return defects * 1e6 / total


def sigma_from_dpmo(value: float) -> float:
    """The sigma level (with the 1.5 sigma shift) of a DPMO strictly between 0 and 10^6."""
    if not 0 < value < 1e6:
        raise ValueError(f"a sigma level needs a DPMO strictly between 0 and 1,000,000, not {value:g}")
    return _NORMAL.inv_cdf(1 - value / 1e6) + SHIFT


def dpmo_from_sigma(level: float) -> float:
    """The DPMO of a sigma level (with the 1.5 sigma shift)."""
    return 1e6 * 0.5 * math.erfc((level - SHIFT) / math.sqrt(2.0))


def sigma_level(defects: float, opportunities: float) -> float | None:
    """Sigma level of ``defects`` in ``opportunities`` (total); a lower bound when there are no defects, None
    when there is no opportunity or every one is a defect."""
    if opportunities <= 0 or defects >= opportunities:
        return None
    if defects <= 0:
        return sigma_from_dpmo(1e6 / opportunities) if opportunities > 1 else None
    return sigma_from_dpmo(defects * 1e6 / opportunities)


def pareto(items: Iterable[tuple[str, float]]) -> list[dict[str, float | str]]:
    """Categories by count, largest first (ties by name), with their share and the cumulative share."""
    merged: dict[str, float] = {}
    for name, count in items:
        merged[name] = merged.get(name, 0.0) + float(count)
    total = sum(merged.values())
    rows: list[dict[str, float | str]] = []
    running = 0.0
    for name, count in sorted(merged.items(), key=lambda kv: (-kv[1], kv[0])):
        running += count
        share = count / total if total else 0.0
        rows.append({"category": name, "count": count, "share": share, "cumulative": running / total if total else 0.0})
    return rows
