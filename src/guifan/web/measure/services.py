"""Evaluations: build the catalogue's pack, run the engine over periods, keep the results.

Runs happen in a background thread of the web process (the embedded default: no extra server), or in the
calling thread when ``GUIFAN_EVAL_SYNC`` is set (tests, the demo loader, the CLI).
"""

from __future__ import annotations

import os
import tempfile
import threading
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import close_old_connections, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from guifan.engine import evaluate_periods, load_pack
from guifan.engine.errors import InputError
from guifan.engine.periods import Period
from guifan.engine.results import Evaluation as EngineEvaluation
from guifan.web.core import access
from guifan.web.core.audit import record
from guifan.web.measure import app_data
from guifan.web.measure.models import Evaluation, GroupResult, Result
from guifan.web.standards.models import Requirement, Standard
from guifan.web.standards.packs import dump_yaml, measured_version, pack_data

_EXECUTOR = ThreadPoolExecutor(max_workers=1, thread_name_prefix="guifan-eval")
_LOCK = threading.Lock()


def _sync() -> bool:
    return bool(os.environ.get("GUIFAN_EVAL_SYNC"))


@transaction.atomic
def start(actor: Any, periods: Sequence[Period]) -> list[Evaluation]:
    """Queue one evaluation per period and start running them."""
    if not access.can_run_evaluations(actor):
        raise PermissionDenied(_("You may not run evaluations."))
    evaluations = [
        Evaluation.objects.create(label=p.label, start=p.start, end=p.end, started_by=actor) for p in periods
    ]
    for evaluation in evaluations:
        record(actor, "start evaluation", evaluation, after={"period": evaluation.label})
    ids = [e.pk for e in evaluations]
    if _sync():
        transaction.on_commit(lambda: run(ids, periods))
    else:
        transaction.on_commit(lambda: _EXECUTOR.submit(_run_in_thread, ids, list(periods)))
    return evaluations


def _run_in_thread(ids: list[int], periods: list[Period]) -> None:
    close_old_connections()
    try:
        run(ids, periods)
    finally:
        close_old_connections()


def run(ids: Sequence[int], periods: Sequence[Period]) -> None:
    """Evaluate the catalogue over ``periods`` (data read once) and store a result per requirement."""
    with _LOCK, tempfile.TemporaryDirectory(prefix="guifan-eval-") as tmp:
        Evaluation.objects.filter(pk__in=ids).update(state=Evaluation.State.RUNNING)
        try:
            loaded = write_pack(Path(tmp))
            total = len(loaded.pack.requirements())
            Evaluation.objects.filter(pk__in=ids).update(total=total)
            outcomes = _evaluate(loaded, ids, periods)
        except InputError as exc:
            _fail(ids, str(exc))
            return
        except Exception as exc:  # a run must end in a state the user can see, whatever happened
            _fail(ids, f"{type(exc).__name__}: {exc}")
            raise
        for evaluation_id, outcome in zip(ids, outcomes, strict=True):
            store(evaluation_id, outcome)


def write_pack(folder: Path, only: str | None = None) -> Any:
    """The catalogue as a pack in ``folder``, with the app's own datasets added, loaded by the engine.

    ``only`` (a requirement code) narrows it to what re-measuring that one requirement needs
    (:func:`narrowed_pack_data`), at a fraction of the cost of writing and parsing the whole catalogue.

    Hook: subgroups excluded on the quality app's chart pages go into their spc checks' ``exclude`` here, so
    every evaluation and every drawn chart leaves them out of the limits (``guifan.web.quality.services``)."""
    from guifan.web.quality.services import add_exclusions

    data = add_exclusions(pack_data(sources="absolute")) if only is None else narrowed_pack_data(only)
    if only is None or reads_app_data(data):
        for name, spec in app_data.write(folder / "app").items():
            data["datasets"].setdefault(name, spec)
    (folder / "pack.yaml").write_text(dump_yaml(data), encoding="utf-8")
    return load_pack(folder)


def narrowed_pack_data(requirement: str) -> dict[str, Any]:
    """Pack data (absolute sources) that measures ``requirement`` exactly as the catalogue does: the catalogue's
    time zone and calendars, the standard holding it with only that requirement (its spc exclusions applied),
    and the catalogue's datasets its check names. The app's own datasets are not in it (see
    :func:`reads_app_data`). The one place pages that re-measure a single result get their pack from."""
    from guifan.web.quality.services import add_exclusions, standard_of

    standard = standard_of(requirement)
    data = pack_data(standard.category if standard else None, sources="absolute")
    data.pop("processes", None)  # they name standards a narrowed pack leaves out
    standards = []
    for item in data["standards"]:
        kept = [r for r in item.get("requirements", []) if r.get("id") == requirement]
        if kept:
            standards.append({**item, "requirements": kept})
    named = {name for item in standards for r in item["requirements"] for name in _strings(r.get("check"))}
    data["standards"] = standards
    data["datasets"] = {name: spec for name, spec in data["datasets"].items() if name in named}
    return add_exclusions(data)


def reads_app_data(data: dict[str, Any]) -> bool:
    """Whether some check of ``data`` names one of the app's own datasets."""
    names = {app_data.STANDARDS, app_data.RACI}
    return any(names & _strings(r.get("check")) for s in data["standards"] for r in s.get("requirements", []))


def _strings(value: Any) -> set[str]:
    """Every string in a check spec (dataset names are among them, wherever the kind puts them)."""
    if isinstance(value, str):
        return {value}
    if isinstance(value, dict):
        return set().union(*(_strings(v) for v in value.values())) if value else set()
    if isinstance(value, list):
        return set().union(*(_strings(v) for v in value)) if value else set()
    return set()


def _evaluate(loaded: Any, ids: Sequence[int], periods: Sequence[Period]) -> tuple[EngineEvaluation, ...]:
    position = [0]  # which period the engine is on: it reports done == total at the end of each

    def progress(done: int, total: int, _what: str) -> None:
        Evaluation.objects.filter(pk=ids[min(position[0], len(ids) - 1)]).update(progress=done)
        if total and done == total:
            position[0] += 1

    return evaluate_periods(loaded, list(periods), sample=200, progress=progress)


def _fail(ids: Sequence[int], message: str) -> None:
    Evaluation.objects.filter(pk__in=ids).update(state=Evaluation.State.FAILED, error=message, finished=timezone.now())


@transaction.atomic
def store(evaluation_id: int, outcome: EngineEvaluation) -> None:
    """Replace the evaluation's results with the engine's outcome."""
    evaluation = Evaluation.objects.select_for_update().get(pk=evaluation_id)
    evaluation.results.all().delete()
    requirements = _requirement_index()
    rows: list[Result] = []
    for r in outcome.results:
        requirement, standard = requirements.get(r.requirement, (None, None))
        rows.append(
            Result(
                evaluation=evaluation,
                requirement=requirement,
                standard=standard,
                standard_code=r.standard,
                requirement_code=r.requirement,
                category=r.category,
                unit_id_snapshot=standard.owner_unit_id if standard else None,
                kind=r.kind or "",
                status=r.status,
                value=r.value,
                unit=r.unit,
                target=r.target or "",
                population=r.population,
                violations=r.violations,
                violating_keys=list(r.violating_keys),
                violating_keys_truncated=r.violating_keys_truncated,
                details=r.details,
                message=r.message,
            )
        )
    Result.objects.bulk_create(rows)
    groups = [
        GroupResult(
            result=row, by=g.by, status=g.status, value=g.value, population=g.population, violations=g.violations
        )
        for row, r in zip(rows, outcome.results, strict=True)
        for g in r.groups
    ]
    GroupResult.objects.bulk_create(groups)
    evaluation.state = Evaluation.State.DONE
    evaluation.progress = evaluation.total = len(rows)
    evaluation.warnings = list(outcome.warnings)
    evaluation.finished = timezone.now()
    evaluation.save()


def _requirement_index() -> dict[str, tuple[Any, Standard]]:
    """Requirement code -> (requirement of the measured version, standard), in two queries."""
    standards = {s.pk: s for s in Standard.objects.select_related("current")}
    versions = {v.pk: v for s in standards.values() if (v := measured_version(s)) is not None}
    requirements = Requirement.objects.filter(version_id__in=versions)
    return {r.code: (r, standards[versions[r.version_id].standard_id]) for r in requirements}
