"""Results of an evaluation, as frozen objects, and their JSON form (the contract in docs/packs.md)."""

from __future__ import annotations

import math
from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import Any, Literal

from guifan.engine.periods import Period
from guifan.engine.values import Text, text_in

Status = Literal["pass", "warn", "fail", "no_data", "error"]
STATUSES: tuple[Status, ...] = ("pass", "warn", "fail", "no_data", "error")
FORMAT_VERSION = 1


def _number(value: float | None) -> float | None:
    if value is None or (isinstance(value, float) and not math.isfinite(value)):
        return None
    return value


@dataclass(frozen=True)
class GroupResult:
    by: dict[str, Any]
    status: Status
    value: float | None
    population: int
    violations: int

    def to_dict(self) -> dict[str, Any]:
        return {
            "by": dict(self.by),
            "status": self.status,
            "value": _number(self.value),
            "population": self.population,
            "violations": self.violations,
        }


@dataclass(frozen=True)
class Result:
    """One requirement's outcome in one period."""

    standard: str
    requirement: str
    category: str
    kind: str | None
    status: Status
    value: float | None
    target: str | None
    population: int
    violations: int
    violating_keys: tuple[str, ...] = ()
    violating_keys_truncated: bool = False
    groups: tuple[GroupResult, ...] = ()
    details: dict[str, Any] = field(default_factory=dict)
    message: str = ""
    warn: str | None = None
    severity: str = "major"
    title: Text = ""  # the standard's title, as written (a string or a mapping of languages)
    text: Text = ""  # the requirement's text, as written
    unit: str = "share"
    duration_ms: float = 0.0

    def to_dict(self) -> dict[str, Any]:
        return {
            "standard": self.standard,
            "requirement": self.requirement,
            "category": self.category,
            "kind": self.kind,
            "status": self.status,
            "value": _number(self.value),
            "target": self.target,
            "population": self.population,
            "violations": self.violations,
            "violating_keys": list(self.violating_keys),
            "violating_keys_truncated": self.violating_keys_truncated,
            "groups": [g.to_dict() for g in self.groups],
            "details": self.details,
            "message": self.message,
            "warn": self.warn,
            "severity": self.severity,
            "unit": self.unit,
            "title": self.title,
            "text": self.text,
        }

    def localised(self, language: str) -> Result:
        """The same result with title and text in ``language`` (falling back to the language there is)."""
        return replace(self, title=text_in(self.title, language), text=text_in(self.text, language))


@dataclass(frozen=True)
class Summary:
    requirements: int
    counts: dict[str, int]

    @classmethod
    def of(cls, results: tuple[Result, ...]) -> Summary:
        counts: dict[str, int] = dict.fromkeys(STATUSES, 0)
        for r in results:
            counts[r.status] += 1
        return cls(len(results), counts)

    def to_dict(self) -> dict[str, int]:
        return {"requirements": self.requirements, **self.counts}


@dataclass(frozen=True)
class Evaluation:
    """One run of a pack's checks over one period."""

    pack: str
    title: Text
    period: Period
    results: tuple[Result, ...]
    started_at: datetime
    duration_s: float
    warnings: tuple[str, ...] = ()

    def localised(self, language: str) -> Evaluation:
        """Titles and texts in ``language``, for reports."""
        results = tuple(r.localised(language) for r in self.results)
        return replace(self, title=text_in(self.title, language), results=results)

    @property
    def summary(self) -> Summary:
        return Summary.of(self.results)

    @property
    def failed(self) -> bool:
        return any(r.status in ("fail", "error") for r in self.results)

    def to_dict(self) -> dict[str, Any]:
        return {
            "guifan": FORMAT_VERSION,
            "pack": self.pack,
            "title": self.title,
            "period": {**self.period.as_dict(), "label": self.period.label},
            "summary": self.summary.to_dict(),
            "results": [r.to_dict() for r in self.results],
            "evaluated_at": self.started_at.isoformat(),
            "duration_s": round(self.duration_s, 3),
            "warnings": list(self.warnings),
        }
