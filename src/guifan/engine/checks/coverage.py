"""``coverage``: every member of a population has a qualifying record (a course passed, a certificate held,
a review done). The violations are the members without one."""

from __future__ import annotations

from datetime import timedelta
from typing import ClassVar, Literal

from pydantic import Field, field_validator

from guifan.engine.checks.base import CheckContext, CheckSpec, Issue, Outcome, SchemaView
from guifan.engine.checks.common import (
    column_issues,
    compiled,
    dataset_issues,
    expression_columns,
    expression_issues,
    group_select,
    merge_columns,
    share_outcome,
    where_clause,
)
from guifan.engine.checks.registry import CheckKind, register
from guifan.engine.pack.base import PackModel
from guifan.engine.periods import ceil_date
from guifan.engine.sql import quote_ident, quote_literal


class Population(PackModel):
    dataset: str
    where: str | None = None
    since: str | None = Field(
        None, description="column: when a member joined (e.g. hire_date); only members by the period end count"
    )
    until: str | None = Field(
        None, description="column: when a member left (e.g. leave_date); empty means still a member"
    )


class Records(PackModel):
    dataset: str
    where: str | None = None
    match: dict[str, str] = Field(description="population column -> records column")
    valid_until: str | None = Field(
        None, description="column: the record must still be valid at the end of the period (empty: no expiry)"
    )

    @field_validator("match")
    @classmethod
    def _not_empty(cls, match: dict[str, str]) -> dict[str, str]:
        if not match:
            raise ValueError("match needs at least one pair population_column: records_column")
        return match


class CoverageSpec(CheckSpec):
    kind: Literal["coverage"]
    population: Population
    records: Records

    default_target: ClassVar[str | None] = "= 100%"


def validate(spec: CoverageSpec, schema: SchemaView) -> list[Issue]:
    pop, rec = spec.population, spec.records
    issues = dataset_issues(schema, pop.dataset, ("population", "dataset"))
    issues += dataset_issues(schema, rec.dataset, ("records", "dataset"))
    if issues:
        return issues
    issues += column_issues(schema, pop.dataset, spec.by, ("by",))
    for name in ("since", "until"):
        column = getattr(pop, name)
        if column:
            issues += column_issues(schema, pop.dataset, [column], ("population", name))
    issues += column_issues(schema, pop.dataset, list(rec.match), ("records", "match"))
    issues += column_issues(schema, rec.dataset, list(rec.match.values()), ("records", "match"))
    if rec.valid_until:
        issues += column_issues(schema, rec.dataset, [rec.valid_until], ("records", "valid_until"))
    issues += expression_issues(schema, pop.dataset, pop.where, ("population", "where"))[1]
    issues += expression_issues(schema, rec.dataset, rec.where, ("records", "where"))[1]
    return issues


def _still_valid(spec: CoverageSpec, ctx: CheckContext) -> str | None:
    """The record is valid at the end of the period. A date column means valid through that whole day."""
    column = spec.records.valid_until
    if column is None:
        return None
    col = quote_ident(column)
    if ctx.columns(spec.records.dataset).get(column) == "date":
        last_instant = ctx.period_end - timedelta(microseconds=1)
        last_day = last_instant.date().isoformat()
        return f"{col} IS NULL OR {col} >= DATE {quote_literal(last_day)}"
    return f"{col} IS NULL OR {col} >= TIMESTAMPTZ {quote_literal(ctx.period_end.isoformat())}"


def _end_literal(dataset: str, column: str, ctx: CheckContext) -> str:
    """The period end as a literal comparable with ``column`` (a date column compares with the first date whose
    midnight is at or after the end)."""
    if ctx.columns(dataset).get(column) == "date":
        return f"DATE {quote_literal(ceil_date(ctx.period_end).isoformat())}"
    return f"TIMESTAMPTZ {quote_literal(ctx.period_end.isoformat())}"


def _before_end(dataset: str, ctx: CheckContext) -> str | None:
    time = ctx.time_column(dataset)
    if time is None:
        return None
    return f"{quote_ident(time)} < {_end_literal(dataset, time, ctx)}"


def _member_at_end(pop: Population, ctx: CheckContext) -> str | None:
    """Joined before the end of the period and not yet left at its end."""
    parts = []
    if pop.since:
        parts.append(f"{quote_ident(pop.since)} < {_end_literal(pop.dataset, pop.since, ctx)}")
    if pop.until:
        col = quote_ident(pop.until)
        parts.append(f"({col} IS NULL OR {col} >= {_end_literal(pop.dataset, pop.until, ctx)})")
    return " AND ".join(parts) or None


def _qualifying(spec: CoverageSpec, ctx: CheckContext, *, check_validity: bool) -> str:
    rec = spec.records
    cols = ", ".join(f"{quote_ident(r)} AS __m{i}" for i, r in enumerate(rec.match.values()))
    valid = _still_valid(spec, ctx) if check_validity else None
    conditions = where_clause(compiled(rec.where), _before_end(rec.dataset, ctx), valid)
    return f"SELECT DISTINCT {cols} FROM {ctx.full_relation(rec.dataset)}{conditions}"


def _on(spec: CoverageSpec, ctx: CheckContext, alias: str) -> str:
    pop_types = ctx.columns(spec.population.dataset)
    rec_types = ctx.columns(spec.records.dataset)
    on = []
    for i, (p, r) in enumerate(spec.records.match.items()):
        left, right = f"pop.{quote_ident(p)}", f"{alias}.__m{i}"
        if pop_types.get(p) != rec_types.get(r):
            left, right = f"CAST({left} AS VARCHAR)", f"CAST({right} AS VARCHAR)"
        on.append(f"{left} = {right}")
    return " AND ".join(on)


def evaluate(spec: CoverageSpec, ctx: CheckContext) -> Outcome:
    key = ctx.key_sql(spec.population.dataset, alias="pop")
    members = where_clause(compiled(spec.population.where), _member_at_end(spec.population, ctx))
    pop = f"SELECT * FROM {ctx.relation(spec.population.dataset)}{members}"
    joined = f"({pop}) AS pop LEFT JOIN ({_qualifying(spec, ctx, check_validity=True)}) AS q ON {_on(spec, ctx, 'q')}"
    lapsed = ", FALSE AS __any"
    if spec.records.valid_until:
        any_record = _qualifying(spec, ctx, check_validity=False)
        joined += f" LEFT JOIN ({any_record}) AS a ON {_on(spec, ctx, 'a')}"
        lapsed = ", (a.__m0 IS NOT NULL) AS __any"
    records = f"SELECT {key} AS __key{group_select(spec.by, 'pop')}, (q.__m0 IS NOT NULL) AS __ok{lapsed} FROM {joined}"
    details: dict[str, object] = {}
    if spec.records.valid_until:
        expired_sql = f"SELECT count(*) AS n FROM ({records}) AS r WHERE NOT r.__ok AND r.__any"
        details["expired"] = int(ctx.query(expired_sql).to_pylist()[0]["n"])
    return share_outcome(ctx, records, spec.by, "of the population covered", details)


def datasets(spec: CoverageSpec) -> list[str]:
    return [spec.population.dataset, spec.records.dataset]


def columns(spec: CoverageSpec) -> dict[str, set[str]]:
    pop, rec = spec.population, spec.records
    members = {*spec.by, *rec.match, *(c for c in (pop.since, pop.until) if c), *expression_columns(pop.where)}
    records = {*rec.match.values(), *(c for c in (rec.valid_until,) if c), *expression_columns(rec.where)}
    return merge_columns((pop.dataset, members), (rec.dataset, records))


register(
    CheckKind(
        name="coverage",
        spec=CoverageSpec,
        validate=validate,
        evaluate=evaluate,
        datasets=datasets,
        summary="every member of a population has a qualifying, still valid record",
        columns=columns,
    )
)
