"""``guifan``: check standards packs against data, scaffold packs, generate the demo company."""

from __future__ import annotations

import json
import sys
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import click

from guifan import __version__
from guifan.engine.errors import InputError

EXIT_OK, EXIT_FAILED, EXIT_INPUT = 0, 1, 2


def _fail_input(error: InputError) -> None:
    for problem in error.problems:
        click.echo(str(problem), err=True)
    sys.exit(EXIT_INPUT)


@contextmanager
def _input_errors() -> Iterator[None]:
    try:
        yield
    except InputError as exc:
        _fail_input(exc)


def _sample(value: str) -> int | None:
    if value.strip().lower() == "all":
        return None
    try:
        n = int(value)
    except ValueError:
        raise click.BadParameter(f"{value!r} is neither a number nor 'all'") from None
    if n < 0:
        raise click.BadParameter("must be 0 or more, or 'all'")
    return n


@click.group(context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 110})
@click.version_option(__version__, prog_name="guifan")
def cli() -> None:
    """Guifan (规范): operating standards written once, measured on your own data."""


@cli.command()
@click.argument("pack", type=click.Path(path_type=Path))
@click.option("--data", "data_dir", type=click.Path(path_type=Path), help="Read dataset sources from DIR.")
@click.option("--period", help="One period: 2026, 2026-Q3, 2026-10, 2026-W41 or 2026-10-05.")
@click.option("--periods", help="Several periods for a trend, e.g. 2026-01..2026-10.")
@click.option("--from", "from_", metavar="DATE", help="Start of the period (YYYY-MM-DD), with --to.")
@click.option("--to", metavar="DATE", help="End of the period, not included (YYYY-MM-DD), with --from.")
@click.option(
    "--format",
    "fmt",
    default="table",
    show_default=True,
    type=click.Choice(["table", "json", "junit", "markdown", "html"]),
)
@click.option("--out", type=click.Path(path_type=Path), help="Write the report to FILE instead of stdout.")
@click.option("--sample", default="50", show_default=True, help="Violating keys listed per result: N or all.")
@click.option(
    "--lang",
    default="zh",
    show_default=True,
    type=click.Choice(["zh", "en"]),
    help="Language of labels in reports.",
)
def check(
    pack: Path,
    data_dir: Path | None,
    period: str | None,
    periods: str | None,
    from_: str | None,
    to: str | None,
    fmt: str,
    out: Path | None,
    sample: str,
    lang: str,
) -> None:
    """Evaluate every check of PACK (a folder, its pack.yaml, or a .zip).

    Exit status: 0 when every requirement passes or warns, 1 when any fails, 2 when the input is wrong.
    """
    from guifan.engine import evaluate_periods, load_pack
    from guifan.engine.formats import render
    from guifan.engine.periods import zone

    limit = _sample(sample)
    with _input_errors():
        loaded = load_pack(pack)
        wanted = _periods(zone(loaded.pack.timezone), period, periods, from_, to)
        with _progress() as progress:
            evaluations = evaluate_periods(loaded, wanted, data_dir=data_dir, sample=limit, progress=progress)
    color = out is None and sys.stdout.isatty()
    text = render(evaluations, fmt, language=lang, color=color)
    _write(text, out)
    sys.exit(_exit_status(evaluations))


def _exit_status(evaluations: Sequence[Any]) -> int:
    """2 when a check could not be evaluated on the data (named on stderr), 1 when any fails, else 0."""
    errors = [(e, r) for e in evaluations for r in e.results if r.status == "error"]
    for evaluation, result in errors:
        click.echo(f"{result.requirement} ({evaluation.period.label}): {result.message}", err=True)
    if errors:
        return EXIT_INPUT
    return EXIT_FAILED if any(r.status == "fail" for e in evaluations for r in e.results) else EXIT_OK


def _periods(tz: Any, period: str | None, periods: str | None, from_: str | None, to: str | None) -> list[Any]:
    from guifan.engine.periods import parse_date, parse_period, parse_periods, period_between

    given = [name for name, v in (("--period", period), ("--periods", periods), ("--from", from_)) if v]
    if len(given) > 1:
        raise InputError.at(f"{' and '.join(given)} cannot be used together", hint="choose one way to say the period")
    if (from_ is None) != (to is None):
        raise InputError.at("--from and --to go together", hint="--to is the first day not included")
    if period:
        return [parse_period(period, tz)]
    if periods:
        return parse_periods(periods, tz)
    if from_ and to:
        return [period_between(parse_date(from_, "--from"), parse_date(to, "--to"), tz)]
    return []


@contextmanager
def _progress() -> Iterator[Callable[[int, int, str], None] | None]:
    """A progress bar on stderr when it is a terminal; nothing otherwise."""
    if not sys.stderr.isatty():
        yield None
        return
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    columns = (TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn())
    with Progress(*columns, transient=True, console=_stderr_console()) as bar:
        task = bar.add_task("checking", total=None)

        def update(done: int, total: int, what: str) -> None:
            bar.update(task, completed=done, total=total, description=f"checking {what}")

        yield update


def _stderr_console() -> Any:
    from rich.console import Console

    return Console(stderr=True)


def _write(text: str, out: Path | None) -> None:
    if out is None:
        click.echo(text, nl=not text.endswith("\n"))
        return
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(text, encoding="utf-8")
    click.echo(f"wrote {out}", err=True)


@cli.command()
@click.argument("pack", type=click.Path(path_type=Path))
@click.option("--data", "data_dir", type=click.Path(path_type=Path), help="Read dataset sources from DIR.")
def validate(pack: Path, data_dir: Path | None) -> None:
    """Check PACK and its datasets' headers, and dry-run every check, without reading the data."""
    from guifan.engine import LocalRunner, load_pack

    with _input_errors():
        loaded = load_pack(pack)
        runner = LocalRunner(loaded, data_dir=data_dir)
        try:
            schemas = runner.validate()
        finally:
            runner.close()
    n = len(loaded.pack.requirements())
    click.echo(f"{loaded.file}: ok ({len(loaded.pack.standards)} standards, {n} requirements)")
    for name, schema in schemas.items():
        columns = ", ".join(f"{column} {kind}" for column, kind in schema.columns.items())
        click.echo(f"  {name} ({schema.path.name}): {columns}")


@cli.command()
@click.argument("pack", type=click.Path(path_type=Path))
@click.argument("requirement")
@click.option("--data", "data_dir", type=click.Path(path_type=Path), help="Read dataset sources from DIR.")
@click.option("--period", help="The period, as for check; every record when absent.")
@click.option("--limit", default=None, type=click.IntRange(min=1), help="At most N records.")
@click.option("--out", type=click.Path(path_type=Path), help="Write the CSV to FILE instead of stdout.")
def records(
    pack: Path, requirement: str, data_dir: Path | None, period: str | None, limit: int | None, out: Path | None
) -> None:
    """Print, as CSV, the records that break REQUIREMENT of PACK in the period."""
    import csv
    import io
    from datetime import datetime

    from guifan.engine import load_pack
    from guifan.engine.periods import open_period, parse_period, zone
    from guifan.engine.records import violating_records

    with _input_errors():
        loaded = load_pack(pack)
        tz = zone(loaded.pack.timezone)
        chosen = parse_period(period, tz) if period else open_period(datetime.now(tz))
        page = violating_records(loaded, requirement, chosen, data_dir=data_dir, limit=limit)
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(page.columns)
    writer.writerows(page.rows)
    _write(buffer.getvalue(), out)
    click.echo(f"{page.total:,} records break {requirement} in {chosen.label} (dataset {page.dataset})", err=True)


@cli.command()
@click.option("--out", type=click.Path(path_type=Path), help="Write the schema to FILE instead of stdout.")
def schema(out: Path | None) -> None:
    """Print the JSON Schema of pack.yaml."""
    from guifan.engine.pack.model import pack_json_schema

    _write(json.dumps(pack_json_schema(), indent=2, ensure_ascii=False) + "\n", out)


@cli.command()
@click.argument("directory", type=click.Path(path_type=Path))
@click.option("--force", is_flag=True, help="Write into DIRECTORY even if it is not empty.")
def init(directory: Path, force: bool) -> None:
    """Write a small working pack with sample data into DIRECTORY."""
    from guifan.cli.scaffold import write_starter_pack

    with _input_errors():
        written = write_starter_pack(directory, force=force)
    click.echo(f"wrote {len(written)} files to {directory}")
    click.echo(f"next: guifan check {directory}")


@cli.command()
@click.option(
    "--out",
    "out_dir",
    default="demo-company",
    show_default=True,
    type=click.Path(path_type=Path),
    help="Folder to write the demo pack into.",
)
@click.option(
    "--scale",
    default=1.0,
    show_default=True,
    type=click.FloatRange(min=0.01, max=1000),
    help="Multiply the number of rows of the large tables.",
)
@click.option(
    "--no-serve",
    "no_serve",
    is_flag=True,
    help="Only write and evaluate the pack, in the terminal (the web app is not served).",
)
@click.option("--period", help="Evaluate this period instead of the whole year.")
def demo(out_dir: Path, scale: float, no_serve: bool, period: str | None) -> None:
    """Generate the demo company 示例公司 (a year of data and its standards) and evaluate it."""
    from guifan.cli.demo import run_demo

    with _input_errors():
        run_demo(out_dir, scale=scale, period=period)
    if not no_serve:
        from guifan.cli.web import load_and_serve

        load_and_serve(out_dir)


def _add_web_commands() -> None:
    from guifan.cli.web import manage, serve

    cli.add_command(serve)
    cli.add_command(manage)


_add_web_commands()


def _add_calendar_commands() -> None:
    from guifan.cli.calendar import calendar
    from guifan.cli.process import process
    from guifan.cli.sla import sla_curve

    cli.add_command(calendar)
    cli.add_command(process)
    cli.add_command(sla_curve)


_add_calendar_commands()


def main(argv: Sequence[str] | None = None) -> None:
    """Console-script entry point."""
    cli.main(args=list(argv) if argv is not None else None, prog_name="guifan")


if __name__ == "__main__":
    main()
