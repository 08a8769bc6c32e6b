"""``data_quality``: the share of records that pass every rule (not_null, unique, values, range, pattern,
fresh, refers). Each rule is a boolean per record, so every failing record can be listed."""

from __future__ import annotations

import re
from datetime import timedelta
from typing import Any, ClassVar, Literal

import duckdb
from pydantic import Field, model_validator

from guifan.engine.checks.base import CheckContext, CheckSpec, Issue, Outcome, SchemaView
from guifan.engine.checks.common import (
    column_issues,
    compiled,
    dataset_issues,
    expression_issues,
    group_select,
    share_outcome,
    where_clause,
)
from guifan.engine.checks.registry import CheckKind, register
from guifan.engine.pack.base import PackModel, StrList
from guifan.engine.sql import quote_ident, quote_literal
from guifan.engine.values import DurationField


class ValuesRule(PackModel):
    column: str
    in_: list[Any] = Field(alias="in", description="allowed values")


class RangeRule(PackModel):
    column: str
    min: float | str | None = None
    max: float | str | None = None

    @model_validator(mode="after")
    def _bounded(self) -> RangeRule:
        if self.min is None and self.max is None:
            raise ValueError("a range needs min, max or both")
        return self


class PatternRule(PackModel):
    column: str
    regex: str

    @model_validator(mode="after")
    def _compiles(self) -> PatternRule:
        """The regex must be valid RE2 (DuckDB's dialect: no look-around, no back-references)."""
        try:
            re.compile(self.regex)
            with duckdb.connect(":memory:") as con:
                con.execute("SELECT regexp_matches('', ?)", [self.regex]).fetchall()
        except (re.error, duckdb.Error) as exc:
            reason = str(exc).strip().splitlines()[0]
            raise ValueError(
                f"regex {self.regex!r} is not supported: {reason} (RE2 syntax: no look-around or back-references)"
            ) from exc
        return self


class FreshRule(PackModel):
    column: str
    max_age: DurationField


class RefersRule(PackModel):
    column: str
    dataset: str
    key: str


class Rule(PackModel):
    """One rule; written as a mapping with exactly one of these fields."""

    not_null: StrList | None = None
    unique: StrList | None = None
    values: ValuesRule | None = None
    range: RangeRule | None = None
    pattern: PatternRule | None = None
    fresh: FreshRule | None = None
    refers: RefersRule | None = None

    @model_validator(mode="after")
    def _exactly_one(self) -> Rule:
        given = [name for name in type(self).model_fields if getattr(self, name) is not None]
        if len(given) != 1:
            names = ", ".join(type(self).model_fields)
            raise ValueError(f"write each rule as its own list item with exactly one of: {names}")
        return self

    @property
    def name(self) -> str:
        return next(n for n in type(self).model_fields if getattr(self, n) is not None)


class DataQualitySpec(CheckSpec):
    kind: Literal["data_quality"]
    dataset: str
    where: str | None = None
    rules: list[Rule] = Field(min_length=1)

    default_target: ClassVar[str | None] = "= 100%"


def _rule_columns(rule: Rule) -> list[str]:
    body = getattr(rule, rule.name)
    return list(body) if isinstance(body, list) else [body.column]


def validate(spec: DataQualitySpec, schema: SchemaView) -> list[Issue]:
    issues = dataset_issues(schema, spec.dataset, ("dataset",))
    if issues:
        return issues
    issues += column_issues(schema, spec.dataset, spec.by, ("by",))
    issues += expression_issues(schema, spec.dataset, spec.where, ("where",))[1]
    for i, rule in enumerate(spec.rules):
        path: tuple[str | int, ...] = ("rules", i, rule.name)
        issues += column_issues(schema, spec.dataset, _rule_columns(rule), path)
        if rule.refers is not None:
            issues += _refers_issues(schema, rule.refers, path)
        if rule.values is not None:
            issues += _values_issues(schema, spec.dataset, rule.values, path)
        if rule.fresh is not None and rule.fresh.max_age.months is not None:
            issues.append(Issue(path, "max_age must be a fixed length (s, m, h, d, w), not months or years"))
    return issues


def _values_issues(schema: SchemaView, dataset: str, rule: ValuesRule, path: tuple[str | int, ...]) -> list[Issue]:
    column_type = (schema.columns(dataset) or {}).get(rule.column)
    if column_type not in ("integer", "number"):
        return []
    wrong = [v for v in rule.in_ if isinstance(v, bool) or not isinstance(v, int | float)]
    if not wrong:
        return []
    return [Issue((*path, "in"), f"{rule.column} holds numbers, but {wrong[0]!r} is not a number")]


def _refers_issues(schema: SchemaView, refers: RefersRule, path: tuple[str | int, ...]) -> list[Issue]:
    issues = dataset_issues(schema, refers.dataset, (*path, "dataset"))
    if not issues:
        issues += column_issues(schema, refers.dataset, [refers.key], (*path, "key"))
    return issues


def _literal(value: Any, column_type: str | None = None) -> str:
    """A YAML value as SQL. On a text column every value is text, so ``in: [1, 2, A]`` compares as text."""
    if column_type == "string" and not isinstance(value, str):
        value = ("true" if value else "false") if isinstance(value, bool) else str(value)
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, int | float):
        return repr(value)
    return quote_literal(str(value))


def _is_text(ctx: CheckContext, dataset: str, column: str) -> bool:
    return ctx.columns(dataset).get(column, "string") == "string"


def rule_conditions(spec: DataQualitySpec, ctx: CheckContext) -> list[tuple[str, str]]:
    """(label, SQL condition true when the record passes) for every rule, one per column for not_null."""
    out: list[tuple[str, str]] = []
    for rule in spec.rules:
        out.extend(_conditions(rule, spec.dataset, ctx))
    return out


def _conditions(rule: Rule, dataset: str, ctx: CheckContext) -> list[tuple[str, str]]:
    if rule.not_null is not None:
        return [(f"not_null({c})", _not_null(ctx, dataset, c)) for c in rule.not_null]
    if rule.unique is not None:
        cols = ", ".join(quote_ident(c) for c in rule.unique)
        nulls = " OR ".join(f"{quote_ident(c)} IS NULL" for c in rule.unique)
        return [(f"unique({', '.join(rule.unique)})", f"({nulls}) OR count(*) OVER (PARTITION BY {cols}) = 1")]
    if rule.values is not None:
        col = quote_ident(rule.values.column)
        column_type = ctx.columns(dataset).get(rule.values.column)
        allowed = ", ".join(_literal(v, column_type) for v in rule.values.in_) or "NULL"
        return [(f"values({rule.values.column})", f"{col} IS NULL OR {col} IN ({allowed})")]
    if rule.range is not None:
        return [(f"range({rule.range.column})", _range(rule.range))]
    if rule.pattern is not None:
        col = quote_ident(rule.pattern.column)
        cond = f"{col} IS NULL OR regexp_matches(CAST({col} AS VARCHAR), {quote_literal(rule.pattern.regex)})"
        return [(f"pattern({rule.pattern.column})", cond)]
    if rule.fresh is not None:
        return [(f"fresh({rule.fresh.column})", _fresh(rule.fresh, dataset, ctx))]
    assert rule.refers is not None
    return [
        (
            f"refers({rule.refers.column} -> {rule.refers.dataset}.{rule.refers.key})",
            _refers(rule.refers, ctx),
        )
    ]


def _not_null(ctx: CheckContext, dataset: str, column: str) -> str:
    col = quote_ident(column)
    if _is_text(ctx, dataset, column):
        return f"nullif(trim(CAST({col} AS VARCHAR)), '') IS NOT NULL"
    return f"{col} IS NOT NULL"


def _range(rule: RangeRule) -> str:
    col = quote_ident(rule.column)
    parts = [f"{col} >= {_literal(rule.min)}"] if rule.min is not None else []
    if rule.max is not None:
        parts.append(f"{col} <= {_literal(rule.max)}")
    return f"{col} IS NULL OR ({' AND '.join(parts)})"


def _fresh(rule: FreshRule, dataset: str, ctx: CheckContext) -> str:
    col = quote_ident(rule.column)
    oldest = ctx.period_end - timedelta(seconds=rule.max_age.seconds)
    if ctx.columns(dataset).get(rule.column) == "date":
        return f"{col} IS NOT NULL AND {col} >= DATE {quote_literal(oldest.date().isoformat())}"
    return f"{col} IS NOT NULL AND {col} >= TIMESTAMPTZ {quote_literal(oldest.isoformat())}"


def _refers(rule: RefersRule, ctx: CheckContext) -> str:
    col = quote_ident(rule.column)
    target = f"SELECT CAST({quote_ident(rule.key)} AS VARCHAR) FROM {ctx.full_relation(rule.dataset)}"
    return f"{col} IS NULL OR CAST({col} AS VARCHAR) IN ({target})"


def evaluate(spec: DataQualitySpec, ctx: CheckContext) -> Outcome:
    conditions = rule_conditions(spec, ctx)
    flags = ", ".join(f"coalesce(({cond}), FALSE) AS __r{i}" for i, (_, cond) in enumerate(conditions))
    checked = (
        f"SELECT {ctx.key_sql(spec.dataset)} AS __key{group_select(spec.by)}, {flags} "
        f"FROM {ctx.relation(spec.dataset)}{where_clause(compiled(spec.where))}"
    )
    all_ok = " AND ".join(f"__r{i}" for i in range(len(conditions)))
    by_cols = "".join(f", {quote_ident(c)}" for c in spec.by)
    records = f"SELECT __key{by_cols}, ({all_ok}) AS __ok FROM ({checked}) AS c"
    per_rule = ", ".join(f"count(*) FILTER (WHERE NOT __r{i}) AS __r{i}" for i in range(len(conditions)))
    counts = ctx.query(f"SELECT {per_rule} FROM ({checked}) AS c").to_pylist()[0]
    rules = [{"rule": label, "violations": int(counts[f"__r{i}"])} for i, (label, _) in enumerate(conditions)]
    return share_outcome(ctx, records, spec.by, "of records pass every rule", {"rules": rules})


def datasets(spec: DataQualitySpec) -> list[str]:
    refs = [r.refers.dataset for r in spec.rules if r.refers is not None]
    return [spec.dataset, *refs]


register(
    CheckKind(
        name="data_quality",
        spec=DataQualitySpec,
        validate=validate,
        evaluate=evaluate,
        datasets=datasets,
        summary="the share of records that pass every data-quality rule",
    )
)
