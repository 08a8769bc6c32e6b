"""The local runner: loads the pack's datasets into an in-process DuckDB and evaluates every check.

Data is loaded once; each period is a set of views over it, so a trend over twelve months reads the files once.
Only the columns some check reads (each kind's ``columns``), and each dataset's key and time, are loaded. Small
data is kept in memory; large data (files over ``DISK_ABOVE`` bytes in all) in a temporary DuckDB file, which
DuckDB compresses, so that memory stays well below the data's size (the file is deleted on close).
After loading, the connection's external access is switched off, so no expression can reach a file or network.
"""

from __future__ import annotations

import contextlib
import itertools
import math
import shutil
import tempfile
import time as clock
import weakref
from collections.abc import Callable, Collection, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import duckdb
import pyarrow as pa

from guifan.engine.checks.base import CheckSpec
from guifan.engine.checks.registry import KINDS
from guifan.engine.datasets import DUCK_TYPES, DatasetSchema, LoadedDataset, load_dataset, probe_schema, resolve_source
from guifan.engine.errors import InputError, PackError, Problem
from guifan.engine.pack.calendar import CalendarSpec
from guifan.engine.pack.loader import LoadedPack, load_pack, schema_view, validate_columns
from guifan.engine.pack.model import Requirement, Standard
from guifan.engine.periods import Period, date_bounds, open_period, zone
from guifan.engine.results import Evaluation, GroupResult, Result
from guifan.engine.sql import quote_ident, quote_literal
from guifan.engine.status import message_of, status_of
from guifan.engine.values import Target

DISK_ABOVE = 32 << 20
"""Bytes of data files above which the runner keeps the loaded data in a temporary file rather than in memory.
Compressed, ten million records take about 0.5 GB instead of 1.2 GB, for a load about twice as slow."""
DISK_MEMORY = "512MB"
"""DuckDB's memory limit when the data is on disk: beyond it, DuckDB reads the table's blocks again from the file
(usually from the system's file cache) and spills sorts and hash tables to disk, instead of growing."""

Progress = Callable[[int, int, str], None]
"""Called as (done, total, what) while checks run."""

_MATERIALIZED = itertools.count()  # numbers the tables DuckDBContext.materialize creates


@dataclass(frozen=True)
class _Table:
    loaded: LoadedDataset
    key: list[str]
    time: str | None

    @property
    def schema(self) -> DatasetSchema:
        return self.loaded.schema

    @property
    def first_row(self) -> int:
        """The row number of the first record, counted as data errors count rows (a header is row 1)."""
        return 2 if self.schema.path.suffix.lower() in (".csv", ".tsv", ".txt", ".xlsx") else 1


@dataclass
class DuckDBContext:
    """The :class:`~guifan.engine.checks.base.CheckContext` of the local runner for one period."""

    con: duckdb.DuckDBPyConnection
    tables: dict[str, _Table]
    period: Period
    tz_name: str
    sample: int | None
    _views: set[str] = field(default_factory=set)
    calendars: Mapping[str, CalendarSpec] = field(default_factory=dict)
    _materialized: list[str] = field(default_factory=list)

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
            self._view(name, f"{_numbered(table)}{self._in_period(table)}")
        return quote_ident(name)

    def full_relation(self, dataset: str) -> str:
        name = f"__a_{dataset}"
        if name not in self._views:
            self._view(name, _numbered(self.tables[dataset]))
        return quote_ident(name)

    def _view(self, name: str, sql: str) -> None:
        self.con.execute(f"CREATE OR REPLACE TEMP VIEW {quote_ident(name)} AS {sql}")
        self._views.add(name)

    def _in_period(self, table: _Table) -> str:
        """The records whose time falls in the period; the open period (no start) keeps every record."""
        if table.time is None or self.period.start is None:
            return ""
        return f" WHERE {in_period(table.time, table.schema.columns.get(table.time), self.period)}"

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

    def calendar(self, name: str) -> CalendarSpec:
        """The pack's calendar ``name``, as written (the kinds that measure business time build it)."""
        return self.calendars[name]

    def query(self, sql: str, params: Sequence[Any] = ()) -> pa.Table:
        return self.con.sql(sql, params=list(params) or None).to_arrow_table()

    def materialize(self, sql: str) -> str:
        name = f"__m{next(_MATERIALIZED)}"
        self.con.execute(f"CREATE TEMP TABLE {quote_ident(name)} AS {sql}")
        self._materialized.append(name)
        return quote_ident(name)

    def release(self) -> None:
        """Drop the tables :meth:`materialize` created (the runner calls this after each check)."""
        while self._materialized:
            self.con.execute(f"DROP TABLE IF EXISTS {quote_ident(self._materialized.pop())}")

    def close(self) -> None:
        self.release()
        for name in self._views:
            self.con.execute(f"DROP VIEW IF EXISTS {quote_ident(name)}")


def _numbered(table: _Table) -> str:
    """All of a table's records with ``__record``, their row number in the source file."""
    return f"SELECT *, rowid + {table.first_row} AS __record FROM {quote_ident(table.loaded.table)}"


def in_period(column: str, column_type: str | None, period: Period) -> str:
    """SQL condition: the time in ``column`` falls in [start, end). A date falls in it when its midnight does."""
    col = quote_ident(column)
    if column_type == "date":
        low, high = date_bounds(period)
        lower = f"{col} >= DATE {quote_literal(low.isoformat())} AND " if low else ""
        return f"{lower}{col} < DATE {quote_literal(high.isoformat())}"
    lower = ""
    if period.start is not None:
        lower = f"{col} >= TIMESTAMPTZ {quote_literal(period.start.isoformat())} AND "
    return f"{lower}{col} < TIMESTAMPTZ {quote_literal(period.end.isoformat())}"


class LocalRunner:
    """Evaluates one loaded pack over one or more periods, in process."""

    def __init__(
        self,
        loaded: LoadedPack,
        *,
        data_dir: Path | None = None,
        sample: int | None = 50,
        threads: int | None = None,
        only: Collection[str] | None = None,
        whole: Collection[str] = (),
    ) -> None:
        """``only``: the requirements to evaluate (all when None). ``whole``: datasets to load with every column,
        not only those the checks read (to show whole records)."""
        self.loaded = loaded
        self.pack = loaded.pack
        self.base_dir = data_dir or loaded.base_dir
        self.sample = sample
        self.tz = zone(self.pack.timezone)
        self.only = set(only) if only is not None else None
        self.whole = set(whole)
        self.store = tempfile.mkdtemp(prefix="guifan-") if self._data_bytes() > DISK_ABOVE else None
        config: dict[str, Any] = {"threads": threads} if threads else {}
        if self.store is not None:
            config["memory_limit"] = DISK_MEMORY
        database = ":memory:" if self.store is None else str(Path(self.store) / "data.duckdb")
        self.con = duckdb.connect(database, config=config)
        self._closer = weakref.finalize(self, _close, self.con, self.store)  # also if close() is never called
        self.con.execute(f"SET TimeZone = {quote_literal(self.pack.timezone)}")
        self.tables: dict[str, _Table] = {}
        self.warnings: list[str] = []

    def requirements(self) -> list[tuple[int, Standard, int, Requirement]]:
        """The pack's requirements this runner evaluates (all, or those named in ``only``)."""
        items = self.pack.requirements()
        return items if self.only is None else [item for item in items if item[3].id in self.only]

    def _data_bytes(self) -> int:
        """The size of the used datasets' files (a missing one counts nothing: loading it reports it)."""
        total = 0
        for name in self.used_datasets():
            with contextlib.suppress(InputError, OSError):
                total += resolve_source(name, self.pack.datasets[name], self.base_dir).stat().st_size
        return total

    def used_datasets(self) -> list[str]:
        names: list[str] = []
        for _, _, _, req in self.requirements():
            if req.check is not None:
                names += [n for n in KINDS[req.check.kind].datasets(req.check) if n not in names]
        return names

    def validate(self) -> dict[str, DatasetSchema]:
        """Probe the datasets' headers, check every column reference and dry-run every check on empty tables
        of the real types. Raises :class:`PackError` or :class:`DataError`; reads no data beyond headers."""
        schemas = {n: probe_schema(n, self.pack.datasets[n], self.base_dir) for n in self.used_datasets()}
        validate_columns(self.loaded, schema_view(self.pack, {n: s.columns for n, s in schemas.items()}))
        self._dry_run(schemas)
        return schemas

    def read_columns(self) -> dict[str, set[str] | None]:
        """Per used dataset, the columns some check reads (None: every column), with the key and time."""
        wanted: dict[str, set[str] | None] = {name: set() for name in self.used_datasets()}
        for _, _, _, req in self.requirements():
            if req.check is None:
                continue
            kind = KINDS[req.check.kind]
            try:
                named = kind.columns(req.check)
            except Exception:  # a kind that cannot tell reads everything
                named = None
            for dataset in kind.datasets(req.check):
                known = wanted.get(dataset)
                columns = None if named is None else named.get(dataset)
                wanted[dataset] = None if known is None or columns is None else known | columns
        for name, known in wanted.items():
            spec = self.pack.datasets[name]
            if name in self.whole or known is None:
                wanted[name] = None
            else:
                wanted[name] = known | set(spec.key_columns) | ({spec.time} if spec.time else set())
        return wanted

    def prepare(self) -> None:
        """Validate (see :meth:`validate`), then load the data. Input errors raise here."""
        schemas = self.validate()
        wanted = self.read_columns()
        for i, name in enumerate(self.used_datasets()):
            spec = self.pack.datasets[name]
            keep = _kept(schemas[name], wanted[name])
            loaded = load_dataset(self.con, f"ds{i}_{name}", name, spec, self.base_dir, self.pack.timezone, keep)
            self.tables[name] = _Table(loaded, spec.key_columns, spec.time)
            self._count_untimed(name)
        self.con.execute("SET enable_external_access = false")
        self.con.execute("SET lock_configuration = true")

    def _dry_run(self, schemas: dict[str, DatasetSchema]) -> None:
        """Run every check on empty tables of the real column types, so type errors (``sum`` of a text column)
        are reported as input errors at the check's line before any data is read."""
        tables: dict[str, _Table] = {}
        for i, (name, schema) in enumerate(schemas.items()):
            dry = f"__dry{i}"
            columns = ", ".join(f"{quote_ident(c)} {DUCK_TYPES.get(t, 'VARCHAR')}" for c, t in schema.columns.items())
            self.con.execute(f"CREATE OR REPLACE TEMP TABLE {quote_ident(dry)} ({columns})")
            spec = self.pack.datasets[name]
            tables[name] = _Table(LoadedDataset(schema, dry, 0), spec.key_columns, spec.time)
        now = datetime.now(self.tz)
        dry_period = Period(now - timedelta(days=1), now, "dry run")
        ctx = DuckDBContext(self.con, tables, dry_period, self.pack.timezone, 1, calendars=self.pack.calendars)
        problems: list[Problem] = []
        try:
            for si, _standard, ri, requirement in self.requirements():
                if requirement.check is not None:
                    problems += self._dry_check(ctx, requirement.check, ("standards", si, "requirements", ri, "check"))
        finally:
            ctx.close()
            for table in tables.values():
                self.con.execute(f"DROP TABLE IF EXISTS {quote_ident(table.loaded.table)}")
        if problems:
            raise PackError(problems)

    def _dry_check(self, ctx: DuckDBContext, check: CheckSpec, path: tuple[str | int, ...]) -> list[Problem]:
        try:
            KINDS[check.kind].evaluate(check, ctx)
        except duckdb.Error as exc:
            hint = "check the columns' types (guifan validate shows them) and cast where needed"
            return [Problem(f"this check cannot run on its data: {_first_line(exc)}", self.loaded.locate(path), hint)]
        return []

    def _count_untimed(self, name: str) -> None:
        table = self.tables[name]
        if table.time is None:
            return
        sql = f"SELECT count(*) FROM {quote_ident(table.loaded.table)} WHERE {quote_ident(table.time)} IS NULL"
        row = self.con.execute(sql).fetchone()
        missing = int(row[0]) if row else 0
        if missing:
            self.warnings.append(
                f"dataset {name}: {missing:,} records have no {table.time} and fall in no period (they count only "
                "when no period is given)"
            )

    def run(self, period: Period, progress: Progress | None = None) -> Evaluation:
        started = datetime.now(self.tz)
        t0 = clock.perf_counter()
        calendars = self.pack.calendars
        ctx = DuckDBContext(self.con, self.tables, period, self.pack.timezone, self.sample, calendars=calendars)
        items = self.requirements()
        results: list[Result] = []
        check_warnings: list[str] = []
        try:
            for done, (_, standard, _, requirement) in enumerate(items):
                if progress:
                    progress(done, len(items), requirement.id)
                if requirement.check is not None:
                    try:
                        results.append(self._result(standard, requirement, ctx, check_warnings))
                    finally:
                        ctx.release()
        finally:
            ctx.close()
        if progress:
            progress(len(items), len(items), "")
        return Evaluation(
            pack=self.pack.id,
            title=self.pack.title,
            period=period,
            results=tuple(results),
            started_at=started,
            duration_s=clock.perf_counter() - t0,
            warnings=(*(self.warnings if period.start is not None else ()), *check_warnings),
        )

    def _result(self, standard: Standard, requirement: Requirement, ctx: DuckDBContext, warnings: list[str]) -> Result:
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
            "title": standard.title,
            "text": requirement.text,
        }
        t0 = clock.perf_counter()
        try:
            outcome = KINDS[check.kind].evaluate(check, ctx)
        except Exception as exc:  # one check's failure must never stop the others
            message = f"the check could not be evaluated: {_first_line(exc)}"
            return Result(**base, status="error", value=None, population=0, violations=0, message=message)
        outcome = replace(outcome, value=_finite(outcome.value))
        warnings.extend(w for w in dict.fromkeys(outcome.warnings) if w not in warnings)
        groups = tuple(
            GroupResult(
                g.by, status_of(_finite(g.value), target, check.warn), _finite(g.value), g.population, g.violations
            )
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
        self._closer()


def _close(con: duckdb.DuckDBPyConnection, store: str | None) -> None:
    """Close the connection and delete the temporary folder holding its data, if any."""
    con.close()
    if store is not None:
        shutil.rmtree(store, ignore_errors=True)


def _kept(schema: DatasetSchema, wanted: set[str] | None) -> list[str] | None:
    """The file's columns among ``wanted`` (all when None), matched as DuckDB matches names: ignoring case."""
    if wanted is None:
        return None
    lowered = {name.lower() for name in wanted}
    return [column for column in schema.columns if column.lower() in lowered]


def _finite(value: float | None) -> float | None:
    """NaN and infinities (0/0 in a user's ratio) measure nothing: they are no data, not a failure."""
    return value if value is not None and math.isfinite(value) else None


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
