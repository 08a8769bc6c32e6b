"""Organisation pages: the unit tree with people, and RACI integrity."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from guifan.web.core import access
from guifan.web.org import services
from guifan.web.org.forms import OrgUnitForm, PersonForm, PositionForm, RaciForm
from guifan.web.org.integrity import raci_findings
from guifan.web.org.models import OrgUnit, Person, Position
from guifan.web.process.views import visible_processes
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
    positions = Position.objects.filter(access.scope_filter(request.user, "unit")).select_related("unit")
    positions = positions.annotate(holders=Count("person")).order_by("code")
    context: dict[str, Any] = {
        "tree": _tree(list(units)),
        "positions": positions,
        "findings": raci_findings(visible_standards(request.user), processes=visible_processes(request.user)),
    }
    return render(request, "org/home.html", context)


@login_required
def unit_detail(request: HttpRequest, code: str) -> HttpResponse:
    scope = access.unit_scope(request.user)
    units = OrgUnit.objects.all() if scope is None else OrgUnit.objects.filter(pk__in=scope)
    unit = access.get_or_404(units, code=code)
    people = Person.objects.filter(unit=unit).select_related("position", "user")
    children = units.filter(parent=unit).annotate(people=Count("person")).order_by("code")
    parent = units.filter(pk=unit.parent_id).first()  # shown only when the user may see it
    context = {"unit": unit, "people": people, "children": children, "parent": parent}
    return render(request, "org/unit.html", context)


def _org_manager_only(request: HttpRequest) -> None:
    if not access.can_manage_org(request.user):
        raise PermissionDenied


EDITED: dict[str, tuple[type[Any], type[Any], str]] = {
    "unit": (OrgUnit, OrgUnitForm, "org unit"),
    "person": (Person, PersonForm, "person"),
    "position": (Position, PositionForm, "position"),
}


@login_required
def unit_edit(request: HttpRequest, code: str | None = None) -> HttpResponse:
    return _edit(request, "unit", code, _("Org unit"))


@login_required
def person_edit(request: HttpRequest, code: str | None = None) -> HttpResponse:
    return _edit(request, "person", code, _("Person"))


@login_required
def position_edit(request: HttpRequest, code: str | None = None) -> HttpResponse:
    return _edit(request, "position", code, _("Position"))


def _edit(request: HttpRequest, kind: str, code: str | None, title: str) -> HttpResponse:
    _org_manager_only(request)
    model, form_class, _name = EDITED[kind]
    instance = access.get_or_404(model.objects.all(), code=code) if code else model()
    form = form_class(request.POST or None, instance=instance)
    if request.method == "POST" and form.is_valid():
        try:
            obj = services.save(request.user, form)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("Saved."))
            return _after(obj)
    context = {"form": form, "title": title, "kind": kind, "instance": instance}
    return render(request, "org/edit.html", context)


def _after(obj: Any) -> HttpResponse:
    unit = obj if isinstance(obj, OrgUnit) else obj.unit
    return redirect("org-unit", code=unit.code) if unit else redirect("org-home")


@login_required
@require_POST
def delete(request: HttpRequest, kind: str, code: str) -> HttpResponse:
    _org_manager_only(request)
    if kind not in EDITED:
        raise Http404
    obj = access.get_or_404(EDITED[kind][0].objects.all(), code=code)
    parent = obj.parent if isinstance(obj, OrgUnit) else obj.unit
    try:
        services.delete(request.user, obj)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect(f"org-{kind}-edit", code=code)
    messages.success(request, _("Deleted %(object)s.") % {"object": obj})
    return redirect("org-unit", code=parent.code) if parent else redirect("org-home")


@login_required
@require_POST
def raci_add(request: HttpRequest, code: str) -> HttpResponse:
    standard = access.get_or_404(visible_standards(request.user), code=code)
    form = RaciForm(request.POST)
    if not form.is_valid():
        messages.error(request, " ".join(str(e) for e in form.non_field_errors() or form.errors.values()))
    else:
        try:
            services.add_raci(request.user, standard, form.cleaned_data["letter"], person=form.cleaned_data["person"])
        except (PermissionDenied, ValidationError) as exc:
            messages.error(request, " ".join(getattr(exc, "messages", [str(exc)])))
    return redirect("standard-detail", code=standard.code)


@login_required
@require_POST
def raci_remove(request: HttpRequest, code: str, pk: int) -> HttpResponse:
    standard = access.get_or_404(visible_standards(request.user), code=code)
    assignment = access.get_or_404(standard.raci.all(), pk=pk)
    try:
        services.remove_raci(request.user, assignment)
    except PermissionDenied as exc:
        messages.error(request, str(exc))
    return redirect("standard-detail", code=standard.code)
