"""Organisation pages: the unit tree with people, and RACI integrity."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.db.models import Count
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from guifan.web.core import access
from guifan.web.org.integrity import raci_findings
from guifan.web.org.models import OrgUnit, Person
from guifan.web.standards.views import visible_standards


def _tree(units: list[OrgUnit]) -> list[tuple[int, OrgUnit]]:
    """(depth, unit) in tree order."""
    children: dict[int | None, list[OrgUnit]] = {}
    for u in units:
        children.setdefault(u.parent_id, []).append(u)
    known = {u.pk for u in units}
    roots = [u for u in units if u.parent_id is None or u.parent_id not in known]
    out: list[tuple[int, OrgUnit]] = []

    def walk(unit: OrgUnit, depth: int) -> None:
        out.append((depth, unit))
        for child in children.get(unit.pk, []):
            walk(child, depth + 1)

    for root in roots:
        walk(root, 0)
    return out


@login_required
def org_home(request: HttpRequest) -> HttpResponse:
    scope = access.unit_scope(request.user)
    units = OrgUnit.objects.annotate(people=Count("person")).order_by("code")
    if scope is not None:
        units = units.filter(pk__in=scope)
    context: dict[str, Any] = {"tree": _tree(list(units)), "findings": raci_findings(visible_standards(request.user))}
    return render(request, "org/home.html", context)


@login_required
def unit_detail(request: HttpRequest, code: str) -> HttpResponse:
    scope = access.unit_scope(request.user)
    units = OrgUnit.objects.all() if scope is None else OrgUnit.objects.filter(pk__in=scope)
    unit = access.get_or_404(units, code=code)
    people = Person.objects.filter(unit=unit).select_related("position", "user")
    return render(request, "org/unit.html", {"unit": unit, "people": people})
