"""A sequence requirement's cases judged again for a period: the same cases as the check, and one case's story."""

from __future__ import annotations

from zoneinfo import ZoneInfo

import pytest

from guifan.engine import evaluate, load_pack, parse_period
from guifan.engine.errors import InputError
from guifan.engine.process.cases import judged_log

from .conftest import WritePack

PACK = """
guifan: 1
id: p
title: P
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
    columns: {event_id: string, case_id: string, activity: string, at: timestamp, who: string, role: string}
standards:
  - id: PR
    title: P2P
    category: process
    requirements:
      - id: PR.1
        text: approve before ordering, by someone else
        check: {kind: sequence, dataset: events, case: case_id, activity: activity, resource: who, role: role,
                calendar: office,
                constraints: [{precedence: [approve, order]}, {different_resource: [request, approve]},
                              {within: {from: request, to: approve, limit: 1d}}]}
      - id: PR.2
        text: a metric
        check: {kind: metric, dataset: events, value: "count(*)", target: ">= 0"}
"""

# C0 began in September: not judged in October. C1 conforms (its order falls in November: still judged).
# C2 orders before any approval. C3 is approved by its requester. C4 is approved two working days late
# (Friday 17:00 to Tuesday 10:00 is 11 business hours in a 9-hour day).
EVENTS = """
event_id,case_id,activity,at,who,role
1,C0,request,2026-09-30 09:00:00,wang,clerk
2,C0,order,2026-10-01 10:00:00,li,buyer
3,C1,request,2026-10-30 09:00:00,wang,clerk
4,C1,approve,2026-10-30 10:00:00,zhao,manager
5,C1,order,2026-11-02 11:00:00,li,buyer
6,C2,request,2026-10-05 09:00:00,wang,clerk
7,C2,order,2026-10-05 10:00:00,li,buyer
8,C2,approve,2026-10-05 11:00:00,zhao,manager
9,C3,request,2026-10-06 09:00:00,zhao,clerk
10,C3,approve,2026-10-06 10:00:00,zhao,manager
11,C3,order,2026-10-06 11:00:00,li,buyer
12,C4,request,2026-10-09 17:00:00,wang,clerk
13,C4,approve,2026-10-13 10:00:00,zhao,manager
14,C4,order,2026-10-13 11:00:00,li,buyer
"""

ZONE = ZoneInfo("Asia/Shanghai")


def test_the_judged_cases_are_those_of_the_check(write_pack: WritePack) -> None:
    folder = write_pack(PACK, events__csv=EVENTS)
    loaded = load_pack(folder)
    period = parse_period("2026-10", ZONE)
    (result, _) = evaluate(loaded, period).results
    with judged_log(loaded, "PR.1", period) as judged:
        assert judged.n_cases == result.population == 4
        assert judged.keys(judged.deviating.nonzero()[0]) == list(result.violating_keys) == ["C2", "C3", "C4"]
        conforming = judged.discover("conforming")
        assert conforming.cases == 1 and conforming.variants[0].activities == ("request", "approve", "order")
        deviating = judged.discover("deviating")
        assert deviating.cases == 3
        assert {(e.source, e.target): e.count for e in deviating.edges}[("order", "approve")] == 1


def test_a_case_timeline_marks_where_each_constraint_broke(write_pack: WritePack) -> None:
    loaded = load_pack(write_pack(PACK, events__csv=EVENTS))
    with judged_log(loaded, "PR.1", parse_period("2026-10", ZONE)) as judged:
        c2 = judged.timeline("C2")
        assert c2 is not None and not c2.conforms
        assert [e.activity for e in c2.events] == ["request", "order", "approve"]
        assert [e.broken for e in c2.events] == [(), ("precedence(approve,order)",), ()]
        assert c2.variant == ("request", "order", "approve")
        c3 = judged.timeline("C3")
        assert c3 is not None
        assert [(e.resource, e.role) for e in c3.events] == [("zhao", "clerk"), ("zhao", "manager"), ("li", "buyer")]
        assert c3.events[1].broken == ("different_resource(request,approve)",)
        assert c3.events[1].row == 11  # the header is row 1
        c4 = judged.timeline("C4")
        assert c4 is not None and c4.events[0].broken == ("within(request,approve,1d)",)
        assert c4.events[1].since_previous_s == 11 * 3600  # business time in the office calendar
        assert c4.events[1].wall_since_previous_s == (3 * 24 + 17) * 3600
        assert c4.events[1].time.isoformat() == "2026-10-13T10:00:00+08:00"
        c1 = judged.timeline("C1")
        assert c1 is not None and c1.conforms and len(c1.events) == 3  # its November order counts
        assert judged.timeline("C0") is None  # began in September


def test_only_sequence_requirements_are_read(write_pack: WritePack) -> None:
    loaded = load_pack(write_pack(PACK, events__csv=EVENTS))
    with (
        pytest.raises(InputError, match="not a sequence check"),
        judged_log(loaded, "PR.2", parse_period("2026-10", ZONE)),
    ):
        pass
