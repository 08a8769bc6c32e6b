"""Periods: half-open intervals [start, end) of instants, named the way managers name them.

``2026`` is a year, ``2026-Q3`` a quarter, ``2026-10`` a month, ``2026-10-05`` a day and ``2026-W41`` an ISO
week. All are read in the pack's time zone. ``2026-01..2026-10`` is the list of months January to October.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from guifan.engine.errors import InputError

_YEAR = re.compile(r"^(\d{4})$")
_QUARTER = re.compile(r"^(\d{4})-Q([1-4])$", re.IGNORECASE)
_MONTH = re.compile(r"^(\d{4})-(\d{1,2})$")
_DAY = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})$")
_WEEK = re.compile(r"^(\d{4})-W(\d{1,2})$", re.IGNORECASE)

PERIOD_HINT = "write 2026, 2026-Q3, 2026-10, 2026-W41 or 2026-10-05, or a range like 2026-01..2026-10"


def zone(name: str) -> ZoneInfo:
    """The IANA time zone ``name``, or an input error saying it is unknown."""
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError) as exc:
        raise InputError.at(f"unknown time zone {name!r}", hint="use an IANA name such as Asia/Shanghai") from exc


@dataclass(frozen=True)
class Period:
    """[start, end) in a time zone; ``label`` is how it was asked for (``2026-10``).

    ``start`` is None for the open period of a run without a period option: every record up to ``end``.
    """

    start: datetime | None
    end: datetime
    label: str

    def __post_init__(self) -> None:
        if (self.start is not None and self.start.tzinfo is None) or self.end.tzinfo is None:
            raise ValueError("period bounds must be aware datetimes")

    def as_dict(self) -> dict[str, str | None]:
        return {"from": self.start.isoformat() if self.start else None, "to": self.end.isoformat()}


def _local(d: date, tz: ZoneInfo) -> datetime:
    return datetime(d.year, d.month, d.day, tzinfo=tz)


def _add_months(year: int, month: int, n: int) -> tuple[int, int]:
    index = year * 12 + (month - 1) + n
    return index // 12, index % 12 + 1


def _unit(text: str) -> tuple[str, date]:
    """Which unit ``text`` names (year, quarter, month, week, day) and its first day."""
    try:
        if m := _YEAR.match(text):
            return "year", date(int(m[1]), 1, 1)
        if m := _QUARTER.match(text):
            return "quarter", date(int(m[1]), 3 * int(m[2]) - 2, 1)
        if m := _MONTH.match(text):
            return "month", date(int(m[1]), int(m[2]), 1)
        if m := _WEEK.match(text):
            return "week", date.fromisocalendar(int(m[1]), int(m[2]), 1)
        if m := _DAY.match(text):
            return "day", date(int(m[1]), int(m[2]), int(m[3]))
    except ValueError as exc:
        raise InputError.at(f"{text!r} is not a valid period: {exc}", hint=PERIOD_HINT) from exc
    raise InputError.at(f"{text!r} is not a period", hint=PERIOD_HINT)


def _next(unit: str, first: date) -> date:
    if unit == "day":
        return first + timedelta(days=1)
    if unit == "week":
        return first + timedelta(days=7)
    months = {"month": 1, "quarter": 3, "year": 12}[unit]
    y, m = _add_months(first.year, first.month, months)
    return date(y, m, 1)


def _label(unit: str, first: date) -> str:
    if unit == "year":
        return f"{first.year}"
    if unit == "quarter":
        return f"{first.year}-Q{(first.month - 1) // 3 + 1}"
    if unit == "month":
        return f"{first.year}-{first.month:02d}"
    if unit == "week":
        iso = first.isocalendar()
        return f"{iso.year}-W{iso.week:02d}"
    return first.isoformat()


def parse_period(text: str, tz: ZoneInfo) -> Period:
    """One named period in ``tz``."""
    unit, first = _unit(text.strip())
    return Period(_local(first, tz), _local(_next(unit, first), tz), _label(unit, first))


def parse_periods(text: str, tz: ZoneInfo) -> list[Period]:
    """A period, a comma-separated list, or a range ``A..B`` of periods of the same unit (both included)."""
    periods: list[Period] = []
    for part in (p.strip() for p in text.split(",")):
        if ".." not in part:
            periods.append(parse_period(part, tz))
            continue
        left, _, right = part.partition("..")
        unit, first = _unit(left.strip())
        unit_b, last = _unit(right.strip())
        if unit != unit_b:
            raise InputError.at(f"{part!r} mixes a {unit} and a {unit_b}", hint="both ends need the same unit")
        if last < first:
            raise InputError.at(f"{part!r} ends before it starts", hint="write the earlier period first")
        while first <= last:
            nxt = _next(unit, first)
            periods.append(Period(_local(first, tz), _local(nxt, tz), _label(unit, first)))
            first = nxt
    return periods


def parse_date(text: str, option: str) -> date:
    try:
        return date.fromisoformat(text.strip())
    except ValueError as exc:
        raise InputError.at(f"{option} {text!r} is not a date", hint="write it as YYYY-MM-DD") from exc


def period_between(start: date, end: date, tz: ZoneInfo) -> Period:
    """[start, end) from two dates, as ``--from`` and ``--to`` give them."""
    if end <= start:
        raise InputError.at(f"--to {end} is not after --from {start}", hint="--to is the first day not included")
    return Period(_local(start, tz), _local(end, tz), f"{start.isoformat()}..{end.isoformat()}")


def ceil_date(instant: datetime) -> date:
    """The first date whose midnight (in the instant's zone) is at or after ``instant``."""
    midnight = instant.replace(hour=0, minute=0, second=0, microsecond=0)
    return instant.date() if instant == midnight else instant.date() + timedelta(days=1)


def date_bounds(period: Period) -> tuple[date | None, date]:
    """The dates whose midnight falls in [start, end): (first such date or None, first date after them)."""
    return (ceil_date(period.start) if period.start else None), ceil_date(period.end)


def open_period(now: datetime) -> Period:
    """Every record, as one period that ends at the time of the run."""
    return Period(None, now, "all")
