"""The measurement engine: framework-free (no Django), usable as a library.

from guifan.engine import evaluate
evaluation = evaluate("demo-company/", "2026-10")
for result in evaluation.results:
    print(result.requirement, result.status, result.message)
"""

from guifan.engine.errors import DataError, ExpressionError, GuifanError, InputError, PackError
from guifan.engine.pack.loader import LoadedPack, load_pack
from guifan.engine.pack.model import CATEGORIES, Pack
from guifan.engine.periods import Period, parse_period, parse_periods
from guifan.engine.results import Evaluation, GroupResult, Result
from guifan.engine.runner import LocalRunner, evaluate, evaluate_periods

__all__ = [
    "CATEGORIES",
    "DataError",
    "Evaluation",
    "ExpressionError",
    "GroupResult",
    "GuifanError",
    "InputError",
    "LoadedPack",
    "LocalRunner",
    "Pack",
    "PackError",
    "Period",
    "Result",
    "evaluate",
    "evaluate_periods",
    "load_pack",
    "parse_period",
    "parse_periods",
]
