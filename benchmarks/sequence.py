"""How fast the ``sequence`` check judges a large event log, against pm4py's Declare conformance.

What it does:

1. Generates (numpy, fixed seed) an event log of ``--cases`` cases (default 1,000,000, about ten events each:
   10M events) from a Markov chain over ten activities of an approval process, with deviations: cases that start
   elsewhere, loops, skipped steps, and about 1% of approvals by the person who registered the case. It is
   written as Parquet with a ``pack.yaml`` holding one ``sequence`` check of 20 Declare constraints, all
   templates pm4py also implements.
2. Loads the Parquet file into DuckDB once (``LocalRunner.prepare``, reported but not counted), then times the
   check itself (``LocalRunner.run``: the SQL fetch, integer coding, the numpy kernel, the result), as events/s.
3. Times pm4py's ``conformance_declare`` with the same 20 constraints on the same log as a pandas DataFrame
   (its usual input). pm4py works trace by trace in Python, so on large logs it runs on the first
   ``--pm4py-cases`` cases (default 100,000) and its time is extrapolated linearly to the whole log; the
   output says so. The two are run alternately ``--repeat`` times (default 3) and the fastest run of each
   counts, which keeps a busy machine's noise out of the ratio as far as possible; CPU seconds are printed too.
4. Checks that both agree on which cases break each constraint (on pm4py's sample), except for
   ``not_succession`` and ``not_chain_succession``, where pm4py departs from the Declare semantics (see
   docs/sequence.md); there it prints how many cases differ.

Run it (the full size needs about 6 GB of memory and several minutes)::

    .venv/bin/python benchmarks/sequence.py                       # 1M cases, 10M events
    .venv/bin/python benchmarks/sequence.py --cases 100000        # a tenth
    .venv/bin/python benchmarks/sequence.py --pm4py-cases 0       # Guifan only

pm4py is AGPL and only a benchmark and test dependency: ``.venv/bin/pip install pm4py``.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
import warnings
from datetime import datetime
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq

SEED = 20261127
ACTIVITIES = ["register", "check", "approve", "reject", "notify", "pay", "archive", "remind", "escalate", "cancel"]
END = len(ACTIVITIES)
ROLES = ["clerk", "manager", "accountant", "director"]
PEOPLE = 600

# Transition probabilities (row: from, column: to, the last column ends the case), before normalising.
_NEXT = {
    "register": {"check": 0.6, "approve": 0.2, "remind": 0.1, "register": 0.05, "cancel": 0.05},
    "check": {"approve": 0.5, "check": 0.12, "remind": 0.15, "reject": 0.1, "escalate": 0.1, "END": 0.03},
    "approve": {"notify": 0.55, "pay": 0.25, "check": 0.1, "approve": 0.05, "remind": 0.05},
    "reject": {"notify": 0.5, "register": 0.3, "archive": 0.1, "END": 0.1},
    "notify": {"pay": 0.6, "archive": 0.2, "remind": 0.1, "notify": 0.05, "END": 0.05},
    "pay": {"archive": 0.6, "notify": 0.15, "pay": 0.05, "remind": 0.1, "approve": 0.02, "END": 0.08},
    "archive": {"END": 0.55, "notify": 0.1, "remind": 0.15, "register": 0.1, "check": 0.1},
    "remind": {"check": 0.3, "approve": 0.3, "notify": 0.2, "remind": 0.1, "escalate": 0.1},
    "escalate": {"approve": 0.5, "reject": 0.2, "check": 0.2, "cancel": 0.1},
    "cancel": {"END": 0.8, "archive": 0.2},
}
_START = {"register": 0.93, "check": 0.04, "approve": 0.03}

# (guifan template, pm4py template, activities): 20 constraints over 18 templates
CONSTRAINTS: list[tuple[str, str, tuple[str, ...]]] = [
    ("existence", "existence", ("register",)),
    ("absence", "absence", ("cancel",)),
    ("exactly", "exactly_one", ("register",)),
    ("init", "init", ("register",)),
    ("responded_existence", "responded_existence", ("approve", "notify")),
    ("coexistence", "coexistence", ("approve", "pay")),
    ("not_coexistence", "noncoexistence", ("reject", "pay")),
    ("response", "response", ("register", "approve")),
    ("precedence", "precedence", ("approve", "pay")),
    ("succession", "succession", ("check", "approve")),
    ("alternate_response", "altresponse", ("approve", "notify")),
    ("alternate_precedence", "altprecedence", ("approve", "pay")),
    ("alternate_succession", "altsuccession", ("remind", "check")),
    ("chain_response", "chainresponse", ("approve", "notify")),
    ("chain_precedence", "chainprecedence", ("pay", "archive")),
    ("chain_succession", "chainsuccession", ("reject", "notify")),
    ("not_succession", "nonsuccession", ("archive", "register")),
    ("not_chain_succession", "nonchainsuccession", ("pay", "approve")),
    ("response", "response", ("escalate", "approve")),
    ("precedence", "precedence", ("register", "notify")),
]
PM4PY_DEPARTS = {"not_succession", "not_chain_succession"}


def _matrix() -> tuple[np.ndarray[Any, Any], np.ndarray[Any, Any]]:
    names = [*ACTIVITIES, "END"]
    rows = np.zeros((len(ACTIVITIES), len(names)))
    for a, targets in _NEXT.items():
        for b, p in targets.items():
            rows[ACTIVITIES.index(a), names.index(b)] = p
    rows /= rows.sum(axis=1, keepdims=True)
    start = np.array([_START.get(a, 0.0) for a in ACTIVITIES])
    return np.cumsum(rows, axis=1), np.cumsum(start / start.sum())


def generate(cases: int, seed: int = SEED, max_steps: int = 40) -> dict[str, np.ndarray[Any, Any]]:
    """A case-sorted event log: case number, activity code, time (datetime64[us]), resource and role codes."""
    rng = np.random.default_rng(seed)
    step_cdf, start_cdf = _matrix()
    state = np.searchsorted(start_cdf, rng.random(cases), side="right")
    alive = np.arange(cases)
    parts_case, parts_act = [], []
    for _ in range(max_steps):
        parts_case.append(alive)
        parts_act.append(state)
        nxt = (rng.random(len(alive))[:, None] > step_cdf[state]).sum(axis=1)
        keep = nxt != END
        alive, state = alive[keep], nxt[keep]
        if not len(alive):
            break
    case = np.concatenate(parts_case)
    order = np.argsort(case, kind="stable")  # steps were generated in order: stable keeps it within a case
    case, activity = case[order], np.concatenate(parts_act)[order]
    return {"case": case, "activity": activity, **_times_and_people(rng, case, activity, cases)}


def _times_and_people(
    rng: np.random.Generator, case: np.ndarray[Any, Any], activity: np.ndarray[Any, Any], cases: int
) -> dict[str, np.ndarray[Any, Any]]:
    n = len(case)
    starts = np.flatnonzero(np.r_[True, case[1:] != case[:-1]])
    gaps = rng.exponential(3 * 3600e6, n).astype(np.int64) + 1_000_000
    running = np.cumsum(gaps)
    begin = np.datetime64("2026-01-01T00:00:00", "us").astype(np.int64)
    opened = begin + rng.integers(0, 330 * 86400, cases) * 1_000_000
    offset = running - running[starts][case - case[0]] if n else running
    when = (opened[case] + offset).astype("datetime64[us]")
    person = rng.integers(0, PEOPLE, n)
    approver = np.flatnonzero(activity == ACTIVITIES.index("approve"))
    person[approver] = rng.integers(0, PEOPLE // 4, len(approver)) * 4 + 1  # managers
    own = approver[rng.random(len(approver)) < 0.01]
    person[own] = person[starts[case[own]]]  # the registering person approves
    return {"time": when, "resource": person, "role": person % len(ROLES)}


def to_arrow(log: dict[str, np.ndarray[Any, Any]]) -> pa.Table:
    names = np.array(ACTIVITIES)
    return pa.table(
        {
            "case_id": pa.array(np.char.add("C", log["case"].astype(str))),
            "activity": pa.array(names[log["activity"]]),
            "at": pa.array(log["time"]),
            "who": pa.array(np.char.add("U", log["resource"].astype(str))),
            "role": pa.array(np.array(ROLES)[log["role"]]),
        }
    )


def constraint_yaml() -> str:
    lines = []
    for ours, _, acts in CONSTRAINTS:
        if ours == "exactly":
            lines.append(f"            - exactly: {{activity: {acts[0]}, n: 1}}")
        elif len(acts) == 1:
            lines.append(f"            - {ours}: {acts[0]}")
        else:
            lines.append(f"            - {ours}: [{acts[0]}, {acts[1]}]")
    return "\n".join(lines)


PACK = """guifan: 1
id: bench
title: Sequence benchmark
timezone: Asia/Shanghai
datasets:
  events:
    source: events.parquet
    time: at
    columns: {{case_id: string, activity: string, at: timestamp, who: string, role: string}}
standards:
  - id: P-1
    title: Approval process
    category: process
    requirements:
      - id: P-1.1
        text: every case follows the approval process
        check:
          kind: sequence
          dataset: events
          case: case_id
          activity: activity
          resource: who
          constraints:
{constraints}
"""


class Guifan:
    """The pack loaded once into DuckDB; each :meth:`check` evaluates the sequence check again."""

    def __init__(self, folder: Path) -> None:
        from guifan.engine import LocalRunner, load_pack

        self.runner = LocalRunner(load_pack(folder), sample=50)
        t0 = time.perf_counter()
        self.runner.prepare()
        self.load_seconds = time.perf_counter() - t0

    def check(self) -> tuple[float, float, Any]:
        """Wall seconds, CPU seconds (all threads) and the result of one evaluation."""
        from guifan.engine.periods import open_period

        period = open_period(datetime.now(self.runner.tz))
        t0, c0 = time.perf_counter(), time.process_time()
        evaluation = self.runner.run(period)
        return time.perf_counter() - t0, time.process_time() - c0, evaluation.results[0]

    def close(self) -> None:
        self.runner.close()


def pm4py_model() -> dict[str, dict[Any, dict[str, float]]]:
    model: dict[str, dict[Any, dict[str, float]]] = {}
    for _, theirs, acts in CONSTRAINTS:
        key = acts[0] if len(acts) == 1 else acts
        model.setdefault(theirs, {})[key] = {"support": 1.0, "confidence": 1.0}
    return model


def time_pm4py(table: pa.Table) -> tuple[float, float, list[dict[str, Any]]]:
    """pm4py's Declare conformance on a DataFrame with its standard column names, sorted by case and time:
    wall seconds, CPU seconds and its result.

    (pm4py's DataFrame reader means to sort by case and time but drops the sorted frame, so it reads events in
    row order within a case: the frame must arrive sorted, as this one does.)
    """
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        import pm4py

        frame = table.select(["case_id", "activity", "at"]).to_pandas()
        frame.columns = ["case:concept:name", "concept:name", "time:timestamp"]
        frame["time:timestamp"] = frame["time:timestamp"].dt.tz_localize("UTC")
        t0, c0 = time.perf_counter(), time.process_time()
        result = pm4py.conformance_declare(frame, pm4py_model())
        return time.perf_counter() - t0, time.process_time() - c0, result


def agree(theirs: list[dict[str, Any]], table: pa.Table) -> list[str]:
    """Compare per-constraint violating cases on pm4py's sample (pm4py lists cases in sorted case-id order)."""
    from guifan.engine.process import EventLog, judge, parse_constraints

    rank = np.unique(np.asarray(table.column("case_id").to_pylist()), return_inverse=True)[1].astype(np.int64)
    order = np.argsort(rank, kind="stable")
    names = sorted(ACTIVITIES)
    codes = np.array([names.index(a) for a in ACTIVITIES])
    raw_codes = np.array([ACTIVITIES.index(a) for a in table.column("activity").to_pylist()])
    log = EventLog(
        case=rank[order],
        activity=codes[raw_codes][order].astype(np.int64),
        time=np.zeros(len(order), dtype=np.int64),
        activities=tuple(names),
    )
    constraints, _ = parse_constraints([_raw(ours, acts) for ours, _, acts in CONSTRAINTS])
    lines = []
    for c, (ours, theirs_name, acts) in zip(constraints, CONSTRAINTS, strict=True):
        mine = judge(log, c).violated
        key = acts[0] if len(acts) == 1 else acts
        pm = np.array([[theirs_name, key] in r["deviations"] for r in theirs])
        differ = int(np.count_nonzero(mine != pm))
        if differ and ours not in PM4PY_DEPARTS:
            lines.append(f"  MISMATCH {c.label}: {differ} cases differ")
        elif differ:
            lines.append(f"  {c.label}: {differ} cases differ (pm4py departs from the Declare semantics here)")
    return lines


def _raw(template: str, acts: tuple[str, ...]) -> dict[str, Any]:
    if template == "exactly":
        return {"exactly": {"activity": acts[0], "n": 1}}
    return {template: acts[0] if len(acts) == 1 else list(acts)}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--cases", type=int, default=1_000_000)
    parser.add_argument("--pm4py-cases", type=int, default=100_000, help="cases pm4py runs on; 0 skips pm4py")
    parser.add_argument("--repeat", type=int, default=3, help="runs of each, alternating; the fastest counts")
    parser.add_argument("--workdir", type=Path, default=None)
    args = parser.parse_args()

    t0 = time.perf_counter()
    log = generate(args.cases)
    table = to_arrow(log)
    n_events = table.num_rows
    cut = int(np.searchsorted(log["case"], min(args.pm4py_cases, args.cases)))
    sample = table.slice(0, cut).combine_chunks()
    print(f"generated {args.cases:,} cases, {n_events:,} events in {time.perf_counter() - t0:.1f} s")
    work = args.workdir or Path(tempfile.mkdtemp(prefix="guifan-seq-"))
    work.mkdir(parents=True, exist_ok=True)
    pq.write_table(table, work / "events.parquet")
    (work / "pack.yaml").write_text(PACK.format(constraints=constraint_yaml()), encoding="utf-8")
    del log, table

    guifan = Guifan(work)
    print(f"guifan: loading the Parquet file into DuckDB took {guifan.load_seconds:.2f} s (not counted below)")
    ours: list[tuple[float, float]] = []
    theirs: list[tuple[float, float]] = []
    pm_result: list[dict[str, Any]] = []
    try:
        for _ in range(args.repeat):
            wall, cpu, result = guifan.check()
            ours.append((wall, cpu))
            if cut:
                wall, cpu, pm_result = time_pm4py(sample)
                theirs.append((wall, cpu))
    finally:
        guifan.close()
    wall, cpu = min(w for w, _ in ours), min(c for _, c in ours)
    print(f"guifan: check {wall:.2f} s (cpu {cpu:.2f} s) = {n_events / wall:,.0f} events/s, best of {args.repeat}")
    print(f"        {result.message}")
    if not cut:
        return 0
    scale = n_events / cut
    pm_wall, pm_cpu = min(w for w, _ in theirs) * scale, min(c for _, c in theirs) * scale
    how = "measured" if cut == n_events else f"measured on {sample.num_rows:,} events, x{scale:.2f} extrapolated"
    print(f"pm4py:  {pm_wall:.1f} s (cpu {pm_cpu:.1f} s; {how}) = {n_events / pm_wall:,.0f} events/s")
    print(f"ratio:  guifan {pm_wall / wall:.1f}x faster than pm4py's Declare conformance (cpu {pm_cpu / cpu:.1f}x)")
    mismatches = agree(pm_result, sample)
    print("agreement on pm4py's sample:" if mismatches else "agreement on pm4py's sample: every constraint agrees")
    for line in mismatches:
        print(line)
    return 1 if any("MISMATCH" in m for m in mismatches) else 0


if __name__ == "__main__":
    sys.exit(main())
