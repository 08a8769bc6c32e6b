"""Process conformance: Declare templates and process rules, evaluated on whole event logs with numpy.

The kernel knows nothing of packs or SQL: it takes an :class:`EventLog` (case-sorted arrays) and a list of
:class:`Constraint` values and gives one :class:`Judgement` per constraint.
"""

from __future__ import annotations

import os
from concurrent.futures import ThreadPoolExecutor

from guifan.engine.process import declare, rules
from guifan.engine.process.constraints import TEMPLATES, Constraint, parse_constraints
from guifan.engine.process.judgement import Judgement
from guifan.engine.process.log import EventLog
from guifan.engine.process.rules import WALL, Clock, Elapsed, wall_seconds

__all__ = [
    "TEMPLATES",
    "WALL",
    "Clock",
    "Constraint",
    "Elapsed",
    "EventLog",
    "Judgement",
    "judge",
    "judge_all",
    "parse_constraints",
    "wall_seconds",
]


def judge(log: EventLog, constraint: Constraint, clock: Clock = WALL, now: int = 0) -> Judgement:
    """Evaluate one constraint on every case of the log.

    ``clock`` measures durations (wall-clock by default, or business time); ``now`` (epoch microseconds) is
    when a time limit still running is judged, normally the end of the period.
    """
    template = constraint.template
    if template in declare.UNARY_RULES:
        return declare.UNARY_RULES[template](log, constraint)
    if template in declare.BINARY_RULES:
        return declare.binary(log, constraint)
    if template == "within":
        return rules.within(log, constraint, clock, now)
    if template == "case_within":
        return rules.case_within(log, constraint, clock)
    if template == "order":
        return rules.order(log, constraint)
    if template == "different_resource":
        return rules.different_resource(log, constraint)
    if template == "by_role":
        return rules.by_role(log, constraint)
    raise ValueError(f"unknown constraint template {template!r}")


def judge_all(log: EventLog, constraints: list[Constraint], clock: Clock = WALL, now: int = 0) -> list[Judgement]:
    """Every constraint on every case. On a large log the constraints run on several threads (numpy releases
    the interpreter lock), after the shared per-log arrays are built once."""
    workers = min(os.cpu_count() or 1, len(constraints), 4)
    if workers < 2 or log.n_events < 500_000:
        return [judge(log, c, clock, now) for c in constraints]
    chained = any(c.template.startswith(("chain_", "not_chain_")) for c in constraints)
    log.prepare(tuple({name for c in constraints for name in c.activities}), neighbours=chained)
    with ThreadPoolExecutor(max_workers=workers, thread_name_prefix="guifan-sequence") as pool:
        return list(pool.map(lambda c: judge(log, c, clock, now), constraints))
