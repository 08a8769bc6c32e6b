"""``guifan sla-curve`` and ``guifan calendar``: arguments in, output, files and exit status out."""

from __future__ import annotations

import json
import textwrap
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner

from guifan.cli.main import cli
from guifan.engine import evaluate, load_pack

PACK = """
guifan: 1
id: acme
title: Acme
timezone: Asia/Shanghai
calendars:
  office:   # the head office
    week:
      mon: ["09:00-12:00", "13:00-18:00"]
      tue: ["09:00-12:00", "13:00-18:00"]
      wed: ["09:00-12:00", "13:00-18:00"]
      thu: ["09:00-12:00", "13:00-18:00"]
      fri: ["09:00-12:00", "13:00-18:00"]
    holidays: [2026-12-24]   # company day
  compact: {week: {mon: ["09:00-17:00"]}}
datasets:
  tickets:
    source: data/tickets.csv
    key: ticket_id
    time: created_at
    columns: {ticket_id: string, created_at: timestamp, resolved_at: timestamp, priority: string}
standards:
  - id: CS-1
    title: Service
    category: customer_service
    requirements:
      - id: CS-1.1
        text: resolve in time
        check: {kind: sla, dataset: tickets, start: created_at, stop: resolved_at, calendar: office,
                limit: {P1: 4h, P2: 24h}, limit_by: priority, target: ">= 90%"}
      - id: CS-1.2
        text: respond in a day
        check: {kind: sla, dataset: tickets, start: created_at, stop: resolved_at, calendar: office, limit: 1d}
      - id: CS-1.3
        text: count
        check: {kind: metric, dataset: tickets, value: "count(*)", target: ">= 1"}
"""

# 8 working hours a day; 2026-11-02 is a Monday
TICKETS = """
ticket_id,created_at,resolved_at,priority
T1,2026-11-02 09:00:00,2026-11-02 11:00:00,P1
T2,2026-11-02 09:00:00,2026-11-02 15:00:00,P1
T3,2026-11-02 09:00:00,2026-11-03 09:00:00,P2
T4,2026-11-02 09:00:00,2026-11-05 09:00:00,P2
T5,2026-11-30 09:00:00,,P1
T6,2026-11-30 16:00:00,,P2
"""
# business hours: T1 2, T2 5, T3 8, T4 24, T5 open 8 by the end of November, T6 open 2


@pytest.fixture
def pack(tmp_path: Path) -> Path:
    (tmp_path / "data").mkdir()
    (tmp_path / "pack.yaml").write_text(textwrap.dedent(PACK).lstrip(), encoding="utf-8")
    (tmp_path / "data" / "tickets.csv").write_text(textwrap.dedent(TICKETS).lstrip(), encoding="utf-8")
    return tmp_path


def invoke(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(cli, list(args), catch_exceptions=False)
    return result.exit_code, result.stdout, result.stderr


def test_curve_as_json_agrees_with_the_check(pack: Path) -> None:
    code, out, _ = invoke("sla-curve", str(pack), "CS-1.1", "--period", "2026-11", "--format", "json")
    assert code == 0
    report = json.loads(out)
    assert report["records"] == {"closed": 4, "open": 2}
    assert report["current_limit"] == {"P1": "4h", "P2": "24h"}
    rows = {row["limit"]: row for row in report["curve"]}
    assert list(rows) == ["1h", "2h", "3h", "4h", "6h", "8h", "12h", "18h", "24h", "36h", "48h", "72h"]
    p1 = rows["4h"]["by"]["P1"]
    assert (p1["population"], p1["within"], p1["current"]) == (3, 1, True)  # T1 within; T2 and open T5 over
    assert rows["24h"]["by"]["P2"] == {"compliance": 1.0, "population": 2, "within": 2, "current": True}
    assert (rows["2h"]["population"], rows["2h"]["within"]) == (5, 1)  # T5 is over 2h; T6 (2h) is not yet
    result = next(r for r in evaluate(pack, "2026-11").results if r.requirement == "CS-1.1")
    by_limit = {e["value"]: e for e in result.details["breaches_by_limit"]}
    assert by_limit["P1"]["population"] == p1["population"]
    assert by_limit["P1"]["population"] - by_limit["P1"]["breaches"] == p1["within"]


def test_curve_table_with_a_range_of_limits(pack: Path) -> None:
    code, out, _ = invoke("sla-curve", str(pack), "CS-1.2", "--period", "2026-11", "--limits", "4h..12h/4h")
    assert code == 0
    lines = out.splitlines()
    assert lines[0].startswith("CS-1.2 (2026-11, calendar office): 4 closed and 2 open records")
    assert lines[1].split() == ["limit", "compliance", "within", "of"]
    assert lines[2].split() == ["4h", "20.0%", "1", "5"]  # only T1 within; T5 (open, 8h) is over
    assert lines[3].split() == ["8h*", "75.0%", "3", "4"]  # 1d = 8 working hours; T5 is exactly at it, still open
    assert lines[4].split() == ["12h", "75.0%", "3", "4"]


def test_curve_limit_lists_and_days(pack: Path) -> None:
    code, out, _ = invoke(
        "sla-curve", str(pack), "CS-1.2", "--period", "2026-11", "--limits", "3d,1d", "--format", "json"
    )
    assert code == 0
    assert [(r["limit"], r["hours"]) for r in json.loads(out)["curve"]] == [("1d", 8.0), ("3d", 24.0)]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["CS-1.3"], "CS-1.3 has metric check; sla-curve needs an sla check"),
        (["CS-9"], "no requirement 'CS-9'"),
        (["CS-1.1", "--limits", "8h..4h"], "is an empty range"),
        (["CS-1.1", "--limits", "1s..72h"], "more than 1000 limits"),
        (["CS-1.1", "--limits", "4x"], "--limits: '4x' is not a duration"),
        (["CS-1.1", "--period", "2026-13"], "not a valid period"),
    ],
)
def test_curve_input_errors_exit_2(pack: Path, args: list[str], message: str) -> None:
    code, _, err = invoke("sla-curve", str(pack), *args)
    assert code == 2
    assert message in err


def test_freeze_writes_dates_and_keeps_the_rest(pack: Path) -> None:
    before = (pack / "pack.yaml").read_text(encoding="utf-8")
    code, out, _ = invoke("calendar", "freeze", str(pack), "office", "--country", "DE", "--years", "2025-2026")
    assert code == 0
    assert "calendar office: 18 holidays and 0 working days added from holidays" in out
    after = (pack / "pack.yaml").read_text(encoding="utf-8")
    assert after.startswith(before.split("    holidays:")[0])  # everything before the calendar's list is intact
    assert "  - 2026-10-03  # German Unity Day" in after
    assert "# company day" in after and after.endswith(before.split("compact:")[1])
    calendar = yaml.safe_load(after)["calendars"]["office"]
    assert calendar["known_years"] == "2025..2026"
    spec = load_pack(pack).pack.calendars["office"]
    assert len(spec.holidays) == 19  # the company day and 2 x 9 national holidays
    again, out, _ = invoke("calendar", "freeze", str(pack), "office", "--country", "DE", "--years", "2025..2026")
    assert again == 0 and "0 holidays" in out
    assert (pack / "pack.yaml").read_text(encoding="utf-8") == after


def test_freeze_adds_a_list_where_there_is_none_and_workdays(pack: Path) -> None:
    text = (pack / "pack.yaml").read_text(encoding="utf-8").replace("    holidays: [2026-12-24]   # company day\n", "")
    (pack / "pack.yaml").write_text(text, encoding="utf-8")
    code, out, _ = invoke("calendar", "freeze", str(pack), "office", "--country", "CN", "--years", "2026")
    assert code == 0 and "6 working days added" in out
    spec = load_pack(pack).pack.calendars["office"]
    assert "2026-10-10" in {str(d) for d in spec.workdays}
    assert spec.known_years == [2026]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["office", "--country", "XX", "--years", "2026"], "the holidays package does not know 'XX'"),
        (["office", "--country", "DE", "--subdiv", "ZZ", "--years", "2026"], "does not know 'DE'"),
        (["nowhere", "--country", "DE", "--years", "2026"], "no calendar 'nowhere'"),
        (["compact", "--country", "DE", "--years", "2026"], "write it as an indented block"),
    ],
)
def test_freeze_errors_exit_2_and_change_nothing(pack: Path, args: list[str], message: str) -> None:
    before = (pack / "pack.yaml").read_text(encoding="utf-8")
    code, _, err = invoke("calendar", "freeze", str(pack), *args)
    assert code == 2 and message in err
    assert (pack / "pack.yaml").read_text(encoding="utf-8") == before


def test_freeze_refuses_bad_years(pack: Path) -> None:
    code, _, err = invoke("calendar", "freeze", str(pack), "office", "--country", "DE", "--years", "2027-2025")
    assert code == 2 and "not a year or a range" in err


def test_show_prints_each_day(pack: Path) -> None:
    code, out, _ = invoke("calendar", "show", str(pack), "office", "--from", "2026-12-23", "--to", "2026-12-26")
    assert code == 0
    assert out.splitlines() == [
        "calendar office (Asia/Shanghai); one working day = 8h",
        "2026-12-23 Wed  09:00-12:00, 13:00-18:00",
        "2026-12-24 Thu  closed (holiday)",
        "2026-12-25 Fri  09:00-12:00, 13:00-18:00",
        "2026-12-26 Sat  closed",
    ]


def test_show_names_the_holiday_of_built_in_days(pack: Path) -> None:
    file = pack / "pack.yaml"
    text = file.read_text(encoding="utf-8")
    file.write_text(
        text.replace("calendars:\n", "calendars:\n  cn-office: {week: {mon: ['09:00-17:00']}, builtin: cn}\n", 1)
    )
    code, out, _ = invoke("calendar", "show", str(pack), "cn-office", "--from", "2026-09-20", "--to", "2026-09-21")
    assert code == 0
    assert out.splitlines()[1:] == [
        "2026-09-20 Sun  09:00-17:00 (make-up working day for 国庆节)",  # not 中秋节's, although nearer
        "2026-09-21 Mon  09:00-17:00",
    ]
    code, out, _ = invoke("calendar", "show", str(pack), "cn-office", "--from", "2026-10-01", "--to", "2026-10-01")
    assert out.splitlines()[1] == "2026-10-01 Thu  closed (holiday: 国庆节)"
