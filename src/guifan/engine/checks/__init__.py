"""Check kinds. Importing this package registers every built-in kind."""

from guifan.engine.checks import coverage, data_quality, metric, sequence, sixsigma, sla, spc
from guifan.engine.checks.registry import KINDS, CheckKind, kind_of, register

__all__ = [
    "KINDS",
    "CheckKind",
    "coverage",
    "data_quality",
    "kind_of",
    "metric",
    "register",
    "sequence",
    "sixsigma",
    "sla",
    "spc",
]
