"""``sequence``: every case of an event log follows the process standard (Declare constraints, step order, time
limits, separation of duties, roles). The value is the share of cases that conform to every constraint; the
violations are the cases that break at least one. See docs/sequence.md.

One query fetches the period's cases' events (:mod:`guifan.engine.process.fetch`); they become integer-coded
numpy arrays sorted by case, time and file row, on which :mod:`guifan.engine.process` evaluates the constraints.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, tzinfo
from typing import Annotated, Any, ClassVar, Literal

import numpy as np
import pyarrow as pa
from pydantic import Field, WithJsonSchema

from guifan.engine.checks.base import CheckContext, CheckSpec, GroupOutcome, Issue, Outcome, SchemaView
from guifan.engine.checks.common import (
    column_issues,
    dataset_issues,
    expression_columns,
    expression_issues,
    json_value,
)
from guifan.engine.checks.registry import CheckKind, register
from guifan.engine.errors import did_you_mean
from guifan.engine.pack.base import StrList
from guifan.engine.process import TEMPLATES, WALL, Clock, Constraint, EventLog, Judgement, judge_all, parse_constraints
from guifan.engine.process.fetch import EventQuery, Fetched, business_clock
from guifan.engine.process.log import Bools

_CONSTRAINTS_SCHEMA: dict[str, Any] = {
    "type": "array",
    "minItems": 1,
    "description": "Declare templates and process rules, each a mapping with one template (see docs/sequence.md)",
    "items": {"type": "object", "minProperties": 1, "maxProperties": 1, "propertyNames": {"enum": list(TEMPLATES)}},
    "examples": [[{"init": "register"}, {"response": ["register", "notify"]}, {"order": ["A", "B", "C?", "D"]}]],
}

ConstraintList = Annotated[list[Any], WithJsonSchema(_CONSTRAINTS_SCHEMA)]


class SequenceSpec(CheckSpec):
    kind: Literal["sequence"]
    dataset: str = Field(description="the event log: one record per executed activity")
    case: str = Field(description="column naming the case (order, ticket, claim...) an event belongs to")
    activity: str = Field(description="column naming the activity")
    time: str | None = Field(None, description="column ordering the events; the dataset's time column by default")
    resource: str | None = Field(None, description="column naming who performed the event")
    role: str | None = Field(None, description="column naming the role in which it was performed")
    where: str | None = Field(None, description="keep only the events for which this is true")
    calendar: str | None = Field(None, description="measure time limits in this work calendar's business time")
    completed_by: StrList = Field(
        default_factory=list, description="judge only the cases that have one of these activities (finished cases)"
    )
    constraints: ConstraintList

    default_target: ClassVar[str | None] = "= 100%"


_NEEDS = {"different_resource": "resource", "by_role": "role"}


def validate(spec: SequenceSpec, schema: SchemaView) -> list[Issue]:
    issues = dataset_issues(schema, spec.dataset, ("dataset",))
    constraints, problems = parse_constraints(spec.constraints)
    issues += problems
    if issues:
        return issues
    for name in ("case", "activity", "time", "resource", "role"):
        column = getattr(spec, name)
        if column is not None:
            issues += column_issues(schema, spec.dataset, [column], (name,))
    issues += column_issues(schema, spec.dataset, spec.by, ("by",))
    issues += expression_issues(schema, spec.dataset, spec.where, ("where",))[1]
    issues += _time_issues(spec, schema)
    if spec.calendar is not None and not schema.has_calendar(spec.calendar):
        hint = did_you_mean(spec.calendar, schema.calendar_names()) or "declare it under calendars:"
        issues.append(Issue(("calendar",), f"unknown calendar {spec.calendar!r}", hint))
    for c in constraints:
        field = _NEEDS.get(c.template)
        if field is not None and getattr(spec, field) is None:
            issues.append(Issue(c.path, f"{c.template} needs the check's {field}: column", f"add {field}: COLUMN"))
    return issues


def _time_issues(spec: SequenceSpec, schema: SchemaView) -> list[Issue]:
    column = spec.time or schema.time_column(spec.dataset)
    if column is None:
        hint = "name the column that orders the events with time:"
        return [Issue(("time",), f"dataset {spec.dataset!r} has no time column", hint)]
    known = schema.columns(spec.dataset)
    kind = known.get(column) if known else None
    if kind is not None and kind not in ("timestamp", "date"):
        hint = "declare it as timestamp (or date) under the dataset's columns"
        return [Issue(("time",), f"column {column!r} is {kind}, not a timestamp", hint)]
    return []


def datasets(spec: SequenceSpec) -> list[str]:
    return [spec.dataset]


# --- evaluation -----------------------------------------------------------------------------------------


def evaluate(spec: SequenceSpec, ctx: CheckContext) -> Outcome:
    constraints, _ = parse_constraints(spec.constraints)
    roles = _uses(constraints, "by_role")
    query = EventQuery(ctx, spec, resources=_uses(constraints, "different_resource"), roles=roles)
    fetched = query.fetch()
    log = fetched.log
    warnings = query.skipped_rows(fetched) + _unknown_names(spec, constraints, log.activities, query)
    details: dict[str, Any] = {"events": log.n_events}
    if spec.completed_by:
        details["open_cases"] = fetched.open_cases
    if log.n_cases == 0:
        details["constraints"] = [_constraint_entry(c, None, [], False) for c in constraints]
        return Outcome(None, 0, 0, details=details, describe=_DESCRIBE, warnings=warnings)
    clock, now = _clock(spec, ctx), _micros(ctx.period_end)
    judgements = judge_all(log, constraints, clock, now)
    return _outcome(fetched, constraints, judgements, ctx, details, warnings)


_DESCRIBE = "of cases conform to every constraint"


def _uses(constraints: list[Constraint], template: str) -> bool:
    return any(c.template == template for c in constraints)


def _unknown_names(
    spec: SequenceSpec, constraints: list[Constraint], seen: tuple[str, ...], query: EventQuery
) -> list[str]:
    """A warning for every activity a constraint (or ``completed_by``) names that the whole log never has, with
    the closest names."""
    named = [(c.label, name) for c in constraints for name in c.activities]
    named += [("completed_by", name) for name in spec.completed_by]
    if all(name in seen for _, name in named):
        return []
    vocabulary = query.vocabulary()
    warnings = []
    for label, name in named:
        if name not in seen and name not in vocabulary:
            hint = did_you_mean(name, vocabulary)
            tail = f" ({hint})" if hint else ""
            warnings.append(f"{label}: dataset {spec.dataset} has no activity {name!r}{tail}")
    return warnings


_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


def _micros(instant: datetime) -> int:
    delta = instant - _EPOCH
    return (delta.days * 86_400 + delta.seconds) * 1_000_000 + delta.microseconds


def _clock(spec: SequenceSpec, ctx: CheckContext) -> Clock:
    """Wall-clock time, or business time in the check's work calendar."""
    return WALL if spec.calendar is None else business_clock(ctx, spec.calendar)


def _outcome(
    fetched: Fetched,
    constraints: list[Constraint],
    judgements: list[Judgement],
    ctx: CheckContext,
    details: dict[str, Any],
    warnings: list[str],
) -> Outcome:
    log = fetched.log
    broken = np.zeros(log.n_cases, dtype=np.bool_)
    for j in judgements:
        broken |= j.violated
    bad, truncated = _sample(fetched, broken, ctx.sample)
    entries = []
    for c, j in zip(constraints, judgements, strict=True):
        picked, more = _sample(fetched, j.violated, ctx.sample)
        entries.append(_constraint_entry(c, j, _keys(fetched, picked), more))
    details["constraints"] = entries
    details["cases"] = _deviations(fetched, constraints, judgements, bad, ctx.period_end.tzinfo)
    violations = int(np.count_nonzero(broken))
    return Outcome(
        value=(log.n_cases - violations) / log.n_cases,
        population=log.n_cases,
        violations=violations,
        violating_keys=_keys(fetched, bad),
        violating_keys_truncated=truncated,
        groups=_groups(fetched.groups, broken),
        details=details,
        describe=_DESCRIBE,
        warnings=warnings,
    )


def _sample(fetched: Fetched, violated: Bools, sample: int | None) -> tuple[list[int], bool]:
    """The violating case numbers in key order, at most ``sample`` of them, and whether there were more."""
    if not violated.any():
        return [], False
    in_key_order = fetched.key_order[np.flatnonzero(violated[fetched.key_order])]
    if sample is not None and len(in_key_order) > sample:
        return in_key_order[:sample].tolist(), True
    return in_key_order.tolist(), False


def _keys(fetched: Fetched, cases: list[int]) -> list[str]:
    return [str(k) for k in fetched.keys.take(pa.array(cases, type=pa.int64())).to_pylist()]


def _constraint_entry(c: Constraint, j: Judgement | None, keys: list[str], truncated: bool) -> dict[str, Any]:
    entry: dict[str, Any] = {
        "constraint": c.label,
        "violations": int(np.count_nonzero(j.violated)) if j else 0,
        "violating_keys": keys,
        "violating_keys_truncated": truncated,
        "activations": j.activations if j else 0,
        "fulfilled": j.fulfilled if j else 0,
        "fulfilment": j.fulfilment if j else None,
    }
    if c.template == "within":
        entry["pending"] = j.pending if j else 0
    return entry


def _deviations(
    fetched: Fetched, constraints: list[Constraint], judgements: list[Judgement], bad: list[int], zone: tzinfo | None
) -> list[dict[str, Any]]:
    """For each listed violating case, every constraint it breaks and the event where (when one shows it)."""
    found: list[list[dict[str, Any]]] = [[] for _ in bad]
    for c, j in zip(constraints, judgements, strict=True):
        for row, case in enumerate(bad):
            if j.violated[case]:
                found[row].append(_where(fetched.log, c, int(j.event[case]), case, zone))
    return [{"case": key, "deviations": d} for key, d in zip(_keys(fetched, bad), found, strict=True)]


def _where(log: EventLog, c: Constraint, event: int, case: int, zone: tzinfo | None) -> dict[str, Any]:
    if event < 0:
        return {"constraint": c.label, "event": None, "activity": None, "time": None}
    instant = (_EPOCH + timedelta(microseconds=int(log.time[event]))).astimezone(zone or UTC)
    return {
        "constraint": c.label,
        "event": int(event - log.starts[case]),
        "activity": log.activities[int(log.activity[event])],
        "time": instant.isoformat(),
    }


def _groups(values: pa.Table | None, broken: Bools) -> list[GroupOutcome]:
    """Counts per group of the ``by`` values of each case (taken from its first event)."""
    if values is None:
        return []
    by = values.column_names
    table = values.append_column("__bad", pa.array(broken.astype(np.int64)))
    counts = table.group_by(by, use_threads=False).aggregate([("__bad", "count"), ("__bad", "sum")])
    counts = counts.sort_by([(c, "ascending") for c in by])
    groups = []
    for row in counts.to_pylist():
        population, violations = int(row["__bad_count"]), int(row["__bad_sum"])
        value = (population - violations) / population if population else None
        groups.append(GroupOutcome({c: json_value(row[c]) for c in by}, value, population, violations))
    return groups


def columns(spec: SequenceSpec) -> dict[str, set[str]]:
    """The event log's case, activity, time, resource and role, the grouping columns and the filter's."""
    named = (spec.case, spec.activity, spec.time, spec.resource, spec.role)
    return {spec.dataset: {*(c for c in named if c), *spec.by, *expression_columns(spec.where)}}


register(
    CheckKind(
        name="sequence",
        spec=SequenceSpec,
        validate=validate,
        evaluate=evaluate,
        datasets=datasets,
        summary="every case of an event log follows the process: step order, duties, roles, time limits",
        columns=columns,
    )
)
