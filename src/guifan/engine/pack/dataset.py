"""Datasets as written in a pack: where the operational data is and what its columns are."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import Field, field_validator

from guifan.engine.pack.base import PackModel, StrList

ColumnType = Literal["string", "integer", "number", "boolean", "date", "timestamp"]
COLUMN_TYPES: tuple[str, ...] = ("string", "integer", "number", "boolean", "date", "timestamp")
SOURCE_SUFFIXES = (".csv", ".tsv", ".txt", ".xlsx", ".parquet", ".jsonl", ".ndjson")


class ColumnSpec(PackModel):
    """A declared column: its type and, optionally, the values it may take (checked on load)."""

    type: ColumnType = "string"
    values: list[Any] | None = Field(None, description="the only values allowed; others are input errors")
    min: float | None = None
    max: float | None = None
    format: str | None = Field(
        None, description="strptime format for date/timestamp text that is not ISO 8601, e.g. %d/%m/%Y"
    )
    description: str | dict[str, str] | None = None


class DatasetSpec(PackModel):
    """A table of operational data (数据集)."""

    source: str = Field(description="file relative to the pack folder (or --data): .csv .tsv .xlsx .parquet .jsonl")
    key: StrList | None = Field(None, description="column(s) naming a record in violation lists")
    time: str | None = Field(None, description="column that places a record in a period")
    columns: dict[str, ColumnType | ColumnSpec] = Field(
        default_factory=dict, description="declared schema; undeclared columns are inferred"
    )
    sheet: str | None = Field(None, description="Excel sheet name; the first sheet when absent")
    delimiter: str | None = Field(None, description="CSV delimiter; ',' (tab for .tsv) when absent")
    encoding: str | None = Field(
        None, description="text encoding of a CSV; detected (UTF-8, UTF-8 with BOM, GB18030) when absent"
    )
    description: str | dict[str, str] | None = None

    @field_validator("source")
    @classmethod
    def _check_source(cls, source: str) -> str:
        lower = source.lower()
        if not lower.endswith(SOURCE_SUFFIXES):
            raise ValueError(f"{source!r} has an unsupported file type; use one of {', '.join(SOURCE_SUFFIXES)}")
        return source

    def column(self, name: str) -> ColumnSpec | None:
        declared = self.columns.get(name)
        if declared is None or isinstance(declared, ColumnSpec):
            return declared
        return ColumnSpec(type=declared)

    @property
    def key_columns(self) -> list[str]:
        return list(self.key or [])
