"""Process discovery and case timelines for sequence results: which results a user may open, and the engine's
answers shaped for pages and the API.

Every answer reads the requirement's event log again for the result's period through the engine
(:func:`guifan.engine.process.cases.judged_log`), on today's catalogue and data, as the violating records of a
result are read.
"""

from __future__ import annotations

import atexit
import hashlib
import json
import tempfile
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa
from django.conf import settings
from django.db.models import F, QuerySet
from django.http import Http404

from guifan.engine import load_pack
from guifan.engine.periods import Period
from guifan.engine.process.cases import WHICH, CaseTimeline, JudgedLog, Which, judged_log
from guifan.engine.process.discovery import Discovery
from guifan.web.core import access
from guifan.web.measure.models import Evaluation, Result
from guifan.web.measure.queries import LATEST_FIRST, OLDEST_FIRST
from guifan.web.process.judged_cache import JudgedLogs
from guifan.web.standards.models import Requirement

TOP = 25  # variants listed
CASES_LISTED = 200  # cases listed for a variant
THRESHOLDS = (0.0, 0.01, 0.02, 0.05, 0.1, 0.2)  # hide edges taken by fewer than this share of the cases


def sequence_results(user: Any) -> QuerySet[Result]:
    """The sequence results the user may see (scoped as results are), of finished evaluations."""
    scoped = Result.objects.filter(access.scope_filter(user, "unit_id_snapshot"))
    return scoped.filter(kind="sequence", evaluation__state=Evaluation.State.DONE)


def result_for(user: Any, requirement: str, evaluation: str | int | None) -> Result:
    """The requirement's result in the evaluation (its latest finished one by default); 404 when the user may not
    see it or there is none."""
    results = sequence_results(user).filter(requirement_code=requirement).select_related("evaluation")
    if evaluation not in (None, ""):
        try:
            results = results.filter(evaluation_id=int(str(evaluation)))
        except ValueError as exc:
            raise Http404 from exc
    result = results.order_by(*LATEST_FIRST).first()
    if result is None:
        raise Http404
    return result


def sequence_requirements(user: Any) -> list[dict[str, Any]]:
    """The effective catalogue's sequence requirements the user may see, each with its latest finished result."""
    requirements = (
        Requirement.objects.filter(version__standard__current=F("version"), check_spec__kind="sequence")
        .filter(access.scope_filter(user, "version__standard__owner_unit"))
        .select_related("version__standard")
        .order_by("version__standard__code", "position")
    )
    latest: dict[str, Result] = {}
    for r in sequence_results(user).select_related("evaluation").order_by(*OLDEST_FIRST):
        latest[r.requirement_code] = r  # the last one wins: the latest, shortest period
    rows = []
    for req in requirements:
        spec = req.check_spec or {}
        rows.append(
            {
                "requirement": req,
                "standard": req.version.standard,
                "dataset": spec.get("dataset", ""),
                "constraints": len(spec.get("constraints") or []),
                "result": latest.get(req.code),
            }
        )
    return rows


def evaluations_of(user: Any, requirement: str) -> QuerySet[Result]:
    """The requirement's finished results the user may see, latest period first (for choosing a period)."""
    results = sequence_results(user).filter(requirement_code=requirement).select_related("evaluation")
    return results.order_by(*LATEST_FIRST)


def which_of(value: str | None) -> Which:
    for which in WHICH:
        if value == which:
            return which
    return "all"


JUDGED = JudgedLogs(getattr(settings, "GUIFAN_JUDGED_LOGS_KEPT", 4))
atexit.register(JUDGED.clear)  # close the kept connections before DuckDB goes away


@contextmanager
def judged(result: Result) -> Iterator[JudgedLog]:
    """The result's requirement judged again for its period (on today's catalogue and data).

    The judgement is kept (:data:`JUDGED`) by a fingerprint of the pack that judges it, the period and the
    dataset file's size and modification time, so the next page about the same period is served without
    reading the data again, and a changed check, dataset or file is judged afresh."""
    evaluation = result.evaluation
    period = Period(evaluation.start, evaluation.end, evaluation.label)
    own = _own_pack(result.requirement_code)
    fingerprint = _fingerprint(own, period) if own is not None else None
    if own is None or fingerprint is None:  # the app's own datasets, or no such file: judged as it is, not kept
        with ExitStack() as stack:
            yield _open_catalogue(stack, result.requirement_code, period)
        return
    data = own[0]
    with JUDGED.use(fingerprint, lambda stack: _open_own(stack, data, result.requirement_code, period)) as log:
        yield log


def _own_pack(requirement: str) -> tuple[dict[str, Any], str] | None:
    """The smallest pack that judges the requirement as the catalogue would
    (:func:`~guifan.web.measure.services.narrowed_pack_data`), and its event log's file. None when the check
    reads one of the app's own datasets (written per request) or its log has no file."""
    from guifan.web.measure.services import narrowed_pack_data, reads_app_data

    data = narrowed_pack_data(requirement)
    if not data["standards"] or reads_app_data(data):
        return None
    check = data["standards"][0]["requirements"][0].get("check")
    source = data["datasets"].get(check.get("dataset")) if isinstance(check, dict) else None
    if source is None or not source.get("source"):
        return None
    return data, str(source["source"])


def _fingerprint(own: tuple[dict[str, Any], str], period: Period) -> str | None:
    data, path = own
    try:
        stat = Path(path).stat()
    except OSError:
        return None
    about = {
        "pack": data,
        "period": [period.start, period.end, period.label],
        "file": [path, stat.st_mtime_ns, stat.st_size],
    }
    return hashlib.sha256(json.dumps(about, sort_keys=True, default=str).encode()).hexdigest()


def _open_own(stack: ExitStack, data: dict[str, Any], requirement: str, period: Period) -> JudgedLog:
    from guifan.web.standards.packs import dump_yaml

    folder = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="guifan-discovery-")))
    (folder / "pack.yaml").write_text(dump_yaml(data), encoding="utf-8")
    return stack.enter_context(judged_log(load_pack(folder), requirement, period))


def _open_catalogue(stack: ExitStack, requirement: str, period: Period) -> JudgedLog:
    from guifan.web.measure.services import write_pack

    folder = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="guifan-discovery-")))
    return stack.enter_context(judged_log(write_pack(folder), requirement, period))


@dataclass
class VariantRow:
    rank: int
    id: str
    activities: tuple[str, ...]
    cases: int
    share: float
    median_duration_s: float
    deviating: int  # of its cases, those that break a constraint

    @property
    def conforming(self) -> int:
        return self.cases - self.deviating


@dataclass
class DiscoveryData:
    """What the discovery page and its API show."""

    which: Which
    discovery: Discovery
    total_cases: int  # all the period's judged cases
    deviating_cases: int
    variants: list[VariantRow]
    business: bool
    day_s: float
    calendar: str | None
    variant: VariantRow | None = None
    variant_cases: list[tuple[str, bool]] = field(default_factory=list)  # (key, conforms)
    variant_cases_total: int = 0
    deviating_only: bool = False  # variant_cases lists only the variant's deviating cases


def discovery_data(
    result: Result, which: Which, *, top: int | None = TOP, variant: str | None = None, deviating_only: bool = False
) -> DiscoveryData:
    with judged(result) as log:
        found = log.discover(which, top=None if variant else top)
        rows = _variant_rows(log, found)
        data = DiscoveryData(
            which=which,
            discovery=found,
            total_cases=log.n_cases,
            deviating_cases=int(np.count_nonzero(log.deviating)),
            variants=rows[:top] if top is not None else rows,
            business=log.business,
            day_s=log.clock.day,
            calendar=log.spec.calendar,
        )
        if variant:
            data.variant = next((row for row in rows if row.id == variant), None)
            if data.variant is not None:
                numbers = found.cases_of(variant)
                keys = [str(k) for k in log.fetched.keys.take(pa.array(numbers, type=pa.int64())).to_pylist()]
                pairs = sorted(zip(keys, (~log.deviating[numbers]).tolist(), strict=True))
                if deviating_only:
                    pairs = [(key, conforms) for key, conforms in pairs if not conforms]
                data.deviating_only = deviating_only
                data.variant_cases_total = len(pairs)
                data.variant_cases = pairs[:CASES_LISTED]
        return data


def _variant_rows(log: JudgedLog, found: Discovery) -> list[VariantRow]:
    chosen = found.variant_of >= 0
    deviating = np.bincount(found.variant_of[chosen], weights=log.deviating[chosen], minlength=found.n_variants)
    return [
        VariantRow(i + 1, v.id, v.activities, v.cases, v.share, v.median_duration_s, int(deviating[i]))
        for i, v in enumerate(found.variants)
    ]


def case_data(result: Result, key: str) -> tuple[CaseTimeline | None, dict[str, Any]]:
    """One case's timeline, and about its clock and its variant (how many cases of the period follow it)."""
    with judged(result) as log:
        timeline = log.timeline(key)
        about: dict[str, Any] = {"business": log.business, "day_s": log.clock.day, "calendar": log.spec.calendar}
        if timeline is not None:
            found = log.discover("all", top=0)
            number = log.number_of(key)
            assert number is not None
            rank = int(found.variant_of[number])
            about["variant_cases"] = int(np.count_nonzero(found.variant_of == rank))
            about["variant_rank"] = rank + 1
            about["cases"] = log.n_cases
        return timeline, about


def duration_text(seconds: float | None, day_s: float = 86_400) -> str:
    """A duration in the largest unit that keeps it readable: s, min, h, or days (of ``day_s`` seconds: a
    working day in business time)."""
    if seconds is None:
        return "—"
    if seconds < 60:
        return f"{seconds:.0f} s"
    if seconds < 3600:
        return f"{seconds / 60:.0f} min"
    if seconds < day_s:
        return f"{seconds / 3600:.1f} h"
    return f"{seconds / day_s:.1f} d"
