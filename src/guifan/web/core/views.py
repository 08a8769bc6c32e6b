"""The dashboard and the audit trail."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from guifan.web.core import access, auditlog
from guifan.web.core.models import AuditEntry
from guifan.web.measure import queries
from guifan.web.standards.models import StandardVersion, VersionStatus


@login_required
def dashboard(request: HttpRequest) -> HttpResponse:
    evaluation = queries.chosen_evaluation(request.GET.get("evaluation"))
    context: dict[str, Any] = {"evaluation": evaluation, "evaluations": queries.done_evaluations()[:36]}
    if evaluation is not None:
        results = queries.results_for(request.user, evaluation)
        context |= {
            "summary": queries.status_counts(results),
            "by_category": queries.by_category(results),
            "by_unit": queries.by_unit(results),
            "worst": queries.worst(results),
            "trend": queries.trend_json(request.user),
        }
    context["reviews_due"] = _reviews_due(request.user)
    context |= _open_findings(request.user)
    context["today"] = timezone.localdate()
    return render(request, "core/dashboard.html", context)


def _reviews_due(user: Any) -> list[StandardVersion]:
    soon = timezone.localdate() + timedelta(days=30)
    versions = (
        StandardVersion.objects.filter(status=VersionStatus.EFFECTIVE, next_review__lte=soon)
        .filter(access.scope_filter(user, "standard__owner_unit"))
        .select_related("standard")
        .order_by("next_review")
    )
    return list(versions[:10])


def _open_findings(user: Any) -> dict[str, Any]:
    """The findings not yet closed in the user's scope: counts, and the ten to look at first (overdue, then new)."""
    from guifan.web.improvement.models import FindingStatus
    from guifan.web.improvement.views import visible_findings

    today = timezone.localdate()
    findings = visible_findings(user).filter(status__in=FindingStatus.not_closed)
    overdue = findings.filter(due__lt=today)
    first = list(overdue.select_related("owner", "result__evaluation").order_by("due")[:10])
    if len(first) < 10:
        rest = findings.exclude(pk__in=[f.pk for f in first]).select_related("owner", "result__evaluation")
        rest = rest.order_by("-opened_at")
        first += list(rest[: 10 - len(first)])
    return {"open_findings": first, "open_findings_count": findings.count(), "overdue_findings_count": overdue.count()}


@login_required
def audit_trail(request: HttpRequest, object_type: str, object_id: str) -> HttpResponse:
    if not access.can_read_history(request.user):
        raise PermissionDenied
    entries = AuditEntry.objects.filter(object_type=object_type, object_id=object_id).select_related("actor")
    context = {"entries": auditlog.shown(list(entries[:500])), "object_type": auditlog.object_type_label(object_type)}
    return render(request, "core/audit.html", context)


@login_required
def audit_log(request: HttpRequest) -> HttpResponse:
    """Every audit entry, newest first, filtered by object type, actor, action and dates; auditors and
    administrators only."""
    if not access.can_read_audit_log(request.user):
        raise PermissionDenied
    form = auditlog.AuditFilterForm(request.GET or None)
    entries = AuditEntry.objects.select_related("actor")
    if form.is_bound and form.is_valid():
        entries = form.filter(entries)
    page = Paginator(entries, 50).get_page(request.GET.get("page"))
    context = {"form": form, "page": page, "entries": auditlog.shown(list(page.object_list))}
    return render(request, "core/audit_log.html", context)
