"""``data_quality``: the share of records that pass every rule (not_null, unique, values, range, pattern,
fresh, refers). Each rule is a boolean per record, so every failing record can be listed.

The rules are evaluated in one pass that counts the records per group and per combination of rule results
(a handful of rows), from which the population, the violations and each rule's violations, overall and per
group, are summed. Only when some record fails does a second query list the first keys, and it evaluates only
the rules that failed. ``unique`` looks up each record's key in the (usually tiny) set of duplicated keys,
computed once per evaluation.
"""

from __future__ import annotations

import re
from datetime import timedelta
from typing import Any, ClassVar, Literal

import duckdb
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
    merge_columns,
    violating_keys,
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
        out.extend(_conditions(rule, spec, ctx))
    return out


def _conditions(rule: Rule, spec: DataQualitySpec, ctx: CheckContext) -> list[tuple[str, str]]:
    dataset = spec.dataset
    if rule.not_null is not None:
        return [(f"not_null({c})", _not_null(ctx, dataset, c)) for c in rule.not_null]
    if rule.unique is not None:
        return [(f"unique({', '.join(rule.unique)})", _unique(rule.unique, spec, ctx))]
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


def _unique(columns: list[str], spec: DataQualitySpec, ctx: CheckContext) -> str:
    """Unique among the period's records that ``where`` keeps: every record whose key (no part of it NULL)
    another of them shares fails; a key with a NULL part passes. The duplicated keys are found once."""
    cols = [quote_ident(c) for c in columns]
    present = " AND ".join(f"{c} IS NOT NULL" for c in cols)
    picked = ", ".join(f"{c} AS __dup{i}" for i, c in enumerate(cols))
    source = f"{ctx.relation(spec.dataset)}{where_clause(compiled(spec.where), present)}"
    duplicated = ctx.materialize(f"SELECT {picked} FROM {source} GROUP BY {', '.join(cols)} HAVING count(*) > 1")
    nulls = " OR ".join(f"{c} IS NULL" for c in cols)
    if len(cols) == 1:
        return f"{nulls} OR {cols[0]} NOT IN (SELECT __dup0 FROM {duplicated})"
    same = " AND ".join(f"__d.__dup{i} = {c}" for i, c in enumerate(cols))
    return f"({nulls}) OR NOT EXISTS (SELECT 1 FROM {duplicated} AS __d WHERE {same})"


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
    flags = [f"coalesce(({cond}), FALSE)" for _, cond in conditions]
    source = f"{ctx.relation(spec.dataset)}{where_clause(compiled(spec.where))}"
    rules = [f"__r{i}" for i in range(len(conditions))]
    results = ", ".join(f"{flag} AS {rule}" for flag, rule in zip(flags, rules, strict=True))
    checked = f"SELECT {results}{group_select(spec.by)} FROM {source}"
    combos = _combinations(ctx, checked, spec.by, rules)
    per_rule = [sum(n for _, (_, results, n) in combos if not results[i]) for i in range(len(rules))]
    overall, groups = _totals(combos, spec.by)
    population, violations = overall
    keys: list[str] = []
    truncated = False
    if violations:  # list the first keys, evaluating only the rules some record fails
        failing = " AND ".join(f for f, bad in zip(flags, per_rule, strict=True) if bad)
        records = f"SELECT {ctx.key_sql(spec.dataset)} AS __key, ({failing}) AS __ok FROM {source}"
        keys, truncated = violating_keys(ctx, records)
    labels = [label for label, _ in conditions]
    details = {"rules": [{"rule": label, "violations": bad} for label, bad in zip(labels, per_rule, strict=True)]}
    return Outcome(
        value=None if population == 0 else (population - violations) / population,
        population=population,
        violations=violations,
        violating_keys=keys,
        violating_keys_truncated=truncated,
        groups=groups,
        details=details,
        unit="share",
        describe="of records pass every rule",
    )


Combination = tuple[dict[str, Any], list[bool], int]
"""A group's values, whether each rule passed, and how many records of the group had those results."""


def _combinations(ctx: CheckContext, checked: str, by: list[str], rules: list[str]) -> list[tuple[int, Combination]]:
    """The records counted per group and per combination of rule results, the groups numbered in order."""
    results = ", ".join(rules)
    if not by:
        sql = f"SELECT {results}, count(*) AS __n FROM ({checked}) AS c GROUP BY {results}"
        return [(0, ({}, [bool(row[r]) for r in rules], int(row["__n"]))) for row in ctx.query(sql).to_pylist()]
    cols = ", ".join(quote_ident(c) for c in by)
    counted = f"SELECT {cols}, {results}, count(*) AS __n FROM ({checked}) AS c GROUP BY {cols}, {results}"
    sql = f"SELECT *, dense_rank() OVER (ORDER BY {cols}) AS __g FROM ({counted}) AS n ORDER BY __g"
    return [
        (int(row["__g"]), ({c: json_value(row[c]) for c in by}, [bool(row[r]) for r in rules], int(row["__n"])))
        for row in ctx.query(sql).to_pylist()
    ]


def _totals(combos: list[tuple[int, Combination]], by: list[str]) -> tuple[tuple[int, int], list[GroupOutcome]]:
    """(population, violations) overall, and a :class:`GroupOutcome` per group (in the groups' order)."""
    counts: dict[int, list[Any]] = {}
    for group, (values, results, n) in combos:
        entry = counts.setdefault(group, [values, 0, 0])
        entry[1] += n
        entry[2] += 0 if all(results) else n
    population = sum(entry[1] for entry in counts.values())
    violations = sum(entry[2] for entry in counts.values())
    if not by:
        return (population, violations), []
    groups = [
        GroupOutcome(values, None if pop == 0 else (pop - bad) / pop, pop, bad) for values, pop, bad in counts.values()
    ]
    return (population, violations), groups


def datasets(spec: DataQualitySpec) -> list[str]:
    refs = [r.refers.dataset for r in spec.rules if r.refers is not None]
    return [spec.dataset, *refs]


def columns(spec: DataQualitySpec) -> dict[str, set[str]]:
    checked = {*spec.by, *expression_columns(spec.where), *(c for rule in spec.rules for c in _rule_columns(rule))}
    refs = [(rule.refers.dataset, {rule.refers.key}) for rule in spec.rules if rule.refers is not None]
    return merge_columns((spec.dataset, checked), *refs)


register(
    CheckKind(
        name="data_quality",
        spec=DataQualitySpec,
        validate=validate,
        evaluate=evaluate,
        datasets=datasets,
        summary="the share of records that pass every data-quality rule",
        columns=columns,
    )
)
