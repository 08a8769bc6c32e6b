"""Pages: the processes index, a sequence requirement's discovered process, one case's timeline."""

from __future__ import annotations

from functools import partial
from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render

from guifan.engine import InputError
from guifan.web.process import discovery
from guifan.web.process.discovery_graph import draw


@login_required
def process_index(request: HttpRequest) -> HttpResponse:
    rows = discovery.sequence_requirements(request.user)
    return render(request, "process/discovery_index.html", {"rows": rows})


def _threshold(value: str | None) -> float:
    try:
        chosen = float(value or 0)
    except ValueError:
        return 0.0
    return chosen if chosen in discovery.THRESHOLDS else 0.0


@login_required
def discovery_page(request: HttpRequest, code: str) -> HttpResponse:
    result = discovery.result_for(request.user, code, request.GET.get("evaluation"))
    which = discovery.which_of(request.GET.get("cases"))
    threshold = _threshold(request.GET.get("min"))
    variant = request.GET.get("variant") or None
    context: dict[str, Any] = {
        "result": result,
        "which": which,
        "threshold": threshold,
        "thresholds": discovery.THRESHOLDS,
        "periods": discovery.evaluations_of(request.user, code)[:36],
    }
    try:
        data = discovery.discovery_data(
            result, which, variant=variant, deviating_only=request.GET.get("deviating") == "1"
        )
    except InputError as exc:
        context["error"] = str(exc)
        return render(request, "process/discovery.html", context)
    duration = partial(discovery.duration_text, day_s=data.day_s)
    graph = draw(data.discovery, threshold, duration)
    variants = [
        {"row": row, "median": duration(row.median_duration_s), "conforms": row.deviating == 0} for row in data.variants
    ]
    context |= {
        "data": data,
        "graph": graph,
        "variants": variants,
        "variant_median": duration(data.variant.median_duration_s) if data.variant else "",
        "conforming_cases": data.total_cases - data.deviating_cases,
    }
    return render(request, "process/discovery.html", context)


@login_required
def case_page(request: HttpRequest, code: str) -> HttpResponse:
    result = discovery.result_for(request.user, code, request.GET.get("evaluation"))
    key = request.GET.get("case", "")
    if not key:
        raise Http404
    context: dict[str, Any] = {"result": result, "key": key}
    try:
        timeline, about = discovery.case_data(result, key)
    except InputError as exc:
        context["error"] = str(exc)
        return render(request, "process/case.html", context, status=200)
    if timeline is None:
        raise Http404
    duration = partial(discovery.duration_text, day_s=about["day_s"])
    events = [
        {
            "event": e,
            "since": duration(e.since_previous_s),
            "wall": discovery.duration_text(e.wall_since_previous_s),
            "from_start": duration(e.since_start_s),
        }
        for e in timeline.events
    ]
    context |= {
        "timeline": timeline,
        "events": events,
        "about": about,
        "duration": duration(timeline.duration_s),
        "unplaced": [d for d in timeline.deviations if d.position is None],
    }
    return render(request, "process/case.html", context)
