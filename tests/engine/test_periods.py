from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from guifan.engine.errors import InputError
from guifan.engine.periods import parse_date, parse_period, parse_periods, period_between

SH = ZoneInfo("Asia/Shanghai")


@pytest.mark.parametrize(
    ("text", "start", "end"),
    [
        ("2026", datetime(2026, 1, 1), datetime(2027, 1, 1)),
        ("2026-Q3", datetime(2026, 7, 1), datetime(2026, 10, 1)),
        ("2026-q4", datetime(2026, 10, 1), datetime(2027, 1, 1)),
        ("2026-10", datetime(2026, 10, 1), datetime(2026, 11, 1)),
        ("2026-12", datetime(2026, 12, 1), datetime(2027, 1, 1)),
        ("2026-10-05", datetime(2026, 10, 5), datetime(2026, 10, 6)),
        ("2026-W01", datetime(2025, 12, 29), datetime(2026, 1, 5)),
    ],
)
def test_named_periods(text: str, start: datetime, end: datetime) -> None:
    period = parse_period(text, SH)
    assert period.start == start.replace(tzinfo=SH)
    assert period.end == end.replace(tzinfo=SH)
    assert period.as_dict()["from"] == start.replace(tzinfo=SH).isoformat()


def test_period_is_in_the_pack_zone() -> None:
    assert parse_period("2026-10", SH).as_dict() == {
        "from": "2026-10-01T00:00:00+08:00",
        "to": "2026-11-01T00:00:00+08:00",
    }


def test_year_equals_from_to() -> None:
    a = parse_period("2026", SH)
    b = period_between(parse_date("2026-01-01", "--from"), parse_date("2027-01-01", "--to"), SH)
    assert (a.start, a.end) == (b.start, b.end)


def test_ranges() -> None:
    months = parse_periods("2026-01..2026-10", SH)
    assert [p.label for p in months] == [f"2026-{m:02d}" for m in range(1, 11)]
    assert [p.label for p in parse_periods("2025-Q4..2026-Q2", SH)] == ["2025-Q4", "2026-Q1", "2026-Q2"]
    assert [p.label for p in parse_periods("2026-01, 2026-03", SH)] == ["2026-01", "2026-03"]


@pytest.mark.parametrize(
    "text",
    ["2026-13", "26-10", "2026-Q5", "last month", "2026-02-30", "2026-10..2026-Q4", "2026-10..2026-01"],
)
def test_malformed_periods(text: str) -> None:
    with pytest.raises(InputError):
        parse_periods(text, SH)


def test_to_must_follow_from() -> None:
    with pytest.raises(InputError, match="not after"):
        period_between(parse_date("2026-02-01", "--from"), parse_date("2026-01-01", "--to"), SH)
