"""Columns: their guifan types (declared, or inferred from DuckDB's), the SQL converting them, and the checks.

Declared columns are read as text (CSV) or in the file's own type and cast in SQL; each cast comes with SQL
flagging a value that does not fit its type, its ``values`` or its ``min``/``max``. The load keeps, for a row
holding such a value, which column and check it breaks and the value as written (:func:`_problem_sql`), so the
first one is reported (:func:`_bad_value_error`) without reading the file again.

Naive timestamps are placed in the pack's zone with ``timezone()``, which costs about a second per ten million
values; where the zone's UTC offset is constant (:class:`_Zone`) a subtraction gives the same instants.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import duckdb

from guifan.engine.datasets.common import _error, _first_line, _ident, _lit, _value_text
from guifan.engine.datasets.sources import _display_row, _Source
from guifan.engine.errors import DataError, Location, Problem, did_you_mean
from guifan.engine.pack.dataset import ColumnSpec, DatasetSpec

_TRUE = ("true", "yes", "1", "是")
_FALSE = ("false", "no", "0", "否")
_TIME_TYPES = ("date", "timestamp")
_NUMERIC_TYPES = ("integer", "number")

# DuckDB type -> family; a family decides how a column is converted and which guifan type it has.
_INT_TYPES = frozenset({"TINYINT", "SMALLINT", "INTEGER", "BIGINT", "UTINYINT", "USMALLINT", "UINTEGER"})
_WIDE_INT_TYPES = frozenset({"UBIGINT", "HUGEINT", "UHUGEINT"})
_FLOAT_TYPES = frozenset({"FLOAT", "DOUBLE", "REAL"})
_NAIVE_TIMESTAMP_TYPES = frozenset({"TIMESTAMP", "TIMESTAMP_S", "TIMESTAMP_MS", "TIMESTAMP_NS", "DATETIME"})
_ZONED_TIMESTAMP_TYPES = frozenset({"TIMESTAMP WITH TIME ZONE", "TIMESTAMPTZ"})
_INFERRED_TYPES = {
    "text": "string",
    "json": "string",
    "bool": "boolean",
    "int": "integer",
    "wide_int": "string",  # may not fit BIGINT; text keeps every digit
    "float": "number",
    "date": "date",
    "ts": "timestamp",
    "tstz": "timestamp",
    "nested": "string",
    "other": "string",
}
DUCK_TYPES = {  # guifan type -> the DuckDB type of a loaded column
    "string": "VARCHAR",
    "integer": "BIGINT",
    "number": "DOUBLE",
    "boolean": "BOOLEAN",
    "date": "DATE",
    "timestamp": "TIMESTAMPTZ",
}
_A_TYPE = {
    "integer": "an integer",
    "number": "a number",
    "boolean": "a boolean (true/false, yes/no, 1/0, 是/否)",
    "date": "a date",
    "timestamp": "a timestamp",
}

# ----------------------------------------------------------------------------------------------------
# Schema: the columns a dataset needs, and their guifan types


def _guifan_type(declared: ColumnSpec | None, duck_type: str) -> str:
    return declared.type if declared else _INFERRED_TYPES[_family(duck_type)]


def _missing_columns(name: str, spec: DatasetSpec, present: list[str]) -> Iterator[tuple[str, str]]:
    for column in spec.columns:
        if column not in present:
            yield column, f"dataset {name!r} declares column {column!r}, but the file has no such column"
    for column in spec.key_columns:
        if column not in present:
            yield column, f"the key column {column!r} of dataset {name!r} is not in the file"
    if spec.time and spec.time not in present:
        yield spec.time, f"the time column {spec.time!r} of dataset {name!r} is not in the file"


def _column_hint(column: str, present: list[str]) -> str:
    for name in present:
        if name.lower() == column.lower():
            return f"did you mean {name!r}?"
    listed = ", ".join(repr(name) for name in present[:30]) + (", ..." if len(present) > 30 else "")
    return did_you_mean(column, present) or f"its columns are {listed}"


def _check_time_column(name: str, spec: DatasetSpec, source: _Source, types: dict[str, str]) -> None:
    if spec.time and types[spec.time] not in _TIME_TYPES:
        raise _error(
            f"the time column {spec.time!r} of dataset {name!r} holds {types[spec.time]} values, "
            "not dates or timestamps",
            hint=f"declare it under columns: ({spec.time}: timestamp), with format: if it is not ISO 8601",
            file=source.label,
            data_column=spec.time,
        )


def _check_ranges(name: str, spec: DatasetSpec, types: dict[str, str]) -> None:
    for column in spec.columns:
        declared = spec.column(column)
        ranged = declared is not None and (declared.min is not None or declared.max is not None)
        if ranged and types[column] not in _NUMERIC_TYPES:
            raise DataError(
                Problem(
                    f"min and max apply to integer and number columns, not to {types[column]}",
                    Location(field=f"datasets.{name}.columns.{column}"),
                )
            )


# ----------------------------------------------------------------------------------------------------
# Conversion: each column's SQL from its file type to its guifan type, and the checks on it


@dataclass(frozen=True)
class _Zone:
    """The pack's time zone, for placing naive timestamps in it.

    ``fixed`` is a span of local time [start, end) over which the zone's UTC offset does not change (the span
    around today, from 1900 to 2200), and that offset in microseconds; None when there is none.
    """

    name: str
    fixed: tuple[str, str, int] | None = None

    def instant(self, naive: str) -> str:
        """SQL: the TIMESTAMPTZ of ``naive`` (SQL giving a TIMESTAMP) read as a local time of the zone."""
        exact = f"timezone({_lit(self.name)}, {naive})"
        if self.fixed is None:
            return exact
        start, end, offset = self.fixed
        within = f"{naive} >= TIMESTAMP {_lit(start)} AND {naive} < TIMESTAMP {_lit(end)}"
        return f"CASE WHEN {within} THEN make_timestamptz(epoch_us({naive}) - {offset}) ELSE {exact} END"


_FIXED_SPANS: dict[tuple[str, dt.date], tuple[str, str, int] | None] = {}


def _zone(con: duckdb.DuckDBPyConnection, name: str, today: dt.date | None = None) -> _Zone:
    """The zone ``name`` with the span around ``today`` (default: today) over which its UTC offset is constant.

    The offsets come from DuckDB itself (ICU, as ``timezone()`` uses), sampled every day from 1900 to 2200. The
    span keeps two days away from the samples where the offset differs, so no change (which lies between two
    samples a day apart), nor the local times it skips or repeats, falls inside it.
    """
    day = today or dt.datetime.now(dt.UTC).date()
    if (name, day) not in _FIXED_SPANS:
        sql = f"""
            WITH s AS (
                SELECT d, epoch_us(d) - epoch_us(timezone({_lit(name)}, d)) AS off
                FROM range(TIMESTAMP '1900-01-01', TIMESTAMP '2200-01-01', INTERVAL 1 DAY) AS t(d)
            ), r AS (SELECT off FROM s WHERE d = TIMESTAMP {_lit(day.isoformat())})
            SELECT
                (SELECT max(d) FROM s, r WHERE s.off <> r.off AND d < TIMESTAMP {_lit(day.isoformat())}),
                (SELECT min(d) FROM s, r WHERE s.off <> r.off AND d > TIMESTAMP {_lit(day.isoformat())}),
                (SELECT min(d) FROM s), (SELECT max(d) FROM s), (SELECT off FROM r)
        """
        row = con.execute(sql).fetchone()
        span: tuple[str, str, int] | None = None
        if row is not None and row[4] is not None:
            before, after, first, last, offset = row
            start = before + dt.timedelta(days=2) if before is not None else first
            end = after - dt.timedelta(days=2) if after is not None else last
            if start < end:
                span = (start.isoformat(sep=" "), end.isoformat(sep=" "), int(offset))
        _FIXED_SPANS[(name, day)] = span
    return _Zone(name, _FIXED_SPANS[(name, day)])


@dataclass(frozen=True)
class _Column:
    name: str
    type: str  # guifan type
    expr: str  # SQL for the typed value
    raw: str  # SQL for the value as it is in the file, as text (for messages)
    spec: ColumnSpec | None = None
    bad_type: str | None = None  # SQL: the value is there but does not fit the type
    bad_values: str | None = None  # SQL: the value is not one of spec.values
    below_min: str | None = None
    above_max: str | None = None

    @property
    def checks(self) -> list[str]:
        return [c for c in (self.bad_type, self.bad_values, self.below_min, self.above_max) if c]

    def numbered(self) -> list[tuple[int, str]]:
        """The checks with their codes: 1 type, 2 values, 3 min, 4 max."""
        checks = (self.bad_type, self.bad_values, self.below_min, self.above_max)
        return [(code, check) for code, check in enumerate(checks, 1) if check]


def _family(duck_type: str) -> str:
    """The family of a DuckDB type: text, json, bool, int, wide_int, float, date, ts, tstz, nested, other."""
    name = duck_type.upper()
    simple = {"VARCHAR": "text", "JSON": "json", "BOOLEAN": "bool", "DATE": "date"}
    if name in simple:
        return simple[name]
    for family, names in (
        ("int", _INT_TYPES),
        ("wide_int", _WIDE_INT_TYPES),
        ("float", _FLOAT_TYPES),
        ("ts", _NAIVE_TIMESTAMP_TYPES),
        ("tstz", _ZONED_TIMESTAMP_TYPES),
    ):
        if name in names:
            return family
    if decimal := re.fullmatch(r"DECIMAL\((\d+),\s*(\d+)\)", name):
        return "int" if decimal[2] == "0" and int(decimal[1]) <= 18 else "float"
    if name.endswith("]") or name.startswith(("STRUCT", "MAP", "UNION")):
        return "nested"
    return "text" if name.startswith("VARCHAR") else "other"


def _as_text(ref: str, family: str) -> str:
    if family == "text":
        return ref
    if family == "json":
        return f"json_extract_string({ref}, '$')"
    if family == "nested":
        return f"CAST(to_json({ref}) AS VARCHAR)"
    return f"CAST({ref} AS VARCHAR)"


def _inferred_expr(ref: str, family: str, zone: _Zone) -> str:
    """SQL for an undeclared column: DuckDB's type, naive timestamps placed in the pack's zone."""
    if family in ("int", "float"):
        return f"CAST({ref} AS {'BIGINT' if family == 'int' else 'DOUBLE'})"
    if family == "ts":
        return zone.instant(f"CAST({ref} AS TIMESTAMP)")
    if family in ("bool", "date", "tstz"):
        return ref
    return _as_text(ref, family)


def _direct_expr(ref: str, family: str, target: str, zone: _Zone) -> tuple[str, bool] | None:
    """SQL from a typed file column to a declared type (and whether it can fail), or None to go via text."""
    naive = zone.instant(f"CAST({ref} AS TIMESTAMP)")
    numeric = ("int", "wide_int", "float")
    options: dict[tuple[str, str], tuple[str, bool]] = {
        ("integer", "int"): (f"CAST({ref} AS BIGINT)", False),
        ("integer", "wide_int"): (f"TRY_CAST({ref} AS BIGINT)", True),
        ("integer", "float"): (f"CASE WHEN {ref} = trunc({ref}) THEN TRY_CAST({ref} AS BIGINT) END", True),
        **{("number", family): (f"CAST({ref} AS DOUBLE)", False) for family in numeric},
        ("boolean", "bool"): (ref, False),
        ("date", "date"): (ref, False),
        ("date", "ts"): (f"CAST({ref} AS DATE)", False),
        ("date", "tstz"): (f"CAST({ref} AS DATE)", False),  # the date in the session zone: the pack's
        ("timestamp", "ts"): (naive, False),
        ("timestamp", "date"): (naive, False),
        ("timestamp", "tstz"): (ref, False),
    }
    if target == "string":
        return _as_text(ref, family), False
    return options.get((target, family))


def _text_expr(value: str, target: str, fmt: str | None) -> str:
    """SQL from text (NULL for none) to a declared type; NULL when the text does not fit it."""
    if target == "integer":
        whole = f"TRY_CAST({value} AS BIGINT)"
        return f"CASE WHEN TRY_CAST({value} AS DOUBLE) = {whole} THEN {whole} END"  # '5.5' is not an integer
    if target == "number":
        return f"TRY_CAST({value} AS DOUBLE)"
    if target == "boolean":
        yes, no = (", ".join(_lit(word) for word in words) for words in (_TRUE, _FALSE))
        return f"CASE WHEN lower({value}) IN ({yes}) THEN true WHEN lower({value}) IN ({no}) THEN false END"
    sql_type = "DATE" if target == "date" else "TIMESTAMPTZ"  # naive text is read in the session zone
    if fmt:
        return f"CAST(TRY_STRPTIME({value}, {_lit(fmt)}) AS {sql_type})"
    return f"TRY_CAST({value} AS {sql_type})"


def _column(
    con: duckdb.DuckDBPyConnection,
    name: str,
    column: str,
    duck_type: str,
    *,
    spec: ColumnSpec | None,
    zone: _Zone,
) -> _Column:
    ref, family = _ident(column), _family(duck_type)
    raw = _as_text(ref, family)
    if spec is None:
        return _Column(column, _INFERRED_TYPES[family], _inferred_expr(ref, family, zone), raw)
    direct = _direct_expr(ref, family, spec.type, zone)
    if direct is not None:
        expr, can_fail = direct
        bad_type = f"({ref} IS NOT NULL AND ({expr}) IS NULL)" if can_fail else None
    else:
        text = f"NULLIF(trim({raw}), '')"
        expr = _text_expr(text, spec.type, spec.format)
        bad_type = f"({text} IS NOT NULL AND ({expr}) IS NULL)"
    bad_values = None
    if spec.values is not None:
        bad_values = f"(({expr}) IS NOT NULL AND NOT list_contains({_allowed(con, name, column, spec)}, {expr}))"
    below = f"(({expr}) < {_float(spec.min)})" if spec.min is not None else None
    above = f"(({expr}) > {_float(spec.max)})" if spec.max is not None else None
    return _Column(column, spec.type, expr, raw, spec, bad_type, bad_values, below, above)


def _allowed(con: duckdb.DuckDBPyConnection, name: str, column: str, spec: ColumnSpec) -> str:
    """SQL list of a column's allowed values in its type; DataError when one of them does not fit the type."""
    texts = [_value_text(value) for value in spec.values or [] if value is not None]
    if spec.type == "string":
        items = [_lit(text) for text in texts]
    else:
        items = [_text_expr(_lit(text), spec.type, spec.format) for text in texts]
    allowed = f"[{', '.join(items)}]"
    where = Location(field=f"datasets.{name}.columns.{column}")
    try:
        row = con.execute(f"SELECT {allowed}").fetchone()
    except duckdb.Error as exc:  # e.g. a format: that DuckDB's strptime does not understand
        raise DataError(Problem(_first_line(str(exc)), where)) from None
    unfit = [text for text, value in zip(texts, row[0] if row else [], strict=False) if value is None]
    if unfit:
        raise DataError(Problem(f"values: {unfit[0]!r} is not {_A_TYPE[spec.type]}", where))
    return allowed


# ----------------------------------------------------------------------------------------------------
# The first bad value


def _problem_sql(columns: list[_Column], row: str | None) -> str | None:
    """SQL naming a row's first bad value, NULL for a good row: ``"<column> <code> <row> =<value as written>"``.

    ``<column>`` indexes ``columns``, ``<code>`` is the check broken (:meth:`_Column.numbered`), ``<row>`` is
    ``row`` (SQL for the source's own row number, Excel's) or empty, and the value is left out when it is NULL.
    Checks are tried in column order, so the first column breaking one is named, as a reader would find it.
    """
    at = f"CAST({row} AS VARCHAR)" if row else "''"
    cases = [
        f"WHEN {check} THEN concat('{index} {code} ', {at}, ' ', coalesce('=' || {column.raw}, ''))"
        for index, column in enumerate(columns)
        for code, check in column.numbered()
    ]
    return f"CASE {' '.join(cases)} END" if cases else None


def _bad_value_error(source: _Source, columns: list[_Column], record: int, problem: str) -> DataError:
    """The error for the problem :func:`_problem_sql` gave for the ``record``-th record (0-based) of the file."""
    index, code, row, value = problem.split(" ", 3)
    column = columns[int(index)]
    raw = value[1:] if value else None
    number = int(row) if row else _display_row(source, record + source.first_row)
    where = Location(file=source.label, row=number, data_column=column.name)
    return DataError(Problem(_bad_message(column, int(code), raw), where))


def _bad_message(column: _Column, code: int, raw: Any) -> str:
    spec = column.spec or ColumnSpec()
    shown = repr(raw)
    if code == 1:
        expected = f" in the format {spec.format}" if spec.format else ""
        return f"{shown} is not {_A_TYPE[column.type]}{expected}"
    if code == 2:
        allowed = ", ".join(_value_text(value) for value in spec.values or [] if value is not None)
        return f"{shown} is not one of the allowed values ({allowed})"
    if code == 3:
        return f"{shown} is below the minimum {_number(spec.min)}"
    return f"{shown} is above the maximum {_number(spec.max)}"


def _float(value: float) -> str:
    return f"CAST({_lit(repr(float(value)))} AS DOUBLE)"


def _number(value: float | None) -> str:
    if value is not None and float(value).is_integer():
        return str(int(value))
    return str(value)
