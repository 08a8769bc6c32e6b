"""How fast ``guifan.engine.spc`` charts thousands of characteristics, against a per-chart pandas implementation.

What it does:

1. Generates (numpy, fixed seed) ``--characteristics`` characteristics (default 10,000) with ``--subgroups``
   subgroups (default 1,000) of 5 measurements each: 50,000,000 measurements by default. Each characteristic
   has its own mean and sigma; one in ten drifts in its last tenth and one in twenty is shifted, so the rules
   have something to find.
2. Times Guifan: subgroup statistics, X-bar-R limits of every characteristic, all eight Nelson rules (and the
   R chart's limits) and capability (Cp ... Ppk, expected and observed shares) against a specification, in
   one call over the concatenated arrays.
3. Times a straightforward per-chart pandas implementation of the same (a groupby per characteristic,
   ``rolling`` windows for the rules) on a sample of ``--sample`` characteristics (default 40) and
   extrapolates to all of them: running pandas on every characteristic would take many minutes.
4. Checks that both give the same limits, the same flagged points per rule and the same capability indices on
   the sample, prints ``results agree`` or the differences (and exits 1), then the figures.

Run it::

    .venv/bin/python benchmarks/spc.py              # 10,000 x 1,000 x 5 = 50M measurements (a minute or two)
    .venv/bin/python benchmarks/spc.py --quick      # 1,000 characteristics: 5M measurements
    .venv/bin/python benchmarks/spc.py --characteristics 2000 --subgroups 500 --repeat 3

Times are wall-clock seconds of the fastest of ``--repeat`` runs (default 3), with the CPU seconds of that run:
on a shared machine the wall clock also counts waiting for a core, so compare figures from the same run.
numpy and pandas both use one core here.
"""

from __future__ import annotations

import argparse
import json
import math
import sys
import time
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from guifan.engine import spc

SEED = 20261127
SIZE = 5
LSL, USL = -4.5, 4.5  # a centred process with sigma 1 has Cp 1.5
D2 = 2.326
D3 = 0.8640855


def generate(characteristics: int, subgroups: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Measurements sorted by characteristic and subgroup; subgroup starts; characteristic of each subgroup."""
    rng = np.random.default_rng(SEED)
    mean = rng.normal(0.0, 0.3, characteristics)
    sigma = rng.uniform(0.6, 1.2, characteristics)
    values = rng.standard_normal(characteristics * subgroups * SIZE).reshape(characteristics, subgroups, SIZE)
    values *= sigma[:, None, None]
    values += mean[:, None, None]
    tail = subgroups - subgroups // 10
    drift = np.linspace(0.0, 2.0, subgroups - tail)
    values[::10, tail:, :] += drift[None, :, None] * sigma[::10, None, None]
    values[5::20, subgroups // 2 :, :] += 1.5 * sigma[5::20, None, None]
    starts = np.arange(characteristics * subgroups, dtype=np.int64) * SIZE
    group = np.repeat(np.arange(characteristics, dtype=np.int64), subgroups)
    return values.reshape(-1), starts, group


def run_guifan(values: np.ndarray, starts: np.ndarray, group: np.ndarray, n_groups: int) -> spc.Analysis:
    data = spc.subgroups(values, starts, group, n_groups)
    spec = spc.Spec.same(n_groups, LSL, USL)
    return spc.analyse("xbar_r", data, rules="nelson", spec=spec)


def _run(flag: pd.Series, length: int) -> pd.Series:
    return flag.astype(int).rolling(length).sum() == length


def _some(flag: pd.Series, count: int, width: int) -> pd.Series:
    return flag & (flag.astype(int).rolling(width).sum() >= count)


def pandas_chart(frame: pd.DataFrame) -> dict[str, Any]:
    """One characteristic, the way an analyst would write it with pandas."""
    stats = frame.groupby("subgroup", sort=False)["x"].agg(["mean", "max", "min", "std", "count"])
    rng = stats["max"] - stats["min"]
    center, rbar = frame["x"].mean(), rng.mean()
    sigma = (rng / D2).mean()
    zone = sigma / np.sqrt(stats["count"])
    lcl, ucl = center - 3 * zone, center + 3 * zone
    xbar = stats["mean"]
    z = (xbar - center) / zone
    step = xbar.diff()
    rules = {
        "nelson1": (xbar > ucl) | (xbar < lcl),
        "nelson2": _run(z > 0, 9) | _run(z < 0, 9),
        "nelson3": _run(step > 0, 5) | _run(step < 0, 5),
        "nelson4": _run(step * step.shift() < 0, 12),
        "nelson5": _some(z > 2, 2, 3) | _some(z < -2, 2, 3),
        "nelson6": _some(z > 1, 4, 5) | _some(z < -1, 4, 5),
        "nelson7": _run(z.abs() <= 1, 15),
        "nelson8": _run(z.abs() > 1, 8),
        "r_chart": (rng > D2 * sigma + 3 * D3 * sigma) | (rng < max(0.0, D2 * sigma - 3 * D3 * sigma)),
    }
    overall = frame["x"].std()
    capability = {
        "cp": (USL - LSL) / (6 * sigma),
        "cpk": min(USL - center, center - LSL) / (3 * sigma),
        "pp": (USL - LSL) / (6 * overall),
        "ppk": min(USL - center, center - LSL) / (3 * overall),
        "observed_below": float((frame["x"] < LSL).mean()),
        "observed_above": float((frame["x"] > USL).mean()),
    }
    return {"center": center, "rbar": rbar, "ucl": float(ucl.iloc[0]), "rules": rules, "capability": capability}


def run_pandas(values: np.ndarray, subgroups: int, sample: list[int]) -> dict[int, dict[str, Any]]:
    out = {}
    per = subgroups * SIZE
    for g in sample:
        frame = pd.DataFrame({"subgroup": np.repeat(np.arange(subgroups), SIZE), "x": values[g * per : (g + 1) * per]})
        out[g] = pandas_chart(frame)
    return out


def compare(result: spc.Analysis, reference: dict[int, dict[str, Any]], subgroups: int) -> list[str]:
    problems: list[str] = []
    cap = result.capability
    assert cap is not None
    for g, ref in reference.items():
        lo = g * subgroups
        if not math.isclose(result.chart.ucl[lo], ref["ucl"], rel_tol=1e-9):
            problems.append(f"characteristic {g}: ucl {result.chart.ucl[lo]} != {ref['ucl']}")
        for rule, flags in ref["rules"].items():
            ours = result.signals[rule][lo : lo + subgroups]
            if not np.array_equal(ours, flags.to_numpy()):
                problems.append(f"characteristic {g}: {rule} flags {int(ours.sum())} points, pandas {int(flags.sum())}")
        for name, value in ref["capability"].items():
            if not math.isclose(float(getattr(cap, name)[g]), value, rel_tol=1e-9, abs_tol=1e-12):
                problems.append(f"characteristic {g}: {name} {getattr(cap, name)[g]} != {value}")
    return problems


def timed(repeat: int, fn: Any, *args: Any) -> tuple[float, float, Any]:
    """The fastest of ``repeat`` runs: wall-clock seconds, CPU seconds of that run, and its result."""
    best, cpu, out = math.inf, math.inf, None
    for _ in range(repeat):
        t0, c0 = time.perf_counter(), time.process_time()
        out = fn(*args)
        wall = time.perf_counter() - t0
        if wall < best:
            best, cpu = wall, time.process_time() - c0
    return best, cpu, out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--characteristics", type=int, default=10_000)
    parser.add_argument("--subgroups", type=int, default=1_000)
    parser.add_argument("--sample", type=int, default=40, help="characteristics timed with pandas")
    parser.add_argument("--repeat", type=int, default=3, help="time the fastest of N runs")
    parser.add_argument("--quick", action="store_true", help="1,000 characteristics")
    parser.add_argument("--json", help="also write the figures to this file")
    args = parser.parse_args(argv)
    if args.quick:
        args.characteristics = 1_000
    n_chars, n_subs = args.characteristics, args.subgroups
    measurements = n_chars * n_subs * SIZE
    print(f"generating {n_chars:,} characteristics x {n_subs:,} subgroups of {SIZE} = {measurements:,} measurements")
    t0 = time.perf_counter()
    values, starts, group = generate(n_chars, n_subs)
    print(f"  generated in {time.perf_counter() - t0:.1f} s")

    guifan_s, guifan_cpu, result = timed(args.repeat, run_guifan, values, starts, group, n_chars)
    sample = sorted(np.random.default_rng(SEED + 1).choice(n_chars, min(args.sample, n_chars), replace=False).tolist())
    pandas_sample_s, pandas_cpu, reference = timed(args.repeat, run_pandas, values, n_subs, sample)
    pandas_s = pandas_sample_s / len(sample) * n_chars
    pandas_cpu_all = pandas_cpu / len(sample) * n_chars

    problems = compare(result, reference, n_subs)
    print("results agree" if not problems else "results differ:\n  " + "\n  ".join(problems[:20]))
    figures = {
        "measurements": measurements,
        "characteristics": n_chars,
        "guifan_s": round(guifan_s, 3),
        "guifan_cpu_s": round(guifan_cpu, 3),
        "guifan_measurements_per_s": round(measurements / guifan_s),
        "pandas_sample": len(sample),
        "pandas_sample_s": round(pandas_sample_s, 3),
        "pandas_extrapolated_s": round(pandas_s, 1),
        "pandas_extrapolated_cpu_s": round(pandas_cpu_all, 1),
        "speedup": round(pandas_s / guifan_s, 1),
        "speedup_cpu": round(pandas_cpu_all / guifan_cpu, 1) if guifan_cpu > 0 else None,
        "signals": {rule: int(flags.sum()) for rule, flags in result.signals.items()},
    }
    print(
        f"guifan : {guifan_s:8.2f} s wall {guifan_cpu:8.2f} s CPU  {measurements / guifan_s:14,.0f} measurements/s"
        "  (all limits, 8 Nelson rules, capability)"
    )
    print(
        f"pandas : {pandas_s:8.2f} s wall {pandas_cpu_all:8.2f} s CPU  {measurements / pandas_s:14,.0f} measurements/s"
        f"  (extrapolated from {len(sample)} characteristics timed in {pandas_sample_s:.2f} s)"
    )
    print(f"speed-up: {pandas_s / guifan_s:.0f}x wall, {figures['speedup_cpu']}x CPU")
    print("signals: " + ", ".join(f"{k} {v:,}" for k, v in figures["signals"].items()))
    if args.json:
        Path(args.json).write_text(json.dumps(figures, indent=2), encoding="utf-8")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
