"""Reading a dataset's file into a typed DuckDB table.

A dataset (``datasets:`` in a pack) names a file: CSV/TSV/TXT, Excel (.xlsx), Parquet or JSON Lines. This
package finds it, works out its columns and their types, and loads it into a DuckDB table:

* :func:`resolve_source` finds the file (relative to the pack folder or ``--data``).
* :func:`probe_schema` reads only what is cheap (a CSV's first megabyte, a Parquet footer, a sample of JSON
  lines, the first Excel rows) to learn the columns: enough to validate a pack before any data is loaded.
  Types it infers for undeclared columns come from that sample; the loaded schema is the authoritative one.
* :func:`load_dataset` creates the typed table.

Everything is read by DuckDB (or by Arrow, for Excel via python-calamine), never row by row in Python.
Declared columns are read as text (CSV) or in the file's own type, and cast in SQL. The load notes, in the same
pass, each row's first value that does not fit its declared type, its ``values`` or its ``min``/``max`` (as
written in the file); the first such row is reported with file, row, column and value, and nothing is loaded.
Rows count as a spreadsheet does: the header is row 1, so the first record of a CSV is row 2 (DuckDB skips
blank lines, and a quoted value may span lines, so this is a record count, not a line count); an Excel row is
the sheet's row; a JSON Lines row is the line number; a Parquet row is the 1-based record index. The table keeps
the file's record order, so a record's ``rowid`` gives its row.

``load_dataset`` may keep only some columns (those the checks use): every declared column is still checked.
When the connection's database is a file (the runner keeps large data on disk), DuckDB compresses the table;
text columns whose values are mostly distinct in the first records are left uncompressed, because compressing
them (FSST) costs more time than it saves space.

Undeclared columns take the type DuckDB sniffs from a sample. When a later value does not fit that type, the
file is read again with every row sniffed (slower, but only then).

Timestamps: text without an offset is read in the pack's time zone, text with an offset (``+08:00``, ``Z``)
keeps its instant; every timestamp column is ``TIMESTAMPTZ``. While loading, the connection's ``TimeZone``
setting is the pack's zone (and is restored afterwards), which is what makes DuckDB read naive text that way.

CSV encodings: UTF-8 (with or without BOM) and GB18030/GBK are told apart by checking whether the first
megabyte decodes as UTF-8; a file that DuckDB then finds is not UTF-8 further on is read again as GB18030. Other
encodings (and UTF-16 with a BOM, as Excel's "Unicode text" saves) are transcoded to a temporary UTF-8 file that
DuckDB reads.
"""

from __future__ import annotations

import contextlib
from collections.abc import Collection, Iterator
from dataclasses import dataclass, replace
from pathlib import Path

import duckdb

from guifan.engine.datasets.columns import (
    DUCK_TYPES,
    _bad_value_error,
    _check_ranges,
    _check_time_column,
    _Column,
    _column,
    _column_hint,
    _guifan_type,
    _missing_columns,
    _problem_sql,
    _zone,
)
from guifan.engine.datasets.common import _ROW, _ident, _lit
from guifan.engine.datasets.sources import (
    _describe,
    _NotUtf8,
    _open_source,
    _Resample,
    _run,
    _Source,
    resolve_source,
)
from guifan.engine.errors import DataError, Location, Problem
from guifan.engine.pack.dataset import DatasetSpec

__all__ = ["DUCK_TYPES", "DatasetSchema", "LoadedDataset", "load_dataset", "probe_schema", "resolve_source"]

_BAD = "__guifan_bad"  # the row's first bad value (see _problem_sql); exists only while a table is being loaded
_SPREAD_SAMPLE = 100_000  # records looked at to tell a text column's values mostly distinct (on disk only)


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
    con: duckdb.DuckDBPyConnection,
    table: str,
    name: str,
    spec: DatasetSpec,
    base_dir: Path,
    timezone: str,
    columns: Collection[str] | None = None,
) -> LoadedDataset:
    """Load the dataset into a new DuckDB table ``table`` (replacing one of that name) with typed columns.

    ``timezone`` is the pack's zone: naive timestamps are read in it. ``columns``: the columns to keep (all when
    None); the others are not stored, but declared ones are checked all the same, so the same file fails the
    same way whatever is kept. The schema names every column. Raises DataError for a missing or unreadable file,
    a missing column, or the first value that does not fit its declared column.
    """
    path = resolve_source(name, spec, base_dir)
    keep = None if columns is None else frozenset(columns)
    try:
        return _load_file(con, table, name, spec, path, timezone, keep, encoding=None)
    except _NotUtf8:  # its head is UTF-8, the rest is not
        return _load_file(con, table, name, spec, path, timezone, keep, encoding="gb18030")


def _load_file(
    con: duckdb.DuckDBPyConnection,
    table: str,
    name: str,
    spec: DatasetSpec,
    path: Path,
    timezone: str,
    keep: frozenset[str] | None,
    encoding: str | None,
) -> LoadedDataset:
    opened = _open_source(con, name, spec, path, sample=False, encoding=encoding)
    with opened as source, _session_timezone(con, timezone):
        try:
            return _load(con, table, name=name, spec=spec, path=path, source=source, zone=timezone, keep=keep)
        except _Resample:
            again = replace(source, full_sample=True)
            return _load(con, table, name=name, spec=spec, path=path, source=again, zone=timezone, keep=keep)


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
    keep: frozenset[str] | None,
) -> LoadedDataset:
    described = _describe(con, source)
    schema = _schema(name, spec, path, source, described)
    if source.kind == "csv":  # declared columns are read as text, then cast in SQL
        source = replace(source, text_columns=tuple(c for c in spec.columns))
        described = [(column, "VARCHAR" if column in spec.columns else t) for column, t in described]
    local = _zone(con, zone)
    columns = [_column(con, name, c, t, spec=spec.column(c), zone=local) for c, t in described]
    stored = [column for column in columns if keep is None or column.name in keep] or columns[:1]
    rows = _create(con, table, source, stored, [column for column in columns if column.checks])
    return LoadedDataset(schema=schema, table=table, rows=rows)


def _create(
    con: duckdb.DuckDBPyConnection, table: str, source: _Source, stored: list[_Column], checked: list[_Column]
) -> int:
    """Create the typed table of the ``stored`` columns. A column notes each row's first bad value in the
    ``checked`` columns; the first of them is the error (the table keeps the file's order)."""
    target = _ident(table)
    distinct = _distinct_texts(con, source, stored) if _on_disk(con) else set()
    plain = " USING COMPRESSION uncompressed"
    columns = [f"{_ident(c.name)} {DUCK_TYPES[c.type]}{plain if c.name in distinct else ''}" for c in stored]
    values = [column.expr for column in stored]
    problem = _problem_sql(checked, _ROW if source.own_rows else None)
    if problem:
        columns.append(f"{_BAD} VARCHAR")
        values.append(problem)
    con.execute(f"CREATE OR REPLACE TABLE {target} ({', '.join(columns)})")
    try:
        relation = source.relation(rows=source.own_rows)
        _run(con, source, f"INSERT INTO {target} SELECT {', '.join(values)} FROM {relation}")
        if problem:
            bad = f"SELECT rowid, {_BAD} FROM {target} WHERE {_BAD} IS NOT NULL ORDER BY rowid LIMIT 1"
            if found := con.execute(bad).fetchone():
                raise _bad_value_error(source, checked, int(found[0]), str(found[1]))
            con.execute(f"ALTER TABLE {target} DROP COLUMN {_BAD}")
        counted = con.execute(f"SELECT count(*) FROM {target}").fetchone()
    except BaseException:
        con.execute(f"DROP TABLE IF EXISTS {target}")
        raise
    return int(counted[0]) if counted else 0


def _on_disk(con: duckdb.DuckDBPyConnection) -> bool:
    """Whether the connection's database is a file (whose tables DuckDB compresses), not memory."""
    row = con.execute("SELECT path FROM duckdb_databases() WHERE database_name = current_database()").fetchone()
    return bool(row and row[0])


def _distinct_texts(con: duckdb.DuckDBPyConnection, source: _Source, columns: list[_Column]) -> set[str]:
    """The text columns whose values are mostly distinct (ids, phone numbers) in the file's first records."""
    texts = [column for column in columns if column.type == "string"]
    if not texts:
        return set()
    counts = ", ".join(f"approx_count_distinct({column.expr})" for column in texts)
    head = f"(SELECT * FROM {source.relation()} LIMIT {_SPREAD_SAMPLE}) AS head"
    rows = _run(con, source, f"SELECT count(*), {counts} FROM {head}")
    total, *distinct = rows[0]
    return {column.name for column, n in zip(texts, distinct, strict=True) if n and 2 * n > total}


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
