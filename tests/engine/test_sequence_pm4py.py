"""The kernel against pm4py's Declare conformance on a generated log of a few thousand cases with deviations.

pm4py (AGPL) is a test-time reference only; the product never imports it. Where pm4py departs from the Declare
semantics of the literature (``not_succession`` and ``not_chain_succession``: pm4py flags them only when the
positive ``succession``/``chain_succession`` holds), the literature wins, and the tests below pin the difference.
"""

from __future__ import annotations

import importlib.util
import itertools
from pathlib import Path
from types import ModuleType
from typing import Any

import numpy as np
import pytest

from guifan.engine.process import EventLog, judge, parse_constraints

pm4py_classic = pytest.importorskip("pm4py.algo.conformance.declare.variants.classic")

PAIRS = list(itertools.permutations(["register", "check", "approve", "notify", "pay"], 2))
PM4PY_NAMES = {
    "responded_existence": "responded_existence",
    "coexistence": "coexistence",
    "not_coexistence": "noncoexistence",
    "response": "response",
    "precedence": "precedence",
    "succession": "succession",
    "alternate_response": "altresponse",
    "alternate_precedence": "altprecedence",
    "alternate_succession": "altsuccession",
    "chain_response": "chainresponse",
    "chain_precedence": "chainprecedence",
    "chain_succession": "chainsuccession",
    "not_succession": "nonsuccession",
    "not_chain_succession": "nonchainsuccession",
}
SAME = [t for t in PM4PY_NAMES if t not in ("not_succession", "not_chain_succession")]


def _bench() -> ModuleType:
    path = Path(__file__).resolve().parents[2] / "benchmarks" / "sequence.py"
    spec = importlib.util.spec_from_file_location("sequence_bench", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def generated() -> tuple[EventLog, list[list[str]]]:
    """3,000 cases from the benchmark's generator, as our log and as pm4py's list of traces."""
    bench = _bench()
    raw = bench.generate(3000, seed=7)
    names = sorted(bench.ACTIVITIES)
    recode = np.array([names.index(a) for a in bench.ACTIVITIES], dtype=np.int64)
    log = EventLog(raw["case"], recode[raw["activity"]], raw["time"].astype(np.int64), tuple(names))
    bounds = np.r_[log.starts, log.n_events]
    traces = [[names[c] for c in log.activity[s:e]] for s, e in itertools.pairwise(bounds.tolist())]
    return log, traces


def pm4py_violations(traces: list[list[str]], template: str, key: Any) -> np.ndarray[Any, np.dtype[np.bool_]]:
    model = {template: {key: {"support": 1.0, "confidence": 1.0}}}
    result = pm4py_classic.apply_list(traces, model)
    return np.array([bool(r["deviations"]) for r in result])


def ours(log: EventLog, raw: dict[str, Any]) -> np.ndarray[Any, np.dtype[np.bool_]]:
    constraints, issues = parse_constraints([raw])
    assert not issues
    return judge(log, constraints[0]).violated


def test_the_generated_log_has_deviations_worth_checking(generated: tuple[EventLog, list[list[str]]]) -> None:
    log, traces = generated
    assert log.n_cases == 3000
    assert 20_000 < log.n_events < 40_000
    assert sum(t[0] != "register" for t in traces) > 100
    assert sum(t.count("approve") > 1 for t in traces) > 100


@pytest.mark.parametrize("template", SAME)
def test_binary_templates_agree_with_pm4py(generated: tuple[EventLog, list[list[str]]], template: str) -> None:
    log, traces = generated
    for a, b in PAIRS:
        mine = ours(log, {template: [a, b]})
        theirs = pm4py_violations(traces, PM4PY_NAMES[template], (a, b))
        assert (mine == theirs).all(), f"{template}({a},{b}): {int((mine != theirs).sum())} cases differ"
        if template == "response" and (a, b) == ("register", "approve"):
            assert 0 < mine.sum() < len(mine)  # the comparison is not vacuous


@pytest.mark.parametrize(("template", "theirs"), [("existence", "existence"), ("absence", "absence"),
                                                  ("init", "init")])  # fmt: skip
def test_unary_templates_agree_with_pm4py(
    generated: tuple[EventLog, list[list[str]]], template: str, theirs: str
) -> None:
    log, traces = generated
    for activity in sorted(set(log.activities)):
        mine = ours(log, {template: activity})
        assert (mine == pm4py_violations(traces, theirs, activity)).all(), f"{template}({activity})"


def test_exactly_one_agrees_with_pm4py(generated: tuple[EventLog, list[list[str]]]) -> None:
    log, traces = generated
    for activity in ("register", "approve", "cancel"):
        mine = ours(log, {"exactly": {"activity": activity, "n": 1}})
        assert (mine == pm4py_violations(traces, "exactly_one", activity)).all(), activity


@pytest.mark.parametrize("template", ["not_succession", "not_chain_succession"])
def test_negative_templates_follow_the_literature_not_pm4py(
    generated: tuple[EventLog, list[list[str]]], template: str
) -> None:
    """pm4py reads not_succession(a,b) as "not succession(a,b)" and not_chain_succession as "not
    chain_succession", flagging a case only when every a is answered (so a b a passes). The Declare templates
    say no a is ever followed by b (NotSuccession: G(a -> not F b); NotChainSuccession: G(a -> not X b))."""
    log, traces = generated
    differing = 0
    for a, b in PAIRS:
        mine = ours(log, {template: [a, b]})
        theirs = pm4py_violations(traces, PM4PY_NAMES[template], (a, b))
        assert not (theirs & ~mine).any(), "pm4py never flags a case the literature accepts"
        for case in np.flatnonzero(mine & ~theirs)[:20].tolist():
            t = traces[case]
            if template == "not_succession":
                assert any(x == a and b in t[i + 1 :] for i, x in enumerate(t))  # an a followed later by a b
            else:
                assert any(x == a and y == b for x, y in itertools.pairwise(t))  # an a right before a b
        differing += int((mine & ~theirs).sum())
    assert differing > 0


def test_the_documented_difference_on_one_trace() -> None:
    log = EventLog(
        np.zeros(3, dtype=np.int64), np.array([0, 1, 0], dtype=np.int64), np.arange(3, dtype=np.int64), ("a", "b")
    )
    for template in ("not_succession", "not_chain_succession"):
        assert ours(log, {template: ["a", "b"]}).tolist() == [True]  # a b a: a is followed by b
        assert pm4py_violations([["a", "b", "a"]], PM4PY_NAMES[template], ("a", "b")).tolist() == [False]


def test_chain_precedence_at_the_first_event_agrees() -> None:
    log = EventLog(
        np.zeros(2, dtype=np.int64), np.array([1, 0], dtype=np.int64), np.arange(2, dtype=np.int64), ("a", "b")
    )
    assert ours(log, {"chain_precedence": ["a", "b"]}).tolist() == [True]
    assert pm4py_violations([["b", "a"]], "chainprecedence", ("a", "b")).tolist() == [True]
