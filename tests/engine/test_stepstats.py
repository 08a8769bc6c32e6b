"""Step statistics of a process definition against a brute-force computation over a small event log."""

from __future__ import annotations

import random
import statistics
from datetime import UTC, datetime, timedelta

import duckdb
import pyarrow as pa
import pytest

from guifan.engine.process.rules import Clock
from guifan.engine.process.stepstats import StepSpec, business_clock, step_stats
from guifan.engine.values import Duration

STEPS = [StepSpec("A"), StepSpec("B", Duration.parse("2h")), StepSpec("C"), StepSpec("D", Duration.parse("1d"))]
T0 = datetime(2026, 10, 1, tzinfo=UTC)
START, END = datetime(2026, 10, 3, tzinfo=UTC), datetime(2026, 10, 10, tzinfo=UTC)


def _log(seed: int) -> list[tuple[str | None, str | None, datetime | None]]:
    rng = random.Random(seed)
    events: list[tuple[str | None, str | None, datetime | None]] = []
    for n in range(60):
        at = T0 + timedelta(hours=rng.randrange(0, 24 * 12))
        for _ in range(rng.randrange(1, 8)):
            events.append((f"K{n}", rng.choice("ABCDX"), at))  # repeats, other activities, any order
            at += timedelta(minutes=rng.randrange(0, 600))
    events += [(None, "A", T0), ("K1", None, T0), ("K2", "A", None)]  # incomplete events are left out
    rng.shuffle(events)
    return events


def _brute(events: list[tuple[str | None, str | None, datetime | None]], start: datetime | None,
           end: datetime | None) -> tuple[int, list[tuple[int, int, float | None, int | None]]]:  # fmt: skip
    by_case: dict[str, list[tuple[str, datetime]]] = {}
    for c, a, t in events:
        if c is not None and a is not None and t is not None:
            by_case.setdefault(c, []).append((a, t))
    first = {c: min(t for _, t in ev) for c, ev in by_case.items()}
    cases = {c: ev for c, ev in by_case.items()
             if (start is None or first[c] >= start) and (end is None or first[c] < end)}  # fmt: skip
    rows = []
    for i, step in enumerate(STEPS):
        having = [c for c, ev in cases.items() if any(a == step.activity for a, _ in ev)]
        durations = []
        if i > 0:
            for ev in cases.values():
                before = [t for a, t in ev if a == STEPS[i - 1].activity]
                if before:
                    after = [t for a, t in ev if a == step.activity and t >= min(before)]
                    if after:
                        durations.append((min(after) - min(before)).total_seconds())
        median = statistics.median(durations) if durations else None
        limit = step.limit.seconds if step.limit is not None else None
        within = sum(d <= limit for d in durations) if limit is not None else None
        rows.append((len(having), len(durations), median, within))
    return len(cases), rows


@pytest.mark.parametrize("seed", [1, 2, 3])
@pytest.mark.parametrize("bounded", [True, False])
def test_matches_brute_force(seed: int, bounded: bool) -> None:
    events = _log(seed)
    con = duckdb.connect()
    log = pa.table({"case_id": [e[0] for e in events], "activity": [e[1] for e in events],
                    "at": pa.array([e[2] for e in events], pa.timestamp("us", tz="UTC"))})  # fmt: skip
    con.register("events", log)
    start, end = (START, END) if bounded else (None, None)
    stats = step_stats(con, "events", case="case_id", activity="activity", time="at", steps=STEPS, start=start,
                       end=end)  # fmt: skip
    total, rows = _brute(events, start, end)
    assert stats.cases == total and total > 10
    got = [(s.cases, s.measured, s.median_seconds, s.within_limit) for s in stats.steps]
    assert got == rows
    assert [s.share for s in stats.steps] == [r[0] / total for r in rows]
    assert stats.steps[0].limit_seconds is None and stats.steps[3].limit_seconds == 86_400


def test_business_time_and_empty_logs() -> None:
    con = duckdb.connect()
    sh = "Asia/Shanghai"
    con.execute("CREATE TABLE ev (c VARCHAR, a VARCHAR, t TIMESTAMPTZ)")
    # Friday 17:00 to Monday 10:00 Shanghai time: 2 business hours in a 09:00-18:00 weekday calendar
    con.execute("INSERT INTO ev VALUES ('1', 'A', '2026-10-16 17:00:00+08'), ('1', 'B', '2026-10-19 10:00:00+08')")
    week = {day: ["09:00-18:00"] for day in ("mon", "tue", "wed", "thu", "fri")}
    clock = business_clock({"timezone": sh, "week": week}, "office", sh)
    stats = step_stats(con, "ev", case="c", activity="a", time="t", steps=STEPS[:2], clock=clock)
    assert stats.steps[1].median_seconds == 7200 and stats.steps[1].within_limit == 1
    assert stats.steps[1].limit_seconds == 7200
    day = step_stats(con, "ev", case="c", activity="a", time="t", clock=clock,
                     steps=[StepSpec("A"), StepSpec("B", Duration.parse("1d"))])  # fmt: skip
    assert day.steps[1].limit_seconds == 9 * 3600  # a working day of the calendar
    wall = step_stats(con, "ev", case="c", activity="a", time="t", steps=STEPS[:2], clock=Clock())
    assert wall.steps[1].median_seconds == 65 * 3600 and wall.steps[1].within_limit == 0
    none = step_stats(con, "ev", case="c", activity="a", time="t", steps=STEPS, start=END, end=END)
    assert none.cases == 0 and all(s.share is None and s.median_seconds is None for s in none.steps)
