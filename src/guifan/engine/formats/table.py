"""``--format table``: the terminal report, drawn with rich; readable with or without colour.

Every piece of pack or data text goes through :class:`rich.text.Text`, never through console markup, so a
requirement text such as ``[bold]`` is printed as written.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from typing import Literal

from rich import box
from rich.cells import cell_len
from rich.console import Console
from rich.table import Table
from rich.text import Text

from guifan.engine.formats.common import (
    DASH,
    SYMBOLS,
    StandardBlock,
    TrendRow,
    by_standard,
    category_name,
    compliance,
    count_text,
    counts,
    group_line,
    hidden_keys,
    keys_note,
    measured,
    more_note,
    pack_title,
    period_text,
    problem_groups,
    requirement_count,
    short_labels,
    status_label,
    trend,
    value_text,
    warning_lines,
    word,
)
from guifan.engine.messages import localise
from guifan.engine.results import STATUSES, Evaluation, Result, Status
from guifan.engine.status import percent
from guifan.engine.values import text_in

STYLES: dict[Status, str] = {
    "pass": "green",
    "warn": "yellow",
    "fail": "red",
    "no_data": "dim",
    "error": "magenta",
}
KEYS_SHOWN = 5
GROUPS_SHOWN = 5
DEFAULT_WIDTH = 120
_SYSTEMS: dict[str | None, Literal["standard", "256", "truecolor", "windows"]] = {
    "256": "256",
    "truecolor": "truecolor",
    "windows": "windows",
}


def render_table(
    evaluations: Sequence[Evaluation],
    *,
    language: str = "zh",
    color: bool | None = None,
    width: int | None = None,
) -> str:
    """The report as terminal text; ``color`` None follows stdout (a terminal, NO_COLOR, FORCE_COLOR)."""
    console, styled = _console(color, width)
    if len(evaluations) == 1:
        _single(console, evaluations[0], language)
    else:
        _several(console, evaluations, language)
    text = console.export_text(styles=styled)
    return text if styled else "".join(line.rstrip() + "\n" for line in text.splitlines())


def _console(color: bool | None, width: int | None) -> tuple[Console, bool]:
    """A recording console writing nowhere, and whether its output carries ANSI styles."""
    probe = Console() if color is None or width is None else None
    if color is None:
        assert probe is not None
        color = probe.is_terminal and not probe.no_color and probe.color_system is not None
    if width is None:
        assert probe is not None
        width = probe.width if probe.is_terminal else DEFAULT_WIDTH
    system = _SYSTEMS.get(probe.color_system if probe else None, "standard") if color else None
    console = Console(
        record=True,
        file=io.StringIO(),
        width=width,
        force_terminal=color,
        color_system=system,
        no_color=not color,
        highlight=False,
        emoji=False,
        markup=False,
        legacy_windows=False,
    )
    return console, color


def status_text(status: Status, language: str) -> Text:
    """``✗ 不通过`` in the status colour."""
    return Text(f"{SYMBOLS[status]} {status_label(status, language)}", style=STYLES[status])


def _counts_line(results: Sequence[Result], language: str) -> Text:
    tally = counts(results)
    line = Text(requirement_count(len(results), language), style="bold")
    for status in STATUSES:
        style = STYLES[status] if tally[status] else "dim"
        line.append("  ")
        line.append(f"{SYMBOLS[status]} {tally[status]} {status_label(status, language)}", style=style)
    rate = compliance(results)
    line.append(f"  {word('compliance', language)} {percent(rate) if rate is not None else DASH}")
    return line


def _header(console: Console, evaluation: Evaluation, period: str, language: str) -> None:
    title = Text(pack_title(evaluation), style="bold")
    if evaluation.title:
        title.append(f"  {evaluation.pack}", style="dim")
    console.print(title)
    console.print(Text(f"{word('period', language)} {period}"))


# --- one period --------------------------------------------------------------------------------------------


def _single(console: Console, evaluation: Evaluation, language: str) -> None:
    _header(console, evaluation, period_text(evaluation.period, language), language)
    console.print(_counts_line(evaluation.results, language))
    if not evaluation.results:
        console.print(Text(word("nothing", language), style="dim"))
    widths = _widths(evaluation.results, language)
    for block in by_standard(evaluation.results):
        console.print()
        console.print(_standard_heading(block, language))
        console.print(_standard_table(block, widths, language))
    _warnings(console, warning_lines([evaluation]), language)


def _standard_heading(block: StandardBlock, language: str) -> Text:
    heading = Text(block.standard, style="bold cyan")
    if block.title:
        heading.append(f" {block.title}", style="bold")
    heading.append(f" · {category_name(block.category, language)}", style="dim")
    return heading


_NUMERIC = ("value", "target", "population", "violations")


def _widths(results: Sequence[Result], language: str) -> dict[str, int]:
    """Column widths shared by every standard's table, so the columns line up down the report."""
    cells: dict[str, list[str]] = {
        "requirement": [r.requirement for r in results],
        "status": [f"{SYMBOLS[r.status]} {status_label(r.status, language)}" for r in results],
        "value": [value_text(r.value, r.unit) for r in results],
        "target": [r.target or DASH for r in results],
        "population": [count_text(r.population) for r in results],
        "violations": [count_text(r.violations) for r in results],
    }
    return {key: max([cell_len(word(key, language)), *map(cell_len, texts)]) for key, texts in cells.items()}


def _standard_table(block: StandardBlock, widths: dict[str, int], language: str) -> Table:
    table = Table(box=box.SIMPLE_HEAD, header_style="bold", pad_edge=False, show_edge=False)
    for key, size in widths.items():
        justify: Literal["left", "right"] = "right" if key in _NUMERIC else "left"
        table.add_column(word(key, language), width=size, no_wrap=True, justify=justify)
    table.add_column(word("message", language), ratio=1, overflow="fold")
    for r in block.results:
        table.add_row(
            Text(r.requirement),
            status_text(r.status, language),
            Text(value_text(r.value, r.unit), style=STYLES[r.status] if r.status != "pass" else ""),
            Text(r.target or DASH),
            Text(count_text(r.population)),
            Text(count_text(r.violations), style="red" if r.violations and r.status == "fail" else ""),
            _message_cell(r, language),
        )
    return table


def _message_cell(result: Result, language: str) -> Text:
    """What the requirement says, the measured message, then (for a failure or a warning) its groups below
    target and first violating keys."""
    text = text_in(result.text)
    cell = Text(text) if text else Text()
    if result.message:
        cell.append(("\n" if text else "") + localise(result.message, language), style="dim" if text else "")
    if not cell.plain:
        cell = Text(DASH)
    groups = problem_groups(result)
    for group in groups[:GROUPS_SHOWN]:
        cell.append("\n└ ", style="dim")
        cell.append(group_line(group, result.unit, language), style=STYLES[group.status])
    if len(groups) > GROUPS_SHOWN:
        cell.append(f"\n  {more_note(len(groups) - GROUPS_SHOWN, language)}", style="dim")
    if result.status in ("fail", "warn") and result.violating_keys:
        cell.append(f"\n{word('violating_keys', language)}: ", style="dim")
        cell.append(", ".join(result.violating_keys[:KEYS_SHOWN]))
        if hidden_keys(result, KEYS_SHOWN):
            cell.append(f" {keys_note(result, KEYS_SHOWN, language)}", style="dim")
    return cell


def _warnings(console: Console, warnings: Sequence[str], language: str) -> None:
    if warnings:
        console.print()
    for warning in warnings:
        console.print(Text(f"{word('warnings', language)}: {warning}", style="yellow"))


# --- several periods ---------------------------------------------------------------------------------------


def _several(console: Console, evaluations: Sequence[Evaluation], language: str) -> None:
    first, last = evaluations[0], evaluations[-1]
    span = f"{first.period.label} … {last.period.label} ({len(evaluations)})"
    _header(console, last, span, language)
    console.print()
    rows = trend(evaluations)
    labels = [e.period.label for e in evaluations]
    with_values = _fits(rows, labels, console.width, values=True)
    if not with_values and not _fits(rows, labels, console.width, values=False):
        labels = short_labels(labels)
    console.print(_trend_table(rows, labels, with_values, language))
    console.print(_legend(language))
    console.print()
    console.print(_summary_table(evaluations, language))
    _warnings(console, warning_lines(evaluations), language)


def _trend_cell(result: Result | None, with_value: bool) -> Text:
    if result is None:
        return Text("")
    shown = SYMBOLS[result.status]
    if with_value and measured(result):
        shown = f"{shown} {value_text(result.value, result.unit)}"
    return Text(shown, style=STYLES[result.status])


def _fits(rows: Sequence[TrendRow], labels: Sequence[str], width: int, *, values: bool) -> bool:
    """Whether the matrix, with values or with symbols only, fits in ``width`` columns."""
    first = max([cell_len(row.requirement) for row in rows], default=0)
    cells = [
        max([cell_len(label)] + [cell_len(_trend_cell(row.cells[i], values).plain) for row in rows])
        for i, label in enumerate(labels)
    ]
    return first + sum(c + 3 for c in cells) <= width


def _trend_table(rows: Sequence[TrendRow], labels: Sequence[str], with_values: bool, language: str) -> Table:
    table = Table(box=box.SIMPLE_HEAD, header_style="bold", pad_edge=False, show_edge=False)
    first = max([cell_len(row.requirement) for row in rows], default=0)
    table.add_column(word("requirement", language), no_wrap=True, min_width=first, overflow="ellipsis")
    for label in labels:
        table.add_column(label, justify="right" if with_values else "center", no_wrap=True)
    for i, row in enumerate(rows):
        last_of_standard = i + 1 == len(rows) or rows[i + 1].standard != row.standard
        table.add_row(
            Text(row.requirement),
            *(_trend_cell(c, with_values) for c in row.cells),
            end_section=last_of_standard,
        )
    return table


def _legend(language: str) -> Text:
    legend = Text(f"{word('legend', language)}:", style="dim")
    for status in STATUSES:
        legend.append("  ")
        legend.append(f"{SYMBOLS[status]} {status_label(status, language)}", style=STYLES[status])
    return legend


def _summary_table(evaluations: Sequence[Evaluation], language: str) -> Table:
    """Per period: how many requirements, how many in each status, and the compliance rate."""
    table = Table(box=box.SIMPLE_HEAD, header_style="bold", pad_edge=False, show_edge=False)
    table.add_column(word("period", language), no_wrap=True)
    table.add_column(word("requirements", language), justify="right")
    for status in STATUSES:
        table.add_column(status_label(status, language), justify="right", header_style=f"bold {STYLES[status]}")
    table.add_column(word("compliance", language), justify="right")
    for evaluation in evaluations:
        tally = counts(evaluation.results)
        rate = compliance(evaluation.results)
        table.add_row(
            Text(evaluation.period.label),
            Text(count_text(len(evaluation.results))),
            *(Text(str(tally[s]), style=STYLES[s] if tally[s] else "dim") for s in STATUSES),
            Text(percent(rate) if rate is not None else DASH),
        )
    return table
