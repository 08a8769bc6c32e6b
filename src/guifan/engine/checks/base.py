"""What every check kind is made of, and what it hands back to the runner.

A check kind is a pair (soda-core's shape): a typed *spec* parsed from the pack, and an *evaluator* that turns
the spec and the period's data into an :class:`Outcome`. Evaluators never look at files, clocks or the
database engine directly: they ask the :class:`CheckContext` for relations (period-filtered datasets) and run
SQL through it. A different backend (Spark) provides another context and the kinds run unchanged.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, ClassVar, Protocol

import pyarrow as pa
from pydantic import Field

from guifan.engine.pack.base import PackModel, StrList
from guifan.engine.pack.calendar import CalendarSpec
from guifan.engine.values import TargetField


class CheckSpec(PackModel):
    """Fields every check may have. A kind's spec subclasses this and fixes ``kind`` to a literal."""

    kind: str
    by: StrList = Field(default_factory=list, description="evaluate per group of these columns as well")
    target: TargetField | None = Field(None, description="comparator and number; % means a share of records")
    warn: TargetField | None = Field(None, description="met target but not this: status warn instead of pass")

    default_target: ClassVar[str | None] = None


@dataclass(frozen=True)
class Issue:
    """A problem found while validating a spec: where in the check (path below ``check``) and what."""

    path: tuple[str | int, ...]
    message: str
    hint: str | None = None


@dataclass(frozen=True)
class GroupOutcome:
    by: dict[str, Any]
    value: float | None
    population: int
    violations: int


@dataclass(frozen=True)
class Outcome:
    """What a check measured, before the runner compares it with the target."""

    value: float | None
    population: int
    violations: int
    violating_keys: list[str] = field(default_factory=list)
    violating_keys_truncated: bool = False
    groups: list[GroupOutcome] = field(default_factory=list)
    details: dict[str, Any] = field(default_factory=dict)
    unit: str = "share"  # "share" (0..1 of records) or "number"
    describe: str = ""  # what the value is, e.g. "within 24 hours"; used in the result message
    warnings: list[str] = field(default_factory=list)


class SchemaView(Protocol):
    """What validation may know about the pack's datasets without reading their data."""

    def has_dataset(self, name: str) -> bool: ...
    def dataset_names(self) -> list[str]: ...
    def columns(self, dataset: str) -> dict[str, str] | None:
        """Column -> type, or None when the schema is not known (validation before probing)."""

    def key_columns(self, dataset: str) -> list[str]: ...
    def time_column(self, dataset: str) -> str | None: ...
    def has_calendar(self, name: str) -> bool: ...
    def calendar_names(self) -> list[str]: ...


class CheckContext(Protocol):
    """The period's data, as the evaluator sees it."""

    @property
    def period_end(self) -> datetime: ...
    @property
    def period_start(self) -> datetime | None: ...
    @property
    def sample(self) -> int | None:
        """How many violating keys to list; None for all."""

    def relation(self, dataset: str) -> str:
        """SQL name of the dataset's records that fall in the period (all records when it has no time)."""

    def full_relation(self, dataset: str) -> str:
        """SQL name of all the dataset's records, whatever their time."""

    def key_sql(self, dataset: str, alias: str | None = None) -> str:
        """SQL expression giving a record's key as text (several key columns joined with '|')."""

    def time_column(self, dataset: str) -> str | None: ...
    def columns(self, dataset: str) -> dict[str, str]: ...
    def query(self, sql: str, params: Sequence[Any] = ()) -> pa.Table:
        """Run a read-only query on the backend and return its rows as Arrow."""

    def calendar(self, name: str) -> CalendarSpec:
        """The pack's work calendar ``name`` as written (kinds measuring business time build their kernel)."""

    def materialize(self, sql: str) -> str:
        """Compute the rows of ``sql`` (portable SQL, as for :meth:`query`) once and return an SQL name for them,
        so that several queries read a result (a small set of keys, say) without computing it again. The name is
        valid until the check's evaluation ends: the runner drops the rows then (a temporary table in DuckDB)."""
