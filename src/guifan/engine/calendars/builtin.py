"""Built-in holiday sets: official public holidays and make-up working days, kept as data files.

A set lists only the years whose official schedule has been published (``data/<name>.yaml`` cites the notice
of each year). A calendar that uses a set knows those years; evaluating another year warns.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

import yaml

DATA = Path(__file__).parent / "data"


@dataclass(frozen=True)
class HolidaySet:
    """One built-in set: days off and make-up working days of the published years."""

    name: str
    title: dict[str, str]
    timezone: str
    holidays: frozenset[date]
    workdays: frozenset[date]
    sources: dict[int, str]

    @property
    def years(self) -> tuple[int, ...]:
        return tuple(sorted(self.sources))


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
    from guifan.engine.pack.calendar import expand_dates

    holidays: set[date] = set()
    workdays: set[date] = set()
    sources: dict[int, str] = {}
    for year, entry in doc["years"].items():
        sources[int(year)] = str(entry["source"])
        holidays.update(expand_dates(list(entry.get("holidays", []))))
        workdays.update(expand_dates(list(entry.get("workdays", []))))
    both = holidays & workdays
    if both:
        raise ValueError(f"built-in set {name}: {sorted(both)[0]} is both a holiday and a working day")
    return HolidaySet(
        name=name,
        title=dict(doc.get("title", {})),
        timezone=str(doc.get("timezone", "UTC")),
        holidays=frozenset(holidays),
        workdays=frozenset(workdays),
        sources=sources,
    )
