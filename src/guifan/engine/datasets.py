"""Reading a dataset's file into a typed DuckDB table.

A dataset (``datasets:`` in a pack) names a file: CSV/TSV/TXT, Excel (.xlsx), Parquet or JSON Lines. This
module finds it, works out its columns and their types, and loads it into a DuckDB table:

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

import codecs
import contextlib
import csv
import datetime as dt
import os
import re
import tempfile
import uuid
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import duckdb
import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import python_calamine

from guifan.engine.errors import DataError, Location, Problem, did_you_mean
from guifan.engine.pack.dataset import ColumnSpec, DatasetSpec

__all__ = ["DatasetSchema", "LoadedDataset", "load_dataset", "probe_schema", "resolve_source"]

_ROW = "__guifan_row"  # row number column used while looking for the first bad value
_BAD = "__guifan_bad"  # flag column that exists only while a table is being loaded
_CHUNK = 1 << 20  # bytes read at a time when checking or transcoding an encoding
_SAMPLE_BYTES = 1 << 20  # how much of a CSV probe_schema reads
_SAMPLE_ROWS = 1000  # how many Excel rows probe_schema reads
_MAX_EXACT_FLOAT = 2**53
_TRUE = ("true", "yes", "1", "是")
_FALSE = ("false", "no", "0", "否")
_CSV_SUFFIXES = (".csv", ".tsv", ".txt")
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
_A_TYPE = {
    "integer": "an integer",
    "number": "a number",
    "boolean": "a boolean (true/false, yes/no, 1/0, 是/否)",
    "date": "a date",
    "timestamp": "a timestamp",
}


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
# Public API


def resolve_source(name: str, spec: DatasetSpec, base_dir: Path) -> Path:
    """The dataset's file: ``spec.source`` relative to ``base_dir``. DataError when it is not there."""
    path = (base_dir / spec.source).resolve()
    if not path.is_file():
        raise DataError(
            Problem(
                f"dataset {name!r}: file {spec.source} not found in {base_dir.resolve()}",
                hint="source: is relative to the pack folder; use --data DIR when the data is kept elsewhere",
            )
        )
    return path


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


# ----------------------------------------------------------------------------------------------------
# Sources: how each file format becomes a relation DuckDB can read


@dataclass(frozen=True)
class _Source:
    kind: str  # csv | xlsx | parquet | json
    label: str  # the file as messages name it (and the sheet, for Excel)
    path: Path  # the file DuckDB reads: the original, or a UTF-8 copy of a CSV in another encoding
    delimiter: str = ","
    text_columns: tuple[str, ...] = ()  # CSV columns read as text (the declared ones)
    full_sample: bool = False  # sniff types from every row, not from a sample
    view: str = ""  # Excel: the registered Arrow table (it has a row number column)

    def relation(self, rows: bool = False) -> str:
        """SQL for the file's records; with ``rows``, a ``__guifan_row`` column numbers them."""
        path = _lit(str(self.path))
        if self.kind == "xlsx":
            columns = "*" if rows else f"* EXCLUDE ({_ROW})"
            return f"(SELECT {columns} FROM {_ident(self.view)})"
        if self.kind == "parquet":
            if not rows:
                return f"read_parquet({path})"
            scan = f"read_parquet({path}, file_row_number = true)"
            return f"(SELECT file_row_number + 1 AS {_ROW}, * EXCLUDE (file_row_number) FROM {scan})"
        sample = ", sample_size = -1" if self.full_sample else ""
        if self.kind == "json":
            scan = f"read_json({path}, format = 'newline_delimited'{sample})"
            first = 1  # the record index; _display_row turns it into a line number
        else:
            types = ", ".join(f"{_lit(column)}: 'VARCHAR'" for column in self.text_columns)
            typed = f", types = {{{types}}}" if types else ""
            scan = f"read_csv({path}, header = true, delim = {_lit(self.delimiter)}{typed}{sample})"
            first = 2  # the header is row 1
        return f"(SELECT row_number() OVER () + {first - 1} AS {_ROW}, * FROM {scan})" if rows else scan


@contextlib.contextmanager
def _open_source(
    con: duckdb.DuckDBPyConnection, name: str, spec: DatasetSpec, path: Path, *, sample: bool
) -> Iterator[_Source]:
    """The file as a :class:`_Source`; temporary files and registered tables are removed afterwards."""
    suffix = path.suffix.lower()
    with contextlib.ExitStack() as stack:
        if suffix in _CSV_SUFFIXES:
            yield _csv_source(name, spec, path, sample, stack)
        elif suffix == ".xlsx":
            yield _xlsx_source(con, spec, path, sample, stack)
        elif suffix == ".parquet":
            yield _Source("parquet", spec.source, path)
        else:
            yield _Source("json", spec.source, path)


def _describe(con: duckdb.DuckDBPyConnection, source: _Source) -> list[tuple[str, str]]:
    """The columns DuckDB sees in the file and the types it gives them (from the header and a sample)."""
    rows = _run(con, source, f"DESCRIBE SELECT * FROM {source.relation()}")
    return [(str(row[0]), str(row[1])) for row in rows]


# ----------------------------------------------------------------------------------------------------
# CSV: delimiter and encoding


def _csv_source(name: str, spec: DatasetSpec, path: Path, sample: bool, stack: contextlib.ExitStack) -> _Source:
    delimiter = _delimiter(spec, path)
    limit = _SAMPLE_BYTES if sample else None
    encoding = _encoding(name, spec, path, limit)
    source = _Source("csv", spec.source, path, delimiter)
    if encoding != "utf-8" or sample:
        copy = stack.enter_context(_temporary_file(".csv"))
        _transcode(path, copy, encoding, limit, spec.source, detected=spec.encoding is None)
        source = replace(source, path=copy)
    _check_not_empty(source)
    return source


def _delimiter(spec: DatasetSpec, path: Path) -> str:
    if spec.delimiter:
        return "\t" if spec.delimiter.lower() in ("\\t", "tab") else spec.delimiter
    return "\t" if path.suffix.lower() == ".tsv" else ","


def _encoding(name: str, spec: DatasetSpec, path: Path, limit: int | None) -> str:
    """The codec to read a CSV with: the declared one, else UTF-8 when the bytes are UTF-8, else GB18030."""
    if spec.encoding:
        try:
            codec = codecs.lookup(spec.encoding).name
        except LookupError:
            raise DataError(
                Problem(
                    f"unknown encoding {spec.encoding!r}",
                    Location(field=f"datasets.{name}.encoding"),
                    hint="leave it out to have UTF-8 and GB18030 detected",
                )
            ) from None
        return "utf-8" if codec in ("utf-8", "utf-8-sig") else codec
    with path.open("rb") as file:
        head = file.read(4)
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "utf-16"
    return "utf-8" if _is_utf8(path, limit) else "gb18030"


def _is_utf8(path: Path, limit: int | None) -> bool:
    """Whether the file (or its first ``limit`` bytes) decodes as UTF-8; stops at the first bad byte."""
    decoder = codecs.getincrementaldecoder("utf-8")()
    seen = 0
    try:
        with path.open("rb") as file:
            while chunk := file.read(_CHUNK):
                decoder.decode(chunk)
                seen += len(chunk)
                if limit is not None and seen >= limit:
                    return True
            decoder.decode(b"", final=True)
    except UnicodeDecodeError:
        return False
    return True


def _transcode(src: Path, dst: Path, encoding: str, limit: int | None, label: str, *, detected: bool) -> None:
    """Copy ``src`` to ``dst`` as UTF-8, in chunks; with ``limit``, only the complete records of its head."""
    decoder = codecs.getincrementaldecoder(encoding)()
    try:
        with src.open("rb") as fin, dst.open("w", encoding="utf-8", newline="") as fout:
            if limit is not None:
                text = decoder.decode(fin.read(limit))
                if fin.read(1):
                    text = _complete_records(text)
                else:
                    text += decoder.decode(b"", final=True)
                fout.write(text)
                return
            while chunk := fin.read(_CHUNK):
                fout.write(decoder.decode(chunk))
            fout.write(decoder.decode(b"", final=True))
    except UnicodeDecodeError as exc:
        if detected:
            message = f"cannot read {label}: it is neither UTF-8 nor GB18030; save it as UTF-8"
        else:
            message = f"cannot read {label} as {encoding}: {exc.reason}; save it as UTF-8 or fix encoding:"
        raise DataError(Problem(message)) from None


def _complete_records(text: str) -> str:
    """``text`` up to its last line break that is not inside a quoted value (so no record is cut in two)."""
    end = text.rfind("\n")
    quotes = text.count('"', 0, max(end, 0))
    while end > 0 and quotes % 2:
        previous = text.rfind("\n", 0, end)
        quotes -= text.count('"', max(previous, 0), end)
        end = previous
    return text[: end + 1] if end > 0 else text


def _check_not_empty(source: _Source) -> None:
    with source.path.open("rb") as file:
        head = file.read(4096)
    if not head.removeprefix(codecs.BOM_UTF8).strip():
        raise _error("the file is empty; it needs at least a header row", file=source.label)


@contextlib.contextmanager
def _temporary_file(suffix: str) -> Iterator[Path]:
    handle, name = tempfile.mkstemp(prefix="guifan-", suffix=suffix)
    os.close(handle)  # the path is written afresh
    path = Path(name)
    try:
        yield path
    finally:
        path.unlink(missing_ok=True)


# ----------------------------------------------------------------------------------------------------
# Excel: python-calamine rows -> Arrow columns


def _xlsx_source(
    con: duckdb.DuckDBPyConnection, spec: DatasetSpec, path: Path, sample: bool, stack: contextlib.ExitStack
) -> _Source:
    table, sheet = _read_xlsx(path, spec.sheet, spec.source, _SAMPLE_ROWS if sample else None)
    view = f"__guifan_xlsx_{uuid.uuid4().hex}"
    con.register(view, table)
    stack.callback(con.unregister, view)
    return _Source("xlsx", f"{spec.source}, sheet {sheet!r}", path, view=view)


def _read_xlsx(path: Path, sheet: str | None, label: str, nrows: int | None) -> tuple[pa.Table, str]:
    """The sheet as an Arrow table (first row = header) with a ``__guifan_row`` column of sheet rows."""
    try:
        workbook = python_calamine.CalamineWorkbook.from_path(str(path))
    except (python_calamine.CalamineError, OSError, ValueError) as exc:
        raise _error(f"cannot read it as an Excel workbook: {exc}", file=label) from None
    with workbook:
        names = workbook.sheet_names
        name = sheet or (names[0] if names else "")
        if name not in names:
            listed = ", ".join(repr(n) for n in names) or "none"
            raise _error(
                f"there is no sheet {name!r}; its sheets are {listed}",
                hint=did_you_mean(name, names),
                file=label,
            )
        worksheet = workbook.get_sheet_by_name(name)
        rows = worksheet.to_python(nrows=None if nrows is None else nrows + 1)
        start = worksheet.start
    if not rows or start is None:
        raise _error(f"sheet {name!r} is empty; it needs at least a header row", file=label)
    return _rows_to_arrow(rows, first_row=start[0] + 2), name


def _rows_to_arrow(rows: Sequence[Sequence[Any]], first_row: int) -> pa.Table:
    header, data = rows[0], rows[1:]
    names, blank = _header_names(header)
    columns: list[Sequence[Any]] = list(zip(*data, strict=True)) if data else [() for _ in header]
    arrays = [_xlsx_column(values) for values in columns]
    keep = [i for i, array in enumerate(arrays) if not (blank[i] and array.null_count == len(array))]
    table = pa.table(
        [pa.array(np.arange(first_row, first_row + len(data), dtype=np.int64)), *(arrays[i] for i in keep)],
        names=[_ROW, *(names[i] for i in keep)],
    )
    if not keep or not data:
        return table
    empty = pc.is_null(arrays[keep[0]])
    for i in keep[1:]:
        empty = pc.and_(empty, pc.is_null(arrays[i]))
    return table.filter(pc.invert(empty))  # rows with no value at all are not records


def _header_names(header: Sequence[Any]) -> tuple[list[str], list[bool]]:
    """Column names from a header row: blanks become ``columnN``, repeats get ``_1``, ``_2``."""
    names: list[str] = []
    blank: list[bool] = []
    seen: set[str] = set()
    for index, cell in enumerate(header):
        text = (_cell_text(cell) or "").strip()
        blank.append(not text)
        base = text or f"column{index + 1}"
        name, count = base, 0
        while name.lower() in seen:
            count += 1
            name = f"{base}_{count}"
        seen.add(name.lower())
        names.append(name)
    return names, blank


def _xlsx_column(values: Sequence[Any]) -> pa.Array:
    """One sheet column as an Arrow array: typed when every cell has one kind of value, else text."""
    kinds = list(map(type, values))
    empty = values.count("")
    present = set(kinds)
    if kinds.count(str) == empty:
        present.discard(str)
    if not present:
        return pa.nulls(len(values), pa.string())
    cells = [None if value == "" else value for value in values] if empty else list(values)
    if present <= {int, float}:
        return _xlsx_numbers(cells)
    if present == {bool}:
        return pa.array(cells, pa.bool_())
    if present == {dt.date}:
        return pa.array(cells, pa.date32())
    if present <= {dt.date, dt.datetime}:
        moments = [v if v is None or type(v) is dt.datetime else dt.datetime.combine(v, dt.time()) for v in cells]
        return pa.array(moments, pa.timestamp("us"))
    return pa.array([_cell_text(value) for value in values], pa.string())


def _xlsx_numbers(cells: list[Any]) -> pa.Array:
    """Numbers; whole numbers (Excel stores every number as a float) become integers."""
    array = pa.array(cells, pa.float64())
    valid = array.drop_null()
    whole = pc.all(pc.equal(pc.floor(valid), valid)).as_py()
    if whole and pc.max(pc.abs(valid)).as_py() <= _MAX_EXACT_FLOAT:
        return array.cast(pa.int64())
    return array


def _cell_text(value: Any) -> str | None:
    """A cell as text, written the way a person would type it."""
    if value == "" or value is None:
        return None
    return value if isinstance(value, str) else _value_text(value)


def _value_text(value: Any) -> str:
    """A non-text value (a cell, or an allowed value from the pack) as text."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else repr(value)
    if isinstance(value, dt.datetime):
        return value.isoformat(sep=" ")
    if isinstance(value, dt.date | dt.time):
        return value.isoformat()
    return str(value)


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

    def problem_code(self) -> str:
        """SQL naming the first check a row breaks: 1 type, 2 values, 3 min, 4 max, 0 none."""
        cases = " ".join(f"WHEN {check} THEN {code}" for code, check in self._numbered())
        return f"CASE {cases} ELSE 0 END"

    def _numbered(self) -> list[tuple[int, str]]:
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


def _inferred_expr(ref: str, family: str, zone: str) -> str:
    """SQL for an undeclared column: DuckDB's type, naive timestamps placed in the pack's zone."""
    if family in ("int", "float"):
        return f"CAST({ref} AS {'BIGINT' if family == 'int' else 'DOUBLE'})"
    if family == "ts":
        return f"timezone({_lit(zone)}, CAST({ref} AS TIMESTAMP))"
    if family in ("bool", "date", "tstz"):
        return ref
    return _as_text(ref, family)


def _direct_expr(ref: str, family: str, target: str, zone: str) -> tuple[str, bool] | None:
    """SQL from a typed file column to a declared type (and whether it can fail), or None to go via text."""
    naive = f"timezone({_lit(zone)}, CAST({ref} AS TIMESTAMP))"
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
    zone: str,
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
# Loading


class _Resample(Exception):  # noqa: N818 - a signal, not an error
    """A type DuckDB sniffed from a sample does not hold for the whole file: read it again, sniff it all."""


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


def _first_bad_value(con: duckdb.DuckDBPyConnection, source: _Source, columns: list[_Column]) -> DataError:
    """The error for the first row (in file order) holding a value that breaks its column's declaration."""
    checked = [column for column in columns if column.checks]
    parts = [item for column in checked for item in (column.raw, column.problem_code())]
    condition = " OR ".join(check for column in checked for check in column.checks)
    found = _run(
        con,
        source,
        f"SELECT {_ROW}, {', '.join(parts)} FROM {source.relation(rows=True)} "
        f"WHERE {condition} ORDER BY {_ROW} LIMIT 1",
    )
    if found:
        row = found[0]
        for index, column in enumerate(checked):
            raw, code = row[1 + 2 * index], row[2 + 2 * index]
            if code:
                where = Location(file=source.label, row=_display_row(source, int(row[0])), data_column=column.name)
                return DataError(Problem(_bad_message(column, int(code), raw), where))
    return _error("holds values that do not fit its declared columns", file=source.label)


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


def _display_row(source: _Source, row: int) -> int:
    """The row as the user counts it; for JSON Lines the line number (blank lines are not records)."""
    if source.kind != "json":
        return row
    records = 0
    with source.path.open("rb") as file:
        for number, line in enumerate(file, 1):
            if line.strip():
                records += 1
                if records == row:
                    return number
    return row


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


# ----------------------------------------------------------------------------------------------------
# DuckDB errors -> DataError


def _run(con: duckdb.DuckDBPyConnection, source: _Source, sql: str) -> list[tuple[Any, ...]]:
    """Run SQL that reads the file; DuckDB's errors become DataErrors naming the file (and row when known)."""
    try:
        return con.execute(sql).fetchall()
    except duckdb.Error as exc:
        sniffed = source.kind in ("csv", "json") and not source.full_sample
        if sniffed and (isinstance(exc, duckdb.ConversionException) or "JSON transform error" in str(exc)):
            raise _Resample from exc
        raise _read_error(con, source, exc) from None


def _read_error(con: duckdb.DuckDBPyConnection, source: _Source, exc: duckdb.Error) -> DataError:
    text = str(exc).replace(str(source.path), source.label)
    if line := re.search(r"CSV Error on Line: (\d+)", text):
        return _error(_csv_error_detail(text), file=source.label, row=int(line[1]))
    if "Error when sniffing file" in text and source.kind == "csv":
        return _locate_csv_error(con, source) or _error(
            f"cannot read it as CSV with delimiter {source.delimiter!r}: "
            "its rows do not all have the same number of columns",
            hint="set delimiter: in the dataset if the file uses another one",
            file=source.label,
        )
    if json := re.search(r"Malformed JSON .*? in line (\d+): (.*)", text):
        return _error(f"malformed JSON: {json[2].strip().rstrip('.')}", file=source.label, row=int(json[1]))
    return _error(f"cannot read it: {_first_line(text)}", file=source.label)


def _csv_error_detail(text: str) -> str:
    if columns := re.search(r"Expected Number of Columns: (\d+) Found: (\d+)", text):
        return f"expected {columns[1]} columns, found {columns[2]}"
    if "Invalid unicode" in text:
        return "it is not valid UTF-8; save it as UTF-8 or set encoding: in the dataset"
    if "unterminated quote" in text.lower():
        return "a quoted value is not closed"
    lines = [line.strip() for line in text.splitlines()[1:] if line.strip()]
    detail = next((line for line in lines if not line.startswith("Original Line")), _first_line(text))
    return f"cannot read it: {detail}"


def _locate_csv_error(con: duckdb.DuckDBPyConnection, source: _Source) -> DataError | None:
    """Find the row that made DuckDB's dialect sniffing fail, by reading the file with a fixed dialect."""
    try:
        with source.path.open(encoding="utf-8-sig", newline="") as file:
            header = next(csv.reader(file, delimiter=source.delimiter), [])
    except (OSError, UnicodeDecodeError, csv.Error, TypeError):
        return None
    columns = ", ".join(f"{_lit(f'c{i}')}: 'VARCHAR'" for i in range(len(header)))
    if not columns:
        return None
    try:
        con.execute(
            f"SELECT count(*) FROM read_csv({_lit(str(source.path))}, auto_detect = false, header = true, "
            f"delim = {_lit(source.delimiter)}, quote = '\"', escape = '\"', columns = {{{columns}}})"
        ).fetchall()
    except duckdb.Error as exc:
        if line := re.search(r"CSV Error on Line: (\d+)", str(exc)):
            return _error(_csv_error_detail(str(exc)), file=source.label, row=int(line[1]))
    return None


# ----------------------------------------------------------------------------------------------------
# SQL text and small helpers


def _error(
    message: str,
    hint: str | None = None,
    *,
    file: str,
    row: int | None = None,
    data_column: str | None = None,
) -> DataError:
    return DataError(Problem(message, Location(file=file, row=row, data_column=data_column), hint))


def _ident(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _lit(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def _float(value: float) -> str:
    return f"CAST({_lit(repr(float(value)))} AS DOUBLE)"


def _number(value: float | None) -> str:
    if value is not None and float(value).is_integer():
        return str(int(value))
    return str(value)


def _first_line(text: str) -> str:
    first = text.strip().splitlines()[0] if text.strip() else text
    return re.sub(r"^[A-Za-z ]*Error: ", "", first)
