"""The process kernel: every Declare template against its LTLf formula, and the process rules, on small traces."""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from typing import Any

import numpy as np
import pytest

from guifan.engine.process import Clock, Constraint, EventLog, Judgement, judge, judge_all, parse_constraints
from guifan.engine.process.constraints import BINARY
from guifan.engine.values import Duration

HOUR = 3_600_000_000  # microseconds


def make_log(
    traces: Sequence[Sequence[str]],
    hours: Sequence[Sequence[float]] | None = None,
    resources: Sequence[Sequence[str | None]] | None = None,
    roles: Sequence[Sequence[str | None]] | None = None,
) -> EventLog:
    """An event log of the given traces (one letter or name per event), one hour apart unless told."""
    names = sorted({a for t in traces for a in t})
    case = np.concatenate([np.full(len(t), i) for i, t in enumerate(traces)]).astype(np.int64)
    activity = np.array([names.index(a) for t in traces for a in t], dtype=np.int64)
    when = hours or [list(range(len(t))) for t in traces]
    time = (np.array([h for t in when for h in t], dtype=np.float64) * HOUR).astype(np.int64)

    def codes(values: Sequence[Sequence[str | None]] | None) -> tuple[np.ndarray[Any, Any] | None, tuple[str, ...]]:
        if values is None:
            return None, ()
        vocab = sorted({v for t in values for v in t if v is not None})
        flat = [-1 if v is None else vocab.index(v) for t in values for v in t]
        return np.array(flat, dtype=np.int64), tuple(vocab)

    res, _ = codes(resources)
    role, role_names = codes(roles)
    return EventLog(case, activity, time, tuple(names), resource=res, role=role, roles=role_names)


def one(raw: dict[str, Any]) -> Constraint:
    constraints, issues = parse_constraints([raw])
    assert not issues, issues
    return constraints[0]


def run(raw: dict[str, Any], traces: Sequence[Sequence[str]], **kw: Any) -> Judgement:
    return judge(make_log(traces, **kw), one(raw))


# --- an LTLf evaluator and the templates' formulas (Di Ciccio & Montali's survey) -------------------------

Formula = tuple[Any, ...]


def holds(f: Formula, trace: Sequence[str], i: int = 0) -> bool:
    """LTLf on a finite trace: X is the strong next (false at the last event), WX the weak next, W weak until."""
    op = f[0]
    if op == "atom":
        return i < len(trace) and trace[i] == f[1]
    if op == "true":
        return i < len(trace)
    if op == "not":
        return not holds(f[1], trace, i)
    if op == "and":
        return holds(f[1], trace, i) and holds(f[2], trace, i)
    if op == "or":
        return holds(f[1], trace, i) or holds(f[2], trace, i)
    if op == "X":
        return i + 1 < len(trace) and holds(f[1], trace, i + 1)
    if op == "WX":  # weak next: true at the last event
        return i + 1 >= len(trace) or holds(f[1], trace, i + 1)
    if op == "F":
        return any(holds(f[1], trace, k) for k in range(i, len(trace)))
    if op == "G":
        return all(holds(f[1], trace, k) for k in range(i, len(trace)))
    if op == "U":
        return any(
            holds(f[2], trace, k) and all(holds(f[1], trace, m) for m in range(i, k)) for k in range(i, len(trace))
        )
    if op == "W":
        return holds(("U", f[1], f[2]), trace, i) or holds(("G", f[1]), trace, i)
    raise AssertionError(op)


def atom(x: str) -> Formula:
    return ("atom", x)


def neg(f: Formula) -> Formula:
    return ("not", f)


def implies(p: Formula, q: Formula) -> Formula:
    return ("or", neg(p), q)


def both(p: Formula, q: Formula) -> Formula:
    return ("and", p, q)


def iff(p: Formula, q: Formula) -> Formula:
    return both(implies(p, q), implies(q, p))


def ltlf(template: str, x: str, y: str = "") -> Formula:
    a, b = atom(x), atom(y)
    response = ("G", implies(a, ("F", b)))
    precedence = ("W", neg(b), a)
    alt_response = ("G", implies(a, ("X", ("U", neg(a), b))))
    alt_precedence = both(("W", neg(b), a), ("G", implies(b, ("WX", ("W", neg(b), a)))))
    chain_response = ("G", implies(a, ("X", b)))
    chain_precedence = both(("G", implies(("X", b), a)), neg(b))  # b cannot open the trace
    return {
        "existence": ("F", a),
        "absence": neg(("F", a)),
        "init": a,
        "end": ("F", both(a, neg(("X", ("true",))))),
        "responded_existence": implies(("F", a), ("F", b)),
        "coexistence": iff(("F", a), ("F", b)),
        "not_coexistence": neg(both(("F", a), ("F", b))),
        "response": response,
        "precedence": precedence,
        "succession": both(response, precedence),
        "alternate_response": alt_response,
        "alternate_precedence": alt_precedence,
        "alternate_succession": both(alt_response, alt_precedence),
        "chain_response": chain_response,
        "chain_precedence": chain_precedence,
        "chain_succession": both(chain_response, chain_precedence),
        "not_succession": ("G", implies(a, neg(("F", b)))),
        "not_chain_succession": ("G", implies(a, neg(("X", b)))),
    }[template]


ALL_TRACES = [t for n in range(1, 7) for t in itertools.product("abc", repeat=n)]


@pytest.mark.parametrize("template", ["existence", "absence", "init", "end", *BINARY])
def test_every_template_agrees_with_its_ltlf_formula_on_every_trace_up_to_six_events(template: str) -> None:
    log = make_log(ALL_TRACES)
    raw: dict[str, Any] = (
        {template: "a"} if template in ("existence", "absence", "init", "end") else {template: ["a", "b"]}
    )
    violated = judge(log, one(raw)).violated
    expected = np.array([not holds(ltlf(template, "a", "b"), t) for t in ALL_TRACES])
    wrong = [("".join(t), bool(v)) for t, v, e in zip(ALL_TRACES, violated, expected, strict=True) if v != e]
    assert not wrong, f"{template}: kernel differs from LTLf on {wrong[:10]}"


@pytest.mark.parametrize("n", [0, 1, 2])
def test_exactly_counts_on_every_trace(n: int) -> None:
    j = judge(make_log(ALL_TRACES), one({"exactly": {"activity": "a", "n": n}}))
    assert j.violated.tolist() == [t.count("a") != n for t in ALL_TRACES]


def test_a_violated_case_always_names_a_violated_activation_and_fulfilment_counts_them() -> None:
    log = make_log(ALL_TRACES)
    for template in BINARY:
        j = judge(log, one({template: ["a", "b"]}))
        events = j.event[j.violated]
        assert (events >= 0).all(), template  # binary violations always show at an event
        assert set(log.activity[events].tolist()) <= {log.code("a"), log.code("b")}, template
        assert j.activations >= j.fulfilled >= 0
        assert (j.event[~j.violated] == -1).all()


# --- each template: activated and satisfied, violated (each way), and vacuously satisfied --------------------

CASES: list[tuple[dict[str, Any], str, int | None, int, int]] = [
    # constraint, trace, position where it breaks (None: satisfied, -1: no event shows it), activations, fulfilled
    ({"existence": "a"}, "cab", None, 1, 1),
    ({"existence": "a"}, "cb", -1, 1, 0),
    ({"absence": "a"}, "cb", None, 1, 1),
    ({"absence": "a"}, "cbab", 2, 1, 0),
    ({"exactly": {"activity": "a", "n": 2}}, "aca", None, 1, 1),
    ({"exactly": {"activity": "a", "n": 2}}, "ac", -1, 1, 0),
    ({"exactly": {"activity": "a", "n": 2}}, "aacab", 3, 1, 0),
    ({"init": "a"}, "acb", None, 1, 1),
    ({"init": "a"}, "ca", 0, 1, 0),
    ({"end": "a"}, "cba", None, 1, 1),
    ({"end": "a"}, "acb", 2, 1, 0),
    ({"responded_existence": ["a", "b"]}, "bca", None, 1, 1),
    ({"responded_existence": ["a", "b"]}, "cac", 1, 1, 0),
    ({"responded_existence": ["a", "b"]}, "cbc", None, 0, 0),  # vacuous
    ({"coexistence": ["a", "b"]}, "bca", None, 2, 2),
    ({"coexistence": ["a", "b"]}, "ca", 1, 1, 0),
    ({"coexistence": ["a", "b"]}, "cb", 1, 1, 0),
    ({"coexistence": ["a", "b"]}, "cc", None, 0, 0),
    ({"not_coexistence": ["a", "b"]}, "cac", None, 1, 1),
    ({"not_coexistence": ["a", "b"]}, "bca", 0, 2, 0),
    ({"not_coexistence": ["a", "b"]}, "cc", None, 0, 0),
    ({"response": ["a", "b"]}, "acab", None, 2, 2),
    ({"response": ["a", "b"]}, "abca", 3, 2, 1),
    ({"response": ["a", "b"]}, "bcb", None, 0, 0),
    ({"precedence": ["a", "b"]}, "cabb", None, 2, 2),
    ({"precedence": ["a", "b"]}, "bab", 0, 2, 1),
    ({"precedence": ["a", "b"]}, "aca", None, 0, 0),
    ({"succession": ["a", "b"]}, "acb", None, 2, 2),
    ({"succession": ["a", "b"]}, "ba", 0, 2, 0),  # b before any a, and a never answered
    ({"succession": ["a", "b"]}, "abca", 3, 3, 2),  # only the response part breaks
    ({"succession": ["a", "b"]}, "cc", None, 0, 0),
    ({"alternate_response": ["a", "b"]}, "abcab", None, 2, 2),
    ({"alternate_response": ["a", "b"]}, "aab", 0, 2, 1),  # the first a sees another a before any b
    ({"alternate_response": ["a", "b"]}, "aba", 2, 2, 1),
    ({"alternate_response": ["a", "b"]}, "bb", None, 0, 0),
    ({"alternate_precedence": ["a", "b"]}, "abab", None, 2, 2),
    ({"alternate_precedence": ["a", "b"]}, "abb", 2, 2, 1),  # the second b has no a since the first
    ({"alternate_precedence": ["a", "b"]}, "ba", 0, 1, 0),
    ({"alternate_precedence": ["a", "b"]}, "aa", None, 0, 0),
    ({"alternate_succession": ["a", "b"]}, "abab", None, 4, 4),
    ({"alternate_succession": ["a", "b"]}, "abb", 2, 3, 2),
    ({"alternate_succession": ["a", "b"]}, "aab", 0, 3, 2),
    ({"chain_response": ["a", "b"]}, "abcab", None, 2, 2),
    ({"chain_response": ["a", "b"]}, "acb", 0, 1, 0),
    ({"chain_response": ["a", "b"]}, "aba", 2, 2, 1),  # a as the last event has nothing after it
    ({"chain_response": ["a", "b"]}, "cb", None, 0, 0),
    ({"chain_precedence": ["a", "b"]}, "cab", None, 1, 1),
    ({"chain_precedence": ["a", "b"]}, "acb", 2, 1, 0),
    ({"chain_precedence": ["a", "b"]}, "bab", 0, 2, 1),  # b as the first event has nothing before it
    ({"chain_precedence": ["a", "b"]}, "ca", None, 0, 0),
    ({"chain_succession": ["a", "b"]}, "cabab", None, 4, 4),
    ({"chain_succession": ["a", "b"]}, "acb", 0, 2, 0),
    ({"chain_succession": ["a", "b"]}, "cb", 1, 1, 0),
    ({"chain_succession": ["a", "b"]}, "cc", None, 0, 0),
    ({"not_succession": ["a", "b"]}, "bca", None, 2, 2),
    ({"not_succession": ["a", "b"]}, "bacb", 1, 3, 1),  # a then b: both the a and the later b break it
    ({"not_succession": ["a", "b"]}, "cc", None, 0, 0),
    ({"not_chain_succession": ["a", "b"]}, "acb", None, 2, 2),
    ({"not_chain_succession": ["a", "b"]}, "cabc", 1, 2, 0),
    ({"not_chain_succession": ["a", "b"]}, "ba", None, 2, 2),
]


@pytest.mark.parametrize(("raw", "trace", "broken_at", "activations", "fulfilled"), CASES)
def test_template_cases(
    raw: dict[str, Any], trace: str, broken_at: int | None, activations: int, fulfilled: int
) -> None:
    j = run(raw, [trace])
    assert bool(j.violated[0]) is (broken_at is not None)
    assert int(j.event[0]) == (-1 if broken_at is None else broken_at)
    assert (j.activations, j.fulfilled) == (activations, fulfilled)


def test_fulfilment_is_none_when_nothing_activates() -> None:
    j = run({"response": ["a", "b"]}, ["cc", "b"])
    assert j.activations == 0
    assert j.fulfilment is None
    assert not j.violated.any()


def test_templates_work_across_case_boundaries() -> None:
    """A case ending in a is not answered by the b that opens the next case; chain templates stop at a case."""
    log = make_log(["ca", "bc", "a", "b"])
    assert judge(log, one({"response": ["a", "b"]})).violated.tolist() == [True, False, True, False]
    assert judge(log, one({"chain_response": ["a", "b"]})).violated.tolist() == [True, False, True, False]
    assert judge(log, one({"chain_precedence": ["a", "b"]})).violated.tolist() == [False, True, False, True]
    assert judge(log, one({"alternate_precedence": ["a", "b"]})).violated.tolist() == [False, True, False, True]


def test_an_activity_the_log_never_has() -> None:
    log = make_log(["ab"])
    assert judge(log, one({"existence": "zz"})).violated.tolist() == [True]
    assert judge(log, one({"response": ["zz", "b"]})).violated.tolist() == [False]
    assert judge(log, one({"precedence": ["zz", "b"]})).violated.tolist() == [True]


# --- order -------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("trace", "broken_at"),
    [
        ("abcd", None),
        ("abd", None),  # c is optional
        ("xaybzd", None),  # other activities anywhere
        ("aabbcd", None),  # repeating a step is fine while the order holds
        ("acbd", 2),  # b after c
        ("abdc", 3),  # c after d
        ("abcdb", 4),  # going back to b
        ("acd", -1),  # b is missing
        ("bad", 1),
    ],
)
def test_order(trace: str, broken_at: int | None) -> None:
    j = run({"order": ["a", "b", "c?", "d"]}, [trace])
    assert bool(j.violated[0]) is (broken_at is not None)
    assert int(j.event[0]) == (-1 if broken_at is None else broken_at)
    assert j.activations == 1


def test_order_is_existence_of_required_steps_and_not_succession_backwards() -> None:
    """order(a, b, c?) = existence(a) ∧ existence(b) ∧ no earlier step after a later one, on every trace."""
    log = make_log(ALL_TRACES)
    got = judge(log, one({"order": ["a", "b", "c?"]})).violated
    want = [
        "a" not in t
        or "b" not in t
        or any(t[i] > t[j] for i in range(len(t)) for j in range(i + 1, len(t)))  # a < b < c alphabetically
        for t in ALL_TRACES
    ]
    assert got.tolist() == want


# --- time limits -------------------------------------------------------------------------------------------


def test_within_measures_each_start_to_the_first_end_after_it() -> None:
    c = one({"within": {"from": "a", "to": "b", "limit": "2h"}})
    log = make_log(["ab", "acb", "acccb", "aab", "ba"], hours=[[0, 2], [0, 1, 2], [0, 1, 2, 3, 5], [0, 1, 2], [0, 1]])
    j = judge(log, c, now=1000 * HOUR)
    assert j.violated.tolist() == [False, False, True, False, True]
    assert j.event.tolist()[2] == 5 + 0  # the a of the third case (log index 5)
    assert j.activations == 6
    assert j.fulfilled == 4


def test_within_without_an_end_is_pending_until_the_limit_passes() -> None:
    c = one({"within": {"from": "a", "to": "b", "limit": "2h"}})
    log = make_log(["a"], hours=[[10]])
    early = judge(log, c, now=11 * HOUR)
    assert (early.violated.tolist(), early.activations, early.pending) == ([False], 0, 1)
    late = judge(log, c, now=13 * HOUR)
    assert (late.violated.tolist(), late.activations, late.pending) == ([True], 1, 0)


def test_case_within_reports_the_event_that_overran() -> None:
    c = one({"case_within": "1d"})
    log = make_log(["abc", "abc"], hours=[[0, 5, 24], [0, 20, 30]])
    j = judge(log, c)
    assert j.violated.tolist() == [False, True]
    assert j.event.tolist() == [-1, 5]


def test_a_business_clock_replaces_wall_time() -> None:
    c = one({"case_within": "1h"})
    log = make_log(["ab"], hours=[[0, 3]])

    def half(starts: Any, ends: Any) -> Any:
        return (ends - starts) / 2e6 / 3

    assert judge(log, c, Clock(half)).violated.tolist() == [False]
    assert judge(make_log(["ab"], hours=[[0, 49]]), one({"case_within": "2d"}), Clock(half, day=3600)).violated[0]
    assert judge(log, c).violated.tolist() == [True]


# --- duties and roles --------------------------------------------------------------------------------------


def test_different_resource_breaks_at_the_second_duty() -> None:
    c = one({"different_resource": ["r", "a"]})
    traces = ["ra", "ra", "ar", "rra", "rxa", "ra"]
    who: list[list[str | None]] = [["u1", "u2"], ["u1", "u1"], ["u1", "u1"], ["u1", "u2", "u2"], ["u1", "u1", "u1"]]
    who.append([None, None])
    j = judge(make_log(traces, resources=who), c)
    assert j.violated.tolist() == [False, True, True, True, True, False]
    assert j.event.tolist() == [-1, 3, 5, 8, 11, -1]
    assert j.activations == 11  # every r and a with a resource (x is not listed)


def test_different_resource_over_three_duties() -> None:
    c = one({"different_resource": ["r", "a", "p"]})
    who: list[list[str | None]] = [["u1", "u2", "u3"], ["u1", "u2", "u1"], ["u1", "u1", "u2"]]
    j = judge(make_log(["rap", "rap", "rrp"], resources=who), c)
    assert j.violated.tolist() == [False, True, False]  # doing one duty twice is allowed
    assert j.event.tolist()[1] == 5


def test_by_role() -> None:
    c = one({"by_role": {"a": ["mgr", "cfo"]}})
    roles: list[list[str | None]] = [["clerk", "mgr"], ["clerk", "cfo"], ["clerk", "clerk"], ["clerk", None]]
    j = judge(make_log(["ra"] * 4, roles=roles), c)
    assert j.violated.tolist() == [False, False, True, True]
    assert (j.activations, j.fulfilled) == (4, 2)


# --- parsing -------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "message", "hint"),
    [
        ({"respons": ["a", "b"]}, "unknown constraint template 'respons'", "did you mean 'response'?"),
        ({"response": ["a"]}, "response takes two activities", "e.g. response: [A, B]"),
        ({"response": "a"}, "response takes two activities", None),
        ({"response": ["a", "a"]}, "names the same activity twice", None),
        ({"existence": ["a", "b"]}, "existence takes one activity", None),
        ({"exactly": {"activity": "a"}}, "exactly needs n:", None),
        ({"exactly": {"activity": "a", "n": -1}}, "-1 is not a number of times", None),
        ({"within": {"from": "a", "to": "b", "limt": "2h"}}, "unknown field 'limt'", "did you mean 'limit'?"),
        ({"within": {"from": "a", "to": "b", "limit": "1mo"}}, "1mo is a calendar length", None),
        ({"case_within": "soon"}, "'soon' is not a duration", None),
        ({"order": ["a"]}, "at least two steps", None),
        ({"order": ["a?", "b?"]}, "every step of this order is optional", None),
        ({"different_resource": ["a"]}, "at least two activities", None),
        ({"by_role": {}}, "by_role takes a mapping", None),
        ({"response": ["a", "b"], "precedence": ["a", "b"]}, "a constraint is a mapping with one template", None),
    ],
)
def test_malformed_constraints(raw: dict[str, Any], message: str, hint: str | None) -> None:
    _, issues = parse_constraints([{"init": "a"}, raw])
    assert len(issues) == 1
    assert message in issues[0].message
    assert issues[0].path[:2] == ("constraints", 1)
    if hint:
        assert hint in (issues[0].hint or "")


def test_labels_and_numbers_read_as_names() -> None:
    constraints, issues = parse_constraints(
        [
            {"response": ["register", 10]},
            {"exactly": {"activity": "a", "n": 1}},
            {"order": ["a", "b?", "c"]},
            {"within": {"from": "a", "to": "b", "limit": "72h"}},
            {"case_within": "30d"},
            {"by_role": {"approve": "财务经理", "pay": ["出纳", "会计"]}},
        ]
    )
    assert not issues
    assert [c.label for c in constraints] == [
        "response(register,10)",
        "exactly(a,1)",
        "order(a,b?,c)",
        "within(a,b,72h)",
        "case_within(30d)",
        "by_role(approve,财务经理)",
        "by_role(pay,出纳|会计)",
    ]
    assert constraints[3].limit == Duration.parse("72h")


def test_an_empty_log() -> None:
    log = EventLog(*(np.zeros(0, dtype=np.int64) for _ in range(3)), activities=())
    for raw in [{"response": ["a", "b"]}, {"init": "a"}, {"order": ["a", "b"]}, {"case_within": "1d"}]:
        j = judge(log, one(raw))
        assert (len(j.violated), j.activations) == (0, 0)


def test_judging_on_threads_gives_the_same_answers() -> None:
    rng = np.random.default_rng(3)
    n = 600_000
    cases = np.unique(np.sort(rng.integers(0, 60_000, n)), return_inverse=True)[1]  # numbered without gaps
    log = EventLog(
        cases.astype(np.int64),
        rng.integers(0, 4, n).astype(np.int64),
        np.arange(n, dtype=np.int64),
        ("a", "b", "c", "d"),
        resource=rng.integers(0, 50, n).astype(np.int64),
    )
    raws: list[dict[str, Any]] = [{t: ["a", "b"]} for t in BINARY]
    raws += [{"order": ["a", "b", "c?"]}, {"different_resource": ["a", "d"]}, {"exactly": {"activity": "c", "n": 2}}]
    constraints, _ = parse_constraints(raws)
    together = judge_all(log, constraints)
    for c, j in zip(constraints, together, strict=True):
        alone = judge(log, c)
        assert (j.violated == alone.violated).all() and (j.event == alone.event).all(), c.label
        assert (j.activations, j.fulfilled) == (alone.activations, alone.fulfilled), c.label


@pytest.mark.parametrize("template", BINARY)
def test_a_binary_template_with_an_activity_the_log_never_has_agrees_with_ltlf(template: str) -> None:
    """The shared arrays use -1 for "no neighbour"; an absent activity (code -1 too) must never match it."""
    log = make_log(ALL_TRACES)
    for x, y in (("a", "z"), ("z", "a")):
        violated = judge(log, one({template: [x, y]})).violated
        expected = np.array([not holds(ltlf(template, x, y), t) for t in ALL_TRACES])
        assert violated.tolist() == expected.tolist(), (template, x, y)


def test_logs_with_many_activities_sort_them_once_and_judge_the_same(monkeypatch: pytest.MonkeyPatch) -> None:
    """Up to FEW_ACTIVITIES activities each is found by a pass over the log, beyond by one sort: same answers."""
    import guifan.engine.process.log as log_module

    rng = np.random.default_rng(11)
    names = tuple(f"a{i:02d}" for i in range(40))
    n = 30_000
    cases = np.unique(np.sort(rng.integers(0, 3_000, n)), return_inverse=True)[1].astype(np.int64)
    columns = (cases, rng.integers(0, len(names), n).astype(np.int64), np.arange(n, dtype=np.int64))
    raws: list[dict[str, Any]] = [{t: ["a03", "a07"]} for t in BINARY]
    raws += [{"exactly": {"activity": "a05", "n": 1}}, {"order": ["a01", "a02?", "a03"]}, {"init": "a00"}]
    constraints, _ = parse_constraints(raws)
    monkeypatch.setattr(log_module, "FEW_ACTIVITIES", len(names))
    scanned = [judge(EventLog(*columns, activities=names), c) for c in constraints]
    monkeypatch.setattr(log_module, "FEW_ACTIVITIES", 0)
    sorted_once = [judge(EventLog(*columns, activities=names), c) for c in constraints]
    for c, j, k in zip(constraints, scanned, sorted_once, strict=True):
        assert (j.violated == k.violated).all() and (j.event == k.event).all(), c.label
        assert (j.activations, j.fulfilled) == (k.activations, k.fulfilled), c.label
