"""``{% finding_button result key=... source=... %}``: open a finding about a result or record in one click.

A page may show the button next to hundreds of records (an sla team's breached tickets); the open findings of
the result's requirement and source, and whether the user may open one, are looked up once per request.
"""

from __future__ import annotations

from typing import Any

from django import template

from guifan.web.core import access
from guifan.web.improvement.models import Finding, FindingStatus

register = template.Library()


def _open_findings(request: Any, requirement_code: str, source: str) -> dict[str, Finding]:
    """The not-closed findings of a requirement and source by record key, once per request."""
    cache: dict[tuple[str, str], dict[str, Finding]] = request.__dict__.setdefault("_guifan_open_findings", {})
    found = cache.get((requirement_code, source))
    if found is None:
        found = {}
        rows = Finding.objects.filter(requirement_code=requirement_code, source=source,
                                      status__in=FindingStatus.not_closed).order_by("opened_at", "id")  # fmt: skip
        for finding in rows:
            found[finding.key] = finding  # the newest wins, as in find_open
        cache[(requirement_code, source)] = found
    return found


def _may_open(request: Any, user: Any, unit_id: int | None) -> bool:
    cache: dict[int | None, bool] = request.__dict__.setdefault("_guifan_may_open_finding", {})
    if unit_id not in cache:
        cache[unit_id] = access.can_open_finding(user, unit_id)
    return cache[unit_id]


@register.inclusion_tag("improvement/_button.html", takes_context=True)
def finding_button(
    context: Any, result: Any, key: Any = "", source: str = "failure", label: str = "", title: str = ""
) -> dict[str, Any]:
    """``title`` (optional) replaces the generated title of the finding opened."""
    request = context.get("request")
    user = getattr(request, "user", None)
    key = "" if key is None else str(key)[:200]
    if request is None or user is None:
        return {"result": result, "key": key, "source": source, "existing": None, "allowed": False}
    existing = _open_findings(request, result.requirement_code, source).get(key)
    allowed = _may_open(request, user, result.unit_id_snapshot)
    return {"result": result, "key": key, "source": source, "existing": existing, "allowed": allowed,
            "label": label, "title": title, "next": request.get_full_path()}  # fmt: skip
