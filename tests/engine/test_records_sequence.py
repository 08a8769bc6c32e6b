"""A process check's violations are cases: its records are every event of the deviating cases."""

from __future__ import annotations

from zoneinfo import ZoneInfo

from guifan.engine import load_pack, parse_period
from guifan.engine.records import violating_records

from .conftest import WritePack

PACK = """
guifan: 1
id: p
title: P
timezone: Asia/Shanghai
datasets:
  events:
    source: data/events.csv
    key: event_id
    time: at
    columns: {event_id: string, case_id: string, activity: string, at: timestamp}
standards:
  - id: PR
    title: P2P
    category: process
    requirements:
      - id: PR.1
        text: approve before ordering
        check: {kind: sequence, dataset: events, case: case_id, activity: activity,
                constraints: [{precedence: [approve, order]}]}
"""

EVENTS = """
event_id,case_id,activity,at
1,C1,request,2026-10-01 09:00:00
2,C1,approve,2026-10-01 10:00:00
3,C1,order,2026-10-01 11:00:00
4,C2,request,2026-10-02 09:00:00
5,C2,order,2026-10-02 10:00:00
"""


def test_records_of_a_deviating_case_are_its_events(write_pack: WritePack) -> None:
    loaded = load_pack(write_pack(PACK, events__csv=EVENTS))
    page = violating_records(loaded, "PR.1", parse_period("2026-10", ZoneInfo("Asia/Shanghai")))
    assert page.total == 2
    assert [row[1:3] for row in page.rows] == [("C2", "request"), ("C2", "order")]
