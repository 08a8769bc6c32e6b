"""How fast Guifan measures business time (the ``sla`` kind), against a floor and two established libraries.

What it does:

1. Generates (numpy, fixed seed) ``--rows`` tickets (default 10,000,000) created over 2024-2026 in
   Asia/Shanghai, each with a resolution time (about 3% still open), a priority and a team, and writes them
   as Parquet, with three columns the check never reads (``channel``, ``customer_id`` and a ``subject`` text,
   as a real ticket table has), and a ``pack.yaml`` holding one ``sla`` requirement (limits per priority, by
   team) on a calendar with a lunch break (09:00-12:00, 13:30-18:00, Monday to Friday) and three years of
   mainland China holidays and make-up working days (``builtin: cn``).
2. Times the kernel in process, ``WorkCalendar.business_us`` on all pairs (best of ``--repeat``), and in the
   same run:
   a. the floor: a bare ``numpy.searchsorted`` of both timestamps of every pair in the calendar's interval
      starts (what any binary-search kernel pays at least);
   b. ``businesstimedelta`` (``Rules.difference``) on a 10,000-pair sample, extrapolated to all rows;
   c. pandas ``CustomBusinessHour`` on a 10,000 sample: it cannot measure the business time between two
      instants, so it is timed on the inverse operation (add 24 business hours), against
      ``WorkCalendar.add_business_time``, extrapolated.
   Both libraries get the same weekly hours and holidays; neither knows make-up working days, so only the
   timings are compared here (tests/engine/test_calendars.py checks the values on shared cases).
3. Runs ``guifan check`` on the Parquet pack in a fresh process and prints its wall time (goal: under 10 s for
   10M tickets), with the result's population and violations. The runner loads only the columns the check
   reads (``CheckKind.columns``), so the unread columns cost nothing. ``--check-only`` skips steps 2a-c, to
   compare two versions of the engine on the same files (``PYTHONPATH=old/src``).

Run it::

    .venv/bin/python benchmarks/sla.py                      # 10M rows (a minute or two)
    .venv/bin/python benchmarks/sla.py --rows 1000000       # quicker
    .venv/bin/python benchmarks/sla.py --workdir /tmp/guifan-sla   # keep (and reuse) the generated files
    .venv/bin/python benchmarks/sla.py --workdir /tmp/guifan-sla --check-only   # guifan check alone

Times are wall-clock seconds; the machine's other load shows in them, so compare figures from the same run.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from datetime import date, datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from guifan.engine.calendars import WorkCalendar, builtin_set

SEED = 20261127
DEFAULT_ROWS = 10_000_000
SAMPLE = 10_000
TIMEZONE = "Asia/Shanghai"
HOURS = ["09:00-12:00", "13:30-18:00"]
WEEKDAYS = ("mon", "tue", "wed", "thu", "fri")
TEAMS = ["华东一组", "华东二组", "华南组", "华北组", "华中组", "西南组", "西北组", "东北组"]
PRIORITIES = ["P1", "P2", "P3"]
CHANNELS = ["电话", "在线客服", "邮件", "App", "微信"]
SUBJECTS = [
    "无法登录",
    "订单未发货",
    "退款进度查询",
    "发票开具",
    "账户被锁定",
    "修改收货地址",
    "商品质量问题",
    "优惠券无法使用",
]
UNREAD = ("channel", "customer_id", "subject")
FIRST, LAST = date(2024, 1, 1), date(2027, 1, 1)

PACK = f"""\
guifan: 1
id: sla-bench
title: SLA benchmark
timezone: {TIMEZONE}
calendars:
  cn-office:
    week: {{{", ".join(f"{d}: {json.dumps(HOURS)}" for d in WEEKDAYS)}}}
    builtin: cn
datasets:
  tickets:
    source: tickets.parquet
    key: ticket_id
    time: created_at
standards:
  - id: CS-001
    title: 工单处理时效
    category: customer_service
    requirements:
      - id: CS-001.1
        text: 工单在规定的工作时间内解决
        check:
          kind: sla
          dataset: tickets
          start: created_at
          stop: resolved_at
          calendar: cn-office
          limit: {{P1: 4h, P2: 24h, P3: 3d}}
          limit_by: priority
          by: team
          target: ">= 90%"
"""


def calendar() -> WorkCalendar:
    spec = {"week": dict.fromkeys(WEEKDAYS, HOURS), "builtin": "cn"}
    return WorkCalendar.from_spec(spec, default_timezone=TIMEZONE, name="cn-office")


def generate(rows: int) -> tuple[np.ndarray, np.ndarray]:
    """Created and resolved instants (UTC µs); a resolution of NaT means still open."""
    rng = np.random.default_rng(SEED)
    tz = ZoneInfo(TIMEZONE)
    low = int(datetime(FIRST.year, 1, 1, tzinfo=tz).timestamp()) * 1_000_000
    high = int(datetime(LAST.year - 1, 12, 20, tzinfo=tz).timestamp()) * 1_000_000
    created = np.sort(rng.integers(low, high, rows))
    wall = rng.lognormal(mean=np.log(20 * 3600), sigma=1.2, size=rows) * 1_000_000  # wall-clock µs
    resolved = created + wall.astype(np.int64)
    resolved[rng.random(rows) < 0.03] = np.iinfo(np.int64).min  # still open
    return created, resolved


def write_pack(folder: Path, created: np.ndarray, resolved: np.ndarray) -> None:
    rows = created.size
    rng = np.random.default_rng(SEED + 1)
    ids = pc.binary_join_element_wise("T", pc.utf8_lpad(pa.array(np.arange(rows)).cast(pa.string()), 9, "0"), "")
    stamp = pa.timestamp("us", tz=TIMEZONE)
    table = pa.table(
        {
            "ticket_id": ids,
            "created_at": pa.array(created, type=pa.int64()).cast(stamp),
            "resolved_at": pa.array(resolved, mask=resolved == np.iinfo(np.int64).min, type=pa.int64()).cast(stamp),
            "priority": pa.DictionaryArray.from_arrays(rng.integers(0, 3, rows, dtype=np.int8), PRIORITIES).cast(
                pa.string()
            ),
            "team": pa.DictionaryArray.from_arrays(rng.integers(0, 8, rows, dtype=np.int8), TEAMS).cast(pa.string()),
            # never read by the check
            "channel": pa.DictionaryArray.from_arrays(rng.integers(0, 5, rows, dtype=np.int8), CHANNELS).cast(
                pa.string()
            ),
            "customer_id": pc.binary_join_element_wise(
                "C", pc.utf8_lpad(pa.array(rng.integers(0, rows // 4 + 1, rows)).cast(pa.string()), 8, "0"), ""
            ),
            "subject": pc.binary_join_element_wise(
                pa.DictionaryArray.from_arrays(rng.integers(0, 8, rows, dtype=np.int8), SUBJECTS).cast(pa.string()),
                pc.cast(pa.array(rng.integers(0, 100_000, rows)), pa.string()),
                "：订单 ",
            ),
        }
    )
    folder.mkdir(parents=True, exist_ok=True)
    pq.write_table(table, folder / "tickets.parquet", row_group_size=1_000_000)
    (folder / "pack.yaml").write_text(PACK, encoding="utf-8")


def best(repeat: int, run: Any) -> float:
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        run()
        times.append(time.perf_counter() - t0)
    return min(times)


def kernel_figures(created: np.ndarray, resolved: np.ndarray, repeat: int) -> dict[str, float]:
    cal = calendar()
    closed = resolved != np.iinfo(np.int64).min
    a, b = created[closed], resolved[closed]
    cal.business_us(a[:1000], b[:1000])  # builds (and caches) the interval table
    table = cal.table(int(a.min()), int(b.max()))
    cpu0 = time.process_time()
    kernel = best(repeat, lambda: cal.business_us(a, b))
    kernel_cpu = (time.process_time() - cpu0) / repeat
    floor = best(repeat, lambda: (np.searchsorted(table.starts, a), np.searchsorted(table.starts, b)))
    public = best(1, lambda: cal.business_seconds(a.view("datetime64[us]"), b.view("datetime64[us]")))
    return {"pairs": a.size, "kernel_s": kernel, "kernel_cpu": kernel_cpu, "floor_s": floor, "public_s": public,
            "intervals": table.starts.size}  # fmt: skip


def library_figures(created: np.ndarray, resolved: np.ndarray, rows: int) -> dict[str, float]:
    """businesstimedelta and pandas CustomBusinessHour on a sample, extrapolated to ``rows``."""
    import businesstimedelta as btd
    import pandas as pd
    import pytz

    closed = np.flatnonzero(resolved != np.iinfo(np.int64).min)[:SAMPLE]
    tz = pytz.timezone(TIMEZONE)
    starts = [datetime.fromtimestamp(int(v) / 1e6, tz) for v in created[closed]]
    ends = [datetime.fromtimestamp(int(v) / 1e6, tz) for v in resolved[closed]]
    days_off = sorted(builtin_set("cn").holidays)
    t = datetime.min.time
    rules = btd.Rules(
        [
            btd.WorkDayRule(start_time=t().replace(hour=9), end_time=t().replace(hour=18), tz=tz),
            btd.LunchTimeRule(start_time=t().replace(hour=12), end_time=t().replace(hour=13, minute=30), tz=tz),
            btd.HolidayRule([*days_off, date(2030, 1, 1)], tz=tz),
        ]
    )
    t0 = time.perf_counter()
    for a, b in zip(starts, ends, strict=True):
        rules.difference(a, b)
    btd_s = (time.perf_counter() - t0) / len(starts) * rows

    hour = pd.offsets.CustomBusinessHour(start=["09:00", "13:30"], end=["12:00", "18:00"], holidays=days_off)
    local = pd.Series(pd.to_datetime(created[closed], unit="us", utc=True)).dt.tz_convert(TIMEZONE).dt.tz_localize(None)
    t0 = time.perf_counter()
    for moment in local:
        moment + 24 * hour
    pandas_s = (time.perf_counter() - t0) / len(local) * rows

    cal = calendar()
    sample = created[closed]
    cal.add_us(sample, np.full(sample.size, 24 * 3600 * 1_000_000, dtype=np.int64))
    everything = created
    ours = best(1, lambda: cal.add_us(everything, np.full(everything.size, 24 * 3600 * 1_000_000, dtype=np.int64)))
    return {"btd_s": btd_s, "pandas_s": pandas_s, "add_s": ours / everything.size * rows}


def check_figures(folder: Path, period: str | None) -> dict[str, Any]:
    """Wall time of ``guifan check`` in a fresh process (without a period: every record, up to now)."""
    command = [sys.executable, "-m", "guifan.cli.main", "check", str(folder), "--format", "json"]
    command += ["--period", period] if period else []
    t0, cpu0 = time.perf_counter(), _children_cpu()
    done = subprocess.run(command, capture_output=True, text=True, check=False, env=os.environ.copy())
    seconds, cpu = time.perf_counter() - t0, _children_cpu() - cpu0
    rss = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024  # KiB on Linux; the largest child so far
    if done.returncode not in (0, 1):
        raise SystemExit(f"guifan check failed ({done.returncode}):\n{done.stderr}")
    result = json.loads(done.stdout)["results"][0]
    return {"seconds": seconds, "cpu": cpu, "max_rss_mb": rss, "population": result["population"],
            "violations": result["violations"], "value": result["value"], "status": result["status"]}  # fmt: skip


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, default=DEFAULT_ROWS)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--period", help="the period guifan check evaluates (default: every record, 2024-2026)")
    parser.add_argument("--workdir", type=Path, help="keep the generated pack here (reused when present)")
    parser.add_argument("--check-only", action="store_true", help="time guifan check alone (no kernel, libraries)")
    args = parser.parse_args()
    folder = args.workdir or Path(tempfile.mkdtemp(prefix="guifan-sla-"))
    try:
        run(args, folder)
    finally:
        if args.workdir is None:
            shutil.rmtree(folder, ignore_errors=True)


def run(args: argparse.Namespace, folder: Path) -> None:
    rows = args.rows
    t0 = time.perf_counter()
    created, resolved = generate(rows)
    file = folder / "tickets.parquet"
    reuse = file.exists() and pq.read_metadata(file).num_rows == rows and set(UNREAD) <= set(pq.read_schema(file).names)
    if not reuse:
        write_pack(folder, created, resolved)
    print(f"{rows:,} tickets generated and written in {time.perf_counter() - t0:.1f} s ({folder})")
    if not args.check_only:
        engine_figures(args, created, resolved)
    c = check_figures(folder, args.period)
    label = args.period or "every record"
    print(f"\nguifan check of one sla requirement over {rows:,} tickets (Parquet), {label}, fresh process:")
    print(f"  {c['seconds']:.2f} s wall, {c['cpu']:.2f} s CPU (all threads), {c['max_rss_mb']:,.0f} MB peak memory"
          "  (goal: < 10 s)")  # fmt: skip
    print(f"  population {c['population']:,}, violations {c['violations']:,}, value {c['value']:.4f}, {c['status']}")


def engine_figures(args: argparse.Namespace, created: np.ndarray, resolved: np.ndarray) -> None:
    k = kernel_figures(created, resolved, args.repeat)
    rate, floor_rate = k["pairs"] / k["kernel_s"], k["pairs"] / k["floor_s"]
    print(f"\nkernel, {k['pairs']:,} closed pairs on {int(k['intervals']):,} working intervals (2024-2026):")
    print(f"  WorkCalendar.business_us       {k['kernel_s']:7.3f} s  {rate / 1e6:7.1f} M pairs/s  (one thread; "
          f"{k['kernel_cpu']:.3f} s CPU a run)")  # fmt: skip
    print(f"  numpy searchsorted (floor)     {k['floor_s']:7.3f} s  {floor_rate / 1e6:7.1f} M pairs/s")
    print(f"  kernel / floor                 {k['kernel_s'] / k['floor_s']:7.2f} x")
    print(f"  business_seconds (datetime64)  {k['public_s']:7.3f} s  (with conversions and NaN handling)")
    lib = library_figures(created, resolved, k["pairs"])
    print(f"\nestablished libraries, {SAMPLE:,}-pair sample extrapolated to {k['pairs']:,} pairs:")
    print(f"  businesstimedelta difference   {lib['btd_s']:9.1f} s  ({lib['btd_s'] / k['kernel_s']:,.0f} x the kernel)")
    print(f"  pandas CustomBusinessHour +24h {lib['pandas_s']:9.1f} s  vs WorkCalendar.add_us {lib['add_s']:.3f} s "
          f"({lib['pandas_s'] / lib['add_s']:,.0f} x)")  # fmt: skip


if __name__ == "__main__":
    main()
