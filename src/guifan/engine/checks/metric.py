"""``metric``: an aggregate compared with a number, or the share of records that satisfy a condition."""

from __future__ import annotations

from typing import ClassVar, Literal

from pydantic import Field, model_validator

from guifan.engine.checks.base import CheckContext, CheckSpec, GroupOutcome, Issue, Outcome, SchemaView
from guifan.engine.checks.common import (
    column_issues,
    compiled,
    dataset_issues,
    expression_columns,
    expression_issues,
    group_select,
    json_value,
    share_outcome,
    where_clause,
)
from guifan.engine.checks.registry import CheckKind, register
from guifan.engine.sql import quote_ident


class MetricSpec(CheckSpec):
    """``value: "avg(csat)"`` compares an aggregate; ``each: "csat >= 4"`` the share of records satisfying it."""

    kind: Literal["metric"]
    dataset: str
    where: str | None = Field(None, description="row filter, an expression")
    value: str | None = Field(None, description="an aggregate expression, compared with target")
    each: str | None = Field(None, description="a row condition; the value is the share of records satisfying it")

    default_target: ClassVar[str | None] = None

    @model_validator(mode="after")
    def _one_form(self) -> MetricSpec:
        if (self.value is None) == (self.each is None):
            raise ValueError("a metric needs exactly one of 'value' (an aggregate) or 'each' (a row condition)")
        if self.target is None:
            raise ValueError('a metric needs a target, e.g. target: ">= 95%"')
        return self


def validate(spec: MetricSpec, schema: SchemaView) -> list[Issue]:
    issues = dataset_issues(schema, spec.dataset, ("dataset",))
    if issues:
        return issues
    issues += column_issues(schema, spec.dataset, spec.by, ("by",))
    issues += expression_issues(schema, spec.dataset, spec.where, ("where",))[1]
    issues += expression_issues(schema, spec.dataset, spec.each, ("each",))[1]
    issues += expression_issues(schema, spec.dataset, spec.value, ("value",), mode="aggregate")[1]
    return issues


def evaluate(spec: MetricSpec, ctx: CheckContext) -> Outcome:
    if spec.each is not None:
        return _evaluate_each(spec, ctx)
    return _evaluate_value(spec, ctx)


def _evaluate_each(spec: MetricSpec, ctx: CheckContext) -> Outcome:
    records = (
        f"SELECT {ctx.key_sql(spec.dataset)} AS __key{group_select(spec.by)}, ({compiled(spec.each)}) AS __ok "
        f"FROM {ctx.relation(spec.dataset)}{where_clause(compiled(spec.where))}"
    )
    return share_outcome(ctx, records, spec.by, "of records comply")


def _evaluate_value(spec: MetricSpec, ctx: CheckContext) -> Outcome:
    value_sql = compiled(spec.value, mode="aggregate")
    source = f"{ctx.relation(spec.dataset)}{where_clause(compiled(spec.where))}"
    head = f"CAST(({value_sql}) AS DOUBLE) AS __value, count(*) AS __population"
    row = ctx.query(f"SELECT {head} FROM {source}").to_pylist()[0]
    groups: list[GroupOutcome] = []
    if spec.by:
        cols = ", ".join(quote_ident(c) for c in spec.by)
        sql = f"SELECT {head}{group_select(spec.by)} FROM {source} GROUP BY {cols} ORDER BY {cols}"
        for g in ctx.query(sql).to_pylist():
            by = {c: json_value(g[c]) for c in spec.by}
            groups.append(GroupOutcome(by, g["__value"], int(g["__population"]), 0))
    population = int(row["__population"])
    return Outcome(
        value=row["__value"],  # count(*) of nothing is 0 and can fail a target; avg of nothing is no data
        population=population,
        violations=0,
        groups=groups,
        unit="number",
        describe=spec.value or "",
    )


def datasets(spec: MetricSpec) -> list[str]:
    return [spec.dataset]


def columns(spec: MetricSpec) -> dict[str, set[str]]:
    return {spec.dataset: {*spec.by, *expression_columns(spec.where, spec.each, spec.value)}}


register(
    CheckKind(
        name="metric",
        spec=MetricSpec,
        validate=validate,
        evaluate=evaluate,
        datasets=datasets,
        summary="an aggregate against a number, or the share of records that satisfy a condition",
        columns=columns,
    )
)
