"""Formatting shared by templates: shares as percentages, numbers, status labels, Markdown."""

from __future__ import annotations

import json
import re
from typing import Any

from django import template
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language, gettext_lazy, gettext_noop, ngettext
from django.utils.translation import gettext as _

from guifan.engine.messages import localise
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
def cycle(text: str | None) -> str:
    """A review cycle as a pack writes it (``12mo``, ``2y``, ``6w``, ``30d``) in words of the reader's language."""
    match = re.fullmatch(r"\s*(\d+)\s*(mo|y|w|d)\s*", text or "")
    if not match:
        return text or ""
    n, unit = int(match[1]), match[2]
    words = {
        "d": ngettext("%(n)d day", "%(n)d days", n),
        "w": ngettext("%(n)d week", "%(n)d weeks", n),
        "mo": ngettext("%(n)d month", "%(n)d months", n),
        "y": ngettext("%(n)d year", "%(n)d years", n),
    }
    return words[unit] % {"n": n}


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


_MAX_ROWS = 50

# The words of kinds' details a reader sees (statistical symbols such as cpk, ucl or p95 are kept as they are).
_DETAIL_LABELS = {
    "activations": gettext_lazy("activations"),
    "activity": gettext_lazy("activity"),
    "at_risk": gettext_lazy("at risk"),
    "breached": gettext_lazy("breached"),
    "breaches": gettext_lazy("breaches"),
    "breaches_by_limit": gettext_lazy("breaches by limit"),
    "calendar": gettext_lazy("calendar"),
    "capability": gettext_lazy("capability"),
    "case": gettext_lazy("case"),
    "cases": gettext_lazy("cases"),
    "category": gettext_lazy("category"),
    "center": gettext_lazy("center line"),
    "characteristics": gettext_lazy("characteristics"),
    "chart": gettext_lazy("chart"),
    "charts": gettext_lazy("charts"),
    "charts_truncated": gettext_lazy("more charts not shown"),
    "constraint": gettext_lazy("constraint"),
    "constraints": gettext_lazy("constraints"),
    "count": gettext_lazy("count"),
    "cumulative": gettext_lazy("cumulative"),
    "defects": gettext_lazy("defects"),
    "dpmo": gettext_lazy("DPMO (defects per million opportunities)"),
    "deviations": gettext_lazy("deviations"),
    "event": gettext_lazy("event"),
    "events": gettext_lazy("events"),
    "excluded": gettext_lazy("excluded"),
    "expired": gettext_lazy("covered before, record expired"),
    "fulfilled": gettext_lazy("fulfilled"),
    "fulfilment": gettext_lazy("fulfilment"),
    "group": gettext_lazy("group"),
    "hours": gettext_lazy("hours"),
    "judged": gettext_lazy("judged"),
    "key": gettext_lazy("key"),
    "keys": gettext_lazy("keys"),
    "keys_truncated": gettext_lazy("more keys not shown"),
    "limit": gettext_lazy("limit"),
    "limits_from": gettext_lazy("limits from"),
    "mean": gettext_lazy("mean"),
    "meeting_target": gettext_lazy("meeting the target"),
    "meets_target": gettext_lazy("meets the target"),
    "missing_start": gettext_lazy("records without a start"),
    "no_limit": gettext_lazy("records without a limit"),
    "open": gettext_lazy("open"),
    "open_cases": gettext_lazy("open cases"),
    "opportunities": gettext_lazy("opportunities"),
    "pareto": gettext_lazy("Pareto"),
    "pending": gettext_lazy("pending"),
    "percentiles": gettext_lazy("percentiles"),
    "phase": gettext_lazy("phase"),
    "points": gettext_lazy("points"),
    "population": gettext_lazy("population"),
    "rule": gettext_lazy("rule"),
    "rules": gettext_lazy("rules"),
    "share": gettext_lazy("share"),
    "signals": gettext_lazy("signals"),
    "signals_total": gettext_lazy("signals in all"),
    "time": gettext_lazy("time"),
    "units": gettext_lazy("units"),
    "value": gettext_lazy("value"),
    "violating_keys": gettext_lazy("violating records"),
    "violating_keys_truncated": gettext_lazy("more violating records not shown"),
    "violations": gettext_lazy("violations"),
    "within": gettext_lazy("within the limit"),
    "zero_defects": gettext_lazy("zero defects"),
}


# Top-level keys whose word differs from the same key deeper down (a chart's sigma is its standard deviation).
_TOP_LABELS = {
    "sigma": gettext_lazy("sigma level"),
}


def detail_label(key: Any, top: bool = False) -> str | None:
    """The reader's word for a details key, or None when it has none (``top``: a key of the details themselves)."""
    found = (_TOP_LABELS.get(key) if top else None) or _DETAIL_LABELS.get(key)
    return None if found is None else str(found)


def _label(key: Any, top: bool = False) -> str:
    return escape(detail_label(key, top) or str(key))


def _number(value: float) -> str:
    """A number of the details with enough digits to tell close values apart (limits, centres): six significant
    digits from 1 up (four below), thousands separated, without an exponent from 0.0001 up."""
    if float(value).is_integer() and abs(value) < 1e15:
        return f"{int(value):,}"
    if abs(value) >= 1e6:
        return f"{value:,.0f}"
    if abs(value) < 1:
        return f"{value:.4g}"
    return f"{value:,.6g}"


def _cell(value: Any, depth: int) -> str:
    if isinstance(value, dict):
        return _mapping(value, depth + 1) if depth < 3 else escape(json.dumps(value, ensure_ascii=False)[:300])
    if isinstance(value, list):
        if value and all(isinstance(v, dict) for v in value) and depth < 3:
            return _records(value, depth + 1)
        shown = ", ".join(_number(v) if isinstance(v, float) else str(v) for v in value[:_MAX_ROWS])
        more = f" … ({len(value)})" if len(value) > _MAX_ROWS else ""
        return escape(shown + more)
    if isinstance(value, bool):
        return escape(_("yes") if value else _("no"))
    if isinstance(value, float):
        return escape(_number(value))
    return escape("—" if value is None else str(value))


def _mapping(data: dict[str, Any], depth: int) -> str:
    rows = "".join(f"<tr><th>{_label(k, depth == 0)}</th><td>{_cell(v, depth)}</td></tr>" for k, v in data.items())
    return f'<table class="data details">{rows}</table>'


def _records(items: list[dict[str, Any]], depth: int) -> str:
    columns = list(dict.fromkeys(k for item in items[:_MAX_ROWS] for k in item))
    head = "".join(f"<th>{_label(c)}</th>" for c in columns)
    body = "".join(
        "<tr>" + "".join(f"<td>{_cell(item.get(c), depth)}</td>" for c in columns) + "</tr>"
        for item in items[:_MAX_ROWS]
    )
    hidden = _("%(n)d more not shown") % {"n": len(items) - _MAX_ROWS}
    more = f'<p class="sub">… {escape(hidden)}</p>' if len(items) > _MAX_ROWS else ""
    return f'<table class="data details"><tr>{head}</tr>{body}</table>{more}'


@register.filter
def details_table(details: dict[str, Any] | None) -> SafeString:
    """A result's kind-specific details (percentiles, charts, constraints, rules…) as readable tables;
    every piece of text is escaped."""
    if not details:
        return mark_safe("")
    return mark_safe(_mapping(details, 0))  # noqa: S308 - built from escaped parts only


@register.filter
def result_message(message: str | None) -> str:
    """A result's message (stored as the engine writes it, in English) in the page's language."""
    language = "zh" if (get_language() or "").startswith("zh") else "en"
    return localise(message or "", language)
