"""The registry of check kinds. A new kind is a module that calls :func:`register`; nothing else changes."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from guifan.engine.checks.base import CheckContext, CheckSpec, Issue, Outcome, SchemaView

Validator = Callable[[Any, SchemaView], list[Issue]]
Evaluator = Callable[[Any, CheckContext], Outcome]


@dataclass(frozen=True)
class CheckKind:
    name: str
    spec: type[CheckSpec]
    validate: Validator
    evaluate: Evaluator
    datasets: Callable[[Any], list[str]]
    summary: str


KINDS: dict[str, CheckKind] = {}


def register(kind: CheckKind) -> CheckKind:
    if kind.name in KINDS:
        raise ValueError(f"check kind {kind.name!r} is registered twice")
    KINDS[kind.name] = kind
    return kind


def kind_of(spec: CheckSpec) -> CheckKind:
    return KINDS[spec.kind]
