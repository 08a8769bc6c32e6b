"""``{% finding_button result key=... source=... %}``: open a finding about a result or record in one click."""

from __future__ import annotations

from typing import Any

from django import template

from guifan.web.core import access
from guifan.web.improvement.services import find_open

register = template.Library()


@register.inclusion_tag("improvement/_button.html", takes_context=True)
def finding_button(
    context: Any, result: Any, key: Any = "", source: str = "failure", label: str = ""
) -> dict[str, Any]:
    request = context.get("request")
    user = getattr(request, "user", None)
    key = "" if key is None else str(key)
    existing = find_open(result.requirement_code, source, key)
    allowed = user is not None and access.can_open_finding(user, result.unit_id_snapshot)
    return {"result": result, "key": key, "source": source, "existing": existing, "allowed": allowed,
            "label": label, "next": request.get_full_path() if request is not None else ""}  # fmt: skip
