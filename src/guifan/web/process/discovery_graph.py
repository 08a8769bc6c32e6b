"""The directly-follows graph drawn as an SVG diagram, laid out here (no graph library, no script).

Layout: left to right in layers by each activity's typical position in its cases (the mean position of its
first event), the start before every activity and the end after; within a layer, nodes are ordered by the
weighted mean row of their predecessors (two sweeps), so the main path runs straight. Edges forward in the
layers are curves from the right of one box to the left of the next; edges backward or within a layer (rework)
are drawn in orange below the boxes; a repeat of the same activity is a loop above its box. An edge's width
grows with how often it is taken; its label gives that count and the median time between the two events.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from guifan.engine.process.discovery import Discovery, Edge

NODE_W, NODE_H = 112, 46
LAYER_GAP = 160  # from one layer's left edge to the next one's
ROW_GAP = 80
START_GAP = 70  # from the start circle to the first layer
MARGIN = 30
TERMINAL_R = 15
START, END = "\x00start", "\x00end"  # node names no activity can have
FORWARD, BACKWARD = "#3b6fb6", "#e8590c"


@dataclass(frozen=True)
class Placed:
    name: str
    x: float  # left
    y: float  # top
    layer: int

    @property
    def terminal(self) -> bool:
        return self.name in (START, END)

    @property
    def cx(self) -> float:
        return self.x + (TERMINAL_R if self.terminal else NODE_W / 2)

    @property
    def cy(self) -> float:
        return self.y + NODE_H / 2

    @property
    def right(self) -> float:
        return self.x + (2 * TERMINAL_R if self.terminal else NODE_W)


@dataclass(frozen=True)
class Graph:
    svg: SafeString
    shown_edges: int
    hidden_edges: int
    width: int
    height: int


def _node(name: str | None, start: bool) -> str:
    return name if name is not None else (START if start else END)


def visible(found: Discovery, threshold: float) -> tuple[list[str], list[Edge]]:
    """The activities taken by at least ``threshold`` of the cases, and the edges between visible nodes taken by
    at least that share (the start and end always show)."""
    least = threshold * found.cases
    names = [a.name for a in found.activities if a.cases >= least]
    keep = set(names)
    edges = [
        e
        for e in found.edges
        if e.count >= least and (e.source is None or e.source in keep) and (e.target is None or e.target in keep)
    ]
    return names, edges


def layout(found: Discovery, names: list[str], edges: list[Edge]) -> dict[str, Placed]:
    """Each node's box. Activities are ordered by their typical position relative to the case's length; an
    edge that goes forward in that order pushes its target at least one layer right of its source (longest
    path), so the main path runs left to right and alternatives sit side by side. Rows follow the
    predecessors."""
    relative = {a.name: a.relative_position for a in found.activities}
    order = {n: i for i, n in enumerate(sorted(names, key=lambda n: (relative[n], n)))}
    weight: dict[tuple[str, str], int] = {}
    for e in edges:
        key = (_node(e.source, True), _node(e.target, False))
        weight[key] = weight.get(key, 0) + e.count
    layer_of = {START: 0}
    for n in sorted(names, key=order.__getitem__):
        before = [layer_of[a] for (a, b) in weight if b == n and (a == START or (a in order and order[a] < order[n]))]
        layer_of[n] = max(before, default=0) + 1
    layer_of[END] = max(layer_of.values()) + 1
    events = {a.name: a.events for a in found.activities}
    layers: dict[int, list[str]] = defaultdict(list)
    for n in sorted(layer_of, key=lambda n: (-events.get(n, 0), n)):
        layers[layer_of[n]].append(n)
    for _sweep in range(2):
        row = {n: i for members in layers.values() for i, n in enumerate(members)}
        for level in sorted(layers)[1:]:
            layers[level].sort(key=lambda n: _barycentre(n, weight, row, layer_of, level))
            row.update({n: i for i, n in enumerate(layers[level])})
    tallest = max(len(m) for m in layers.values())
    placed = {}
    for level, members in layers.items():
        offset = (tallest - len(members)) * ROW_GAP / 2
        for i, n in enumerate(members):
            x = MARGIN if level == 0 else MARGIN + 2 * TERMINAL_R + START_GAP + (level - 1) * LAYER_GAP
            placed[n] = Placed(n, x, MARGIN + offset + i * ROW_GAP, level)
    return placed


def _barycentre(
    node: str, weight: dict[tuple[str, str], int], row: dict[str, int], layer_of: dict[str, int], level: int
) -> float:
    total = count = 0.0
    for (a, b), w in weight.items():
        if b == node and layer_of[a] < level:
            total += row[a] * w
            count += w
    return total / count if count else float(row.get(node, 0))


def draw(found: Discovery, threshold: float, duration: Callable[[float | None], str]) -> Graph:
    """The diagram of the graph with the edges under ``threshold`` (a share of the cases) hidden."""
    names, edges = visible(found, threshold)
    if not found.cases:
        return Graph(mark_safe(""), 0, 0, 0, 0)
    placed = layout(found, names, edges)
    heaviest = max((e.count for e in edges), default=1)
    most_events = max((a.events for a in found.activities), default=1)
    events = {a.name: a for a in found.activities}
    width = int(max(p.right for p in placed.values()) + MARGIN)
    parts: list[str] = []
    top: float = MARGIN
    bottom: float = max(p.y for p in placed.values()) + NODE_H
    for e in sorted(edges, key=lambda e: e.count):
        svg, low, high = _edge(e, placed, heaviest, duration)
        parts.append(svg)
        top, bottom = min(top, high), max(bottom, low)
    for name, p in placed.items():
        parts.append(_box(p, events.get(name), most_events))
    shift = MARGIN - top  # room for the arcs above the boxes
    height = int(bottom + shift + MARGIN)
    head = (
        f'<svg xmlns="http://www.w3.org/2000/svg" class="dfg" viewBox="0 0 {width} {height}" width="{width}" '
        f'height="{height}" style="max-width:{width}px;min-width:{int(width * 0.7)}px" role="img" '
        f'aria-label="{escape(_("Directly-follows graph"))}">'
        "<defs>"
        f'<marker id="arrow-f" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" markerHeight="7" '
        f'orient="auto-start-reverse" markerUnits="userSpaceOnUse"><path d="M0,0 L10,5 L0,10 z" fill="{FORWARD}"/>'
        "</marker>"
        f'<marker id="arrow-b" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" markerHeight="7" '
        f'orient="auto-start-reverse" markerUnits="userSpaceOnUse"><path d="M0,0 L10,5 L0,10 z" fill="{BACKWARD}"/>'
        f'</marker></defs><g transform="translate(0,{shift:.1f})">'
    )
    svg = head + "".join(parts) + "</g></svg>"
    return Graph(mark_safe(svg), len(edges), len(found.edges) - len(edges), width, height)  # noqa: S308 - escaped


def _edge(
    e: Edge, placed: dict[str, Placed], heaviest: int, duration: Callable[[float | None], str]
) -> tuple[str, float, float]:
    """One edge as an SVG path with its label; and the lowest and highest y it reaches."""
    a, b = placed[_node(e.source, True)], placed[_node(e.target, False)]
    stroke = 1.2 + 7.0 * e.count / heaviest
    if a.name == b.name:  # the activity repeats directly: a loop above its box
        x, y = a.cx, a.y
        path = f"M{x - 22:.1f},{y:.1f} C{x - 40:.1f},{y - 44:.1f} {x + 40:.1f},{y - 44:.1f} {x + 22:.1f},{y:.1f}"
        lx, ly, colour, low, high = x + 34, y - 30, BACKWARD, y, y - 44
    elif b.layer == a.layer + 1:  # to the next layer: straight across
        x0, y0, x1, y1 = a.right, a.cy, b.x, b.cy
        bend = (x1 - x0) / 2
        path = f"M{x0:.1f},{y0:.1f} C{x0 + bend:.1f},{y0:.1f} {x1 - bend:.1f},{y1:.1f} {x1:.1f},{y1:.1f}"
        lx, ly, colour = (x0 + x1) / 2, (y0 + y1) / 2 - 20, FORWARD
        low, high = max(y0, y1), min(y0, y1)
    elif b.layer > a.layer:  # skipping layers: an arc above the boxes between
        between = [p.y for p in placed.values() if a.layer <= p.layer <= b.layer]
        peak = min(between) - 22 - 16 * (b.layer - a.layer - 1)
        x0, y0, x1, y1 = a.right - 20, a.y, b.x + 20, b.y
        path = f"M{x0:.1f},{y0:.1f} C{x0 + 30:.1f},{peak:.1f} {x1 - 30:.1f},{peak:.1f} {x1:.1f},{y1:.1f}"
        lx, ly, colour = (x0 + x1) / 2, (y0 + 3 * peak + 3 * peak + y1) / 8 - 20, FORWARD
        low, high = max(y0, y1), ly - 12
    elif b.layer == a.layer:  # within a layer: a short arc on the left (down) or the right (up)
        down = b.y > a.y
        x = a.x + (18 if down else NODE_W - 18)
        y0, y1 = (a.y + NODE_H, b.y) if down else (a.y, b.y + NODE_H)
        side = -34 if down else 34
        path = f"M{x:.1f},{y0:.1f} C{x + side:.1f},{y0:.1f} {x + side:.1f},{y1:.1f} {x:.1f},{y1:.1f}"
        lx, ly, colour = x + side * 0.9, (y0 + y1) / 2 - 4, BACKWARD
        low, high = max(y0, y1), min(y0, y1)
    else:  # backward: below the boxes
        x0, y0, x1, y1 = a.cx + 12, a.y + NODE_H, b.cx - 12, b.y + NODE_H
        deepest = max(p.y for p in placed.values() if min(a.layer, b.layer) <= p.layer <= max(a.layer, b.layer))
        bottom = deepest + NODE_H + 26 + 14 * abs(a.layer - b.layer)
        path = f"M{x0:.1f},{y0:.1f} C{x0:.1f},{bottom:.1f} {x1:.1f},{bottom:.1f} {x1:.1f},{y1:.1f}"
        lx, ly, colour = (x0 + x1) / 2, (y0 + 3 * bottom + 3 * bottom + y1) / 8 + 4, BACKWARD
        low, high = ly + 16, min(y0, y1)
    marker = "arrow-f" if colour == FORWARD else "arrow-b"
    label = f'<tspan x="{lx:.1f}" class="edge-count">{e.count:,}</tspan>'
    if e.median_s is not None:
        label += f'<tspan x="{lx:.1f}" dy="12">{escape(duration(e.median_s))}</tspan>'
    return (
        f'<g class="edge"><title>{escape(_tip(e, duration))}</title>'
        f'<path d="{path}" fill="none" stroke="{colour}" stroke-opacity="0.75" stroke-width="{stroke:.1f}" '
        f'marker-end="url(#{marker})"/>'
        f'<text x="{lx:.1f}" y="{ly:.1f}" class="edge-label" text-anchor="middle">{label}</text></g>',
        low,
        high,
    )


def _tip(e: Edge, duration: Callable[[float | None], str]) -> str:
    source = e.source if e.source is not None else _("start")
    target = e.target if e.target is not None else _("end")
    text = _("%(a)s → %(b)s: %(n)s times in %(c)s cases") % {
        "a": source,
        "b": target,
        "n": f"{e.count:,}",
        "c": f"{e.cases:,}",
    }
    if e.median_s is not None:
        text += "; " + _("median %(m)s, 90th percentile %(p)s") % {"m": duration(e.median_s), "p": duration(e.p90_s)}
    return text


def _box(p: Placed, stats: object, most_events: int) -> str:
    if p.terminal:
        symbol, tip = ("▶", _("start")) if p.name == START else ("■", _("end"))
        return (
            f'<g class="terminal"><title>{escape(tip)}</title>'
            f'<circle cx="{p.cx:.1f}" cy="{p.cy:.1f}" r="{TERMINAL_R}" fill="#1f2d3d"/>'
            f'<text x="{p.cx:.1f}" y="{p.cy + 4:.1f}" text-anchor="middle" fill="#fff" font-size="11">'
            f"{symbol}</text></g>"
        )
    events = int(getattr(stats, "events", 0))
    cases = int(getattr(stats, "cases", 0))
    shade = 0.15 + 0.6 * events / max(most_events, 1)
    name = p.name if len(p.name) <= 8 else p.name[:7] + "…"
    tip = _("%(a)s: %(n)s events in %(c)s cases") % {"a": p.name, "n": f"{events:,}", "c": f"{cases:,}"}
    body = (
        f'<rect x="{p.x:.1f}" y="{p.y:.1f}" width="{NODE_W}" height="{NODE_H}" rx="8" '
        f'fill="rgba(11,92,171,{shade:.2f})" stroke="#0b5cab"/>'
        f'<text x="{p.cx:.1f}" y="{p.y + 21:.1f}" text-anchor="middle" class="node-name">{escape(name)}</text>'
        f'<text x="{p.cx:.1f}" y="{p.y + 39:.1f}" text-anchor="middle" class="node-count">{events:,}</text>'
    )
    return f'<g class="node"><title>{escape(tip)}</title>{body}</g>'
