"""Formatting shared by templates: shares as percentages, numbers, status labels, Markdown."""

from __future__ import annotations

from typing import Any

from django import template
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from guifan.engine.status import number, percent

register = template.Library()

_LABELS = {
    "pass": gettext_noop("Pass"),
    "warn": gettext_noop("Warn"),
    "fail": gettext_noop("Fail"),
    "no_data": gettext_noop("No data"),
    "error": gettext_noop("Error"),
}


@register.filter
def pct(value: float | None) -> str:
    return "—" if value is None else percent(value)


@register.filter
def measured(value: float | None, unit: str = "share") -> str:
    if value is None:
        return "—"
    return percent(value) if unit == "share" else number(value)


@register.filter
def status_label(status: str) -> str:
    return _(_LABELS.get(status, status))


@register.filter
def bar_class(rate: float | None) -> str:
    if rate is None:
        return ""
    return "low" if rate < 0.8 else "mid" if rate < 0.95 else ""


@register.filter
def width(rate: float | None) -> str:
    return "0" if rate is None else f"{max(0.0, min(1.0, rate)) * 100:.1f}"


@register.filter
def markdown(text: str) -> SafeString:
    """Markdown rendered, then sanitised (no scripts, no event handlers, no style)."""
    from guifan.web.core.markdown import render_markdown

    return mark_safe(render_markdown(text))  # noqa: S308 - sanitised by nh3 in render_markdown


@register.filter
def get(mapping: dict[str, Any], key: str) -> Any:
    return mapping.get(key) if mapping else None


@register.simple_tag
def query_with(request: Any, **changes: Any) -> str:
    """The request's query string with some parameters replaced (for pagers that keep the filters)."""
    params = request.GET.copy()
    for key, value in changes.items():
        params[key] = value
    return str(params.urlencode())
