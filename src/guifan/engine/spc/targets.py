"""Targets of the ``spc`` and ``sixsigma`` kinds: the generic comparator-and-number, extended additively.

An ``spc`` target says what each characteristic must meet, and optionally which share of them must:

    target: no signals                    # every characteristic in statistical control (the default)
    target: "cpk >= 1.33"                 # every characteristic capable
    target: [no signals, "ppk >= 1.0"]    # both, for every characteristic ("no signals, ppk >= 1.0" too)
    target: ">= 95%"                      # the generic form: 95% of the characteristics without signals
    target: ["cpk >= 1.33", ">= 90%"]     # 90% of the characteristics capable

A ``sixsigma`` target names the measure it compares: ``"sigma >= 4"`` or ``"dpmo <= 6210"``.
Both are :class:`Target` subclasses, so the runner applies them as any other target.
"""

from __future__ import annotations

import operator
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Annotated, Any

import numpy as np
from pydantic import BeforeValidator, PlainSerializer, WithJsonSchema

from guifan.engine.spc.capability import INDICES
from guifan.engine.spc.segments import BoolArray, FloatArray
from guifan.engine.values import Target

_OPS: dict[str, Callable[[float, float], bool]] = {
    ">=": operator.ge,
    "<=": operator.le,
    ">": operator.gt,
    "<": operator.lt,
    "=": operator.eq,
}
_UFUNCS = {
    ">=": np.greater_equal,
    "<=": np.less_equal,
    ">": np.greater,
    "<": np.less,
    "=": np.equal,
}
_NUMBER = r"(>=|<=|==|>|<|=)\s*(-?\d+(?:\.\d+)?)"
_CRITERION = re.compile(rf"^\s*({'|'.join(INDICES)})\s*{_NUMBER}\s*$", re.IGNORECASE)
_NO_SIGNALS = re.compile(r"^\s*no\s+signals?\s*$", re.IGNORECASE)
_SIXSIGMA = re.compile(rf"^\s*(sigma|dpmo)\s*{_NUMBER}\s*$", re.IGNORECASE)
_SPLIT = re.compile(r"\s*,\s*|\s+and\s+", re.IGNORECASE)
SPC_HINT = 'write "no signals", an index and a number ("cpk >= 1.33"), a share (">= 95%"), or a list of them'


@dataclass(frozen=True)
class Criterion:
    """What one characteristic must meet: ``signals = 0`` or an index compared with a number."""

    measure: str  # "signals" or one of INDICES
    op: str
    number: float

    def met_by(self, value: float) -> bool:
        return _OPS[self.op](value, self.number)

    def holds(self, values: FloatArray) -> BoolArray:
        """Elementwise :meth:`met_by`; NaN (an undefined index) never meets it."""
        with np.errstate(invalid="ignore"):
            met: BoolArray = _UFUNCS[self.op](values, self.number)
        return met

    def __str__(self) -> str:
        return "no signals" if self.measure == "signals" else f"{self.measure} {self.op} {self.number:g}"


NO_SIGNALS = Criterion("signals", "=", 0.0)


@dataclass(frozen=True)
class SpcTarget(Target):
    """A share of characteristics (``op``, ``number``) that must meet every criterion."""

    criteria: tuple[Criterion, ...] = (NO_SIGNALS,)

    @property
    def capability(self) -> tuple[Criterion, ...]:
        return tuple(c for c in self.criteria if c.measure != "signals")

    @property
    def signals(self) -> bool:
        return any(c.measure == "signals" for c in self.criteria)


def parse_spc_target(value: Any) -> SpcTarget:
    """An spc target from a string, a list of strings, or a number (the generic form)."""
    if isinstance(value, SpcTarget):
        return value
    items = value if isinstance(value, list) else [value]
    parts = [p for item in items for p in (_SPLIT.split(item) if isinstance(item, str) else [item])]
    criteria: list[Criterion] = []
    share: Target | None = None
    for part in parts:
        if isinstance(part, str) and (found := _criterion(part)) is not None:
            criteria.append(found)
            continue
        if share is not None:
            raise ValueError(f"a target has at most one share, not {share.source!r} and {part!r}; {SPC_HINT}")
        try:
            share = Target.parse(part)
        except ValueError:
            raise ValueError(f"{part!r} is not an spc target; {SPC_HINT}") from None
    if share is None:
        share = Target(op="=", number=1.0, percent=True, source="= 100%")
    source = ", ".join(str(p).strip() for p in parts)
    return SpcTarget(share.op, share.number, share.percent, source, tuple(criteria) or (NO_SIGNALS,))


def _criterion(text: str) -> Criterion | None:
    if _NO_SIGNALS.match(text):
        return NO_SIGNALS
    m = _CRITERION.match(text)
    if not m:
        return None
    op = "=" if m[2] == "==" else m[2]
    return Criterion(m[1].lower(), op, float(m[3]))


SpcTargetField = Annotated[
    SpcTarget,
    BeforeValidator(parse_spc_target),
    PlainSerializer(lambda t: t.source, return_type=str),
    WithJsonSchema(
        {
            "anyOf": [{"type": "string"}, {"type": "array", "items": {"type": "string"}, "minItems": 1}],
            "description": "what every characteristic must meet (no signals; cpk >= 1.33; ...) and/or a share",
            "examples": ["no signals", "cpk >= 1.33", ["no signals", "ppk >= 1.0"], ">= 95%"],
        }
    ),
]


@dataclass(frozen=True)
class SixSigmaTarget(Target):
    """A target on the sigma level or on DPMO."""

    measure: str = "dpmo"


def parse_sixsigma_target(value: Any) -> SixSigmaTarget:
    if isinstance(value, SixSigmaTarget):
        return value
    m = _SIXSIGMA.match(value) if isinstance(value, str) else None
    if not m:
        raise ValueError(f'{value!r} is not a sixsigma target; write "sigma >= 4" or "dpmo <= 6210"')
    op = "=" if m[2] == "==" else m[2]
    return SixSigmaTarget(op, float(m[3]), False, value.strip(), m[1].lower())


SixSigmaTargetField = Annotated[
    SixSigmaTarget,
    BeforeValidator(parse_sixsigma_target),
    PlainSerializer(lambda t: t.source, return_type=str),
    WithJsonSchema(
        {
            "type": "string",
            "pattern": r"^\s*(sigma|dpmo)\s*(>=|<=|==|>|<|=)\s*-?\d+(\.\d+)?\s*$",
            "description": "the sigma level or DPMO compared with a number",
            "examples": ["sigma >= 4", "dpmo <= 6210"],
        }
    ),
]
