"""Writing datasets to files: UTF-8 CSV (optionally with a BOM), GB18030 CSV, or Parquet.

Every file is written to a temporary name first and renamed, so a folder never holds a half-written file.
"""

from __future__ import annotations

import io
from pathlib import Path

import pyarrow as pa
import pyarrow.csv as pacsv
import pyarrow.parquet as pq

from guifan.demo.common import Dataset

UTF8_BOM = b"\xef\xbb\xbf"


def csv_bytes(data: pa.Table) -> bytes:
    """The table as UTF-8 CSV: a plain header line, values quoted only where needed, empty for null."""
    buffer = io.BytesIO()
    buffer.write((",".join(data.column_names) + "\n").encode("utf-8"))
    options = pacsv.WriteOptions(include_header=False, quoting_style="needed")
    pacsv.write_csv(data, buffer, options)
    return buffer.getvalue()


def parquet_bytes(data: pa.Table) -> bytes:
    """The table as Parquet (zstd, no pandas metadata)."""
    buffer = io.BytesIO()
    pq.write_table(data.replace_schema_metadata(None), buffer, compression="zstd")
    return buffer.getvalue()


def encode(dataset: Dataset) -> bytes:
    """The file content for ``dataset`` in its format."""
    if dataset.file_format == "parquet":
        return parquet_bytes(dataset.table)
    text = csv_bytes(dataset.table)
    if dataset.file_format == "csv-bom":
        return UTF8_BOM + text
    if dataset.file_format == "csv-gb18030":
        return text.decode("utf-8").encode("gb18030")
    return text


def write_atomically(path: Path, content: bytes) -> None:
    """Write ``content`` to ``path`` through a temporary file in the same folder."""
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_name(f".{path.name}.tmp")
    temporary.write_bytes(content)
    temporary.replace(path)


def write_dataset(dataset: Dataset, pack_dir: Path) -> Path:
    """Write one dataset under ``pack_dir`` at its source path; return that path."""
    path = pack_dir / dataset.source
    write_atomically(path, encode(dataset))
    return path
