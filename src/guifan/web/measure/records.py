"""The records behind a stored result, and dataset previews, read through the engine."""

from __future__ import annotations

import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from guifan.engine.datasets.preview import preview_dataset
from guifan.engine.pack.dataset import DatasetSpec
from guifan.engine.periods import Period
from guifan.engine.records import RecordPage, violating_records
from guifan.web.core.models import Catalogue
from guifan.web.measure.models import DataSource, Result


@contextmanager
def catalogue_pack(only: str | None = None) -> Iterator[Any]:
    """The catalogue written and loaded as a pack once, for everything one page reads through the engine
    (writing and parsing it is most of a result page's time); ``only`` narrows it to one requirement."""
    from guifan.web.measure.services import write_pack

    with tempfile.TemporaryDirectory(prefix="guifan-records-") as tmp:
        yield write_pack(Path(tmp), only)


def page(result: Result, *, limit: int | None, offset: int, loaded: Any = None) -> RecordPage:
    """Re-evaluate the result's requirement for its period on today's data and page its violating records."""
    evaluation = result.evaluation
    period = Period(evaluation.start, evaluation.end, evaluation.label)
    if loaded is None:
        with catalogue_pack(result.requirement_code) as written:
            return violating_records(written, result.requirement_code, period, limit=limit, offset=offset)
    return violating_records(loaded, result.requirement_code, period, limit=limit, offset=offset)


def preview(dataset: DataSource, *, limit: int) -> RecordPage:
    """The first rows and the columns (with their types) of a registered dataset, and its record count.

    Only the head of the file is read and typed (as a load would type it); the count is read without converting
    any value (Parquet: its footer), so a large dataset's page stays fast (see benchmarks/preview.py)."""
    spec = DatasetSpec.model_validate({**dataset.spec, "source": dataset.path})
    shown = preview_dataset(dataset.name, spec, Path("/"), Catalogue.current().timezone, limit)
    columns = [f"{c} ({shown.schema.columns.get(c, '')})" for c in shown.columns]
    return RecordPage(dataset.name, columns, shown.rows, shown.records)


def sla_curve(result: Result, loaded: Any = None) -> dict[str, Any]:
    """The what-if curve of an sla result: compliance in its period at limits around its own."""
    from guifan.engine.slacurve import curve_report, default_limits, measure_requirement, sla_spec

    if loaded is None:
        with catalogue_pack(result.requirement_code) as written:
            return sla_curve(result, written)
    evaluation = result.evaluation
    period = Period(evaluation.start, evaluation.end, evaluation.label)
    spec = sla_spec(loaded, result.requirement_code)
    measured = measure_requirement(loaded, result.requirement_code, spec, period, None)
    return curve_report(loaded, result.requirement_code, spec, period, measured, default_limits(measured))
