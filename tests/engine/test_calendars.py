"""The business-time kernel: hand-worked cases, independent brute force, an established library, bad input."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import numpy as np
import pandas as pd
import pyarrow as pa
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from guifan.engine import PackError, load_pack
from guifan.engine.calendars import WorkCalendar, builtin_names, builtin_set
from guifan.engine.pack.calendar import CalendarSpec

from .conftest import WritePack

WEEKDAYS = ("mon", "tue", "wed", "thu", "fri")
LUNCH = ["09:00-12:00", "13:30-18:00"]  # 7.5 working hours a day
SHANGHAI = ZoneInfo("Asia/Shanghai")
BERLIN = ZoneInfo("Europe/Berlin")


def office(**extra: Any) -> WorkCalendar:
    spec = {"week": dict.fromkeys(WEEKDAYS, LUNCH), **extra}
    return WorkCalendar.from_spec(spec, default_timezone="Asia/Shanghai", name="cn-office")


def at(text: str, zone: ZoneInfo = SHANGHAI) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=zone)


def hours(cal: WorkCalendar, start: datetime, end: datetime) -> float:
    return float(cal.business_seconds([start], [end])[0]) / 3600


def plus(cal: WorkCalendar, start: datetime, seconds: float, zone: ZoneInfo = SHANGHAI) -> datetime:
    (result,) = cal.add_business_time([start], [seconds]).astype("datetime64[us]").tolist()
    return result.replace(tzinfo=UTC).astimezone(zone).replace(tzinfo=None)


# --- hand-worked cases ----------------------------------------------------------------------------------------


def test_lunch_break_is_not_working_time() -> None:
    cal = office()
    assert hours(cal, at("2026-11-02 11:00"), at("2026-11-02 14:00")) == 1.5
    assert hours(cal, at("2026-11-02 12:10"), at("2026-11-02 13:20")) == 0
    assert hours(cal, at("2026-11-02 09:00"), at("2026-11-03 09:00")) == 7.5


def test_start_outside_hours_counts_from_the_next_opening() -> None:
    cal = office()
    assert hours(cal, at("2026-11-02 07:00"), at("2026-11-02 10:00")) == 1
    assert hours(cal, at("2026-11-07 10:00"), at("2026-11-09 10:00")) == 1  # Saturday to Monday
    assert hours(cal, at("2026-11-02 18:30"), at("2026-11-03 09:30")) == 0.5


def test_one_second_boundaries() -> None:
    cal = office()
    second = 1 / 3600
    assert hours(cal, at("2026-11-02 17:00"), at("2026-11-02 18:00")) == 1  # ends exactly at closing
    assert hours(cal, at("2026-11-02 18:00"), at("2026-11-03 09:00")) == 0  # closing to the next opening
    assert hours(cal, at("2026-11-02 18:00"), at("2026-11-03 09:00:01")) == second  # one second into the opening
    assert hours(cal, at("2026-11-03 09:00"), at("2026-11-03 09:00:01")) == second  # starts exactly at opening
    assert hours(cal, at("2026-11-03 08:59:59"), at("2026-11-03 09:00")) == 0
    assert hours(cal, at("2026-11-03 17:59:59"), at("2026-11-03 18:00")) == second  # the last working second


def test_end_before_start_is_zero_and_missing_is_nan() -> None:
    cal = office()
    assert hours(cal, at("2026-11-03 12:00"), at("2026-11-02 12:00")) == 0
    starts = np.array(["2026-11-02T02:00", "NaT"], dtype="datetime64[s]")
    ends = np.array(["NaT", "2026-11-02T05:00"], dtype="datetime64[s]")
    assert np.isnan(cal.business_seconds(starts, ends)).all()
    assert np.isnat(cal.add_business_time(starts[1:], [3600])).all()
    assert np.isnat(cal.add_business_time(starts[:1], [np.nan])).all()
    with pytest.raises(ValueError, match="negative"):
        cal.add_business_time(starts[:1], [-1])


def test_national_day_2026_with_its_make_up_days() -> None:
    cal = office(builtin="cn")
    assert hours(cal, at("2026-09-30 17:00"), at("2026-10-09 10:00")) == 1 + 7.5 + 1  # Oct 1-7 off
    assert hours(cal, at("2026-10-09 17:00"), at("2026-10-12 10:00")) == 1 + 7.5 + 1  # Saturday Oct 10 works
    assert hours(cal, at("2026-09-18 17:00"), at("2026-09-21 09:30")) == 1 + 7.5 + 0.5  # Sunday Sep 20 works
    assert plus(cal, at("2026-09-30 17:00"), 2 * 3600) == datetime(2026, 10, 8, 10)
    assert plus(cal, at("2026-09-30 17:00"), 3600) == datetime(2026, 9, 30, 18)  # at closing, not next opening
    assert plus(cal, at("2026-10-03 11:00"), 0) == datetime(2026, 10, 3, 11)  # nothing to add: the start


def test_make_up_day_uses_workday_hours_and_own_lists_win() -> None:
    cal = office(builtin="cn", workday_hours=["10:00-12:00"], holidays=["2026-10-10"], workdays=["2026-10-05"])
    assert hours(cal, at("2026-10-10 00:00"), at("2026-10-11 00:00")) == 0  # the pack's holiday beats the set
    assert hours(cal, at("2026-10-05 00:00"), at("2026-10-06 00:00")) == 2  # the pack's make-up day, its hours
    assert hours(cal, at("2026-09-20 00:00"), at("2026-09-21 00:00")) == 2


def test_dst_spring_in_berlin() -> None:
    # 2026-03-29: 02:00 CET becomes 03:00 CEST
    day = WorkCalendar.from_spec({"timezone": "Europe/Berlin", "week": {"sun": ["00:00-24:00"]}})
    assert hours(day, at("2026-03-29 00:00", BERLIN), at("2026-03-30 00:00", BERLIN)) == 23
    night = WorkCalendar.from_spec({"timezone": "Europe/Berlin", "week": {"sun": ["01:00-04:00"]}})
    assert hours(night, at("2026-03-29 00:00", BERLIN), at("2026-03-30 00:00", BERLIN)) == 2
    skipped = WorkCalendar.from_spec({"timezone": "Europe/Berlin", "week": {"sun": ["02:30-05:00"]}})
    assert hours(skipped, at("2026-03-29 00:00", BERLIN), at("2026-03-30 00:00", BERLIN)) == 2  # from 03:00
    assert plus(night, at("2026-03-29 00:00", BERLIN), 3600, BERLIN) == datetime(2026, 3, 29, 3, 0)


def test_dst_autumn_in_berlin() -> None:
    # 2026-10-25: 03:00 CEST becomes 02:00 CET; 02:00-03:00 happens twice
    day = WorkCalendar.from_spec({"timezone": "Europe/Berlin", "week": {"sun": ["00:00-24:00"]}})
    assert hours(day, at("2026-10-25 00:00", BERLIN), at("2026-10-26 00:00", BERLIN)) == 25
    night = WorkCalendar.from_spec({"timezone": "Europe/Berlin", "week": {"sun": ["01:00-04:00"]}})
    assert hours(night, at("2026-10-25 00:00", BERLIN), at("2026-10-26 00:00", BERLIN)) == 4
    first = WorkCalendar.from_spec({"timezone": "Europe/Berlin", "week": {"sun": ["01:00-02:30"]}})
    assert hours(first, at("2026-10-25 00:00", BERLIN), at("2026-10-26 00:00", BERLIN)) == 1.5  # first 02:30
    rest = WorkCalendar.from_spec({"timezone": "Europe/Berlin", "week": {"sun": ["02:30-04:00"]}})
    assert hours(rest, at("2026-10-25 00:00", BERLIN), at("2026-10-26 00:00", BERLIN)) == 2.5


def test_dst_in_new_york() -> None:
    york = ZoneInfo("America/New_York")
    spec = {"timezone": "America/New_York", "week": {d: ["00:00-24:00"] for d in ("sat", "sun", "mon")}}
    cal = WorkCalendar.from_spec(spec)
    assert hours(cal, at("2026-03-08 00:00", york), at("2026-03-09 00:00", york)) == 23
    assert hours(cal, at("2026-10-31 00:00", york), at("2026-11-03 00:00", york)) == 24 + 25 + 24


def test_working_day_and_week_lengths() -> None:
    spec = {"week": {"mon": LUNCH, "tue": LUNCH, "wed": ["09:00-18:00"], "thu": ["09:00-18:00"], "fri": LUNCH}}
    cal = WorkCalendar.from_spec(spec)
    assert cal.day_seconds == 7.5 * 3600  # the most common length
    assert cal.week_seconds == (3 * 7.5 + 2 * 9) * 3600
    tie = WorkCalendar.from_spec({"week": {"mon": LUNCH, "tue": ["09:00-18:00"]}})
    assert tie.day_seconds == 9 * 3600  # a tie goes to the longer day


def test_accepts_numpy_arrow_pandas_and_datetimes() -> None:
    cal = office()
    start, end = at("2026-11-02 09:00"), at("2026-11-02 17:00")
    expected = 6.5 * 3600.0
    utc = [start.astimezone(UTC).replace(tzinfo=None)], [end.astimezone(UTC).replace(tzinfo=None)]
    assert cal.business_seconds(np.array(utc[0], "datetime64[ns]"), np.array(utc[1], "datetime64[ns]")) == expected
    assert cal.business_seconds(pa.array([start]), pa.chunked_array([[end]])) == expected
    series = pd.Series(pd.to_datetime([start.isoformat()])), pd.Series(pd.to_datetime([end.isoformat()]))
    assert cal.business_seconds(*series) == expected
    assert cal.business_seconds([start], [end]) == expected
    with pytest.raises(ValueError, match="differ in length"):
        cal.business_seconds([start, start], [end])


def test_unknown_years_warn() -> None:
    cal = office(builtin="cn")
    low = int(at("2026-12-01 00:00").timestamp() * 1e6)
    high = int(at("2027-01-01 00:00").timestamp() * 1e6)
    assert cal.warning(low, high) is None  # December 2026 ends at midnight: 2027 is not used
    later = cal.warning(low, high + 1)
    assert later is not None and "calendar cn-office does not know 2027 yet" in later
    assert "2024-2026" in later
    mine = WorkCalendar.from_spec({"week": {"mon": LUNCH}, "known_years": "2025..2026"}, name="x")
    assert "does not know 2024 (" in (mine.warning(int(at("2024-06-01 00:00").timestamp() * 1e6), low) or "")
    assert WorkCalendar.from_spec({"week": {"mon": LUNCH}}).warning(0, high) is None  # says nothing: no warning


def test_calendar_without_working_time() -> None:
    cal = WorkCalendar.from_spec({"week": {}})
    assert hours(cal, at("2026-11-02 09:00"), at("2026-11-09 09:00")) == 0
    with pytest.raises(ValueError, match="no working time"):
        cal.add_business_time([at("2026-11-02 09:00")], [60])
    only_make_up = WorkCalendar.from_spec({"week": {}, "workdays": ["2026-12-05"], "workday_hours": ["10:00-11:00"]})
    assert plus(only_make_up, at("2026-11-02 09:00"), 1800, ZoneInfo("UTC")) == datetime(2026, 12, 5, 10, 30)
    with pytest.raises(ValueError, match="no working time after"):
        only_make_up.add_business_time([at("2026-11-02 09:00")], [7200])


# --- the built-in set --------------------------------------------------------------------------------------


def test_builtin_cn_matches_the_official_notices() -> None:
    """Every weekday off and every weekend working day agrees with python-holidays (an independent source)."""
    import holidays

    cn = builtin_set("cn")
    assert builtin_names() == ["cn"]
    assert cn.years == (2024, 2025, 2026)  # 2027: no notice published yet
    for year in cn.years:
        theirs = holidays.country_holidays("CN", years=year)
        weekdays_off = {d for d in theirs if d.weekday() < 5}
        ours = {d for d in cn.holidays if d.year == year and d.weekday() < 5}
        assert ours == weekdays_off, year
        assert {d for d in cn.workdays if d.year == year} == {d for d in theirs.weekend_workdays if d.year == year}
    assert date(2026, 10, 10) in cn.workdays and date(2026, 10, 7) in cn.holidays
    assert "国办发明电〔2023〕7号" in cn.sources[2024] and "国办发明电〔2024〕12号" in cn.sources[2025]


OFFICIAL = {"元旦", "春节", "清明节", "劳动节", "端午节", "中秋节", "国庆节"}  # the notices' seven holidays


def test_builtin_cn_names_every_day_off_and_make_up_day_by_its_holiday() -> None:
    """Each make-up working day (调休上班) names the holiday whose paragraph of the notice lists it, and lies within
    three weeks of that holiday's days off."""
    cn = builtin_set("cn")
    assert set(cn.holiday_names) == cn.holidays and set(cn.workday_names) == cn.workdays
    for day, name in [*cn.holiday_names.items(), *cn.workday_names.items()]:
        assert set(name.split("、")) <= OFFICIAL, (day, name)
    for day, name in cn.workday_names.items():
        off = [d for d, n in cn.holiday_names.items() if n == name]
        assert off, (day, name)
        assert min(abs((d - day).days) for d in off) <= 21, (day, name)
        assert day.weekday() >= 5, day  # a weekend day made a working day
    assert cn.name_of(date(2026, 9, 20)) == "国庆节"  # 国庆节 paragraph, although 中秋节 (25-27 Sep) is nearer
    assert cn.name_of(date(2025, 10, 11)) == "国庆节、中秋节"
    assert cn.name_of(date(2024, 9, 14)) == "中秋节" and cn.name_of(date(2026, 1, 4)) == "元旦"
    assert cn.name_of(date(2026, 10, 8)) is None
    office = WorkCalendar.from_spec({"week": {"mon": ["09:00-17:00"]}, "builtin": "cn", "holidays": ["2026-10-10"]})
    assert office.holiday_of(date(2026, 10, 1)) == "国庆节" and office.holiday_of(date(2026, 9, 20)) == "国庆节"
    assert office.holiday_of(date(2026, 10, 10)) is None  # the company's own holiday now, not a make-up day


def test_builtin_set_refuses_a_day_without_a_holiday_name() -> None:
    from guifan.engine.calendars.builtin import _parse

    year = {"source": "x", "holidays": {"国庆节": "2026-10-01..2026-10-07"}, "workdays": ["2026-10-10"]}
    with pytest.raises(ValueError, match="must map each holiday's name"):
        _parse("xx", {"years": {2026: year}})
    year["workdays"] = {"": ["2026-10-10"]}
    with pytest.raises(ValueError, match="without a holiday name"):
        _parse("xx", {"years": {2026: year}})


# --- against an independent brute force ---------------------------------------------------------------------

ZONES = ["UTC", "Asia/Shanghai", "Europe/Berlin", "America/New_York", "Australia/Lord_Howe", "Asia/Kathmandu"]
WINDOWS = [date(2026, 3, 5), date(2026, 3, 26), date(2026, 3, 27), date(2026, 10, 22), date(2026, 10, 29)]


def _spans(grid: int) -> st.SearchStrategy[list[str]]:
    """Sorted, non-overlapping working periods on a grid of ``grid`` minutes (24:00 allowed as an end)."""

    def build(points: list[int]) -> list[str]:
        cuts = sorted(set(points))
        pairs = [(cuts[i], cuts[i + 1]) for i in range(0, len(cuts) - 1, 2)]
        return [f"{_clock(a)}-{_clock(b)}" for a, b in pairs]

    return st.lists(st.integers(0, 24 * 60 // grid).map(lambda n: n * grid), max_size=6).map(build)


def _clock(minutes: int) -> str:
    return f"{minutes // 60:02d}:{minutes % 60:02d}"


@st.composite
def calendars(draw: st.DrawFn, grid: int) -> dict[str, Any]:
    first = draw(st.sampled_from(WINDOWS))
    days = [first + timedelta(days=i) for i in range(-2, 9)]
    off = draw(st.lists(st.sampled_from(days), max_size=3, unique=True))
    extra = draw(st.lists(st.sampled_from([d for d in days if d not in off]), max_size=2, unique=True))
    spec: dict[str, Any] = {
        "timezone": draw(st.sampled_from(ZONES)),
        "week": {d: draw(_spans(grid)) for d in ("mon", "tue", "wed", "thu", "fri", "sat", "sun")},
        "holidays": off,
        "workdays": extra,
    }
    if draw(st.booleans()):
        spec["workday_hours"] = draw(_spans(grid))
    spec["__first"] = first
    return spec


def _rules(spec: dict[str, Any]) -> tuple[Any, Any]:
    """The day rules, written again for the test: holiday, then make-up day, then the week."""
    week = {i: spec["week"][d] for i, d in enumerate(("mon", "tue", "wed", "thu", "fri", "sat", "sun"))}
    make_up = spec.get("workday_hours") or week[0] or None

    def periods(day: date) -> list[str]:
        if day in spec["holidays"]:
            return []
        if day in spec["workdays"] and make_up:
            return list(make_up)
        return list(week[day.weekday()])

    def minutes(text: str) -> tuple[int, int]:
        a, b = text.split("-")
        return int(a[:2]) * 60 + int(a[3:]), int(b[:2]) * 60 + int(b[3:])

    return periods, minutes


def _kernel(spec: dict[str, Any]) -> WorkCalendar:
    return WorkCalendar.from_spec({k: v for k, v in spec.items() if not k.startswith("__")})


def _instant(first: date, offset_s: int) -> datetime:
    return datetime(first.year, first.month, first.day, tzinfo=UTC) + timedelta(seconds=offset_s)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(calendars(grid=60), st.integers(0, 4 * 1440), st.integers(0, 4 * 1440))
def test_agrees_with_walking_minutes(spec: dict[str, Any], a: int, b: int) -> None:
    """Per minute: is this instant's wall-clock time in a working period of its local day? (Whole-hour periods:
    no boundary falls inside a repeated hour, where wall-clock membership and instants differ.)"""
    zone = ZoneInfo(spec["timezone"])
    periods, minutes = _rules(spec)
    start, end = _instant(spec["__first"], a * 60), _instant(spec["__first"], b * 60)
    count = 0
    moment = start
    while moment < end:
        local = moment.astimezone(zone)
        clock = local.hour * 60 + local.minute
        count += any(s <= clock < e for s, e in map(minutes, periods(local.date())))
        moment += timedelta(minutes=1)
    assert _kernel(spec).business_seconds([start], [end])[0] == count * 60


def _intervals_by_pandas(spec: dict[str, Any]) -> list[tuple[pd.Timestamp, pd.Timestamp]]:
    """Every working interval as instants, localised by pandas (first occurrence; a skipped time moves forward)."""
    periods, minutes = _rules(spec)
    walls, first = [], spec["__first"]
    for i in range(-4, 14):
        day = first + timedelta(days=i)
        for s, e in map(minutes, periods(day)):
            walls.append((pd.Timestamp(day) + pd.Timedelta(minutes=s), pd.Timestamp(day) + pd.Timedelta(minutes=e)))
    if not walls:
        return []
    idx = pd.DatetimeIndex([w for pair in walls for w in pair])
    local = idx.tz_localize(spec["timezone"], ambiguous=np.ones(len(idx), bool), nonexistent="shift_forward")
    return [(local[2 * i], local[2 * i + 1]) for i in range(len(walls))]


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(calendars(grid=1), st.integers(0, 5 * 86400), st.integers(0, 5 * 86400))
def test_agrees_with_interval_sums_to_the_second(spec: dict[str, Any], a: int, b: int) -> None:
    start, end = pd.Timestamp(_instant(spec["__first"], a)), pd.Timestamp(_instant(spec["__first"], b))
    expected = sum(
        max((min(end, e) - max(start, s)).total_seconds(), 0.0) for s, e in _intervals_by_pandas(spec) if e > s
    )
    assert _kernel(spec).business_seconds([start.to_pydatetime()], [end.to_pydatetime()])[0] == expected


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(calendars(grid=1), st.integers(0, 5 * 86400), st.integers(0, 3 * 86400))
def test_adding_business_time_inverts_measuring_it(spec: dict[str, Any], a: int, seconds: int) -> None:
    cal = _kernel(spec)
    if cal.week_seconds == 0 and not cal.workdays:
        return
    start = np.array([np.datetime64(_instant(spec["__first"], a).replace(tzinfo=None), "us")])
    try:
        end = cal.add_business_time(start, [seconds])
    except ValueError:  # only working time on a few days of the window: none left after it
        assert cal.week_seconds == 0
        return
    assert cal.business_seconds(start, end)[0] == seconds
    if seconds:
        assert cal.business_seconds(start, end - np.timedelta64(1, "us"))[0] < seconds


def test_many_instants_agree_with_one_at_a_time() -> None:
    cal = office(builtin="cn")
    rng = np.random.default_rng(7)
    low = np.datetime64("2024-01-01T00:00:00", "s").astype(np.int64)
    starts = (low + rng.integers(0, 3 * 365 * 86400, 300)).astype("datetime64[s]")
    ends = starts + rng.integers(-86400, 20 * 86400, 300).astype("timedelta64[s]")
    many = cal.business_seconds(starts, ends)
    one = [office(builtin="cn").business_seconds(starts[i : i + 1], ends[i : i + 1])[0] for i in range(300)]
    assert many.tolist() == one


# --- against an established library --------------------------------------------------------------------------


def test_agrees_with_businesstimedelta() -> None:
    """Mon-Fri 09:00-18:00 with lunch 12:00-13:00 and a few holidays, in Shanghai (no DST)."""
    import businesstimedelta as btd
    import pytz

    tz = pytz.timezone("Asia/Shanghai")
    days_off = [date(2026, 10, d) for d in range(1, 8)] + [date(2027, 1, 1), date(2030, 1, 1)]
    workday = btd.WorkDayRule(start_time=datetime.min.time().replace(hour=9), end_time=datetime.min.time().replace(
        hour=18), working_days=[0, 1, 2, 3, 4], tz=tz)  # fmt: skip
    lunch = btd.LunchTimeRule(start_time=datetime.min.time().replace(hour=12), end_time=datetime.min.time().replace(
        hour=13), working_days=[0, 1, 2, 3, 4], tz=tz)  # fmt: skip
    rules = btd.Rules([workday, lunch, btd.HolidayRule(days_off, tz=tz)])
    spec = {"week": {d: ["09:00-12:00", "13:00-18:00"] for d in WEEKDAYS}, "holidays": days_off[:-2]}
    cal = WorkCalendar.from_spec(spec, default_timezone="Asia/Shanghai")
    rng = np.random.default_rng(11)
    base = datetime(2026, 9, 20)
    for _ in range(300):
        a = base + timedelta(seconds=int(rng.integers(0, 40 * 86400)))
        b = a + timedelta(seconds=int(rng.integers(0, 15 * 86400)))
        delta = rules.difference(tz.localize(a), tz.localize(b))
        theirs = delta.hours * 3600 + delta.seconds
        ours = cal.business_seconds([a.replace(tzinfo=SHANGHAI)], [b.replace(tzinfo=SHANGHAI)])[0]
        assert ours == theirs, (a, b)


# --- bad input, with its line in pack.yaml ---------------------------------------------------------------------

PACK = """
guifan: 1
id: acme
title: Acme
timezone: Asia/Shanghai
calendars:
  office:
{calendar}
datasets: {{}}
standards: []
"""


@pytest.mark.parametrize(
    ("calendar", "line", "message"),
    [
        ('    week: {mon: ["09:00-12:00", "11:00-14:00"]}', 7, "working periods on mon overlap"),
        ('    week: {mon: ["9:00-25:00"]}', 7, "impossible time of day"),
        ('    week: {mon: ["09:00-1800"]}', 7, "is not a working period"),
        ('    week: {mon: ["18:00-09:00"]}', 7, "ends before it starts"),
        ("    timezone: Asia/Shanghia", 7, "unknown time zone 'Asia/Shanghia'"),
        ("    builtin: de", 7, "'de' is not a built-in holiday set; use one of: cn"),
        ("    holidays: [2026-10-01]\n    workdays: [2026-10-01]", 6, "2026-10-01 is listed both as a holiday"),
        ('    holidays: ["2026-10-08..2026-10-01"]', 7, "ends before it starts"),
        ("    known_years: 20x6", 7, "is not a list of years"),
    ],
)
def test_bad_calendars_are_errors_at_their_line(write_pack: WritePack, calendar: str, line: int, message: str) -> None:
    with pytest.raises(PackError) as info:
        load_pack(write_pack(PACK.format(calendar=calendar)))
    text = str(info.value)
    assert message in text
    assert f"pack.yaml:{line}:" in text


def test_calendar_spec_is_additive() -> None:
    spec = CalendarSpec.model_validate({"week": {"mon": LUNCH}, "builtin": "cn", "known_years": [2027, "2028..2029"]})
    assert spec.builtin == "cn"
    cal = WorkCalendar.from_spec(spec)
    assert cal.known_years == frozenset({2024, 2025, 2026, 2027, 2028, 2029})
    assert CalendarSpec.model_validate({"week": {"mon": LUNCH}}).builtin is None
