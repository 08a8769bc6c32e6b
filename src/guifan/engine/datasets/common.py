"""Small helpers shared by the dataset modules: the row number column, SQL text, errors and value text."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from guifan.engine.errors import DataError, Location, Problem

_ROW = "__guifan_row"  # an Excel record's sheet row (see _Source.own_rows)


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


def _first_line(text: str) -> str:
    first = text.strip().splitlines()[0] if text.strip() else text
    return re.sub(r"^[A-Za-z ]*Error: ", "", first)


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
