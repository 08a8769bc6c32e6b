"""Business time on a work calendar, vectorised over arrays of instants.

The calendar becomes the sorted list of its working intervals as UTC instants (integer microseconds) over the
dates the data needs, with the business time accumulated up to each interval. The business time from the start
of that list up to an instant ``t`` is::

    j = the last interval starting at or before t
    B(t) = min(t + offset[j], cumulative_end[j])      # offset[j] = cumulative_start[j] - start[j]

and the business time between ``a`` and ``b`` is ``max(B(b) - B(a), 0)``. ``j`` could come from a binary search
(O(log k) for k intervals); it comes instead from a table of fixed-width buckets of time, each knowing the last
interval that starts before it, plus a comparison or two: O(1) per instant, faster than ``np.searchsorted``.
Adding business time inverts B with a binary search over ``cumulative_end``.

Conventions (docs/sla.md): a working period is ``[start, end)``; an instant outside working hours counts from
the next opening; an end before its start gives 0; a missing instant gives NaN (or NaT). Working periods are
wall-clock times in the calendar's zone: an ambiguous wall time (the repeated hour in autumn) means its first
occurrence, a wall time that does not exist (the skipped hour in spring) means the instant of the change.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import numpy as np
from numpy.typing import NDArray

from guifan.engine.calendars.builtin import builtin_set
from guifan.engine.calendars.instants import I64, NAT, US, as_datetime, epoch_us, local_date, to_utc_us
from guifan.engine.pack.calendar import WEEKDAYS, CalendarSpec, expand_dates, expand_years, parse_span

Spans = tuple[tuple[int, int], ...]
"""The working periods of one day: (start, end) in seconds after local midnight, sorted, end exclusive."""

_DAY = 86_400
_CHUNK = 1 << 16  # instants per pass: keeps temporaries in cache
_MAX_YEARS_AHEAD = 400  # adding business time gives up past this: the calendar has (almost) no working time


def parse_spans(texts: Iterable[str]) -> Spans:
    """``["09:00-12:00", "13:30-18:00"]`` as sorted second offsets (``24:00`` is 86400)."""
    out = []
    for text in texts:
        start, end = parse_span(text)
        begin = start.hour * 3600 + start.minute * 60
        finish = _DAY if end is None else end.hour * 3600 + end.minute * 60
        out.append((begin, finish))
    return tuple(sorted(out))


def _length(spans: Spans) -> int:
    return sum(end - start for start, end in spans)


@dataclass(frozen=True)
class _Table:
    """Working intervals of the local dates ``first``..``last``; index 0 is an empty interval before them all.

    ``buckets`` finds intervals without a binary search: the instants are cut into buckets of ``2**shift``
    microseconds; ``buckets[k]`` is the last interval starting at or before bucket k, and at most ``steps``
    intervals start inside any bucket, so a few comparisons finish the look-up.
    """

    first: date
    last: date
    starts: I64  # padded with one "never" start at the end
    offset: I64
    cumulative_end: I64
    shift: int
    buckets: I64
    steps: int

    def covers(self, first: date, last: date) -> bool:
        return self.first <= first and last <= self.last

    @property
    def total(self) -> int:
        return int(self.cumulative_end[-1])

    def cumulative(self, t: I64) -> I64:
        """Business microseconds from the start of the table up to each instant of ``t``."""
        if t.size <= _CHUNK:
            return self._cumulative(t)
        out = np.empty_like(t)
        for i in range(0, t.size, _CHUNK):
            out[i : i + _CHUNK] = self._cumulative(t[i : i + _CHUNK])
        return out

    def _cumulative(self, t: I64) -> I64:
        j = self.buckets[(t - self.starts[0]) >> self.shift]
        for _ in range(self.steps):
            j = j + (t >= self.starts[j + 1])
        out: I64 = np.minimum(t + self.offset[j], self.cumulative_end[j])
        return out

    def instant_at(self, business: I64) -> I64:
        """The first instant at which the cumulative business time reaches each value of ``business``."""
        j = np.searchsorted(self.cumulative_end, business, side="left")
        out: I64 = business - self.offset[j]
        return out


def _table(first: date, last: date, origin: int, horizon: int, starts: I64, ends: I64) -> _Table:
    """The look-up table of intervals ``starts``/``ends`` (UTC microseconds) for instants in [origin, horizon)."""
    lengths = ends - starts
    cumulative_end = np.cumsum(lengths)
    all_starts = np.concatenate(([origin], starts))
    shift = _shift(all_starts, horizon - origin)
    edges = origin + (np.arange(((horizon - origin) >> shift) + 1, dtype=np.int64) << shift)
    buckets = np.searchsorted(all_starts, edges, side="right") - 1
    inside = np.searchsorted(all_starts, edges + (1 << shift), side="left") - 1 - buckets
    return _Table(
        first=first,
        last=last,
        starts=np.concatenate((all_starts, [np.iinfo(np.int64).max])),
        offset=np.concatenate(([-origin], cumulative_end - lengths - starts)),
        cumulative_end=np.concatenate(([0], cumulative_end)),
        shift=shift,
        buckets=buckets.astype(np.int64),
        steps=int(inside.max(initial=0)),
    )


def _shift(starts: I64, span: int) -> int:
    """Bucket width 2**shift µs: about the smallest gap between interval starts, for at most one start per
    bucket, but no more than 2**20 buckets over ``span``."""
    gap = int(np.diff(starts[1:]).min()) if starts.size > 2 else _DAY * US
    shift = max(20, min(36, gap.bit_length() - 1))
    while span >> shift > 1 << 20:
        shift += 1
    return shift


class WorkCalendar:
    """A work calendar that measures business time between instants and adds business time to instants.

    Build it with :meth:`from_spec` from a pack calendar (a :class:`CalendarSpec` or the same mapping).
    """

    def __init__(
        self,
        *,
        timezone: str,
        week: Sequence[Spans],
        holidays: Iterable[date] = (),
        workdays: Iterable[date] = (),
        workday_hours: Spans | None = None,
        known_years: Iterable[int] | None = None,
        name: str = "calendar",
        day_names: Mapping[date, str] | None = None,
    ) -> None:
        if len(week) != 7:
            raise ValueError("week needs the working periods of 7 days, Monday first")
        self.name = name
        self.timezone = timezone
        self.zone = ZoneInfo(timezone)
        self.week: tuple[Spans, ...] = tuple(tuple(sorted(day)) for day in week)
        self.holidays = frozenset(holidays)
        self.workdays = frozenset(workdays) - self.holidays
        self.workday_hours = tuple(sorted(workday_hours or ())) or self.week[0] or None  # empty: not given
        self.known_years = None if known_years is None else frozenset(known_years)
        # the holiday each named day off or make-up working day belongs to (from the built-in set)
        self.day_names: Mapping[date, str] = {
            d: n for d, n in (day_names or {}).items() if d in self.holidays or d in self.workdays
        }
        self._table: _Table | None = None

    @classmethod
    def from_spec(
        cls, spec: CalendarSpec | Mapping[str, Any], *, default_timezone: str = "UTC", name: str = "calendar"
    ) -> WorkCalendar:
        """The calendar a pack describes; ``default_timezone`` (the pack's zone) applies when it names none."""
        if not isinstance(spec, CalendarSpec):
            spec = CalendarSpec.model_validate(dict(spec))
        holidays = set(expand_dates(spec.holidays))
        workdays = set(expand_dates(spec.workdays))
        known = set(expand_years(spec.known_years)) if spec.known_years is not None else None
        names: dict[date, str] = {}
        if spec.builtin is not None:
            builtin = builtin_set(spec.builtin)
            holidays |= builtin.holidays - workdays  # the pack's own lists win over the built-in set
            workdays |= builtin.workdays - holidays
            known = (known or set()) | set(builtin.years)
            names = {d: n for d, n in builtin.holiday_names.items() if d in holidays}
            names |= {d: n for d, n in builtin.workday_names.items() if d in workdays}
        return cls(
            timezone=spec.timezone or default_timezone,
            week=[parse_spans(spec.week.get(day, [])) for day in WEEKDAYS],
            holidays=holidays,
            workdays=workdays,
            workday_hours=parse_spans(spec.workday_hours) if spec.workday_hours is not None else None,
            known_years=known,
            name=name,
            day_names=names,
        )

    # --- the calendar's days ----------------------------------------------------------------------------

    def holiday_of(self, day: date) -> str | None:
        """The holiday a day off or make-up working day of the built-in set belongs to (``国庆节``), else None."""
        return self.day_names.get(day)

    def periods_on(self, day: date) -> Spans:
        """The working periods of a local date: none on a holiday, the make-up hours on a make-up day."""
        if day in self.holidays:
            return ()
        if day in self.workdays and self.workday_hours is not None:
            return self.workday_hours
        return self.week[day.weekday()]

    @property
    def day_seconds(self) -> int:
        """One working day (``d`` in an SLA limit): the most common length among the open weekdays, the longer
        one on a tie; the make-up day's hours when no weekday is open."""
        lengths = [_length(spans) for spans in self.week if spans]
        if not lengths:
            return _length(self.workday_hours or ())
        return max(lengths, key=lambda n: (lengths.count(n), n))

    @property
    def week_seconds(self) -> int:
        """One working week (``w`` in an SLA limit): the working time of the seven weekdays together."""
        return sum(_length(spans) for spans in self.week)

    # --- business time --------------------------------------------------------------------------------------

    def business_seconds(self, starts: Any, ends: Any) -> NDArray[np.float64]:
        """Business seconds between each pair of instants (float64; NaN where either is missing)."""
        a, b = to_utc_us(starts), to_utc_us(ends)
        if a.shape != b.shape:
            raise ValueError(f"starts and ends differ in length: {a.size} and {b.size}")
        valid = (a != NAT) & (b != NAT)
        if valid.all():
            return self.business_us(a, b) / US
        out = np.full(a.size, np.nan)
        out[valid] = self.business_us(a[valid], b[valid]) / US
        return out

    def business_us(self, starts: I64, ends: I64) -> I64:
        """Business microseconds between UTC microsecond instants (no missing values)."""
        if starts.size == 0:
            return np.zeros(0, dtype=np.int64)
        table = self.table(min(int(starts.min()), int(ends.min())), max(int(starts.max()), int(ends.max())))
        out: I64 = np.maximum(table.cumulative(ends) - table.cumulative(starts), 0)
        return out

    def add_business_time(self, starts: Any, seconds: Any) -> NDArray[np.datetime64]:
        """The instants at which ``seconds`` of business time have passed since ``starts`` (datetime64[us],
        UTC; NaT where the start or the seconds are missing). Time that ends at a closing time gives that closing
        time, not the next opening; zero seconds give the start itself."""
        a = to_utc_us(starts)
        amount = np.broadcast_to(np.asarray(seconds, dtype=np.float64), a.shape)
        if (amount < 0).any():
            raise ValueError("business time to add cannot be negative")
        valid = (a != NAT) & np.isfinite(amount)
        out = np.full(a.size, NAT, dtype=np.int64)
        out[valid] = self.add_us(a[valid], np.rint(amount[valid] * US).astype(np.int64))
        return out.view("datetime64[us]")

    def add_us(self, starts: I64, amounts: I64) -> I64:
        """UTC microsecond instants plus business microseconds (no missing values, no negative amounts)."""
        if starts.size == 0:
            return np.zeros(0, dtype=np.int64)
        low, high = int(starts.min()), int(starts.max())
        table = self.table(low, high)
        targets = table.cumulative(starts) + amounts
        needed = int(targets.max())
        reach, days = high, 0
        while table.total < needed:
            reach, days = self._further(reach, needed - table.total, days)
            table = self.table(low, reach)
            targets = table.cumulative(starts) + amounts
        out: I64 = np.maximum(starts, table.instant_at(targets))
        return out

    def _further(self, reach: int, missing_us: int, previous_days: int) -> tuple[int, int]:
        """How far to extend the table to find ``missing_us`` more business time: an estimate from the weekly
        hours, at least twice the previous extension (holidays may have eaten it), and the days extended."""
        if self.week_seconds == 0:  # only make-up days work: reach the last one, or give up
            last = max(self.workdays, default=None)
            if last is None or local_date(reach, self.zone) > last:
                raise ValueError(f"calendar {self.name} has no working time after {local_date(reach, self.zone)}")
            after = last + timedelta(days=2)
            return epoch_us(datetime(after.year, after.month, after.day, tzinfo=self.zone)), previous_days
        days = max(int(missing_us / (self.week_seconds / 7 * US) * 1.2) + 7, 2 * previous_days)
        if days > _MAX_YEARS_AHEAD * 366:
            raise ValueError(f"calendar {self.name} has no working time for {_MAX_YEARS_AHEAD} years")
        return reach + days * _DAY * US, days

    # --- the table of working intervals ---------------------------------------------------------------------

    def table(self, low_us: int, high_us: int) -> _Table:
        """The working intervals covering the instants ``low_us``..``high_us`` (kept and grown as needed)."""
        first = local_date(low_us, self.zone) - timedelta(days=1)
        last = local_date(high_us, self.zone) + timedelta(days=1)
        cached = self._table
        if cached is not None and cached.covers(first, last):
            return cached
        if cached is not None:
            first, last = min(first, cached.first), max(last, cached.last)
        self._table = self._build(first, last)
        return self._table

    def _build(self, first: date, last: date) -> _Table:
        starts, ends = self._intervals(first, last)
        origin = epoch_us(datetime(first.year, first.month, first.day, tzinfo=self.zone)) - _DAY * US
        after = last + timedelta(days=2)
        horizon = epoch_us(datetime(after.year, after.month, after.day, tzinfo=self.zone)) + _DAY * US
        return _table(first, last, origin, horizon, starts, ends)

    def _intervals(self, first: date, last: date) -> tuple[I64, I64]:
        starts: list[int] = []
        ends: list[int] = []
        for ordinal in range(first.toordinal(), last.toordinal() + 1):
            day = date.fromordinal(ordinal)
            spans = self.periods_on(day)
            if not spans:
                continue
            for start, end in self._instants(day, spans):
                if end > start:
                    starts.append(start)
                    ends.append(end)
        return np.array(starts, dtype=np.int64), np.array(ends, dtype=np.int64)

    def _instants(self, day: date, spans: Spans) -> list[tuple[int, int]]:
        """The day's working periods as UTC microseconds; the exact (slow) path only on a day the offset
        changes."""
        midnight = datetime(day.year, day.month, day.day, tzinfo=self.zone)
        following = midnight + timedelta(days=1)
        offset = midnight.utcoffset()
        if offset == following.utcoffset() and offset is not None:
            base = epoch_us(midnight.replace(tzinfo=UTC)) - offset // timedelta(microseconds=1)
            return [(base + start * US, base + end * US) for start, end in spans]
        return [(self.wall_to_utc(day, start), self.wall_to_utc(day, end)) for start, end in spans]

    def wall_to_utc(self, day: date, seconds: int) -> int:
        """A wall-clock time (``seconds`` after local midnight of ``day``) as UTC microseconds: an ambiguous time
        is its first occurrence; a time skipped by a change is the instant of the change."""
        first = datetime(day.year, day.month, day.day, tzinfo=self.zone) + timedelta(seconds=seconds)
        if first.astimezone(UTC).astimezone(self.zone).replace(tzinfo=None) == first.replace(tzinfo=None):
            return epoch_us(first)
        return self._change_between(epoch_us(first.replace(fold=1)), epoch_us(first))

    def _change_between(self, low: int, high: int) -> int:
        """The instant in (low, high] at which the zone's offset becomes the one it has at ``high``."""
        after = as_datetime(high).astimezone(self.zone).utcoffset()
        lo, hi = low // US, high // US
        while hi - lo > 1:
            mid = (lo + hi) // 2
            if as_datetime(mid * US).astimezone(self.zone).utcoffset() == after:
                hi = mid
            else:
                lo = mid
        return hi * US

    # --- what the calendar knows ----------------------------------------------------------------------------

    def unknown_years(self, low_us: int, high_us: int) -> list[int]:
        """The years of [low, high) (in the calendar's zone) whose holidays the calendar does not know; none
        when the calendar says nothing about which years it knows."""
        if self.known_years is None or high_us <= low_us:
            return []
        first = local_date(low_us, self.zone).year
        last = local_date(high_us - 1, self.zone).year
        return [year for year in range(first, last + 1) if year not in self.known_years]

    def warning(self, low_us: int, high_us: int) -> str | None:
        """``calendar cn-office does not know 2027 yet ...`` when [low, high) reaches unknown years."""
        unknown = self.unknown_years(low_us, high_us)
        if not unknown or self.known_years is None:
            return None
        years = _ranges(unknown)
        later = all(y > max(self.known_years, default=0) for y in unknown)
        known = _ranges(sorted(self.known_years))
        return (
            f"calendar {self.name} does not know {years}{' yet' if later else ''} (its holidays are known for "
            f"{known}); business time there follows the weekly hours alone"
        )


def _ranges(years: list[int]) -> str:
    """``2024-2026, 2028``."""
    parts: list[str] = []
    start = prev = None
    for year in [*years, None]:
        if year is not None and prev is not None and year == prev + 1:
            prev = year
            continue
        if start is not None:
            parts.append(str(start) if start == prev else f"{start}-{prev}")
        start = prev = year
    return ", ".join(parts) or "no year"
