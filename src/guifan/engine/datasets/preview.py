"""A dataset's first records, typed, and how many records it has — without loading the file.

:func:`preview_dataset` reads what :func:`probe_schema` reads (a CSV's first megabyte, a Parquet footer and its
first row group, the first Excel rows) and converts the first ``limit`` records exactly as
:func:`load_dataset` would: the declared types, formats, ``values`` and ``min``/``max`` are applied, and the
first record among them that breaks one is reported with the same message (file, row, column, value). Records
further on are not checked: that is the load's job.

The record count is read as cheaply as the format allows, with no type conversion:

* Parquet: the footer's row counts (no data is read);
* CSV/TSV: the record separators counted over the raw bytes, vectorised — a line break inside a quoted value
  does not end a record and blank lines are not records, as DuckDB reads them. Line breaks and quotes are the
  same bytes in UTF-8 and GB18030/GBK, so those are counted without decoding; other encodings (UTF-16) are
  decoded in chunks first;
* JSON Lines: the lines that are not blank;
* Excel: the sheet's records (python-calamine parses the whole sheet in any case).
"""

from __future__ import annotations

import codecs
from collections.abc import Iterable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import duckdb
import numpy as np

from guifan.engine.datasets import DatasetSchema, _schema, _session_timezone
from guifan.engine.datasets.columns import _bad_value_error, _column, _problem_sql, _zone
from guifan.engine.datasets.common import _ROW, _lit
from guifan.engine.datasets.encoding import _encoding
from guifan.engine.datasets.excel import _read_xlsx
from guifan.engine.datasets.sources import (
    _CSV_SUFFIXES,
    _describe,
    _open_source,
    _Resample,
    _run,
    _Source,
    resolve_source,
)
from guifan.engine.pack.dataset import DatasetSpec

__all__ = ["DatasetPreview", "count_records", "preview_dataset"]

_CHUNK = 8 << 20  # bytes counted at a time
_NEWLINE, _QUOTE, _CR = 10, 34, 13
_ASCII_SUPERSETS = frozenset({"utf-8", "gb18030", "gbk", "gb2312", "big5", "latin-1", "iso8859-1", "cp1252"})


@dataclass(frozen=True)
class DatasetPreview:
    """The first records of a dataset, converted to their types, and the number of records in the file."""

    schema: DatasetSchema
    columns: list[str]
    rows: list[tuple[Any, ...]]
    records: int


def preview_dataset(name: str, spec: DatasetSpec, base_dir: Path, timezone: str, limit: int) -> DatasetPreview:
    """The first ``limit`` records of the dataset, typed as :func:`load_dataset` types them, and its record count.

    Raises DataError as :func:`load_dataset` does for a missing file or column, and for a value among the first
    ``limit`` records that does not fit its declared column."""
    path = resolve_source(name, spec, base_dir)
    with ThreadPoolExecutor(max_workers=1) as pool:  # count while the head is read (both release the GIL)
        counted = pool.submit(count_records, name, spec, path)
        con = duckdb.connect()
        try:
            with _open_source(con, name, spec, path, sample=True) as source, _session_timezone(con, timezone):
                try:
                    schema, columns, rows = _head(con, name, spec, path, source, timezone, limit)
                except _Resample:  # a type sniffed from part of the sample does not hold: sniff all of it
                    again = replace(source, full_sample=True)
                    schema, columns, rows = _head(con, name, spec, path, again, timezone, limit)
        finally:
            con.close()
        return DatasetPreview(schema, columns, rows, counted.result())


def _head(
    con: duckdb.DuckDBPyConnection, name: str, spec: DatasetSpec, path: Path, source: _Source, zone: str, limit: int
) -> tuple[DatasetSchema, list[str], list[tuple[Any, ...]]]:
    described = _describe(con, source)
    schema = _schema(name, spec, path, source, described)
    if source.kind == "csv":  # declared columns are read as text, then cast in SQL (as the load does)
        source = replace(source, text_columns=tuple(spec.columns))
        described = [(column, "VARCHAR" if column in spec.columns else t) for column, t in described]
    local = _zone(con, zone)
    columns = [_column(con, name, c, t, spec=spec.column(c), zone=local) for c, t in described]
    checked = [column for column in columns if column.checks]
    problem = _problem_sql(checked, _ROW if source.own_rows else None) or "NULL"
    head = f"(SELECT * FROM {source.relation(rows=source.own_rows)} LIMIT {max(int(limit), 0)}) AS head"
    fetched = _run(con, source, f"SELECT {', '.join(c.expr for c in columns)}, {problem} FROM {head}")
    for index, row in enumerate(fetched):
        if row[-1] is not None:
            raise _bad_value_error(source, checked, index, str(row[-1]))
    return schema, [column.name for column in columns], [tuple(row[:-1]) for row in fetched]


def count_records(name: str, spec: DatasetSpec, path: Path) -> int:
    """The number of records in the dataset's file, read cheaply and without converting any value."""
    suffix = path.suffix.lower()
    if suffix == ".parquet":
        con = duckdb.connect()
        try:
            found = con.execute(f"SELECT sum(num_rows) FROM parquet_file_metadata({_lit(str(path))})").fetchone()
        finally:
            con.close()
        return int(found[0]) if found and found[0] is not None else 0
    if suffix == ".xlsx":
        table, _sheet = _read_xlsx(path, spec.sheet, spec.source, None)
        return int(table.num_rows)
    if suffix in _CSV_SUFFIXES:
        encoding = codecs.lookup(_encoding(name, spec, path)).name
        chunks = _raw_chunks(path) if encoding in _ASCII_SUPERSETS else _utf8_chunks(path, encoding)
        return max(_count_lines(chunks, quoted=True) - 1, 0)  # the header is not a record
    return _count_lines(_raw_chunks(path), quoted=False)


def _raw_chunks(path: Path) -> Iterator[bytes]:
    with path.open("rb") as file:
        while chunk := file.read(_CHUNK):
            yield chunk


def _utf8_chunks(path: Path, encoding: str) -> Iterator[bytes]:
    decoder = codecs.getincrementaldecoder(encoding)()
    for chunk in _raw_chunks(path):
        yield decoder.decode(chunk).encode("utf-8")
    yield decoder.decode(b"", final=True).encode("utf-8")


def _count_lines(chunks: Iterable[bytes], *, quoted: bool) -> int:
    """Lines that are not blank (empty, or a lone ``\\r``); with ``quoted``, a line break inside a double-quoted
    value does not end a line (a doubled quote inside one leaves it open, as it should).

    Vectorised over the positions of line breaks and quotes only: a break is inside a value when an odd number
    of quotes precede it, and a line is blank when its break follows the previous one directly."""
    lines = 0
    inside = False  # within a quoted value at the end of the previous chunk
    last_break = -1  # position of the last line break outside quotes (-1: the file's start)
    before = -1  # the byte before the current chunk
    offset = 0  # the current chunk's position in the file
    for chunk in chunks:
        data = np.frombuffer(chunk, dtype=np.uint8)
        if data.size == 0:
            continue
        ends = np.flatnonzero(data == _NEWLINE)
        if quoted:
            quotes = np.flatnonzero(data == _QUOTE)
            outside = (np.searchsorted(quotes, ends) & 1) == (1 if inside else 0)
            ends = ends[outside]
            inside = (quotes.size % 2 == 1) != inside
        if ends.size:
            gaps = np.diff(ends + offset, prepend=last_break)
            previous = np.where(ends > 0, data[np.maximum(ends - 1, 0)], before)
            blank = (gaps == 1) | ((gaps == 2) & (previous == _CR))
            lines += int(ends.size - np.count_nonzero(blank))
            last_break = int(ends[-1]) + offset
        before = int(data[-1])
        offset += data.size
    tail = offset - last_break - 1  # bytes after the last line break
    return lines + (1 if tail > 1 or (tail == 1 and before != _CR) else 0)
