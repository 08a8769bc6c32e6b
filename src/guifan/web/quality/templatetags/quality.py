"""Number formats of the quality pages: limits with their significant digits, indices, ppm."""

from __future__ import annotations

import math
from typing import Any

from django import template
from django.utils.translation import gettext as _

register = template.Library()


def _finite(value: Any) -> float | None:
    if value is None or isinstance(value, list | dict | str):
        return None
    number = float(value)
    return number if math.isfinite(number) else None


@register.filter
def limit(value: Any) -> str:
    """A centre or limit: six significant digits; 'varies' when it differs by point; '—' when undefined."""
    if isinstance(value, list):
        return _("varies")
    number = _finite(value)
    return "—" if number is None else f"{number:.6g}"


@register.filter
def short(value: Any) -> str:
    """A standard deviation: four significant digits."""
    number = _finite(value)
    return "—" if number is None else f"{number:.4g}"


@register.filter
def index(value: Any) -> str:
    """A capability index: two decimals; '—' when undefined (zero variation, no limit on that side)."""
    number = _finite(value)
    return "—" if number is None else f"{number:.2f}"


@register.filter
def ppm(value: Any) -> str:
    number = _finite(value)
    return "—" if number is None else f"{number:,.0f}"


@register.filter
def members(group: dict[str, Any]) -> str:
    return " · ".join(str(v) for v in group.values())
