"""Review cycles: when a standard is next due for review."""

from __future__ import annotations

from datetime import date, timedelta

from guifan.engine.values import Duration


def next_review(effective: date | None, cycle: str) -> date | None:
    """The effective date plus one review cycle (months counted on the calendar; the day is clamped)."""
    if effective is None or not cycle:
        return None
    try:
        length = Duration.parse(cycle)
    except ValueError:
        return None
    months = length.months
    if months is None:
        return effective + timedelta(seconds=length.seconds)
    index = effective.year * 12 + effective.month - 1 + months
    year, month = divmod(index, 12)
    month += 1
    for day in (effective.day, 30, 29, 28):
        try:
            return date(year, month, day)
        except ValueError:
            continue
    return None
