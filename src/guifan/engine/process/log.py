"""An event log as flat, case-sorted numpy arrays, and the per-case primitives every template is built from.

Events of all cases are concatenated in one order: by case, then by time, then by the tie-break the caller
chose. A case is the slice ``starts[i]:ends[i] + 1``. The primitives work on the sorted positions of one
activity's occurrences (found by one pass over the one-byte activity codes, or, when the log has many
activities, for all of them at once with one radix sort) and on per-case arrays built from them and shared
by every template, so no Python loop runs over events or cases.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

import numpy as np
from numpy.typing import NDArray

Ints = NDArray[np.int64]
Bools = NDArray[np.bool_]
Codes = NDArray[np.signedinteger[Any]]  # activity codes in the smallest integer type that holds them
FEW_ACTIVITIES = 16  # up to this many, each activity's events are found by a pass over the log, not a sort


def merge(*parts: Ints) -> Ints:
    """The distinct positions of several ascending arrays, ascending (a merge: timsort joins sorted runs)."""
    if len(parts) == 1:
        return parts[0]
    joined = np.sort(np.concatenate(parts), kind="stable")
    return joined[np.r_[True, joined[1:] != joined[:-1]]] if len(joined) else joined


@dataclass(frozen=True)
class EventLog:
    """Case-sorted events. ``case`` is non-decreasing and every case has at least one event."""

    case: Ints  # case number of each event, 0..n_cases-1
    activity: Ints  # activity code of each event, an index into ``activities``
    time: Ints  # epoch microseconds
    activities: tuple[str, ...]
    resource: Ints | None = None  # resource code, -1 when missing
    role: Ints | None = None  # role code, -1 when missing
    roles: tuple[str, ...] = ()
    _memo: dict[str, Ints] = field(default_factory=dict, init=False, repr=False, compare=False)
    _pairs: dict[tuple[str, str], tuple[Ints, Bools, Bools]] = field(
        default_factory=dict, init=False, repr=False, compare=False
    )

    @property
    def n_events(self) -> int:
        return len(self.case)

    @cached_property
    def n_cases(self) -> int:
        return int(self.case[-1]) + 1 if self.n_events else 0

    @cached_property
    def starts(self) -> Ints:
        """Index of each case's first event."""
        return np.flatnonzero(np.r_[True, self.case[1:] != self.case[:-1]]) if self.n_events else self.case[:0]

    @cached_property
    def ends(self) -> Ints:
        """Index of each case's last event."""
        return np.r_[self.starts[1:] - 1, self.n_events - 1] if self.n_events else self.case[:0]

    @cached_property
    def start_of(self) -> Ints:
        """For each event, the index of its case's first event."""
        return self.starts[self.case]

    def prepare(self, activities: tuple[str, ...] = (), neighbours: bool = False) -> None:
        """Build the arrays the templates share, before several threads read them: those of every log, the
        cases of the named activities' events, and (``neighbours``) each event's neighbouring activities."""
        _ = (self.n_cases, self.starts, self.ends, self.codes, self._small)
        if len(self.activities) > FEW_ACTIVITIES:
            _ = self._by_activity
        for name in activities:
            self.cases_of(name)
        if neighbours:
            _ = self._neighbours

    @cached_property
    def codes(self) -> dict[str, int]:
        """Activity name -> code."""
        return {name: i for i, name in enumerate(self.activities)}

    def code(self, activity: str) -> int:
        """The code of an activity; -1 when the log never has it."""
        return self.codes.get(activity, -1)

    # --- where each activity occurs -------------------------------------------------------------------

    @cached_property
    def _small(self) -> Codes:
        """The activity codes in the smallest integer type that holds them (and -1)."""
        n = len(self.activities)
        small: Codes = self.activity.astype(np.int8 if n < 2**7 else np.int16 if n < 2**15 else np.int64)
        return small

    @cached_property
    def _by_activity(self) -> tuple[Ints, Ints]:
        """Event indices grouped by activity (in log order within each), and where each group begins."""
        order = np.asarray(np.argsort(self._small, kind="stable"), dtype=np.int64)  # a radix sort on small codes
        counts = np.bincount(self.activity, minlength=len(self.activities))
        return order, np.r_[0, np.cumsum(counts)].astype(np.int64)

    def at(self, activity: str) -> Ints:
        """The indices of an activity's events, ascending."""
        code = self.code(activity)
        if code < 0:
            return self.case[:0]
        if len(self.activities) <= FEW_ACTIVITIES:  # a pass over the one-byte codes beats sorting them all
            key = f"at:{activity}"
            if key not in self._memo:
                self._memo[key] = np.flatnonzero(self._small == code)
            return self._memo[key]
        order, bounds = self._by_activity
        return order[bounds[code] : bounds[code + 1]]

    def cases_of(self, activity: str) -> Ints:
        """The case of each of the activity's events (aligned with :meth:`at`)."""
        key = f"case:{activity}"
        if key not in self._memo:
            self._memo[key] = self.case[self.at(activity)]
        return self._memo[key]

    def _per_case(self, activity: str, what: str) -> Ints:
        key = f"{what}:{activity}"
        if key not in self._memo:
            self._memo[key] = self._compute(activity, what)
        return self._memo[key]

    def _compute(self, activity: str, what: str) -> Ints:
        """Per case: how many times the activity occurs (``count``), where its events begin among those of
        :meth:`at` (``offset``), or the index of its ``first`` or ``last`` occurrence (``n_events`` and -1 when
        none)."""
        if what == "count":
            return np.bincount(self.cases_of(activity), minlength=self.n_cases).astype(np.int64, copy=False)
        count = self.count(activity)
        if what == "offset":
            return _offsets(count)
        idx, offset = self.at(activity), self._per_case(activity, "offset")
        if what == "first":
            return _pick(idx, np.minimum(offset, len(idx) - 1), count, self.n_events)
        at = offset + count
        at -= 1
        return _pick(idx, at, count, -1)

    def count(self, activity: str) -> Ints:
        """How many times each case has the activity."""
        return self._per_case(activity, "count")

    def offset(self, activity: str) -> Ints:
        """Per case, where its events of the activity begin among :meth:`at` (their rank is counted from it)."""
        return self._per_case(activity, "offset")

    def first(self, activity: str) -> Ints:
        """Per case, the index of the activity's first event; ``n_events`` when the case has none."""
        return self._per_case(activity, "first")

    def last(self, activity: str) -> Ints:
        """Per case, the index of the activity's last event; -1 when the case has none."""
        return self._per_case(activity, "last")

    def has(self, activity: str) -> Bools:
        """Whether each case has the activity."""
        return self.last(activity) >= 0

    # --- neighbours of given events -------------------------------------------------------------------

    def next_of(self, activity: str, positions: Ints) -> Ints:
        """For each position, the index of the activity's first event after it in the same case; -1 if none."""
        idx = self.at(activity)
        if not len(idx):
            return np.full(len(positions), -1, dtype=np.int64)
        k = np.searchsorted(idx, positions, side="right")
        found = idx[np.minimum(k, len(idx) - 1)]
        ok = (k < len(idx)) & (self.case[found] == self.case[positions])
        return np.where(ok, found, -1)

    def previous_of(self, activity: str, positions: Ints) -> Ints:
        """For each position, the index of the activity's last event before it in the same case; -1 if none."""
        idx = self.at(activity)
        if not len(idx):
            return np.full(len(positions), -1, dtype=np.int64)
        k = np.searchsorted(idx, positions, side="left") - 1
        found = idx[np.maximum(k, 0)]
        ok = (k >= 0) & (self.case[found] == self.case[positions])
        return np.where(ok, found, -1)

    @cached_property
    def _neighbours(self) -> tuple[Codes, Codes]:
        """Per event, the activity code of the next and of the previous event of its case; -1 where there is none
        (after a case's last event, before its first)."""
        small = self._small
        after, before = np.empty_like(small), np.empty_like(small)
        after[:-1], before[1:] = small[1:], small[:-1]
        after[self.ends], before[self.starts] = -1, -1
        return after, before

    def next_is(self, positions: Ints, activity: str) -> Bools:
        """Whether the event right after each position, in the same case, is the activity."""
        code = self.code(activity)
        if code < 0:
            return np.zeros(len(positions), dtype=np.bool_)
        out: Bools = self._neighbours[0][positions] == code
        return out

    def previous_is(self, positions: Ints, activity: str) -> Bools:
        """Whether the event right before each position, in the same case, is the activity."""
        code = self.code(activity)
        if code < 0:
            return np.zeros(len(positions), dtype=np.bool_)
        out: Bools = self._neighbours[1][positions] == code
        return out

    def interleaved(self, a: str, b: str) -> tuple[Ints, Bools, Bools]:
        """The events of two different activities merged in log order: their positions (ascending), whether each
        is an ``a``, and whether each one and the next of them are in the same case (one shorter). (One pass over
        the one-byte codes of the whole log finds them faster than merging the two lists of positions.)"""
        key = (a, b)
        if key not in self._pairs:
            small, code_a = self._small, self.code(a)
            positions = np.flatnonzero((small == code_a) | (small == self.code(b)))
            cases = self.case[positions]
            self._pairs[key] = (positions, small[positions] == code_a, cases[1:] == cases[:-1])
        return self._pairs[key]

    def first_per_case(self, positions: Ints) -> Ints:
        """For ascending positions, per case the first of them; -1 when the case has none."""
        count = np.bincount(self.case[positions], minlength=self.n_cases)
        at = _offsets(count)
        np.minimum(at, len(positions) - 1, out=at)
        return _pick(positions, at, count, -1)


def _offsets(count: Ints) -> Ints:
    """Where each case's run begins in a case-sorted list, from how many each case has there."""
    offset = np.cumsum(count)
    offset -= count
    return offset


def _pick(values: Ints, at: Ints, count: Ints, otherwise: int) -> Ints:
    """``values[at]`` where ``count`` is positive, else ``otherwise`` (``at`` may point anywhere in ``values``
    there). Made in place: on ten million events a fresh temporary costs as much in page faults as the work."""
    if not len(values):
        return np.full(len(at), otherwise, dtype=np.int64)
    out: Ints = values[at]
    out[count == 0] = otherwise
    return out
