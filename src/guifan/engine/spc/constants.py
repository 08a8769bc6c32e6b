"""Control chart constants: d2, d3 (tabulated), c4 (computed) and the factors derived from them.

d2 and d3 are the mean and the standard deviation of the range of n independent standard normal values. They
are tabulated here for n = 2..25, as printed in ASTM E2587 and Montgomery's *Introduction to Statistical
Quality Control* (Appendix VI), and as used by R's qcc (``qcc.options("exp.R.unscaled")`` and
``"se.R.unscaled"``): d2 to three decimals, d3 to seven. Using d2 to three decimals is what makes the limits
agree with qcc to the digits it prints; the tests check both tables against numerical integration.

c4 (the mean of the sample standard deviation of n normal values, in units of sigma) has a closed form and is
computed for any n >= 2. Every other factor is derived:

    A2 = 3 / (d2 sqrt n)          D3 = max(0, 1 - 3 d3 / d2)      D4 = 1 + 3 d3 / d2
    A3 = 3 / (c4 sqrt n)          B3 = max(0, 1 - 3 sqrt(1 - c4^2) / c4)
                                  B4 = 1 + 3 sqrt(1 - c4^2) / c4
"""

from __future__ import annotations

import math

import numpy as np
import numpy.typing as npt

RANGE_SIZES = range(2, 26)
"""Subgroup sizes for which d2 and d3 (so X-bar-R charts) are supported."""

_D2 = (
    1.128, 1.693, 2.059, 2.326, 2.534, 2.704, 2.847, 2.970, 3.078, 3.173, 3.258, 3.336,
    3.407, 3.472, 3.532, 3.588, 3.640, 3.689, 3.735, 3.778, 3.819, 3.858, 3.895, 3.931,
)  # fmt: skip
_D3 = (
    0.8525033, 0.8883697, 0.8798108, 0.8640855, 0.8480442, 0.8332108, 0.8198378, 0.8078413,
    0.7970584, 0.7873230, 0.7784873, 0.7704257, 0.7630330, 0.7562217, 0.7499188, 0.7440627,
    0.7386021, 0.7334929, 0.7286980, 0.7241851, 0.7199267, 0.7158987, 0.7120802, 0.7084528,
)  # fmt: skip

# Indexed by n; NaN where the constant is not tabulated (n < 2 or n > 25).
D2_TABLE = np.array([math.nan, math.nan, *_D2], dtype=np.float64)
D3_TABLE = np.array([math.nan, math.nan, *_D3], dtype=np.float64)

FloatArray = npt.NDArray[np.float64]


class ConstantError(ValueError):
    """A subgroup size outside what a constant supports."""


def d2(n: int) -> float:
    """Mean range of n standard normal values (n = 2..25)."""
    return float(_table(D2_TABLE, n, "d2"))


def d3(n: int) -> float:
    """Standard deviation of the range of n standard normal values (n = 2..25)."""
    return float(_table(D3_TABLE, n, "d3"))


def _table(table: FloatArray, n: int, name: str) -> float:
    if n not in RANGE_SIZES:
        raise ConstantError(f"{name} is tabulated for subgroups of 2 to 25 measurements, not {n}")
    return float(table[n])


def c4(n: int) -> float:
    """Mean sample standard deviation of n standard normal values: sqrt(2/(n-1)) Γ(n/2) / Γ((n-1)/2)."""
    if n < 2:
        raise ConstantError(f"c4 needs subgroups of at least 2 measurements, not {n}")
    return math.sqrt(2.0 / (n - 1)) * math.exp(math.lgamma(n / 2) - math.lgamma((n - 1) / 2))


def d2_of(sizes: FloatArray) -> FloatArray:
    """d2 for each size; NaN where it is not tabulated."""
    return _lookup(D2_TABLE, sizes)


def d3_of(sizes: FloatArray) -> FloatArray:
    """d3 for each size; NaN where it is not tabulated."""
    return _lookup(D3_TABLE, sizes)


def _lookup(table: FloatArray, sizes: FloatArray) -> FloatArray:
    index = np.where((sizes >= 2) & (sizes <= 25), sizes, 0).astype(np.intp)
    return table[index]


def c4_of(sizes: FloatArray) -> FloatArray:
    """c4 for each size; NaN below 2. Sizes are few, so each distinct one is computed once."""
    out = np.full(sizes.shape, np.nan)
    for n in np.unique(sizes[sizes >= 2]):
        out[sizes == n] = c4(int(n))
    return out


def factors(n: int) -> dict[str, float]:
    """Every constant and factor for subgroups of n (2..25), as printed in the textbook tables."""
    d2n, d3n, c4n = d2(n), d3(n), c4(n)
    spread = 3 * math.sqrt(1 - c4n * c4n) / c4n
    return {
        "d2": d2n,
        "d3": d3n,
        "c4": c4n,
        "A2": 3 / (d2n * math.sqrt(n)),
        "A3": 3 / (c4n * math.sqrt(n)),
        "B3": max(0.0, 1 - spread),
        "B4": 1 + spread,
        "D3": max(0.0, 1 - 3 * d3n / d2n),
        "D4": 1 + 3 * d3n / d2n,
    }
