"""The local runner: loads the pack's datasets into an in-process DuckDB and evaluates every check.

Data is loaded once; each period is a set of views over it, so a trend over twelve months reads the files once.
After loading, the connection's external access is switched off, so no expression can reach a file or network.
"""

from __future__ import annotations

import time as clock
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

import duckdb
import pyarrow as pa

from guifan.engine.checks.registry import KINDS
from guifan.engine.datasets import DatasetSchema, LoadedDataset, load_dataset, probe_schema
from guifan.engine.pack.loader import LoadedPack, load_pack, schema_view, validate_columns
from guifan.engine.pack.model import Requirement, Standard
from guifan.engine.periods import Period, open_period, zone
from guifan.engine.results import Evaluation, GroupResult, Result
from guifan.engine.sql import quote_ident, quote_literal
from guifan.engine.status import message_of, status_of
from guifan.engine.values import Target, text_in

Progress = Callable[[int, int, str], None]
"""Called as (done, total, what) while checks run."""


@dataclass(frozen=True)
class _Table:
    loaded: LoadedDataset
    key: list[str]
    time: str | None

    @property
    def schema(self) -> DatasetSchema:
        return self.loaded.schema


@dataclass
class DuckDBContext:
    """The :class:`~guifan.engine.checks.base.CheckContext` of the local runner for one period."""

    con: duckdb.DuckDBPyConnection
    tables: dict[str, _Table]
    period: Period
    tz_name: str
    sample: int | None
    _views: set[str] = field(default_factory=set)

    @property
    def period_end(self) -> datetime:
        return self.period.end

    @property
    def period_start(self) -> datetime | None:
        return self.period.start

    def relation(self, dataset: str) -> str:
        name = f"__p_{dataset}"
        if name not in self._views:
            table = self.tables[dataset]
            condition = self._in_period(table)
            self._view(name, f"SELECT *, rowid + 1 AS __record FROM {quote_ident(table.loaded.table)}{condition}")
        return quote_ident(name)

    def full_relation(self, dataset: str) -> str:
        name = f"__a_{dataset}"
        if name not in self._views:
            table = self.tables[dataset]
            self._view(name, f"SELECT *, rowid + 1 AS __record FROM {quote_ident(table.loaded.table)}")
        return quote_ident(name)

    def _view(self, name: str, sql: str) -> None:
        self.con.execute(f"CREATE OR REPLACE TEMP VIEW {quote_ident(name)} AS {sql}")
        self._views.add(name)

    def _in_period(self, table: _Table) -> str:
        if table.time is None:
            return ""
        col = quote_ident(table.time)
        if table.schema.columns.get(table.time) == "date":
            low, high = _date_bounds(self.period)
            lower = f"{col} >= DATE {quote_literal(low.isoformat())} AND " if low else ""
            return f" WHERE {lower}{col} < DATE {quote_literal(high.isoformat())}"
        lower = ""
        if self.period.start is not None:
            lower = f"{col} >= TIMESTAMPTZ {quote_literal(self.period.start.isoformat())} AND "
        return f" WHERE {lower}{col} < TIMESTAMPTZ {quote_literal(self.period.end.isoformat())}"

    def key_sql(self, dataset: str, alias: str | None = None) -> str:
        prefix = f"{alias}." if alias else ""
        key = self.tables[dataset].key
        if not key:
            return f"CAST({prefix}__record AS VARCHAR)"
        parts = [f"coalesce(CAST({prefix}{quote_ident(k)} AS VARCHAR), '')" for k in key]
        return parts[0] if len(parts) == 1 else f"concat_ws('|', {', '.join(parts)})"

    def time_column(self, dataset: str) -> str | None:
        return self.tables[dataset].time

    def columns(self, dataset: str) -> dict[str, str]:
        return self.tables[dataset].schema.columns

    def query(self, sql: str, params: Sequence[Any] = ()) -> pa.Table:
        return self.con.sql(sql, params=list(params) or None).to_arrow_table()

    def close(self) -> None:
        for name in self._views:
            self.con.execute(f"DROP VIEW IF EXISTS {quote_ident(name)}")


def _date_bounds(period: Period) -> tuple[date | None, date]:
    """The dates whose midnight falls in [start, end): (first date or None, first date after)."""

    def ceil(instant: datetime) -> date:
        midnight = instant.replace(hour=0, minute=0, second=0, microsecond=0)
        return instant.date() if instant == midnight else instant.date() + timedelta(days=1)

    return (ceil(period.start) if period.start else None), ceil(period.end)


class LocalRunner:
    """Evaluates one loaded pack over one or more periods, in process."""

    def __init__(
        self,
        loaded: LoadedPack,
        *,
        data_dir: Path | None = None,
        sample: int | None = 50,
        threads: int | None = None,
    ) -> None:
        self.loaded = loaded
        self.pack = loaded.pack
        self.base_dir = data_dir or loaded.base_dir
        self.sample = sample
        self.tz = zone(self.pack.timezone)
        self.con = duckdb.connect(":memory:", config={"threads": threads} if threads else {})
        self.con.execute(f"SET TimeZone = {quote_literal(self.pack.timezone)}")
        self.tables: dict[str, _Table] = {}

    def used_datasets(self) -> list[str]:
        names: list[str] = []
        for _, _, _, req in self.pack.requirements():
            if req.check is not None:
                names += [n for n in KINDS[req.check.kind].datasets(req.check) if n not in names]
        return names

    def prepare(self) -> None:
        """Probe headers, check every column reference, then load the data. Input errors raise here."""
        used = self.used_datasets()
        schemas = {n: probe_schema(n, self.pack.datasets[n], self.base_dir) for n in used}
        validate_columns(self.loaded, schema_view(self.pack, {n: s.columns for n, s in schemas.items()}))
        for i, name in enumerate(used):
            spec = self.pack.datasets[name]
            loaded = load_dataset(self.con, f"ds{i}_{name}", name, spec, self.base_dir, self.pack.timezone)
            self.tables[name] = _Table(loaded, spec.key_columns, spec.time)
        self.con.execute("SET enable_external_access = false")
        self.con.execute("SET lock_configuration = true")

    def run(self, period: Period, progress: Progress | None = None) -> Evaluation:
        started = datetime.now(self.tz)
        t0 = clock.perf_counter()
        ctx = DuckDBContext(self.con, self.tables, period, self.pack.timezone, self.sample)
        items = self.pack.requirements()
        results: list[Result] = []
        try:
            for done, (_, standard, _, requirement) in enumerate(items):
                if progress:
                    progress(done, len(items), requirement.id)
                if requirement.check is not None:
                    results.append(self._result(standard, requirement, ctx))
        finally:
            ctx.close()
        if progress:
            progress(len(items), len(items), "")
        return Evaluation(
            pack=self.pack.id,
            title=text_in(self.pack.title),
            period=period,
            results=tuple(results),
            started_at=started,
            duration_s=clock.perf_counter() - t0,
        )

    def _result(self, standard: Standard, requirement: Requirement, ctx: DuckDBContext) -> Result:
        check = requirement.check
        assert check is not None
        target = check.target or (Target.parse(check.default_target) if check.default_target else None)
        base: dict[str, Any] = {
            "standard": standard.id,
            "requirement": requirement.id,
            "category": standard.category,
            "kind": check.kind,
            "target": target.source if target else None,
            "warn": check.warn.source if check.warn else None,
            "severity": requirement.severity,
            "title": text_in(standard.title),
            "text": text_in(requirement.text),
        }
        t0 = clock.perf_counter()
        try:
            outcome = KINDS[check.kind].evaluate(check, ctx)
        except (duckdb.Error, ValueError, ArithmeticError) as exc:
            message = f"the check could not be evaluated: {_first_line(exc)}"
            return Result(**base, status="error", value=None, population=0, violations=0, message=message)
        groups = tuple(
            GroupResult(g.by, status_of(g.value, target, check.warn), g.value, g.population, g.violations)
            for g in outcome.groups
        )
        return Result(
            **base,
            status=status_of(outcome.value, target, check.warn),
            value=outcome.value,
            population=outcome.population,
            violations=outcome.violations,
            violating_keys=tuple(outcome.violating_keys),
            violating_keys_truncated=outcome.violating_keys_truncated,
            groups=groups,
            details=outcome.details,
            message=message_of(outcome, target),
            unit=outcome.unit,
            duration_ms=(clock.perf_counter() - t0) * 1000,
        )

    def close(self) -> None:
        self.con.close()


def _first_line(exc: Exception) -> str:
    return str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__


def _as_loaded(pack: str | Path | LoadedPack) -> LoadedPack:
    return pack if isinstance(pack, LoadedPack) else load_pack(pack)


def evaluate_periods(
    pack: str | Path | LoadedPack,
    periods: Sequence[Period | str] | None = None,
    *,
    data_dir: str | Path | None = None,
    sample: int | None = 50,
    now: datetime | None = None,
    progress: Progress | None = None,
) -> tuple[Evaluation, ...]:
    """Evaluate a pack over several periods, reading its data once. Without periods: one open period."""
    from guifan.engine.periods import parse_period

    loaded = _as_loaded(pack)
    runner = LocalRunner(loaded, data_dir=Path(data_dir) if data_dir else None, sample=sample)
    try:
        runner.prepare()
        wanted = [p if isinstance(p, Period) else parse_period(p, runner.tz) for p in (periods or [])]
        if not wanted:
            wanted = [open_period(now or datetime.now(runner.tz))]
        return tuple(runner.run(p, progress) for p in wanted)
    finally:
        runner.close()


def evaluate(
    pack: str | Path | LoadedPack,
    period: Period | str | None = None,
    *,
    data_dir: str | Path | None = None,
    sample: int | None = 50,
    now: datetime | None = None,
    progress: Progress | None = None,
) -> Evaluation:
    """Evaluate every check of a pack over one period (every record when ``period`` is None)."""
    periods = [period] if period is not None else None
    return evaluate_periods(pack, periods, data_dir=data_dir, sample=sample, now=now, progress=progress)[0]
