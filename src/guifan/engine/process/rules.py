"""The constraints beyond the Declare templates: step order, time limits, separation of duties, roles."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from guifan.engine.process.constraints import Constraint
from guifan.engine.process.judgement import Judgement, by_activation, by_case
from guifan.engine.process.log import EventLog, Ints, merge
from guifan.engine.values import Duration

Elapsed = Callable[[Ints, Ints], NDArray[np.float64]]
"""Seconds from each start to each end (epoch microseconds), in wall-clock or in business time."""


def wall_seconds(starts: Ints, ends: Ints) -> NDArray[np.float64]:
    return np.asarray((ends - starts) / 1e6, dtype=np.float64)


@dataclass(frozen=True)
class Clock:
    """How durations are measured: wall-clock time, or a work calendar's business time, where a day (``d``)
    is one working day and a week (``w``) one working week of the calendar."""

    elapsed: Elapsed = wall_seconds
    day: float = 86_400
    week: float = 7 * 86_400

    def limit(self, duration: Duration) -> float:
        if duration.unit == "d":
            return duration.amount * self.day
        if duration.unit == "w":
            return duration.amount * self.week
        return duration.seconds


WALL = Clock()


def order(log: EventLog, c: Constraint) -> Judgement:
    """Every required step happens, and no step happens after a later step of the list has happened.

    An event of a step goes back when an event of a later step came before it in its case: for each step,
    the first such event is its first occurrence after the earliest event of any later step. The case breaks
    at the earliest of them over all steps (at no event when only a required step is missing); each case is
    one activation.
    """
    none = log.n_events
    earliest_later = np.full(log.n_cases, none, dtype=np.int64)
    going_back = np.full(log.n_cases, none, dtype=np.int64)
    for step in reversed(c.activities):
        cases = np.flatnonzero(earliest_later < none)
        back = log.next_of(step, earliest_later[cases])
        going_back[cases] = np.minimum(going_back[cases], np.where(back >= 0, back, none))
        earliest_later = np.minimum(earliest_later, log.first(step))
    violated = going_back < none
    for step, optional in zip(c.activities, c.optional, strict=True):
        if not optional:
            violated |= ~log.has(step)
    return by_case(log, violated, np.where(going_back < none, going_back, -1))


def within(log: EventLog, c: Constraint, clock: Clock, now: int) -> Judgement:
    """Each ``from`` event is followed by a ``to`` event within the limit.

    The clock of a ``from`` event stops at the first ``to`` after it. Without one it is still running: it is
    violated once the limit has passed by ``now`` (the end of the period), and pending until then.
    """
    assert c.limit is not None
    starts = log.at(c.activities[0])
    stop = log.next_of(c.activities[1], starts)
    done = stop >= 0
    stops = np.where(done, log.time[np.maximum(stop, 0)], now)
    late = clock.elapsed(log.time[starts], stops) > clock.limit(c.limit)
    judged = int(np.count_nonzero(done | late))
    result = by_activation(log, judged, starts[late])
    return Judgement(result.violated, result.event, result.activations, result.fulfilled, len(starts) - judged)


def case_within(log: EventLog, c: Constraint, clock: Clock) -> Judgement:
    """A case lasts at most the limit from its first to its last event; the event that overran is reported."""
    assert c.limit is not None
    limit = clock.limit(c.limit)
    violated = clock.elapsed(log.time[log.starts], log.time[log.ends]) > limit
    events = np.flatnonzero(violated[log.case])
    over = clock.elapsed(log.time[log.start_of[events]], log.time[events]) > limit
    return by_case(log, violated, log.first_per_case(events[over]))


def different_resource(log: EventLog, c: Constraint) -> Judgement:
    """Nobody performs two different activities of the list in one case.

    Each event of a listed activity with a resource is an activation; it is violated when the same resource
    performed another listed activity earlier in the case (so ``request`` then ``approve`` by one person
    breaks at the approval).
    """
    assert log.resource is not None
    positions = merge(*(log.at(a) for a in c.activities))
    positions = positions[log.resource[positions] >= 0]
    if not len(positions):
        return by_activation(log, 0, positions)
    return by_activation(log, len(positions), positions[_repeated_hands(log, positions)])


def _repeated_hands(log: EventLog, positions: Ints) -> NDArray[np.bool_]:
    """Among the events at ``positions`` (ascending), those whose resource did another of them earlier."""
    assert log.resource is not None
    who = log.case[positions] * (int(log.resource.max()) + 1) + log.resource[positions]
    order = np.argsort(who, kind="stable")  # by (case, resource), in log order within
    who, acts = who[order], log.activity[positions][order]
    change = np.r_[True, who[1:] != who[:-1]]
    group_start = np.flatnonzero(change)
    group = np.cumsum(change) - 1
    first_act = acts[group_start][group]
    rank = np.arange(len(order))
    first_other = np.minimum.reduceat(np.where(acts != first_act, rank, len(order)), group_start)[group]
    out = np.zeros(len(positions), dtype=np.bool_)
    out[order] = (acts != first_act) | (rank > first_other)
    return out


def by_role(log: EventLog, c: Constraint) -> Judgement:
    """Every event of the activity is performed in one of the allowed roles (a missing role is not allowed)."""
    assert log.role is not None
    allowed = [i for i, name in enumerate(log.roles) if name in c.roles]
    at = log.at(c.activities[0])
    return by_activation(log, len(at), at[~np.isin(log.role[at], allowed)])
