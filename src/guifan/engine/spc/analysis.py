"""One call for the whole job: limits, chart, run rules and capability of every characteristic at once.

Phase I: the limits come from the charted subgroups themselves (leave out the excluded ones before calling).
Phase II: the limits come from ``basis`` (a baseline period's subgroups) or are given as ``params``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from guifan.engine.spc import attributes, timeweighted, variables
from guifan.engine.spc.capability import Capability, Spec, capability
from guifan.engine.spc.chart import ATTRIBUTES, Chart, ChartType, Params
from guifan.engine.spc.data import Counts, SpcError, Subgroups
from guifan.engine.spc.rules import flagged, signals
from guifan.engine.spc.segments import BoolArray
from guifan.engine.spc.timeweighted import DEFAULT_CUSUM, DEFAULT_EWMA, CusumOptions, EwmaOptions

Data = Subgroups | Counts


@dataclass(frozen=True)
class Analysis:
    chart: Chart
    signals: dict[str, BoolArray]  # rule -> the points it flags
    flagged: BoolArray  # points flagged by any rule
    capability: Capability | None


def estimate(chart_type: ChartType, basis: Data) -> Params:
    """Centre and sigma of each characteristic from the subgroups the limits are based on."""
    if chart_type in ATTRIBUTES:
        return attributes.estimate(chart_type, _counts(basis))
    data = _subgroups(basis)
    if chart_type in ("ewma", "cusum"):
        return timeweighted.estimate(data)
    return variables.estimate(chart_type, data)


def draw(
    chart_type: ChartType,
    data: Data,
    params: Params,
    ewma: EwmaOptions = DEFAULT_EWMA,
    cusum: CusumOptions = DEFAULT_CUSUM,
) -> Chart:
    """The chart of ``data`` with limits from ``params``."""
    if len(params) != data.n_groups:
        raise SpcError(f"parameters for {len(params)} characteristics, data for {data.n_groups}")
    if chart_type in ATTRIBUTES:
        return attributes.chart(chart_type, _counts(data), params)
    if chart_type == "ewma":
        return timeweighted.ewma(_subgroups(data), params, ewma)
    if chart_type == "cusum":
        return timeweighted.cusum(_subgroups(data), params, cusum)
    return variables.chart(chart_type, _subgroups(data), params)


def analyse(
    chart_type: ChartType,
    data: Data,
    *,
    basis: Data | None = None,
    params: Params | None = None,
    rules: str | Sequence[str] = "we",
    spec: Spec | None = None,
    ewma: EwmaOptions = DEFAULT_EWMA,
    cusum: CusumOptions = DEFAULT_CUSUM,
) -> Analysis:
    """Chart ``data``, flag its signals and, with a specification, measure its capability.

    Capability always describes the charted data: its within sigma is estimated from ``data`` even when the
    limits come from a baseline or are given.
    """
    phase_one = params is None and basis is None
    own = estimate(chart_type, data) if phase_one or spec is not None else None
    if params is None:
        params = estimate(chart_type, basis) if basis is not None else own
    assert params is not None
    chart = draw(chart_type, data, params, ewma, cusum)
    found = signals(chart, rules)
    found_any = flagged(found, len(chart))
    result = None
    if spec is not None:
        if chart_type in ATTRIBUTES:
            raise SpcError("capability needs measurements: a specification applies to variables charts only")
        assert own is not None
        result = capability(_subgroups(data), own.sigma, spec)
    return Analysis(chart, found, found_any, result)


def _counts(data: Data) -> Counts:
    if not isinstance(data, Counts):
        raise SpcError("attributes charts (p, np, c, u) need counts and sample sizes")
    return data


def _subgroups(data: Data) -> Subgroups:
    if not isinstance(data, Subgroups):
        raise SpcError("variables charts (xbar_r, xbar_s, imr, ewma, cusum) need measurements")
    return data
