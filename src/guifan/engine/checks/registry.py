"""The registry of check kinds. A new kind is a module that calls :func:`register`; nothing else changes."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from guifan.engine.checks.base import CheckContext, CheckSpec, Issue, Outcome, SchemaView

Validator = Callable[[Any, SchemaView], list[Issue]]
Evaluator = Callable[[Any, CheckContext], Outcome]
Columns = Callable[[Any], dict[str, set[str]] | None]


def every_column(_spec: Any) -> dict[str, set[str]] | None:
    """The default :attr:`CheckKind.columns`: the kind may read any column of its datasets."""
    return None


@dataclass(frozen=True)
class CheckKind:
    name: str
    spec: type[CheckSpec]
    validate: Validator
    evaluate: Evaluator
    datasets: Callable[[Any], list[str]]
    summary: str
    columns: Columns = every_column
    """The columns the check reads, per dataset (None: every column of its datasets). The runner loads only the
    columns some check reads, plus each dataset's key and time; a column missing here is missing at run time."""


KINDS: dict[str, CheckKind] = {}


def register(kind: CheckKind) -> CheckKind:
    if kind.name in KINDS:
        raise ValueError(f"check kind {kind.name!r} is registered twice")
    KINDS[kind.name] = kind
    return kind


def kind_of(spec: CheckSpec) -> CheckKind:
    return KINDS[spec.kind]
