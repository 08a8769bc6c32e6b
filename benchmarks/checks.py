"""How fast Guifan evaluates ``metric`` and ``data_quality`` checks over a large table, against plain pandas.

What it does:

1. Generates (numpy, fixed seed; text formatted with Arrow compute) a tickets table of ``--rows`` records
   (default 10,000,000) and an employees table of 10,000, and writes both as Parquet and as CSV, with a
   ``pack.yaml`` per format. The tickets look like a service desk's: ids ``T000000001`` in creation order
   with a few duplicates, ``created_at`` over 2026 (and the last two weeks of 2025, which the period filter
   drops), a first response and a last update (some never responded / never updated), 8 teams with Chinese
   names, priority P1-P3, channel (a few invalid), csat 1-5 with ~5% nulls, phones with ~2% malformed,
   credit limits with a few out of range and owner ids pointing at employees with ~1% dangling.
2. The pack has three checks, all evaluated over ``--period`` (default the year 2026):
   a ``metric`` with ``each`` (first response within 24 hours, by team), a ``metric`` with ``value``
   (``avg(csat)``, by team), and a ``data_quality`` check using all seven rules (not_null, unique, values,
   range, pattern, fresh, refers), by team.
3. For each format it times, each in a fresh process (so that peak memory, the child's ``ru_maxrss``, is its
   own): Guifan end to end (``guifan.engine.evaluate``, which loads the file into DuckDB and runs the checks),
   and the same checks written in plain pandas the way a user would (read the file, filter the period, one
   boolean mask per rule, shares per team, the first 50 violating keys sorted).
4. It checks that both give the same populations, violations, values (overall, per team and per rule) and
   violating keys, prints ``results agree`` or the differences (and exits 1), and prints a compact table.

Run it::

    make bench                                   # = .venv/bin/python benchmarks/checks.py (10M rows, minutes)
    .venv/bin/python benchmarks/checks.py --quick              # 1M rows
    .venv/bin/python benchmarks/checks.py --rows 3000000 --formats parquet --json bench.json
    .venv/bin/python benchmarks/checks.py --workdir /tmp/guifan-bench   # keep (and reuse) the generated files

Output, per format: wall-clock seconds, rows/s (generated rows / seconds), peak memory of the process, and
``ratio guifan/pandas`` (Guifan's rows/s over pandas', above 1 when Guifan is faster); then, per tool, its CPU
seconds (user + system, all threads) and where the time went: ``load`` is everything before the checks (for
Guifan: reading pack.yaml, probing and loading the data into DuckDB; for pandas: reading the files), then each
requirement's own time (Guifan's ``Result.duration_ms``). ``--json FILE`` saves all of it, with every
check's figures.

Times are wall-clock seconds of one run (``--repeat N``: the fastest of N, peak memory the largest); the
machine's other load shows in them, so compare figures from the same run, and look at CPU seconds too.
DuckDB uses every core; pandas mostly one (its Parquet reader, pyarrow, uses several).
"""

from __future__ import annotations

import argparse
import concurrent.futures
import json
import math
import multiprocessing
import platform
import resource
import shutil
import sys
import tempfile
import time
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

SEED = 20261127
DEFAULT_ROWS = 10_000_000
QUICK_ROWS = 1_000_000
EMPLOYEES = 10_000
SAMPLE = 50  # violating keys listed per check (Guifan's default)
TIMEZONE = "Asia/Shanghai"

TEAMS = ["华东一组", "华东二组", "华南组", "华北组", "华中组", "西南组", "西北组", "东北组"]
TEAM_WEIGHTS = [0.18, 0.16, 0.15, 0.14, 0.11, 0.10, 0.08, 0.08]
TEAM_SPEED = [0.8, 0.9, 1.0, 1.1, 0.7, 1.3, 1.5, 1.2]  # multiplies response times: teams differ
PRIORITIES = ["P1", "P2", "P3"]
CHANNELS = ["电话", "邮件", "在线客服", "微信"]
BAD_CHANNEL = "传真"  # not an allowed channel
PHONE_REGEX = r"^1[3-9]\d{9}$"
CREDIT_MIN, CREDIT_MAX = 0, 1_000_000
RESPONSE_HOURS = 24
FRESH_DAYS = 365
TIME_COLUMNS = ["created_at", "first_response_at", "updated_at"]

EACH = f"first_response_at <= created_at + INTERVAL {RESPONSE_HOURS} HOUR"
RULES = [  # Guifan's labels of the data_quality rules, in the order it reports them
    "not_null(ticket_id)",
    "not_null(owner_id)",
    "unique(ticket_id)",
    "values(channel)",
    "range(credit_limit)",
    "pattern(phone)",
    "fresh(updated_at)",
    "refers(owner_id -> employees.employee_id)",
]

PACK_YAML = """\
guifan: 1
id: bench-tickets
title: {{zh: 工单基准测试, en: Tickets benchmark}}
timezone: {timezone}
datasets:
  tickets:
    source: ../tickets.{ext}
    key: ticket_id
    time: created_at
    columns:
      ticket_id: string
      created_at: timestamp
      first_response_at: timestamp
      updated_at: timestamp
      phone: string
      owner_id: string
      csat: number
      credit_limit: number
  employees:
    source: ../employees.{ext}
    key: employee_id
    columns:
      employee_id: string
standards:
  - id: CS-001
    title: {{zh: 客户服务响应标准, en: Customer service response standard}}
    category: customer_service
    owner: 客服部
    requirements:
      - id: CS-001.1
        text: 工单须在{hours}小时内首次响应
        check:
          kind: metric
          dataset: tickets
          each: "{each}"
          by: team
          target: ">= 90%"
      - id: CS-001.2
        text: 客户满意度平均分不低于4分
        check: {{kind: metric, dataset: tickets, value: "avg(csat)", by: team, target: ">= 4"}}
  - id: DM-001
    title: {{zh: 工单数据质量标准, en: Ticket data quality standard}}
    category: data
    owner: 数据管理部
    requirements:
      - id: DM-001.1
        text: 工单数据须完整、唯一、有效、及时且引用一致
        check:
          kind: data_quality
          dataset: tickets
          by: team
          target: ">= 95%"
          rules:
            - not_null: [ticket_id, owner_id]
            - unique: [ticket_id]
            - values: {{column: channel, in: [{channels}]}}
            - range: {{column: credit_limit, min: {credit_min}, max: {credit_max}}}
            - pattern: {{column: phone, regex: '{phone_regex}'}}
            - fresh: {{column: updated_at, max_age: {fresh_days}d}}
            - refers: {{column: owner_id, dataset: employees, key: employee_id}}
"""


# ----------------------------------------------------------------------------------------------------
# Data


def generate(rows: int, workdir: Path) -> dict[str, int]:
    """Write tickets and employees (Parquet and CSV) and a pack per format into ``workdir``; file sizes."""
    import numpy as np
    import pyarrow as pa
    import pyarrow.compute as pc
    import pyarrow.csv as pa_csv
    import pyarrow.parquet as pq

    rng = np.random.default_rng(SEED)
    n = rows

    def mask(share: float) -> Any:
        return rng.random(n) < share

    def text(numbers: Any, prefix: str, width: int) -> Any:
        digits = pc.utf8_lpad(pa.array(numbers).cast(pa.string()), width, "0")
        return pc.binary_join_element_wise(prefix, digits, "")

    def seconds(values: Any) -> Any:
        return values.astype("int64").astype("timedelta64[s]")

    # created_at: 2025-12-17 .. 2026-12-31 local time; ids follow creation order
    start = np.datetime64("2026-01-01T00:00:00", "s")
    created = start + seconds(np.sort(rng.integers(-15 * 86400, 365 * 86400, n)))
    numbers = np.arange(1, n + 1)
    duplicates = rng.choice(n, size=max(1, n // 10_000), replace=False)
    numbers[duplicates] = rng.integers(1, n + 1, duplicates.size)  # ~0.01% reuse another ticket's id

    team = rng.choice(len(TEAMS), n, p=TEAM_WEIGHTS)
    response = rng.lognormal(np.log(6 * 3600), 1.1, n) * np.array(TEAM_SPEED)[team]
    first_response = created + seconds(response)
    never_responded = mask(0.03)
    updated = np.where(never_responded, created, first_response) + seconds(rng.exponential(2 * 86400, n))
    late = never_responded | (response > RESPONSE_HOURS * 3600)

    csat = rng.choice(np.arange(1, 6), n, p=[0.04, 0.06, 0.15, 0.35, 0.40]).astype(np.float64)
    csat = np.where(late & (rng.random(n) < 0.5), np.maximum(csat - 1, 1), csat)  # late tickets score lower

    channel = rng.choice(len(CHANNELS) + 1, n, p=[0.35, 0.15, 0.30, 0.198, 0.002])  # last: not allowed

    phone = text(13_000_000_000 + rng.integers(0, 7_000_000_000, n), "", 11)
    bad_phone = np.where(mask(0.02), rng.integers(0, 4, n), -1)
    phone = pc.choose(
        pa.array(bad_phone + 1),
        phone,
        pc.utf8_slice_codeunits(phone, 0, 10),  # a digit short
        pc.binary_join_element_wise(  # 138-1234-5678
            pc.utf8_slice_codeunits(phone, 0, 3),
            pc.utf8_slice_codeunits(phone, 3, 7),
            pc.utf8_slice_codeunits(phone, 7, 11),
            "-",
        ),
        pc.binary_join_element_wise("+86", phone, ""),  # country code
        pc.binary_join_element_wise("12", pc.utf8_slice_codeunits(phone, 2, 11), ""),  # no such prefix
    )

    credit = np.round(np.minimum(rng.lognormal(np.log(50_000), 0.8, n), 900_000), 2)
    credit = np.where(mask(0.0005), -np.round(rng.uniform(1, 1_000, n), 2), credit)
    credit = np.where(mask(0.0005), np.round(CREDIT_MAX + rng.uniform(1, 1_000_000, n), 2), credit)

    owner = np.where(mask(0.01), rng.integers(EMPLOYEES + 1, 2 * EMPLOYEES, n), rng.integers(1, EMPLOYEES + 1, n))

    tickets = pa.table(
        {
            "ticket_id": text(numbers, "T", 9),
            "created_at": pa.array(created),
            "first_response_at": pa.array(first_response, mask=never_responded),
            "updated_at": pa.array(updated, mask=mask(0.005)),
            "team": pa.DictionaryArray.from_arrays(team.astype(np.int32), TEAMS).cast(pa.string()),
            "priority": pa.array(PRIORITIES, pa.string()).take(rng.choice(3, n, p=[0.1, 0.3, 0.6])),
            "channel": pa.array([*CHANNELS, BAD_CHANNEL], pa.string()).take(channel),
            "csat": pa.array(csat, mask=mask(0.05)),
            "phone": phone,
            "credit_limit": pa.array(credit, mask=mask(0.005)),
            "owner_id": pc.if_else(pa.array(mask(0.002)), pa.scalar(None, pa.string()), text(owner, "E", 5)),
        }
    )
    employees = pa.table(
        {
            "employee_id": text(np.arange(1, EMPLOYEES + 1), "E", 5),
            "name": text(np.arange(1, EMPLOYEES + 1), "员工", 5),
            "team": pa.array(TEAMS, pa.string()).take(rng.integers(0, len(TEAMS), EMPLOYEES)),
            "hired_at": pa.array(np.datetime64("2015-01-01") + rng.integers(0, 4000, EMPLOYEES)),
        }
    )
    for name, table in (("tickets", tickets), ("employees", employees)):
        pq.write_table(table, workdir / f"{name}.parquet")
        pa_csv.write_csv(table, workdir / f"{name}.csv")
    for ext in ("parquet", "csv"):
        (workdir / ext).mkdir(exist_ok=True)
        (workdir / ext / "pack.yaml").write_text(pack_yaml(ext), encoding="utf-8")
    return file_sizes(workdir)


def pack_yaml(ext: str) -> str:
    return PACK_YAML.format(
        timezone=TIMEZONE,
        ext=ext,
        hours=RESPONSE_HOURS,
        each=EACH,
        channels=", ".join(CHANNELS),
        credit_min=CREDIT_MIN,
        credit_max=CREDIT_MAX,
        phone_regex=PHONE_REGEX,
        fresh_days=FRESH_DAYS,
    )


def file_sizes(workdir: Path) -> dict[str, int]:
    return {p.name: p.stat().st_size for p in sorted(workdir.glob("*.*")) if p.suffix in (".parquet", ".csv")}


def prepare_workdir(workdir: Path, rows: int) -> dict[str, int]:
    """Reuse the files of an earlier run with the same rows and seed, or generate them."""
    stamp = workdir / "generated.json"
    wanted = {"rows": rows, "seed": SEED, "pack": pack_yaml("{ext}")}
    if stamp.is_file() and json.loads(stamp.read_text(encoding="utf-8")) == wanted:
        return file_sizes(workdir)
    stamp.unlink(missing_ok=True)
    sizes = in_child(generate, rows, workdir)  # keeps this process small: see in_child
    stamp.write_text(json.dumps(wanted), encoding="utf-8")
    return sizes


# ----------------------------------------------------------------------------------------------------
# The two implementations; each runs in its own process and returns the same result shape:
# {requirement: {population, violations, value, groups: {team: [population, violations, value]},
#                keys: [first violating keys, sorted], truncated, rules: {label: violations}}}


def peak_bytes() -> int:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024  # Linux reports KiB


def cpu_seconds() -> float:
    """User + system time of this process, every thread included (steadier than wall time on a busy machine)."""
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def run_guifan(pack_dir: str, period: str) -> dict[str, Any]:
    from guifan.engine import evaluate

    baseline, cpu = peak_bytes(), cpu_seconds()
    t0 = time.perf_counter()
    evaluation = evaluate(pack_dir, period, sample=SAMPLE)
    seconds = time.perf_counter() - t0
    cpu = cpu_seconds() - cpu
    results: dict[str, Any] = {}
    steps = {"load": seconds - evaluation.duration_s}
    errors = []
    for r in evaluation.results:
        if r.status == "error":
            errors.append(f"{r.requirement}: {r.message}")
        steps[r.requirement] = r.duration_ms / 1000
        results[r.requirement] = {
            "population": r.population,
            "violations": r.violations,
            "value": r.value,
            "groups": {g.by["team"]: [g.population, g.violations, g.value] for g in r.groups},
            "keys": list(r.violating_keys),
            "truncated": r.violating_keys_truncated,
            "rules": {d["rule"]: d["violations"] for d in r.details.get("rules", [])},
        }
    return {
        "seconds": seconds,
        "cpu": cpu,
        "peak": peak_bytes(),
        "baseline": baseline,
        "results": results,
        "steps": steps,
    }


def run_pandas(workdir: str, ext: str, bounds: tuple[datetime, datetime, datetime]) -> dict[str, Any]:
    """The checks as a pandas user writes them: read the files, one boolean mask per rule, group by team."""
    import numpy as np
    import pandas as pd

    baseline, cpu = peak_bytes(), cpu_seconds()
    start, end, oldest = bounds
    t0 = time.perf_counter()
    if ext == "parquet":
        df = pd.read_parquet(f"{workdir}/tickets.parquet")
        employees = pd.read_parquet(f"{workdir}/employees.parquet")
    else:
        text = {"ticket_id": str, "phone": str, "owner_id": str}
        df = pd.read_csv(f"{workdir}/tickets.csv", dtype=text, parse_dates=TIME_COLUMNS)
        employees = pd.read_csv(f"{workdir}/employees.csv", dtype={"employee_id": str})
    loaded = time.perf_counter()
    df = df[(df["created_at"] >= start) & (df["created_at"] < end)]

    def share(ok: pd.Series) -> dict[str, Any]:
        bad = ~ok
        per_team = bad.groupby(df["team"]).agg(["size", "sum"])
        population, violations = len(bad), int(bad.sum())
        keys = df.loc[bad, "ticket_id"].fillna("").sort_values().head(SAMPLE + 1).tolist()
        return {
            "population": population,
            "violations": violations,
            "value": (population - violations) / population if population else None,
            "groups": {t: [int(p), int(v), (p - v) / p] for t, p, v in per_team.itertuples()},
            "keys": keys[:SAMPLE],
            "truncated": len(keys) > SAMPLE,
            "rules": {},
        }

    def present(column: str) -> pd.Series:  # Guifan's not_null on text: not null and not blank
        return df[column].notna() & (df[column].str.strip() != "")

    results: dict[str, Any] = {}
    steps: dict[str, float] = {"load": loaded - t0}

    mark = time.perf_counter()
    results["CS-001.1"] = share(df["first_response_at"] <= df["created_at"] + pd.Timedelta(hours=RESPONSE_HOURS))
    steps["CS-001.1"] = time.perf_counter() - mark

    mark = time.perf_counter()
    csat = df.groupby("team")["csat"].agg(["mean", "size"])
    results["CS-001.2"] = {
        "population": len(df),
        "violations": 0,
        "value": float(df["csat"].mean()) if len(df) else None,
        "groups": {t: [int(size), 0, float(mean)] for t, mean, size in csat.itertuples()},
        "keys": [],
        "truncated": False,
        "rules": {},
    }
    steps["CS-001.2"] = time.perf_counter() - mark

    mark = time.perf_counter()
    rules = {
        RULES[0]: present("ticket_id"),
        RULES[1]: present("owner_id"),
        RULES[2]: df["ticket_id"].isna() | ~df["ticket_id"].duplicated(keep=False),
        RULES[3]: df["channel"].isna() | df["channel"].isin(CHANNELS),
        RULES[4]: df["credit_limit"].isna() | df["credit_limit"].between(CREDIT_MIN, CREDIT_MAX),
        RULES[5]: df["phone"].isna() | df["phone"].str.contains(PHONE_REGEX, regex=True, na=False),
        RULES[6]: df["updated_at"].notna() & (df["updated_at"] >= oldest),
        RULES[7]: df["owner_id"].isna() | df["owner_id"].isin(employees["employee_id"]),
    }
    quality = share(pd.Series(np.logical_and.reduce([m.to_numpy() for m in rules.values()]), index=df.index))
    quality["rules"] = {label: int((~ok).sum()) for label, ok in rules.items()}
    results["DM-001.1"] = quality
    steps["DM-001.1"] = time.perf_counter() - mark

    seconds, cpu = time.perf_counter() - t0, cpu_seconds() - cpu
    return {
        "seconds": seconds,
        "cpu": cpu,
        "peak": peak_bytes(),
        "baseline": baseline,
        "results": results,
        "steps": steps,
    }


def in_child(function: Any, *args: Any) -> Any:
    """Run ``function(*args)`` in a fresh spawned process, so its peak memory is its own.

    A spawned child starts with ``ru_maxrss`` at the peak of this process (Linux keeps it across fork and
    exec), so this process imports nothing big and leaves the data generation to a child as well.
    """
    context = multiprocessing.get_context("spawn")
    with concurrent.futures.ProcessPoolExecutor(max_workers=1, mp_context=context) as pool:
        return pool.submit(function, *args).result()


# ----------------------------------------------------------------------------------------------------
# Comparing and reporting


def differences(guifan: dict[str, Any], pandas: dict[str, Any], label: str) -> list[str]:
    out: list[str] = []

    def same(a: Any, b: Any) -> bool:
        if isinstance(a, float) or isinstance(b, float):
            return a is not None and b is not None and math.isclose(a, b, rel_tol=1e-9, abs_tol=1e-12)
        return a == b

    def compare(where: str, a: Any, b: Any) -> None:
        if not same(a, b):
            out.append(f"{label} {where}: guifan {a!r}, pandas {b!r}")

    for requirement in sorted(set(guifan) | set(pandas)):
        g, p = guifan.get(requirement), pandas.get(requirement)
        if g is None or p is None:
            out.append(f"{label} {requirement}: only in {'pandas' if g is None else 'guifan'}")
            continue
        for name in ("population", "violations", "value", "truncated"):
            compare(f"{requirement} {name}", g[name], p[name])
        if g["keys"] != p["keys"]:
            first = next((i for i, (a, b) in enumerate(zip(g["keys"], p["keys"], strict=False)) if a != b), None)
            out.append(f"{label} {requirement} violating keys differ (first at {first}): {g['keys'][:5]} ...")
        for team in sorted(set(g["groups"]) | set(p["groups"])):
            a, b = g["groups"].get(team), p["groups"].get(team)
            if a is None or b is None or not all(same(x, y) for x, y in zip(a, b, strict=True)):
                out.append(f"{label} {requirement} team {team}: guifan {a}, pandas {b}")
        for rule in sorted(set(g["rules"]) | set(p["rules"])):
            compare(f"{requirement} {rule}", g["rules"].get(rule), p["rules"].get(rule))
    return out


def gib(n: float) -> str:
    return f"{n / 1024**3:.2f} GiB" if n >= 1024**3 else f"{n / 1024**2:.0f} MiB"


def speed(rows: int, seconds: float) -> str:
    return f"{rows / seconds / 1e6:.2f} M rows/s"


def best_of(runs: list[dict[str, Any]]) -> dict[str, Any]:
    best = min(runs, key=lambda r: r["seconds"])
    return {**best, "peak": max(r["peak"] for r in runs), "all_seconds": [r["seconds"] for r in runs]}


def summary_lines(rows: int, ext: str, size: int, guifan: dict[str, Any], pandas: dict[str, Any]) -> list[str]:
    ratio = pandas["seconds"] / guifan["seconds"]
    head = (
        f"metric+data_quality, {rows:,} rows, {ext} ({gib(size)}): "
        f"guifan {guifan['seconds']:.1f} s ({speed(rows, guifan['seconds'])}, peak {gib(guifan['peak'])}), "
        f"pandas {pandas['seconds']:.1f} s ({speed(rows, pandas['seconds'])}, peak {gib(pandas['peak'])}), "
        f"ratio guifan/pandas {ratio:.2f}x"
    )
    lines = [head]
    for name, run in (("guifan", guifan), ("pandas", pandas)):
        steps = ", ".join(f"{step} {s:.1f} s" for step, s in run["steps"].items())
        lines.append(f"    {name}: cpu {run['cpu']:.1f} s; {steps}")
    return lines


def environment() -> dict[str, Any]:
    from importlib.metadata import version

    return {
        "python": platform.python_version(),
        "machine": platform.machine(),
        "cpus": multiprocessing.cpu_count(),
        "duckdb": version("duckdb"),
        "pandas": version("pandas"),
        "pyarrow": version("pyarrow"),
        "guifan": version("guifan"),
    }


def period_bounds(period: str) -> tuple[datetime, datetime, datetime]:
    """[start, end) of the period and the oldest fresh time, as naive local times (the data's)."""
    from guifan.engine.periods import parse_period, zone

    parsed = parse_period(period, zone(TIMEZONE))
    if parsed.start is None:
        raise SystemExit("--period must name a period")
    end = parsed.end.replace(tzinfo=None)
    return parsed.start.replace(tzinfo=None), end, end - timedelta(days=FRESH_DAYS)


# ----------------------------------------------------------------------------------------------------


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=DEFAULT_ROWS, help="tickets to generate (default 10,000,000)")
    parser.add_argument("--quick", action="store_true", help=f"{QUICK_ROWS:,} rows")
    parser.add_argument("--period", default="2026", help="period the checks are evaluated over (default 2026)")
    parser.add_argument("--formats", default="parquet,csv", help="comma-separated: parquet, csv")
    parser.add_argument("--repeat", type=int, default=1, help="runs per measurement; the fastest is reported")
    parser.add_argument("--workdir", type=Path, help="keep the generated files here (reused when they match)")
    parser.add_argument("--json", type=Path, help="also write the results to this file")
    args = parser.parse_args(argv)
    rows = QUICK_ROWS if args.quick else args.rows
    formats = [f.strip() for f in args.formats.split(",") if f.strip()]
    if not set(formats) <= {"parquet", "csv"} or not formats or args.repeat < 1 or rows < 1:
        parser.error("--formats takes parquet and/or csv; --repeat and --rows at least 1")
    bounds = in_child(period_bounds, args.period)

    workdir = args.workdir or Path(tempfile.mkdtemp(prefix="guifan-bench-"))
    workdir.mkdir(parents=True, exist_ok=True)
    try:
        t0 = time.perf_counter()
        sizes = prepare_workdir(workdir, rows)
        print(
            f"data: {rows:,} tickets + {EMPLOYEES:,} employees in {workdir} ({time.perf_counter() - t0:.0f} s); "
            f"tickets.parquet {gib(sizes['tickets.parquet'])}, tickets.csv {gib(sizes['tickets.csv'])}",
            flush=True,
        )
        report: dict[str, Any] = {
            "date": datetime.now().date().isoformat(),
            "rows": rows,
            "period": args.period,
            "files": sizes,
            "environment": environment(),
            "results": {},
        }
        problems: list[str] = []
        lines: list[str] = []
        for ext in formats:
            runs: dict[str, list[dict[str, Any]]] = {"guifan": [], "pandas": []}
            for _ in range(args.repeat):
                runs["guifan"].append(in_child(run_guifan, str(workdir / ext), args.period))
                print(f"  {ext}: guifan {runs['guifan'][-1]['seconds']:.1f} s", flush=True)
                runs["pandas"].append(in_child(run_pandas, str(workdir), ext, bounds))
                print(f"  {ext}: pandas {runs['pandas'][-1]['seconds']:.1f} s", flush=True)
            guifan, pandas = best_of(runs["guifan"]), best_of(runs["pandas"])
            problems += differences(guifan["results"], pandas["results"], ext)
            lines += summary_lines(rows, ext, sizes[f"tickets.{ext}"], guifan, pandas)
            report["results"][ext] = {
                name: {
                    "seconds": run["seconds"],
                    "all_seconds": run["all_seconds"],
                    "cpu_seconds": run["cpu"],
                    "rows_per_s": rows / run["seconds"],
                    "peak_bytes": run["peak"],
                    "baseline_bytes": run["baseline"],
                    "steps": run["steps"],
                    "checks": run["results"],
                }
                for name, run in (("guifan", guifan), ("pandas", pandas))
            }
            report["results"][ext]["ratio"] = pandas["seconds"] / guifan["seconds"]  # guifan rows/s / pandas rows/s
        first = report["results"][formats[0]]["guifan"]["checks"]
        for ext in formats[1:]:  # the formats hold the same data
            problems += differences(first, report["results"][ext]["guifan"]["checks"], f"guifan {formats[0]}/{ext}")
        report["agree"] = not problems
        print()
        print("\n".join(lines))
        checks = first
        print(
            "checks: "
            + "; ".join(
                f"{req} value {'-' if c['value'] is None else format(c['value'], '.4f')}, "
                f"population {c['population']:,}, violations {c['violations']:,}"
                for req, c in checks.items()
            )
        )
        if args.json:
            args.json.write_text(json.dumps(report, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
        if problems:
            print("results DIFFER:", *problems, sep="\n  ")
            return 1
        print("results agree")
        return 0
    finally:
        if args.workdir is None:
            shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
