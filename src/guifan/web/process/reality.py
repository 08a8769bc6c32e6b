"""Definition against reality on a process page: per step, how often the event log of the latest evaluated
period has it and how long it took from the previous step (guifan.engine.process.stepstats)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.utils.translation import gettext as _

from guifan.engine import InputError
from guifan.engine.process.checkspec import log_columns
from guifan.engine.process.rules import WALL, Clock
from guifan.engine.process.stepstats import StepSpec, StepStat, business_clock, step_stats
from guifan.engine.values import Duration
from guifan.web.core.models import Catalogue
from guifan.web.measure.models import DataSource, Evaluation
from guifan.web.process.models import Clock as ClockChoice
from guifan.web.process.models import Process
from guifan.web.standards.models import Requirement


@dataclass(frozen=True)
class StepRow:
    stat: StepStat
    median: str  # the median time from the previous step, as people read it
    late: bool  # the median is over the step's limit


@dataclass(frozen=True)
class Reality:
    period: str  # the evaluation's label, or "" for the whole log
    cases: int
    rows: dict[str, StepRow]  # by activity
    problem: str = ""


def _latest_period() -> Evaluation | None:
    """The latest evaluated period (the shortest one when several end together, e.g. a month in a year)."""
    return Evaluation.objects.filter(state="done", start__isnull=False).order_by("-end", "-start").first()


def _clock(process: Process, catalogue: Catalogue) -> Clock:
    calendars = catalogue.calendars or {}
    if process.clock == ClockChoice.BUSINESS and process.calendar in calendars:
        return business_clock(calendars[process.calendar], process.calendar, catalogue.timezone)
    return WALL


def _label(seconds: float | None, clock: Clock) -> str:
    if seconds is None:
        return ""
    if seconds >= clock.day:
        return f"{seconds / clock.day:.1f} {_('d')}"
    if seconds >= 3600:
        return f"{seconds / 3600:.1f} {_('h')}"
    return f"{seconds / 60:.0f} {_('min')}"


def reality(process: Process) -> Reality | None:
    """The step statistics, or None when the process names no event log; a problem reading it is reported
    in ``problem`` rather than raised, so the definition page always opens."""
    if not process.dataset:
        return None
    evaluation = _latest_period()
    label = evaluation.label if evaluation else ""
    source = DataSource.objects.filter(name=process.dataset).first()
    if source is None:
        return Reality(label, 0, {}, _("The event log %(d)s is not registered.") % {"d": process.dataset})
    try:
        return _measure(process, source, evaluation)
    except (InputError, ValueError) as exc:
        problems = getattr(exc, "problems", None)
        return Reality(label, 0, {}, " ".join(str(p) for p in problems) if problems else str(exc))


def _measure(process: Process, source: DataSource, evaluation: Evaluation | None) -> Reality:
    import duckdb

    from guifan.engine.datasets import load_dataset, probe_schema
    from guifan.engine.pack.dataset import DatasetSpec

    catalogue = Catalogue.current()
    spec = DatasetSpec.model_validate({**source.spec, "source": source.path})
    schema = probe_schema(source.name, spec, Path("/"))
    written = Requirement.objects.filter(check_spec__kind="sequence", check_spec__dataset=process.dataset)
    columns = log_columns(list(schema.columns), [r.check_spec for r in written.order_by("-id")[:50]])
    time = spec.time or next((c for c, kind in schema.columns.items() if kind == "timestamp"), None)
    if time is None:
        raise ValueError(_("The event log %(d)s has no time column.") % {"d": source.name})
    steps = [StepSpec(s.activity, Duration.parse(s.limit) if s.limit else None) for s in process.steps.all()]
    clock = _clock(process, catalogue)
    con = duckdb.connect(":memory:")
    try:
        load_dataset(con, "log", source.name, spec, Path("/"), catalogue.timezone,
                     columns=[columns.case, columns.activity, time])  # fmt: skip
        start, end = (evaluation.start, evaluation.end) if evaluation else (None, None)
        stats = step_stats(con, "log", case=columns.case, activity=columns.activity, time=time, steps=steps,
                           start=start, end=end, clock=clock)  # fmt: skip
    finally:
        con.close()
    rows = {
        s.activity: StepRow(s, _label(s.median_seconds, clock), _late(s))
        for s in stats.steps
    }  # fmt: skip
    return Reality(evaluation.label if evaluation else "", stats.cases, rows)


def _late(stat: StepStat) -> bool:
    return (
        stat.median_seconds is not None and stat.limit_seconds is not None and stat.median_seconds > stat.limit_seconds
    )


def as_context(found: Reality | None, steps: list[Any]) -> list[tuple[Any, StepRow | None]]:
    """The steps with their row (None when the log was not read)."""
    rows = found.rows if found else {}
    return [(step, rows.get(step.activity)) for step in steps]
