"""What-if for an ``sla`` requirement: its compliance at a range of limits instead of its own.

The business time of every record is computed once; the compliance at each limit is then a binary search in
the sorted durations, so a hundred limits cost little more than one. Used by ``guifan sla-curve`` and the web app.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from guifan.engine.errors import InputError

if TYPE_CHECKING:
    from guifan.engine.checks.sla import Measured, SlaSpec
    from guifan.engine.pack.loader import LoadedPack
    from guifan.engine.periods import Period

_RANGE = re.compile(r"^\s*([^.,/]+)\s*\.\.\s*([^.,/]+?)\s*(?:/\s*(.+?))?\s*$")
_DEFAULT_FACTORS = (0.25, 0.5, 0.75, 1.0, 1.5, 2.0, 3.0)
_MAX_LIMITS = 1000
_HOUR_US = 3600 * 1_000_000


@dataclass(frozen=True)
class Limit:
    label: str
    micros: int


def sla_spec(loaded: LoadedPack, requirement: str) -> SlaSpec:
    """The sla check of ``requirement``, or an input error saying why there is none."""
    from guifan.engine.checks.sla import SlaSpec

    for _, _, _, req in loaded.pack.requirements():
        if req.id == requirement:
            if isinstance(req.check, SlaSpec):
                return req.check
            kind = req.check.kind if req.check is not None else "no"
            raise InputError.at(f"{requirement} has {kind} check; sla-curve needs an sla check")
    raise InputError.at(f"no requirement {requirement!r} in this pack")


def measure_requirement(
    loaded: LoadedPack, requirement: str, spec: SlaSpec, period: Period, data_dir: Path | None
) -> Measured:
    """Load only the requirement's datasets and measure every record's business time once."""
    from guifan.engine.checks.sla import measure
    from guifan.engine.runner import DuckDBContext, LocalRunner

    runner = LocalRunner(loaded, data_dir=data_dir, sample=None, only={requirement})
    try:
        runner.prepare()
        ctx = DuckDBContext(
            runner.con, runner.tables, period, loaded.pack.timezone, None, calendars=loaded.pack.calendars
        )
        try:
            return measure(spec, ctx)
        finally:
            ctx.close()
    finally:
        runner.close()


def parse_limits(text: str, spec: SlaSpec, measured: Measured) -> list[Limit]:
    """``1h..72h``, ``30m..8h/30m`` or ``4h,8h,24h`` as limits in business µs."""
    from guifan.engine.checks.sla import business_duration, limit_us

    def micros(part: str) -> int:
        try:
            return limit_us(business_duration(part.strip()), measured.calendar, spec.working_day)
        except ValueError as exc:
            raise InputError.at(f"--limits: {exc}", hint="write 1h..72h, 30m..8h/30m or 4h,8h,24h") from None

    m = _RANGE.match(text)
    if m is None:
        return sorted({Limit(p.strip(), micros(p)) for p in text.split(",") if p.strip()}, key=lambda x: x.micros)
    low, high = micros(m[1]), micros(m[2])
    step = micros(m[3]) if m[3] else micros(f"1{re.sub(r'^[0-9.]+', '', m[1].strip())}")
    if step <= 0 or high < low:
        raise InputError.at(f"--limits {text!r} is an empty range", hint="write LOW..HIGH with LOW <= HIGH")
    if (high - low) // step + 1 > _MAX_LIMITS:
        raise InputError.at(f"--limits {text!r} gives more than {_MAX_LIMITS} limits", hint="use a larger /STEP")
    return [Limit(duration_label(v), v) for v in range(low, high + 1, step)]


def default_limits(measured: Measured) -> list[Limit]:
    """Fractions and multiples of the check's own limits, rounded to whole minutes so each is labelled exactly
    in hours and minutes (a quarter more than 1h30m is 1h53m, not 1.88h)."""
    values = {_whole_minutes(round(int(current) * f)) for current in measured.limits_us for f in _DEFAULT_FACTORS}
    return [Limit(duration_label(v), v) for v in sorted(values)]


def _whole_minutes(micros: int) -> int:
    minute = 60 * 1_000_000
    return micros if micros < minute else (micros + minute // 2) // minute * minute  # halves round up


def duration_label(micros: int) -> str:
    """Business time in hours and minutes, as limits are written: ``24h``, ``30m``, ``1h30m``, ``22h30m``;
    seconds only when it is not a whole minute (``1h52m30s``, ``45s``)."""
    whole, fraction = divmod(int(micros), 1_000_000)
    hours, rest = divmod(whole, 3600)
    minutes, seconds = divmod(rest, 60)
    parts = [f"{hours}h"] if hours else []
    parts += [f"{minutes}m"] if minutes else []
    if seconds or fraction:
        parts.append(f"{seconds + fraction / 1_000_000:g}s")
    return "".join(parts) or "0m"


def curve_report(
    loaded: LoadedPack, requirement: str, spec: SlaSpec, period: Period, measured: Measured, limits: list[Limit]
) -> dict[str, Any]:
    """The curve as data: per limit, compliance overall and (with limit_by) per value."""
    import numpy as np

    from guifan.engine.checks.sla import compliance_curve

    micros = np.array([limit.micros for limit in limits], dtype=np.int64)
    usable = measured.has_start
    overall = compliance_curve(measured.business[usable], measured.open[usable], micros)
    groups = _by_value(spec, measured, micros)
    own = {str(k): int(v) for k, v in zip(spec.limits(), measured.limits_us, strict=True)}
    current = {str(k) if k is not None else "all": d.source for k, d in spec.limits().items()}
    rows = []
    for i, (limit, point) in enumerate(zip(limits, overall, strict=True)):
        row: dict[str, Any] = {"limit": limit.label, "hours": round(limit.micros / _HOUR_US, 4)}
        row["current"] = spec.limit_by is None and limit.micros == int(measured.limits_us[0])
        row |= {"compliance": point.compliance, "population": point.population, "within": point.within}
        if groups:
            row["by"] = {value: _point(points[i], own.get(value) == limit.micros) for value, points in groups.items()}
        rows.append(row)
    return {
        "pack": loaded.pack.id,
        "requirement": requirement,
        "period": period.as_dict() | {"label": period.label},
        "calendar": spec.calendar,
        "current_limit": current,
        "limit_by": spec.limit_by,
        "records": {"closed": int((usable & ~measured.open).sum()), "open": int((usable & measured.open).sum())},
        "curve": rows,
    }


def _by_value(spec: SlaSpec, measured: Measured, micros: Any) -> dict[str, list[Any]]:
    """Per entry of the limit map, the curve of the records it applies to."""
    from guifan.engine.checks.sla import compliance_curve

    if spec.limit_by is None:
        return {}
    out = {}
    for i, value in enumerate(spec.limits()):
        chosen = measured.has_start & (measured.slot == i)
        out[str(value)] = compliance_curve(measured.business[chosen], measured.open[chosen], micros)
    return out


def _point(point: Any, current: bool) -> dict[str, Any]:
    return {"compliance": point.compliance, "population": point.population, "within": point.within, "current": current}
