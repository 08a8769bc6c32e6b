"""The ``sequence`` kind end to end: a pack, an event log in CSV, known answers; validation; portability."""

from __future__ import annotations

from typing import Any

import pytest
import sqlglot
from sqlglot.errors import ErrorLevel

from guifan.engine import LocalRunner, PackError, evaluate, load_pack
from guifan.engine.periods import parse_period
from guifan.engine.results import Evaluation, Result
from guifan.engine.runner import DuckDBContext

from .conftest import WritePack

HEAD = """
guifan: 1
id: acme
title: Acme
timezone: Asia/Shanghai
calendars:
  office:
    week: {mon: ["09:00-18:00"], tue: ["09:00-18:00"], wed: ["09:00-18:00"], thu: ["09:00-18:00"],
           fri: ["09:00-18:00"]}
datasets:
  events:
    source: data/events.csv
    key: event_id
    time: at
    columns: {event_id: string, case_id: string, activity: string, at: timestamp, who: string, role: string,
              team: string, amount: number}
standards:
  - id: P-1
    title: P
    category: process
    requirements:
"""

EVENTS = """
event_id,case_id,activity,at,who,role,team,amount
E01,C1,register,2026-10-05 09:00:00,u1,clerk,北区,100
E02,C1,approve,2026-10-05 10:00:00,u2,manager,北区,100
E03,C1,notify,2026-10-05 11:00:00,u3,clerk,北区,100
E04,C2,register,2026-10-06 09:00:00,u1,clerk,南区,5000
E05,C2,approve,2026-10-06 15:00:00,u1,clerk,南区,5000
E06,C3,approve,2026-10-07 09:00:00,u2,manager,南区,300
E07,C3,register,2026-10-07 10:00:00,u1,clerk,南区,300
E08,,register,2026-10-07 10:00:00,u1,clerk,南区,1
E09,C4,register,2026-09-30 10:00:00,u1,clerk,南区,1
E10,C4,notify,2026-10-03 10:00:00,u1,clerk,南区,1
E11,C5,register,2026-10-31 17:00:00,u4,clerk,北区,100
E12,C5,approve,2026-11-02 09:30:00,u2,manager,北区,100
E13,C5,notify,2026-11-02 10:00:00,u3,clerk,北区,100
E14,C6,register,2026-10-08 09:00:00,u4,clerk,北区,100
E15,C6,notify,,u3,clerk,北区,100
"""

CHECK = """
      - id: P-1.1
        text: 申请须经他人审批后通知
        check:
          kind: sequence
          dataset: events
          case: case_id
          activity: activity
          resource: who
          role: role
          by: team
          constraints:
{constraints}
"""

ALL = """
            - init: register
            - response: [register, notify]
            - order: [register, approve, "pay?"]
            - different_resource: [register, approve]
            - by_role: {approve: manager}
"""


def run(
    write_pack: WritePack, check: str, events: str = EVENTS, period: str | None = "2026-10", **kw: Any
) -> Evaluation:
    folder = write_pack(HEAD + check, events__csv=events)
    return evaluate(folder, period, **kw)


def sequence(write_pack: WritePack, constraints: str, **kw: Any) -> Result:
    return run(write_pack, CHECK.format(constraints=constraints.strip("\n")), **kw).results[0]


def test_cases_of_the_period_judged_on_all_their_events(write_pack: WritePack) -> None:
    r = sequence(write_pack, ALL)
    # C4 started in September: not this period's. C5 started on Oct 31 and is judged with its November events.
    # C6's notify has no time: it is left out, so C6 has only its registration.
    assert (r.population, r.violations) == (5, 3)
    assert r.violating_keys == ("C2", "C3", "C6")
    assert r.status == "fail"
    assert r.value == pytest.approx(2 / 5)
    assert r.message == "40.0% of cases conform to every constraint (3 of 5 fail), target = 100%"
    by_label = {c["constraint"]: c for c in r.details["constraints"]}
    assert list(by_label) == [
        "init(register)",
        "response(register,notify)",
        "order(register,approve,pay?)",
        "different_resource(register,approve)",
        "by_role(approve,manager)",
    ]
    assert by_label["response(register,notify)"] == {
        "constraint": "response(register,notify)",
        "violations": 3,
        "violating_keys": ["C2", "C3", "C6"],
        "violating_keys_truncated": False,
        "activations": 5,
        "fulfilled": 2,
        "fulfilment": 0.4,
    }
    assert by_label["different_resource(register,approve)"]["violating_keys"] == ["C2"]
    assert by_label["order(register,approve,pay?)"]["violating_keys"] == ["C3", "C6"]
    assert r.details["events"] == 11


def test_each_violating_case_says_where_it_went_wrong(write_pack: WritePack) -> None:
    r = sequence(write_pack, ALL)
    cases = {c["case"]: c["deviations"] for c in r.details["cases"]}
    assert list(cases) == ["C2", "C3", "C6"]
    assert cases["C2"] == [
        {"constraint": "response(register,notify)", "event": 0, "activity": "register",
         "time": "2026-10-06T09:00:00+08:00"},
        {"constraint": "different_resource(register,approve)", "event": 1, "activity": "approve",
         "time": "2026-10-06T15:00:00+08:00"},
        {"constraint": "by_role(approve,manager)", "event": 1, "activity": "approve",
         "time": "2026-10-06T15:00:00+08:00"},
    ]  # fmt: skip
    assert [d["constraint"] for d in cases["C3"]] == [
        "init(register)",
        "response(register,notify)",
        "order(register,approve,pay?)",
    ]
    assert cases["C3"][0]["event"] == 0
    assert cases["C3"][2] == {
        "constraint": "order(register,approve,pay?)",
        "event": 1,
        "activity": "register",
        "time": "2026-10-07T10:00:00+08:00",
    }
    assert cases["C6"][1] == {"constraint": "order(register,approve,pay?)", "event": None, "activity": None,
                              "time": None}  # fmt: skip


def test_groups_take_the_first_events_value(write_pack: WritePack) -> None:
    r = sequence(write_pack, ALL)
    assert [(g.by, g.population, g.violations) for g in r.groups] == [
        ({"team": "北区"}, 3, 1),
        ({"team": "南区"}, 2, 2),
    ]
    assert r.groups[1].status == "fail"


def test_sample_limits_every_list(write_pack: WritePack) -> None:
    r = sequence(write_pack, ALL, sample=1)
    assert r.violating_keys == ("C2",)
    assert r.violating_keys_truncated
    response = r.details["constraints"][1]
    assert (response["violating_keys"], response["violating_keys_truncated"]) == (["C2"], True)
    assert [c["case"] for c in r.details["cases"]] == ["C2"]


def test_warnings_name_rows_and_unknown_activities(write_pack: WritePack) -> None:
    evaluation = run(write_pack, CHECK.format(constraints="            - response: [registr, notify]"))
    warnings = "\n".join(evaluation.warnings)
    assert "dataset events: 2 event(s) without case_id, activity or at are left out (row 9, 16)" in warnings
    assert "response(registr,notify): dataset events has no activity 'registr' (did you mean 'register'?)" in warnings


def test_where_and_completed_by(write_pack: WritePack) -> None:
    check = CHECK.format(constraints="            - response: [register, notify]").replace(
        "          by: team\n", '          where: "amount < 1000"\n          completed_by: [notify, approve]\n'
    )
    r = run(write_pack, check).results[0]
    # C2 (amount 5000) is filtered out; C6 has no finishing activity (its notify has no time): still open.
    assert (r.population, r.violations, r.violating_keys) == (3, 1, ("C3",))
    assert r.details["open_cases"] == 1


def test_time_limits_in_wall_and_business_time(write_pack: WritePack) -> None:
    limit = "            - within: {from: register, to: approve, limit: 3h}"
    wall = sequence(write_pack, limit)
    # C5: Saturday 17:00 to Monday 09:30 is 40.5 hours, but only half an hour of office time
    assert wall.details["constraints"][0]["violating_keys"] == ["C2", "C3", "C5", "C6"]
    folder_check = CHECK.format(constraints=limit).replace("          by: team\n", "          calendar: office\n")
    business = run(write_pack, folder_check).results[0]
    assert business.details["constraints"][0]["violating_keys"] == ["C2", "C3", "C6"]


def test_within_judges_an_open_clock_at_the_end_of_the_period(write_pack: WritePack) -> None:
    r = sequence(write_pack, "            - within: {from: register, to: notify, limit: 30d}")
    entry = r.details["constraints"][0]
    # C2, C3, C6 never notify, but October ends before 30 days pass: pending, not late
    assert (entry["violations"], entry["pending"], entry["activations"]) == (0, 3, 2)


def test_case_within(write_pack: WritePack) -> None:
    r = sequence(write_pack, "            - case_within: 1d")
    assert r.violating_keys == ("C5",)
    assert r.details["cases"][0]["deviations"][0]["event"] == 1


def test_an_empty_period_has_no_data(write_pack: WritePack) -> None:
    r = run(write_pack, CHECK.format(constraints=ALL), period="2025-01").results[0]
    assert (r.status, r.population, r.value) == ("no_data", 0, None)
    assert r.details["constraints"][0]["fulfilment"] is None


def test_a_run_without_period_judges_every_case(write_pack: WritePack) -> None:
    evaluation = run(write_pack, CHECK.format(constraints=ALL), period=None)
    assert "2 event(s) without case_id, activity or at are left out (row 9, 16)" in "\n".join(evaluation.warnings)
    r = evaluation.results[0]
    assert r.population == 6  # C4 too, which started in September
    assert r.violating_keys == ("C2", "C3", "C4", "C6")  # C4 was never approved


def test_date_times_and_integer_cases(write_pack: WritePack) -> None:
    head = HEAD.replace("at: timestamp", "at: date").replace("case_id: string", "case_id: integer")
    events = "event_id,case_id,activity,at,who,role,team,amount\n"
    events += (
        "E1,10,a,2026-10-01,u,r,t,1\nE2,10,b,2026-10-01,u,r,t,1\nE3,9,b,2026-10-02,u,r,t,1\nE4,9,a,2026-10-03,u,r,t,1\n"
    )
    folder = write_pack(head + CHECK.format(constraints="            - precedence: [a, b]"), events__csv=events)
    r = evaluate(folder, "2026-10").results[0]
    assert (r.population, r.violating_keys) == (2, ("9",))  # same-day events keep their file order


# --- validation ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("constraints", "expected"),
    [
        ("            - respons: [register, notify]", ":33:15: unknown constraint template 'respons' (did you mean"),
        ("            - response: [register]", ":33:15: response takes two activities"),
        ("            - by_role: {approve: [boss]}\n            - init: [a, b]", ":34:15: init takes one activity"),
    ],
)
def test_malformed_constraints_name_their_line(write_pack: WritePack, constraints: str, expected: str) -> None:
    with pytest.raises(PackError) as info:
        run(write_pack, CHECK.format(constraints=constraints))
    assert expected in str(info.value)


def test_fields_are_checked_when_the_pack_loads(write_pack: WritePack) -> None:
    check = CHECK.format(constraints="            - different_resource: [a, b]\n            - case_within: 1d").replace(
        "          resource: who\n", "          calendar: ofice\n"
    )
    with pytest.raises(PackError) as info:
        run(write_pack, check)
    text = str(info.value)
    assert "unknown calendar 'ofice' (did you mean 'office'?)" in text
    assert ":33:15: different_resource needs the check's resource: column" in text


def test_columns_are_checked_against_the_data(write_pack: WritePack) -> None:
    check = CHECK.format(constraints="            - init: a").replace("activity: activity", "activity: activty")
    with pytest.raises(PackError) as info:
        run(write_pack, check.replace("by: team", "by: teem"))
    text = str(info.value)
    assert ":28:11: dataset 'events' has no column 'activty' (did you mean 'activity'?)" in text
    assert "has no column 'teem'" in text


def test_the_time_column_must_be_a_time(write_pack: WritePack) -> None:
    check = CHECK.format(constraints="            - init: a").replace("          by: team\n", "          time: team\n")
    with pytest.raises(PackError, match="column 'team' is string, not a timestamp"):
        run(write_pack, check)


def test_every_query_transpiles_to_spark(write_pack: WritePack, monkeypatch: Any) -> None:
    check = CHECK.format(constraints=ALL + "            - within: {from: register, to: approve, limit: 1h}")
    check = check.replace("          by: team\n", "          by: team\n          completed_by: notify\n")
    folder = write_pack(HEAD + check, events__csv=EVENTS)
    seen: list[str] = []
    original = DuckDBContext.query

    def capture(self: DuckDBContext, sql: str, params: Any = ()) -> Any:
        seen.append(sql)
        return original(self, sql, params)

    monkeypatch.setattr(DuckDBContext, "query", capture)
    runner = LocalRunner(load_pack(folder))
    runner.prepare()
    try:
        evaluation = runner.run(parse_period("2026-10", runner.tz))
    finally:
        runner.close()
    assert evaluation.results[0].status == "fail"
    assert len(seen) >= 6
    for sql in seen:
        (spark,) = sqlglot.transpile(sql, read="duckdb", write="spark", unsupported_level=ErrorLevel.RAISE)
        assert spark


def test_only_the_columns_the_check_reads_are_loaded(write_pack: WritePack) -> None:
    folder = write_pack(HEAD + CHECK.format(constraints=ALL.strip("\n")), events__csv=EVENTS)
    runner = LocalRunner(load_pack(folder))
    runner.validate()
    # amount is never read; the dataset's key and time always are
    assert runner.read_columns() == {"events": {"event_id", "at", "case_id", "activity", "who", "role", "team"}}


def _random_log(seed: int, shuffled: bool) -> str:
    """Events of 300 cases over September to November, grouped by case in time order or shuffled."""
    import random

    rng = random.Random(seed)
    rows = []
    for case in range(300):
        hour = rng.randrange(80 * 24)  # hours since Sep 1
        for _ in range(rng.randint(1, 6)):
            hour += rng.randint(1, 30)  # no two events of a case at the same time: file order would decide
            at = f"2026-{9 + hour // (30 * 24):02d}-{1 + hour // 24 % 30:02d} {hour % 24:02d}:00:00"
            activity = rng.choice(["register", "approve", "notify", "pay"])
            rows.append((f"K{case * 7919 % 1000:03d}", at, activity, f"u{rng.randint(1, 4)}"))
    if shuffled:
        rng.shuffle(rows)
    lines = [f"E{i},{c},{a},{at},{who},clerk,北区,1" for i, (c, at, a, who) in enumerate(rows)]
    return "event_id,case_id,activity,at,who,role,team,amount\n" + "\n".join(lines) + "\n"


def test_a_shuffled_log_and_codes_made_on_a_second_thread_give_the_same_result(
    write_pack: WritePack, monkeypatch: Any
) -> None:
    """Fetching groups a log that arrives grouped without moving it (keeping the key order it sorted), sorts one
    that does not, and on large logs makes the activity codes on a second thread: all give the same result."""
    import guifan.engine.process.fetch as fetch

    constraints = (
        "            - init: register\n            - alternate_response: [register, notify]\n"
        "            - chain_succession: [approve, notify]\n            - different_resource: [register, approve]"
    )

    def result(events: str) -> dict[str, Any]:
        r = sequence(write_pack, constraints, events=events)
        return {"keys": r.violating_keys, "population": r.population, "details": r.details}

    grouped = _random_log(5, shuffled=False)
    expected = result(grouped)
    assert expected["population"] > 50 and expected["keys"]
    assert result(_random_log(5, shuffled=True)) == expected
    monkeypatch.setattr(fetch, "OVERLAP_ABOVE", 0)
    assert result(_random_log(5, shuffled=True)) == expected
    assert result(grouped) == expected
