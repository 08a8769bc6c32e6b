"""Read an event log through a check context into an :class:`EventLog`: the period's cases, their events sorted.

A case belongs to the period in which its first event falls (as a ticket belongs to the period it was opened
in), and it is judged on all its events, including those after the period. Events are ordered by case, then
time, then their row in the source file, so two events with the same time keep the order the system wrote
them in. One query fetches the events; a log that arrives grouped by case and in time order within each case
(as process-mining exports are) is used as it is, any other is sorted.
"""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from functools import cached_property
from typing import NamedTuple, Protocol

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
from numpy.typing import NDArray

from guifan.engine.checks.base import CheckContext
from guifan.engine.checks.common import compiled
from guifan.engine.process.log import Bools, EventLog, Ints
from guifan.engine.process.rules import Clock
from guifan.engine.sql import quote_ident

ROWS_SHOWN = 5
OVERLAP_ABOVE = 500_000  # events from which the codes are made on a second thread while the cases are grouped


class LogSpec(Protocol):
    """The fields of a check that say where the event log is."""

    @property
    def dataset(self) -> str: ...
    @property
    def case(self) -> str: ...
    @property
    def activity(self) -> str: ...
    @property
    def time(self) -> str | None: ...
    @property
    def resource(self) -> str | None: ...
    @property
    def role(self) -> str | None: ...
    @property
    def where(self) -> str | None: ...
    @property
    def by(self) -> list[str]: ...
    @property
    def completed_by(self) -> list[str]: ...


@dataclass(frozen=True)
class Fetched:
    """The judged cases: their events, their keys (in case-number order) and their ``by`` values."""

    log: EventLog
    keys: pa.Array  # the case key as text, per case number
    groups: pa.Table | None  # the ``by`` values of each case's first event
    open_cases: int  # cases of the period without a ``completed_by`` activity
    skipped: list[int] | None  # rows without case, activity or time, when the one query saw them all
    records: Ints | None = None  # each event's row in the source file (``__record``)
    sorted_cases: Ints | None = None  # the case numbers sorted by key, when fetching has already sorted them

    @cached_property
    def key_order(self) -> Ints:
        """Case numbers sorted by key."""
        if self.sorted_cases is not None:
            return self.sorted_cases
        return np.asarray(pc.sort_indices(self.keys).to_numpy(), dtype=np.int64)


def _instant(column: str, types: dict[str, str]) -> str:
    col = quote_ident(column)
    return f"CAST({col} AS TIMESTAMPTZ)" if types.get(column) == "date" else col


def _text(column: str, types: dict[str, str]) -> str:
    col = quote_ident(column)
    return col if types.get(column) == "string" else f"CAST({col} AS VARCHAR)"


def _micros(column: pa.ChunkedArray | pa.Array, missing: int = 0) -> Ints:
    """Epoch microseconds; ``missing`` where there is no value."""
    micros = column.cast(pa.timestamp("us", tz="UTC")).cast(pa.int64()).fill_null(missing)
    return np.asarray(micros.to_numpy(), dtype=np.int64)


def _encode(column: pa.ChunkedArray) -> tuple[Ints, list[str]]:
    """Codes in the order of the sorted distinct values (-1 for a missing value), and those values."""
    if len(column) == 0:
        return np.zeros(0, dtype=np.int64), []
    encoded = column.dictionary_encode()  # one dictionary shared by every chunk
    dictionary = max((chunk.dictionary for chunk in encoded.chunks), key=len)
    names = [str(v) for v in dictionary.to_pylist()]
    order = sorted(range(len(names)), key=names.__getitem__)
    recode = np.empty(len(names) + 1, dtype=np.int64)
    recode[order] = np.arange(len(names))
    recode[-1] = -1
    indices = pa.chunked_array([chunk.indices for chunk in encoded.chunks], type=encoded.type.index_type)
    if indices.null_count:
        indices = indices.fill_null(-1)
    return recode[indices.to_numpy()], [names[i] for i in order]


@dataclass(frozen=True)
class EventQuery:
    """The SQL that reads one check's event log, and the arrays made from it."""

    ctx: CheckContext
    spec: LogSpec
    resources: bool
    roles: bool

    @property
    def time(self) -> str:
        column = self.spec.time or self.ctx.time_column(self.spec.dataset)
        assert column is not None, "validation makes sure the log has a time column"
        return column

    def _valid(self) -> str:
        """The event has a case, an activity and a time (and passes ``where``)."""
        s = self.spec
        parts = [f"{quote_ident(c)} IS NOT NULL" for c in (s.case, s.activity, self.time)]
        where = compiled(s.where)
        return " AND ".join([*parts, f"({where})"] if where else parts)

    def _dated(self) -> bool:
        """Whether the period cuts the log (a dataset without time, or a run without period, does not)."""
        return self.ctx.period_start is not None and self.ctx.time_column(self.spec.dataset) is not None

    def sql(self) -> str:
        s, types = self.spec, self.ctx.columns(self.spec.dataset)
        cols = [
            f"{quote_ident(s.case)} AS __c",
            f"{_text(s.activity, types)} AS __a",
            f"{_instant(self.time, types)} AS __t",
            "__record AS __rec",
        ]
        dataset_time = self.ctx.time_column(s.dataset)
        if self._dated() and dataset_time is not None and dataset_time != self.time:
            cols.append(f"{_instant(dataset_time, types)} AS __dt")
        if self.resources and s.resource is not None:
            cols.append(f"{quote_ident(s.resource)} AS __r")
        if self.roles and s.role is not None:
            cols.append(f"{_text(s.role, types)} AS __o")
        cols += [f"{quote_ident(c)} AS __g{i}" for i, c in enumerate(s.by)]
        sql = f"SELECT {', '.join(cols)} FROM {self.ctx.full_relation(s.dataset)}"
        if not self._dated():  # every event counts: those without case, activity or time are set apart later
            where = compiled(s.where)
            return f"{sql} WHERE {where}" if where else sql
        period = f"SELECT {quote_ident(s.case)} FROM {self.ctx.relation(s.dataset)} WHERE {self._valid()}"
        return f"{sql} WHERE {self._valid()} AND {quote_ident(s.case)} IN ({period})"

    def fetch(self) -> Fetched:
        table, skipped = _incomplete(self.ctx.query(self.sql()))
        table, records = _in_file_order(table)
        if table.num_rows < OVERLAP_ABOVE:
            codes, grouped = _coded(table), _grouped(table, records)
        else:  # both work outside the interpreter lock (Arrow, numpy): on two cores they overlap
            with ThreadPoolExecutor(max_workers=1, thread_name_prefix="guifan-fetch") as pool:
                coding = pool.submit(_coded, table)
                grouped = _grouped(table, records)
                codes = coding.result()
        table, case, times, keys, records, key_order, moved = grouped
        if moved is not None:
            codes = {name: (c[moved], names) for name, (c, names) in codes.items()}
        keep = self._in_period(table, case, times, len(keys))
        done = self._completed(table, case, len(keys))
        open_cases = int(np.count_nonzero(keep & ~done)) if self.spec.completed_by else 0
        if self.spec.completed_by:
            keep &= done
        if not keep.all():
            rows = keep[case]
            times, records = times[rows], records[rows]
            codes = {name: (c[rows], names) for name, (c, names) in codes.items()}
            if key_order is not None:
                key_order = (np.cumsum(keep) - 1)[key_order[keep[key_order]]]
            table, case, keys = _only(table, case, keys, keep)
        grouped = Grouped(table, case, times, keys, records, key_order, None)
        return self._assemble(grouped, codes, open_cases, None if self._dated() else skipped)

    def _in_period(self, table: pa.Table, case: Ints, times: Ints, n_cases: int) -> Bools:
        """Cases whose first event falls in the period (the query already dropped those without one in it)."""
        start = self.ctx.period_start
        if not self._dated() or start is None or not n_cases:
            return np.ones(n_cases, dtype=np.bool_)
        starts = np.flatnonzero(np.r_[True, case[1:] != case[:-1]])
        if "__dt" in table.column_names:  # the dataset's own time differs from the one ordering the events
            dataset_times = _micros(table.column("__dt"), missing=np.iinfo(np.int64).max)
            first = np.minimum.reduceat(dataset_times, starts)
        else:
            first = times[starts]
        return np.asarray(first >= _epoch_us(start), dtype=np.bool_)

    def _completed(self, table: pa.Table, case: Ints, n_cases: int) -> Bools:
        if not self.spec.completed_by:
            return np.ones(n_cases, dtype=np.bool_)
        finishing = pc.is_in(table.column("__a"), value_set=pa.array(self.spec.completed_by, pa.string()))
        mask = np.asarray(finishing.to_numpy(zero_copy_only=False), dtype=np.bool_)
        return np.bincount(case[mask], minlength=n_cases) > 0

    def _assemble(self, grouped: Grouped, codes: Coded, open_cases: int, skipped: list[int] | None) -> Fetched:
        table, case, times, keys, records, key_order, _ = grouped
        activity, names = codes["__a"]
        resource = codes["__r"][0] if "__r" in codes else None
        role, roles = codes.get("__o", (None, []))
        log = EventLog(case, activity, times, tuple(names), resource, role, tuple(roles))
        text = keys.cast(pa.string())
        groups = None
        if self.spec.by:
            firsts = pa.array(log.starts)
            groups = pa.table({c: table.column(f"__g{i}").take(firsts) for i, c in enumerate(self.spec.by)})
        return Fetched(log, text, groups, open_cases, skipped, records, key_order)

    def vocabulary(self) -> list[str]:
        """Every activity of the whole log (all periods, after ``where``)."""
        s, types = self.spec, self.ctx.columns(self.spec.dataset)
        sql = (
            f"SELECT DISTINCT {_text(s.activity, types)} AS __a FROM {self.ctx.full_relation(s.dataset)} "
            f"WHERE {self._valid()} ORDER BY __a"
        )
        return [str(a) for a in self.ctx.query(sql).column("__a").to_pylist()]

    def skipped_rows(self, fetched: Fetched) -> list[str]:
        """A warning naming the rows left out for lack of a case, an activity or a time: those of the period,
        and the untimed events of the judged cases."""
        found = fetched.skipped if fetched.skipped is not None else self._skipped(fetched.keys)
        if not found:
            return []
        s = self.spec
        shown = ", ".join(str(r) for r in found[:ROWS_SHOWN]) + (", ..." if len(found) > ROWS_SHOWN else "")
        return [
            f"dataset {s.dataset}: {len(found):,} event(s) without {s.case}, {s.activity} or {self.time} are "
            f"left out (row {shown})"
        ]

    def _skipped(self, judged: pa.Array) -> list[int]:
        s = self.spec
        case, act, time = (quote_ident(c) for c in (s.case, s.activity, self.time))
        where = compiled(s.where)
        keep = f" AND ({where})" if where else ""
        sql = (
            f"SELECT __record, CAST(NULL AS VARCHAR) AS __c FROM {self.ctx.relation(s.dataset)} "
            f"WHERE ({case} IS NULL OR {act} IS NULL OR {time} IS NULL){keep} UNION ALL "
            f"SELECT __record, CAST({case} AS VARCHAR) AS __c FROM {self.ctx.full_relation(s.dataset)} "
            f"WHERE {time} IS NULL AND {case} IS NOT NULL{keep}"
        )  # untimed events are in no period, but they may belong to a judged case
        rows = self.ctx.query(sql)
        counted = pc.or_kleene(pc.is_null(rows.column("__c")), pc.is_in(rows.column("__c"), value_set=judged))
        return sorted(set(rows.filter(counted).column("__record").to_pylist()))


def _epoch_us(instant: object) -> int:
    return int(_micros(pa.array([instant]))[0])


def _incomplete(table: pa.Table) -> tuple[pa.Table, list[int]]:
    """The events that have a case, an activity and a time, and the rows of those that do not."""
    missing = pc.or_(pc.or_(pc.is_null(table.column("__c")), pc.is_null(table.column("__a"))),
                     pc.is_null(table.column("__t")))  # fmt: skip
    if not pc.any(missing).as_py():
        return table, []
    rows = sorted(table.filter(missing).column("__rec").to_pylist())
    return table.filter(pc.invert(missing)), rows


def _in_file_order(table: pa.Table) -> tuple[pa.Table, Ints]:
    """The rows in source-file order (a plain scan usually returns them so already), and their rows."""
    rec = np.asarray(table.column("__rec").to_numpy(), dtype=np.int64)
    if len(rec) > 1 and not (rec[1:] > rec[:-1]).all():
        order = np.argsort(rec, kind="stable")
        table, rec = table.take(pa.array(order)), rec[order]
    return table, rec


class Grouped(NamedTuple):
    """Events grouped by case."""

    table: pa.Table
    case: Ints  # each event's case number
    times: Ints  # each event's time, epoch microseconds
    keys: pa.Array  # the case keys by number
    records: Ints  # each event's row in the source file
    key_order: Ints | None  # the case numbers sorted by key, when that order is known already
    moved: Ints | None  # where each event came from, when the events had to be sorted


Coded = dict[str, tuple[Ints, list[str]]]


def _coded(table: pa.Table) -> Coded:
    """The codes of the activity, resource and role columns the query fetched (see :func:`_encode`)."""
    return {name: _encode(table.column(name)) for name in ("__a", "__r", "__o") if name in table.column_names}


def _grouped(table: pa.Table, records: Ints) -> Grouped:
    """Events grouped by case in time order, their case numbers, times and rows, and the case keys.

    Cases are numbered in order of first appearance. When every case's events are already together and in
    time order (file order breaking ties) nothing moves; otherwise the events are sorted by case, time, row.
    """
    n = table.num_rows
    if n == 0:
        none = np.zeros(0, dtype=np.int64)
        return Grouped(table, none, none, pa.array([], pa.string()), records, None, None)
    cases = table.column("__c")
    changes = pc.not_equal(cases.slice(1), cases.slice(0, n - 1)).to_numpy()
    head = np.empty(n, dtype=np.bool_)
    head[0], head[1:] = True, changes
    heads = cases.take(pa.array(np.flatnonzero(head))).combine_chunks()
    times = _micros(table.column("__t"))
    in_time = bool(((times[1:] >= times[:-1]) | head[1:]).all())
    run = np.cumsum(head, dtype=np.int64)
    run -= 1  # in place: a second array of this size costs as much in page faults as the sum itself
    key_order = _distinct_order(heads) if in_time else None
    if key_order is not None:  # no case comes back after another: the events are grouped already
        return Grouped(table, run, times, heads, records, key_order if _textual(heads.type) else None, None)
    encoded = heads.dictionary_encode()
    if in_time and len(encoded.dictionary) == len(heads):  # the same, for keys sorting cannot tell apart
        return Grouped(table, run, times, heads, records, None, None)
    code = np.asarray(encoded.indices.to_numpy(), dtype=np.int64)[run]
    order = np.lexsort((records, times, code))
    taken = table.take(pa.array(order))
    return Grouped(taken, code[order], times[order], encoded.dictionary, records[order], None, order)


def _textual(kind: pa.DataType) -> bool:
    return bool(pa.types.is_string(kind) or pa.types.is_large_string(kind))


def _distinct_order(values: pa.Array) -> Ints | None:
    """The order that sorts the values (text or integers), when no two are equal; None when some are, or when
    they are of another type."""
    if not (_textual(values.type) or pa.types.is_integer(values.type)):
        return None
    order = pc.sort_indices(values)
    if len(values) < 2:
        return np.asarray(order.to_numpy(), dtype=np.int64)
    ordered = values.take(order)
    if pc.any(pc.equal(ordered.slice(1), ordered.slice(0, len(values) - 1))).as_py():
        return None
    return np.asarray(order.to_numpy(), dtype=np.int64)


def _only(table: pa.Table, case: Ints, keys: pa.Array, keep: Bools) -> tuple[pa.Table, Ints, pa.Array]:
    """Only the kept cases, renumbered in the same order."""
    rows = keep[case]
    renumber = np.cumsum(keep) - 1
    return table.filter(pa.array(rows)), renumber[case[rows]], keys.filter(pa.array(keep))


def business_clock(ctx: CheckContext, name: str) -> Clock:
    """Business time in the pack's work calendar ``name``: its working day and week measure ``d`` and ``w``."""
    from guifan.engine.calendars import WorkCalendar

    provider = getattr(ctx, "calendar", None)
    if provider is None:
        raise ValueError("this runner does not provide work calendars, so business time cannot be measured")
    zone = str(getattr(ctx, "tz_name", None) or getattr(ctx.period_end.tzinfo, "key", "UTC"))
    calendar = WorkCalendar.from_spec(provider(name), default_timezone=zone, name=name)

    def elapsed(starts: Ints, ends: Ints) -> NDArray[np.float64]:
        return np.asarray(calendar.business_us(starts, ends) / 1e6, dtype=np.float64)

    return Clock(elapsed, day=calendar.day_seconds, week=calendar.week_seconds)
