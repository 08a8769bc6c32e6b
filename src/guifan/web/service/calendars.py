"""Work calendars of the catalogue: what a month looks like, computed by the engine's own WorkCalendar.

The month view asks the engine for each day's working periods and measures the day's business time with
``WorkCalendar.business_seconds`` between two local midnights, so what the page shows is exactly what the
``sla`` checks count (lunch breaks, holidays, make-up working days 调休, and the days clocks change).
"""

from __future__ import annotations

import calendar as _stdcal
import re
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from guifan.engine.calendars import WorkCalendar
from guifan.engine.calendars.builtin import builtin_set
from guifan.engine.pack.calendar import WEEKDAYS, expand_dates
from guifan.engine.pack.loader import calendar_problems
from guifan.web.core.models import Catalogue

NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$")

# The holiday names the built-in sets use (``HolidaySet.holiday_names``), for the English interface.
FESTIVALS = {
    "元旦": gettext_noop("New Year's Day"),
    "春节": gettext_noop("Spring Festival"),
    "清明节": gettext_noop("Qingming Festival"),
    "劳动节": gettext_noop("Labour Day"),
    "端午节": gettext_noop("Dragon Boat Festival"),
    "中秋节": gettext_noop("Mid-Autumn Festival"),
    "国庆节": gettext_noop("National Day"),
}


def catalogue_calendars() -> dict[str, dict[str, Any]]:
    return dict(sorted(Catalogue.current().calendars.items()))


def work_calendar(name: str, spec: dict[str, Any], timezone: str | None = None) -> WorkCalendar:
    """The engine's calendar for a stored spec (the catalogue's zone when the calendar names none)."""
    zone = timezone or Catalogue.current().timezone
    return WorkCalendar.from_spec(spec, default_timezone=zone, name=name)


def problems(name: str, spec: dict[str, Any], timezone: str) -> dict[str, list[str]]:
    """The engine's messages for a calendar by field: ``timezone``, ``week.mon``, ``holidays``, ... and ``""``
    for the calendar as a whole. Each weekday and the make-up hours are also checked alone, so a mistake is
    reported at its own day (the engine stops at the first day it refuses)."""
    out: dict[str, list[str]] = {}
    week = spec.get("week")
    alone: list[tuple[str, dict[str, Any]]] = []
    if isinstance(week, dict):
        alone += [(f"week.{day}", {"week": {day: spans}}) for day, spans in week.items() if day in WEEKDAYS]
    if spec.get("workday_hours") is not None:
        alone.append(("workday_hours", {"workday_hours": spec["workday_hours"]}))
    for place, part in alone:
        for _field, message in calendar_problems(name, part, timezone=timezone):
            out.setdefault(place, []).append(message)
    for where, message in calendar_problems(name, spec, timezone=timezone):
        place = _place(where, message)
        if place.startswith("week") and any(p.startswith("week.") for p in out):
            continue  # already said at the day
        if place == "workday_hours" and "workday_hours" in out:
            continue
        if message not in out.get(place, []):
            out.setdefault(place, []).append(message)
    return out


def _place(place: str, message: str) -> str:
    """The field a whole-calendar message belongs to."""
    head = re.split(r"[.\[]", place, maxsplit=1)[0]
    if head == "week" and place == "week":
        m = re.search(r"\bon (mon|tue|wed|thu|fri|sat|sun)\b", message)
        return f"week.{m[1]}" if m else "week"
    if head == "week":
        m = re.match(r"week\.(mon|tue|wed|thu|fri|sat|sun)", place)
        return f"week.{m[1]}" if m else "week"
    if not head and "both as a holiday" in message:
        return "workdays"
    if not head and "workday_hours" in message:
        return "workday_hours"
    return head


def festival_label(name: str) -> str:
    """``国庆节、中秋节`` in the user's language ("National Day and Mid-Autumn Festival")."""
    parts = [_(FESTIVALS[part]) if part in FESTIVALS else part for part in name.split("、")]
    if len(parts) == 1:
        return parts[0]
    # Translators: joins two holiday names that a notice gives together (国庆节、中秋节)
    return _("%(first)s and %(second)s") % {"first": "、".join(parts[:-1]), "second": parts[-1]}


@dataclass
class Day:
    day: date
    in_month: bool
    periods: list[str]
    hours: float
    kind: str  # work, closed (weekday closed by the week), holiday, makeup
    label: str = ""
    classes: list[str] = field(default_factory=list)


def _spans_text(spans: tuple[tuple[int, int], ...]) -> list[str]:
    def hm(seconds: int) -> str:
        return f"{seconds // 3600:02d}:{seconds % 3600 // 60:02d}"

    return [f"{hm(a)}-{hm(b)}" for a, b in spans]


def month_days(cal: WorkCalendar, spec: dict[str, Any], year: int, month: int) -> list[list[Day]]:
    """The weeks (Monday first) covering the month, each day with what the calendar makes of it."""
    first = date(year, month, 1)
    start = first - timedelta(days=first.weekday())
    last = date(year, month, _stdcal.monthrange(year, month)[1])
    end = last + timedelta(days=6 - last.weekday())
    own_holidays = set(expand_dates(spec.get("holidays") or []))
    own_workdays = set(expand_dates(spec.get("workdays") or []))
    days = [start + timedelta(days=i) for i in range((end - start).days + 1)]
    hours = _day_hours(cal, days)
    out: list[Day] = []
    for day, h in zip(days, hours, strict=True):
        out.append(_day(cal, day, day.month == month, h, own_holidays, own_workdays))
    return [out[i : i + 7] for i in range(0, len(out), 7)]


def _day_hours(cal: WorkCalendar, days: list[date]) -> list[float]:
    """Business hours of each local day, measured by the engine between the day's two midnights."""
    import numpy as np

    edges = [datetime(d.year, d.month, d.day, tzinfo=cal.zone) for d in [*days, days[-1] + timedelta(days=1)]]
    seconds = cal.business_seconds(edges[:-1], edges[1:])
    return [round(float(s) / 3600, 4) for s in np.asarray(seconds)]


def _day(
    cal: WorkCalendar,
    day: date,
    in_month: bool,
    hours: float,
    own_holidays: set[date],
    own_workdays: set[date],
) -> Day:
    periods = _spans_text(cal.periods_on(day))
    weekend = not cal.week[day.weekday()]
    holiday = cal.holiday_of(day)
    if day in cal.holidays:
        kind = "holiday"
        label = _("company holiday") if day in own_holidays else festival_label(holiday or "") or _("holiday")
    elif day in cal.workdays:
        kind = "makeup"
        if day in own_workdays:
            label = _("company make-up working day")
        elif holiday:
            label = _("Make-up working day for %(holiday)s") % {"holiday": festival_label(holiday)}
        else:
            label = _("make-up working day (调休)")
    elif weekend:
        kind, label = "closed", _("closed")
    else:
        kind, label = "work", ""
    classes = [kind, *(["weekend"] if weekend else []), *([] if in_month else ["other"])]
    return Day(day, in_month, periods, hours, kind, label, classes)


def month_summary(weeks: list[list[Day]]) -> dict[str, Any]:
    days = [d for week in weeks for d in week if d.in_month]
    return {
        "working_days": sum(1 for d in days if d.hours > 0),
        "hours": round(sum(d.hours for d in days), 2),
        "holidays": [d for d in days if d.kind == "holiday"],
        "makeup": [d for d in days if d.kind == "makeup"],
    }


def week_rows(cal: WorkCalendar) -> list[tuple[str, list[str], float]]:
    """Each weekday's working periods and hours, Monday first."""
    return [
        (day, _spans_text(spans), round(sum(b - a for a, b in spans) / 3600, 4))
        for day, spans in zip(WEEKDAYS, cal.week, strict=True)
    ]


def builtin_years(spec: dict[str, Any]) -> tuple[int, ...]:
    return builtin_set(spec["builtin"]).years if spec.get("builtin") else ()


def users_of(name: str) -> list[Any]:
    """The requirements whose check names calendar ``name``, in versions that are or may become measured."""
    from guifan.web.standards.models import Requirement, VersionStatus

    live = [VersionStatus.DRAFT, VersionStatus.IN_REVIEW, VersionStatus.APPROVED, VersionStatus.EFFECTIVE]
    return list(
        Requirement.objects.filter(check_spec__calendar=name, version__status__in=live)
        .select_related("version__standard")
        .order_by("version__standard__code", "code")
    )
