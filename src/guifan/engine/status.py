"""From a measured outcome to a status and a message a manager can read."""

from __future__ import annotations

from guifan.engine.checks.base import Outcome
from guifan.engine.results import Status
from guifan.engine.values import Target


def status_of(value: float | None, target: Target | None, warn: Target | None) -> Status:
    """pass / warn / fail, or no_data when nothing was measured.

    The rule for ``warn``: a value that meets the target but not the warn threshold warns; one that misses
    the target fails whatever the warn threshold says.
    """
    if value is None:
        return "no_data"
    if target is not None and not target.met_by(value):
        return "fail"
    if warn is not None and not warn.met_by(value):
        return "warn"
    return "pass"


def percent(value: float) -> str:
    """A share as a percentage with as many decimals as it takes not to look like 100% or 0% when it isn't."""
    for digits in range(1, 5):
        shown = round(value * 100, digits)
        if (shown != 100 or value >= 1) and (shown != 0 or value <= 0):
            break
    text = f"{shown:.{digits}f}".rstrip("0").rstrip(".") if digits > 1 else f"{shown:.1f}"
    return f"{text}%"


def number(value: float) -> str:
    if float(value).is_integer() and abs(value) < 1e15:
        return f"{int(value):,}"
    return f"{value:,.4g}" if abs(value) >= 1e-3 else f"{value:.3g}"


def message_of(outcome: Outcome, target: Target | None) -> str:
    tail = f", target {target.source}" if target is not None else ""
    if outcome.value is None:
        return "no records in this period" if outcome.population == 0 else "no value could be computed"
    if outcome.unit == "share":
        failing = f" ({outcome.violations:,} of {outcome.population:,} fail)" if outcome.violations else ""
        return f"{percent(outcome.value)} {outcome.describe}{failing}{tail}"
    return f"{outcome.describe} = {number(outcome.value)} over {outcome.population:,} records{tail}"
