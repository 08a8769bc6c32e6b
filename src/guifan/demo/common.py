"""Shared pieces of the demo generator: the year it covers, work calendar, random streams and datasets."""

from __future__ import annotations

import zlib
from dataclasses import dataclass, field
from functools import cache
from typing import TYPE_CHECKING, Any

import numpy as np
import pyarrow as pa
from numpy.typing import NDArray

if TYPE_CHECKING:
    from guifan.engine.calendars import WorkCalendar

# numpy's stubs do not follow datetime arithmetic (day + timedelta is typed as a timedelta), so dates and
# instants are plain arrays to the type checker; the names say what they hold: datetime64[D] and datetime64[s].
Days = NDArray[Any]
Times = NDArray[Any]
Ints = NDArray[np.int64]
Floats = NDArray[np.float64]
Bools = NDArray[np.bool_]
Strs = NDArray[np.str_]

START = np.datetime64("2025-11-01", "D")
END = np.datetime64("2026-11-01", "D")  # exclusive: the year is [START, END)
# The data was exported on this day: records of the year carry their progress (responses, payments, closures)
# up to it; whatever happens later is not in the files yet.
EXTRACTED = np.datetime64("2026-11-20", "D")
EXTRACTED_AT = EXTRACTED.astype("datetime64[s]")
DAYS: Days = np.arange(START, END, dtype="datetime64[D]")
MONTHS: NDArray[np.datetime64] = np.arange(
    np.datetime64("2025-11", "M"), np.datetime64("2026-11", "M"), dtype="datetime64[M]"
)

# State Council notice of 4 Nov 2025 (国办发明电): days off and make-up working days (调休) in 2026.
HOLIDAYS_2026: tuple[str, ...] = (
    "2026-01-01..2026-01-03",
    "2026-02-15..2026-02-23",
    "2026-04-04..2026-04-06",
    "2026-05-01..2026-05-05",
    "2026-06-19..2026-06-21",
    "2026-09-25..2026-09-27",
    "2026-10-01..2026-10-07",
)
WORKDAYS_2026: tuple[str, ...] = (
    "2026-01-04",
    "2026-02-14",
    "2026-02-28",
    "2026-05-09",
    "2026-09-20",
    "2026-10-10",
)


def expand(ranges: tuple[str, ...]) -> Days:
    """Dates and inclusive ``a..b`` ranges as one array of days."""
    parts = []
    for item in ranges:
        first, _, last = item.partition("..")
        parts.append(np.arange(np.datetime64(first), np.datetime64(last or first) + 1, dtype="datetime64[D]"))
    return np.concatenate(parts)


def weekday(days: Days) -> Ints:
    """Monday = 0 ... Sunday = 6."""
    return ((days.astype("datetime64[D]").astype(np.int64) + 3) % 7).astype(np.int64)


def is_workday(days: Days) -> Bools:
    """Working days in mainland China: Monday to Friday, minus holidays, plus make-up working days."""
    days = days.astype("datetime64[D]")
    work = weekday(days) < 5
    work &= ~np.isin(days, expand(HOLIDAYS_2026))
    work |= np.isin(days, expand(WORKDAYS_2026))
    return work


WORKDAYS: Days = DAYS[is_workday(DAYS)]

TIMEZONE = "Asia/Shanghai"
UTC_OFFSET = np.timedelta64(8, "h")  # Asia/Shanghai has kept UTC+8 all year since 1991
OFFICE_PERIODS = ("09:00-12:00", "13:30-18:00")
# The pack's office calendar: a lunch break, and mainland China's holidays and make-up working days (the engine's
# built-in set, which lists 2026 exactly as HOLIDAYS_2026 and WORKDAYS_2026 above).
OFFICE_CALENDAR: dict[str, Any] = {
    "timezone": TIMEZONE,
    "week": {day: list(OFFICE_PERIODS) for day in ("mon", "tue", "wed", "thu", "fri")},
    "builtin": "cn",
}
WORKING_DAY_SECONDS = 7.5 * 3600  # one working day of the office calendar (a "d" in a business-time limit)


@cache
def office_calendar() -> WorkCalendar:
    """The office calendar as the engine computes business time on it."""
    from guifan.engine.calendars import WorkCalendar

    return WorkCalendar.from_spec(OFFICE_CALENDAR, default_timezone=TIMEZONE, name="cn-office")


def add_business(starts: Times, seconds: Floats) -> Times:
    """The local instants at which ``seconds`` of office working time have passed since ``starts``.

    Instants here are naive local times (as the files hold them); the engine's calendar takes UTC. Time that
    starts outside office hours counts from the next opening; NaT stays NaT.
    """
    utc = office_calendar().add_business_time(starts.astype("datetime64[s]") - UTC_OFFSET, np.round(seconds))
    later: Times = utc.astype("datetime64[s]") + UTC_OFFSET
    return later


def business_seconds(starts: Times, ends: Times) -> Floats:
    """Office working seconds between local instants (NaN where either is missing)."""
    to_utc = [t.astype("datetime64[s]") - UTC_OFFSET for t in (starts, ends)]
    seconds: Floats = office_calendar().business_seconds(*to_utc)
    return seconds


def duration_seconds(text: str) -> float:
    """A business-time limit as the pack writes it (``30m``, ``2h``, ``1d``) in working seconds."""
    unit = {"m": 60.0, "h": 3600.0, "d": WORKING_DAY_SECONDS}[text[-1]]
    return float(text[:-1]) * unit


def month_index(times: Days | Times) -> Ints:
    """0 for November 2025 ... 11 for October 2026."""
    index: Ints = (times.astype("datetime64[M]") - MONTHS[0]).astype(np.int64)
    return index


def add_months(days: Days, months: int | Ints) -> Days:
    """The same day ``months`` later (clipped to the month's end where the day does not exist)."""
    days = days.astype("datetime64[D]")
    month = days.astype("datetime64[M]")
    offset = days - month.astype("datetime64[D]")
    target = month + months
    last = (target + 1).astype("datetime64[D]") - 1
    later: Days = np.minimum(target.astype("datetime64[D]") + offset, last)
    return later


def rng_for(seed: int, area: str) -> np.random.Generator:
    """An independent random stream per area, so changing one area leaves the others' data unchanged."""
    return np.random.default_rng([seed, zlib.crc32(area.encode("utf-8"))])


def count(base: int, scale: float, minimum: int = 1) -> int:
    """Rows of a large table at ``scale``."""
    return max(minimum, round(base * scale))


def pick_days(rng: np.random.Generator, n: int, weights: Floats, days: Days = DAYS) -> Days:
    """``n`` days drawn with the given weight per day, sorted."""
    return np.sort(rng.choice(days, size=n, p=weights / weights.sum()))


def day_weights(month_factor: tuple[float, ...], weekend: float, days: Days = DAYS) -> Floats:
    """Weight per day from a factor per month (Nov..Oct) and a factor for days off."""
    weights = np.asarray(month_factor, dtype=np.float64)[month_index(days)]
    return np.where(is_workday(days), weights, weights * weekend)


def clock(rng: np.random.Generator, n: int, hour_weights: Floats) -> NDArray[np.timedelta64]:
    """Times of day: an hour drawn with ``hour_weights`` (24 values) plus uniform seconds."""
    hours = rng.choice(24, size=n, p=hour_weights / hour_weights.sum())
    seconds = hours * 3600 + rng.integers(0, 3600, size=n)
    return seconds.astype("timedelta64[s]")


WORK_HOURS: Floats = np.array([0] * 9 + [1] * 3 + [0.3] + [1] * 5 + [0] * 6, dtype=np.float64)  # 09:00-18:00
OFFICE_HOURS: Floats = np.array([0, 0, 0, 0, 0, 0, 0, 0.2, 1, 3, 3, 2.5, 1, 2, 3, 3, 2.5, 2, 0.5, 0.2, 0.1, 0, 0, 0])


def at_office(rng: np.random.Generator, days: Days) -> Times:
    """Timestamps on ``days`` during office hours."""
    return days.astype("datetime64[s]") + clock(rng, len(days), OFFICE_HOURS)


_OFFICE_DAYS: Days = np.arange(np.datetime64("2025-09-01"), np.datetime64("2027-06-01"), dtype="datetime64[D]")
_OFFICE_DAYS = _OFFICE_DAYS[is_workday(_OFFICE_DAYS)]
_OPEN, _CLOSE = 8 * 3600 + 30 * 60, 18 * 3600 + 30 * 60


def office_time(rng: np.random.Generator, times: Times) -> Times:
    """Move instants outside office hours to the next working morning (people act during office hours)."""
    day = times.astype("datetime64[D]")
    second = (times - day.astype("datetime64[s]")).astype(np.int64)
    after = second >= _CLOSE
    index = np.searchsorted(_OFFICE_DAYS, np.where(after, day + 1, day))
    work_day = _OFFICE_DAYS[np.minimum(index, len(_OFFICE_DAYS) - 1)]
    moved = (work_day != day) | (second < _OPEN)
    morning = work_day.astype("datetime64[s]") + (_OPEN + rng.integers(0, 2 * 3600, len(times))).astype(
        "timedelta64[s]"
    )
    out = np.where(moved, morning, times)
    return np.where(np.isnat(times), times, out)


def workday_on_or_before(days: Days) -> Days:
    """The last working day on or before each day (payment runs are scheduled on working days)."""
    index = np.searchsorted(_OFFICE_DAYS, days.astype("datetime64[D]"), side="right") - 1
    return _OFFICE_DAYS[np.maximum(index, 0)]


def minutes(values: Floats) -> NDArray[np.timedelta64]:
    """Float minutes as whole-second durations."""
    return np.round(values * 60).astype(np.int64).astype("timedelta64[s]")


def seconds(values: Floats) -> NDArray[np.timedelta64]:
    """Float seconds as whole-second durations."""
    return np.round(values).astype(np.int64).astype("timedelta64[s]")


def days_delta(values: Floats | Ints) -> NDArray[np.timedelta64]:
    """Whole days as durations."""
    return np.round(values).astype(np.int64).astype("timedelta64[D]")


def ids(prefix: str, n: int, width: int, start: int = 1) -> Strs:
    """``prefix`` followed by zero-padded numbers: T000001, T000002, ..."""
    return np.char.add(prefix, np.char.zfill(np.arange(start, start + n).astype(str), width))


def nullable(values: NDArray[Any], missing: Bools) -> pa.Array:
    """An Arrow array with nulls where ``missing`` is true."""
    if np.issubdtype(values.dtype, np.datetime64):
        values = values.copy()
        values[missing] = np.datetime64("NaT")
        return pa.array(values, mask=missing)
    return pa.array(values, mask=missing)


def choose(rng: np.random.Generator, options: tuple[str, ...], n: int, p: tuple[float, ...] | None = None) -> Strs:
    """``n`` values drawn from ``options`` (with probabilities ``p``)."""
    probs = None if p is None else np.asarray(p) / np.sum(p)
    return np.asarray(options)[rng.choice(len(options), size=n, p=probs)]


def lookup(mapping: dict[str, str], values: Strs) -> Strs:
    """``mapping[v]`` for every value, computed once per distinct value."""
    distinct, inverse = np.unique(values, return_inverse=True)
    return np.asarray([mapping[str(v)] for v in distinct])[inverse]


def lookup_number(mapping: dict[str, float], values: Strs) -> Floats:
    """``mapping[v]`` as floats for every value."""
    distinct, inverse = np.unique(values, return_inverse=True)
    return np.asarray([mapping[str(v)] for v in distinct], dtype=np.float64)[inverse]


def money(values: Floats) -> Floats:
    """Round to fen."""
    return np.round(values, 2)


@dataclass(frozen=True)
class Dataset:
    """One table of the demo company's operational data and how the pack declares it."""

    name: str
    table: pa.Table
    key: str | tuple[str, ...]
    title: tuple[str, str]  # (zh, en)
    time: str | None = None
    file_format: str = "csv"  # csv | csv-bom | csv-gb18030 | parquet
    column_rules: dict[str, dict[str, Any]] = field(default_factory=dict)  # declared values/min/max

    @property
    def source(self) -> str:
        suffix = "parquet" if self.file_format == "parquet" else "csv"
        return f"data/{self.name}.{suffix}"


def table(columns: dict[str, NDArray[Any] | pa.Array | list[Any]]) -> pa.Table:
    """An Arrow table from numpy arrays; datetime64[D] becomes date, datetime64[s] timestamp."""
    arrays = {name: col if isinstance(col, pa.Array) else pa.array(col) for name, col in columns.items()}
    return pa.table(arrays)
