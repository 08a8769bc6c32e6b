"""``sla``: the share of records handled within a business-time limit on a work calendar.

A record's clock runs from ``start`` to ``stop`` on the calendar's working time, less the working time it
spent paused; it breaches when that is more than its limit. A record still open at the end of the period
(``stop`` empty or later) counts only once it has breached; until then it may be *at risk*. Only numbers come
out of the backend, as Arrow (record number, instants, limit slot, group bits); the business time is computed in
process by :class:`~guifan.engine.calendars.WorkCalendar`, and keys are fetched for the records listed. Fields
and conventions: docs/sla.md.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated, Any, ClassVar, Literal, Protocol, runtime_checkable

import numpy as np
import pyarrow as pa
from numpy.typing import NDArray
from pydantic import BeforeValidator, Field, PlainSerializer, WithJsonSchema, field_validator

from guifan.engine.calendars import NAT, WorkCalendar
from guifan.engine.calendars.instants import I64, US, arrow_us, epoch_us
from guifan.engine.checks.base import CheckContext, CheckSpec, GroupOutcome, Issue, Outcome, SchemaView
from guifan.engine.checks.common import (
    column_issues,
    compiled,
    dataset_issues,
    expression_columns,
    expression_issues,
    json_value,
    merge_columns,
    where_clause,
)
from guifan.engine.checks.registry import CheckKind, register
from guifan.engine.errors import did_you_mean
from guifan.engine.pack.base import PackModel, StrList
from guifan.engine.pack.calendar import CalendarSpec
from guifan.engine.sql import quote_ident, quote_literal
from guifan.engine.values import Duration, DurationField

Mask = NDArray[np.bool_]
ANY = "*"  # the limit of every value not listed in a limit map
_LOOKUP = 100_000  # up to this many records, keys are fetched by record number
_LEAD_BITS = 16  # groups are told apart by at most this many leading bits of a hash, else by a join
_TIME_TYPES = ("timestamp", "date")

# --- spec --------------------------------------------------------------------------------------------------


def business_duration(value: object) -> Duration:
    """A business-time length: ``30m``, ``24h``, ``2d`` (working days), ``1w`` (working weeks)."""
    duration = Duration.parse(value)
    if duration.months is not None:
        raise ValueError(
            f"{duration.source!r} is a calendar length; write a business time in s, m, h, d (working days) or w"
        )
    return duration


def _limit(value: Any) -> Duration | dict[str, Duration]:
    if isinstance(value, dict):
        if not value:
            raise ValueError("a limit per value needs at least one entry, e.g. {P1: 4h, P2: 24h}")
        limits = {str(k): business_duration(v) for k, v in value.items()}
        if len(limits) < len(value):
            raise ValueError("two keys of the limit map are the same text (values are compared as text)")
        if "" in limits:
            raise ValueError("a key of the limit map is empty; name the value, or use '*' for every other value")
        return limits
    return business_duration(value)


def _limit_source(value: Duration | dict[str, Duration]) -> str | dict[str, str]:
    return value.source if isinstance(value, Duration) else {k: v.source for k, v in value.items()}


LimitField = Annotated[
    Duration | dict[str, Duration],
    BeforeValidator(_limit),
    PlainSerializer(_limit_source),
    WithJsonSchema(
        {
            "oneOf": [
                {"type": "string", "pattern": r"^\s*\d+(\.\d+)?\s*(s|m|min|h|d|w)\s*$"},
                {"type": "object", "additionalProperties": {"type": "string"}},
            ],
            "description": "business time: 30m, 24h, 2d (working days), or a limit per value of limit_by",
            "examples": ["24h", "2d", {"P1": "4h", "P2": "24h", "P3": "48h"}],
        }
    ),
]


def _share(value: Any) -> float:
    text = str(value).strip()
    try:
        share = float(text[:-1]) / 100 if text.endswith("%") else float(text)
    except ValueError:
        raise ValueError(f"{value!r} is not a share; write a percentage such as 25%") from None
    if not 0 <= share <= 1:
        raise ValueError(f"{value!r} is not between 0% and 100%")
    return share


ShareField = Annotated[
    float,
    BeforeValidator(_share),
    WithJsonSchema(
        {
            "anyOf": [
                {"type": "string", "pattern": r"^\s*\d+(\.\d+)?\s*%\s*$"},
                {"type": "number", "minimum": 0, "maximum": 1},
            ],
            "examples": ["25%"],
        }
    ),
]


class Pauses(PackModel):
    """When a record's clock stands still (waiting for the customer, say): one row per pause."""

    dataset: str
    key: StrList = Field(description="columns naming the record: the values of the dataset's key, in order")
    from_: str = Field(alias="from", description="column: when the pause began")
    to: str = Field(description="column: when the pause ended (empty: still paused)")
    where: str | None = Field(None, description="which rows are pauses, e.g. status = 'waiting_customer'")


class SlaSpec(CheckSpec):
    kind: Literal["sla"]
    dataset: str
    start: str = Field(description="column: when the clock starts (e.g. created_at)")
    stop: str = Field(description="column: when it stops (e.g. resolved_at); empty means still open")
    calendar: str = Field(description="the work calendar whose working time counts")
    limit: LimitField
    limit_by: str | None = Field(None, description="column whose value picks the limit from a limit map")
    where: str | None = None
    pauses: Pauses | None = None
    at_risk: ShareField = Field(0.25, description="an open record with less than this share of its limit left")
    working_day: DurationField | None = Field(
        None, description="the length of one d in limit; the calendar's standard working day by default"
    )

    default_target: ClassVar[str | None] = "= 100%"

    @field_validator("working_day")
    @classmethod
    def _fixed_day(cls, value: Duration | None) -> Duration | None:
        if value is not None and (value.unit not in ("s", "m", "min", "h") or value.seconds <= 0):
            raise ValueError(f"{value.source!r} is not a working day's length; write hours, e.g. 7.5h")
        return value

    def limits(self) -> dict[str | None, Duration]:
        """The limit per value of ``limit_by``; the single limit under None."""
        out: dict[str | None, Duration] = {}
        if isinstance(self.limit, dict):
            out.update(self.limit)
        else:
            out[None] = self.limit
        return out


# --- validation --------------------------------------------------------------------------------------------


def validate(spec: SlaSpec, schema: SchemaView) -> list[Issue]:
    issues = dataset_issues(schema, spec.dataset, ("dataset",))
    if not schema.has_calendar(spec.calendar):
        hint = did_you_mean(spec.calendar, schema.calendar_names()) or "declare it under calendars:"
        issues.append(Issue(("calendar",), f"unknown calendar {spec.calendar!r}", hint))
    issues += _limit_issues(spec)
    if spec.pauses is not None:
        issues += dataset_issues(schema, spec.pauses.dataset, ("pauses", "dataset"))
    if any(i.path[-1] == "dataset" for i in issues):
        return issues
    issues += column_issues(schema, spec.dataset, spec.by, ("by",))
    issues += _time_issues(schema, spec.dataset, spec.start, ("start",))
    issues += _time_issues(schema, spec.dataset, spec.stop, ("stop",))
    if spec.limit_by:
        issues += column_issues(schema, spec.dataset, [spec.limit_by], ("limit_by",))
    issues += expression_issues(schema, spec.dataset, spec.where, ("where",))[1]
    if spec.pauses is not None:
        issues += _pause_issues(spec.pauses, spec.dataset, schema)
    return issues


def _limit_issues(spec: SlaSpec) -> list[Issue]:
    mapped = isinstance(spec.limit, dict)
    if spec.limit_by and not mapped:
        return [Issue(("limit_by",), "limit_by needs a limit per value", "write limit: {P1: 4h, P2: 24h, P3: 48h}")]
    if mapped and not spec.limit_by:
        return [Issue(("limit",), "a limit per value needs limit_by", "name the column that picks the limit")]
    return []


def _time_issues(schema: SchemaView, dataset: str, column: str, path: tuple[str | int, ...]) -> list[Issue]:
    issues = column_issues(schema, dataset, [column], path)
    kind = (schema.columns(dataset) or {}).get(column)
    if not issues and kind is not None and kind not in _TIME_TYPES:
        hint = "declare it as timestamp under the dataset's columns"
        issues.append(Issue(path, f"column {column!r} of {dataset} is {kind}, not a timestamp", hint))
    return issues


def _pause_issues(pauses: Pauses, dataset: str, schema: SchemaView) -> list[Issue]:
    base = ("pauses",)
    issues = column_issues(schema, pauses.dataset, pauses.key, (*base, "key"))
    issues += _time_issues(schema, pauses.dataset, pauses.from_, (*base, "from"))
    issues += _time_issues(schema, pauses.dataset, pauses.to, (*base, "to"))
    issues += expression_issues(schema, pauses.dataset, pauses.where, (*base, "where"))[1]
    key = schema.key_columns(dataset)
    if len(key) != len(pauses.key):
        wanted = f"{len(key)} column(s), like the key of {dataset} ({', '.join(key)})" if key else "a key"
        message = f"pauses.key must match the key of {dataset}: it needs {wanted}"
        hint = None if key else f"give dataset {dataset} a key: the pauses name its records by it"
        issues.append(Issue((*base, "key"), message, hint))
    return issues


# --- measurement -------------------------------------------------------------------------------------------


@runtime_checkable
class CalendarContext(Protocol):
    """What a backend offers besides :class:`CheckContext` for business time: the pack's calendars and zone."""

    tz_name: str

    def calendar(self, name: str) -> CalendarSpec: ...


@dataclass(frozen=True)
class Measured:
    """Every record of the check (the period's, after ``where``) with its business time, as arrays. Only numbers
    leave the backend: record numbers, instants, a limit slot and a group code per record."""

    calendar: WorkCalendar
    record: I64  # __record, to fetch keys later
    has_start: Mask
    open: Mask  # stop empty or after the end of the period
    business: I64  # µs from start to stop (to the period end when open), less pauses
    slot: NDArray[np.int64]  # which of spec.limits() applies; -1: none
    limits_us: I64  # per slot
    group: NDArray[np.int64]  # index into groups; all 0 without by
    groups: list[dict[str, Any]]  # the by values of each group, in order
    warnings: list[str]

    @property
    def limit(self) -> I64:
        """Each record's limit in µs (-1 where it has none)."""
        out: I64 = np.where(self.slot >= 0, self.limits_us[np.maximum(self.slot, 0)], -1)
        return out


def work_calendar(spec: SlaSpec, ctx: CheckContext) -> WorkCalendar:
    """The check's calendar, built from the pack through the backend."""
    if not isinstance(ctx, CalendarContext):
        raise TypeError("this backend does not provide work calendars, which the sla kind needs")
    return WorkCalendar.from_spec(ctx.calendar(spec.calendar), default_timezone=ctx.tz_name, name=spec.calendar)


def limit_us(duration: Duration, calendar: WorkCalendar, working_day: Duration | None = None) -> int:
    """A limit in business µs: ``d`` is one working day, ``w`` one working week of the calendar."""
    if duration.unit == "d":
        day = working_day.seconds if working_day is not None else calendar.day_seconds
        if day <= 0:
            raise ValueError(f"calendar {calendar.name} has no working day, so {duration.source} means nothing")
        return round(duration.amount * day * US)
    if duration.unit == "w":
        return round(duration.amount * calendar.week_seconds * US)
    return round(duration.seconds * US)


def measure(spec: SlaSpec, ctx: CheckContext) -> Measured:
    """Read the records and compute their business time, net of pauses."""
    calendar = work_calendar(spec, ctx)
    grouping = _grouping(spec, ctx)
    rows = ctx.query(_records_sql(spec, ctx, grouping))
    start, stop = arrow_us(_column(rows, "__start")), arrow_us(_column(rows, "__stop"))
    record = _ints(rows, "__record")
    end = epoch_us(ctx.period_end)
    has_start = start != NAT
    is_open = (stop == NAT) | (stop > end)
    stop = np.where(is_open, end, stop)
    business = _business(calendar, start, stop, has_start)
    if spec.pauses is not None:
        business = np.maximum(business - _paused(spec, ctx, calendar, record, start, stop, has_start), 0)
    limits = np.array([limit_us(d, calendar, spec.working_day) for d in spec.limits().values()], dtype=np.int64)
    slot = _ints(rows, "__slot")
    warnings = _warnings(spec, ctx, calendar, start, stop, has_start, slot)
    group = grouping.codes(rows)
    return Measured(calendar, record, has_start, is_open, business, slot, limits, group, grouping.groups, warnings)


def _filtered(spec: SlaSpec, ctx: CheckContext) -> str:
    """The check's records: the period's, after ``where``."""
    return f"SELECT * FROM {ctx.relation(spec.dataset)}{where_clause(compiled(spec.where))}"


def _groups_sql(spec: SlaSpec, ctx: CheckContext) -> str:
    """Each distinct combination of the ``by`` values with its hash, numbered from 0 in sort order (NULLs last)."""
    cols = ", ".join(quote_ident(c) for c in spec.by)
    order = ", ".join(f"{quote_ident(c)} NULLS LAST" for c in spec.by)
    return (
        f"SELECT {cols}, hash({cols}) AS __h, row_number() OVER (ORDER BY {order}) - 1 AS __g "
        f"FROM (SELECT DISTINCT {cols} FROM ({_filtered(spec, ctx)}) AS r) AS d"
    )


def _records_sql(spec: SlaSpec, ctx: CheckContext, grouping: _Grouping) -> str:
    """One row of small numbers per record: its number, instants, limit slot and group."""
    columns = [
        "r.__record AS __record",
        f"CAST(r.{quote_ident(spec.start)} AS TIMESTAMPTZ) AS __start",
        f"CAST(r.{quote_ident(spec.stop)} AS TIMESTAMPTZ) AS __stop",
        f"CAST({_slot_sql(spec)} AS SMALLINT) AS __slot",
    ]
    records = f"({_filtered(spec, ctx)}) AS r"
    if not spec.by:
        return f"SELECT {', '.join(columns)} FROM {records}"
    if grouping.bits is not None:
        hashed = ", ".join(f"r.{quote_ident(c)}" for c in spec.by)
        lead = f"CAST(hash({hashed}) >> {64 - grouping.bits} AS INTEGER) AS __lead"
        return f"SELECT {', '.join(columns)}, {lead} FROM {records}"
    on = " AND ".join(f"r.{quote_ident(c)} IS NOT DISTINCT FROM g.{quote_ident(c)}" for c in spec.by)
    return f"SELECT {', '.join(columns)}, g.__g AS __g FROM {records} JOIN ({_groups_sql(spec, ctx)}) AS g ON {on}"


def _slot_sql(spec: SlaSpec) -> str:
    """Which limit applies to a record, as the index of its value in the limit map (-1: none)."""
    if spec.limit_by is None:
        return "0"
    keys = list(spec.limits())
    value = f"CAST(r.{quote_ident(spec.limit_by)} AS VARCHAR)"
    fallback = keys.index(ANY) if ANY in keys else -1
    cases = " ".join(f"WHEN {value} = {quote_literal(str(k))} THEN {i}" for i, k in enumerate(keys) if k != ANY)
    return f"CASE {cases} ELSE {fallback} END" if cases else str(fallback)


@dataclass(frozen=True)
class _Grouping:
    """How records are told apart by their ``by`` values without shipping the values: by the leading ``bits`` of
    the hash of the values (every record's hash is one of the groups', so when the groups' leading bits differ,
    they name the group), or, for many groups or a clash, by a join that numbers them (``bits`` None)."""

    groups: list[dict[str, Any]]
    bits: int | None
    lookup: NDArray[np.int64]  # leading bits -> group number

    def codes(self, rows: pa.Table) -> NDArray[np.int64]:
        """Each record's group number (all 0 without ``by``)."""
        if "__lead" in rows.column_names:
            out: NDArray[np.int64] = self.lookup[_column(rows, "__lead").to_numpy()]
            return out
        if "__g" in rows.column_names:
            return _ints(rows, "__g")
        return np.zeros(rows.num_rows, dtype=np.int64)


def _grouping(spec: SlaSpec, ctx: CheckContext) -> _Grouping:
    if not spec.by:
        return _Grouping([{}], None, np.zeros(1, dtype=np.int64))
    rows = ctx.query(f"{_groups_sql(spec, ctx)} ORDER BY __g")
    groups = [{c: json_value(row[c]) for c in spec.by} for row in rows.select(spec.by).to_pylist()]
    hashes = _column(rows, "__h").to_numpy().astype(np.uint64)
    for bits in range(max(hashes.size - 1, 1).bit_length(), _LEAD_BITS + 1):
        lead = (hashes >> np.uint64(64 - bits)).astype(np.int64)
        if np.unique(lead).size == hashes.size:
            lookup = np.zeros(1 << bits, dtype=np.int64)
            lookup[lead] = np.arange(hashes.size)
            return _Grouping(groups, bits, lookup)
    return _Grouping(groups, None, np.zeros(1, dtype=np.int64))


def _column(table: pa.Table, name: str) -> pa.ChunkedArray:
    return table.column(name)


def _ints(table: pa.Table, name: str) -> NDArray[np.int64]:
    out: NDArray[np.int64] = _column(table, name).to_numpy().astype(np.int64, copy=False)
    return out


def _business(calendar: WorkCalendar, start: I64, stop: I64, has_start: Mask) -> I64:
    if has_start.all():
        return calendar.business_us(start, stop)
    out = np.zeros(start.size, dtype=np.int64)
    out[has_start] = calendar.business_us(start[has_start], stop[has_start])
    return out


def _warnings(
    spec: SlaSpec, ctx: CheckContext, calendar: WorkCalendar, start: I64, stop: I64, has_start: Mask,
    slot: NDArray[np.int64],
) -> list[str]:  # fmt: skip
    out = []
    if has_start.any():
        low = int(start.min(where=has_start, initial=np.iinfo(np.int64).max))
        unknown = calendar.warning(low, int(stop.max(where=has_start, initial=NAT)))
        if unknown:
            out.append(unknown)
    missing = int((~has_start).sum())
    if missing:
        out.append(f"sla on {spec.dataset}: {missing:,} records have no {spec.start} and are not counted")
    unlimited = int((has_start & (slot < 0)).sum())
    if unlimited:
        shown = ", ".join(repr(v) for v in _unlimited_values(spec, ctx))
        out.append(
            f"sla on {spec.dataset}: {unlimited:,} records have a {spec.limit_by} with no limit ({shown}) and are "
            "not counted; add them to limit, or a '*' entry"
        )
    return out


def _unlimited_values(spec: SlaSpec, ctx: CheckContext) -> list[str | None]:
    """Up to five values of ``limit_by`` that no limit covers."""
    sql = (
        f"SELECT DISTINCT CAST(r.{quote_ident(str(spec.limit_by))} AS VARCHAR) AS v FROM ({_filtered(spec, ctx)}) "
        f"AS r WHERE r.{quote_ident(spec.start)} IS NOT NULL AND {_slot_sql(spec)} < 0 ORDER BY v LIMIT 5"
    )
    return list(ctx.query(sql).column("v").to_pylist())


def _paused(
    spec: SlaSpec, ctx: CheckContext, calendar: WorkCalendar, record: I64, start: I64, stop: I64, has_start: Mask
) -> I64:
    """Business µs each record spent paused: its pauses clipped to [start, stop] and merged."""
    rows = ctx.query(_pauses_sql(spec, ctx))
    if rows.num_rows == 0:
        return np.zeros(record.size, dtype=np.int64)
    owner = _positions(record, _ints(rows, "__record"))
    began, ended = arrow_us(_column(rows, "__from")), arrow_us(_column(rows, "__to"))
    low = np.maximum(began, start[owner])
    high = np.where(ended == NAT, stop[owner], np.minimum(ended, stop[owner]))
    keep = has_start[owner] & (began != NAT) & (high > low)
    return _union_business(calendar, owner[keep], low[keep], high[keep], record.size)


def _pauses_sql(spec: SlaSpec, ctx: CheckContext) -> str:
    """The pauses of the check's records: matched on the record key as text (key columns joined with '|', as
    ``key_sql`` writes it), so an integer key finds its pauses under a text column too."""
    pauses = spec.pauses
    assert pauses is not None
    parts = [f"coalesce(CAST({quote_ident(k)} AS VARCHAR), '')" for k in pauses.key]
    key = parts[0] if len(parts) == 1 else f"concat_ws('|', {', '.join(parts)})"
    named = " AND ".join(f"{quote_ident(k)} IS NOT NULL" for k in pauses.key)
    records = (
        f"SELECT __record, {ctx.key_sql(spec.dataset)} AS __key FROM {ctx.relation(spec.dataset)}"
        f"{where_clause(compiled(spec.where))}"
    )
    rows = (
        f"SELECT {key} AS __key, CAST({quote_ident(pauses.from_)} AS TIMESTAMPTZ) AS __from, "
        f"CAST({quote_ident(pauses.to)} AS TIMESTAMPTZ) AS __to FROM {ctx.full_relation(pauses.dataset)}"
        f"{where_clause(compiled(pauses.where), named)}"
    )
    return f"SELECT r.__record, p.__from, p.__to FROM ({records}) AS r JOIN ({rows}) AS p ON r.__key = p.__key"


def _positions(records: NDArray[np.int64], wanted: NDArray[np.int64]) -> NDArray[np.int64]:
    """The index in ``records`` (distinct record numbers) of each value of ``wanted``."""
    order = np.argsort(records, kind="stable")
    out: NDArray[np.int64] = order[np.searchsorted(records[order], wanted)]
    return out


def _union_business(calendar: WorkCalendar, owner: NDArray[np.int64], low: I64, high: I64, n: int) -> I64:
    """Per owner, the business µs of the union of its intervals [low, high): overlapping pauses count once."""
    if owner.size == 0:
        return np.zeros(n, dtype=np.int64)
    times = np.concatenate((low, high))
    owners = np.concatenate((owner, owner))
    steps = np.concatenate((np.ones(owner.size, np.int64), -np.ones(owner.size, np.int64)))
    order = np.lexsort((times, owners))
    times, owners, depth = times[order], owners[order], np.cumsum(steps[order])
    covered = depth[:-1] > 0  # between an event and the next one, inside some pause of the same owner
    amounts = calendar.business_us(times[:-1][covered], times[1:][covered])
    total = np.bincount(owners[:-1][covered], weights=amounts.astype(np.float64), minlength=n)
    return np.rint(total).astype(np.int64)


# --- judgement ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Judged:
    """Which records count, breach, are open or at risk (boolean masks over the measured records)."""

    counted: Mask
    breached: Mask
    open: Mask
    at_risk: Mask


def judge(spec: SlaSpec, measured: Measured) -> Judged:
    """A record breaches when its business time is more than its limit; an open one counts only then."""
    limit, business = measured.limit, measured.business
    measurable = measured.has_start & (limit >= 0)
    breached = measurable & (business > limit)
    is_open = measurable & measured.open
    waiting = np.flatnonzero(is_open & ~breached)
    at_risk = np.zeros(limit.size, dtype=np.bool_)
    at_risk[waiting] = limit[waiting] - business[waiting] < spec.at_risk * limit[waiting]
    return Judged(measurable & (~measured.open | breached), breached, is_open, at_risk)


def evaluate(spec: SlaSpec, ctx: CheckContext) -> Outcome:
    measured = measure(spec, ctx)
    judged = judge(spec, measured)
    population, violations = int(judged.counted.sum()), int(judged.breached.sum())
    keys, truncated = sorted_keys(spec, ctx, measured.record[judged.breached], population)
    return Outcome(
        value=None if population == 0 else (population - violations) / population,
        population=population,
        violations=violations,
        violating_keys=keys,
        violating_keys_truncated=truncated,
        groups=_groups(spec, measured, judged),
        details=_details(spec, ctx, measured, judged),
        unit="share",
        describe=_describe(spec),
        warnings=measured.warnings,
    )


def sorted_keys(spec: SlaSpec, ctx: CheckContext, records: I64, among: int) -> tuple[list[str], bool]:
    """The keys of ``records`` (record numbers, of ``among`` records in all) in text order, at most
    ``ctx.sample`` of them, and whether there were more. Few records are looked up by number; for a sample of
    many, the records are walked in key order until enough of them turn up, so no key leaves the backend
    unneeded."""
    sample = ctx.sample
    if records.size == 0:
        return [], False
    key, relation = ctx.key_sql(spec.dataset), ctx.relation(spec.dataset)
    if records.size <= _LOOKUP:
        sql = f"SELECT {key} AS k FROM {relation} WHERE __record IN (SELECT unnest(?))"
        found = sorted(str(k) for k in ctx.query(sql, [records.tolist()]).column("k").to_pylist())
        return (found, False) if sample is None else (found[:sample], len(found) > sample)
    wanted = np.sort(records)
    ordered = f"SELECT __record, {key} AS k FROM ({_filtered(spec, ctx)}) AS r ORDER BY k, __record"
    if sample is None:
        rows = ctx.query(ordered)
        return [str(k) for k in _column(rows, "k").filter(pa.array(np.isin(_ints(rows, "__record"), wanted)))], False
    limit = int((sample + 1) * max(among, 1) / records.size * 2) + 64
    while True:
        rows = ctx.query(f"{ordered} LIMIT {limit}")
        hit = np.isin(_ints(rows, "__record"), wanted)
        if int(hit.sum()) > sample or rows.num_rows < limit:
            chosen = [str(k) for k in _column(rows, "k").filter(pa.array(hit)).to_pylist()]
            return chosen[:sample], len(chosen) > sample
        limit *= 4


def _groups(spec: SlaSpec, measured: Measured, judged: Judged) -> list[GroupOutcome]:
    if not spec.by:
        return []
    size = len(measured.groups)
    population = np.bincount(measured.group[judged.counted], minlength=size)
    bad = np.bincount(measured.group[judged.breached], minlength=size)
    return [
        GroupOutcome(by, (int(n) - int(b)) / int(n), int(n), int(b))
        for by, n, b in zip(measured.groups, population, bad, strict=True)
        if n
    ]


def _details(spec: SlaSpec, ctx: CheckContext, measured: Measured, judged: Judged) -> dict[str, Any]:
    risk = measured.record[judged.at_risk]
    risk_keys, risk_truncated = sorted_keys(spec, ctx, risk, int(judged.open.sum()))
    summary = summarise(spec, measured, judged)
    details: dict[str, Any] = {
        "calendar": spec.calendar,
        "limit": _limit_source(spec.limit),
        "percentiles": summary["percentiles"],
        "breaches_by_limit": summary["breaches_by_limit"],
        "at_risk": {"count": int(risk.size), "keys": risk_keys, "keys_truncated": risk_truncated},
        "open": summary["open"],
    }
    missing = int((~measured.has_start).sum())
    if missing:
        details["missing_start"] = missing
    unlimited = int((measured.has_start & (measured.slot < 0)).sum())
    if unlimited:
        details["no_limit"] = unlimited
    return details


def summarise(spec: SlaSpec, measured: Measured, judged: Judged) -> dict[str, Any]:
    """The parts of ``details`` that need no keys: percentiles, breaches per limit and open records. Used for
    the result and, on a subset of the records (one group's), by the web app's per-team page."""
    return {
        "percentiles": _percentiles(measured.business[judged.counted]),
        "breaches_by_limit": _by_limit(spec, measured, judged),
        "open": {
            "count": int(judged.open.sum()),
            "breached": int((judged.open & judged.breached).sum()),
            "within": int((judged.open & ~judged.breached).sum()),
        },
    }


def _percentiles(business: I64) -> dict[str, float | None]:
    """p50, p90 and p95 of the counted records' business hours (linear interpolation)."""
    if business.size == 0:
        return {"p50": None, "p90": None, "p95": None}
    values = np.percentile(business / (3600 * US), [50, 90, 95])
    return {name: round(float(v), 4) for name, v in zip(("p50", "p90", "p95"), values, strict=True)}


def _by_limit(spec: SlaSpec, measured: Measured, judged: Judged) -> list[dict[str, Any]]:
    """Per limit (per value of limit_by): the records counted against it and the breaches."""
    slots = len(measured.limits_us)
    counted = np.bincount(measured.slot[judged.counted], minlength=slots)
    breached = np.bincount(measured.slot[judged.breached], minlength=slots)
    out = []
    for i, (value, duration) in enumerate(spec.limits().items()):
        entry: dict[str, Any] = {"value": value} if spec.limit_by else {}
        entry |= {"limit": duration.source, "hours": round(int(measured.limits_us[i]) / (3600 * US), 4)}
        out.append(entry | {"population": int(counted[i]), "breaches": int(breached[i])})
    return out


def _describe(spec: SlaSpec) -> str:
    if isinstance(spec.limit, Duration):
        return f"within {spec.limit.source} of business time"
    return f"within the business-time limit for their {spec.limit_by}"


def datasets(spec: SlaSpec) -> list[str]:
    names = [spec.dataset]
    if spec.pauses is not None and spec.pauses.dataset not in names:
        names.append(spec.pauses.dataset)
    return names


def columns(spec: SlaSpec) -> dict[str, set[str]]:
    """The columns the check reads: start, stop, limit_by, by and where of its dataset, and the key, from, to
    and where of its pauses (the runner adds each dataset's key and time)."""
    own = {
        spec.start,
        spec.stop,
        *spec.by,
        *([spec.limit_by] if spec.limit_by else []),
        *expression_columns(spec.where),
    }
    if spec.pauses is None:
        return {spec.dataset: own}
    pauses = spec.pauses
    paused = {*pauses.key, pauses.from_, pauses.to, *expression_columns(pauses.where)}
    return merge_columns((spec.dataset, own), (pauses.dataset, paused))


# --- what-if -----------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class CurvePoint:
    limit_us: int
    population: int
    within: int

    @property
    def compliance(self) -> float | None:
        return None if self.population == 0 else self.within / self.population


def compliance_curve(business: I64, is_open: Mask, limits: I64) -> list[CurvePoint]:
    """Compliance at each limit in one pass: durations sorted once, each limit a binary search. A closed record
    is within when its time is at most the limit; an open one counts (as a breach) only when it is over it."""
    closed = np.sort(business[~is_open])
    still_open = np.sort(business[is_open])
    within = np.searchsorted(closed, limits, side="right")
    open_breached = still_open.size - np.searchsorted(still_open, limits, side="right")
    return [
        CurvePoint(int(limit), int(closed.size + late), int(ok))
        for limit, ok, late in zip(limits, within, open_breached, strict=True)
    ]


register(
    CheckKind(
        name="sla",
        spec=SlaSpec,
        validate=validate,
        evaluate=evaluate,
        datasets=datasets,
        summary="the share of records handled within a business-time limit on a work calendar",
        columns=columns,
    )
)
