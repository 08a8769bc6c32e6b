"""Process discovery: what the cases of an event log actually did, as a directly-follows graph and variants.

A conformance check says which cases break the standard; discovery shows the process as it runs, so a reader
sees where the deviating cases leave the standard path. Both read the same :class:`EventLog`, so the cases,
their events and the order of the events are exactly those the ``sequence`` check judges.

- **Directly-follows graph.** An edge ``A → B`` counts each time an event of B comes right after an event of A
  in the same case; the pseudo-edges from the start (``None → A``) and to the end (``A → None``) count the cases
  that begin with A and end with A. Per edge: its occurrences, the cases it occurs in, and the median and 90th
  percentile of the time between the two events (``numpy``'s linear interpolation between closest ranks).
- **Variants.** A variant is the sequence of activities of a case; per variant: the cases that follow it, their
  share of the cases, and the median duration from the case's first to its last event. Cases are grouped by
  hashing their sequences with numpy, verified event by event.

Durations are measured with a :class:`Clock`: wall-clock seconds, or business seconds in a work calendar.
Everything is computed with numpy on the whole log at once; the only Python loops run over distinct activities,
edges and variants.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from guifan.engine.process.log import Bools, EventLog, Ints
from guifan.engine.process.rules import WALL, Clock

Floats = NDArray[np.float64]


@dataclass(frozen=True)
class ActivityStats:
    """One activity: its events, the cases it occurs in, and where it typically comes in a case: the mean
    position of its first event in each case that has it (0 for the first event), and the same relative to the
    case's length (0 for the first event, 1 for the last; 0 in a case of one event)."""

    name: str
    events: int
    cases: int
    position: float
    relative_position: float


@dataclass(frozen=True)
class Edge:
    """``source`` directly followed by ``target``; ``None`` as source is the case's start, as target its end
    (those pseudo-edges have no duration)."""

    source: str | None
    target: str | None
    count: int
    cases: int
    median_s: float | None
    p90_s: float | None


@dataclass(frozen=True)
class Variant:
    """A sequence of activities and the cases that follow it. ``id`` is stable for the same sequence."""

    id: str
    activities: tuple[str, ...]
    cases: int
    share: float
    median_duration_s: float


@dataclass(frozen=True)
class Discovery:
    """The directly-follows graph and the variants of the selected cases of a log.

    ``variants`` are the most frequent first (ties in the order of their first case), all of them or the
    ``top`` asked for; ``n_variants`` counts them all. ``variant_of`` gives, for every case of the log
    (selected or not), the rank of its variant (its index in ``variants`` when listed), or -1 for a case that
    was not selected.
    """

    cases: int
    events: int
    activities: tuple[ActivityStats, ...]
    edges: tuple[Edge, ...]
    variants: tuple[Variant, ...]
    n_variants: int
    variant_of: Ints

    def cases_of(self, variant_id: str) -> Ints:
        """The case numbers (of the log) that follow the variant, ascending; empty for an unknown id."""
        index = next((i for i, v in enumerate(self.variants) if v.id == variant_id), None)
        if index is None:
            return np.zeros(0, dtype=np.int64)
        return np.flatnonzero(self.variant_of == index).astype(np.int64)


def variant_id(activities: tuple[str, ...]) -> str:
    """A short stable name for a sequence of activities (to name a variant in a link)."""
    text = "\x1f".join(activities).encode("utf-8")
    return hashlib.blake2b(text, digest_size=6).hexdigest()


def discover(log: EventLog, selected: Bools | None = None, clock: Clock = WALL, top: int | None = None) -> Discovery:
    """The directly-follows graph and variants of the log's cases, or only of the ``selected`` ones (a mask
    over case numbers). ``top`` lists only that many of the most frequent variants (every case still knows
    its variant's rank)."""
    part, numbers = _restricted(log, selected)
    variant_of = np.full(log.n_cases, -1, dtype=np.int64)
    if part.n_events == 0:
        return Discovery(0, 0, (), (), (), 0, variant_of)
    variants, n_variants, per_case = _variants(part, clock, top)
    variant_of[numbers] = per_case
    activities, edges = _activities(part), _edges(part, clock)
    return Discovery(part.n_cases, part.n_events, activities, edges, variants, n_variants, variant_of)


def _restricted(log: EventLog, selected: Bools | None) -> tuple[EventLog, Ints]:
    """The log of the selected cases (renumbered from 0), and the original number of each of its cases."""
    if selected is None or log.n_events == 0:
        return log, np.arange(log.n_cases, dtype=np.int64)
    if len(selected) != log.n_cases:
        raise ValueError(f"the selection has {len(selected)} entries for {log.n_cases} cases")
    rows = selected[log.case]
    numbers = np.flatnonzero(selected).astype(np.int64)
    renumber = np.cumsum(selected, dtype=np.int64) - 1
    part = EventLog(renumber[log.case[rows]], log.activity[rows], log.time[rows], log.activities)
    return part, numbers


def _activities(log: EventLog) -> tuple[ActivityStats, ...]:
    n = len(log.activities)
    events = np.bincount(log.activity, minlength=n)
    first = _first_of_pair(log.case * n + log.activity)
    cases = np.bincount(log.activity[first], minlength=n)
    position = (np.arange(log.n_events) - log.start_of)[first].astype(np.float64)
    last = (log.ends - log.starts)[log.case[first]].astype(np.float64)
    relative = np.divide(position, last, out=np.zeros_like(position), where=last > 0)
    sums = np.bincount(log.activity[first], weights=position, minlength=n)
    relative_sums = np.bincount(log.activity[first], weights=relative, minlength=n)
    return tuple(
        ActivityStats(
            name, int(events[i]), int(cases[i]), float(sums[i] / cases[i]), float(relative_sums[i] / cases[i])
        )
        for i, name in enumerate(log.activities)
        if events[i]
    )


def _first_of_pair(pairs: Ints) -> Bools:
    """Whether each event is the first of its (case, activity) pair in log order (a stable sort keeps it)."""
    order = np.argsort(pairs, kind="stable")
    sorted_pairs = pairs[order]
    head = np.r_[True, sorted_pairs[1:] != sorted_pairs[:-1]]
    out = np.zeros(len(pairs), dtype=np.bool_)
    out[order[head]] = True
    return out


def _edges(log: EventLog, clock: Clock) -> tuple[Edge, ...]:
    """Every directly-follows pair with its counts and durations, then the start and end pseudo-edges."""
    n = len(log.activities)
    inside = np.flatnonzero(log.case[1:] == log.case[:-1])  # event i is followed by i + 1 in its case
    pair = log.activity[inside] * n + log.activity[inside + 1]
    seconds = clock.elapsed(log.time[inside], log.time[inside + 1])
    codes, counts, cases, order = _counted(pair, log.case[inside])
    medians, p90s = _quantiles(order, seconds, counts)
    edges = [
        Edge(log.activities[c // n], log.activities[c % n], int(k), int(m), float(md), float(p))
        for c, k, m, md, p in zip(codes.tolist(), counts, cases, medians, p90s, strict=True)
    ]
    for at, starting in ((log.starts, True), (log.ends, False)):
        tally = np.bincount(log.activity[at], minlength=n)
        for code in np.flatnonzero(tally).tolist():
            name = log.activities[code]
            source, target = (None, name) if starting else (name, None)
            edges.append(Edge(source, target, int(tally[code]), int(tally[code]), None, None))
    return tuple(edges)


def _counted(keys: Ints, case: Ints) -> tuple[Ints, Ints, Ints, Ints]:
    """The distinct keys (ascending), how often each occurs, in how many distinct cases, and the order that
    groups the keys (stable, so each key's cases stay ascending)."""
    order = _stable_order(keys)
    if not len(keys):
        return keys, keys, keys, order
    ordered, cases = keys[order], case[order]
    head = np.r_[True, ordered[1:] != ordered[:-1]]
    bounds = np.flatnonzero(head)
    counts = np.diff(np.r_[bounds, len(keys)])
    new_case = head | np.r_[True, cases[1:] != cases[:-1]]
    in_cases = np.add.reduceat(new_case.astype(np.int64), bounds)
    return ordered[bounds], counts, in_cases, order


def _stable_order(keys: Ints) -> Ints:
    """A stable argsort; small non-negative codes are sorted as narrow integers (numpy then uses a radix sort)."""
    top = int(keys.max(initial=0))
    narrow = keys.astype(np.int16) if top < 2**15 and int(keys.min(initial=0)) >= 0 else keys
    return np.asarray(np.argsort(narrow, kind="stable"), dtype=np.int64)


def _quantiles(order: Ints, values: Floats, counts: Ints) -> tuple[Floats, Floats]:
    """Per group: the median and the 90th percentile of its values, given the order that groups them."""
    group = np.empty(len(values), dtype=np.int64)
    group[order] = np.repeat(np.arange(len(counts), dtype=np.int64), counts)
    by_value = np.argsort(values, kind="stable")
    ordered = values[by_value[_stable_order(group[by_value])]]  # by group, ascending values within each
    offsets = (np.cumsum(counts) - counts).astype(np.int64)
    return _quantile(ordered, offsets, counts, 0.5), _quantile(ordered, offsets, counts, 0.9)


def _quantile(ordered: Floats, offsets: Ints, sizes: Ints, q: float) -> Floats:
    """Quantile ``q`` of each group of sorted values, interpolated linearly between closest ranks (numpy's
    default)."""
    rank = q * (sizes - 1)
    low = np.floor(rank).astype(np.int64)
    high = np.minimum(low + 1, sizes - 1)
    frac = rank - low
    below, above = ordered[offsets + low], ordered[offsets + high]
    return np.asarray(below + (above - below) * frac, dtype=np.float64)


def _variants(log: EventLog, clock: Clock, top: int | None) -> tuple[tuple[Variant, ...], int, Ints]:
    """The ``top`` most frequent variants (all when None; ties in the order of their first case), how many
    variants there are, and each case's variant rank."""
    label, representative = _group_sequences(log)
    n_variants = len(representative)
    counts = np.bincount(label, minlength=n_variants)
    ranking = np.lexsort((representative, -counts))
    rank = np.empty(n_variants, dtype=np.int64)
    rank[ranking] = np.arange(n_variants)
    durations = clock.elapsed(log.time[log.starts], log.time[log.ends])
    offsets = (np.cumsum(counts) - counts).astype(np.int64)
    medians = _quantile(durations[np.lexsort((durations, label))], offsets, counts, 0.5)
    variants = []
    for v in ranking[:top].tolist():
        sequence = _sequence(log, int(representative[v]))
        share = int(counts[v]) / log.n_cases
        variants.append(Variant(variant_id(sequence), sequence, int(counts[v]), share, float(medians[v])))
    return tuple(variants), n_variants, rank[label]


def _sequence(log: EventLog, case: int) -> tuple[str, ...]:
    codes = log.activity[log.starts[case] : log.ends[case] + 1].tolist()
    return tuple(log.activities[c] for c in codes)


_MULTIPLIERS = (np.uint64(0x9E3779B97F4A7C15), np.uint64(0xC2B2AE3D27D4EB4F))


def _group_sequences(log: EventLog) -> tuple[Ints, Ints]:
    """Cases with the same sequence of activities get the same label: (label per case, a case per label).

    Each case's sequence is hashed twice (polynomial hashes modulo 2**64) together with its length; the
    grouping is then verified event by event against each group's first case, and a case that differs (a hash
    collision, practically never) is grouped exactly in Python.
    """
    position = np.arange(log.n_events, dtype=np.int64) - log.start_of
    lengths = (log.ends - log.starts + 1).astype(np.uint64)
    symbols = log.activity.astype(np.uint64) + np.uint64(1)
    keys = [lengths]
    with np.errstate(over="ignore"):
        for multiplier in _MULTIPLIERS:
            powers = np.cumprod(np.full(int(lengths.max()), multiplier, dtype=np.uint64), dtype=np.uint64)
            keys.append(np.add.reduceat(symbols * powers[position], log.starts, dtype=np.uint64))
    order = np.lexsort(keys[::-1])
    stacked = np.stack([k[order] for k in keys])
    head = np.r_[True, (stacked[:, 1:] != stacked[:, :-1]).any(axis=0)]
    label = np.empty(log.n_cases, dtype=np.int64)
    label[order] = np.cumsum(head) - 1
    representative = order[head].astype(np.int64)
    same = log.activity == log.activity[log.starts[representative[label]][log.case] + position]
    if not same.all():
        return _group_exactly(log)
    return label, representative


def _group_exactly(log: EventLog) -> tuple[Ints, Ints]:
    seen: dict[bytes, int] = {}
    label = np.empty(log.n_cases, dtype=np.int64)
    data = log.activity.astype(np.int64).tobytes()
    width = np.dtype(np.int64).itemsize
    for case, (start, end) in enumerate(zip(log.starts.tolist(), log.ends.tolist(), strict=True)):
        label[case] = seen.setdefault(data[start * width : (end + 1) * width], len(seen))
    representative = np.zeros(len(seen), dtype=np.int64)
    representative[label[::-1]] = np.arange(log.n_cases - 1, -1, -1)
    return label, representative
