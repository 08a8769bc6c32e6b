"""``--format html``: one self-contained page (inline CSS, no scripts, no external resources).

Every text from the pack or the data is escaped with :func:`html.escape`; the only unescaped values are the
markup written here and numbers formatted here.
"""

from __future__ import annotations

from collections.abc import Sequence
from html import escape

from guifan.engine.formats.common import (
    DASH,
    SYMBOLS,
    WORST_FIRST,
    StandardBlock,
    by_category,
    category_name,
    compliance,
    count_text,
    counts,
    group_label,
    hidden_keys,
    keys_note,
    language_of,
    measured,
    pack_title,
    period_range,
    period_text,
    status_label,
    trend,
    value_text,
    warning_lines,
    word,
)
from guifan.engine.messages import localise
from guifan.engine.results import STATUSES, Evaluation, Result, Status
from guifan.engine.status import percent

CSS = """
:root {
  --ink: #1f2328; --muted: #656d76; --line: #d8dee4; --paper: #ffffff; --soft: #f6f8fa; --accent: #0b5cad;
  --pass: #1a7f37; --pass-bg: #e9f6ed; --warn: #8a5a00; --warn-bg: #fff5d6; --fail: #c62828;
  --fail-bg: #fdecec; --no_data: #6e7781; --no_data-bg: #f1f3f5; --error: #7b3fc4; --error-bg: #f3ecfd;
}
@media (prefers-color-scheme: dark) {
  :root {
    --ink: #e6edf3; --muted: #9198a1; --line: #30363d; --paper: #0d1117; --soft: #161b22; --accent: #58a6ff;
    --pass: #3fb950; --pass-bg: #12261a; --warn: #d29922; --warn-bg: #2b2111; --fail: #f85149;
    --fail-bg: #2d1416; --no_data: #8b949e; --no_data-bg: #1c2128; --error: #bc8cff; --error-bg: #231a33;
  }
}
* { box-sizing: border-box; }
body {
  margin: 0; background: var(--soft); color: var(--ink); line-height: 1.55; font-size: 15px;
  font-family: system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, "PingFang SC",
    "Hiragino Sans GB", "Microsoft YaHei", "Noto Sans CJK SC", "Noto Sans SC", sans-serif;
}
main { max-width: 1180px; margin: 0 auto; padding: 32px 24px 48px; }
code, .mono { font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, "Noto Sans Mono CJK SC", monospace;
  font-size: 0.92em; }
header.top { border-bottom: 3px solid var(--accent); padding-bottom: 16px; margin-bottom: 24px; }
.eyebrow { margin: 0; color: var(--accent); font-weight: 600; letter-spacing: 0.04em; font-size: 0.85rem; }
h1 { margin: 4px 0 12px; font-size: 1.9rem; line-height: 1.25; }
h2 { font-size: 1.25rem; margin: 36px 0 12px; padding-bottom: 6px; border-bottom: 1px solid var(--line); }
h3 { font-size: 1.1rem; margin: 28px 0 10px; }
h4 { font-size: 1rem; margin: 22px 0 8px; display: flex; gap: 10px; align-items: baseline; flex-wrap: wrap; }
.meta { display: flex; flex-wrap: wrap; gap: 8px 28px; margin: 0; color: var(--muted); }
.meta div { display: flex; gap: 6px; }
.meta dt::after { content: ":"; }
.meta dd { margin: 0; color: var(--ink); }
.cards { display: grid; grid-template-columns: repeat(auto-fit, minmax(130px, 1fr)); gap: 12px; }
.card { background: var(--paper); border: 1px solid var(--line); border-radius: 8px; padding: 12px 16px;
  border-top: 4px solid var(--c, var(--accent)); }
.card .n { display: block; font-size: 1.9rem; font-weight: 700; line-height: 1.2;
  color: var(--c, var(--ink)); }
.card .l { color: var(--muted); font-size: 0.9rem; }
.card.zero .n { color: var(--muted); opacity: 0.6; }
.s-pass { --c: var(--pass); --bg: var(--pass-bg); }
.s-warn { --c: var(--warn); --bg: var(--warn-bg); }
.s-fail { --c: var(--fail); --bg: var(--fail-bg); }
.s-no_data { --c: var(--no_data); --bg: var(--no_data-bg); }
.s-error { --c: var(--error); --bg: var(--error-bg); }
table { width: 100%; border-collapse: collapse; background: var(--paper); border: 1px solid var(--line);
  border-radius: 8px; overflow: hidden; font-size: 0.93rem; }
th, td { padding: 8px 10px; text-align: left; vertical-align: top; border-bottom: 1px solid var(--line); }
th { background: var(--soft); font-weight: 600; white-space: nowrap; color: var(--muted); }
td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
tr.req td { background: var(--bg, transparent); }
tr.req td:first-child { box-shadow: inset 4px 0 0 var(--c); white-space: nowrap; }
tr.req.s-pass td { background: transparent; }
tr.more td { background: var(--paper); border-top: none; padding-top: 0; }
tr.more td:first-child { box-shadow: inset 4px 0 0 var(--c); }
.pill { display: inline-block; padding: 1px 10px; border-radius: 999px; font-size: 0.85rem; font-weight: 600;
  white-space: nowrap; color: var(--c); background: var(--paper); border: 1px solid var(--c); }
.sid { color: var(--accent); }
.msg { color: var(--ink); }
.muted { color: var(--muted); }
.bar { height: 8px; min-width: 120px; background: var(--no_data-bg); border-radius: 4px; overflow: hidden; }
.bar span { display: block; height: 100%; background: var(--pass); }
details { margin: 6px 0; }
summary { cursor: pointer; color: var(--accent); font-size: 0.9rem; }
details table { margin: 8px 0; font-size: 0.88rem; }
ul.keys { list-style: none; margin: 8px 0; padding: 0; display: flex; flex-wrap: wrap; gap: 6px; }
ul.keys li { background: var(--soft); border: 1px solid var(--line); border-radius: 4px; padding: 0 6px; }
td.cell { text-align: center; white-space: nowrap; color: var(--c); background: var(--bg); font-weight: 600;
  font-variant-numeric: tabular-nums; }
details.period { background: var(--paper); border: 1px solid var(--line); border-radius: 8px;
  padding: 4px 16px 16px; margin: 16px 0; }
details.period > summary { font-size: 1.1rem; font-weight: 600; padding: 10px 0; color: var(--ink); }
.notes { border-left: 4px solid var(--warn); background: var(--warn-bg); padding: 8px 16px;
  border-radius: 4px; }
footer { margin-top: 40px; color: var(--muted); font-size: 0.85rem; }
.scroll { overflow-x: auto; }
@media print { body { background: #fff; } main { max-width: none; padding: 0; } }
"""

KEYS_SHOWN = 200


def _e(text: object) -> str:
    return escape(str(text), quote=True)


def render_html(evaluations: Sequence[Evaluation], *, language: str = "zh") -> str:
    """A complete HTML document, ending with a newline."""
    last = evaluations[-1]
    title = f"{pack_title(last)} · {word('report', language)}"
    parts = [
        "<!DOCTYPE html>",
        f'<html lang="{"zh-CN" if language_of(language) == "zh" else "en"}">',
        "<head>",
        '<meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        '<meta name="generator" content="guifan">',
        f"<title>{_e(title)}</title>",
        f"<style>{CSS}</style>",
        "</head>",
        "<body>",
        "<main>",
        _top(evaluations, language),
    ]
    if len(evaluations) == 1:
        parts += _period_body(last, language)
    else:
        parts.append(_cards(last, language, caption=last.period.label))
        parts.append(_trend(evaluations, language))
        parts.append(_period_summaries(evaluations, language))
        for evaluation in evaluations:
            is_last = evaluation is last
            parts.append(f'<details class="period"{" open" if is_last else ""}>')
            parts.append(f"<summary>{_e(period_text(evaluation.period, language))}</summary>")
            parts += _period_body(evaluation, language)
            parts.append("</details>")
    parts += [_warnings(evaluations, language), _footer(last, language), "</main>", "</body>", "</html>"]
    return "\n".join(p for p in parts if p) + "\n"


def _top(evaluations: Sequence[Evaluation], language: str) -> str:
    first, last = evaluations[0], evaluations[-1]
    if len(evaluations) == 1:
        period = (word("period", language), period_text(last.period, language))
    else:
        span = f"{first.period.label} … {last.period.label} ({len(evaluations)})"
        period = (word("periods", language), span)
    started = last.started_at.replace(microsecond=0).strftime("%Y-%m-%d %H:%M")
    items = [
        (word("pack", language), f"<code>{_e(last.pack)}</code>"),
        (period[0], _e(period[1])),
        (word("evaluated_at", language), _e(started)),
    ]
    meta = "".join(f"<div><dt>{_e(k)}</dt><dd>{v}</dd></div>" for k, v in items)
    return (
        '<header class="top">'
        f'<p class="eyebrow">{_e(word("report", language))}</p>'
        f"<h1>{_e(pack_title(last))}</h1>"
        f'<dl class="meta">{meta}</dl>'
        "</header>"
    )


def _period_body(evaluation: Evaluation, language: str) -> list[str]:
    """Summary cards, the compliance-by-category table, then every standard under its category."""
    parts = [_cards(evaluation, language)]
    if not evaluation.results:
        return [*parts, f'<p class="muted">{_e(word("nothing", language))}</p>']
    parts.append(_categories(evaluation.results, language))
    parts.append(f"<section><h2>{_e(word('details', language))}</h2>")
    for category, blocks in by_category(evaluation.results):
        parts.append(f"<h3>{_e(category_name(category, language))}</h3>")
        parts += [_standard(block, language) for block in blocks]
    parts.append("</section>")
    return parts


def _th(text: str, numeric: bool = False) -> str:
    return f'<th class="num">{_e(text)}</th>' if numeric else f"<th>{_e(text)}</th>"


def _pill(status: Status, language: str) -> str:
    return f'<span class="pill s-{status}">{_e(SYMBOLS[status])} {_e(status_label(status, language))}</span>'


def _rate(results: Sequence[Result]) -> str:
    rate = compliance(results)
    return percent(rate) if rate is not None else DASH


def _cards(evaluation: Evaluation, language: str, caption: str | None = None) -> str:
    tally = counts(evaluation.results)
    cards = [
        f'<div class="card"><span class="n">{count_text(len(evaluation.results))}</span>'
        f'<span class="l">{_e(word("requirements", language))}</span></div>'
    ]
    for status in STATUSES:
        zero = " zero" if tally[status] == 0 else ""
        cards.append(
            f'<div class="card s-{status}{zero}"><span class="n">{tally[status]}</span>'
            f'<span class="l">{_e(status_label(status, language))}</span></div>'
        )
    cards.append(
        f'<div class="card"><span class="n">{_e(_rate(evaluation.results))}</span>'
        f'<span class="l">{_e(word("compliance", language))}</span></div>'
    )
    heading = f"{word('summary', language)} · {caption}" if caption else word("summary", language)
    return f'<section><h2>{_e(heading)}</h2><div class="cards">{"".join(cards)}</div></section>'


def _bar(results: Sequence[Result]) -> str:
    rate = compliance(results)
    if rate is None:
        return DASH
    return f'<div class="bar" title="{_e(percent(rate))}"><span style="width:{rate * 100:.1f}%"></span></div>'


def _categories(results: Sequence[Result], language: str) -> str:
    head = [word("category", language), word("requirements", language)]
    head += [status_label(s, language) for s in STATUSES] + [word("compliance", language), ""]
    header = "".join(_th(h, 0 < i < len(head) - 1) for i, h in enumerate(head))
    rows = []
    for category, blocks in by_category(results):
        members = [r for b in blocks for r in b.results]
        tally = counts(members)
        cells = [f"<td>{_e(category_name(category, language))}</td>", f'<td class="num">{len(members)}</td>']
        cells += [f'<td class="num">{tally[s] or ""}</td>' for s in STATUSES]
        cells += [f'<td class="num">{_e(_rate(members))}</td>', f"<td>{_bar(members)}</td>"]
        rows.append(f"<tr>{''.join(cells)}</tr>")
    return (
        f"<section><h2>{_e(word('by_category', language))}</h2>"
        f'<div class="scroll"><table class="cats"><thead><tr>{header}</tr></thead>'
        f"<tbody>{''.join(rows)}</tbody></table></div></section>"
    )


_REQ_COLUMNS = ("requirement", "text", "status", "value", "target", "population", "violations", "message")
_NUM = {"value", "target", "population", "violations"}


def _standard(block: StandardBlock, language: str) -> str:
    heading = f'<h4><span class="sid mono">{_e(block.standard)}</span><span>{_e(block.title)}</span></h4>'
    header = "".join(_th(word(key, language), key in _NUM) for key in _REQ_COLUMNS)
    rows = "".join(_requirement_rows(r, language) for r in block.results)
    return (
        f'<article class="standard">{heading}<div class="scroll"><table class="reqs">'
        f"<thead><tr>{header}</tr></thead><tbody>{rows}</tbody></table></div></article>"
    )


def _requirement_rows(r: Result, language: str) -> str:
    cells = [
        f'<td class="mono">{_e(r.requirement)}</td>',
        f"<td>{_e(r.text) or DASH}</td>",
        f"<td>{_pill(r.status, language)}</td>",
        f'<td class="num">{_e(value_text(r.value, r.unit))}</td>',
        f'<td class="num">{_e(r.target or DASH)}</td>',
        f'<td class="num">{count_text(r.population)}</td>',
        f'<td class="num">{count_text(r.violations)}</td>',
        f'<td class="msg">{_e(localise(r.message, language)) or DASH}</td>',
    ]
    row = f'<tr class="req s-{r.status}">{"".join(cells)}</tr>'
    extra = _groups(r, language) + _keys(r, language)
    if extra:
        row += f'<tr class="more s-{r.status}"><td></td><td colspan="{len(cells) - 1}">{extra}</td></tr>'
    return row


def _groups(r: Result, language: str) -> str:
    if not r.groups:
        return ""
    below = sum(g.status in ("fail", "warn", "error") for g in r.groups)
    note = f"{below} / {len(r.groups)}" if below else f"{len(r.groups)}"
    summary = f"{word('groups', language)} ({note})" if not below else f"{word('problem_groups', language)}: {note}"
    keys = ("groups", "status", "value", "population", "violations")
    head = "".join(_th(word(key, language), key in _NUM) for key in keys)
    ordered = sorted(r.groups, key=lambda g: WORST_FIRST.index(g.status))
    rows = "".join(
        f'<tr class="req s-{g.status}"><td>{_e(group_label(g))}</td><td>{_pill(g.status, language)}</td>'
        f'<td class="num">{_e(value_text(g.value, r.unit))}</td>'
        f'<td class="num">{count_text(g.population)}</td><td class="num">{count_text(g.violations)}</td></tr>'
        for g in ordered
    )
    return (
        f"<details{' open' if below and r.status == 'fail' else ''}><summary>{_e(summary)}</summary>"
        f"<table><thead><tr>{head}</tr></thead><tbody>{rows}</tbody></table></details>"
    )


def _keys(r: Result, language: str) -> str:
    if not r.violating_keys:
        return ""
    shown = r.violating_keys[:KEYS_SHOWN]
    total = max(r.violations, len(r.violating_keys))
    summary = f"{word('violating_keys', language)} ({len(shown)} / {count_text(total)})"
    items = "".join(f'<li class="mono">{_e(k)}</li>' for k in shown)
    note = f'<p class="muted">{_e(keys_note(r, KEYS_SHOWN, language))}</p>' if hidden_keys(r, KEYS_SHOWN) else ""
    return f'<details><summary>{_e(summary)}</summary><ul class="keys">{items}</ul>{note}</details>'


def _trend(evaluations: Sequence[Evaluation], language: str) -> str:
    labels = "".join(f'<th class="num">{_e(e.period.label)}</th>' for e in evaluations)
    header = f"<th>{_e(word('requirement', language))}</th><th>{_e(word('text', language))}</th>{labels}"
    rows = []
    for row in trend(evaluations):
        cells = [f'<td class="mono">{_e(row.requirement)}</td>', f'<td class="muted">{_e(row.text)}</td>']
        for r in row.cells:
            if r is None:
                cells.append("<td></td>")
                continue
            shown = SYMBOLS[r.status] if not measured(r) else f"{SYMBOLS[r.status]} {value_text(r.value, r.unit)}"
            tip = f"{status_label(r.status, language)}: {localise(r.message, language)}"
            cells.append(f'<td class="cell s-{r.status}" title="{_e(tip)}">{_e(shown)}</td>')
        rows.append(f"<tr>{''.join(cells)}</tr>")
    return (
        f'<section><h2>{_e(word("trend", language))}</h2><div class="scroll"><table class="trend">'
        f"<thead><tr>{header}</tr></thead><tbody>{''.join(rows)}</tbody></table></div></section>"
    )


def _period_summaries(evaluations: Sequence[Evaluation], language: str) -> str:
    head = [word("period", language), word("requirements", language)]
    head += [status_label(s, language) for s in STATUSES] + [word("compliance", language), ""]
    header = "".join(_th(h, 0 < i < len(head) - 1) for i, h in enumerate(head))
    rows = []
    for e in evaluations:
        tally = counts(e.results)
        cells = [
            f'<td title="{_e(period_range(e.period, language))}">{_e(e.period.label)}</td>',
            f'<td class="num">{len(e.results)}</td>',
            *(f'<td class="num">{tally[s] or ""}</td>' for s in STATUSES),
            f'<td class="num">{_e(_rate(e.results))}</td>',
            f"<td>{_bar(e.results)}</td>",
        ]
        rows.append(f"<tr>{''.join(cells)}</tr>")
    return (
        f'<section><h2>{_e(word("summary", language))}</h2><div class="scroll"><table>'
        f"<thead><tr>{header}</tr></thead><tbody>{''.join(rows)}</tbody></table></div></section>"
    )


def _warnings(evaluations: Sequence[Evaluation], language: str) -> str:
    items = [f"<li>{_e(line)}</li>" for line in warning_lines(evaluations)]
    if not items:
        return ""
    return f'<section class="notes"><h3>{_e(word("warnings", language))}</h3><ul>{"".join(items)}</ul></section>'


def _footer(evaluation: Evaluation, language: str) -> str:
    started = evaluation.started_at.replace(microsecond=0).isoformat(sep=" ")
    took = f"{evaluation.duration_s:.2f} s"
    return (
        f"<footer>{_e(word('generated', language))} · {_e(word('evaluated_at', language))} {_e(started)}"
        f" · {_e(word('duration', language))} {_e(took)}</footer>"
    )
