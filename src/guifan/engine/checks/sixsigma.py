"""``sixsigma``: defects per million opportunities (DPMO) or the sigma level, with a Pareto of defect types.

DPMO = 10^6 x sum(defects) / sum(units x opportunities per unit); the sigma level adds the 1.5 sigma shift to
the normal quantile of the yield (see :mod:`guifan.engine.spc.sixsigma` and docs/spc.md).
"""

from __future__ import annotations

from typing import Any, ClassVar, Literal

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
    where_clause,
)
from guifan.engine.checks.registry import CheckKind, register
from guifan.engine.pack.base import PackModel
from guifan.engine.spc.sixsigma import dpmo, pareto, sigma_level
from guifan.engine.spc.targets import SixSigmaTarget, SixSigmaTargetField
from guifan.engine.sql import quote_ident

NUMERIC = ("integer", "number")


class ParetoSpec(PackModel):
    """Defect types to rank: a column of the check's dataset, or of another dataset with one record per defect."""

    column: str = Field(description="the defect type column")
    dataset: str | None = Field(None, description="a dataset with one record per defect (default: the check's)")
    where: str | None = Field(None, description="row filter on that dataset")


class SixSigmaSpec(CheckSpec):
    """``target: "sigma >= 4"`` or ``"dpmo <= 6210"``."""

    kind: Literal["sixsigma"]
    dataset: str
    where: str | None = Field(None, description="row filter, an expression")
    defects: str = Field(description="column: defects found in the record")
    units: float | str = Field(1.0, description="column: units inspected in the record, or a number per record")
    opportunities: float | str = Field(1.0, description="opportunities for a defect per unit: column or number")
    pareto: str | ParetoSpec | None = Field(None, description="defect type column to rank in details.pareto")
    target: SixSigmaTargetField | None = None
    warn: SixSigmaTargetField | None = None

    default_target: ClassVar[str | None] = None

    @model_validator(mode="after")
    def _measures(self) -> SixSigmaSpec:
        if self.target is None:
            raise ValueError('a sixsigma check needs a target: "sigma >= 4" or "dpmo <= 6210"')
        if self.warn is not None and self.warn.measure != self.target.measure:
            raise ValueError(f"warn must compare {self.target.measure}, as the target does")
        for name in ("units", "opportunities"):
            value = getattr(self, name)
            if isinstance(value, float) and value <= 0:
                raise ValueError(f"{name} must be positive")
        return self

    @property
    def measure(self) -> str:
        assert isinstance(self.target, SixSigmaTarget)
        return self.target.measure

    @property
    def pareto_spec(self) -> ParetoSpec | None:
        return ParetoSpec(column=self.pareto) if isinstance(self.pareto, str) else self.pareto


def _numeric_issues(schema: SchemaView, dataset: str, column: str, path: tuple[str | int, ...]) -> list[Issue]:
    issues = column_issues(schema, dataset, [column], path)
    known = schema.columns(dataset)
    if not issues and known is not None and known[column] not in NUMERIC:
        hint = f"declare it under columns: {{{column}: number}}"
        issues.append(Issue(path, f"column {column!r} holds {known[column]} values; sixsigma needs numbers", hint))
    return issues


def validate(spec: SixSigmaSpec, schema: SchemaView) -> list[Issue]:
    issues = dataset_issues(schema, spec.dataset, ("dataset",))
    if issues:
        return issues
    issues += column_issues(schema, spec.dataset, spec.by, ("by",))
    issues += expression_issues(schema, spec.dataset, spec.where, ("where",))[1]
    for name in ("defects", "units", "opportunities"):
        value = getattr(spec, name)
        if isinstance(value, str):
            issues += _numeric_issues(schema, spec.dataset, value, (name,))
    chosen = spec.pareto_spec
    if chosen is not None:
        path: tuple[str | int, ...] = ("pareto",) if isinstance(spec.pareto, str) else ("pareto", "column")
        other = chosen.dataset or spec.dataset
        if chosen.dataset is not None:
            found = dataset_issues(schema, other, ("pareto", "dataset"))
            if found:
                return issues + found
        issues += column_issues(schema, other, [chosen.column], path)
        issues += expression_issues(schema, other, chosen.where, ("pareto", "where"))[1]
    return issues


def _amount(value: float | str) -> str:
    return f"CAST({quote_ident(value)} AS DOUBLE)" if isinstance(value, str) else repr(float(value))


def evaluate(spec: SixSigmaSpec, ctx: CheckContext) -> Outcome:
    units = _amount(spec.units)
    head = (
        f"sum(CAST({quote_ident(spec.defects)} AS DOUBLE)) AS __defects, sum({units}) AS __units, "
        f"sum({units} * {_amount(spec.opportunities)}) AS __opportunities, count(*) AS __records"
    )
    source = f"{ctx.relation(spec.dataset)}{where_clause(compiled(spec.where))}"
    row = ctx.query(f"SELECT {head} FROM {source}").to_pylist()[0]
    groups: list[GroupOutcome] = []
    if spec.by:
        cols = ", ".join(quote_ident(c) for c in spec.by)
        sql = f"SELECT {head}{group_select(spec.by)} FROM {source} GROUP BY {cols} ORDER BY {cols}"
        for g in ctx.query(sql).to_pylist():
            by = {c: json_value(g[c]) for c in spec.by}
            groups.append(GroupOutcome(by, _value(spec, g), int(g["__records"]), 0))
    details = _numbers(row) | {"pareto": _pareto(spec, ctx)}
    return Outcome(
        value=_value(spec, row),
        population=int(row["__records"]),
        violations=0,
        groups=groups,
        details=details,
        unit="number",
        describe="sigma level" if spec.measure == "sigma" else "DPMO",
    )


def _numbers(row: dict[str, Any]) -> dict[str, Any]:
    defects, units, opportunities = (float(row[k] or 0.0) for k in ("__defects", "__units", "__opportunities"))
    return {
        "defects": defects,
        "units": units,
        "opportunities": opportunities,
        "dpmo": dpmo(defects, opportunities),
        "sigma": sigma_level(defects, opportunities),
        "zero_defects": defects == 0 and opportunities > 0,
    }


def _value(spec: SixSigmaSpec, row: dict[str, Any]) -> float | None:
    numbers = _numbers(row)
    value: float | None = numbers["sigma"] if spec.measure == "sigma" else numbers["dpmo"]
    return value


def _pareto(spec: SixSigmaSpec, ctx: CheckContext) -> list[dict[str, float | str]]:
    chosen = spec.pareto_spec
    if chosen is None:
        return []
    col = quote_ident(chosen.column)
    if chosen.dataset is None:
        weight = f"sum(CAST({quote_ident(spec.defects)} AS DOUBLE))"
        source = ctx.relation(spec.dataset)
        where = where_clause(compiled(spec.where), compiled(chosen.where), f"{col} IS NOT NULL")
    else:
        weight, source = "count(*)", ctx.relation(chosen.dataset)
        where = where_clause(compiled(chosen.where), f"{col} IS NOT NULL")
    sql = f"SELECT CAST({col} AS VARCHAR) AS __type, {weight} AS __n FROM {source}{where} GROUP BY {col}"
    return pareto((str(r["__type"]), float(r["__n"] or 0.0)) for r in ctx.query(sql).to_pylist())


def datasets(spec: SixSigmaSpec) -> list[str]:
    chosen = spec.pareto_spec
    extra = [chosen.dataset] if chosen is not None and chosen.dataset not in (None, spec.dataset) else []
    return [spec.dataset, *[d for d in extra if d]]


def columns(spec: SixSigmaSpec) -> dict[str, set[str]]:
    """What the check reads: defects, units and opportunities given as columns, by, where, and the Pareto's
    defect type column (with its ``where``) in its dataset."""
    named = {spec.defects, *spec.by, *(v for v in (spec.units, spec.opportunities) if isinstance(v, str))}
    parts = [(spec.dataset, named | expression_columns(spec.where))]
    chosen = spec.pareto_spec
    if chosen is not None:
        parts.append((chosen.dataset or spec.dataset, {chosen.column} | expression_columns(chosen.where)))
    return merge_columns(*parts)


register(
    CheckKind(
        name="sixsigma",
        spec=SixSigmaSpec,
        validate=validate,
        evaluate=evaluate,
        datasets=datasets,
        summary="defects per million opportunities or the sigma level, with a Pareto of defect types",
        columns=columns,
    )
)
