"""Read-side questions the dashboard and result pages ask, each scoped through the access layer."""

from __future__ import annotations

import json
import re
from collections import Counter, defaultdict
from typing import Any

from django.db.models import Case, Count, F, IntegerField, QuerySet, Value, When

from guifan.web.core import access
from guifan.web.measure.models import Evaluation, Result
from guifan.web.org.models import OrgUnit
from guifan.web.standards.models import category_name

# Results of the latest period first and, among periods that end together, the shortest (the month before the year
# that ends with it); a period without a start (everything up to its end) is the longest. Written out so that
# SQLite and PostgreSQL, which sort NULLs differently, agree.
LATEST_FIRST = (
    F("evaluation__end").desc(),
    F("evaluation__start").desc(nulls_last=True),
    F("evaluation__created").desc(),
)
OLDEST_FIRST = (  # the reverse: the latest, shortest period last
    F("evaluation__end").asc(),
    F("evaluation__start").asc(nulls_first=True),
    F("evaluation__created").asc(),
)
SHORTEST_FIRST_BY_END = (F("evaluation__end").asc(), F("evaluation__start").desc(nulls_last=True))

MONTH = re.compile(r"^\d{4}-\d{2}$")
STATUSES = ("pass", "warn", "fail", "no_data", "error")
SEVERITY_ORDER = {"critical": 0, "major": 1, "minor": 2}


def done_evaluations() -> QuerySet[Evaluation]:
    return Evaluation.objects.filter(state=Evaluation.State.DONE).order_by("-end", "-start", "-created")


def chosen_evaluation(evaluation_id: str | None) -> Evaluation | None:
    evaluations = done_evaluations()
    if evaluation_id and evaluation_id.isdigit():
        return evaluations.filter(pk=int(evaluation_id)).first()
    return evaluations.first()


def results_for(user: Any, evaluation: Evaluation) -> QuerySet[Result]:
    return evaluation.results.filter(access.scope_filter(user, "unit_id_snapshot"))


def status_counts(results: QuerySet[Result]) -> dict[str, Any]:
    counts = Counter(dict(results.values_list("status").annotate(n=Count("id")).values_list("status", "n")))
    measured = sum(counts[s] for s in ("pass", "warn", "fail", "error"))
    rate = (counts["pass"] + counts["warn"]) / measured if measured else None
    return {"counts": {s: counts[s] for s in STATUSES}, "total": sum(counts.values()), "rate": rate}


def _rows(pairs: list[tuple[Any, str, int]]) -> dict[Any, dict[str, int]]:
    table: dict[Any, dict[str, int]] = defaultdict(lambda: dict.fromkeys(STATUSES, 0))
    for key, status, n in pairs:
        table[key][status] += n
    return table


def _rate(counts: dict[str, int]) -> float | None:
    measured = counts["pass"] + counts["warn"] + counts["fail"] + counts["error"]
    return (counts["pass"] + counts["warn"]) / measured if measured else None


def by_category(results: QuerySet[Result]) -> list[dict[str, Any]]:
    pairs = list(
        results.values_list("category", "status").annotate(n=Count("id")).values_list("category", "status", "n")
    )
    table = _rows(pairs)
    from guifan.engine.pack.model import CATEGORIES

    return [
        {"category": c, "name": category_name(c), "counts": table[c], "rate": _rate(table[c])}
        for c in CATEGORIES
        if c in table
    ]


def by_unit(results: QuerySet[Result]) -> list[dict[str, Any]]:
    pairs = list(
        results.values_list("unit_id_snapshot", "status")
        .annotate(n=Count("id"))
        .values_list("unit_id_snapshot", "status", "n")
    )
    table = _rows(pairs)
    units = OrgUnit.objects.in_bulk([k for k in table if k is not None])
    rows = [
        {"unit": units.get(k), "counts": v, "rate": _rate(v)} for k, v in table.items() if k is not None and k in units
    ]
    return sorted(rows, key=lambda r: (r["rate"] if r["rate"] is not None else 2, str(r["unit"])))


def worst(results: QuerySet[Result], limit: int = 10) -> list[Result]:
    """Failures first by severity (critical, major, minor), then by the number of violations; sorted in SQL."""
    rank = Case(
        *(When(requirement__severity=severity, then=Value(order)) for severity, order in SEVERITY_ORDER.items()),
        default=Value(1),
        output_field=IntegerField(),
    )
    failing = results.filter(status__in=["fail", "error"]).select_related("requirement")
    failing = failing.defer("violating_keys", "details", "requirement__check_spec")
    return list(failing.annotate(rank=rank).order_by("rank", "-violations", "requirement_code")[:limit])


def trend_json(user: Any, months: int = 24) -> str:
    """Compliance per month (evaluations labelled YYYY-MM), overall and per category, in one grouped query."""
    evaluations = [e for e in done_evaluations().order_by("-end")[: months * 3] if MONTH.match(e.label)]
    chosen = {e.pk: e.label for e in sorted(evaluations, key=lambda e: e.end)[-months:]}
    rows = (
        Result.objects.filter(evaluation_id__in=chosen)
        .filter(access.scope_filter(user, "unit_id_snapshot"))
        .values_list("evaluation_id", "category", "status")
        .annotate(n=Count("id"))
        .values_list("evaluation_id", "category", "status", "n")
    )
    overall: dict[int, dict[str, int]] = defaultdict(lambda: dict.fromkeys(STATUSES, 0))
    per_category: dict[str, dict[int, dict[str, int]]] = defaultdict(
        lambda: defaultdict(lambda: dict.fromkeys(STATUSES, 0))
    )
    for evaluation_id, category, status, n in rows:
        overall[evaluation_id][status] += n
        per_category[category][evaluation_id][status] += n
    ids = list(chosen)
    series = {
        category_name(c): [_rate(counts[i]) if i in counts else None for i in ids] for c, counts in per_category.items()
    }
    data = {"labels": list(chosen.values()), "overall": [_rate(overall[i]) for i in ids], "categories": series}
    return json.dumps(data, ensure_ascii=False)
