"""An event log as flat, case-sorted numpy arrays, and the per-case primitives every template is built from.

Events of all cases are concatenated in one order: by case, then by time, then by the tie-break the caller
chose. A case is the slice ``starts[i]:ends[i] + 1``. The primitives work on the sorted positions of one
activity's occurrences (found once for all activities with one radix sort), so a template costs time in
proportion to the events it is about, and no Python loop runs over events or cases.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property

import numpy as np
from numpy.typing import NDArray

Ints = NDArray[np.int64]
Bools = NDArray[np.bool_]


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

    def prepare(self) -> None:
        """Build the arrays every template shares, before several threads read them."""
        _ = (self.n_cases, self.starts, self.ends, self.codes, self._by_activity)

    @cached_property
    def codes(self) -> dict[str, int]:
        """Activity name -> code."""
        return {name: i for i, name in enumerate(self.activities)}

    def code(self, activity: str) -> int:
        """The code of an activity; -1 when the log never has it."""
        return self.codes.get(activity, -1)

    # --- where each activity occurs -------------------------------------------------------------------

    @cached_property
    def _by_activity(self) -> tuple[Ints, Ints]:
        """Event indices grouped by activity (in log order within each), and where each group begins."""
        n = len(self.activities)
        small = self.activity.astype(np.int8 if n < 2**7 else np.int16 if n < 2**15 else np.int64)
        order = np.asarray(np.argsort(small, kind="stable"), dtype=np.int64)  # a radix sort on small codes
        counts = np.bincount(self.activity, minlength=len(self.activities))
        return order, np.r_[0, np.cumsum(counts)].astype(np.int64)

    def at(self, activity: str) -> Ints:
        """The indices of an activity's events, ascending."""
        code = self.code(activity)
        if code < 0:
            return self.case[:0]
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
        """Per case: how many times the activity occurs (``count``), or the index of its ``first`` or ``last``
        occurrence (``n_events`` and -1 when none)."""
        idx, cases = self.at(activity), self.cases_of(activity)
        if what == "count":
            return np.bincount(cases, minlength=self.n_cases).astype(np.int64, copy=False)
        change = cases[1:] != cases[:-1]
        if what == "first":
            out = np.full(self.n_cases, self.n_events, dtype=np.int64)
            ends = np.r_[True, change] if len(idx) else change
        else:
            out = np.full(self.n_cases, -1, dtype=np.int64)
            ends = np.r_[change, True] if len(idx) else change
        out[cases[ends]] = idx[ends]
        return out

    def count(self, activity: str) -> Ints:
        """How many times each case has the activity."""
        return self._per_case(activity, "count")

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

    def next_is(self, positions: Ints, activity: str) -> Bools:
        """Whether the event right after each position, in the same case, is the activity."""
        after = np.minimum(positions + 1, self.n_events - 1)
        same = (positions + 1 < self.n_events) & (self.case[after] == self.case[positions])
        out: Bools = same & (self.activity[after] == self.code(activity))
        return out

    def previous_is(self, positions: Ints, activity: str) -> Bools:
        """Whether the event right before each position, in the same case, is the activity."""
        before = np.maximum(positions - 1, 0)
        same = (positions > 0) & (self.case[before] == self.case[positions])
        out: Bools = same & (self.activity[before] == self.code(activity))
        return out

    def following_in(self, positions: Ints) -> Ints:
        """For ascending positions, the next of them in the same case; -1 for the last of each case."""
        out = np.full(len(positions), -1, dtype=np.int64)
        same = self.case[positions[1:]] == self.case[positions[:-1]]
        out[:-1] = np.where(same, positions[1:], -1)
        return out

    def preceding_in(self, positions: Ints) -> Ints:
        """For ascending positions, the previous of them in the same case; -1 for the first of each case."""
        out = np.full(len(positions), -1, dtype=np.int64)
        same = self.case[positions[1:]] == self.case[positions[:-1]]
        out[1:] = np.where(same, positions[:-1], -1)
        return out

    def first_per_case(self, positions: Ints) -> Ints:
        """For ascending positions, per case the first of them; -1 when the case has none."""
        out = np.full(self.n_cases, -1, dtype=np.int64)
        cases = self.case[positions]
        heads = np.r_[True, cases[1:] != cases[:-1]] if len(positions) else np.zeros(0, dtype=np.bool_)
        out[cases[heads]] = positions[heads]
        return out
