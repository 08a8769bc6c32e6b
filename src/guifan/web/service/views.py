"""Service SLA pages: work calendars (list, month view, editor), sla policies and their editor, and one team's
view of an sla result."""

from __future__ import annotations

import re
from datetime import date
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from guifan.engine import InputError
from guifan.web.core import access
from guifan.web.core.models import Catalogue
from guifan.web.measure.models import Result
from guifan.web.measure.queries import LATEST_FIRST, OLDEST_FIRST
from guifan.web.measure.views import visible_results
from guifan.web.service import calendars as cals
from guifan.web.service import services, teams
from guifan.web.service.forms import CalendarForm, SlaForm
from guifan.web.standards.models import Requirement, VersionStatus
from guifan.web.standards.views import visible_standards

# --- calendars ---------------------------------------------------------------------------------------------


def _calendar(name: str) -> dict[str, Any]:
    spec = cals.catalogue_calendars().get(name)
    if spec is None:
        raise Http404
    return spec


@login_required
def calendar_list(request: HttpRequest) -> HttpResponse:
    zone = Catalogue.current().timezone
    rows = []
    for name, spec in cals.catalogue_calendars().items():
        cal = cals.work_calendar(name, spec, zone)
        rows.append({"name": name, "spec": spec, "timezone": cal.timezone, "week": cals.week_rows(cal),
                     "day_hours": cal.day_seconds / 3600, "week_hours": cal.week_seconds / 3600,
                     "years": cals.builtin_years(spec), "users": cals.users_of(name)})  # fmt: skip
    context = {"rows": rows, "can_manage": access.can_manage_catalogue(request.user), "zone": zone}
    return render(request, "service/calendars.html", context)


def _month(request: HttpRequest) -> tuple[int, int]:
    text = request.GET.get("month", "")
    try:
        year, month = (int(p) for p in text.split("-"))
        date(year, month, 1)
    except ValueError:
        today = timezone.localdate()
        return today.year, today.month
    return year, month


@login_required
def calendar_detail(request: HttpRequest, name: str) -> HttpResponse:
    spec = _calendar(name)
    cal = cals.work_calendar(name, spec)
    year, month = _month(request)
    weeks = cals.month_days(cal, spec, year, month)
    before = date(year - 1, 12, 1) if month == 1 else date(year, month - 1, 1)
    after = date(year + 1, 1, 1) if month == 12 else date(year, month + 1, 1)
    context = {
        "name": name, "spec": spec, "cal": cal, "weeks": weeks, "month": date(year, month, 1),
        "summary": cals.month_summary(weeks), "week": cals.week_rows(cal),
        "prev": f"{before:%Y-%m}", "next": f"{after:%Y-%m}", "years": cals.builtin_years(spec),
        "unknown": cal.known_years is not None and year not in cal.known_years,
        "users": cals.users_of(name), "can_manage": access.can_manage_catalogue(request.user),
        "day_hours": cal.day_seconds / 3600,
    }  # fmt: skip
    return render(request, "service/calendar.html", context)


@login_required
def calendar_edit(request: HttpRequest, name: str | None = None) -> HttpResponse:
    if not access.can_manage_catalogue(request.user):
        raise PermissionDenied
    editing = name is not None
    initial = CalendarForm.initial_from(name, _calendar(name)) if name is not None else {"name": ""}
    form = CalendarForm(request.POST or None, initial=initial, editing=editing)
    if request.method == "POST" and form.is_valid():
        chosen = name if name is not None else form.cleaned_data["name"]
        try:
            services.save_calendar(request.user, chosen, form.spec(), creating=not editing)
        except services.CalendarError as exc:
            for place, errors in exc.message_dict.items():
                form.add_error(_form_field(place), errors)
        else:
            messages.success(request, _("Calendar %(name)s saved.") % {"name": chosen})
            return redirect("calendar-detail", name=chosen)
    return render(request, "service/calendar_form.html", {"form": form, "name": name})


def _form_field(place: str) -> str | None:
    from guifan.web.service.forms import form_field

    return "name" if place == "name" else form_field(place)


@login_required
@require_POST
def calendar_delete(request: HttpRequest, name: str) -> HttpResponse:
    if not access.can_manage_catalogue(request.user):
        raise PermissionDenied
    _calendar(name)
    try:
        services.delete_calendar(request.user, name)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect("calendar-detail", name=name)
    messages.success(request, _("Calendar %(name)s deleted.") % {"name": name})
    return redirect("calendar-list")


@login_required
@require_POST
def calendar_rename(request: HttpRequest, name: str) -> HttpResponse:
    if not access.can_manage_catalogue(request.user):
        raise PermissionDenied
    _calendar(name)
    try:
        new_name = services.rename_calendar(request.user, name, request.POST.get("name", ""))
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect("calendar-detail", name=name)
    messages.success(request, _("Calendar %(old)s renamed to %(new)s.") % {"old": name, "new": new_name})
    return redirect("calendar-detail", name=new_name)


# --- sla policies ------------------------------------------------------------------------------------------

SHOWN = [VersionStatus.DRAFT, VersionStatus.IN_REVIEW, VersionStatus.APPROVED, VersionStatus.EFFECTIVE]


def sla_requirements(user: Any) -> list[Requirement]:
    """The sla requirements of the standards the user may see, in versions that are or may become measured."""
    standards = visible_standards(user)
    return list(
        Requirement.objects.filter(version__standard__in=standards, version__status__in=SHOWN, check_spec__kind="sla")
        .select_related("version__standard")
        .order_by("version__standard__code", "code", "-version__created")
    )


def _limits(spec: dict[str, Any]) -> list[tuple[str, str]]:
    limit = spec.get("limit")
    return list(limit.items()) if isinstance(limit, dict) else [("", str(limit))]


@login_required
def policy_list(request: HttpRequest) -> HttpResponse:
    requirements = sla_requirements(request.user)
    codes = {r.code for r in requirements}
    latest: dict[str, Result] = {}
    results = visible_results(request.user).filter(requirement_code__in=codes, evaluation__state="done")
    for r in results.select_related("evaluation").defer("details", "violating_keys").order_by(*LATEST_FIRST, "-id"):
        latest.setdefault(r.requirement_code, r)
    rows = [
        {
            "req": r,
            "spec": r.check_spec,
            "limits": _limits(r.check_spec),
            "pauses": r.check_spec.get("pauses"),
            "latest": latest.get(r.code) if r.version.status == VersionStatus.EFFECTIVE else None,
            "can_edit": access.can_edit_unit(request.user, r.version.standard.owner_unit_id),
        }
        for r in requirements
    ]
    return render(request, "service/policies.html", {"rows": rows})


def _requirement(request: HttpRequest, code: str, number: str, req: str) -> Requirement:
    standard = access.get_or_404(visible_standards(request.user), code=code)
    version = access.get_or_404(standard.versions.all(), number=number)
    requirement: Requirement = access.get_or_404(version.requirements.select_related("version__standard"), code=req)
    if not access.can_edit_unit(request.user, standard.owner_unit_id):
        raise PermissionDenied
    if requirement.kind not in (None, "sla"):
        raise Http404
    return requirement


@login_required
def policy_edit(request: HttpRequest, code: str, number: str, req: str) -> HttpResponse:
    requirement = _requirement(request, code, number, req)
    version = requirement.version
    spec = requirement.check_spec or {"kind": "sla"}
    if version.status != VersionStatus.DRAFT:
        draft = version.standard.versions.filter(status=VersionStatus.DRAFT).first()
        return render(request, "service/policy_locked.html", {"req": requirement, "version": version, "draft": draft})
    form = SlaForm(request.POST or None, initial=SlaForm.initial_from(spec), original=spec)
    if request.method == "POST" and form.is_valid():
        try:
            services.save_sla_check(request.user, requirement, form.spec())
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("The sla check of %(req)s was saved in draft v%(n)s.")
                             % {"req": requirement.code, "n": version.number})  # fmt: skip
            return redirect("service-policies")
    return render(request, "service/policy_form.html", {"form": form, "req": requirement, "version": version})


@login_required
@require_POST
def policy_draft(request: HttpRequest, code: str, number: str, req: str) -> HttpResponse:
    """Start the new draft version (as the catalogue does) and open the requirement's editor in it."""
    requirement = _requirement(request, code, number, req)
    try:
        draft = services.editable_version(request.user, requirement.version)
    except (PermissionDenied, ValidationError) as exc:
        messages.error(request, " ".join(getattr(exc, "messages", [str(exc)])))
        return redirect("service-policies")
    if draft.pk != requirement.version_id:
        messages.success(request, _("Draft v%(n)s is ready for your change.") % {"n": draft.number})
    return redirect("service-policy-edit", code=code, number=draft.number, req=req)


# --- one team's view ---------------------------------------------------------------------------------------


def _shape(label: str) -> str:
    return re.sub(r"\d", "9", label)


def group_label(by: dict[str, Any]) -> str:
    return " · ".join("" if v is None else str(v) for v in by.values())


def group_key(by: dict[str, Any]) -> str:
    """The record key of a team's finding: ``team=一组`` (``team=一组, channel=电话`` for several columns)."""
    return ", ".join(f"{k}={'' if v is None else v}" for k, v in by.items())


@login_required
def team_page(request: HttpRequest, code: str) -> HttpResponse:
    results = visible_results(request.user).filter(requirement_code=code, kind="sla", evaluation__state="done")
    results = results.select_related("evaluation", "requirement").order_by(*LATEST_FIRST)
    chosen = request.GET.get("evaluation", "")
    result: Result | None = (results.filter(evaluation_id=chosen).first() if chosen.isdigit() else None) or (
        results.first()
    )
    if result is None:
        raise Http404
    groups = list(result.groups.all())
    labels = [group_label(g.by) for g in groups]
    label = request.GET.get("team", "")
    group = groups[labels.index(label)] if label in labels else None
    shape = _shape(result.evaluation.label)  # a trend of months for a month, of quarters for a quarter
    history = [
        r for r in results.prefetch_related("groups").order_by(*OLDEST_FIRST) if _shape(r.evaluation.label) == shape
    ][-36:]
    context: dict[str, Any] = {
        "code": code, "result": result, "groups": groups, "labels": labels, "team": label if group else "",
        "group": group, "team_key": group_key(group.by) if group else "",
        "evaluations": [(r.evaluation_id, r.evaluation.label) for r in results[:60]],
        "trend": teams.trend(history, group.by if group else None),
    }  # fmt: skip
    if result.status in ("pass", "warn", "fail"):
        try:
            context["report"] = teams.team_report(result, group.by if group else None)
        except InputError as exc:
            context["error"] = str(exc)
    context["back"] = reverse("result-detail", args=[result.pk])
    return render(request, "service/team.html", context)
