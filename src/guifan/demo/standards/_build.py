"""Small builders that keep the standards readable: one call per standard, requirement and check."""

from __future__ import annotations

from datetime import date
from typing import Any

Check = dict[str, Any]


def text(zh: str, en: str) -> dict[str, str]:
    """A bilingual text field."""
    return {"zh": zh, "en": en}


def standard(
    sid: str,
    category: str,
    owner: str,
    title: tuple[str, str],
    body: tuple[str, str],
    requirements: list[dict[str, Any]],
    *,
    version: str = "1.0",
    effective: str = "2025-07-01",
    review_every: str = "12mo",
) -> dict[str, Any]:
    """A standard in effect, with a bilingual title and Markdown body."""
    return {
        "id": sid,
        "title": text(*title),
        "category": category,
        "owner": owner,
        "version": version,
        "status": "effective",
        "effective": date.fromisoformat(effective),
        "review_every": review_every,
        "body": text(body[0].strip() + "\n", body[1].strip() + "\n"),
        "requirements": requirements,
    }


def requirement(rid: str, zh: str, en: str, severity: str, check: Check | None) -> dict[str, Any]:
    """A requirement (条款) with its check."""
    out: dict[str, Any] = {"id": rid, "text": text(zh, en), "severity": severity}
    if check is not None:
        out["check"] = check
    return out


def _tail(by: list[str] | None, target: str, warn: str | None) -> Check:
    out: Check = {}
    if by:
        out["by"] = by
    out["target"] = target
    if warn:
        out["warn"] = warn
    return out


def _metric(
    form: str, expression: str, dataset: str, target: str, where: str | None, by: list[str] | None, warn: str | None
) -> Check:
    check: Check = {"kind": "metric", "dataset": dataset}
    if where:
        check["where"] = where
    check[form] = expression
    return check | _tail(by, target, warn)


def each(
    dataset: str,
    condition: str,
    target: str,
    *,
    where: str | None = None,
    by: list[str] | None = None,
    warn: str | None = None,
) -> Check:
    """``metric`` with ``each``: the share of records that satisfy ``condition``."""
    return _metric("each", condition, dataset, target, where, by, warn)


def value(
    dataset: str,
    aggregate: str,
    target: str,
    *,
    where: str | None = None,
    by: list[str] | None = None,
    warn: str | None = None,
) -> Check:
    """``metric`` with ``value``: an aggregate compared with a number."""
    return _metric("value", aggregate, dataset, target, where, by, warn)


def quality(dataset: str, rules: list[dict[str, Any]], target: str, *, warn: str | None = None) -> Check:
    """``data_quality``: the share of records passing every rule."""
    return {"kind": "data_quality", "dataset": dataset, "rules": rules} | _tail(None, target, warn)


def coverage(
    population: str,
    population_where: str,
    records: str,
    records_where: str | None,
    match: dict[str, str],
    target: str,
    *,
    valid_until: str | None = None,
    warn: str | None = None,
) -> Check:
    """``coverage``: every member of the population has a qualifying record."""
    recs: Check = {"dataset": records}
    if records_where:
        recs["where"] = records_where
    recs["match"] = match
    if valid_until:
        recs["valid_until"] = valid_until
    return {
        "kind": "coverage",
        "population": {"dataset": population, "where": population_where},
        "records": recs,
    } | _tail(None, target, warn)


def sla(
    dataset: str,
    start: str,
    stop: str,
    limit: str | dict[str, str],
    target: str,
    *,
    limit_by: str | None = None,
    where: str | None = None,
    pauses: dict[str, str] | None = None,
    by: list[str] | None = None,
    warn: str | None = None,
    calendar: str = "cn-office",
) -> Check:
    """``sla``: the share of records handled within a business-time limit on a work calendar."""
    check: Check = {"kind": "sla", "dataset": dataset}
    if where:
        check["where"] = where
    check |= {"start": start, "stop": stop, "calendar": calendar, "limit": limit}
    if limit_by:
        check["limit_by"] = limit_by
    if pauses:
        check["pauses"] = pauses
    return check | _tail(by, target, warn)


def sequence(
    dataset: str,
    constraints: list[dict[str, Any]],
    target: str,
    *,
    case: str,
    activity: str = "activity",
    resource: str | None = None,
    role: str | None = None,
    calendar: str | None = None,
    completed_by: str | None = None,
    by: list[str] | None = None,
    warn: str | None = None,
) -> Check:
    """``sequence``: the share of an event log's cases that keep every constraint."""
    check: Check = {"kind": "sequence", "dataset": dataset, "case": case, "activity": activity}
    optional = {"resource": resource, "role": role, "calendar": calendar, "completed_by": completed_by}
    check |= {name: given for name, given in optional.items() if given}
    check["constraints"] = constraints
    return check | _tail(by, target, warn)


def spc(
    dataset: str,
    chart: str,
    target: str,
    *,
    value: str = "value",
    subgroup: str = "subgroup",
    characteristic: list[str],
    where: str | None = None,
    spec: dict[str, str] | None = None,
    phase: dict[str, str] | None = None,
    ewma: dict[str, float] | None = None,
    by: list[str] | None = None,
) -> Check:
    """``spc``: control charts and capability for every characteristic."""
    check: Check = {"kind": "spc", "dataset": dataset}
    if where:
        check["where"] = where
    check |= {"value": value, "subgroup": subgroup, "chart": chart, "characteristic": characteristic}
    optional = {"spec": spec, "phase": phase, "ewma": ewma}
    check |= {name: given for name, given in optional.items() if given}
    return check | _tail(by, target, None)


def sixsigma(
    dataset: str,
    target: str,
    *,
    defects: str,
    units: str,
    opportunities: str,
    pareto: dict[str, str] | None = None,
    by: list[str] | None = None,
    warn: str | None = None,
) -> Check:
    """``sixsigma``: defects per million opportunities (or the sigma level), with a Pareto of defect types."""
    check: Check = {
        "kind": "sixsigma",
        "dataset": dataset,
        "defects": defects,
        "units": units,
        "opportunities": opportunities,
    }
    tail = _tail(by, target, warn)
    if pareto:
        tail["pareto"] = pareto
    return check | tail
