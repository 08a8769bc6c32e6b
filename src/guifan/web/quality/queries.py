"""What the quality pages read: the characteristics of the latest spc results a user may see, and one
characteristic's chart drawn through the engine (``guifan.engine.spc.points``)."""

from __future__ import annotations

import math
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from guifan.engine.periods import Period
from guifan.web.measure.models import Result
from guifan.web.measure.views import visible_results

LATEST = ("-evaluation__end", "-evaluation__start", "-evaluation__created")  # the latest, shortest period first
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
    ordered = spc_results(user).select_related("evaluation").order_by(*LATEST)
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
                    chart.get("group", {}),
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


def chart_data(result: Result, key: str) -> dict[str, Any]:
    """One characteristic's chart in the result's period, drawn by the engine on today's data with today's
    exclusions (raises InputError when it cannot be drawn)."""
    from guifan.engine.spc.points import chart_points
    from guifan.web.measure.services import write_pack

    evaluation = result.evaluation
    period = Period(evaluation.start, evaluation.end, evaluation.label)
    with tempfile.TemporaryDirectory(prefix="guifan-spc-") as tmp:
        loaded = write_pack(Path(tmp))
        data = chart_points(loaded, result.requirement_code, period, key)
    flags = data["flags"]
    data["hover"] = [[rule_text(r) for r in rules] for rules in flags]
    return data
