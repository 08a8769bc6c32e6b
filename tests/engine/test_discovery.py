"""Process discovery against a brute-force computation on generated logs, and against pm4py's DFG and variants."""

from __future__ import annotations

import importlib.util
import itertools
import statistics
from collections import Counter, defaultdict
from collections.abc import Sequence
from pathlib import Path
from types import ModuleType
from typing import Any

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from guifan.engine.process import Clock, EventLog
from guifan.engine.process.discovery import Discovery, discover, variant_id

SECOND = 1_000_000

Trace = list[tuple[str, int]]  # (activity, seconds since the log's origin), in the case's order


def make_log(traces: Sequence[Trace]) -> EventLog:
    names = sorted({a for t in traces for a, _ in t})
    case = np.array([i for i, t in enumerate(traces) for _ in t], dtype=np.int64)
    activity = np.array([names.index(a) for t in traces for a, _ in t], dtype=np.int64)
    time = np.array([s * SECOND for t in traces for _, s in t], dtype=np.int64)
    return EventLog(case, activity, time, tuple(names))


def percentile(values: list[float], q: float) -> float:
    """The linear-interpolation percentile, written out (not numpy's)."""
    ordered = sorted(values)
    rank = q * (len(ordered) - 1)
    low = int(rank)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (rank - low)


def brute_force(traces: Sequence[Trace]) -> dict[str, Any]:
    """Edges, activities and variants by walking every case in Python."""
    edges: dict[tuple[str | None, str | None], dict[str, Any]] = defaultdict(
        lambda: {"count": 0, "cases": set(), "gaps": []}
    )
    events: Counter[str] = Counter()
    cases_with: dict[str, set[int]] = defaultdict(set)
    positions: dict[str, list[int]] = defaultdict(list)
    relative: dict[str, list[float]] = defaultdict(list)
    variants: dict[tuple[str, ...], list[float]] = defaultdict(list)
    for i, trace in enumerate(traces):
        names = [a for a, _ in trace]
        path: list[str | None] = [None, *names, None]
        for k, (a, b) in enumerate(itertools.pairwise(path)):
            edge = edges[(a, b)]
            edge["count"] += 1
            edge["cases"].add(i)
            if a is not None and b is not None:
                edge["gaps"].append(float(trace[k][1] - trace[k - 1][1]))
        for k, a in enumerate(names):
            events[a] += 1
            if a not in cases_with or i not in cases_with[a]:
                positions[a].append(k)
                relative[a].append(k / (len(names) - 1) if len(names) > 1 else 0.0)
            cases_with[a].add(i)
        variants[tuple(names)].append(float(trace[-1][1] - trace[0][1]))
    return {
        "edges": {
            key: (
                e["count"],
                len(e["cases"]),
                percentile(e["gaps"], 0.5) if e["gaps"] else None,
                percentile(e["gaps"], 0.9) if e["gaps"] else None,
            )
            for key, e in edges.items()
        },
        "activities": {
            a: (events[a], len(cases_with[a]), statistics.mean(positions[a]), statistics.mean(relative[a]))
            for a in events
        },
        "variants": {v: (len(d), len(d) / len(traces), statistics.median(d)) for v, d in variants.items()},
    }


def as_found(found: Discovery) -> dict[str, Any]:
    return {
        "edges": {(e.source, e.target): (e.count, e.cases, e.median_s, e.p90_s) for e in found.edges},
        "activities": {a.name: (a.events, a.cases, a.position, a.relative_position) for a in found.activities},
        "variants": {v.activities: (v.cases, v.share, v.median_duration_s) for v in found.variants},
    }


def assert_same(found: Discovery, expected: dict[str, Any]) -> None:
    got = as_found(found)
    assert got["edges"].keys() == expected["edges"].keys()
    for key, (count, cases, median, p90) in expected["edges"].items():
        g = got["edges"][key]
        assert g[:2] == (count, cases), key
        assert g[2] == pytest.approx(median) and g[3] == pytest.approx(p90), key
    assert got["activities"].keys() == expected["activities"].keys()
    for key, value in expected["activities"].items():
        assert got["activities"][key] == pytest.approx(value), key
    assert got["variants"].keys() == expected["variants"].keys()
    for key, value in expected["variants"].items():
        assert got["variants"][key] == pytest.approx(value), key


# Cases of one to seven events over four activities; gaps of 0 to 5 s (0: two events at the same time).
traces_strategy = st.lists(
    st.lists(st.tuples(st.sampled_from("abcd"), st.integers(0, 5)), min_size=1, max_size=7),
    min_size=1,
    max_size=25,
)


def timed(raw: list[list[tuple[str, int]]]) -> list[Trace]:
    out = []
    for trace in raw:
        at, timed_trace = 0, []
        for activity, gap in trace:
            at += gap
            timed_trace.append((activity, at))
        out.append(timed_trace)
    return out


@settings(max_examples=300, deadline=None)
@given(traces_strategy)
def test_discovery_equals_brute_force(raw: list[list[tuple[str, int]]]) -> None:
    traces = timed(raw)
    found = discover(make_log(traces))
    assert_same(found, brute_force(traces))
    assert found.cases == len(traces) and found.events == sum(len(t) for t in traces)


@settings(max_examples=200, deadline=None)
@given(traces_strategy, st.data())
def test_a_selection_of_cases_equals_brute_force_on_those_cases(raw: list[list[tuple[str, int]]], data: Any) -> None:
    traces = timed(raw)
    mask = np.array(data.draw(st.lists(st.booleans(), min_size=len(traces), max_size=len(traces))), dtype=np.bool_)
    found = discover(make_log(traces), mask)
    chosen = [t for t, keep in zip(traces, mask, strict=True) if keep]
    if not chosen:
        assert found.cases == 0 and not found.edges and not found.variants
        assert (found.variant_of == -1).all()
        return
    assert_same(found, brute_force(chosen))
    # every selected case points at the variant of its own sequence, the others at none
    for number, trace in enumerate(traces):
        index = int(found.variant_of[number])
        if mask[number]:
            assert found.variants[index].activities == tuple(a for a, _ in trace)
        else:
            assert index == -1


def test_variants_come_most_frequent_first_with_stable_ids() -> None:
    traces = [[("a", 0), ("b", 10)], [("a", 0), ("c", 5)], [("a", 0), ("b", 30)], [("b", 0)]]
    found = discover(make_log(traces))
    assert [v.activities for v in found.variants] == [("a", "b"), ("a", "c"), ("b",)]
    top = found.variants[0]
    assert (top.cases, top.share, top.median_duration_s) == (2, 0.5, 20.0)
    assert top.id == variant_id(("a", "b")) and len({v.id for v in found.variants}) == 3
    assert found.cases_of(top.id).tolist() == [0, 2]
    assert found.cases_of("nope").tolist() == []
    first = discover(make_log(traces), top=1)
    assert [v.activities for v in first.variants] == [("a", "b")] and first.n_variants == 3
    assert first.variant_of.tolist() == [0, 1, 0, 2]  # every case still knows its variant's rank


def test_durations_follow_the_clock() -> None:
    """With a business clock, edge and case durations are the clock's, not wall time."""
    halved = Clock(lambda s, e: np.asarray((e - s) / 2e6, dtype=np.float64))
    found = discover(make_log([[("a", 0), ("b", 10), ("c", 30)]]), clock=halved)
    durations = {(e.source, e.target): e.median_s for e in found.edges}
    assert durations[("a", "b")] == 5 and durations[("b", "c")] == 10
    assert found.variants[0].median_duration_s == 15


def test_hash_collisions_fall_back_to_exact_grouping(monkeypatch: pytest.MonkeyPatch) -> None:
    """If two sequences of the same length hashed alike, they would still be told apart."""
    from guifan.engine.process import discovery

    monkeypatch.setattr(discovery, "_MULTIPLIERS", (np.uint64(0), np.uint64(0)))  # every hash collides
    traces = [[("a", 0), ("b", 1)], [("b", 0), ("a", 1)], [("a", 0), ("b", 1)], [("c", 0)]]
    found = discover(make_log(traces))
    assert {v.activities: v.cases for v in found.variants} == {("a", "b"): 2, ("b", "a"): 1, ("c",): 1}


# --- pm4py ------------------------------------------------------------------------------------------------


def _bench() -> ModuleType:
    path = Path(__file__).resolve().parents[2] / "benchmarks" / "sequence.py"
    spec = importlib.util.spec_from_file_location("sequence_bench", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def generated() -> tuple[EventLog, Any]:
    """3,000 cases of the benchmark's generator, as our log and as a pandas DataFrame for pm4py."""
    pd = pytest.importorskip("pandas")
    bench = _bench()
    raw = bench.generate(3000, seed=11)
    names = sorted(bench.ACTIVITIES)
    recode = np.array([names.index(a) for a in bench.ACTIVITIES], dtype=np.int64)
    time = raw["time"].astype(np.int64)
    log = EventLog(raw["case"], recode[raw["activity"]], time, tuple(names))
    frame = pd.DataFrame(
        {
            "case:concept:name": raw["case"].astype(str),
            "concept:name": [names[c] for c in log.activity],
            "time:timestamp": pd.to_datetime(time, unit="us", utc=True),
        }
    )
    return log, frame


def test_dfg_agrees_with_pm4py(generated: tuple[EventLog, Any]) -> None:
    pm4py = pytest.importorskip("pm4py")
    log, frame = generated
    found = discover(log)
    dfg, starts, ends = pm4py.discover_dfg(frame)
    inner = {(e.source, e.target): e.count for e in found.edges if e.source and e.target}
    assert inner == dict(dfg)
    assert {e.target: e.count for e in found.edges if e.source is None} == dict(starts)
    assert {e.source: e.count for e in found.edges if e.target is None} == dict(ends)
    assert len(inner) > 30  # not vacuous


def test_edge_durations_agree_with_pm4py(generated: tuple[EventLog, Any]) -> None:
    pm4py = pytest.importorskip("pm4py")
    log, frame = generated
    found = discover(log)
    performance, _, _ = pm4py.discover_performance_dfg(frame)
    ours = {(e.source, e.target): e.median_s for e in found.edges if e.source and e.target}
    assert ours.keys() == performance.keys()
    for key, measures in performance.items():
        assert ours[key] == pytest.approx(measures["median"], rel=1e-9), key


def test_variants_agree_with_pm4py(generated: tuple[EventLog, Any]) -> None:
    pm4py = pytest.importorskip("pm4py")
    log, frame = generated
    found = discover(log)
    theirs = pm4py.get_variants(frame)
    assert {v.activities: v.cases for v in found.variants} == {tuple(k): int(n) for k, n in theirs.items()}
    assert len(found.variants) > 100
