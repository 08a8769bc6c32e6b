"""Excel: a sheet read by python-calamine, turned into Arrow columns that DuckDB reads."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import python_calamine

from guifan.engine.datasets.common import _ROW, _error, _value_text
from guifan.engine.errors import did_you_mean

_MAX_EXACT_FLOAT = 2**53


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
