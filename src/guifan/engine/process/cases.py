"""The cases a ``sequence`` requirement judges in a period, judged again: for discovery and for one case's story.

A stored result keeps a sample of violating case keys; to show the process of all conforming or all deviating
cases, or where one case went wrong, the requirement's event log is read again for the period exactly as the
check reads it (:class:`~guifan.engine.process.fetch.EventQuery`: the same cases, events and order) and every
constraint is judged again on it.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from functools import cached_property
from pathlib import Path
from typing import Literal
from zoneinfo import ZoneInfo

import numpy as np
import pyarrow as pa

from guifan.engine.checks.sequence import SequenceSpec
from guifan.engine.errors import InputError
from guifan.engine.pack.loader import LoadedPack
from guifan.engine.periods import Period
from guifan.engine.process import WALL, Clock, Constraint, Judgement, judge_all, parse_constraints
from guifan.engine.process.discovery import Discovery, discover, variant_id
from guifan.engine.process.fetch import EventQuery, Fetched, business_clock
from guifan.engine.process.log import Bools, Ints
from guifan.engine.runner import DuckDBContext, LocalRunner
from guifan.engine.sql import quote_ident

Which = Literal["all", "conforming", "deviating"]
WHICH: tuple[Which, ...] = ("all", "conforming", "deviating")

_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


@dataclass(frozen=True)
class CaseEvent:
    """One event of a case, with the time since the previous event and since the case began (in the check's
    clock: business seconds with a calendar, else wall-clock), and the constraints that broke at it."""

    position: int  # 0 for the case's first event
    activity: str
    time: datetime
    resource: str | None
    role: str | None
    since_previous_s: float | None
    wall_since_previous_s: float | None
    since_start_s: float
    broken: tuple[str, ...]
    row: int  # the event's row in the source file


@dataclass(frozen=True)
class Deviation:
    """A constraint a case breaks, and the position of the event where (None when no event shows it)."""

    constraint: str
    position: int | None


@dataclass(frozen=True)
class CaseTimeline:
    key: str
    events: tuple[CaseEvent, ...]
    deviations: tuple[Deviation, ...]
    variant: tuple[str, ...]
    variant_id: str
    duration_s: float  # first to last event, in the check's clock

    @property
    def conforms(self) -> bool:
        return not self.deviations


class JudgedLog:
    """A sequence requirement's cases in one period, with every constraint judged on them."""

    def __init__(self, spec: SequenceSpec, ctx: DuckDBContext, clock: Clock, business: bool) -> None:
        self.spec = spec
        self.ctx = ctx
        self.clock = clock
        self.business = business  # durations are business time in the check's calendar
        self.constraints: list[Constraint] = parse_constraints(spec.constraints)[0]
        query = EventQuery(ctx, spec, resources=spec.resource is not None, roles=spec.role is not None)
        self.fetched: Fetched = query.fetch()
        log = self.fetched.log
        now = _micros(ctx.period_end)
        self.judgements: list[Judgement] = judge_all(log, self.constraints, clock, now) if log.n_cases else []
        deviating = np.zeros(log.n_cases, dtype=np.bool_)
        for j in self.judgements:
            deviating |= j.violated
        self.deviating: Bools = deviating

    @property
    def n_cases(self) -> int:
        return self.fetched.log.n_cases

    def selection(self, which: Which) -> Bools | None:
        """The cases to look at: all (None), those that conform to every constraint, or those that break one."""
        if which == "deviating":
            return self.deviating
        if which == "conforming":
            return ~self.deviating
        return None

    def discover(self, which: Which = "all", top: int | None = None) -> Discovery:
        return discover(self.fetched.log, self.selection(which), self.clock, top)

    def keys(self, numbers: Ints) -> list[str]:
        """The case keys of case numbers, in key order."""
        chosen = np.sort(numbers)
        rank = np.empty(self.n_cases, dtype=np.int64)
        rank[self.fetched.key_order] = np.arange(self.n_cases)
        in_key_order = chosen[np.argsort(rank[chosen], kind="stable")]
        return [str(k) for k in self.fetched.keys.take(pa.array(in_key_order, type=pa.int64())).to_pylist()]

    @cached_property
    def _numbers(self) -> dict[str, int]:
        return {str(k): i for i, k in enumerate(self.fetched.keys.to_pylist())}

    def number_of(self, key: str) -> int | None:
        """The case number of a key, or None when the period judges no such case."""
        return self._numbers.get(key)

    def timeline(self, key: str) -> CaseTimeline | None:
        """One case's events in order, where it broke which constraint, and its variant."""
        number = self.number_of(key)
        if number is None:
            return None
        log = self.fetched.log
        start, end = int(log.starts[number]), int(log.ends[number])
        times = log.time[start : end + 1]
        broken: list[list[str]] = [[] for _ in range(end - start + 1)]
        deviations = []
        for c, j in zip(self.constraints, self.judgements, strict=True):
            if j.violated[number]:
                event = int(j.event[number])
                position = event - start if event >= 0 else None
                deviations.append(Deviation(c.label, position))
                if position is not None:
                    broken[position].append(c.label)
        since = self.clock.elapsed(times[:-1], times[1:])
        wall = (times[1:] - times[:-1]) / 1e6
        from_start = self.clock.elapsed(np.full(len(times), times[0]), times)
        rows = self._rows(start, end)
        people = self._people(rows)
        zone = ZoneInfo(self.ctx.tz_name)
        events = tuple(
            CaseEvent(
                position=i,
                activity=log.activities[int(log.activity[start + i])],
                time=(_EPOCH + timedelta(microseconds=int(times[i]))).astimezone(zone),
                resource=people.get(rows[i], (None, None))[0],
                role=people.get(rows[i], (None, None))[1],
                since_previous_s=float(since[i - 1]) if i else None,
                wall_since_previous_s=float(wall[i - 1]) if i else None,
                since_start_s=float(from_start[i]),
                broken=tuple(broken[i]),
                row=rows[i],
            )
            for i in range(end - start + 1)
        )
        variant = tuple(e.activity for e in events)
        return CaseTimeline(key, events, tuple(deviations), variant, variant_id(variant), float(from_start[-1]))

    def _rows(self, start: int, end: int) -> list[int]:
        records = self.fetched.records
        if records is None:
            return list(range(start, end + 1))
        return [int(r) for r in records[start : end + 1]]

    def _people(self, rows: list[int]) -> dict[int, tuple[str | None, str | None]]:
        """The resource and role of the events at these rows, as text."""
        spec = self.spec
        if spec.resource is None and spec.role is None:
            return {}
        columns = [
            f"CAST({quote_ident(c)} AS VARCHAR) AS {alias}" if c is not None else f"NULL AS {alias}"
            for c, alias in ((spec.resource, "r"), (spec.role, "o"))
        ]
        listed = ", ".join(str(int(r)) for r in rows)
        sql = f"SELECT __record, {', '.join(columns)} FROM {self.ctx.full_relation(spec.dataset)} "
        table = self.ctx.query(f"{sql}WHERE __record IN ({listed})")
        return {int(r["__record"]): (r["r"], r["o"]) for r in table.to_pylist()}


def sequence_spec(loaded: LoadedPack, requirement: str) -> SequenceSpec:
    """The requirement's check, which must be a ``sequence`` check."""
    for _, _, _, req in loaded.pack.requirements():
        if req.id == requirement and req.check is not None:
            if not isinstance(req.check, SequenceSpec):
                raise InputError.at(f"requirement {requirement} has a {req.check.kind} check, not a sequence check")
            return req.check
    raise InputError.at(f"no requirement {requirement!r} with a check in this pack")


@contextmanager
def judged_log(
    loaded: LoadedPack, requirement: str, period: Period, *, data_dir: Path | None = None
) -> Iterator[JudgedLog]:
    """Read the requirement's event log for the period and judge its cases; the data stays open inside the
    ``with`` block (to read a case's people)."""
    spec = sequence_spec(loaded, requirement)
    runner = LocalRunner(loaded, data_dir=data_dir, sample=None, only={requirement})
    try:
        runner.prepare()
        pack = loaded.pack
        ctx = DuckDBContext(runner.con, runner.tables, period, pack.timezone, None, calendars=pack.calendars)
        try:
            clock = WALL if spec.calendar is None else business_clock(ctx, spec.calendar)
            yield JudgedLog(spec, ctx, clock, spec.calendar is not None)
        finally:
            ctx.close()
    finally:
        runner.close()


def _micros(instant: datetime) -> int:
    delta = instant - _EPOCH
    return (delta.days * 86_400 + delta.seconds) * 1_000_000 + delta.microseconds
