"""The optional top-level ``processes:`` of a pack: accepted, in the schema, and refused precisely."""

from __future__ import annotations

import pytest

from guifan.engine import PackError, load_pack
from guifan.engine.pack.model import pack_json_schema

from .conftest import WritePack

PACK = """guifan: 1
id: acme
title: 测试
calendars:
  office: {week: {mon: ["09:00-18:00"]}}
datasets:
  events: {source: data/events.csv, key: event_id}
standards:
  - id: PR-001
    title: 采购
    category: process
processes:
  - id: P2P
    name: {zh: 采购到付款, en: Purchase to pay}
    standard: PR-001
    dataset: events
    limit: 30d
    clock: business
    calendar: office
    steps:
      - activity: 创建采购申请
        type: start
        role: 申请人
        raci: {A: 部门经理, R: [申请人]}
      - activity: 审批采购申请
        type: supervise
        limit: 3d
      - activity: 付款
        type: end
"""


def _error(write_pack: WritePack, text: str) -> str:
    with pytest.raises(PackError) as info:
        load_pack(write_pack(text))
    return str(info.value)


def test_a_pack_with_processes_loads(write_pack: WritePack) -> None:
    pack = load_pack(write_pack(PACK)).pack
    (process,) = pack.processes
    assert [s.activity for s in process.steps] == ["创建采购申请", "审批采购申请", "付款"]
    assert process.steps[0].raci is not None and process.steps[0].raci.A == ["部门经理"]
    assert process.steps[1].limit is not None and process.steps[1].limit.seconds == 3 * 86400
    assert process.clock == "business" and process.steps[1].type == "supervise"


def test_processes_are_optional(write_pack: WritePack) -> None:
    assert load_pack(write_pack(PACK.split("processes:", maxsplit=1)[0])).pack.processes == []


def test_field_errors_name_the_line(write_pack: WritePack) -> None:
    text = PACK.replace("type: supervise", "type: supervize").replace("limit: 3d", "limit: 3mo")
    text = text.replace("        role: 申请人", "        rol: 申请人")
    message = _error(write_pack, text)
    assert "pack.yaml:23:9: unknown field 'rol' (did you mean 'role'?)" in message
    assert "pack.yaml:26:9: 'supervize' is not allowed here (did you mean 'supervise'?)" in message
    assert "pack.yaml:27:9: '3mo' is a calendar length" in message


def test_references_and_order_are_checked(write_pack: WritePack) -> None:
    text = (
        PACK.replace("standard: PR-001", "standard: PR-01")
        .replace("dataset: events", "dataset: event")
        .replace("calendar: office", "calendar: ofice")
        .replace("type: supervise", "type: end")
        .replace("activity: 付款", "activity: 创建采购申请")
        .replace("raci: {A: 部门经理,", "raci: {A: [部门经理, 总经理],")
    )
    message = _error(write_pack, text)
    assert "pack.yaml:15:5: unknown standard 'PR-01' (did you mean 'PR-001'?)" in message
    assert "pack.yaml:16:5: unknown dataset 'event' (did you mean 'events'?)" in message
    assert "pack.yaml:19:5: unknown calendar 'ofice' (did you mean 'office'?)" in message
    assert "pack.yaml:24:16: 2 Accountables; a step has exactly one" in message
    assert "pack.yaml:26:9: only the last step can be an end step" in message
    assert "pack.yaml:28:9: activity '创建采购申请' appears twice" in message


def test_business_time_needs_a_calendar_and_ids_are_unique(write_pack: WritePack) -> None:
    text = PACK.replace("    calendar: office\n", "") + PACK.split("processes:\n")[1]
    message = _error(write_pack, text)
    assert "pack.yaml:18:5: business time needs a calendar" in message
    assert "duplicate process id 'P2P'" in message


def test_schema_describes_processes() -> None:
    schema = pack_json_schema()
    assert "processes" in schema["properties"]
    step = schema["$defs"]["Step"]
    assert step["properties"]["type"]["enum"] == ["start", "execute", "supervise", "end"]
    assert set(schema["$defs"]["StepRaci"]["properties"]) == {"R", "A", "C", "I"}


def test_start_and_end_steps_cannot_be_optional(write_pack: WritePack) -> None:
    text = PACK.replace(
        "      - activity: 付款\n        type: end\n",
        "      - activity: 付款\n        type: end\n        optional: true\n",
    )
    assert "a end step cannot be optional" not in _error(write_pack, text)  # an article, not a typo
    assert "pack.yaml:30:9: an end step cannot be optional (every case has it) [processes[0].steps[2].optional]" in (
        _error(write_pack, text)
    )
