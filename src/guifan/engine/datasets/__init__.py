"""Reading a dataset's file into a typed DuckDB table.

A dataset (``datasets:`` in a pack) names a file: CSV/TSV/TXT, Excel (.xlsx), Parquet or JSON Lines. This
package finds it, works out its columns and their types, and loads it into a DuckDB table:

* :func:`resolve_source` finds the file (relative to the pack folder or ``--data``).
* :func:`probe_schema` reads only what is cheap (a CSV's first megabyte, a Parquet footer, a sample of JSON
  lines, the first Excel rows) to learn the columns: enough to validate a pack before any data is loaded.
  Types it infers for undeclared columns come from that sample; the loaded schema is the authoritative one.
* :func:`load_dataset` creates the typed table.

Everything is read by DuckDB (or by Arrow, for Excel via python-calamine), never row by row in Python.
Declared columns are read as text (CSV) or in the file's own type, and cast in SQL. The load computes a
"bad value" flag in the same pass; only when a row is flagged is the file read again, with row numbers, to
report the first value that does not fit its declared type, its ``values`` or its ``min``/``max`` with file,
row, column and value. Rows count as a spreadsheet does: the header is row 1, so the first record of a CSV is
row 2 (DuckDB skips blank lines, and a quoted value may span lines, so this is a record count, not a line
count); an Excel row is the sheet's row; a JSON Lines row is the line number; a Parquet row is the 1-based
record index.

Undeclared columns take the type DuckDB sniffs from a sample. When a later value does not fit that type, the
file is read again with every row sniffed (slower, but only then).

Timestamps: text without an offset is read in the pack's time zone, text with an offset (``+08:00``, ``Z``)
keeps its instant; every timestamp column is ``TIMESTAMPTZ``. While loading, the connection's ``TimeZone``
setting is the pack's zone (and is restored afterwards), which is what makes DuckDB read naive text that way.

CSV encodings: UTF-8 (with or without BOM) and GB18030/GBK are told apart by checking whether the bytes decode
as UTF-8; other encodings (and UTF-16 with a BOM, as Excel's "Unicode text" saves) are transcoded to a
temporary UTF-8 file that DuckDB reads.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from dataclasses import dataclass, replace
from pathlib import Path

import duckdb

from guifan.engine.datasets.columns import (
    _check_ranges,
    _check_time_column,
    _Column,
    _column,
    _column_hint,
    _first_bad_value,
    _guifan_type,
    _missing_columns,
)
from guifan.engine.datasets.common import _ident, _lit
from guifan.engine.datasets.sources import _describe, _open_source, _Resample, _run, _Source, resolve_source
from guifan.engine.errors import DataError, Location, Problem
from guifan.engine.pack.dataset import DatasetSpec

__all__ = ["DatasetSchema", "LoadedDataset", "load_dataset", "probe_schema", "resolve_source"]

_BAD = "__guifan_bad"  # flag column that exists only while a table is being loaded


@dataclass(frozen=True)
class DatasetSchema:
    """The columns of a dataset's file and their guifan types (declared, or inferred from the data)."""

    name: str
    path: Path
    columns: dict[str, str]


@dataclass(frozen=True)
class LoadedDataset:
    """A dataset loaded into the DuckDB table ``table``."""

    schema: DatasetSchema
    table: str
    rows: int


# ----------------------------------------------------------------------------------------------------
# Public API (resolve_source is in sources.py)


def probe_schema(name: str, spec: DatasetSpec, base_dir: Path) -> DatasetSchema:
    """The dataset's columns and types, read cheaply: a header and a sample, never the whole file.

    Raises DataError when a declared, key or time column is missing, or the time column is not a date or
    timestamp. Values are not checked here (that is :func:`load_dataset`'s job).
    """
    path = resolve_source(name, spec, base_dir)
    con = duckdb.connect()
    try:
        with _open_source(con, name, spec, path, sample=True) as source:
            return _schema(name, spec, path, source, _describe(con, source))
    finally:
        con.close()


def load_dataset(
    con: duckdb.DuckDBPyConnection, table: str, name: str, spec: DatasetSpec, base_dir: Path, timezone: str
) -> LoadedDataset:
    """Load the dataset into a new DuckDB table ``table`` (replacing one of that name) with typed columns.

    ``timezone`` is the pack's zone: naive timestamps are read in it. Raises DataError for a missing or
    unreadable file, a missing column, or the first value that does not fit its declared column.
    """
    path = resolve_source(name, spec, base_dir)
    with _open_source(con, name, spec, path, sample=False) as source, _session_timezone(con, timezone):
        try:
            return _load(con, table, name=name, spec=spec, path=path, source=source, zone=timezone)
        except _Resample:
            again = replace(source, full_sample=True)
            return _load(con, table, name=name, spec=spec, path=path, source=again, zone=timezone)


def _schema(
    name: str, spec: DatasetSpec, path: Path, source: _Source, described: list[tuple[str, str]]
) -> DatasetSchema:
    present = [column for column, _ in described]
    problems = [
        Problem(message, Location(file=source.label), _column_hint(column, present))
        for column, message in _missing_columns(name, spec, present)
    ]
    if problems:
        raise DataError(problems)
    types = {column: _guifan_type(spec.column(column), duck_type) for column, duck_type in described}
    _check_time_column(name, spec, source, types)
    _check_ranges(name, spec, types)
    return DatasetSchema(name=name, path=path, columns=types)


# ----------------------------------------------------------------------------------------------------
# Loading


def _load(
    con: duckdb.DuckDBPyConnection,
    table: str,
    *,
    name: str,
    spec: DatasetSpec,
    path: Path,
    source: _Source,
    zone: str,
) -> LoadedDataset:
    described = _describe(con, source)
    schema = _schema(name, spec, path, source, described)
    if source.kind == "csv":  # declared columns are read as text, then cast in SQL
        source = replace(source, text_columns=tuple(c for c in spec.columns))
        described = [(column, "VARCHAR" if column in spec.columns else t) for column, t in described]
    columns = [_column(con, name, c, t, spec=spec.column(c), zone=zone) for c, t in described]
    rows = _create(con, table, source, columns)
    return LoadedDataset(schema=schema, table=table, rows=rows)


def _create(con: duckdb.DuckDBPyConnection, table: str, source: _Source, columns: list[_Column]) -> int:
    """Create the typed table; a flag column marks bad values (looked up only when there are any)."""
    target = _ident(table)
    select = ", ".join(f"{column.expr} AS {_ident(column.name)}" for column in columns)
    checks = [check for column in columns for check in column.checks]
    flag = f", ({' OR '.join(checks)}) AS {_BAD}" if checks else ""
    _run(con, source, f"CREATE OR REPLACE TABLE {target} AS SELECT {select}{flag} FROM {source.relation()}")
    try:
        if checks:
            if con.execute(f"SELECT 1 FROM {target} WHERE {_BAD} LIMIT 1").fetchone():
                raise _first_bad_value(con, source, columns)
            con.execute(f"ALTER TABLE {target} DROP COLUMN {_BAD}")
        counted = con.execute(f"SELECT count(*) FROM {target}").fetchone()
    except BaseException:
        con.execute(f"DROP TABLE IF EXISTS {target}")
        raise
    return int(counted[0]) if counted else 0


@contextlib.contextmanager
def _session_timezone(con: duckdb.DuckDBPyConnection, zone: str) -> Iterator[None]:
    """Make ``zone`` the connection's TimeZone for a while, so that naive text casts to TIMESTAMPTZ in it."""
    current = con.execute("SELECT current_setting('TimeZone')").fetchone()
    previous = str(current[0]) if current else "UTC"
    try:
        con.execute(f"SET TimeZone = {_lit(zone)}")
    except duckdb.Error:
        raise DataError(Problem(f"unknown time zone {zone!r}", hint="use an IANA zone like Asia/Shanghai")) from None
    try:
        yield
    finally:
        con.execute(f"SET TimeZone = {_lit(previous)}")
