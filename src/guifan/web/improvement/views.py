"""Findings pages: the list, one finding with its actions, opening one by hand or from a result."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, Q, QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from guifan.web.core import access
from guifan.web.core.audit import history
from guifan.web.improvement import services
from guifan.web.improvement.forms import (
    ActionForm,
    CloseForm,
    FindingEditForm,
    FindingFilter,
    FindingForm,
    OutcomeForm,
    ReopenForm,
)
from guifan.web.improvement.models import Action, Finding, FindingStatus
from guifan.web.measure.views import visible_results
from guifan.web.org.models import OrgUnit
from guifan.web.standards.models import Severity
from guifan.web.standards.views import visible_standards


def visible_findings(user: Any) -> QuerySet[Finding]:
    return Finding.objects.filter(access.scope_filter(user, "unit"))


def filtered(request: HttpRequest) -> tuple[FindingFilter, QuerySet[Finding]]:
    form = FindingFilter(request.GET or None)
    findings = visible_findings(request.user).select_related("unit", "owner", "standard", "result__evaluation")
    data = form.cleaned_data if form.is_valid() else {}
    status = data.get("status", "")
    if status == "":
        findings = findings.filter(status__in=FindingStatus.not_closed)
    elif status != "all":
        findings = findings.filter(status=status)
    if data.get("source"):
        findings = findings.filter(source=data["source"])
    if data.get("mine"):
        findings = findings.filter(Q(owner=request.user) | Q(actions__owner=request.user)).distinct()
    if data.get("q"):
        q = data["q"]
        findings = findings.filter(Q(title__icontains=q) | Q(requirement_code__icontains=q) | Q(key__icontains=q))
    return form, findings.annotate(n_actions=Count("actions")).order_by("-opened_at", "-id")


@login_required
def finding_list(request: HttpRequest) -> HttpResponse:
    form, findings = filtered(request)
    page = Paginator(findings, 50).get_page(request.GET.get("page"))
    context = {"form": form, "findings": page, "page": page, "today": timezone.localdate(),
               "can_open": access.can_open_finding(request.user, None)}  # fmt: skip
    return render(request, "improvement/list.html", context)


@login_required
def finding_new(request: HttpRequest) -> HttpResponse:
    if not access.can_open_finding(request.user, None):
        raise PermissionDenied
    scope = access.unit_scope(request.user)
    units = OrgUnit.objects.all() if scope is None else OrgUnit.objects.filter(pk__in=scope)
    form = FindingForm(request.POST or None, standards=visible_standards(request.user), units=units)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            finding = services.open_manual(request.user, **data)
        except PermissionDenied:
            form.add_error("unit", _("You may not open findings for this org unit."))
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("Finding %(n)s opened.") % {"n": finding.number})
            return redirect("finding-detail", pk=finding.pk)
    return render(request, "improvement/new.html", {"form": form})


@require_POST
@login_required
def finding_from_result(request: HttpRequest, result_pk: int) -> HttpResponse:
    result = access.get_or_404(visible_results(request.user).select_related("evaluation", "requirement"),
                               pk=result_pk)  # fmt: skip
    try:
        finding, created = services.open_from_result(
            request.user, result, source=request.POST.get("source", "failure"), key=request.POST.get("key", ""),
            title=request.POST.get("title", ""), note=request.POST.get("note", ""),
        )  # fmt: skip
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect("result-detail", pk=result.pk)
    if created:
        messages.success(request, _("Finding %(n)s opened.") % {"n": finding.number})
    else:
        messages.info(request, _("Finding %(n)s is already open for this.") % {"n": finding.number})
    target = request.POST.get("next", "")
    if target and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        return redirect(target)
    return redirect("finding-detail", pk=finding.pk)


OPERATIONS = ("edit", "action", "done", "close", "reopen")


@login_required
def finding_detail(request: HttpRequest, pk: int) -> HttpResponse:
    finding: Finding = access.get_or_404(
        visible_findings(request.user).select_related("unit", "owner", "standard", "result__evaluation"), pk=pk
    )
    forms: dict[str, Any] = {
        "edit": FindingEditForm(instance=finding, prefix="edit", initial={"title": finding.display_title}),
        "action": ActionForm(prefix="action"),
        "close": CloseForm(prefix="close"),
        "reopen": ReopenForm(prefix="reopen"),
    }
    if request.method == "POST":
        op = request.POST.get("op", "")
        if op not in OPERATIONS:
            return HttpResponse(status=400)
        done = _apply(request, finding, op, forms)
        if done:
            return redirect("finding-detail", pk=finding.pk)
    actions = list(finding.actions.select_related("owner", "done_by"))
    since = _remeasured(request.user, finding)
    may_manage = access.can_manage_finding(request.user, finding.unit_id, finding.owner_id)
    context = {
        "finding": finding, "actions": actions,
        "severity": dict(Severity.choices).get(finding.severity, ""), "forms": forms, "may_manage": may_manage,
        "may_complete": {a.pk for a in actions if may_manage or a.owner_id == request.user.pk},
        "since": since, "outcome_form": OutcomeForm(prefix="done"), "history": history(finding)[:50],
        "today": timezone.localdate(),
    }  # fmt: skip
    return render(request, "improvement/detail.html", context)


def _remeasured(user: Any, finding: Finding) -> list[Any]:
    """The requirement's results in the periods after the one the finding came from: did the actions work?"""
    if finding.result is None:
        return []
    later = visible_results(user).filter(
        requirement_code=finding.requirement_code, evaluation__state="done",
        evaluation__end__gt=finding.result.evaluation.end,
    )  # fmt: skip
    later = later.exclude(evaluation__start__lt=finding.result.evaluation.start)  # same-length periods and later
    return list(later.select_related("evaluation").order_by("evaluation__end")[:12])


def _apply(request: HttpRequest, finding: Finding, op: str, forms: dict[str, Any]) -> bool:
    """Run one operation posted from the finding page; False (with errors on the form) when it did not happen."""
    user = request.user
    try:
        if op == "edit":
            form = forms["edit"] = FindingEditForm(request.POST, instance=Finding.objects.get(pk=finding.pk),
                                                   prefix="edit")  # fmt: skip
            if not form.is_valid():
                return False
            services.update(user, finding, **{k: form.cleaned_data[k] for k in form.Meta.fields})
            messages.success(request, _("Finding saved."))
        elif op == "action":
            form = forms["action"] = ActionForm(request.POST, prefix="action")
            if not form.is_valid():
                return False
            services.add_action(user, finding, **form.cleaned_data)
            messages.success(request, _("Action added."))
        elif op == "done":
            action = access.get_or_404(Action.objects.filter(finding=finding), pk=request.POST.get("action", 0))
            form = OutcomeForm(request.POST, prefix="done")
            if not form.is_valid():
                messages.error(request, _("Say what was done and what it achieved."))
                return False
            services.complete_action(user, action, outcome=form.cleaned_data["outcome"])
            messages.success(request, _("Action marked done."))
        elif op == "close":
            form = forms["close"] = CloseForm(request.POST, prefix="close")
            if not form.is_valid():
                return False
            services.close(user, finding, note=form.cleaned_data["closure_note"])
            messages.success(request, _("Finding closed."))
        else:
            form = forms["reopen"] = ReopenForm(request.POST, prefix="reopen")
            if not form.is_valid():
                return False
            services.reopen(user, finding, reason=form.cleaned_data["reason"])
            messages.success(request, _("Finding reopened."))
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return False
    return True
