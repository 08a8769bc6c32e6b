"""The records behind a result: re-evaluate one requirement for one period and read its violating rows.

Results keep a sample of violating keys; a person drilling into a failure wants all of them, with the
records' own columns. This evaluates just that requirement (reading only its datasets) and pages through
the rows whose key is among the violations.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from guifan.engine.checks.base import CheckSpec
from guifan.engine.errors import InputError
from guifan.engine.pack.loader import LoadedPack
from guifan.engine.periods import Period
from guifan.engine.runner import DuckDBContext, LocalRunner
from guifan.engine.sql import quote_ident


@dataclass(frozen=True)
class RecordPage:
    dataset: str
    columns: list[str]
    rows: list[tuple[Any, ...]]
    total: int  # violating records in all


def match_column(check: CheckSpec) -> str | None:
    """The column violating keys name when it is not the dataset's key: a process check's violations are
    cases, so its records are all the events of those cases."""
    case = getattr(check, "case", None)
    return case if isinstance(case, str) else None


def subject_dataset(check: CheckSpec) -> str:
    """The dataset whose records a check's violations name (the population for coverage)."""
    dataset = getattr(check, "dataset", None)
    if isinstance(dataset, str):
        return dataset
    population = getattr(check, "population", None)
    name = getattr(population, "dataset", None)
    if isinstance(name, str):
        return name
    raise InputError.at(f"a {check.kind} check does not name the dataset of its violations")


def violating_records(
    loaded: LoadedPack,
    requirement: str,
    period: Period,
    *,
    data_dir: Path | None = None,
    limit: int | None = 100,
    offset: int = 0,
) -> RecordPage:
    """One page of the records that break ``requirement`` in ``period``, in key order."""
    check = _check(loaded, requirement)
    dataset = subject_dataset(check)  # its records are shown whole: every column is loaded
    runner = LocalRunner(loaded, data_dir=data_dir, sample=None, only={requirement}, whole={dataset})
    try:
        runner.prepare()
        (result,) = runner.run(period).results
        keys = list(result.violating_keys)
        ctx = DuckDBContext(runner.con, runner.tables, period, loaded.pack.timezone, None)
        try:
            return _page(ctx, dataset, keys, limit, offset, match_column(check))
        finally:
            ctx.close()
    finally:
        runner.close()


def _check(loaded: LoadedPack, requirement: str) -> CheckSpec:
    for _, _, _, req in loaded.pack.requirements():
        if req.id == requirement and req.check is not None:
            return req.check
    raise InputError.at(f"no requirement {requirement!r} with a check in this pack")


def _page(
    ctx: DuckDBContext, dataset: str, keys: list[str], limit: int | None, offset: int, column: str | None = None
) -> RecordPage:
    if not keys:
        return RecordPage(dataset, list(ctx.columns(dataset)), [], 0)
    ctx.con.execute("CREATE OR REPLACE TEMP TABLE __keys (k VARCHAR)")
    ctx.con.executemany("INSERT INTO __keys VALUES (?)", [[k] for k in sorted(set(keys))])
    relation = ctx.full_relation(dataset)
    key = f"CAST({quote_ident(column)} AS VARCHAR)" if column else ctx.key_sql(dataset)
    columns = ", ".join(quote_ident(c) for c in ctx.columns(dataset))
    window = f" LIMIT {int(limit)} OFFSET {int(offset)}" if limit is not None else ""
    sql = f"SELECT {columns} FROM {relation} WHERE {key} IN (SELECT k FROM __keys) ORDER BY {key}, __record{window}"
    table = ctx.query(sql)
    total_sql = f"SELECT count(*) AS n FROM {relation} WHERE {key} IN (SELECT k FROM __keys)"
    total = int(ctx.query(total_sql).to_pylist()[0]["n"])
    ctx.con.execute("DROP TABLE IF EXISTS __keys")
    rows = [tuple(row.values()) for row in table.to_pylist()]
    return RecordPage(dataset, table.column_names, rows, total)
