"""A process drawn as an SVG swimlane diagram, laid out here (no JavaScript, no external assets).

One lane per responsible position, in the order the steps first reach it; steps left to right in their order;
start and end steps are rounded, execute steps boxes, supervise steps diamonds; arrows follow the order, and
each step's duration limit labels the arrow that leads into it.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from django.utils.html import escape
from django.utils.translation import gettext as _

LANE_HEAD = 132
COLUMN = 150
LANE = 96
TOP = 40
BOX_W, BOX_H = 116, 52
FONT = 13
FONTS = "'Noto Sans CJK SC','Source Han Sans SC','PingFang SC','Microsoft YaHei',sans-serif"
COLOURS = {"start": "#e3f1e6", "end": "#e8e3f3", "execute": "#e8f0fb", "supervise": "#fdf1dc"}


@dataclass(frozen=True)
class Box:
    """What the diagram needs of one step."""

    label: str
    type: str
    lane: str
    limit: str = ""
    optional: bool = False


def text_width(text: str, size: float = FONT) -> float:
    """Approximate width in pixels: CJK and other wide characters count one em, the rest about 0.6 em."""
    return sum(size if unicodedata.east_asian_width(ch) in "WF" else size * 0.6 for ch in text)


def _tokens(text: str) -> list[str]:
    """Words (with the spaces after them) and single wide characters: the places a line may break."""
    return re.findall(r"[^\s\u2e80-\uffff]+\s*|[\u2e80-\uffff]\s*|\s+", text)


def wrap(text: str, width: float, size: float = FONT, lines: int = 2) -> list[str]:
    """Break ``text`` into at most ``lines`` lines that fit ``width``: between words, or between Chinese
    characters; a word longer than a line is cut. The last line ends in … when text is left over."""
    out: list[str] = []
    current = ""
    for token in _tokens(text):
        if current and text_width(current + token.rstrip(), size) > width:
            out.append(current.rstrip())
            current = ""
        rest = token
        while text_width(rest.rstrip(), size) > width:  # a word longer than a line
            cut = len(rest) - 1
            while cut > 1 and text_width(rest[:cut], size) > width:
                cut -= 1
            out.append(rest[:cut])
            rest = rest[cut:]
        current += rest
    out.append(current.rstrip())
    if len(out) > lines:
        out = out[:lines]
        last = out[-1]
        while last and text_width(last + "…", size) > width:
            last = last[:-1]
        out[-1] = last.rstrip() + "…"
    return out


def _lanes(boxes: list[Box]) -> list[str]:
    lanes: list[str] = []
    for box in boxes:
        if box.lane not in lanes:
            lanes.append(box.lane)
    return lanes or [""]


def _text(x: float, y: float, lines: list[str], size: float = FONT, weight: str = "normal") -> str:
    first = y - (len(lines) - 1) * (size + 3) / 2
    spans = "".join(
        f'<tspan x="{x:.0f}" y="{first + i * (size + 3):.0f}">{escape(line)}</tspan>' for i, line in enumerate(lines)
    )
    return (f'<text text-anchor="middle" dominant-baseline="middle" font-size="{size}" '
            f'font-weight="{weight}">{spans}</text>')  # fmt: skip


def _shape(box: Box, cx: float, cy: float) -> str:
    fill = COLOURS.get(box.type, "#fff")
    if box.type == "supervise":
        w, h = BOX_W / 2 + 10, BOX_H / 2 + 12
        points = f"{cx},{cy - h} {cx + w},{cy} {cx},{cy + h} {cx - w},{cy}"
        shape = f'<polygon points="{points}" fill="{fill}" stroke="#b7791f" stroke-width="1.5"/>'
        width = BOX_W - 20
    else:
        rx = BOX_H / 2 if box.type in ("start", "end") else 4
        stroke = "#2f855a" if box.type == "start" else "#553c9a" if box.type == "end" else "#2b6cb0"
        shape = (f'<rect x="{cx - BOX_W / 2}" y="{cy - BOX_H / 2}" width="{BOX_W}" height="{BOX_H}" rx="{rx}" '
                 f'fill="{fill}" stroke="{stroke}" stroke-width="{2 if box.type == "end" else 1.5}"/>')  # fmt: skip
        width = BOX_W - (28 if rx > 4 else 12)
    if box.optional:  # a dashed outline: not every case has the step
        shape = shape.replace(" stroke-width=", ' stroke-dasharray="5 3" stroke-width=', 1)
    return shape + _text(cx, cy, wrap(box.label, width, lines=3))


def _half_width(box: Box) -> float:
    return BOX_W / 2 + 10 if box.type == "supervise" else BOX_W / 2


def _arrow(a: Box, ax: float, ay: float, b: Box, bx: float, by: float) -> str:
    x1, x2 = ax + _half_width(a), bx - _half_width(b)
    if ay == by:
        path = f"M{x1},{ay} L{x2 - 2},{by}"
    else:
        mid = (x1 + x2) / 2
        path = f"M{x1},{ay} L{mid},{ay} L{mid},{by} L{x2 - 2},{by}"
    out = f'<path d="{path}" fill="none" stroke="#4a5568" stroke-width="1.4" marker-end="url(#arrow)"/>'
    if b.limit:
        label = f"≤ {b.limit}"
        lx = (x1 + x2) / 2 if ay == by else (x1 + x2) / 2 + 4 + text_width(label, 11) / 2
        ly = by - 8 if ay == by else (ay + by) / 2
        w = text_width(label, 11) + 8
        out += (f'<rect x="{lx - w / 2:.0f}" y="{ly - 9:.0f}" width="{w:.0f}" height="16" rx="3" fill="#fff" '
                f'stroke="#c53030" stroke-width="0.8"/>'
                f'<text x="{lx:.0f}" y="{ly:.0f}" text-anchor="middle" dominant-baseline="middle" font-size="11" '
                f'fill="#c53030">{escape(label)}</text>')  # fmt: skip
    return out


def render(boxes: list[Box], *, title: str = "", case_limit: str = "") -> str:
    """The SVG document for the steps in ``boxes`` (in order)."""
    lanes = _lanes(boxes)
    width = LANE_HEAD + max(len(boxes), 1) * COLUMN + 16
    height = TOP + len(lanes) * LANE + 8
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" width="{width}" '
        f'height="{height}" font-family="{FONTS}" style="max-width:100%;height:auto" role="img" '
        f'aria-label="{escape(title)}">',
        '<defs><marker id="arrow" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="8" markerHeight="8" '
        'orient="auto-start-reverse"><path d="M0,0 L10,5 L0,10 z" fill="#4a5568"/></marker></defs>',
        f'<rect width="{width}" height="{height}" fill="#fff"/>',
    ]
    heading = title + (f"    {_('Case limit')} ≤ {case_limit}" if case_limit else "")
    parts.append(f'<text x="8" y="22" font-size="15" font-weight="bold" fill="#1a202c">{escape(heading)}</text>')
    for i, lane in enumerate(lanes):
        y = TOP + i * LANE
        parts.append(f'<rect x="0" y="{y}" width="{width}" height="{LANE}" fill="{"#f7fafc" if i % 2 else "#fff"}" '
                     f'stroke="#cbd5e0"/>')  # fmt: skip
        parts.append(f'<rect x="0" y="{y}" width="{LANE_HEAD - 12}" height="{LANE}" fill="#edf2f7" stroke="#cbd5e0"/>')
        name = lane or _("(no position)")
        parts.append(_text((LANE_HEAD - 12) / 2, y + LANE / 2, wrap(name, LANE_HEAD - 24, 13, 3), weight="bold"))
    centres = [
        (LANE_HEAD + i * COLUMN + COLUMN / 2 - 12, TOP + lanes.index(box.lane) * LANE + LANE / 2)
        for i, box in enumerate(boxes)
    ]
    for i in range(1, len(boxes)):
        parts.append(_arrow(boxes[i - 1], *centres[i - 1], boxes[i], *centres[i]))
    for box, (cx, cy) in zip(boxes, centres, strict=True):
        parts.append(_shape(box, cx, cy))
    parts.append("</svg>")
    return "".join(parts)


def process_svg(process: object) -> str:
    """The diagram of a :class:`~guifan.web.process.models.Process`."""
    from guifan.web.process.models import Process

    assert isinstance(process, Process)
    steps = process.steps.select_related("responsible").order_by("order", "id")
    boxes = [
        Box(
            label=s.display_name,
            type=s.type,
            lane=str(s.responsible) if s.responsible else "",
            limit=s.limit_label,
            optional=s.optional,
        )
        for s in steps
    ]
    return render(boxes, title=str(process), case_limit=process.limit_label)
