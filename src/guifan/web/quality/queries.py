"""What the quality pages read: the characteristics of the latest spc results a user may see, and one
characteristic's chart drawn through the engine (``guifan.engine.spc.points``)."""

from __future__ import annotations

import hashlib
import json
import math
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.core.cache import cache
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from guifan.engine import load_pack
from guifan.engine.periods import Period
from guifan.web.measure.models import Result
from guifan.web.measure.queries import LATEST_FIRST
from guifan.web.measure.views import visible_results
from guifan.web.standards.packs import dump_yaml

LATEST = LATEST_FIRST  # the latest, shortest period first
RULES: dict[str, tuple[Any, Any]] = {
    "we1": (_("Western Electric rule 1"), _("one point beyond the 3σ control limits")),
    "we2": (_("Western Electric rule 2"), _("2 of 3 points in a row beyond 2σ, same side")),
    "we3": (_("Western Electric rule 3"), _("4 of 5 points in a row beyond 1σ, same side")),
    "we4": (_("Western Electric rule 4"), _("8 points in a row on the same side of the centre line")),
    "nelson1": (_("Nelson rule 1"), _("one point beyond the 3σ control limits")),
    "nelson2": (_("Nelson rule 2"), _("9 points in a row on the same side of the centre line")),
    "nelson3": (_("Nelson rule 3"), _("6 points in a row steadily increasing or decreasing")),
    "nelson4": (_("Nelson rule 4"), _("14 points in a row alternating up and down")),
    "nelson5": (_("Nelson rule 5"), _("2 of 3 points in a row beyond 2σ, same side")),
    "nelson6": (_("Nelson rule 6"), _("4 of 5 points in a row beyond 1σ, same side")),
    "nelson7": (_("Nelson rule 7"), _("15 points in a row within 1σ of the centre line")),
    "nelson8": (_("Nelson rule 8"), _("8 points in a row beyond 1σ, either side")),
    "r_chart": (_("R chart"), _("range beyond its control limits")),
    "s_chart": (_("S chart"), _("standard deviation beyond its control limits")),
    "mr_chart": (_("MR chart"), _("moving range beyond its control limits")),
    "ewma": (_("EWMA"), _("the EWMA beyond its control limits")),
    "cusum": (_("CUSUM"), _("the cumulative sum beyond the decision interval")),
}


def rule_text(rule: str) -> str:
    name, description = RULES.get(rule, (rule, ""))
    if not description:
        return str(name)
    return _("%(name)s: %(description)s") % {"name": name, "description": description}


def spc_results(user: Any) -> QuerySet[Result]:
    return visible_results(user).filter(kind="spc", evaluation__state="done")


def latest_results(user: Any) -> list[Result]:
    """The latest done result of every spc requirement the user may see."""
    seen: dict[str, Result] = {}
    ordered = spc_results(user).select_related("evaluation", "requirement").order_by(*LATEST)
    for result in ordered:
        seen.setdefault(result.requirement_code, result)
    return sorted(seen.values(), key=lambda r: r.requirement_code)


def result_for(user: Any, code: str, evaluation: str | None) -> Result | None:
    """The requirement's result in ``evaluation`` (an id), or its latest, if the user may see it."""
    results = spc_results(user).filter(requirement_code=code).select_related("evaluation", "standard")
    if evaluation and evaluation.isdigit():
        results = results.filter(evaluation_id=int(evaluation))
    return results.order_by(*LATEST).first()


@dataclass(frozen=True)
class Row:
    result: Result
    key: str
    group: dict[str, Any]
    chart: str
    center: Any
    lcl: Any
    ucl: Any
    cpk: float | None
    ppk: float | None
    signals: int
    meets: bool | None
    points: int

    @property
    def status(self) -> str:
        return "ok" if self.meets else ("fail" if self.meets is False else "unjudged")

    def worst(self) -> tuple[int, int, float]:
        rank = {"fail": 0, "unjudged": 1, "ok": 2}[self.status]
        return rank, -self.signals, self.cpk if self.cpk is not None else math.inf

    def as_dict(self) -> dict[str, Any]:
        return {
            "requirement": self.result.requirement_code, "evaluation": self.result.evaluation_id,
            "period": self.result.evaluation.label, "key": self.key, "group": self.group, "chart": self.chart,
            "center": _one(self.center), "lcl": _one(self.lcl), "ucl": _one(self.ucl),
            "limits_vary": any(isinstance(v, list) for v in (self.center, self.lcl, self.ucl)),
            "cpk": self.cpk, "ppk": self.ppk,
            "signals": self.signals, "points": self.points, "status": self.status,
        }  # fmt: skip


def _one(value: Any) -> Any:
    """A stored limit: one number, or None when it varies by point."""
    return value if not isinstance(value, list) else None


def in_spec_order(group: dict[str, Any], result: Result) -> dict[str, Any]:
    """A characteristic's columns in the order its check names them (PostgreSQL's jsonb keeps keys sorted)."""
    spec = (result.requirement.check_spec if result.requirement is not None else None) or {}
    named = spec.get("characteristic") or []
    order = [named] if isinstance(named, str) else list(named)
    return {k: group[k] for k in order if k in group} | {k: v for k, v in group.items() if k not in order}


def characteristic_rows(user: Any, requirement: str = "", text: str = "") -> list[Row]:
    """Every charted characteristic of the latest spc results, worst first."""
    rows: list[Row] = []
    needle = text.strip().lower()
    for result in latest_results(user):
        if requirement and result.requirement_code != requirement:
            continue
        for chart in (result.details or {}).get("charts", []):
            key = str(chart.get("key", ""))
            if needle and needle not in key.lower() and needle not in result.requirement_code.lower():
                continue
            capability = chart.get("capability") or {}
            rows.append(
                Row(
                    result,
                    key,
                    in_spec_order(chart.get("group", {}), result),
                    chart.get("chart", ""),
                    chart.get("center"),
                    chart.get("lcl"),
                    chart.get("ucl"),
                    capability.get("cpk"),
                    capability.get("ppk"),
                    int(chart.get("signals_total", len(chart.get("signals", [])))),
                    chart.get("meets_target"),
                    int(chart.get("points", 0)),
                )
            )
    return sorted(rows, key=Row.worst)


CACHE_SECONDS = 6 * 3600


def chart_data(result: Result, key: str) -> dict[str, Any]:
    """One characteristic's chart in the result's period, drawn by the engine on today's data with today's
    exclusions (raises InputError when it cannot be drawn).

    Only what the chart depends on is written and read: a pack with just the requirement (its measured check,
    with the exclusions) and its dataset, and in the dataset only the characteristic's records. The drawing is
    cached under a digest of that pack, the data file's size and modification time, the period and the key, so
    a changed check, a new exclusion or new data draw it afresh."""
    from guifan.engine.spc.points import chart_points
    from guifan.web.measure import app_data

    evaluation = result.evaluation
    period = Period(evaluation.start, evaluation.end, evaluation.label)
    pack = requirement_pack(result.requirement_code)
    cache_key = _cache_key(pack, period, key)
    data = cache.get(cache_key) if cache_key else None
    if data is None:
        with tempfile.TemporaryDirectory(prefix="guifan-spc-") as tmp:
            if cache_key is None:  # a dataset the app writes itself (or an unknown one): the pack as evaluated
                for name, spec in app_data.write(Path(tmp) / "app").items():
                    pack["datasets"].setdefault(name, spec)
            (Path(tmp) / "pack.yaml").write_text(dump_yaml(pack), encoding="utf-8")
            data = chart_points(load_pack(tmp), result.requirement_code, period, key)
        if cache_key:
            cache.set(cache_key, data, CACHE_SECONDS)
    texts: dict[str, str] = {}
    data["hover"] = [[texts.get(r) or texts.setdefault(r, rule_text(r)) for r in rules] for rules in data["flags"]]
    return data


def requirement_pack(code: str) -> dict[str, Any]:
    """The catalogue as pack data narrowed to requirement ``code`` as it is measured, with its exclusions."""
    from guifan.web.measure.services import narrowed_pack_data

    return narrowed_pack_data(code)


def _cache_key(pack: dict[str, Any], period: Period, key: str) -> str | None:
    """What a drawing depends on, as a digest; None when it cannot be told (no single catalogue dataset)."""
    datasets = pack.get("datasets", {})
    if len(datasets) != 1 or len(pack.get("standards", [])) != 1:
        return None
    try:
        stat = Path(next(iter(datasets.values()))["source"]).stat()
    except (OSError, KeyError, TypeError):
        return None
    inputs = [pack, stat.st_size, stat.st_mtime_ns, period.start, period.end, period.label, key]
    digest = hashlib.sha256(json.dumps(inputs, sort_keys=True, default=str).encode("utf-8")).hexdigest()
    return f"guifan-spc-chart:{digest}"
