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


def _shown(value: Any, spec: str) -> str:
    """``value`` in format ``spec``; '—' when undefined. A negative number that rounds to zero shows as zero
    ('0.00', not '-0.00'); any other keeps its sign."""
    number = _finite(value)
    if number is None:
        return "—"
    text = format(number, spec)
    return text[1:] if text.startswith("-") and float(text.replace(",", "")) == 0 else text


@register.filter
def limit(value: Any) -> str:
    """A centre or limit: six significant digits; 'varies' when it differs by point; '—' when undefined."""
    if isinstance(value, list):
        return _("varies")
    return _shown(value, ".6g")


@register.filter
def short(value: Any) -> str:
    """A standard deviation: four significant digits."""
    return _shown(value, ".4g")


@register.filter
def index(value: Any) -> str:
    """A capability index: two decimals; '—' when undefined (zero variation, no limit on that side)."""
    return _shown(value, ".2f")


@register.filter
def ppm(value: Any) -> str:
    return _shown(value, ",.0f")


@register.filter
def members(group: dict[str, Any]) -> str:
    return " · ".join(str(v) for v in group.values())
