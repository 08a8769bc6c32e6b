"""Reading a check's records into chart data: one SQL query per relation, the rest in numpy.

Records are ordered by characteristic, then by the time of their subgroup's first record (with a ``time``
column), then by subgroup, then by time and row number. Each characteristic gets an integer index from
``dense_rank`` and its columns come back once, from a ``DISTINCT`` query ordered the same way.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from guifan.engine.periods import Period, date_bounds
from guifan.engine.spc.chart import ATTRIBUTES, ChartType
from guifan.engine.spc.data import Counts, Subgroups, counts, individuals, subgroups
from guifan.engine.spc.segments import BoolArray, FloatArray, IntArray, group_starts, positions
from guifan.engine.sql import quote_ident, quote_literal

if TYPE_CHECKING:
    from guifan.engine.checks.base import CheckContext


@dataclass(frozen=True)
class Plan:
    """What to read: the check's columns, already validated."""

    chart: ChartType
    value: str
    size: str | None
    subgroup: str | int | None
    characteristic: tuple[str, ...]
    where: str | None  # compiled SQL
    key_sql: str
    time: str | None
    extra: dict[str, str] = field(default_factory=dict)  # alias -> column read per characteristic


@dataclass(frozen=True)
class Fetched:
    """Chart data of every characteristic in one relation."""

    labels: list[str]  # characteristic keys, 'part|feature|machine'
    members: list[dict[str, Any]]  # the characteristic's column values
    data: Subgroups | Counts
    keys: pa.Array  # each subgroup's (or point's) key within its characteristic
    columns: dict[str, FloatArray]  # per characteristic, the latest value of each extra column
    varying: list[str] = field(default_factory=list)  # extra columns whose value changes within a characteristic
    incomplete: int = 0  # trailing subgroups left out for lack of records (consecutive grouping)
    named: bool = True  # whether characteristics have names (characteristic columns); else keys stand alone

    @property
    def n_groups(self) -> int:
        return len(self.labels)

    def full_keys(self) -> pa.Array:
        """'characteristic|subgroup' of every subgroup (the subgroup key alone without characteristics)."""
        if not self.named:
            return self.keys
        char = pa.array(self.labels, pa.string()).take(pa.array(self.data.group))
        return pc.binary_join_element_wise(char, self.keys, "|")


def _chars(plan: Plan) -> list[str]:
    return [quote_ident(c) for c in plan.characteristic]


def _order(names: list[str]) -> str:
    return ", ".join(f"{n} NULLS LAST" for n in names)


def _required(plan: Plan) -> list[str]:
    """Columns a record must have to be charted."""
    out = [plan.value, *([plan.size] if plan.size else [])]
    return [*out, plan.subgroup] if isinstance(plan.subgroup, str) else out


def filters(plan: Plan, condition: str | None = None) -> list[str]:
    """The conditions a record must meet to be charted."""
    present = [f"{quote_ident(c)} IS NOT NULL" for c in _required(plan)]
    return [*(f"({c})" for c in (plan.where, condition) if c), *present]


def _records(plan: Plan, relation: str, condition: str | None) -> str:
    cols = [*(f"{c} AS {c}" for c in _chars(plan)), f"CAST({quote_ident(plan.value)} AS DOUBLE) AS __x"]
    if plan.size:
        cols.append(f"CAST({quote_ident(plan.size)} AS DOUBLE) AS __n")
    cols += [f"CAST({quote_ident(col)} AS DOUBLE) AS {quote_ident('__' + alias)}" for alias, col in plan.extra.items()]
    if isinstance(plan.subgroup, str):
        cols += [f"CAST({quote_ident(plan.subgroup)} AS VARCHAR) AS __k", f"{quote_ident(plan.subgroup)} AS __s"]
    else:
        cols.append(f"{plan.key_sql} AS __k")
    cols += ["__record AS __r", f"{quote_ident(plan.time)} AS __t" if plan.time else "NULL AS __t"]
    return f"SELECT {', '.join(cols)} FROM {relation} WHERE {' AND '.join(filters(plan, condition))}"


def query(plan: Plan, relation: str, condition: str | None = None) -> str:
    """Every charted record: characteristic index, subgroup key, value and the extra columns, in chart order."""
    chars = _chars(plan)
    rank = f"dense_rank() OVER (ORDER BY {_order(chars)}) - 1" if chars else "0"
    order = [*chars, "__t", "__r"]
    inner = _records(plan, relation, condition)
    if isinstance(plan.subgroup, str):
        first = f"min(__t) OVER (PARTITION BY {', '.join([*chars, '__s'])})"
        inner = f"SELECT *, {first} AS __t0 FROM ({inner}) AS a"
        order[len(chars) : len(chars)] = ["__t0", "__s"]
    extra = "".join(f", {quote_ident('__' + alias)}" for alias in plan.extra)
    size = ", __n" if plan.size else ""
    return f"SELECT {rank} AS __g, __k, __x{size}{extra} FROM ({inner}) AS r ORDER BY {_order(order)}"


def members_query(plan: Plan, relation: str, condition: str | None = None) -> str:
    chars = _chars(plan)
    where = " AND ".join(filters(plan, condition))
    distinct = f"SELECT DISTINCT {', '.join(chars)} FROM {relation} WHERE {where}"
    return f"SELECT {', '.join(chars)} FROM ({distinct}) AS d ORDER BY {_order(chars)}"


def characteristic_condition(ctx: CheckContext, plan: Plan, relation: str, label: str) -> str | None:
    """SQL: the records of the characteristic whose key is ``label`` (as :func:`fetch` names it: its column values
    joined by ``|``), so one chart can be read alone; ``FALSE`` when no record has it, None without
    characteristic columns. Values are compared as DuckDB renders them, so any column type matches exactly."""
    chars = _chars(plan)
    if not chars:
        return None
    texts = ", ".join(f"CAST({c} AS VARCHAR) AS {quote_ident(f'__v{i}')}" for i, c in enumerate(chars))
    where = " AND ".join(filters(plan))
    rows = ctx.query(f"SELECT DISTINCT {', '.join(chars)}, {texts} FROM {relation} WHERE {where}").to_pylist()
    matches: list[str] = []
    for row in rows:
        if "|".join("" if row[c] is None else str(row[c]) for c in plan.characteristic) != label:
            continue
        parts = [
            f"{c} IS NULL" if row[f"__v{i}"] is None else f"CAST({c} AS VARCHAR) = {quote_literal(row[f'__v{i}'])}"
            for i, c in enumerate(chars)
        ]
        matches.append(f"({' AND '.join(parts)})")
    return " OR ".join(matches) if matches else "FALSE"


def left_out_query(plan: Plan, relation: str) -> str:
    """How many records pass ``where`` but miss a value, a size or a subgroup."""
    missing = " OR ".join(f"{quote_ident(c)} IS NULL" for c in _required(plan))
    where = f"({plan.where}) AND ({missing})" if plan.where else missing
    return f"SELECT count(*) AS n FROM {relation} WHERE {where}"


def fetch(ctx: CheckContext, plan: Plan, relation: str, condition: str | None = None) -> Fetched:
    """Read and shape the records of ``relation`` (optionally only those meeting ``condition``)."""
    rows = ctx.query(query(plan, relation, condition))
    if plan.characteristic:
        found = ctx.query(members_query(plan, relation, condition)).to_pylist()
    else:
        found = [{}] if rows.num_rows else []
    labels = ["|".join("" if v is None else str(v) for v in m.values()) for m in found]
    group = rows.column("__g").to_numpy().astype(np.int64)
    x = rows.column("__x").to_numpy().astype(np.float64)
    keys = rows.column("__k").combine_chunks().cast(pa.string())
    starts = _subgroup_starts(plan, group, keys)
    data = _data(plan, rows, group, x, starts, len(labels))
    keep = np.ones(len(starts), dtype=np.bool_)
    if isinstance(plan.subgroup, int) and len(starts):
        keep = data.size >= plan.subgroup
        data = data.take(keep)
    sub_keys = keys.take(pa.array(starts[keep]))
    columns, varying = _latest(rows, plan, group)
    named = bool(plan.characteristic)
    return Fetched(labels, found, data, sub_keys, columns, varying, int((~keep).sum()), named)


def _subgroup_starts(plan: Plan, group: IntArray, keys: pa.Array) -> IntArray:
    """Index of each subgroup's first record."""
    n = group.size
    if n == 0:
        return np.zeros(0, dtype=np.int64)
    if isinstance(plan.subgroup, int):
        ordinal = positions(group) // plan.subgroup
        change = np.empty(n, dtype=np.bool_)
        change[0] = True
        change[1:] = (group[1:] != group[:-1]) | (ordinal[1:] != ordinal[:-1])
        return np.flatnonzero(change).astype(np.int64)
    if isinstance(plan.subgroup, str):
        change = np.empty(n, dtype=np.bool_)
        change[0] = True
        same = pc.equal(keys.slice(1), keys.slice(0, n - 1)).to_numpy(zero_copy_only=False)
        change[1:] = (group[1:] != group[:-1]) | ~same
        return np.flatnonzero(change).astype(np.int64)
    return np.arange(n, dtype=np.int64)


def _data(plan: Plan, rows: pa.Table, group: IntArray, x: FloatArray, starts: IntArray, n_groups: int) -> Any:
    sub_group = group[starts] if starts.size else np.zeros(0, dtype=np.int64)
    if plan.chart in ATTRIBUTES:
        size = rows.column("__n").to_numpy().astype(np.float64) if plan.size else None
        if starts.size and plan.subgroup is not None:
            x = np.add.reduceat(x, starts)
            size = np.add.reduceat(size, starts) if size is not None else None
        return counts(x, size, sub_group, n_groups)
    if plan.subgroup is None:
        return individuals(x, group, n_groups)
    return subgroups(x, starts, sub_group, n_groups)


def _latest(rows: pa.Table, plan: Plan, group: IntArray) -> tuple[dict[str, FloatArray], list[str]]:
    """Per characteristic, the value of each extra column in its latest record that has one."""
    heads = group_starts(group)
    out: dict[str, FloatArray] = {}
    varying: list[str] = []
    for alias in plan.extra:
        values = rows.column(f"__{alias}").to_numpy(zero_copy_only=False).astype(np.float64)
        if group.size == 0:
            out[alias] = np.zeros(0)
            continue
        valid = ~np.isnan(values)
        last = np.maximum.reduceat(np.where(valid, np.arange(values.size), -1), heads)
        out[alias] = np.where(last >= 0, values[np.maximum(last, 0)], np.nan)
        low = np.fmin.reduceat(values, heads)
        high = np.fmax.reduceat(values, heads)
        if np.any((low != high) & ~np.isnan(low)):  # an all-empty column does not vary
            varying.append(alias)
    return out, varying


def align(base: Fetched, labels: list[str]) -> Subgroups | Counts:
    """``base``'s data renumbered to the characteristics ``labels``; characteristics not there are dropped."""
    index = {label: i for i, label in enumerate(labels)}
    mapping = np.array([index.get(label, -1) for label in base.labels], dtype=np.int64)
    data = base.data
    new_group = mapping[data.group] if len(data) else np.zeros(0, dtype=np.int64)
    kept = data.take(new_group >= 0)
    return replace(kept, group=new_group[new_group >= 0], n_groups=len(labels))


def excluded(fetched: Fetched, exclude: list[str]) -> tuple[BoolArray, list[str]]:
    """Subgroups named in ``exclude`` (by their key, or 'characteristic|key'), and the names that match none."""
    if not exclude or not len(fetched.data):
        return np.zeros(len(fetched.data), dtype=np.bool_), list(exclude)
    wanted = pa.array(exclude, pa.string())
    full = fetched.full_keys()
    by_key = pc.is_in(fetched.keys, value_set=wanted).to_numpy(zero_copy_only=False)
    by_full = pc.is_in(full, value_set=wanted).to_numpy(zero_copy_only=False)
    hits = set(fetched.keys.filter(pa.array(by_key)).to_pylist()) | set(full.filter(pa.array(by_full)).to_pylist())
    return by_key | by_full, [e for e in exclude if e not in hits]


def in_period(column: str, column_type: str | None, period: Period) -> str:
    """SQL: the time in ``column`` falls in ``period`` (a date when its midnight does)."""
    col = quote_ident(column)
    if column_type == "date":
        low, high = date_bounds(period)
        lower = f"{col} >= DATE {quote_literal(low.isoformat())} AND " if low else ""
        return f"{lower}{col} < DATE {quote_literal(high.isoformat())}"
    lower = f"{col} >= TIMESTAMPTZ {quote_literal(period.start.isoformat())} AND " if period.start else ""
    return f"{lower}{col} < TIMESTAMPTZ {quote_literal(period.end.isoformat())}"
