"""``--format markdown``: a report to paste into a wiki (GitHub-flavoured tables)."""

from __future__ import annotations

import re
from collections.abc import Sequence

from guifan.engine.formats.common import (
    DASH,
    StandardBlock,
    TrendRow,
    by_category,
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

ICONS: dict[Status, str] = {"pass": "✅", "warn": "⚠️", "fail": "❌", "no_data": "", "error": ""}
"""Icons for the three statuses a reader scans for; the others are words only."""
KEYS_SHOWN = 10
GROUPS_SHOWN = 10

_SPECIAL = re.compile(r"([\\`*\[\]|])")
_TAG = re.compile(r"<(?=[A-Za-z/!?])")
_EDGE_UNDERSCORE = re.compile(r"(?<![0-9A-Za-z])_|_(?![0-9A-Za-z])")


def escape(text: str) -> str:
    """``text`` as literal Markdown inline text, safe in a table cell (``|`` escaped, no line breaks)."""
    text = _SPECIAL.sub(r"\\\1", text)
    text = _EDGE_UNDERSCORE.sub(r"\\_", text)
    text = _TAG.sub("&lt;", text)
    return " ".join(text.split())


def code(text: str) -> str:
    """``text`` as a code span, fenced with more backticks than it contains."""
    longest = max((len(run) for run in re.findall(r"`+", text)), default=0)
    fence = "`" * (longest + 1)
    pad = " " if text.startswith("`") or text.endswith("`") else ""
    return f"{fence}{pad}{text}{pad}{fence}"


def status_cell(status: Status, language: str) -> str:
    """``❌ 不通过``; ``无数据`` / ``错误`` without an icon."""
    return f"{ICONS[status]} {status_label(status, language)}".strip()


def _table(header: Sequence[str], rows: Sequence[Sequence[str]], right: Sequence[int] = ()) -> list[str]:
    """A GFM table; cells are expected escaped already, ``right`` lists right-aligned columns."""
    rule = ["---:" if i in right else "---" for i in range(len(header))]
    lines = ["| " + " | ".join(header) + " |", "| " + " | ".join(rule) + " |"]
    lines.extend("| " + " | ".join(row) + " |" for row in rows)
    return lines


def render_markdown(evaluations: Sequence[Evaluation], *, language: str = "zh") -> str:
    """The report as Markdown, ending with a newline."""
    last = evaluations[-1]
    lines = [f"# {escape(pack_title(last))}", ""]
    if len(evaluations) == 1:
        lines += _meta(last, language)
        lines += _summary(last.results, language)
    else:
        lines += _trend_section(evaluations, language)
        lines += [f"## {word('latest', language)}: {escape(last.period.label)}", ""]
    lines += _details(last, language, level=2 if len(evaluations) == 1 else 3)
    lines += _warnings(evaluations, language)
    return "\n".join(lines).rstrip("\n") + "\n"


def _meta(evaluation: Evaluation, language: str) -> list[str]:
    started = evaluation.started_at.replace(microsecond=0).isoformat(sep=" ")
    return [
        f"- {word('pack', language)}: {code(evaluation.pack)}",
        f"- {word('period', language)}: {escape(period_text(evaluation.period, language))}",
        f"- {word('evaluated_at', language)}: {escape(started)}",
        "",
    ]


def _summary(results: Sequence[Result], language: str) -> list[str]:
    tally = counts(results)
    rate = compliance(results)
    header = [word("requirements", language), *(status_cell(s, language) for s in STATUSES)]
    header.append(word("compliance", language))
    row = [
        count_text(len(results)),
        *(str(tally[s]) for s in STATUSES),
        percent(rate) if rate is not None else DASH,
    ]
    return [f"## {word('summary', language)}", "", *_table(header, [row], range(len(header))), ""]


def _details(evaluation: Evaluation, language: str, level: int) -> list[str]:
    """Categories as headings of ``level``, their standards one level below."""
    if not evaluation.results:
        return [word("nothing", language), ""]
    lines: list[str] = []
    for category, blocks in by_category(evaluation.results):
        lines += [f"{'#' * level} {escape(category_name(category, language))}", ""]
        for block in blocks:
            lines += _standard(block, language, level + 1)
    return lines


def _standard(block: StandardBlock, language: str, level: int) -> list[str]:
    heading = f"{'#' * level} {escape(block.standard)} {escape(block.title)}".rstrip()
    keys = ("requirement", "text", "status", "value", "target", "population", "violations", "message")
    rows = [
        [
            escape(r.requirement),
            escape(text_in(r.text)) or DASH,
            status_cell(r.status, language),
            escape(value_text(r.value, r.unit)),
            escape(r.target or DASH),
            count_text(r.population),
            count_text(r.violations),
            escape(localise(r.message, language)) or DASH,
        ]
        for r in block.results
    ]
    lines = [heading, "", *_table([word(k, language) for k in keys], rows, (5, 6)), ""]
    for r in block.results:
        lines += _problems(r, language)
    return lines


def _problems(result: Result, language: str) -> list[str]:
    """Under a failure or a warning: its groups below target and its first violating keys."""
    groups = problem_groups(result)
    showing_keys = result.status in ("fail", "warn") and bool(result.violating_keys)
    if not groups and not showing_keys:
        return []
    lines = [f"**{escape(result.requirement)}** {status_cell(result.status, language)}", ""]
    if groups:
        lines.append(f"- {word('problem_groups', language)}:")
        lines += [f"  - {escape(group_line(g, result.unit, language))}" for g in groups[:GROUPS_SHOWN]]
        if len(groups) > GROUPS_SHOWN:
            lines.append(f"  - {more_note(len(groups) - GROUPS_SHOWN, language)}")
    if showing_keys:
        shown = ", ".join(code(k) for k in result.violating_keys[:KEYS_SHOWN])
        note = f" {keys_note(result, KEYS_SHOWN, language)}" if hidden_keys(result, KEYS_SHOWN) else ""
        lines.append(f"- {word('violating_keys', language)}: {shown}{note}")
    return [*lines, ""]


def _trend_section(evaluations: Sequence[Evaluation], language: str) -> list[str]:
    first, last = evaluations[0], evaluations[-1]
    span = f"{first.period.label} … {last.period.label}"
    lines = [
        f"- {word('pack', language)}: {code(last.pack)}",
        f"- {word('periods', language)}: {escape(span)}",
        "",
    ]
    header = [word("period", language), word("requirements", language)]
    header += [status_cell(s, language) for s in STATUSES] + [word("compliance", language)]
    rows = []
    for evaluation in evaluations:
        tally = counts(evaluation.results)
        rate = compliance(evaluation.results)
        rows.append(
            [
                escape(evaluation.period.label),
                count_text(len(evaluation.results)),
                *(str(tally[s]) for s in STATUSES),
                percent(rate) if rate is not None else DASH,
            ]
        )
    lines += [f"## {word('summary', language)}", "", *_table(header, rows, range(1, len(header))), ""]
    matrix = [_trend_row(row, language) for row in trend(evaluations)]
    labels = [escape(e.period.label) for e in evaluations]
    lines += [
        f"## {word('trend', language)}",
        "",
        *_table([word("requirement", language), *labels], matrix),
        "",
    ]
    return lines


def _trend_row(row: TrendRow, language: str) -> list[str]:
    cells = [escape(row.requirement)]
    for result in row.cells:
        if result is None:
            cells.append("")
        elif not measured(result) or not ICONS[result.status]:
            cells.append(status_cell(result.status, language))
        else:
            cells.append(f"{ICONS[result.status]} {escape(value_text(result.value, result.unit))}")
    return cells


def _warnings(evaluations: Sequence[Evaluation], language: str) -> list[str]:
    items = [f"- {escape(line)}" for line in warning_lines(evaluations)]
    return [f"## {word('warnings', language)}", "", *items, ""] if items else []
