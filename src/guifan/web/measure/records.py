"""The records behind a stored result, and dataset previews, read through the engine."""

from __future__ import annotations

import tempfile
from pathlib import Path

from guifan.engine import load_pack
from guifan.engine.datasets import load_dataset, probe_schema
from guifan.engine.pack.dataset import DatasetSpec
from guifan.engine.periods import Period
from guifan.engine.records import RecordPage, violating_records
from guifan.web.core.models import Catalogue
from guifan.web.measure.models import DataSource, Result
from guifan.web.standards.packs import dump_yaml, pack_data


def page(result: Result, *, limit: int | None, offset: int) -> RecordPage:
    """Re-evaluate the result's requirement for its period on today's data and page its violating records."""
    evaluation = result.evaluation
    period = Period(evaluation.start, evaluation.end, evaluation.label)
    with tempfile.TemporaryDirectory(prefix="guifan-records-") as tmp:
        folder = Path(tmp)
        (folder / "pack.yaml").write_text(dump_yaml(pack_data(sources="absolute")), encoding="utf-8")
        loaded = load_pack(folder)
        return violating_records(loaded, result.requirement_code, period, limit=limit, offset=offset)


def preview(dataset: DataSource, *, limit: int) -> RecordPage:
    """The first rows and the columns (with their types) of a registered dataset."""
    import duckdb

    spec = DatasetSpec.model_validate({**dataset.spec, "source": dataset.path})
    schema = probe_schema(dataset.name, spec, Path("/"))
    con = duckdb.connect(":memory:")
    try:
        loaded = load_dataset(con, "preview", dataset.name, spec, Path("/"), Catalogue.current().timezone)
        table = con.sql(f"SELECT * FROM preview LIMIT {int(limit)}").to_arrow_table()
    finally:
        con.close()
    columns = [f"{c} ({schema.columns.get(c, '')})" for c in table.column_names]
    rows = [tuple(r.values()) for r in table.to_pylist()]
    return RecordPage(dataset.name, columns, rows, loaded.rows)
