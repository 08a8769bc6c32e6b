"""``guifan calendar``: freeze a country's holidays into a pack, and show what a calendar makes of some days."""

from __future__ import annotations

import re
from datetime import date, timedelta
from pathlib import Path
from typing import TYPE_CHECKING

import click

from guifan.engine.errors import InputError

if TYPE_CHECKING:
    from guifan.engine.calendars import WorkCalendar

_YEARS = re.compile(r"^\s*(\d{4})\s*(?:(?:-|\.\.)\s*(\d{4}))?\s*$")


def parse_years(text: str) -> list[int]:
    """``2026``, ``2025-2027``, ``2025..2027`` or a comma list of those."""
    years: set[int] = set()
    for part in text.split(","):
        m = _YEARS.match(part)
        if not m or int(m[2] or m[1]) < int(m[1]):
            raise click.BadParameter(f"{part.strip()!r} is not a year or a range like 2025-2027")
        years.update(range(int(m[1]), int(m[2] or m[1]) + 1))
    return sorted(years)


@click.group()
def calendar() -> None:
    """Work calendars: freeze public holidays into a pack, show working hours."""


@calendar.command()
@click.argument("pack", type=click.Path(path_type=Path))
@click.argument("name")
@click.option("--country", required=True, help="ISO 3166 country code: DE, FR, US, JP, ...")
@click.option("--subdiv", help="A state or province, for its own holidays (DE --subdiv BY).")
@click.option("--years", "years_text", required=True, help="The years to freeze: 2026, 2025-2027 or 2025,2027.")
def freeze(pack: Path, name: str, country: str, subdiv: str | None, years_text: str) -> None:
    """Write the public holidays of COUNTRY into calendar NAME of PACK, as plain dates.

    The dates come from the `holidays` package now and are kept in pack.yaml, so results never change when
    the package does. Weekend days a country makes working days are written under `workdays`.
    """
    from guifan.cli.main import _input_errors
    from guifan.engine.calendars.freeze import country_days, freeze_into_pack
    from guifan.engine.calendars.freeze import years_text as describe_years

    years = parse_years(years_text)
    with _input_errors():
        days = country_days(country, years, subdiv)
        frozen = freeze_into_pack(pack, name, days, years)
    click.echo(
        f"{frozen.file}: calendar {name}: {frozen.holidays_added} holidays and {frozen.workdays_added} working days "
        f"added from {days.source}; known years {describe_years(frozen.known_years)}"
    )
    if country.upper() == "CN":
        click.echo(
            "note: `builtin: cn` keeps mainland China's official schedule, make-up working days included", err=True
        )


@calendar.command()
@click.argument("pack", type=click.Path(path_type=Path))
@click.argument("name")
@click.option("--from", "from_", metavar="DATE", required=True, help="First day (YYYY-MM-DD).")
@click.option("--to", metavar="DATE", required=True, help="Last day, included (YYYY-MM-DD).")
def show(pack: Path, name: str, from_: str, to: str) -> None:
    """Print the working periods calendar NAME of PACK gives each day from --from to --to."""
    from guifan.cli.main import _input_errors
    from guifan.engine import load_pack
    from guifan.engine.calendars import WorkCalendar
    from guifan.engine.periods import parse_date

    with _input_errors():
        loaded = load_pack(pack)
        if name not in loaded.pack.calendars:
            raise InputError.at(
                f"no calendar {name!r} in this pack", hint=f"calendars: {', '.join(loaded.pack.calendars)}"
            )
        work = WorkCalendar.from_spec(loaded.pack.calendars[name], default_timezone=loaded.pack.timezone, name=name)
        first, last = parse_date(from_, "--from"), parse_date(to, "--to")
    click.echo(f"calendar {name} ({work.timezone}); one working day = {work.day_seconds / 3600:g}h")
    day = first
    while day <= last:
        click.echo(f"{day.isoformat()} {day.strftime('%a')}  {_describe_day(work, day)}")
        day += timedelta(days=1)


def _describe_day(work: WorkCalendar, day: date) -> str:
    spans = work.periods_on(day)
    text = ", ".join(f"{_clock(s)}-{_clock(e)}" for s, e in spans) or "closed"
    holiday = work.holiday_of(day)
    if day in work.holidays:
        return f"{text} (holiday{': ' + holiday if holiday else ''})"
    if day in work.workdays:
        return f"{text} (make-up working day{' for ' + holiday if holiday else ''})"
    return text


def _clock(seconds: int) -> str:
    return f"{seconds // 3600:02d}:{seconds % 3600 // 60:02d}"
