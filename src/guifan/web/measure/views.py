"""Evaluations, results with their violating records, and datasets."""

from __future__ import annotations

import csv
import io
import json
from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from guifan.engine import InputError
from guifan.web.core import access
from guifan.web.measure import records, services
from guifan.web.measure.datasets import register
from guifan.web.measure.forms import DatasetForm, RunForm
from guifan.web.measure.models import DataSource, Evaluation, Result
from guifan.web.measure.queries import SHORTEST_FIRST_BY_END

PAGE = 50
OPEN_DETAILS = 3000  # details longer than this (as JSON) start collapsed


@login_required
def evaluation_list(request: HttpRequest) -> HttpResponse:
    form = RunForm(request.POST or None)
    if request.method == "POST":
        if not access.can_run_evaluations(request.user):
            raise PermissionDenied
        if form.is_valid():
            evaluations = services.start(request.user, form.cleaned_data["periods"])
            messages.success(request, _("%(n)d evaluations started.") % {"n": len(evaluations)})
            return redirect("evaluation-list")
    evaluations = Evaluation.objects.select_related("started_by").order_by("-created")[:100]
    return render(request, "measure/evaluations.html", {"form": form, "evaluations": evaluations})


@login_required
def evaluation_progress(request: HttpRequest) -> HttpResponse:
    """The running and queued evaluations (polled by htmx while any is running)."""
    running = Evaluation.objects.filter(state__in=["queued", "running"]).order_by("created")
    return render(request, "measure/_progress.html", {"running": running})


def visible_results(user: Any) -> QuerySet[Result]:
    return Result.objects.filter(access.scope_filter(user, "unit_id_snapshot"))


@login_required
def evaluation_detail(request: HttpRequest, pk: int) -> HttpResponse:
    evaluation = access.get_or_404(Evaluation.objects.all(), pk=pk)
    results = visible_results(request.user).filter(evaluation=evaluation).select_related("requirement")
    results = results.defer("violating_keys", "details", "requirement__check_spec")
    status = request.GET.get("status", "")
    if status:
        results = results.filter(status=status)
    page = Paginator(results, 100).get_page(request.GET.get("page"))
    context = {"evaluation": evaluation, "results": page, "page": page, "status": status}
    return render(request, "measure/evaluation.html", context)


@login_required
def result_detail(request: HttpRequest, pk: int) -> HttpResponse:
    result: Result = access.get_or_404(
        visible_results(request.user).select_related("evaluation", "requirement", "standard__current"), pk=pk
    )
    context: dict[str, Any] = {"result": result, "groups": result.groups.all()}
    details = result.details or {}
    context["details_open"] = result.kind != "spc" and len(json.dumps(details, default=str)) <= OPEN_DETAILS
    if result.kind == "spc":  # its violations are subgroups of characteristics, not dataset records
        context["characteristics"] = _spc_characteristics(result)
    wants_records = bool(result.violations) and result.status in ("fail", "warn", "pass") and result.kind != "spc"
    wants_curve = result.kind == "sla" and result.status in ("pass", "warn", "fail")
    if wants_records or wants_curve:
        try:
            with records.catalogue_pack(result.requirement_code) as loaded:
                context |= _records_and_curve(request, result, loaded, wants_records, wants_curve)
        except InputError as exc:
            context["records_error"] = str(exc)
    history = visible_results(request.user).filter(requirement_code=result.requirement_code, evaluation__state="done")
    context["history"] = history.select_related("evaluation").order_by(*SHORTEST_FIRST_BY_END)[:36]
    return render(request, "measure/result.html", context)


def _spc_characteristics(result: Result) -> list[dict[str, Any]]:
    """The flagged characteristics of an spc result (with signals, or judged not to meet the target), worst first
    as the engine stored them, each with its control chart's and capability report's addresses."""
    out = []
    for chart in (result.details or {}).get("charts", []):
        signals = int(chart.get("signals_total", len(chart.get("signals", []))))
        if not signals and chart.get("meets_target") is not False:
            continue
        query = urlencode({"key": str(chart.get("key", "")), "evaluation": str(result.evaluation_id)})
        capability = chart.get("capability") or {}
        out.append({
            "key": chart.get("key", ""), "group": chart.get("group") or {}, "chart": chart.get("chart", ""),
            "points": chart.get("points"), "signals": signals, "cpk": capability.get("cpk"),
            "meets": chart.get("meets_target"),
            "chart_url": f"{reverse('quality-chart', args=[result.requirement_code])}?{query}",
            "capability_url": f"{reverse('quality-capability', args=[result.requirement_code])}?{query}"
            if capability else "",
        })  # fmt: skip
    return out


def _case_column(result: Result, columns: list[str]) -> int | None:
    """Of a sequence result's violating records, the position of the case column (linked to the case's page)."""
    spec = (result.requirement.check_spec if result.requirement else None) or {}
    case = spec.get("case") if result.kind == "sequence" else None
    return columns.index(case) if case in columns else None


def _records_and_curve(
    request: HttpRequest, result: Result, loaded: Any, wants_records: bool, wants_curve: bool
) -> dict[str, Any]:
    """The violating records' page and the sla what-if curve, both read from one written pack."""
    out: dict[str, Any] = {}
    if wants_records:
        page_number = max(1, int(request.GET.get("page", "1") or 1))
        try:
            page = records.page(result, limit=PAGE, offset=(page_number - 1) * PAGE, loaded=loaded)
        except InputError as exc:
            out["records_error"] = str(exc)
        else:
            out |= {"page": page, "page_number": page_number, "pages": Paginator(range(page.total), PAGE)}
            out["case_column"] = _case_column(result, page.columns)
    if wants_curve:
        try:
            out["curve"] = records.sla_curve(result, loaded)
        except InputError as exc:
            out["records_error"] = str(exc)
    return out


@login_required
def result_download(request: HttpRequest, pk: int, fmt: str) -> HttpResponse:
    result: Result = access.get_or_404(visible_results(request.user).select_related("evaluation"), pk=pk)
    page = records.page(result, limit=None, offset=0)
    name = f"{result.requirement_code}-{result.evaluation.label}-violations"
    if fmt == "xlsx":
        return _xlsx(page, name)
    buffer = io.StringIO()
    buffer.write("\ufeff")  # so Excel opens UTF-8 Chinese text correctly
    writer = csv.writer(buffer)
    writer.writerow(page.columns)
    writer.writerows(page.rows)
    response = HttpResponse(buffer.getvalue(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{name}.csv"'
    return response


def _xlsx(page: Any, name: str) -> HttpResponse:
    from openpyxl import Workbook

    book = Workbook(write_only=True)
    sheet = book.create_sheet("violations")
    sheet.append(page.columns)
    for row in page.rows:
        sheet.append([_cell(v) for v in row])
    buffer = io.BytesIO()
    book.save(buffer)
    response = HttpResponse(
        buffer.getvalue(), content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    response["Content-Disposition"] = f'attachment; filename="{name}.xlsx"'
    return response


def _cell(value: Any) -> Any:
    tz = getattr(value, "tzinfo", None)
    return value.replace(tzinfo=None) if tz is not None else value


@login_required
def dataset_list(request: HttpRequest) -> HttpResponse:
    form = DatasetForm(request.POST or None, request.FILES or None)
    if request.method == "POST":
        if not access.can_manage_catalogue(request.user):
            raise PermissionDenied
        if form.is_valid():
            data = form.cleaned_data
            try:
                register(request.user, data["name"], data["spec"], upload=data.get("file"),
                         server_path=data.get("server_path") or "")  # fmt: skip
            except ValidationError as exc:
                form.add_error(None, exc)
            else:
                messages.success(request, _("Dataset %(name)s registered.") % {"name": data["name"]})
                return redirect("dataset-detail", name=data["name"])
    return render(request, "measure/datasets.html", {"datasets": DataSource.objects.all(), "form": form})


@login_required
def dataset_detail(request: HttpRequest, name: str) -> HttpResponse:
    dataset = access.get_or_404(DataSource.objects.all(), name=name)
    try:
        preview = records.preview(dataset, limit=50)
    except InputError as exc:
        preview, error = None, str(exc)
    else:
        error = ""
    return render(request, "measure/dataset.html", {"dataset": dataset, "preview": preview, "error": error})
