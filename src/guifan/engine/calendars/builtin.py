"""Built-in holiday sets: official public holidays and make-up working days, kept as data files.

A set lists only the years whose official schedule has been published (``data/<name>.yaml`` cites the notice
of each year). A calendar that uses a set knows those years; evaluating another year warns.

Each year of a data file maps holiday names to their days off (a date, an ``A..B`` range, or a list of them)
and to their make-up working days (调休上班), so every day of the set knows the holiday it belongs to::

    2026:
      source: 国务院办公厅关于2026年部分节假日安排的通知（...）
      holidays: {国庆节: 2026-10-01..2026-10-07, ...}
      workdays: {国庆节: [2026-09-20, 2026-10-10], ...}
"""

from __future__ import annotations

import functools
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from types import MappingProxyType
from typing import Any

import yaml

DATA = Path(__file__).parent / "data"


@dataclass(frozen=True)
class HolidaySet:
    """One built-in set: days off and make-up working days of the published years, each with the name of the
    holiday it belongs to (``国庆节``; ``国庆节、中秋节`` when a notice joins two)."""

    name: str
    title: dict[str, str]
    timezone: str
    holiday_names: Mapping[date, str]
    workday_names: Mapping[date, str]
    sources: dict[int, str]

    @property
    def years(self) -> tuple[int, ...]:
        return tuple(sorted(self.sources))

    @property
    def holidays(self) -> frozenset[date]:
        return frozenset(self.holiday_names)

    @property
    def workdays(self) -> frozenset[date]:
        return frozenset(self.workday_names)

    def name_of(self, day: date) -> str | None:
        """The holiday a day off or make-up working day belongs to; None for any other day."""
        return self.holiday_names.get(day) or self.workday_names.get(day)


def builtin_names() -> list[str]:
    """The names of the built-in sets (``cn``, ...)."""
    return sorted(p.stem for p in DATA.glob("*.yaml"))


@functools.cache
def builtin_set(name: str) -> HolidaySet:
    """The built-in set ``name``; :class:`KeyError` when there is none."""
    path = DATA / f"{name}.yaml"
    if name not in builtin_names():
        raise KeyError(name)
    return _parse(name, yaml.safe_load(path.read_text(encoding="utf-8")))


def _parse(name: str, doc: dict[str, Any]) -> HolidaySet:
    holidays: dict[date, str] = {}
    workdays: dict[date, str] = {}
    sources: dict[int, str] = {}
    for year, entry in doc["years"].items():
        sources[int(year)] = str(entry["source"])
        holidays.update(_named_days(name, year, "holidays", entry.get("holidays", {})))
        workdays.update(_named_days(name, year, "workdays", entry.get("workdays", {})))
    both = holidays.keys() & workdays.keys()
    if both:
        raise ValueError(f"built-in set {name}: {sorted(both)[0]} is both a holiday and a working day")
    return HolidaySet(
        name=name,
        title=dict(doc.get("title", {})),
        timezone=str(doc.get("timezone", "UTC")),
        holiday_names=MappingProxyType(dict(sorted(holidays.items()))),
        workday_names=MappingProxyType(dict(sorted(workdays.items()))),
        sources=sources,
    )


def _named_days(name: str, year: Any, field: str, entries: Any) -> dict[date, str]:
    """``{holiday name: date | range | [dates and ranges]}`` as each day with its holiday's name."""
    from guifan.engine.pack.calendar import expand_dates

    if not isinstance(entries, dict):
        raise ValueError(f"built-in set {name}: {year}.{field} must map each holiday's name to its days")
    out: dict[date, str] = {}
    for holiday, days in entries.items():
        if not isinstance(holiday, str) or not holiday.strip():
            raise ValueError(f"built-in set {name}: {year}.{field} has a day without a holiday name")
        for day in expand_dates(days if isinstance(days, list) else [days]):
            if day in out:
                raise ValueError(f"built-in set {name}: {day} is listed under {out[day]} and {holiday}")
            out[day] = holiday.strip()
    return out
