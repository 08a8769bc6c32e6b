"""Sources: finding a dataset's file and making each file format a relation DuckDB can read.

A :class:`_Source` is the file as DuckDB reads it (a CSV in another encoding is a UTF-8 copy, an Excel sheet a
registered Arrow table); :func:`_run` runs SQL on it and turns DuckDB's errors into DataErrors naming the file.
"""

from __future__ import annotations

import codecs
import contextlib
import csv
import os
import re
import tempfile
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import duckdb

from guifan.engine.datasets.common import _ROW, _error, _first_line, _ident, _lit
from guifan.engine.datasets.encoding import _encoding, _transcode
from guifan.engine.datasets.excel import _read_xlsx
from guifan.engine.errors import DataError, Problem
from guifan.engine.pack.dataset import DatasetSpec

_SAMPLE_BYTES = 1 << 20  # how much of a CSV probe_schema reads
_SAMPLE_ROWS = 1000  # how many Excel rows probe_schema reads
_CSV_SUFFIXES = (".csv", ".tsv", ".txt")
_NOT_UTF8 = "it is not valid UTF-8"


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
    guessed: bool = False  # CSV read as UTF-8 because its head is: invalid UTF-8 further on means GB18030
    view: str = ""  # Excel: the registered Arrow table (it has a row number column)

    @property
    def first_row(self) -> int:
        """The row number of the first record (as :func:`_display_row` takes it): a CSV's header is row 1."""
        return 2 if self.kind == "csv" else 1

    @property
    def own_rows(self) -> bool:
        """Whether records have row numbers of their own (``__guifan_row`` in ``relation(rows=True)``): Excel's
        are the sheet's rows, and rows with no value are not records, so a record's index does not give its row."""
        return self.kind == "xlsx"

    def relation(self, rows: bool = False) -> str:
        """SQL for the file's records; with ``rows`` (see :attr:`own_rows`), a ``__guifan_row`` column too."""
        path = _lit(str(self.path))
        if self.kind == "xlsx":
            columns = "*" if rows else f"* EXCLUDE ({_ROW})"
            return f"(SELECT {columns} FROM {_ident(self.view)})"
        if self.kind == "parquet":
            return f"read_parquet({path})"
        sample = ", sample_size = -1" if self.full_sample else ""
        if self.kind == "json":
            return f"read_json({path}, format = 'newline_delimited'{sample})"
        types = ", ".join(f"{_lit(column)}: 'VARCHAR'" for column in self.text_columns)
        typed = f", types = {{{types}}}" if types else ""
        return f"read_csv({path}, header = true, delim = {_lit(self.delimiter)}{typed}{sample})"


@contextlib.contextmanager
def _open_source(
    con: duckdb.DuckDBPyConnection,
    name: str,
    spec: DatasetSpec,
    path: Path,
    *,
    sample: bool,
    encoding: str | None = None,
) -> Iterator[_Source]:
    """The file as a :class:`_Source`; temporary files and registered tables are removed afterwards.

    ``encoding`` overrides a CSV's detected encoding (after :class:`_NotUtf8`)."""
    suffix = path.suffix.lower()
    with contextlib.ExitStack() as stack:
        if suffix in _CSV_SUFFIXES:
            yield _csv_source(name, spec, path, sample, stack, encoding)
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


# ----------------------------------------------------------------------------------------------------
# CSV: delimiter, encoding (see encoding.py) and a temporary UTF-8 copy


def _csv_source(
    name: str, spec: DatasetSpec, path: Path, sample: bool, stack: contextlib.ExitStack, encoding: str | None
) -> _Source:
    delimiter = _delimiter(spec, path)
    limit = _SAMPLE_BYTES if sample else None
    encoding = encoding or _encoding(name, spec, path)
    guessed = encoding == "utf-8" and spec.encoding is None and not sample
    source = _Source("csv", spec.source, path, delimiter, guessed=guessed)
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
# Excel: the sheet as a registered Arrow table (see excel.py)


def _xlsx_source(
    con: duckdb.DuckDBPyConnection, spec: DatasetSpec, path: Path, sample: bool, stack: contextlib.ExitStack
) -> _Source:
    table, sheet = _read_xlsx(path, spec.sheet, spec.source, _SAMPLE_ROWS if sample else None)
    view = f"__guifan_xlsx_{uuid.uuid4().hex}"
    con.register(view, table)
    stack.callback(con.unregister, view)
    return _Source("xlsx", f"{spec.source}, sheet {sheet!r}", path, view=view)


# ----------------------------------------------------------------------------------------------------
# DuckDB errors -> DataError


class _Resample(Exception):  # noqa: N818 - a signal, not an error
    """A type DuckDB sniffed from a sample does not hold for the whole file: read it again, sniff it all."""


class _NotUtf8(Exception):  # noqa: N818 - a signal, not an error
    """A CSV whose head is UTF-8 holds invalid UTF-8 further on: read it again as GB18030."""


def _run(con: duckdb.DuckDBPyConnection, source: _Source, sql: str) -> list[tuple[Any, ...]]:
    """Run SQL that reads the file; DuckDB's errors become DataErrors naming the file (and row when known)."""
    try:
        return con.execute(sql).fetchall()
    except duckdb.Error as exc:
        sniffed = source.kind in ("csv", "json") and not source.full_sample
        if sniffed and (isinstance(exc, duckdb.ConversionException) or "JSON transform error" in str(exc)):
            raise _Resample from exc
        error = _read_error(con, source, exc)
        if source.guessed and _NOT_UTF8 in str(error):
            raise _NotUtf8 from exc
        raise error from None


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
        return f"{_NOT_UTF8}; save it as UTF-8 or set encoding: in the dataset"
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
