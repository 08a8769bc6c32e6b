"""One characteristic's chart, point by point, as the ``spc`` check judged it: for drawing it.

A result keeps each chart's centre, limits and signals but not its points. :func:`chart_points` evaluates the
requirement again for the period (reading only its dataset, and in it only the characteristic's records)
through the very code the check runs (:func:`guifan.engine.checks.spc.analysed`), so the points, limits and
flags are the judged ones; exclusions in the check's ``exclude`` are left out of the limits and returned as
excluded points. It also returns the individual measurements and the two fitted normal curves a capability
histogram needs.

    data = chart_points(loaded, "QC-001.2", period, "PB-100 泵体|孔径|CNC-04")
    data["points"]["stat"], data["ucl"], data["capability"]["cpk"]
"""

from __future__ import annotations

import math
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from guifan.engine.errors import InputError, Problem
from guifan.engine.spc.chart import Chart
from guifan.engine.spc.data import Subgroups
from guifan.engine.spc.segments import FloatArray

if TYPE_CHECKING:
    from guifan.engine.checks.spc import Analysed, SpcSpec
    from guifan.engine.pack.loader import LoadedPack
    from guifan.engine.periods import Period

CURVE_POINTS = 121


class NoPointsError(InputError):
    """The characteristic has no points in the period (a period before its data, or a key it never had)."""

    def __init__(self, characteristic: str) -> None:
        self.characteristic = characteristic
        super().__init__(Problem(f"{characteristic!r} has no points in this period", hint="choose another period"))


def spc_spec(loaded: LoadedPack, requirement: str) -> SpcSpec:
    """The spc check of ``requirement``, or an input error saying why there is none."""
    from guifan.engine.checks.spc import SpcSpec

    for _, _, _, req in loaded.pack.requirements():
        if req.id == requirement:
            if isinstance(req.check, SpcSpec):
                return req.check
            kind = req.check.kind if req.check is not None else "no"
            raise InputError.at(f"{requirement} has {kind} check; a control chart needs an spc check")
    raise InputError.at(f"no requirement {requirement!r} in this pack")


def analyse_requirement(
    loaded: LoadedPack,
    requirement: str,
    period: Period,
    data_dir: Path | None = None,
    characteristic: str | None = None,
) -> tuple[SpcSpec, Analysed]:
    """Load only the requirement's dataset and chart every characteristic of it for ``period`` (only
    ``characteristic``, a key, when given)."""
    from guifan.engine.checks.spc import analysed
    from guifan.engine.runner import DuckDBContext, LocalRunner

    spec = spc_spec(loaded, requirement)
    runner = LocalRunner(loaded, data_dir=data_dir, sample=None, only={requirement})
    try:
        runner.prepare()
        ctx = DuckDBContext(runner.con, runner.tables, period, loaded.pack.timezone, None)
        try:
            return spec, analysed(spec, ctx, characteristic)
        finally:
            ctx.close()
    finally:
        runner.close()


def chart_points(
    loaded: LoadedPack, requirement: str, period: Period, characteristic: str, data_dir: Path | None = None
) -> dict[str, Any]:
    """The chart of one characteristic (its key, ``part|feature|machine``; ``""`` without characteristic
    columns) in ``period``, as plain JSON-ready data. See ``docs/spc.md`` for the fields."""
    spec, done = analyse_requirement(loaded, requirement, period, data_dir, characteristic)
    return characteristic_points(spec, done, characteristic)


def characteristic_points(spec: SpcSpec, done: Analysed, characteristic: str) -> dict[str, Any]:
    """:func:`chart_points` from an analysis already made (several characteristics of one evaluation)."""
    from guifan.engine.checks.spc import _empty_details
    from guifan.engine.spc.analysis import draw
    from guifan.engine.spc.timeweighted import CusumOptions, EwmaOptions

    analysis, found = done.analysis, done.found
    if analysis is None or characteristic not in found.labels:
        raise NoPointsError(characteristic)
    g = found.labels.index(characteristic)
    chart = analysis.chart
    lo, hi = (int(i) for i in np.searchsorted(chart.group, [g, g + 1]))
    part = chart.part(lo, hi)
    # every subgroup of the characteristic, the excluded ones drawn against the same parameters
    ewma = EwmaOptions(spec.ewma.lam, spec.ewma.width) if spec.ewma else EwmaOptions()
    cusum = CusumOptions(spec.cusum.k, spec.cusum.h) if spec.cusum else CusumOptions()
    whole = draw(spec.chart, found.data, chart.params, ewma, cusum)
    full_lo, full_hi = (int(i) for i in np.searchsorted(whole.group, [g, g + 1]))
    drop = done.drop[full_lo:full_hi]
    keys = found.keys.slice(full_lo, full_hi - full_lo).to_pylist()
    stat = whole.stat[full_lo:full_hi].copy()
    stat[~drop] = part.stat  # the charted points are the judged ones (an EWMA runs without the excluded)
    rules: list[list[str]] = [[] for _ in keys]
    charted_at = np.flatnonzero(~drop)
    for rule, flags in analysis.signals.items():
        for i in np.flatnonzero(flags[lo:hi]):
            rules[int(charted_at[i])].append(rule)
    base = _empty_details(spec)
    out: dict[str, Any] = {
        "key": characteristic,
        "group": {k: _plain(v) for k, v in found.members[g].items()},
        "chart": spec.chart,
        "rules": base["rules"],
        "phase": base["phase"],
        "limits_from": base["limits_from"],
        "center": _number(chart.params.center[g]) if chart.type in ("ewma", "cusum") else _values(part.center),
        "lcl": _values(part.lcl),
        "ucl": _values(part.ucl),
        "sigma": _number(chart.params.sigma[g]) if not np.isnan(chart.params.sigma[g]) else _values(part.zone),
        "points": _series(keys, stat, whole.part(full_lo, full_hi), drop, charted_at, part),
        "flags": rules,
        "excluded": [k for k, d in zip(keys, drop, strict=True) if d],
        "secondary": _secondary(part.secondary, whole.part(full_lo, full_hi).secondary, drop),
    }
    out |= _capability(done, g)
    return out


def _series(keys: list[Any], stat: FloatArray, whole: Chart, drop: Any, charted_at: Any, part: Chart) -> dict[str, Any]:
    """Per point (every subgroup, excluded ones too): key, statistic, centre, limits and zone width."""
    center, lcl, ucl, zone = (whole.center.copy(), whole.lcl.copy(), whole.ucl.copy(), whole.zone.copy())
    center[charted_at], lcl[charted_at], ucl[charted_at], zone[charted_at] = (
        part.center, part.lcl, part.ucl, part.zone
    )  # fmt: skip
    return {
        "key": [str(k) for k in keys],
        "stat": _list(stat),
        "center": _list(center),
        "lcl": _list(lcl),
        "ucl": _list(ucl),
        "zone": _list(zone),
        "excluded": [bool(d) for d in drop],
    }


def _secondary(part: Chart | None, whole: Chart | None, drop: Any) -> dict[str, Any] | None:
    """The R, S or MR chart (or the lower CUSUM), every point; excluded points from the whole drawing."""
    if part is None or whole is None:
        return None
    stat = whole.stat.copy()
    stat[~drop] = part.stat
    return {
        "name": part.name,
        "stat": _list(stat),
        "center": _values(part.center),
        "lcl": _values(part.lcl),
        "ucl": _values(part.ucl),
    }


def _capability(done: Analysed, g: int) -> dict[str, Any]:
    """Spec, indices, shares (also in ppm), the charted measurements and the fitted normal curves."""
    analysis, spec = done.analysis, done.spec_limits
    assert analysis is not None
    data = done.charted.data
    values: list[float] = []
    if isinstance(data, Subgroups):
        lo, hi = (int(i) for i in np.searchsorted(data.group, [g, g + 1]))
        if hi > lo:
            parts = [data.values[s : s + int(n)] for s, n in zip(data.start[lo:hi], data.size[lo:hi], strict=True)]
            values = [float(v) for v in np.concatenate(parts)]
    limits = None
    if spec is not None:
        limits = {"lsl": _number(spec.lsl[g]), "usl": _number(spec.usl[g]), "target": _number(spec.target[g])}
    if analysis.capability is None:
        return {"spec": limits, "capability": None, "ppm": None, "measurements": values, "curves": None}
    row = analysis.capability.row(g)
    ppm = {name: _ppm(row[name]) for name in ("expected_below", "expected_above", "observed_below", "observed_above")}
    ppm["expected_total"] = _total(ppm["expected_below"], ppm["expected_above"])
    ppm["observed_total"] = _total(ppm["observed_below"], ppm["observed_above"])
    curves = normal_curves(
        row["mean"], {"within": row["sigma_within"], "overall": row["sigma_overall"]}, values, limits
    )
    return {"spec": limits, "capability": row, "ppm": ppm, "measurements": values, "curves": curves}


def normal_curves(
    mean: float | None,
    sigmas: dict[str, float | None],
    values: list[float],
    limits: dict[str, float | None] | None,
    points: int = CURVE_POINTS,
) -> dict[str, dict[str, list[float | None]]]:
    """Normal densities at ``mean`` with each named sigma, over the range of the values, the limits and 3.5
    sigma either side. A curve whose sigma is missing or zero is left out (zero variation has no curve)."""
    usable = {name: s for name, s in sigmas.items() if s is not None and math.isfinite(s) and s > 0}
    if mean is None or not usable:
        return {}
    widest = max(usable.values())
    ends = [mean - 3.5 * widest, mean + 3.5 * widest, *values]
    ends += [v for v in (limits or {}).values() if v is not None]
    x = np.linspace(min(ends), max(ends), points)
    out = {}
    for name, sigma in usable.items():
        y = np.exp(-0.5 * ((x - mean) / sigma) ** 2) / (sigma * math.sqrt(2 * math.pi))
        out[name] = {"x": _list(x), "y": _list(y)}
    return out


def _ppm(share: float | None) -> float | None:
    return None if share is None else share * 1e6


def _total(below: float | None, above: float | None) -> float | None:
    if below is None and above is None:
        return None
    return (below or 0.0) + (above or 0.0)


def _number(value: Any) -> float | None:
    number = float(value)
    return number if math.isfinite(number) else None


def _list(values: FloatArray) -> list[float | None]:
    return [_number(v) for v in values]


def _values(values: FloatArray) -> float | list[float | None] | None:
    """One number when it is the same at every point, else the list (as the stored ``details.charts``)."""
    from guifan.engine.spc.report import _values as same

    return same(values)


def _plain(value: Any) -> Any:
    from guifan.engine.spc.report import _json

    return _json(value)
