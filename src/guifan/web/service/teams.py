"""One team's view of an sla result: its breaches, at-risk records, percentiles and what-if curve.

A stored result keeps its details (percentiles, breaches per limit, at-risk records) for all records together
and only the share, population and breaches per group. The team's own figures are measured again for the
result's period by the engine (the same ``measure``/``judge``/``summarise`` the check uses) on the records of
that group alone, reading today's data like the result page's records and curve do.
"""

from __future__ import annotations

import dataclasses
import tempfile
from pathlib import Path
from typing import Any

import numpy as np

from guifan.engine.periods import Period
from guifan.web.measure.models import Result

SAMPLE = 200  # keys listed per kind of record


def _text_by(by: dict[str, Any]) -> dict[str, str]:
    return {str(k): "" if v is None else str(v) for k, v in by.items()}


def team_report(result: Result, team: dict[str, Any] | None) -> dict[str, Any]:
    """The figures of ``team`` (a ``by`` mapping of the result's groups; None: every record) in the result's
    period: population, breaches, percentiles, breaches per limit, open and at-risk records with their keys,
    and the what-if curve."""
    from guifan.engine.checks.sla import judge, sorted_keys, summarise
    from guifan.engine.runner import DuckDBContext, LocalRunner
    from guifan.engine.slacurve import curve_report, default_limits, duration_label, sla_spec
    from guifan.web.measure.services import write_pack

    evaluation = result.evaluation
    period = Period(evaluation.start, evaluation.end, evaluation.label)
    with tempfile.TemporaryDirectory(prefix="guifan-team-") as tmp:
        loaded = write_pack(Path(tmp), result.requirement_code)
        spec = sla_spec(loaded, result.requirement_code)
        runner = LocalRunner(loaded, sample=None, only={result.requirement_code})
        try:
            runner.prepare()
            ctx = DuckDBContext(runner.con, runner.tables, period, loaded.pack.timezone, SAMPLE,
                                calendars=loaded.pack.calendars)  # fmt: skip
            try:
                from guifan.engine.checks.sla import measure

                measured = _only(measure(spec, ctx), team)
                judged = judge(spec, measured)
                population, breaches = int(judged.counted.sum()), int(judged.breached.sum())
                at_risk = measured.record[judged.at_risk]
                breached = measured.record[judged.breached]
                risk_keys, risk_more = sorted_keys(spec, ctx, at_risk, int(judged.open.sum()))
                breach_keys, breach_more = sorted_keys(spec, ctx, breached, population)
            finally:
                ctx.close()
        finally:
            runner.close()
        summary = summarise(spec, measured, judged)
        for entry in summary["breaches_by_limit"]:
            n = entry["population"]
            entry["within"] = None if n == 0 else (n - entry["breaches"]) / n
            entry["business"] = duration_label(round(entry["hours"] * 3600 * 1_000_000))
        curve = curve_report(loaded, result.requirement_code, spec, period, measured, default_limits(measured))
    return {
        "population": population,
        "breaches": breaches,
        "value": None if population == 0 else (population - breaches) / population,
        **summary,
        "at_risk": {"count": int(at_risk.size), "keys": risk_keys, "keys_truncated": risk_more},
        "breached": {"count": int(breached.size), "keys": breach_keys, "keys_truncated": breach_more},
        "curve": curve,
        "limit_by": spec.limit_by,
    }


def _only(measured: Any, team: dict[str, Any] | None) -> Any:
    """The measured records of one group (all of them when ``team`` is None)."""
    if team is None:
        return measured
    wanted = _text_by(team)
    index = next((i for i, g in enumerate(measured.groups) if _text_by(g) == wanted), None)
    keep = measured.group == index if index is not None else np.zeros(measured.group.size, dtype=np.bool_)
    return dataclasses.replace(
        measured,
        record=measured.record[keep],
        has_start=measured.has_start[keep],
        open=measured.open[keep],
        business=measured.business[keep],
        slot=measured.slot[keep],
        group=measured.group[keep],
    )


def trend(results: Any, team: dict[str, Any] | None) -> list[dict[str, Any]]:
    """The team's share, status, population and breaches in each stored evaluation, oldest first."""
    out = []
    wanted = None if team is None else _text_by(team)
    for r in results:
        if wanted is None:
            row = {"status": r.status, "value": r.value, "population": r.population, "violations": r.violations}
        else:
            group = next((g for g in r.groups.all() if _text_by(g.by) == wanted), None)
            if group is None:
                continue
            row = {"status": group.status, "value": group.value, "population": group.population,
                   "violations": group.violations}  # fmt: skip
        out.append({"label": r.evaluation.label, "pk": r.pk, **row})
    return out
