"""How long a dataset preview takes on a million-record file: loading it all, against reading only its head.

The dataset page shows a dataset's first 50 records, typed, and how many records it has. Before
:func:`guifan.engine.datasets.preview.preview_dataset`, the page loaded the whole file into DuckDB
(:func:`load_dataset`, every value converted and checked) to show those 50 records. This script times both on the
same files, generated with a fixed seed in a temporary folder (removed at the end):

* ``tickets.csv``: ``--rows`` (default 1,000,000) support tickets, UTF-8, 8 columns (id, team, priority,
  channel, customer, opened and resolved timestamps, satisfaction), about 90 MB; a few subjects are quoted and
  hold a comma or a line break;
* ``tickets-gb18030.csv``: the same in GB18030, as Chinese Excel saves it;
* ``tickets.parquet``: the same table in Parquet (zstd, row groups of 122,880 records).

Each is declared as a pack would declare it (types for every column, allowed priorities, a satisfaction range).
Every measurement is the median of ``--runs`` (default 3) in this process, after one warm-up; it prints the
load and the preview in seconds, their ratio, and the preview's record count checked against the load's.

Run it::

    .venv/bin/python benchmarks/preview.py
    .venv/bin/python benchmarks/preview.py --rows 200000 --runs 5
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import duckdb
import numpy as np
import pyarrow as pa
import pyarrow.csv as pacsv
import pyarrow.parquet as pq

from guifan.engine.datasets import load_dataset
from guifan.engine.datasets.preview import count_records, preview_dataset
from guifan.engine.pack.dataset import DatasetSpec

ZONE = "Asia/Shanghai"
SPEC = {
    "key": "ticket_id",
    "time": "opened_at",
    "columns": {
        "ticket_id": "string",
        "team": "string",
        "priority": {"type": "string", "values": ["P1", "P2", "P3", "P4"]},
        "channel": "string",
        "subject": "string",
        "opened_at": "timestamp",
        "resolved_at": "timestamp",
        "satisfaction": {"type": "integer", "min": 1, "max": 5},
    },
}


def tickets(rows: int) -> pa.Table:
    rng = np.random.default_rng(20261127)
    opened = np.datetime64("2026-01-01T08:00:00") + rng.integers(0, 300 * 86400, rows).astype("timedelta64[s]")
    resolved = opened + rng.integers(600, 5 * 86400, rows).astype("timedelta64[s]")
    subjects = np.array(["无法登录", "退款申请", "发票问题", '咨询 "会员"', "地址变更,加急", "投诉\n物流慢"])
    return pa.table(
        {
            "ticket_id": [f"T{n:08d}" for n in range(rows)],
            "team": np.array(["客服一组", "客服二组", "客服三组", "VIP组"])[rng.integers(0, 4, rows)],
            "priority": np.array(["P1", "P2", "P3", "P4"])[rng.integers(0, 4, rows)],
            "channel": np.array(["电话", "邮件", "在线", "微信"])[rng.integers(0, 4, rows)],
            "subject": subjects[rng.integers(0, len(subjects), rows)],
            "opened_at": pa.array(opened.astype(str)),
            "resolved_at": pa.array(resolved.astype(str)),
            "satisfaction": rng.integers(1, 6, rows),
        }
    )


def write_files(folder: Path, rows: int) -> list[Path]:
    table = tickets(rows)
    csv = folder / "tickets.csv"
    pacsv.write_csv(table, csv)
    gb = folder / "tickets-gb18030.csv"
    with csv.open(encoding="utf-8") as src, gb.open("w", encoding="gb18030", newline="") as dst:
        shutil.copyfileobj(src, dst, 8 << 20)
    parquet = folder / "tickets.parquet"
    typed = table.set_column(5, "opened_at", table["opened_at"].cast(pa.timestamp("s")))
    typed = typed.set_column(6, "resolved_at", typed["resolved_at"].cast(pa.timestamp("s")))
    pq.write_table(typed, parquet, compression="zstd", row_group_size=122_880)
    return [csv, gb, parquet]


def median_seconds(fn: Callable[[], object], runs: int) -> float:
    fn()
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def load_all(path: Path, spec: DatasetSpec) -> int:
    """What the page did before: load everything, then show the first 50."""
    con = duckdb.connect()
    try:
        loaded = load_dataset(con, "preview", "tickets", spec, path.parent, ZONE)
        con.execute("SELECT * FROM preview LIMIT 50").fetchall()
        return loaded.rows
    finally:
        con.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="guifan-preview-bench-"))
    try:
        files = write_files(folder, args.rows)
        print(f"{args.rows:,} records; median of {args.runs} runs\n")
        print(f"{'file':<22} {'MB':>6} {'load all s':>11} {'preview s':>10} {'count s':>8} {'ratio':>7}  records")
        for path in files:
            spec = DatasetSpec.model_validate({**SPEC, "source": path.name})
            before = median_seconds(lambda: load_all(path, spec), args.runs)  # noqa: B023 - called at once
            after = median_seconds(lambda: preview_dataset("tickets", spec, folder, ZONE, 50), args.runs)  # noqa: B023
            counting = median_seconds(lambda: count_records("tickets", spec, path), args.runs)  # noqa: B023
            shown = preview_dataset("tickets", spec, folder, ZONE, 50)
            same = "ok" if shown.records == load_all(path, spec) and len(shown.rows) == 50 else "MISMATCH"
            size = path.stat().st_size / 2**20
            print(
                f"{path.name:<22} {size:>6.0f} {before:>11.2f} {after:>10.3f} {counting:>8.3f} "
                f"{before / after:>6.0f}x  {shown.records:,} {same}"
            )
    finally:
        shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    main()
