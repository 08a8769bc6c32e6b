"""Statistical process control: control charts, run rules, capability and Six Sigma, for thousands of
characteristics in one call.

Every function takes all characteristics at once: subgroups sorted by characteristic (an integer ``group``)
and then by time, reduced group-wise with numpy. Conventions (constants, estimators, rule windows, defaults)
are written down in ``docs/spc.md``.

    from guifan.engine import spc
    data = spc.subgroups(values, starts, group, n_groups)
    result = spc.analyse("xbar_r", data, rules="nelson", spec=spc.Spec.same(n_groups, 73.95, 74.05))
    result.chart.ucl, result.signals["nelson2"], result.capability.cpk
"""

from guifan.engine.spc.analysis import Analysis, analyse, draw, estimate
from guifan.engine.spc.capability import INDICES, Capability, Spec, capability, indices, normal_cdf
from guifan.engine.spc.chart import ATTRIBUTES, CHART_TYPES, VARIABLES, Chart, ChartType, Params
from guifan.engine.spc.constants import RANGE_SIZES, c4, d2, d3, factors
from guifan.engine.spc.data import Counts, SpcError, Subgroups, counts, individuals, subgroups
from guifan.engine.spc.rules import NELSON, RULE_SETS, WESTERN_ELECTRIC, expand, signals
from guifan.engine.spc.sixsigma import dpmo, dpmo_from_sigma, pareto, sigma_from_dpmo, sigma_level
from guifan.engine.spc.timeweighted import CusumOptions, EwmaOptions

__all__ = [
    "ATTRIBUTES",
    "CHART_TYPES",
    "INDICES",
    "NELSON",
    "RANGE_SIZES",
    "RULE_SETS",
    "VARIABLES",
    "WESTERN_ELECTRIC",
    "Analysis",
    "Capability",
    "Chart",
    "ChartType",
    "Counts",
    "CusumOptions",
    "EwmaOptions",
    "Params",
    "SpcError",
    "Spec",
    "Subgroups",
    "analyse",
    "c4",
    "capability",
    "counts",
    "d2",
    "d3",
    "dpmo",
    "dpmo_from_sigma",
    "draw",
    "estimate",
    "expand",
    "factors",
    "indices",
    "individuals",
    "normal_cdf",
    "pareto",
    "sigma_from_dpmo",
    "sigma_level",
    "signals",
    "subgroups",
]
