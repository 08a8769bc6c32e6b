"""Definition against reality: per step of a process definition, how often it occurs in the event log and how
long it takes from the previous step, next to its limit.

The cases are those whose first event falls in the period (as the ``sequence`` kind counts them), each judged
on all its events. For a step and the step before it in the definition, the time is measured from the
previous step's first event to this step's first event at or after it (the clock of ``within`` for the first
``from`` event); cases without both are not measured. One DuckDB query finds the first times; durations are
then measured in wall-clock or business time (:class:`~guifan.engine.process.rules.Clock`) with numpy.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from uuid import uuid4

import duckdb
import numpy as np
import pyarrow as pa

from guifan.engine.process.rules import WALL, Clock
from guifan.engine.sql import quote_ident
from guifan.engine.values import Duration


@dataclass(frozen=True)
class StepStat:
    """One step of the definition as the log shows it."""

    activity: str
    cases: int  # cases that have the step
    share: float | None  # cases / all cases (None without cases)
    measured: int  # cases where the step comes at or after the previous step (0 for the first step)
    median_seconds: float | None  # median time from the previous step, in the clock's seconds
    limit_seconds: float | None  # the step's limit in the same seconds
    within_limit: int | None  # measured cases within the limit (None without a limit)

    @property
    def within_share(self) -> float | None:
        return self.within_limit / self.measured if self.within_limit is not None and self.measured else None


@dataclass(frozen=True)
class StepStats:
    cases: int  # the cases whose first event falls in the period
    steps: tuple[StepStat, ...]


@dataclass(frozen=True)
class StepSpec:
    """A step as the definition writes it: its activity, and its limit from the previous step."""

    activity: str
    limit: Duration | None = None


def step_stats(
    con: duckdb.DuckDBPyConnection,
    relation: str,
    *,
    case: str,
    activity: str,
    time: str,
    steps: Sequence[StepSpec],
    start: datetime | None = None,
    end: datetime | None = None,
    clock: Clock = WALL,
) -> StepStats:
    """The step statistics of ``steps`` over the event log in ``relation`` (a table or view of ``con``), for
    the cases that begin in [start, end) (every case when both are None)."""
    name = f"__guifan_steps_{uuid4().hex}"
    con.register(name, pa.table({"i": list(range(len(steps))), "a": [s.activity for s in steps]}))
    try:
        total, counts, pairs = _query(con, relation, name, case, activity, time, start, end)
    finally:
        con.unregister(name)
    out = []
    for i, step in enumerate(steps):
        found = int(counts.get(i, 0))
        at = pairs["i"] == i
        elapsed = clock.elapsed(pairs["t0"][at], pairs["t1"][at]) if at.any() else np.zeros(0)
        limit = clock.limit(step.limit) if step.limit is not None and i > 0 else None
        out.append(StepStat(
            activity=step.activity, cases=found, share=found / total if total else None, measured=len(elapsed),
            median_seconds=float(np.median(elapsed)) if len(elapsed) else None, limit_seconds=limit,
            within_limit=int(np.count_nonzero(elapsed <= limit)) if limit is not None else None,
        ))  # fmt: skip
    return StepStats(total, tuple(out))


def _query(
    con: duckdb.DuckDBPyConnection,
    relation: str,
    steps: str,
    case: str,
    activity: str,
    time: str,
    start: datetime | None,
    end: datetime | None,
) -> tuple[int, Mapping[int, int], dict[str, Any]]:
    c, a, t = (quote_ident(x) for x in (case, activity, time))
    conditions: list[str] = []
    params: list[object] = []
    if start is not None:
        conditions.append("min(t) >= ?")
        params.append(start)
    if end is not None:
        conditions.append("min(t) < ?")
        params.append(end)
    having = f"HAVING {' AND '.join(conditions)}" if conditions else ""
    sql = f"""
        WITH ev AS (
            SELECT CAST({c} AS VARCHAR) AS c, CAST({a} AS VARCHAR) AS a, CAST({t} AS TIMESTAMPTZ) AS t
            FROM {quote_ident(relation)} WHERE {c} IS NOT NULL AND {a} IS NOT NULL AND {t} IS NOT NULL),
        cases AS (SELECT c FROM ev GROUP BY c {having}),
        firsts AS (
            SELECT ev.c, s.i, min(ev.t) AS t FROM ev JOIN cases USING (c) JOIN {quote_ident(steps)} s USING (a)
            GROUP BY ev.c, s.i),
        pairs AS (
            SELECT p.i + 1 AS i, p.t AS t0, min(ev.t) AS t1
            FROM firsts p JOIN {quote_ident(steps)} s ON s.i = p.i + 1
            JOIN ev ON ev.c = p.c AND ev.a = s.a AND ev.t >= p.t
            GROUP BY p.c, p.i, p.t)
        SELECT 0 AS part, (SELECT count(*) FROM cases) AS i, NULL::BIGINT AS t0, NULL::BIGINT AS t1
        UNION ALL SELECT 1, i, count(*), NULL FROM firsts GROUP BY i
        UNION ALL SELECT 2, i, epoch_us(t0), epoch_us(t1) FROM pairs
    """
    table = con.sql(sql, params=params or None).to_arrow_table()
    part = np.asarray(table.column("part").to_numpy(), dtype=np.int64)
    index = np.asarray(table.column("i").to_numpy(), dtype=np.int64)
    t0 = np.asarray(table.column("t0").fill_null(0).to_numpy(), dtype=np.int64)
    t1 = np.asarray(table.column("t1").fill_null(0).to_numpy(), dtype=np.int64)
    total = int(index[part == 0][0])
    counts = dict(zip(index[part == 1].tolist(), t0[part == 1].tolist(), strict=True))
    pairs = {"i": index[part == 2], "t0": t0[part == 2], "t1": t1[part == 2]}
    return total, counts, pairs


def business_clock(calendar: Mapping[str, Any], name: str, timezone: str) -> Clock:
    """Business time in a work calendar (as a pack writes it): a day is one working day, a week one working
    week."""
    from guifan.engine.calendars import WorkCalendar

    work = WorkCalendar.from_spec(calendar, default_timezone=timezone, name=name)

    def elapsed(starts: np.ndarray[Any, np.dtype[np.int64]], ends: np.ndarray[Any, np.dtype[np.int64]]) -> Any:
        return np.asarray(work.business_us(starts, ends) / 1e6, dtype=np.float64)

    return Clock(elapsed, day=work.day_seconds, week=work.week_seconds)
