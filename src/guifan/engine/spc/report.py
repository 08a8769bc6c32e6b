"""From an analysis to findings: which characteristics meet the target, which points signal, and the charts
worth showing (``details.charts``: the worst first, at most :data:`MAX_CHARTS`)."""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any

import numpy as np
import pyarrow as pa

from guifan.engine.spc.analysis import Analysis
from guifan.engine.spc.capability import INDICES
from guifan.engine.spc.chart import ATTRIBUTES, Chart
from guifan.engine.spc.segments import BoolArray, FloatArray, IntArray
from guifan.engine.spc.source import Fetched
from guifan.engine.spc.targets import SpcTarget

MAX_CHARTS = 50
MAX_SIGNALS = 50


@dataclass(frozen=True)
class Judgement:
    """Per characteristic: charted points, flagged points, whether it can be judged and whether it meets."""

    points: IntArray
    signals: IntArray
    judged: BoolArray
    meets: BoolArray
    incapable: BoolArray  # judged and failing a capability criterion


def judge(analysis: Analysis, n_groups: int, target: SpcTarget) -> Judgement:
    """Apply the target's criteria to every characteristic.

    A characteristic is not judged (it counts neither for nor against the share) when it has no points, when a
    signals criterion meets a chart without limits, or when an index a criterion needs is undefined (zero
    variation, no specification on that side).
    """
    group = analysis.chart.group
    points = np.bincount(group, minlength=n_groups)
    signals = np.bincount(group[analysis.flagged], minlength=n_groups)
    judged = points > 0
    if target.signals:
        judged &= has_limits(analysis)
    capable = np.ones(n_groups, dtype=np.bool_)
    for criterion in target.capability:
        values = _index(analysis, criterion.measure, n_groups)
        judged &= ~np.isnan(values)
        capable &= criterion.holds(values)
    meets = judged & capable & ((signals == 0) if target.signals else True)
    return Judgement(points, signals, judged, meets, judged & ~capable)


def has_limits(analysis: Analysis) -> BoolArray:
    """Characteristics whose chart has limits (a baseline record, enough points, a given sigma)."""
    params = analysis.chart.params
    found: BoolArray = np.isfinite(params.center)
    if analysis.chart.type not in ATTRIBUTES:
        found &= np.isfinite(params.sigma)
    return found


def _index(analysis: Analysis, measure: str, n_groups: int) -> FloatArray:
    if analysis.capability is None:
        return np.full(n_groups, np.nan)
    values: FloatArray = getattr(analysis.capability, measure)
    return values


def violating_keys(analysis: Analysis, fetched: Fetched, verdict: Judgement, target: SpcTarget) -> list[str]:
    """Flagged points ('characteristic|subgroup') for a signals target, incapable characteristics for a
    capability target; sorted."""
    keys: list[str] = []
    if target.signals and analysis.flagged.any():
        keys += fetched.full_keys().filter(pa.array(analysis.flagged)).to_pylist()
    if target.capability:
        keys += [fetched.labels[g] for g in np.flatnonzero(verdict.incapable)]
    return sorted(keys)


def populations(verdict: Judgement, target: SpcTarget) -> IntArray:
    """What can fail, per characteristic: its points for a signals target, itself for a capability target."""
    out = verdict.points.copy() if target.signals else np.zeros_like(verdict.points)
    return out + (verdict.judged.astype(np.int64) if target.capability else 0)


def population(verdict: Judgement, target: SpcTarget) -> int:
    return int(populations(verdict, target).sum())


def failures(verdict: Judgement, target: SpcTarget) -> IntArray:
    """Violations per characteristic (flagged points and/or one for failing capability)."""
    out = verdict.signals.copy() if target.signals else np.zeros_like(verdict.signals)
    return out + (verdict.incapable.astype(np.int64) if target.capability else 0)


def worst_first(verdict: Judgement, analysis: Analysis) -> list[int]:
    """Characteristics in the order a quality engineer would look at them."""
    cpk = _index(analysis, "cpk", len(verdict.points))
    order = np.lexsort((np.nan_to_num(cpk, nan=math.inf), -verdict.signals, verdict.meets, ~verdict.judged))
    return [int(g) for g in order if verdict.points[g] > 0]


def charts(analysis: Analysis, fetched: Fetched, verdict: Judgement) -> list[dict[str, Any]]:
    """``details.charts``: the :data:`MAX_CHARTS` worst characteristics."""
    return [_chart(analysis, fetched, verdict, g) for g in worst_first(verdict, analysis)[:MAX_CHARTS]]


def _chart(analysis: Analysis, fetched: Fetched, verdict: Judgement, g: int) -> dict[str, Any]:
    lo, hi = (int(i) for i in np.searchsorted(analysis.chart.group, [g, g + 1]))
    chart = analysis.chart.part(lo, hi)
    params = chart.params
    entry: dict[str, Any] = {
        "group": {k: _json(v) for k, v in fetched.members[g].items()},
        "key": fetched.labels[g],
        "chart": chart.type,
        "points": hi - lo,
        "center": _number(params.center[g]) if chart.type in ("ewma", "cusum") else _values(chart.center),
        "lcl": _values(chart.lcl),
        "ucl": _values(chart.ucl),
        "sigma": _number(params.sigma[g]) if not np.isnan(params.sigma[g]) else _values(chart.zone),
        "secondary": _secondary(chart.secondary) if chart.type != "cusum" else None,
        "capability": _capability(analysis, g),
        "meets_target": bool(verdict.meets[g]) if verdict.judged[g] else None,
    }
    entry.update(analysis.chart.extra)
    signals = _signals(analysis, fetched, lo, hi)
    entry["signals"] = signals[:MAX_SIGNALS]
    entry["signals_total"] = len(signals)
    return entry


def _secondary(chart: Chart | None) -> dict[str, Any] | None:
    if chart is None:
        return None
    return {"center": _values(chart.center), "lcl": _values(chart.lcl), "ucl": _values(chart.ucl)}


def _capability(analysis: Analysis, g: int) -> dict[str, float | None] | None:
    if analysis.capability is None:
        return None
    row = analysis.capability.row(g)
    head = {name: row[name] for name in INDICES}
    return head | {k: v for k, v in row.items() if k not in head}


def _signals(analysis: Analysis, fetched: Fetched, lo: int, hi: int) -> list[dict[str, str]]:
    points = np.flatnonzero(analysis.flagged[lo:hi]) + lo
    keys = fetched.keys.take(pa.array(points)).to_pylist() if points.size else []
    if fetched.named and points.size:
        label = fetched.labels[int(analysis.chart.group[lo])]
        keys = [f"{label}|{key}" for key in keys]
    out: list[dict[str, str]] = []
    for point, key in zip(points, keys, strict=True):
        out += [{"key": key, "rule": rule} for rule, flags in analysis.signals.items() if flags[point]]
    return out


def signal_counts(analysis: Analysis) -> dict[str, int]:
    """Points flagged by each rule, over every characteristic."""
    return {rule: int(flags.sum()) for rule, flags in analysis.signals.items()}


def _number(value: float) -> float | None:
    return float(value) if math.isfinite(value) else None


def _values(values: FloatArray) -> float | list[float | None] | None:
    """One number when it is the same at every point, else the list of them."""
    if values.size == 0:
        return None
    if np.all(values == values[0]) or np.all(np.isnan(values)):
        return _number(float(values[0]))
    return [_number(float(v)) for v in values]


def _json(value: Any) -> Any:
    """A characteristic's column value as JSON carries it."""
    if isinstance(value, datetime | date):
        return value.isoformat()
    return float(value) if isinstance(value, Decimal) else value
