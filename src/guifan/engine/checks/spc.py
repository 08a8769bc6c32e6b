"""``spc``: control charts, run rules and capability for every characteristic of a dataset at once.

The value is the share of characteristics that meet the target (no signals, a capability index, or both); the
violations are the flagged subgroups (``characteristic|subgroup``) and, for a capability target, the
characteristics that miss it. The numbers follow R's qcc; conventions are in docs/spc.md.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any, ClassVar, Literal
from zoneinfo import ZoneInfo

import numpy as np
import pyarrow as pa
from pydantic import Field, model_validator

from guifan.engine.checks.base import CheckContext, CheckSpec, GroupOutcome, Issue, Outcome, SchemaView
from guifan.engine.checks.common import (
    column_issues,
    compiled,
    dataset_issues,
    expression_columns,
    expression_issues,
    json_value,
)
from guifan.engine.checks.registry import CheckKind, register
from guifan.engine.errors import GuifanError
from guifan.engine.pack.base import LooseStr, PackModel, StrList
from guifan.engine.periods import parse_period
from guifan.engine.spc import report
from guifan.engine.spc.analysis import Analysis, analyse
from guifan.engine.spc.capability import Spec
from guifan.engine.spc.chart import ATTRIBUTES, ChartType, Params
from guifan.engine.spc.rules import expand
from guifan.engine.spc.segments import BoolArray, FloatArray
from guifan.engine.spc.source import (
    Fetched,
    Plan,
    align,
    characteristic_condition,
    excluded,
    fetch,
    in_period,
    left_out_query,
)
from guifan.engine.spc.targets import SpcTarget, SpcTargetField, parse_spc_target
from guifan.engine.spc.timeweighted import CusumOptions, EwmaOptions

NumberOrColumn = float | str
NUMERIC = ("integer", "number")


class SpecLimits(PackModel):
    """Specification limits and target: numbers, or columns giving them per characteristic."""

    lsl: NumberOrColumn | None = Field(None, description="lower specification limit")
    usl: NumberOrColumn | None = Field(None, description="upper specification limit")
    target: NumberOrColumn | None = Field(None, description="nominal value (default: the middle of lsl and usl)")

    @model_validator(mode="after")
    def _limits(self) -> SpecLimits:
        if self.lsl is None and self.usl is None:
            raise ValueError("a spec needs lsl, usl or both")
        if isinstance(self.lsl, float) and isinstance(self.usl, float) and self.lsl >= self.usl:
            raise ValueError(f"lsl ({self.lsl:g}) must be below usl ({self.usl:g})")
        return self


class GivenLimits(PackModel):
    center: NumberOrColumn = Field(description="process mean, or p-bar, c-bar, u-bar for attributes charts")
    sigma: NumberOrColumn | None = Field(None, description="standard deviation of one measurement")


class PhaseSpec(PackModel):
    """Phase II: limits from a baseline period, or given."""

    baseline: LooseStr | None = Field(None, description="a period (2026-Q1): the limits come from its records")
    limits: GivenLimits | None = None

    @model_validator(mode="after")
    def _one(self) -> PhaseSpec:
        if (self.baseline is None) == (self.limits is None):
            raise ValueError("a phase has exactly one of baseline (a period) or limits ({center, sigma})")
        if self.baseline is not None:
            try:
                parse_period(self.baseline, ZoneInfo("UTC"))
            except GuifanError as exc:
                raise ValueError(f"baseline: {exc}") from None
        return self


class EwmaSpec(PackModel):
    lam: float = Field(0.2, alias="lambda", gt=0, le=1, description="weight of the newest subgroup")
    width: float = Field(3.0, alias="L", gt=0, description="limits at L sigma of the EWMA")


class CusumSpec(PackModel):
    k: float = Field(0.5, ge=0, description="allowance, in sigmas of the subgroup mean")
    h: float = Field(5.0, gt=0, description="decision interval, in sigmas of the subgroup mean")


class SpcSpec(CheckSpec):
    """Control charts of ``value`` per characteristic, judged by run rules and/or capability."""

    kind: Literal["spc"]
    dataset: str
    where: str | None = Field(None, description="row filter, an expression")
    value: str = Field(description="measurement column; defectives (p, np) or defects (c, u)")
    size: str | None = Field(None, description="sample size column (p, np, u)")
    subgroup: str | int | None = Field(None, description="subgroup column, or n for consecutive groups of n")
    chart: ChartType
    characteristic: StrList = Field(default_factory=list, description="columns naming a characteristic")
    spec: SpecLimits | None = None
    rules: StrList = Field(default_factory=lambda: ["we"], description="we, nelson, or rules like nelson2")
    phase: PhaseSpec | None = None
    exclude: list[LooseStr] = Field(default_factory=list, description="subgroups left out of limits and judgement")
    ewma: EwmaSpec | None = None
    cusum: CusumSpec | None = None
    target: SpcTargetField | None = None

    default_target: ClassVar[str | None] = "= 100%"

    @model_validator(mode="after")
    def _consistent(self) -> SpcSpec:
        expand(self.rules)
        for problem in (_grouping(self), _options(self), _judging(self)):
            if problem:
                raise ValueError(problem)
        return self

    @property
    def goal(self) -> SpcTarget:
        return self.target if self.target is not None else parse_spc_target("no signals")


def _grouping(spec: SpcSpec) -> str | None:
    chart, sub = spec.chart, spec.subgroup
    if chart == "imr" and sub is not None:
        return "an imr chart plots individual values: remove subgroup (or use xbar_r with subgroups)"
    if chart in ("xbar_r", "xbar_s") and sub is None:
        return f"a {chart} chart needs subgroup: a column, or a number n for consecutive groups of n"
    if isinstance(sub, int) and (chart in ATTRIBUTES or sub < 2 or (chart == "xbar_r" and sub > 25)):
        if chart in ATTRIBUTES:
            return "attributes charts take subgroup as a column, or none (each record is a subgroup)"
        return "X-bar-R charts support subgroups of 2 to 25 (use xbar_s beyond)" if sub > 25 else "subgroup n >= 2"
    if chart in ("p", "np", "u") and spec.size is None:
        return f"a {chart} chart needs size: the column with each subgroup's sample size"
    if spec.size is not None and chart not in ("p", "np", "u"):
        return f"size is for p, np and u charts; a {chart} chart does not use it"
    return None


def _options(spec: SpcSpec) -> str | None:
    if spec.ewma is not None and spec.chart != "ewma":
        return "ewma options are for chart: ewma"
    if spec.cusum is not None and spec.chart != "cusum":
        return "cusum options are for chart: cusum"
    if spec.chart in ("ewma", "cusum") and "rules" in spec.model_fields_set:
        return f"a {spec.chart} chart has its own rule (a point beyond its limits): remove rules"
    limits = spec.phase.limits if spec.phase else None
    if limits is not None and limits.sigma is None and spec.chart not in ATTRIBUTES:
        return f"a {spec.chart} chart with given limits needs their sigma"
    return None


def _judging(spec: SpcSpec) -> str | None:
    if spec.spec is not None and spec.chart in ATTRIBUTES:
        return "spec (capability) needs measurements: attributes charts have none"
    if spec.goal.capability and spec.spec is None:
        return "a capability target needs spec: {lsl, usl}"
    missing = [c for c in spec.by if c not in spec.characteristic]
    if missing:
        return f"by must name characteristic columns (each characteristic is in one group): {', '.join(missing)}"
    return None


def _columns(spec: SpcSpec) -> list[tuple[tuple[str | int, ...], str, bool]]:
    """Every column the check names: (path, column, must be numeric)."""
    out: list[tuple[tuple[str | int, ...], str, bool]] = [(("value",), spec.value, True)]
    if spec.size:
        out.append((("size",), spec.size, True))
    if isinstance(spec.subgroup, str):
        out.append((("subgroup",), spec.subgroup, False))
    out += [(("characteristic", i), c, False) for i, c in enumerate(spec.characteristic)]
    out += [(("by", i), c, False) for i, c in enumerate(spec.by)]
    for path, column in _extra(spec).items():
        out.append((path, column, True))
    return out


def _extra(spec: SpcSpec) -> dict[tuple[str | int, ...], str]:
    """Spec and limit fields given as column names, by their path."""
    out: dict[tuple[str | int, ...], str] = {}
    if spec.spec is not None:
        for name in ("lsl", "usl", "target"):
            if isinstance(getattr(spec.spec, name), str):
                out[("spec", name)] = getattr(spec.spec, name)
    limits = spec.phase.limits if spec.phase else None
    for name in ("center", "sigma"):
        if limits is not None and isinstance(getattr(limits, name), str):
            out[("phase", "limits", name)] = getattr(limits, name)
    return out


def validate(spec: SpcSpec, schema: SchemaView) -> list[Issue]:
    issues = dataset_issues(schema, spec.dataset, ("dataset",))
    if issues:
        return issues
    known = schema.columns(spec.dataset)
    for path, column, numeric in _columns(spec):
        found = column_issues(schema, spec.dataset, [column], path)
        issues += found
        if not found and numeric and known is not None and known[column] not in NUMERIC:
            hint = f"declare it under columns: {{{column}: number}}, or choose a numeric column"
            issues.append(Issue(path, f"column {column!r} holds {known[column]} values; spc needs numbers", hint))
    issues += expression_issues(schema, spec.dataset, spec.where, ("where",))[1]
    if spec.phase and spec.phase.baseline and schema.time_column(spec.dataset) is None:
        hint = "give the dataset a time column, or phase: {limits: {center, sigma}}"
        issues.append(Issue(("phase", "baseline"), f"dataset {spec.dataset!r} has no time column", hint))
    return issues


def _plan(spec: SpcSpec, ctx: CheckContext) -> Plan:
    extra = {str(path[-1]): column for path, column in _extra(spec).items()}
    return Plan(
        chart=spec.chart,
        value=spec.value,
        size=spec.size,
        subgroup=spec.subgroup,
        characteristic=tuple(spec.characteristic),
        where=compiled(spec.where),
        key_sql=ctx.key_sql(spec.dataset),
        time=ctx.time_column(spec.dataset),
        extra=extra,
    )


@dataclass(frozen=True)
class Analysed:
    """A check's charts before judgement: what was read, what was charted (exclusions left out) and the analysis."""

    found: Fetched  # every subgroup read for the period
    drop: BoolArray  # the subgroups of ``found`` named by ``exclude``
    charted: Fetched  # ``found`` without them
    analysis: Analysis | None  # None when no records were read
    spec_limits: Spec | None
    warnings: list[str]


def analysed(spec: SpcSpec, ctx: CheckContext, characteristic: str | None = None) -> Analysed:
    """Read, chart and analyse the check's records for the context's period (used by :func:`evaluate` and by
    :func:`guifan.engine.spc.points.chart_points`, so a drawn chart is exactly the judged one).

    ``characteristic`` (a key, ``part|feature|machine``) reads only that characteristic's records, in the period
    and in a baseline: every characteristic is charted on its own (its limits, phase, spec columns and exclusions
    concern only its records), so its chart is the one the whole analysis draws, at a fraction of the cost."""
    plan = _plan(spec, ctx)
    relation = ctx.relation(spec.dataset)
    only = None if characteristic is None else characteristic_condition(ctx, plan, relation, characteristic)
    found = fetch(ctx, plan, relation, only)
    baseline = _baseline(spec, ctx, plan, only)
    warnings = _reading_warnings(spec, ctx, plan, relation, found)
    if not len(found.data):
        return Analysed(found, np.zeros(0, dtype=np.bool_), found, None, None, warnings)
    drop, unknown = excluded(found, spec.exclude)
    if only is None:  # reading one characteristic, the others' exclusions are not "unknown"
        warnings += [f"spc on {spec.dataset}: exclude names {u!r}, which is no subgroup here" for u in unknown]
    charted = replace(found, data=found.data.take(~drop), keys=found.keys.filter(pa.array(~drop)))
    basis = None
    if baseline is not None:
        keep = ~excluded(baseline, spec.exclude)[0]
        basis = align(replace(baseline, data=baseline.data.take(keep)), found.labels)
    spec_limits, spec_warnings = _spec(spec, found)
    analysis = analyse(
        spec.chart,
        charted.data,
        basis=basis,
        params=_given(spec, found),
        rules=spec.rules,
        spec=spec_limits,
        ewma=EwmaOptions(spec.ewma.lam, spec.ewma.width) if spec.ewma else EwmaOptions(),
        cusum=CusumOptions(spec.cusum.k, spec.cusum.h) if spec.cusum else CusumOptions(),
    )
    return Analysed(found, drop, charted, analysis, spec_limits, [*warnings, *spec_warnings])


def evaluate(spec: SpcSpec, ctx: CheckContext) -> Outcome:
    done = analysed(spec, ctx)
    if done.analysis is None:
        details = _empty_details(spec)
        return Outcome(None, 0, 0, details=details, describe="of characteristics", warnings=done.warnings)
    excluded_keys = done.found.full_keys().filter(pa.array(done.drop)).to_pylist()
    return _outcome(spec, ctx, done.analysis, done.charted, excluded_keys, done.warnings)


def _baseline(spec: SpcSpec, ctx: CheckContext, plan: Plan, only: str | None = None) -> Fetched | None:
    if spec.phase is None or spec.phase.baseline is None:
        return None
    time = ctx.time_column(spec.dataset)
    assert time is not None  # validated
    period = parse_period(spec.phase.baseline, _zone(ctx))
    condition = in_period(time, ctx.columns(spec.dataset).get(time), period)
    if only is not None:
        condition = f"({condition}) AND ({only})"
    return fetch(ctx, plan, ctx.full_relation(spec.dataset), condition)


def _zone(ctx: CheckContext) -> ZoneInfo:
    """The pack's time zone, in which the baseline period is read."""
    if isinstance(ctx.period_end.tzinfo, ZoneInfo):
        return ctx.period_end.tzinfo
    return ZoneInfo(str(getattr(ctx, "tz_name", "UTC")))


def _per_group(value: float | str | None, alias: str, found: Fetched) -> FloatArray:
    if isinstance(value, str):
        return found.columns[alias]
    return np.full(found.n_groups, np.nan if value is None else float(value))


def _given(spec: SpcSpec, found: Fetched) -> Params | None:
    limits = spec.phase.limits if spec.phase else None
    if limits is None:
        return None
    return Params(_per_group(limits.center, "center", found), _per_group(limits.sigma, "sigma", found))


def _spec(spec: SpcSpec, found: Fetched) -> tuple[Spec | None, list[str]]:
    if spec.spec is None:
        return None, []
    lsl = _per_group(spec.spec.lsl, "lsl", found)
    usl = _per_group(spec.spec.usl, "usl", found)
    inverted = lsl >= usl
    warnings = [
        f"spc on {spec.dataset}: characteristic {found.labels[g]!r} has lsl >= usl; its capability is left undefined"
        for g in np.flatnonzero(inverted)[:10]
    ]
    lsl, usl = np.where(inverted, np.nan, lsl), np.where(inverted, np.nan, usl)
    return Spec(lsl, usl, _per_group(spec.spec.target, "target", found)), warnings


def _reading_warnings(spec: SpcSpec, ctx: CheckContext, plan: Plan, relation: str, found: Fetched) -> list[str]:
    out: list[str] = []
    missing = int(ctx.query(left_out_query(plan, relation)).to_pylist()[0]["n"])
    if missing:
        out.append(f"spc on {spec.dataset}: {missing:,} records without {spec.value} (or size, subgroup) left out")
    if found.incomplete:
        out.append(f"spc on {spec.dataset}: {found.incomplete:,} incomplete last subgroups left out")
    out += [
        f"spc on {spec.dataset}: {c} changes within a characteristic; its latest value is used" for c in found.varying
    ]
    return out


def _outcome(
    spec: SpcSpec, ctx: CheckContext, analysis: Analysis, found: Fetched, excluded_keys: list[str], warnings: list[str]
) -> Outcome:
    goal = spec.goal
    verdict = report.judge(analysis, found.n_groups, goal)
    keys = report.violating_keys(analysis, found, verdict, goal)
    judged = int(verdict.judged.sum())
    charted = verdict.points > 0
    no_limits = int((charted & ~report.has_limits(analysis)).sum())
    if no_limits:
        why = "no baseline records" if spec.phase and spec.phase.baseline else "too few points"
        warnings.append(f"spc on {spec.dataset}: {no_limits:,} characteristics have no control limits ({why})")
    undefined = int((charted & ~verdict.judged).sum()) - (no_limits if goal.signals else 0)
    if undefined > 0:
        warnings.append(f"spc on {spec.dataset}: {undefined:,} characteristics have no defined capability")
    sample = ctx.sample
    details: dict[str, Any] = {
        **_empty_details(spec),
        "characteristics": found.n_groups,
        "judged": judged,
        "meeting_target": int(verdict.meets.sum()),
        "points": int(verdict.points.sum()),
        "signals": report.signal_counts(analysis),
        "excluded": excluded_keys[: report.MAX_CHARTS],
        "charts": report.charts(analysis, found, verdict),
        "charts_truncated": int((verdict.points > 0).sum()) > report.MAX_CHARTS,
    }
    return Outcome(
        value=float(verdict.meets.sum()) / judged if judged else None,
        population=report.population(verdict, goal),
        violations=len(keys),
        violating_keys=keys if sample is None else keys[:sample],
        violating_keys_truncated=sample is not None and len(keys) > sample,
        groups=_groups(spec, found, verdict, goal),
        details=details,
        unit="share",
        describe=_describe(goal, found.n_groups),
        warnings=warnings,
    )


def _groups(spec: SpcSpec, found: Fetched, verdict: report.Judgement, goal: SpcTarget) -> list[GroupOutcome]:
    if not spec.by:
        return []
    counts = np.stack(
        [verdict.judged, verdict.meets, report.populations(verdict, goal), report.failures(verdict, goal)]
    )
    tally: dict[tuple[Any, ...], list[int]] = {}
    for g, member in enumerate(found.members):
        row = tally.setdefault(tuple(json_value(member[c]) for c in spec.by), [0, 0, 0, 0])
        for i in range(4):
            row[i] += int(counts[i, g])
    out = []
    for by, (judged, meets, population, violations) in sorted(tally.items(), key=lambda kv: _sortable(kv[0])):
        value = meets / judged if judged else None
        out.append(GroupOutcome(dict(zip(spec.by, by, strict=True)), value, population, violations))
    return out


def _sortable(values: tuple[Any, ...]) -> tuple[tuple[bool, str], ...]:
    return tuple((v is None, str(v)) for v in values)


def _describe(goal: SpcTarget, n: int) -> str:
    parts = (["in control"] if goal.signals else []) + [str(c) for c in goal.capability]
    return f"of {n:,} characteristics {' and '.join(parts)}"


def _empty_details(spec: SpcSpec) -> dict[str, Any]:
    phase = "I" if spec.phase is None else "II"
    source = "data" if spec.phase is None else ("baseline" if spec.phase.baseline else "given")
    rules = [] if spec.chart in ("ewma", "cusum") else list(expand(spec.rules))
    return {"chart": spec.chart, "rules": rules, "phase": phase, "limits_from": source, "charts": []}


def datasets(spec: SpcSpec) -> list[str]:
    return [spec.dataset]


def columns(spec: SpcSpec) -> dict[str, set[str]]:
    """What the check reads: value, size, subgroup, characteristic, by, spec and given-limit columns and the
    columns of ``where`` (the runner adds the dataset's key, for consecutive subgroups, and its time)."""
    return {spec.dataset: {column for _, column, _ in _columns(spec)} | expression_columns(spec.where)}


register(
    CheckKind(
        name="spc",
        spec=SpcSpec,
        validate=validate,
        evaluate=evaluate,
        datasets=datasets,
        summary="control charts, run rules and capability per characteristic: the share in control / capable",
        columns=columns,
    )
)
