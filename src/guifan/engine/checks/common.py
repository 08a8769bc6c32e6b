"""SQL shared by the kinds whose value is a share of records: group, count, and list violating keys.

Every such kind reduces to one relation with a key, the group columns and a boolean ``__ok`` per record; this
module aggregates it. It only emits portable SQL (GROUPING SETS, FILTER), so another backend can run it.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any

from guifan.engine.checks.base import CheckContext, GroupOutcome, Issue, Outcome, SchemaView
from guifan.engine.errors import did_you_mean
from guifan.engine.expressions import Expression, check_columns, parse_expression
from guifan.engine.sql import quote_ident


def json_value(value: Any) -> Any:
    """A group value as JSON can carry it."""
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return float(value)
    return value


def share_outcome(
    ctx: CheckContext, records_sql: str, by: list[str], describe: str, details: dict[str, Any] | None = None
) -> Outcome:
    """Count ``records_sql`` (columns ``__key``, the ``by`` columns, ``__ok``) overall and per group."""
    overall, groups = _counts(ctx, records_sql, by)
    population, violations = overall
    keys, truncated = violating_keys(ctx, records_sql) if violations else ([], False)
    return Outcome(
        value=None if population == 0 else (population - violations) / population,
        population=population,
        violations=violations,
        violating_keys=keys,
        violating_keys_truncated=truncated,
        groups=groups,
        details=details or {},
        unit="share",
        describe=describe,
    )


def _counts(ctx: CheckContext, records_sql: str, by: list[str]) -> tuple[tuple[int, int], list[GroupOutcome]]:
    counts = "count(*) AS population, count(*) FILTER (WHERE NOT coalesce(__ok, FALSE)) AS violations"
    if not by:
        row = ctx.query(f"SELECT {counts} FROM ({records_sql}) AS r").to_pylist()[0]
        return (int(row["population"]), int(row["violations"])), []
    cols = ", ".join(quote_ident(c) for c in by)
    sql = (
        f"SELECT {cols}, grouping({quote_ident(by[0])}) AS __overall, {counts} FROM ({records_sql}) AS r "
        f"GROUP BY GROUPING SETS ((), ({cols})) ORDER BY __overall DESC, {cols}"
    )
    overall = (0, 0)
    groups: list[GroupOutcome] = []
    for row in ctx.query(sql).to_pylist():
        pop, bad = int(row["population"]), int(row["violations"])
        if row["__overall"]:
            overall = (pop, bad)
            continue
        value = None if pop == 0 else (pop - bad) / pop
        groups.append(GroupOutcome({c: json_value(row[c]) for c in by}, value, pop, bad))
    return overall, groups


def violating_keys(ctx: CheckContext, records_sql: str) -> tuple[list[str], bool]:
    """The keys of failing records, sorted, at most ``ctx.sample`` of them, and whether there were more."""
    limit = "" if ctx.sample is None else f" LIMIT {int(ctx.sample) + 1}"
    sql = f"SELECT __key FROM ({records_sql}) AS r WHERE NOT coalesce(__ok, FALSE) ORDER BY __key NULLS LAST{limit}"
    keys = [str(k) for k in ctx.query(sql).column("__key").to_pylist()]
    if ctx.sample is not None and len(keys) > ctx.sample:
        return keys[: ctx.sample], True
    return keys, False


def group_select(by: list[str], alias: str | None = None) -> str:
    """``, "team", "region"`` (qualified by ``alias``), or nothing without groups."""
    prefix = f"{alias}." if alias else ""
    return "".join(f", {prefix}{quote_ident(c)} AS {quote_ident(c)}" for c in by)


# --- validation helpers -------------------------------------------------------------------------------


def dataset_issues(schema: SchemaView, dataset: str, path: tuple[str | int, ...]) -> list[Issue]:
    if schema.has_dataset(dataset):
        return []
    hint = did_you_mean(dataset, schema.dataset_names()) or "declare it under datasets:"
    return [Issue(path, f"unknown dataset {dataset!r}", hint)]


def column_issues(schema: SchemaView, dataset: str, columns: list[str], path: tuple[str | int, ...]) -> list[Issue]:
    known = schema.columns(dataset)
    if known is None:
        return []
    issues = []
    for column in columns:
        if column not in known:
            hint = did_you_mean(column, known) or f"{dataset} has: {', '.join(sorted(known))}"
            issues.append(Issue(path, f"dataset {dataset!r} has no column {column!r}", hint))
    return issues


def expression_issues(
    schema: SchemaView,
    dataset: str,
    text: str | None,
    path: tuple[str | int, ...],
    mode: str = "row",
) -> tuple[Expression | None, list[Issue]]:
    """Parse an expression and check its columns; issues instead of exceptions, so all are reported."""
    from guifan.engine.errors import InputError

    if text is None:
        return None, []
    field = ".".join(str(p) for p in path)
    try:
        expr = parse_expression(text, field=field, mode=mode)  # type: ignore[arg-type]
        known = schema.columns(dataset)
        if known is not None:
            check_columns(expr, known, field=field, dataset=dataset)
    except InputError as exc:
        return None, [Issue(path, p.message, p.hint) for p in exc.problems]
    return expr, []


def expression_columns(*texts: str | None) -> set[str]:
    """The columns that already validated expressions name (for a kind's ``columns``)."""
    names: set[str] = set()
    for text in texts:
        if text is not None:
            names |= parse_expression(text, field="", mode="any").columns
    return names


def merge_columns(*parts: tuple[str, set[str]]) -> dict[str, set[str]]:
    """(dataset, columns) pairs as one mapping; a dataset named twice gets the union."""
    out: dict[str, set[str]] = {}
    for dataset, names in parts:
        out.setdefault(dataset, set()).update(names)
    return out


def compiled(text: str | None, mode: str = "row") -> str | None:
    """The SQL of an already validated expression."""
    if text is None:
        return None
    return parse_expression(text, field="", mode=mode).sql  # type: ignore[arg-type]


def where_clause(*conditions: str | None) -> str:
    parts = [f"({c})" for c in conditions if c]
    return f" WHERE {' AND '.join(parts)}" if parts else ""
