"""``guifan sla-curve``: what-if for an ``sla`` requirement (the computation is guifan.engine.slacurve)."""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path
from typing import Any

import click

from guifan.engine.slacurve import curve_report, default_limits, measure_requirement, parse_limits, sla_spec


@click.command("sla-curve")
@click.argument("pack", type=click.Path(path_type=Path))
@click.argument("requirement")
@click.option("--data", "data_dir", type=click.Path(path_type=Path), help="Read dataset sources from DIR.")
@click.option("--period", help="One period: 2026, 2026-Q3, 2026-10, 2026-W41 or 2026-10-05.")
@click.option("--from", "from_", metavar="DATE", help="Start of the period (YYYY-MM-DD), with --to.")
@click.option("--to", metavar="DATE", help="End of the period, not included (YYYY-MM-DD), with --from.")
@click.option(
    "--limits",
    "limits_text",
    help="Limits to try: 1h..72h (step 1h), 30m..8h/30m, or a list 4h,8h,24h. Default: around the current limit.",
)
@click.option("--format", "fmt", default="table", show_default=True, type=click.Choice(["table", "json"]))
def sla_curve(
    pack: Path,
    requirement: str,
    data_dir: Path | None,
    period: str | None,
    from_: str | None,
    to: str | None,
    limits_text: str | None,
    fmt: str,
) -> None:
    """Print the compliance of REQUIREMENT (an sla check of PACK) at a range of limits instead of its own."""
    from guifan.cli.main import _input_errors, _periods
    from guifan.engine import load_pack
    from guifan.engine.periods import open_period, zone

    with _input_errors():
        loaded = load_pack(pack)
        spec = sla_spec(loaded, requirement)
        tz = zone(loaded.pack.timezone)
        chosen = _periods(tz, period, None, from_, to)
        measured_period = chosen[0] if chosen else open_period(datetime.now(tz))
        measured = measure_requirement(loaded, requirement, spec, measured_period, data_dir)
        limits = parse_limits(limits_text, spec, measured) if limits_text else default_limits(measured)
    report = curve_report(loaded, requirement, spec, measured_period, measured, limits)
    click.echo(json.dumps(report, ensure_ascii=False, indent=2) if fmt == "json" else render_table(report))


def render_table(report: dict[str, Any]) -> str:
    """The curve as a plain text table; the check's own limit is marked with *."""
    from guifan.engine.status import percent

    values = list(report["curve"][0]["by"]) if report["curve"] and "by" in report["curve"][0] else []
    head = ["limit", "compliance", "within", "of", *values]
    lines = []
    for row in report["curve"]:
        shown = percent(row["compliance"]) if row["compliance"] is not None else "-"
        mark = "*" if row["current"] else " "
        cells = [f"{row['limit']}{mark}", shown, f"{row['within']:,}", f"{row['population']:,}"]
        for value in values:
            cell = row["by"][value]
            shown = percent(cell["compliance"]) if cell["compliance"] is not None else "-"
            cells.append(f"{shown}{'*' if cell['current'] else ' '}")
        lines.append(cells)
    widths = [max(len(str(c)) for c in column) for column in zip(head, *lines, strict=True)]
    title = (
        f"{report['requirement']} ({report['period']['label']}, calendar {report['calendar']}): "
        f"{report['records']['closed']:,} closed and {report['records']['open']:,} open records"
    )
    table = ["  ".join(str(c).rjust(w) for c, w in zip(row, widths, strict=True)).rstrip() for row in [head, *lines]]
    note = "* the check's own limit; an open record counts only once it is over the limit being tried"
    return "\n".join([title, *table, note])
