"""Small value types shared by the pack model and the check kinds: targets, durations, texts."""

from __future__ import annotations

import operator
import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from typing import Annotated, Any

from pydantic import BeforeValidator, PlainSerializer, WithJsonSchema

Text = str | dict[str, str]
"""A text field: a plain string, or a mapping of language code (zh, en, ...) to string."""

LANGUAGES = ("zh", "en")


def text_in(text: Text | None, language: str = "zh") -> str:
    """The text in the wanted language, falling back to any language there is."""
    if text is None:
        return ""
    if isinstance(text, str):
        return text
    for lang in (language, *LANGUAGES, *text):
        if text.get(lang):
            return text[lang]
    return ""


_COMPARATORS: dict[str, Callable[[float, float], bool]] = {
    ">=": operator.ge,
    "<=": operator.le,
    "!=": operator.ne,
    "<>": operator.ne,
    "==": operator.eq,
    ">": operator.gt,
    "<": operator.lt,
    "=": operator.eq,
}
_TARGET_RE = re.compile(r"^\s*(>=|<=|!=|<>|==|>|<|=)\s*(-?\d+(?:\.\d+)?)\s*(%?)\s*$")
_REL_TOLERANCE = 1e-12


@dataclass(frozen=True)
class Target:
    """A comparator and a number, as written in a pack: ``">= 95%"`` is ``>= 0.95`` on a share."""

    op: str
    number: float
    percent: bool
    source: str

    @classmethod
    def parse(cls, text: object) -> Target:
        if isinstance(text, Target):
            return text
        if isinstance(text, bool) or not isinstance(text, str | int | float):
            raise ValueError('a target is a comparator and a number, e.g. ">= 95%" or "<= 4.5"')
        source = str(text)
        if isinstance(text, int | float):
            source = f">= {text}"
        m = _TARGET_RE.match(source)
        if not m:
            raise ValueError(f'{source!r} is not a target; write a comparator and a number, e.g. ">= 95%" or "<= 4.5"')
        op, number, pct = m.groups()
        value = float(number) / 100 if pct else float(number)
        return cls(op="=" if op == "==" else op, number=value, percent=bool(pct), source=source.strip())

    def met_by(self, value: float) -> bool:
        """Whether ``value`` meets the target; equality allows for floating-point rounding."""
        if self.op in ("=", "!="):
            equal = abs(value - self.number) <= _REL_TOLERANCE * max(1.0, abs(self.number))
            return equal if self.op == "=" else not equal
        if abs(value - self.number) <= _REL_TOLERANCE * max(1.0, abs(self.number)):
            value = self.number
        return _COMPARATORS[self.op](value, self.number)

    def __str__(self) -> str:
        return self.source


def _target(value: Any) -> Target:
    return Target.parse(value)


TargetField = Annotated[
    Target,
    BeforeValidator(_target),
    PlainSerializer(lambda t: t.source, return_type=str),
    WithJsonSchema(
        {
            "type": "string",
            "pattern": r"^\s*(>=|<=|!=|<>|==|>|<|=)\s*-?\d+(\.\d+)?\s*%?\s*$",
            "description": 'comparator and number; % means a share of records, e.g. ">= 95%"',
            "examples": [">= 95%", "<= 4.5", "= 100%"],
        }
    ),
]

_DURATION_RE = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*(s|m|min|h|d|w|mo|y)\s*$")
_UNIT_SECONDS = {"s": 1, "m": 60, "min": 60, "h": 3600, "d": 86400, "w": 7 * 86400}


@dataclass(frozen=True)
class Duration:
    """A length written like ``30m``, ``24h``, ``2d``, ``12mo`` or ``1y``.

    Months and years are calendar units (``months`` is set); the others are exact seconds. What a day means
    (24 wall-clock hours, or one working day) is decided by the check that uses the duration.
    """

    amount: float
    unit: str
    source: str

    @classmethod
    def parse(cls, text: object) -> Duration:
        if isinstance(text, Duration):
            return text
        m = _DURATION_RE.match(str(text)) if isinstance(text, str) else None
        if not m:
            raise ValueError(f"{text!r} is not a duration; write a number and a unit: 30m, 24h, 2d, 1w, 12mo or 1y")
        return cls(amount=float(m.group(1)), unit=m.group(2), source=str(text).strip())

    @property
    def months(self) -> int | None:
        if self.unit == "mo":
            return round(self.amount)
        if self.unit == "y":
            return round(self.amount * 12)
        return None

    @property
    def seconds(self) -> float:
        if self.months is not None:
            raise ValueError(f"{self.source} is a calendar length (months or years), not a fixed number of seconds")
        return self.amount * _UNIT_SECONDS[self.unit]

    def timedelta(self) -> timedelta:
        return timedelta(seconds=self.seconds)

    def __str__(self) -> str:
        return self.source


def _duration(value: Any) -> Duration:
    return Duration.parse(value)


DurationField = Annotated[
    Duration,
    BeforeValidator(_duration),
    PlainSerializer(lambda d: d.source, return_type=str),
    WithJsonSchema(
        {
            "type": "string",
            "pattern": r"^\s*\d+(\.\d+)?\s*(s|m|min|h|d|w|mo|y)\s*$",
            "examples": ["30m", "24h", "2d", "12mo"],
        }
    ),
]
