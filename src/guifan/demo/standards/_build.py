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
    check: Check = {"kind": "metric", "dataset": dataset}
    if where:
        check["where"] = where
    check["each"] = condition
    return check | _tail(by, target, warn)


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
    check: Check = {"kind": "metric", "dataset": dataset}
    if where:
        check["where"] = where
    check["value"] = aggregate
    return check | _tail(by, target, warn)


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
