"""The sla kind end to end through the public API, on small data with hand-worked answers."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from guifan.engine import Evaluation, LocalRunner, PackError, Period, evaluate, load_pack
from guifan.engine.periods import period_between
from guifan.engine.results import Result

from .conftest import WritePack

HEAD = """
guifan: 1
id: acme
title: Acme
timezone: Asia/Shanghai
calendars:
  office:
    week:
      mon: ["09:00-12:00", "13:00-18:00"]
      tue: ["09:00-12:00", "13:00-18:00"]
      wed: ["09:00-12:00", "13:00-18:00"]
      thu: ["09:00-12:00", "13:00-18:00"]
      fri: ["09:00-12:00", "13:00-18:00"]
  cn-office:
    week: {mon: ["09:00-12:00", "13:00-18:00"], tue: ["09:00-18:00"], wed: ["09:00-18:00"],
           thu: ["09:00-18:00"], fri: ["09:00-18:00"]}
    builtin: cn
datasets:
  tickets:
    source: data/tickets.csv
    key: ticket_id
    time: created_at
    columns: {ticket_id: string, created_at: timestamp, resolved_at: timestamp, priority: string, team: string,
              channel: string}
  status:
    source: data/status.csv
    columns: {ticket_id: string, status: string, entered_at: timestamp, left_at: timestamp}
standards:
  - id: CS-1
    title: Service
    category: customer_service
    requirements:
"""

# The office works 8 hours a day (09:00-12:00, 13:00-18:00), Monday to Friday; 2026-11-02 is a Monday.
TICKETS = """
ticket_id,created_at,resolved_at,priority,team,channel
T1,2026-11-02 09:00:00,2026-11-02 17:00:00,P2,A,web
T2,2026-11-02 17:00:00,2026-11-05 17:00:00,P2,A,web
T3,2026-11-02 17:00:00,2026-11-05 17:00:01,P2,A,web
T4,2026-11-06 16:00:00,2026-11-09 11:00:00,P1,A,phone
T5,2026-11-06 16:00:00,2026-11-09 12:30:00,P1,B,phone
T6,2026-11-02 09:00:00,,P3,B,web
T7,2026-11-30 14:30:00,,P1,B,phone
T8,2026-11-30 09:00:00,,P2,B,web
T9,2026-11-27 09:00:00,2026-12-01 10:00:00,P2,B,web
T10,2026-11-10 09:00:00,2026-11-13 12:00:00,P2,B,web
T11,2026-11-10 09:00:00,2026-11-10 10:00:00,P9,B,internal
T12,2026-10-30 09:00:00,2026-10-30 10:00:00,P1,A,web
"""
# business hours: T1 7, T2 24 (exactly the limit), T3 24h+1s, T4 4 (exactly), T5 5, T6 open since Nov 2,
# T7 open 3.5 of 4, T8 open 8 of 24, T9 resolved after the period (16 by its end), T10 27 less 10 paused = 17,
# T11 a priority without a limit, T12 in October.

STATUS = """
ticket_id,status,entered_at,left_at
T10,waiting_customer,2026-11-11 09:00:00,2026-11-11 18:00:00
T10,waiting_customer,2026-11-11 13:00:00,2026-11-12 10:00:00
T10,waiting_customer,2026-11-09 10:00:00,2026-11-10 10:00:00
T10,in_progress,2026-11-12 10:00:00,2026-11-13 12:00:00
T2,waiting_customer,2026-11-20 09:00:00,
"""

PAUSES = "{dataset: status, key: ticket_id, from: entered_at, to: left_at, where: \"status = 'waiting_customer'\"}"


def check(**fields: Any) -> str:
    base: dict[str, Any] = {
        "kind": "sla",
        "dataset": "tickets",
        "start": "created_at",
        "stop": "resolved_at",
        "calendar": "office",
    }
    base.update(fields)
    lines = "\n".join(f"          {k}: {v}" for k, v in base.items())
    return f"      - id: CS-1.1\n        text: resolve in time\n        check:\n{lines}\n"


def run(write_pack: WritePack, requirement: str, period: str | Period | None = "2026-11", **files: str) -> Evaluation:
    folder = write_pack(HEAD + requirement, tickets__csv=files.get("tickets", TICKETS), status__csv=STATUS)
    return evaluate(folder, period)


def only(evaluation: Evaluation) -> Result:
    (result,) = evaluation.results
    return result


PER_PRIORITY = {"limit": "{P1: 4h, P2: 24h, P3: 48h}", "limit_by": "priority"}


def test_per_priority_limits_pauses_open_and_at_risk(write_pack: WritePack) -> None:
    evaluation = run(write_pack, check(**PER_PRIORITY, pauses=PAUSES, by="team", target='">= 90%"'))
    result = only(evaluation)
    # counted: T1 T2 T3 T4 T5 T10 (closed) and T6 (open, already over 48h); breaches T3 T5 T6
    assert (result.population, result.violations) == (7, 3)
    assert result.value == pytest.approx(4 / 7)
    assert result.status == "fail"
    assert result.violating_keys == ("T3", "T5", "T6")
    groups = {g.by["team"]: (g.population, g.violations) for g in result.groups}
    assert groups == {"A": (4, 1), "B": (3, 2)}
    details = result.details
    by_limit = {e["value"]: (e["population"], e["breaches"]) for e in details["breaches_by_limit"]}
    assert by_limit == {"P1": (2, 1), "P2": (4, 1), "P3": (1, 1)}
    assert details["at_risk"] == {"count": 1, "keys": ["T7"], "keys_truncated": False}  # 0.5h of 4h left
    assert details["open"] == {"count": 4, "breached": 1, "within": 3}  # T6; T7 T8 T9
    assert details["percentiles"]["p50"] == 17.0  # T10, net of its merged and clipped pauses
    assert details["no_limit"] == 1
    assert any("1 records have a priority with no limit ('P9')" in w for w in evaluation.warnings)
    assert "within the business-time limit for their priority" in result.message


def test_single_limit_counts_exactly_at_the_limit_as_within(write_pack: WritePack) -> None:
    result = only(run(write_pack, check(limit="24h", where="\"channel = 'web'\"")))
    # web: T1 7h, T2 24h (within), T3 24h+1s (breach), T6 open and over, T10 27h (no pauses here: breach)
    assert result.violating_keys == ("T10", "T3", "T6")
    assert (result.population, result.violations) == (5, 3)
    assert result.details["breaches_by_limit"] == [{"limit": "24h", "hours": 24.0, "population": 5, "breaches": 3}]
    assert result.message.startswith("40.0% within 24h of business time (3 of 5 fail)")


def test_days_are_working_days(write_pack: WritePack) -> None:
    three = only(run(write_pack, check(limit="3d", where="\"channel = 'web'\"")))  # 3 x 8h = 24h
    assert three.violating_keys == ("T10", "T3", "T6")
    longer = only(run(write_pack, check(limit="2d", working_day="14h", where="\"channel = 'web'\"")))
    assert longer.violating_keys == ("T6",)  # 2 x 14h = 28h


def test_a_star_limit_covers_other_values(write_pack: WritePack) -> None:
    result = only(run(write_pack, check(limit='{P1: 4h, "*": 24h}', limit_by="priority")))
    assert "no_limit" not in result.details
    entries = {e["value"]: e["population"] for e in result.details["breaches_by_limit"]}
    assert entries == {"P1": 2, "*": 6}  # T1 T2 T3 T10 T11 and T6 (open, over 24h)


def test_at_risk_share_is_a_field(write_pack: WritePack) -> None:
    none = only(run(write_pack, check(**PER_PRIORITY, at_risk="10%")))
    assert none.details["at_risk"]["count"] == 0
    more = only(run(write_pack, check(**PER_PRIORITY, at_risk="50%")))
    assert more.details["at_risk"]["keys"] == ["T7", "T9"]  # T9 has 8h of 24h left (33%), T8 16h (67%)


def test_empty_period_is_no_data(write_pack: WritePack) -> None:
    result = only(run(write_pack, check(limit="24h"), period="2026-06"))
    assert result.status == "no_data" and result.population == 0
    assert result.details["percentiles"] == {"p50": None, "p90": None, "p95": None}


def test_open_period_counts_every_record(write_pack: WritePack) -> None:
    result = only(run(write_pack, check(limit="24h", where="\"priority = 'P1'\""), period=None))
    assert result.population == 3  # T4 T5 T12 closed; T7 open but only 3.5h into 24h... stays open
    assert result.violating_keys == ()


def test_unknown_year_of_a_builtin_calendar_warns(write_pack: WritePack) -> None:
    tickets = "ticket_id,created_at,resolved_at,priority,team,channel\nT1,2027-01-04 09:00:00,,P1,A,web\n"
    evaluation = run(write_pack, check(limit="24h", calendar="cn-office"), period="2027-01", tickets=tickets)
    assert any("calendar cn-office does not know 2027 yet" in w for w in evaluation.warnings)
    known = run(write_pack, check(limit="24h", calendar="cn-office"), period="2026-10")
    assert not any("does not know" in w for w in known.warnings)


def test_national_day_make_up_saturday_counts(write_pack: WritePack) -> None:
    tickets = (
        "ticket_id,created_at,resolved_at,priority,team,channel\n"
        "N1,2026-09-30 17:00:00,2026-10-09 10:00:00,P1,A,web\n"  # Wed 1 + Thu Oct 8 9 + Fri 1 = 11h (Oct 1-7 off)
        "N2,2026-10-09 17:00:00,2026-10-12 10:00:00,P1,A,web\n"  # 1 + 8 (Sat Oct 10 works, Monday's hours) + 1
    )
    autumn = period_between(date(2026, 9, 1), date(2026, 11, 1), ZoneInfo("Asia/Shanghai"))
    result = only(run(write_pack, check(limit="10h", calendar="cn-office"), period=autumn, tickets=tickets))
    assert (result.population, result.violations, result.violating_keys) == (2, 1, ("N1",))
    tighter = only(run(write_pack, check(limit="9.5h", calendar="cn-office"), period=autumn, tickets=tickets))
    assert tighter.violating_keys == ("N1", "N2")


def test_dry_run_on_empty_tables_passes(write_pack: WritePack) -> None:
    folder = write_pack(
        HEAD + check(**PER_PRIORITY, pauses=PAUSES, by="team"), tickets__csv=TICKETS, status__csv=STATUS
    )
    runner = LocalRunner(load_pack(folder))
    try:
        schemas = runner.validate()
    finally:
        runner.close()
    assert set(schemas) == {"tickets", "status"}


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"limit": "24h", "calendar": "ofice"}, "unknown calendar 'ofice' (did you mean 'office'?)"),
        ({"limit": "24h", "stop": "resolvd_at"}, "dataset 'tickets' has no column 'resolvd_at'"),
        ({"limit": "24h", "limit_by": "priority"}, "limit_by needs a limit per value"),
        ({"limit": "{P1: 4h}"}, "a limit per value needs limit_by"),
        ({"limit": "24x"}, "'24x' is not a duration"),
        ({"limit": "1mo"}, "'1mo' is a calendar length"),
        ({"limit": "{P1: 4hours}", "limit_by": "priority"}, "'4hours' is not a duration"),
        ({"limit": "{}", "limit_by": "priority"}, "a limit per value needs at least one entry"),
        ({"limit": '{1: 4h, "1": 8h}', "limit_by": "priority"}, "two keys of the limit map are the same text"),
        ({"limit": '{"": 4h}', "limit_by": "priority"}, "a key of the limit map is empty"),
        ({"limit": "24h", "at_risk": "125%"}, "'125%' is not between 0% and 100%"),
        ({"limit": "24h", "working_day": "1d"}, "'1d' is not a working day's length"),
        ({"limit": "24h", "start": "team"}, "column 'team' of tickets is string, not a timestamp"),
        ({"limit": "24h", "where": '"nope > 1"'}, "nope"),
        ({"limit": "24h", "pauses": "{dataset: status, key: ticket_id, from: entered_at, to: left}"}, "'left'"),
    ],
)
def test_validation_errors_name_the_field(write_pack: WritePack, fields: dict[str, Any], message: str) -> None:
    folder = write_pack(HEAD + check(**fields), tickets__csv=TICKETS, status__csv=STATUS)
    with pytest.raises(PackError) as info:
        evaluate(folder, "2026-11")
    assert message in str(info.value)
    assert "pack.yaml:" in str(info.value)


def test_pauses_need_a_key_on_the_dataset(write_pack: WritePack) -> None:
    head = HEAD.replace("    key: ticket_id\n    time: created_at", "    time: created_at")
    folder = write_pack(head + check(limit="24h", pauses=PAUSES), tickets__csv=TICKETS, status__csv=STATUS)
    with pytest.raises(PackError, match=r"pauses\.key must match the key of tickets"):
        load_pack(folder)


def test_groups_without_hashes_give_the_same_result(write_pack: WritePack, monkeypatch: pytest.MonkeyPatch) -> None:
    """Should two groups share a hash, records are matched to their group by a join instead."""
    from guifan.engine.checks import sla

    requirement = check(**PER_PRIORITY, pauses=PAUSES, by="[team, channel]")
    hashed = only(run(write_pack, requirement))
    real = sla._grouping
    monkeypatch.setattr(sla, "_grouping", lambda spec, ctx: replace(real(spec, ctx), bits=None))
    joined = only(run(write_pack, requirement))
    assert joined.groups == hashed.groups
    assert [g.by for g in hashed.groups] == [
        {"team": "A", "channel": "phone"},
        {"team": "A", "channel": "web"},
        {"team": "B", "channel": "phone"},
        {"team": "B", "channel": "web"},
    ]


def test_queries_transpile_to_spark(write_pack: WritePack, monkeypatch: pytest.MonkeyPatch) -> None:
    import sqlglot
    from sqlglot.errors import ErrorLevel

    from guifan.engine.runner import DuckDBContext

    seen: list[str] = []
    original = DuckDBContext.query

    def capture(self: DuckDBContext, sql: str, params: Any = ()) -> Any:
        seen.append(sql)
        return original(self, sql, params)

    monkeypatch.setattr(DuckDBContext, "query", capture)
    result = only(run(write_pack, check(**PER_PRIORITY, pauses=PAUSES, by="team")))
    assert result.status == "fail" and len(seen) >= 5
    for sql in seen:
        (spark,) = sqlglot.transpile(sql, read="duckdb", write="spark", unsupported_level=ErrorLevel.RAISE)
        assert spark


@pytest.mark.parametrize("sample", [None, 0, 1, 2, 50])
def test_keys_found_by_walking_in_key_order(
    write_pack: WritePack, monkeypatch: pytest.MonkeyPatch, sample: Any
) -> None:
    """Many violating records: their keys are found by walking all records in key order, with the same result."""
    from guifan.engine.checks import sla

    folder = write_pack(HEAD + check(limit="4h", at_risk="90%"), tickets__csv=TICKETS, status__csv=STATUS)
    looked_up = only(evaluate(folder, "2026-11", sample=sample))
    monkeypatch.setattr(sla, "_LOOKUP", 0)
    walked = only(evaluate(folder, "2026-11", sample=sample))
    assert walked.violating_keys == looked_up.violating_keys
    assert walked.violating_keys_truncated == looked_up.violating_keys_truncated
    assert walked.details["at_risk"] == looked_up.details["at_risk"]
    if sample is None:
        assert walked.violating_keys == ("T1", "T10", "T2", "T3", "T5", "T6", "T8", "T9")


def test_only_the_columns_the_check_reads_are_loaded(write_pack: WritePack) -> None:
    def read(requirement: str) -> dict[str, set[str] | None]:
        folder = write_pack(HEAD + requirement, tickets__csv=TICKETS, status__csv=STATUS)
        runner = LocalRunner(load_pack(folder))
        try:
            runner.validate()
            return runner.read_columns()
        finally:
            runner.close()

    # channel is never read; the key and time always are; the pauses' where reads status
    assert read(check(**PER_PRIORITY, pauses=PAUSES, by="team")) == {
        "tickets": {"ticket_id", "created_at", "resolved_at", "priority", "team"},
        "status": {"ticket_id", "status", "entered_at", "left_at"},
    }
    unfiltered = "{dataset: status, key: ticket_id, from: entered_at, to: left_at}"
    assert read(check(limit="24h", where="\"channel = 'web'\"", pauses=unfiltered)) == {
        "tickets": {"ticket_id", "created_at", "resolved_at", "channel"},
        "status": {"ticket_id", "entered_at", "left_at"},
    }
    assert read(check(limit="24h", stop="created_at")) == {"tickets": {"ticket_id", "created_at"}}


# --- what-if limits and their labels ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("seconds", "label"),
    [
        (0, "0m"),
        (45, "45s"),
        (30 * 60, "30m"),
        (3600, "1h"),
        (5400, "1h30m"),
        (24 * 3600, "24h"),
        (22 * 3600 + 1800, "22h30m"),
        (72 * 3600, "72h"),
        (6750, "1h52m30s"),  # a quarter more than 1h30m, given exactly
        (20250, "5h37m30s"),
        (3600.5, "1h0.5s"),
    ],
)
def test_duration_label_is_hours_and_minutes(seconds: float, label: str) -> None:
    from guifan.engine.slacurve import duration_label

    assert duration_label(round(seconds * 1_000_000)) == label


def test_default_limits_are_whole_minutes_labelled_exactly() -> None:
    """Fractions of 1h30m and of 7h30m (a working day) fall between minutes; they are rounded to one (halves
    up: a quarter of 7h30m, 1h52m30s, is 1h53m)."""
    from types import SimpleNamespace

    from guifan.engine.slacurve import default_limits

    hour = 3600 * 1_000_000
    limits = default_limits(SimpleNamespace(limits_us=[int(1.5 * hour), int(7.5 * hour)]))  # type: ignore[arg-type]
    labels = [limit.label for limit in limits]
    assert labels == ["23m", "45m", "1h8m", "1h30m", "1h53m", "2h15m", "3h", "3h45m", "4h30m",
                      "5h38m", "7h30m", "11h15m", "15h", "22h30m"]  # fmt: skip
    assert all(limit.micros % (60 * 1_000_000) == 0 for limit in limits)
