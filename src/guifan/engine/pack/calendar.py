"""Work calendars as written in a pack: weekly working periods, holidays and make-up working days."""

from __future__ import annotations

import re
from datetime import date, time
from itertools import pairwise
from typing import Annotated, Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import BeforeValidator, Field, field_validator, model_validator

from guifan.engine.pack.base import PackModel

WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
_SPAN = re.compile(r"^\s*(\d{1,2}):(\d{2})\s*-\s*(\d{1,2}):(\d{2})\s*$")


def parse_span(text: str) -> tuple[time, time | None]:
    """``"09:00-12:00"`` as (start, end); an end of ``24:00`` is None (midnight at the end of the day)."""
    m = _SPAN.match(text)
    if not m:
        raise ValueError(f'{text!r} is not a working period; write it as HH:MM-HH:MM, e.g. "09:00-12:00"')
    h1, m1, h2, m2 = (int(g) for g in m.groups())
    if h1 > 23 or m1 > 59 or h2 > 24 or m2 > 59 or (h2 == 24 and m2 != 0):
        raise ValueError(f"{text!r} has an impossible time of day")
    end = None if h2 == 24 else time(h2, m2)
    start = time(h1, m1)
    if end is not None and end <= start:
        raise ValueError(f"{text!r} ends before it starts; a working period cannot cross midnight")
    return start, end


def _minutes(t: time | None) -> int:
    return 24 * 60 if t is None else t.hour * 60 + t.minute


def _dates(value: Any) -> Any:
    """Accept a list of dates and inclusive ranges ``"2026-10-03..2026-10-08"``, as given."""
    return [value] if isinstance(value, str | date) else value


DateList = Annotated[list[date | str], BeforeValidator(_dates)]


def _years(value: Any) -> Any:
    """Accept a year, a range ``"2025..2027"`` or a list of them, as given."""
    return [value] if isinstance(value, int | str) else value


YearList = Annotated[list[int | str], BeforeValidator(_years)]


def expand_years(items: list[int | str]) -> list[int]:
    """Years and inclusive ranges ``"2025..2027"`` as a sorted list of distinct years."""
    out: set[int] = set()
    for item in items:
        left, sep, right = str(item).partition("..")
        first = int(left.strip())
        last = int(right.strip()) if sep else first
        if not 1 <= first <= last <= 9999:
            raise ValueError(f"{item!r} is not a year or a range of years like 2025..2027")
        out.update(range(first, last + 1))
    return sorted(out)


def expand_dates(items: list[date | str]) -> list[date]:
    """Dates and inclusive ranges as a sorted list of distinct dates."""
    out: set[date] = set()
    for item in items:
        if isinstance(item, date):
            out.add(item)
            continue
        left, sep, right = item.partition("..")
        first = date.fromisoformat(left.strip())
        last = date.fromisoformat(right.strip()) if sep else first
        day = first.toordinal()
        while day <= last.toordinal():
            out.add(date.fromordinal(day))
            day += 1
    return sorted(out)


class CalendarSpec(PackModel):
    """A work calendar (工作日历)."""

    timezone: str | None = Field(None, description="IANA zone; the pack's zone when absent")
    week: dict[str, list[str]] = Field(
        default_factory=dict, description="working periods per weekday (mon..sun); a missing day is closed"
    )
    holidays: DateList = Field(default_factory=list, description="whole days off: dates or inclusive ranges")
    workdays: DateList = Field(
        default_factory=list, description="make-up working days (调休) that would otherwise be closed"
    )
    workday_hours: list[str] | None = Field(
        None, description="working periods on a make-up working day; by default those of Monday"
    )
    builtin: str | None = Field(
        None, description="a built-in holiday set to include (cn: mainland China, with 调休 make-up working days)"
    )
    known_years: YearList | None = Field(
        None,
        description="years whose holidays the calendar lists (2025..2027); evaluating another year warns",
    )

    @field_validator("timezone")
    @classmethod
    def _check_timezone(cls, name: str | None) -> str | None:
        if name is not None:
            try:
                ZoneInfo(name)
            except (ZoneInfoNotFoundError, ValueError) as exc:
                raise ValueError(f"unknown time zone {name!r}; use an IANA name such as Asia/Shanghai") from exc
        return name

    @field_validator("builtin")
    @classmethod
    def _check_builtin(cls, name: str | None) -> str | None:
        from guifan.engine.calendars.builtin import builtin_names

        if name is not None and name not in builtin_names():
            raise ValueError(f"{name!r} is not a built-in holiday set; use one of: {', '.join(builtin_names())}")
        return name

    @field_validator("known_years")
    @classmethod
    def _check_years(cls, items: list[int | str] | None) -> list[int | str] | None:
        if items is not None:
            try:
                expand_years(items)
            except ValueError as exc:
                raise ValueError(f"{items!r} is not a list of years or ranges like 2025..2027") from exc
        return items

    @field_validator("week")
    @classmethod
    def _check_week(cls, week: dict[str, list[str]]) -> dict[str, list[str]]:
        for day, spans in week.items():
            if day not in WEEKDAYS:
                raise ValueError(f"{day!r} is not a weekday; use {', '.join(WEEKDAYS)}")
            _check_spans(spans, day)
        return week

    @field_validator("holidays", "workdays")
    @classmethod
    def _check_dates(cls, items: list[date | str]) -> list[date | str]:
        for item in items:
            if isinstance(item, str):
                try:
                    days = expand_dates([item])
                except ValueError as exc:
                    raise ValueError(f"{item!r} is not a date or a range like 2026-10-01..2026-10-08") from exc
                if not days:
                    raise ValueError(f"{item!r} ends before it starts")
        return items

    @model_validator(mode="after")
    def _check_workday_hours(self) -> CalendarSpec:
        if self.workday_hours is not None:
            _check_spans(self.workday_hours, "workday_hours")
        return self

    @model_validator(mode="after")
    def _check_contradictions(self) -> CalendarSpec:
        both = set(expand_dates(self.holidays)) & set(expand_dates(self.workdays))
        if both:
            first = min(both).isoformat()
            raise ValueError(f"{first} is listed both as a holiday and as a make-up working day; keep one")
        return self


def _check_spans(spans: list[str], day: str) -> None:
    parsed = sorted((parse_span(s) for s in spans), key=lambda p: _minutes(p[0]))
    for (_, end), (start, _) in pairwise(parsed):
        if _minutes(start) < _minutes(end):
            raise ValueError(f"working periods on {day} overlap; list them without overlaps")
