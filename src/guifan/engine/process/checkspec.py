"""A ``sequence`` check written from a process definition: the steps in order, the start and end steps, each
step's duration limit and the case limit, and each step's responsible position as its role.

The spec is plain pack data (what a requirement's ``check:`` holds), so it is reviewed as YAML and validated
by the same model as any other check before it is used. See docs/processes.md, "A check from the definition".
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass
from itertools import pairwise
from typing import Any

from guifan.engine.pack.process import Process

CASE_COLUMNS = ("case_id", "case", "caseid", "case:concept:name", "case_key")
ACTIVITY_COLUMNS = ("activity", "concept:name", "activity_name", "event")
ROLE_COLUMNS = ("role", "org:role")


@dataclass(frozen=True)
class LogColumns:
    """Which columns of the event log hold the case, the activity and (when it has one) the role."""

    case: str
    activity: str
    role: str | None = None


def log_columns(columns: Collection[str], checks: Iterable[Mapping[str, Any]] = ()) -> LogColumns:
    """The event log's case, activity and role columns: those that ``sequence`` checks already written on this
    log use (``checks``, their specs), else the usual names (case_id, activity, role; the XES names
    case:concept:name, concept:name, org:role). ValueError naming the columns when no case or activity column
    is found."""
    present = set(columns)
    written = [c for c in checks if c.get("kind") == "sequence" and {c.get("case"), c.get("activity")} <= present]
    if written:
        role = next((c["role"] for c in written if c.get("role") in present), None)
        return LogColumns(str(written[0]["case"]), str(written[0]["activity"]), role)
    lowered = {c.lower(): c for c in columns}

    def find(names: tuple[str, ...]) -> str | None:
        return next((lowered[n] for n in names if n in lowered), None)

    case, activity = find(CASE_COLUMNS), find(ACTIVITY_COLUMNS)
    if case is None or activity is None:
        missing = "case" if case is None else "activity"
        names = CASE_COLUMNS if case is None else ACTIVITY_COLUMNS
        raise ValueError(
            f"the event log has no {missing} column (looked for {', '.join(names)}; "
            f"it has {', '.join(columns) or 'no columns'}); write a sequence check on it naming its case: column"
        )
    return LogColumns(case, activity, find(ROLE_COLUMNS))


def sequence_check(process: Process, columns: LogColumns) -> dict[str, Any]:
    """The ``sequence`` check that measures whether each case follows ``process``.

    - ``order`` of the steps, optional ones marked ``?``, or ``existence`` of a single step;
    - ``init`` / ``end`` for a start / end step; with an end step only finished cases (those that reached it)
      are judged (``completed_by``), since a running case has not reached its later steps yet;
    - ``within`` from the previous step to each step that has a limit, ``case_within`` for the case limit,
      in the process's work calendar when it is measured in business time; not for a limit on or from an
      optional step, since ``within`` would count a case that skipped it as late;
    - ``by_role`` from each step's responsible position, when the log has a role column.

    ValueError when the process names no event log or has no steps.
    """
    if not process.dataset:
        raise ValueError(f"process {process.id} names no event log (dataset)")
    if not process.steps:
        raise ValueError(f"process {process.id} has no steps")
    last = process.steps[-1]
    roles = {s.activity: s.role for s in process.steps if s.role} if columns.role is not None else {}
    check: dict[str, Any] = {"kind": "sequence", "dataset": process.dataset, "case": columns.case,
                             "activity": columns.activity}  # fmt: skip
    if roles:
        check["role"] = columns.role
    if process.clock == "business" and process.calendar:
        check["calendar"] = process.calendar
    if last.type == "end":
        check["completed_by"] = last.activity
    constraints = _path(process) + _limits(process)
    if roles:
        constraints.append({"by_role": roles})
    check["constraints"] = constraints
    check["target"] = "= 100%"
    return check


def _path(process: Process) -> list[dict[str, Any]]:
    """init, order (or existence of a single step) and end."""
    steps = process.steps
    activities = [f"{s.activity}?" if s.optional else s.activity for s in steps]
    out: list[dict[str, Any]] = [{"init": steps[0].activity}] if steps[0].type == "start" else []
    if len(activities) > 1:
        out.append({"order": activities})
    elif not steps[0].optional:
        out.append({"existence": steps[0].activity})
    if steps[-1].type == "end":
        out.append({"end": steps[-1].activity})
    return out


def _limits(process: Process) -> list[dict[str, Any]]:
    """within from the previous step to each step with a limit, and case_within for the case limit."""
    out: list[dict[str, Any]] = [
        {"within": {"from": previous.activity, "to": step.activity, "limit": step.limit.source}}
        for previous, step in pairwise(process.steps)
        if step.limit is not None and not step.optional and not previous.optional
    ]
    if process.limit is not None:
        out.append({"case_within": process.limit.source})
    return out
