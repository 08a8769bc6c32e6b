"""``guifan demo``: write the demo company's pack and show how its standards fare over the year."""

from __future__ import annotations

import sys
import time
from pathlib import Path

import click

from guifan.engine.periods import parse_date, parse_period, period_between, zone

DEMO_FROM, DEMO_TO = "2025-11-01", "2026-11-01"


def run_demo(out_dir: Path, *, scale: float, period: str | None) -> None:
    """Generate the demo pack, evaluate it over the demo year (or ``period``), print the summary."""
    from guifan.demo.generator import generate_demo
    from guifan.engine import evaluate, load_pack
    from guifan.engine.formats import render

    t0 = time.perf_counter()
    pack_file = generate_demo(out_dir, scale=scale)
    click.echo(f"wrote the demo company 示例公司 to {out_dir} ({time.perf_counter() - t0:.1f} s)", err=True)
    loaded = load_pack(pack_file)
    tz = zone(loaded.pack.timezone)
    chosen = (
        parse_period(period, tz)
        if period
        else period_between(parse_date(DEMO_FROM, "--from"), parse_date(DEMO_TO, "--to"), tz)
    )
    t1 = time.perf_counter()
    evaluation = evaluate(loaded, chosen, sample=10)
    click.echo(render([evaluation], "table", language="zh", color=sys.stdout.isatty()))
    seconds = time.perf_counter() - t1
    click.echo(
        f"evaluated {len(evaluation.results)} requirements in {seconds:.1f} s. Try:\n"
        f"  guifan check {out_dir} --periods 2026-01..2026-10\n"
        f"  guifan check {out_dir} --period 2026-06 --format html --out report.html",
        err=True,
    )
