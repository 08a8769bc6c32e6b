"""The Declare templates (Pesic & van der Aalst; LTLf semantics as surveyed by Di Ciccio & Montali), each
evaluated on every case at once. ``a`` and ``b`` are the activities named first and second.

For every binary template the activations are the events that make it apply (``response``: each A;
``precedence``: each B; ``succession`` and the ``not_`` templates: each A and each B) and an activation is
violated when what it requires is missing from the case (or, for the negative templates, present). Each rule
returns the number of activations and the positions of the violated ones.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from guifan.engine.process.constraints import Constraint
from guifan.engine.process.judgement import Judgement, by_activation, by_case
from guifan.engine.process.log import EventLog, Ints, merge

Found = tuple[int, Ints]  # (activations, violated positions, ascending)
Rule = Callable[[EventLog, str, str], Found]


def existence(log: EventLog, c: Constraint) -> Judgement:
    return by_case(log, ~log.has(c.activities[0]), np.full(log.n_cases, -1, dtype=np.int64))


def absence(log: EventLog, c: Constraint) -> Judgement:
    first = log.first(c.activities[0])
    return by_case(log, first < log.n_events, first)


def exactly(log: EventLog, c: Constraint) -> Judgement:
    """Violated at the (n+1)-th occurrence when there are too many; at no event when there are too few."""
    name = c.activities[0]
    idx = log.at(name)
    rank = np.arange(len(idx)) - log.offset(name)[log.cases_of(name)]
    extra = np.full(log.n_cases, -1, dtype=np.int64)
    extra[log.case[idx[rank == c.n]]] = idx[rank == c.n]
    return by_case(log, log.count(name) != c.n, extra)


def init(log: EventLog, c: Constraint) -> Judgement:
    return by_case(log, log.activity[log.starts] != log.code(c.activities[0]), log.starts)


def end(log: EventLog, c: Constraint) -> Judgement:
    return by_case(log, log.activity[log.ends] != log.code(c.activities[0]), log.ends)


def _responded(log: EventLog, a: str, b: str) -> Found:
    at = log.at(a)
    return len(at), at[~log.has(b)[log.cases_of(a)]]


def _response(log: EventLog, a: str, b: str) -> Found:
    at = log.at(a)
    return len(at), at[log.last(b)[log.cases_of(a)] < at]


def _precedence(log: EventLog, a: str, b: str) -> Found:
    bt = log.at(b)
    return len(bt), bt[log.first(a)[log.cases_of(b)] > bt]


def _alternate_response(log: EventLog, a: str, b: str) -> Found:
    """Each A is followed by a B before the next A: among the A and B events, the one after each A in its case
    is a B."""
    positions, is_a, same = log.interleaved(a, b)
    answered = np.zeros(len(positions), dtype=np.bool_)
    answered[:-1] = same & ~is_a[1:]
    return len(log.at(a)), positions[is_a & ~answered]


def _alternate_precedence(log: EventLog, a: str, b: str) -> Found:
    """Each B is preceded by an A after the previous B: among the A and B events, the one before each B in its
    case is an A."""
    positions, is_a, same = log.interleaved(a, b)
    preceded = np.zeros(len(positions), dtype=np.bool_)
    preceded[1:] = same & is_a[:-1]
    return len(log.at(b)), positions[~is_a & ~preceded]


def _chain_response(log: EventLog, a: str, b: str) -> Found:
    at = log.at(a)
    return len(at), at[~log.next_is(at, b)]


def _chain_precedence(log: EventLog, a: str, b: str) -> Found:
    bt = log.at(b)
    return len(bt), bt[~log.previous_is(bt, a)]


def _not_coexistence(log: EventLog, a: str, b: str) -> Found:
    at, bt = log.at(a), log.at(b)
    bad = merge(at[log.has(b)[log.cases_of(a)]], bt[log.has(a)[log.cases_of(b)]])
    return len(at) + len(bt), bad


def _not_succession(log: EventLog, a: str, b: str) -> Found:
    at, bt = log.at(a), log.at(b)
    bad = merge(at[log.last(b)[log.cases_of(a)] > at], bt[log.first(a)[log.cases_of(b)] < bt])
    return len(at) + len(bt), bad


def _not_chain_succession(log: EventLog, a: str, b: str) -> Found:
    at, bt = log.at(a), log.at(b)
    return len(at) + len(bt), merge(at[log.next_is(at, b)], bt[log.previous_is(bt, a)])


def _both(first: Rule, second: Rule) -> Rule:
    """The conjunction of two templates: the activations and violations of either."""

    def rule(log: EventLog, a: str, b: str) -> Found:
        n1, bad1 = first(log, a, b)
        n2, bad2 = second(log, a, b)
        return n1 + n2, merge(bad1, bad2)

    return rule


def _mirror(rule: Rule) -> Rule:
    """The template applied with its activities swapped (coexistence is responded existence both ways)."""
    return lambda log, a, b: rule(log, b, a)


BINARY_RULES: dict[str, Rule] = {
    "responded_existence": _responded,
    "coexistence": _both(_responded, _mirror(_responded)),
    "not_coexistence": _not_coexistence,
    "response": _response,
    "precedence": _precedence,
    "succession": _both(_response, _precedence),
    "alternate_response": _alternate_response,
    "alternate_precedence": _alternate_precedence,
    "alternate_succession": _both(_alternate_response, _alternate_precedence),
    "chain_response": _chain_response,
    "chain_precedence": _chain_precedence,
    "chain_succession": _both(_chain_response, _chain_precedence),
    "not_succession": _not_succession,
    "not_chain_succession": _not_chain_succession,
}

UNARY_RULES: dict[str, Callable[[EventLog, Constraint], Judgement]] = {
    "existence": existence,
    "absence": absence,
    "exactly": exactly,
    "init": init,
    "end": end,
}


def binary(log: EventLog, c: Constraint) -> Judgement:
    activations, bad = BINARY_RULES[c.template](log, c.activities[0], c.activities[1])
    return by_activation(log, activations, bad)
