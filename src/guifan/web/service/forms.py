"""Forms for work calendars and sla checks. Both are validated by the engine's own pack model, so the
messages are those of ``guifan check``, each shown at the field it is about."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from guifan.engine.calendars import builtin_names
from guifan.engine.pack.calendar import WEEKDAYS
from guifan.engine.pack.loader import check_problems
from guifan.web.core.models import Catalogue
from guifan.web.service.calendars import NAME, problems

DAY_LABELS = {
    "mon": _("Monday"), "tue": _("Tuesday"), "wed": _("Wednesday"), "thu": _("Thursday"),
    "fri": _("Friday"), "sat": _("Saturday"), "sun": _("Sunday"),
}  # fmt: skip
_SPLIT = re.compile(r"[\s,;，；]+")


def split_items(text: str) -> list[str]:
    return [item for item in _SPLIT.split(text or "") if item]


def _years(text: str) -> list[int | str]:
    return [int(item) if item.isdigit() else item for item in split_items(text)]


def _text(items: Any) -> str:
    if items is None:
        return ""
    if isinstance(items, str | int):
        return str(items)
    return ", ".join(str(item) for item in items)


class CalendarForm(forms.Form):
    """A pack calendar as form fields: one line of working periods per weekday, dates as lists."""

    name = forms.CharField(label=_("Name"), max_length=64, help_text=_("As checks name it, e.g. cn-office."))
    timezone = forms.CharField(
        label=_("Time zone"), required=False, help_text=_("IANA name; empty: the catalogue's time zone.")
    )
    builtin = forms.ChoiceField(label=_("Built-in holiday set"), required=False)
    holidays = forms.CharField(
        label=_("Holidays"), required=False, widget=forms.Textarea(attrs={"rows": 3, "class": "mono"}),
        help_text=_("Whole days off: dates or ranges, e.g. 2026-12-31, 2026-10-01..2026-10-08."),
    )  # fmt: skip
    workdays = forms.CharField(
        label=_("Make-up working days (调休)"), required=False,
        widget=forms.Textarea(attrs={"rows": 2, "class": "mono"}),
        help_text=_("Days that work although the week says closed, e.g. 2026-10-10."),
    )  # fmt: skip
    workday_hours = forms.CharField(
        label=_("Hours on a make-up working day"), required=False,
        help_text=_("Working periods; empty: Monday's."),
    )  # fmt: skip
    known_years = forms.CharField(
        label=_("Known years"), required=False,
        help_text=_("Years whose holidays are listed, e.g. 2025..2027; evaluating another year warns."),
    )  # fmt: skip

    def __init__(self, *args: Any, editing: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["builtin"].choices = [("", _("none")), *((n, n) for n in builtin_names())]
        for day in WEEKDAYS:
            self.fields[day] = forms.CharField(
                label=DAY_LABELS[day], required=False, widget=forms.TextInput(attrs={"class": "mono"}),
                help_text=_("e.g. 09:00-12:00, 13:30-18:00; empty: closed") if day == "mon" else "",
            )  # fmt: skip
        if editing:
            self.fields["name"].disabled = True

    @classmethod
    def initial_from(cls, name: str, spec: dict[str, Any]) -> dict[str, Any]:
        week = spec.get("week") or {}
        initial = {
            "name": name, "timezone": spec.get("timezone") or "", "builtin": spec.get("builtin") or "",
            "holidays": _text(spec.get("holidays")), "workdays": _text(spec.get("workdays")),
            "workday_hours": _text(spec.get("workday_hours")), "known_years": _text(spec.get("known_years")),
        }  # fmt: skip
        return initial | {day: _text(week.get(day)) for day in WEEKDAYS}

    def week_fields(self) -> list[Any]:
        return [self[day] for day in WEEKDAYS]

    def spec(self) -> dict[str, Any]:
        """The calendar as a pack mapping (after ``is_valid``)."""
        data = self.cleaned_data
        spec: dict[str, Any] = {}
        if data.get("timezone", "").strip():
            spec["timezone"] = data["timezone"].strip()
        week = {day: split_items(data.get(day, "")) for day in WEEKDAYS}
        spec["week"] = {day: spans for day, spans in week.items() if spans}
        for name in ("holidays", "workdays"):
            if split_items(data.get(name, "")):
                spec[name] = split_items(data[name])
        if split_items(data.get("workday_hours", "")):
            spec["workday_hours"] = split_items(data["workday_hours"])
        if data.get("builtin"):
            spec["builtin"] = data["builtin"]
        if split_items(data.get("known_years", "")):
            spec["known_years"] = _years(data["known_years"])
        return spec

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        name = data.get("name", "")
        if name and not NAME.match(name):
            self.add_error("name", _("Use letters, digits, '.', '_' and '-' (at most 64), e.g. cn-office."))
            return data
        if self.errors:
            return data
        for place, messages in problems(name or "calendar", self.spec(), Catalogue.current().timezone).items():
            self.add_error(form_field(place), messages)
        return data


def form_field(place: str) -> str | None:
    """The form field of an engine field path: ``week.mon`` is the Monday field, ``""`` the whole form."""
    if place.startswith("week."):
        return place.removeprefix("week.")
    if place in ("timezone", "holidays", "workdays", "workday_hours", "builtin", "known_years"):
        return place
    return None


# --- sla checks ---------------------------------------------------------------------------------------------

LIMIT_ROWS = 3  # empty rows offered after the limits a check already has


class SlaForm(forms.Form):
    """The fields of an ``sla`` check (docs/sla.md), with the limits per value as a small table."""

    dataset = forms.ChoiceField(label=_("Dataset"))
    start = forms.CharField(label=_("Start column"), help_text=_("When the clock starts, e.g. created_at."))
    stop = forms.CharField(label=_("Stop column"), help_text=_("When it stops; empty means still open."))
    calendar = forms.ChoiceField(label=_("Work calendar"))
    where = forms.CharField(
        label=_("Only records where"), required=False, widget=forms.TextInput(attrs={"class": "mono"})
    )
    limit = forms.CharField(
        label=_("Limit"), required=False,
        help_text=_("One business-time limit for every record (30m, 24h, 2d); or leave empty and fill the table."),
    )  # fmt: skip
    limit_by = forms.CharField(
        label=_("Limit by column"),
        required=False,
        help_text=_("The column whose value picks the limit, e.g. priority."),
    )
    pauses_dataset = forms.ChoiceField(label=_("Pauses: dataset"), required=False)
    pauses_key = forms.CharField(label=_("Pauses: key columns"), required=False, help_text=_("e.g. ticket_id"))
    pauses_from = forms.CharField(label=_("Pauses: from column"), required=False)
    pauses_to = forms.CharField(label=_("Pauses: to column"), required=False)
    pauses_where = forms.CharField(
        label=_("Pauses: which rows"), required=False, widget=forms.TextInput(attrs={"class": "mono"}),
        help_text=_("e.g. status = 'waiting_customer'"),
    )  # fmt: skip
    at_risk = forms.CharField(
        label=_("At risk below"), required=False,
        help_text=_("An open record with less than this share of its limit left is at risk; default 25%."),
    )  # fmt: skip
    working_day = forms.CharField(
        label=_("Working day"),
        required=False,
        help_text=_("The length of one d in a limit, e.g. 7.5h; default: the calendar's."),
    )
    by = forms.CharField(label=_("Group by"), required=False, help_text=_("Columns, e.g. team."))
    target = forms.CharField(label=_("Target"), help_text=_("e.g. >= 95%"))
    warn = forms.CharField(label=_("Warn"), required=False, help_text=_("e.g. >= 97%"))

    HANDLED = ("kind", "dataset", "start", "stop", "calendar", "where", "limit", "limit_by", "pauses", "at_risk",
               "working_day", "by", "target", "warn")  # fmt: skip

    def __init__(self, *args: Any, original: dict[str, Any] | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.original = dict(original or {})
        datasets = sorted(self.datasets())
        self.fields["dataset"].choices = [(d, d) for d in datasets]
        self.fields["pauses_dataset"].choices = [("", _("no pauses")), *((d, d) for d in datasets)]
        self.fields["calendar"].choices = [(c, c) for c in sorted(Catalogue.current().calendars)]
        limit = self.original.get("limit")
        rows = (len(limit) if isinstance(limit, dict) else 0) + LIMIT_ROWS
        if self.is_bound:
            rows = max(rows, sum(1 for k in self.data if str(k).startswith("limit_value_")))
        for i in range(rows):
            self.fields[f"limit_value_{i}"] = forms.CharField(label=_("Value"), required=False)
            self.fields[f"limit_{i}"] = forms.CharField(label=_("Limit"), required=False)
        self.rows = rows

    @staticmethod
    def datasets() -> dict[str, Any]:
        from guifan.web.measure import app_data
        from guifan.web.measure.models import DataSource

        out = app_data.specs(Path("app"))
        for ds in DataSource.objects.all():
            out[ds.name] = {**ds.spec, "source": ds.spec.get("source") or f"{ds.name}.csv"}
        return out

    @classmethod
    def initial_from(cls, spec: dict[str, Any]) -> dict[str, Any]:
        pauses = spec.get("pauses") or {}
        limit = spec.get("limit")
        initial: dict[str, Any] = {
            name: _text(spec.get(name)) for name in ("dataset", "start", "stop", "calendar", "where", "limit_by",
                                                     "working_day", "by", "target", "warn")
        }  # fmt: skip
        initial["limit"] = "" if isinstance(limit, dict) else _text(limit)
        initial["at_risk"] = _text(spec.get("at_risk"))
        initial |= {f"pauses_{k}": _text(pauses.get(k)) for k in ("dataset", "key", "from", "to", "where")}
        if isinstance(limit, dict):
            for i, (value, duration) in enumerate(limit.items()):
                initial[f"limit_value_{i}"], initial[f"limit_{i}"] = value, duration
        return initial

    def limit_rows(self) -> list[tuple[Any, Any]]:
        return [(self[f"limit_value_{i}"], self[f"limit_{i}"]) for i in range(self.rows)]

    def spec(self) -> dict[str, Any]:
        """The check as a pack mapping; fields this form does not edit are kept as they were."""
        data = self.cleaned_data
        spec: dict[str, Any] = {"kind": "sla", "dataset": data.get("dataset"), "start": data.get("start", "").strip(),
                                "stop": data.get("stop", "").strip(), "calendar": data.get("calendar")}  # fmt: skip
        table = {
            str(data.get(f"limit_value_{i}", "")).strip(): str(data.get(f"limit_{i}", "")).strip()
            for i in range(self.rows)
            if str(data.get(f"limit_value_{i}", "")).strip() or str(data.get(f"limit_{i}", "")).strip()
        }
        spec["limit"] = data.get("limit", "").strip() or table or ""
        for name in ("limit_by", "where", "at_risk", "working_day", "warn"):
            if data.get(name, "").strip():
                spec[name] = data[name].strip()
        if data.get("pauses_dataset"):
            key = split_items(data.get("pauses_key", ""))
            spec["pauses"] = {
                "dataset": data["pauses_dataset"],
                "key": key[0] if len(key) == 1 else key,
                "from": data.get("pauses_from", "").strip(),
                "to": data.get("pauses_to", "").strip(),
            }
            if data.get("pauses_where", "").strip():
                spec["pauses"]["where"] = data["pauses_where"].strip()
        by = split_items(data.get("by", ""))
        if by:
            spec["by"] = by
        spec["target"] = data.get("target", "").strip()
        kept = {k: v for k, v in self.original.items() if k not in self.HANDLED}
        return spec | kept

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if self.errors:
            return data
        spec = self.spec()
        if spec["limit"] == "":
            self.add_error("limit", _("Give a limit, or a limit per value in the table (with a limit-by column)."))
            return data
        catalogue = Catalogue.current()
        found = check_problems(spec, self.datasets(), calendars=catalogue.calendars, timezone=catalogue.timezone)
        for message in found:
            self.add_error(sla_field(message, isinstance(spec["limit"], dict)), message)
        return data


def sla_field(message: str, table: bool) -> str | None:
    """The form field an engine message (``pauses.key: ...``) is about."""
    head = re.match(r"^([a-z_]+)(?:\.([a-z_]+))?(?:\[\d+\])?:", message)
    if head is None:
        return None
    first, second = head[1], head[2]
    if first == "pauses":
        return f"pauses_{second}" if second in ("dataset", "key", "from", "to", "where") else "pauses_dataset"
    if first == "limit" and table:
        return "limit_0"
    if first in ("dataset", "start", "stop", "calendar", "where", "limit", "limit_by", "at_risk", "working_day",
                 "by", "target", "warn"):  # fmt: skip
        return first
    return None
