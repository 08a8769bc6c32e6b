"""Process definitions: access matrix on every page and endpoint, services and their audit, step RACI in the
integrity findings and the app dataset, packs with processes round-tripping, and the diagram."""

from __future__ import annotations

import csv
from pathlib import Path
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from guifan.engine import load_pack
from guifan.engine.pack.model import Pack
from guifan.web.core.models import AuditEntry
from guifan.web.measure import app_data
from guifan.web.org.integrity import raci_findings
from guifan.web.org.models import OrgUnit, Person, Position
from guifan.web.process import services
from guifan.web.process.diagram import Box, process_svg, render, wrap
from guifan.web.process.models import Process, Step, StepRaci
from guifan.web.standards.models import Standard
from guifan.web.standards.packs import dump_yaml, import_pack, pack_data

from .conftest import client_for

pytestmark = pytest.mark.django_db

ROLES = ("admin", "manager", "dept", "auditor", "staff", "readonly")

STEPS = [
    {"activity": "登记", "type": "start", "limit": ""},
    {"activity": "处理", "type": "execute", "limit": "4h"},
    {"activity": "审核", "type": "supervise", "limit": "1d"},
    {"activity": "关闭", "type": "end", "limit": ""},
]


def _make(actor: Any, code: str, unit: OrgUnit | None, steps: list[dict[str, Any]] | None = None) -> Process:
    fields = {"code": code, "name": f"{code} 流程", "owner_unit": unit, "limit": "10d"}
    return services.save_process(actor, None, fields, [dict(s) for s in (steps or STEPS)])


@pytest.fixture
def processes(catalogue: Path, users: dict[str, Any], units: dict[str, OrgUnit]) -> dict[str, Process]:
    """SVC in 客服部 (the department manager's and staff member's unit), ITP in 信息技术部 (outside it)."""
    return {
        "svc": _make(users["admin"], "SVC", units["service"]),
        "itp": _make(users["admin"], "ITP", units["it"]),
    }


# path -> status per role (admin, manager, dept, auditor, staff, readonly)
PAGES: dict[str, tuple[int, ...]] = {
    "/process/definitions/": (200, 200, 200, 200, 200, 200),
    "/process/definitions/SVC/": (200, 200, 200, 200, 200, 200),
    "/process/definitions/ITP/": (200, 200, 404, 200, 404, 200),
    "/process/definitions/SVC/diagram.svg": (200, 200, 200, 200, 200, 200),
    "/process/definitions/ITP/diagram.svg": (200, 200, 404, 200, 404, 200),
    "/process/definitions/new/": (200, 200, 200, 403, 403, 403),
    "/process/definitions/SVC/edit/": (200, 200, 200, 403, 403, 403),
    "/process/definitions/ITP/edit/": (200, 200, 404, 403, 404, 403),
    "/process/definitions/SVC/delete/": (200, 200, 200, 403, 403, 403),
    "/process/definitions/ITP/delete/": (200, 200, 404, 403, 404, 403),
    "/process/definitions/NOPE/": (404, 404, 404, 404, 404, 404),
    "/api/processes/SVC/": (200, 200, 200, 200, 200, 200),
    "/api/processes/ITP/": (200, 200, 404, 200, 404, 200),
}


@pytest.mark.parametrize("path", list(PAGES))
def test_page_access_matrix(processes: dict[str, Process], users: dict[str, Any], path: str) -> None:
    got = tuple(client_for(users[role]).get(path).status_code for role in ROLES)
    assert got == PAGES[path]


def test_lists_are_scoped(processes: dict[str, Process], users: dict[str, Any]) -> None:
    for role, expected in {
        "admin": {"SVC", "ITP"},
        "readonly": {"SVC", "ITP"},
        "dept": {"SVC"},
        "staff": {"SVC"},
    }.items():
        client = client_for(users[role])
        page = client.get("/process/definitions/").content.decode()
        assert {code for code in ("SVC", "ITP") if f"/process/definitions/{code}/" in page} == expected
        api = {p["code"] for p in client.get("/api/processes/").json()["results"]}
        assert api == expected
        steps = {s["process"] for s in client.get("/api/process-steps/").json()["results"]}
        assert steps == expected


def test_anonymous_is_refused(processes: dict[str, Process]) -> None:
    from django.test import Client

    assert Client().get("/process/definitions/").status_code == 302
    assert Client().get("/api/processes/").status_code in (401, 403)


def _post_form(process: Process | None, **changes: Any) -> dict[str, Any]:
    steps = list(process.steps.order_by("order")) if process else []
    data: dict[str, Any] = {
        "code": process.code if process else "NEW", "name": "新流程", "name_en": "", "standard": "",
        "owner_unit": process.owner_unit_id if process else "", "dataset": "", "limit": "5d", "clock": "wall",
        "calendar": "", "sop": "", "sop_en": "",
        "steps-TOTAL_FORMS": str(len(steps) + 1), "steps-INITIAL_FORMS": str(len(steps)),
        "steps-MIN_NUM_FORMS": "0", "steps-MAX_NUM_FORMS": "1000",
    }  # fmt: skip
    for i, step in enumerate(steps):
        data |= {f"steps-{i}-id": step.pk, f"steps-{i}-order": step.order, f"steps-{i}-activity": step.activity,
                 f"steps-{i}-type": step.type, f"steps-{i}-limit": step.limit}  # fmt: skip
    data |= {f"steps-{len(steps)}-type": "execute"}
    data.update(changes)
    return data


def test_edit_page_reorders_adds_and_deletes_steps(processes: dict[str, Process], users: dict[str, Any]) -> None:
    process = processes["svc"]
    review = process.steps.get(activity="审核")
    position = Position.objects.create(code="P1", name="客服主管")
    StepRaci.objects.create(step=review, letter="A", position=position)
    # 审核 (3rd) moves before 处理 (2nd), 关闭 is deleted, a new last step is added
    data = _post_form(
        process,
        **{
            "steps-2-order": "1",
            "steps-3-DELETE": "on",
            "steps-4-order": "9",
            "steps-4-activity": "归档",
            "steps-4-type": "end",
            "steps-4-limit": "2d",
        },
    )
    response = client_for(users["dept"]).post("/process/definitions/SVC/edit/", data)
    assert response.status_code == 302, response.content.decode()[:2000]
    assert list(process.steps.order_by("order").values_list("activity", flat=True)) == ["登记", "审核", "处理", "归档"]
    assert StepRaci.objects.get(step__activity="审核").position == position  # the RACI moved with its step
    entry = AuditEntry.objects.filter(action="edit process", object_id=str(process.pk)).latest("id")
    assert [s["activity"] for s in entry.before["steps"]] == ["登记", "处理", "审核", "关闭"]
    assert [s["activity"] for s in entry.after["steps"]] == ["登记", "审核", "处理", "归档"]


def test_edit_page_shows_errors_at_the_field(processes: dict[str, Process], users: dict[str, Any]) -> None:
    data = _post_form(processes["svc"], limit="3mo", **{"steps-1-limit": "soon"})
    page = client_for(users["admin"]).post("/process/definitions/SVC/edit/", data).content.decode()
    assert "3mo is a calendar length" in page and "soon is not a duration" in page
    data = _post_form(processes["svc"], **{"steps-1-type": "start"})
    page = client_for(users["admin"]).post("/process/definitions/SVC/edit/", data).content.decode()
    assert "Step 2: only the first step can be a start step." in page


def test_department_manager_creates_only_in_their_units(
    processes: dict[str, Process], users: dict[str, Any], units: dict[str, OrgUnit]
) -> None:
    client = client_for(users["dept"])
    refused = client.post("/process/definitions/new/", _post_form(None, owner_unit=units["it"].pk))
    assert refused.status_code == 200 and not Process.objects.filter(code="NEW").exists()
    created = client.post("/process/definitions/new/", _post_form(None, owner_unit=units["service"].pk))
    assert created.status_code == 302 and Process.objects.get(code="NEW").owner_unit == units["service"]
    with pytest.raises(PermissionDenied):
        _make(users["dept"], "WIDE", None)
    with pytest.raises(PermissionDenied):
        services.save_process(users["dept"], processes["itp"], {"owner_unit": units["service"]}, [])


def test_delete_is_audited(processes: dict[str, Process], users: dict[str, Any]) -> None:
    pk = processes["svc"].pk
    assert client_for(users["staff"]).post("/process/definitions/SVC/delete/").status_code == 403
    assert client_for(users["dept"]).post("/process/definitions/SVC/delete/").status_code == 302
    assert not Process.objects.filter(pk=pk).exists() and not Step.objects.filter(process_id=pk).exists()
    entry = AuditEntry.objects.get(action="delete process", object_id=str(pk))
    assert entry.actor == users["dept"] and len(entry.before["steps"]) == 4


def test_services_validate(processes: dict[str, Process], users: dict[str, Any]) -> None:
    admin = users["admin"]
    with pytest.raises(ValidationError, match="appears twice"):
        _make(admin, "DUP", None, [{"activity": "a"}, {"activity": "a"}])
    with pytest.raises(ValidationError, match="only the last step can be an end step"):
        _make(admin, "END", None, [{"activity": "a", "type": "end"}, {"activity": "b"}])
    with pytest.raises(ValidationError, match="needs a work calendar"):
        services.save_process(admin, None, {"code": "B", "name": "b", "clock": "business"}, [])
    with pytest.raises(ValidationError, match="no work calendar nope"):
        services.save_process(admin, None, {"code": "B", "name": "b", "calendar": "nope"}, [])
    assert not Process.objects.filter(code__in=["DUP", "END", "B"]).exists()
    assert AuditEntry.objects.filter(action="add process").count() == 2  # the fixture's two


def test_step_raci_pages(processes: dict[str, Process], users: dict[str, Any]) -> None:
    step = processes["svc"].steps.get(activity="处理")
    person = Person.objects.create(code="E1", name="张伟")
    post = {"step": step.pk, "letter": "A", "person": person.pk}
    assert client_for(users["staff"]).post("/process/definitions/SVC/raci/", post).status_code == 302
    assert not StepRaci.objects.exists()  # refused with a message
    assert client_for(users["dept"]).post("/process/definitions/ITP/raci/", post).status_code == 404
    assert client_for(users["dept"]).post("/process/definitions/SVC/raci/", post).status_code == 302
    assignment = StepRaci.objects.get()
    assert (assignment.step, assignment.letter, assignment.person) == (step, "A", person)
    assert AuditEntry.objects.filter(action="add step RACI", object_id=str(processes["svc"].pk)).exists()
    other = processes["itp"].steps.first()
    assert (
        client_for(users["admin"]).post("/process/definitions/SVC/raci/", {**post, "step": other.pk}).status_code == 302
    )
    assert StepRaci.objects.count() == 1  # a step of another process is not a choice
    url = f"/process/definitions/SVC/raci/{assignment.pk}/remove/"
    assert client_for(users["readonly"]).post(url).status_code == 302 and StepRaci.objects.count() == 1
    assert client_for(users["dept"]).post(url).status_code == 302 and StepRaci.objects.count() == 0


def test_integrity_findings_cover_steps(processes: dict[str, Process], users: dict[str, Any]) -> None:
    svc = processes["svc"]
    boss = Person.objects.create(code="E9", name="王芳")
    clerk = Position.objects.create(code="P2", name="客服专员")
    steps = {s.activity: s for s in svc.steps.all()}
    services.add_step_raci(users["admin"], steps["登记"], "A", person=boss)
    services.add_step_raci(users["admin"], steps["登记"], "R", position=clerk)
    services.add_step_raci(users["admin"], steps["处理"], "A", person=boss)
    services.add_step_raci(users["admin"], steps["处理"], "A", position=clerk)
    Step.objects.filter(pk=steps["审核"].pk).update(responsible=clerk)  # a responsible position counts as R
    found = {
        (f.code, f.message) for f in raci_findings(Standard.objects.none(), processes=Process.objects.filter(pk=svc.pk))
    }
    assert found == {
        ("SVC · 处理", "2 Accountables; there must be exactly one"),
        ("SVC · 处理", "no Responsible"),
        ("SVC · 审核", "no Accountable"),
        ("SVC · 关闭", "no Accountable"),
        ("SVC · 关闭", "no Responsible"),
    }
    # the load limit counts processes (once each) together with standards
    many = raci_findings(Standard.objects.none(), max_accountable=0, processes=Process.objects.all())
    assert ("王芳 (E9)", "Accountable for 1 standards and processes (more than 0)") in {
        (f.code, f.message) for f in many
    }
    page = client_for(users["dept"]).get("/org/").content.decode()
    assert "SVC · 关闭" in page and "ITP · 关闭" not in page  # scoped like the processes


def test_raci_dataset_has_step_rows(processes: dict[str, Process], users: dict[str, Any], tmp_path: Path) -> None:
    svc = processes["svc"]
    clerk = Position.objects.create(code="P2", name="客服专员")
    step = svc.steps.get(activity="登记")
    services.add_step_raci(users["admin"], step, "A", position=clerk)
    Step.objects.filter(pk=svc.steps.get(activity="处理").pk).update(responsible=clerk)
    app_data.write(tmp_path)
    with (tmp_path / "guifan_raci.csv").open(encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    steps = [(r["process"], r["step"], r["letter"], r["holder"]) for r in rows if r["process"]]
    assert steps == [("SVC", "登记", "A", "客服专员"), ("SVC", "处理", "R", "客服专员")]
    assert set(rows[0]) == set(app_data.COLUMNS[app_data.RACI])


def test_api_writes_follow_the_same_rights(processes: dict[str, Process], users: dict[str, Any]) -> None:
    body = {
        "code": "API1",
        "name": "接口流程",
        "owner_unit": "客服部",
        "limit": "2d",
        "steps": [{"activity": "开始", "type": "start"}, {"activity": "结束", "type": "end", "limit": "1h"}],
    }
    for role in ("auditor", "staff", "readonly"):
        assert client_for(users[role]).post("/api/processes/", body, content_type="application/json").status_code == 403
    created = client_for(users["dept"]).post("/api/processes/", body, content_type="application/json")
    assert created.status_code == 201, created.content
    assert [s["activity"] for s in created.json()["steps"]] == ["开始", "结束"]
    it_body = {**body, "code": "API2", "owner_unit": "信息技术部"}
    assert (
        client_for(users["dept"]).post("/api/processes/", it_body, content_type="application/json").status_code == 403
    )
    patch = {"name": "改名"}
    client = client_for(users["dept"])
    assert client.patch("/api/processes/API1/", patch, content_type="application/json").status_code == 200
    assert Process.objects.get(code="API1").name == "改名" and Process.objects.get(code="API1").steps.count() == 2
    assert client.patch("/api/processes/ITP/", patch, content_type="application/json").status_code == 404
    assert (
        client_for(users["readonly"]).patch("/api/processes/SVC/", patch, content_type="application/json").status_code
        == 403
    )
    bad = client.patch("/api/processes/API1/", {"limit": "1y"}, content_type="application/json")
    assert bad.status_code == 400 and "calendar length" in str(bad.json())
    assert client.delete("/api/processes/ITP/").status_code == 404
    assert client_for(users["auditor"]).delete("/api/processes/API1/").status_code == 403
    assert client.delete("/api/processes/API1/").status_code == 204
    assert AuditEntry.objects.filter(action="delete process", actor=users["dept"]).exists()


PROCESSES_YAML = """
calendars:
  office:
    timezone: Asia/Shanghai
    week: {mon: ["09:00-18:00"], tue: ["09:00-18:00"], wed: ["09:00-18:00"], thu: ["09:00-18:00"], fri: ["09:00-18:00"]}
processes:
  - id: BARE
    name: 空流程
  - id: TICKET
    name: {zh: 工单处理, en: Ticket handling}
    standard: CS-001
    owner: 客服部
    dataset: tickets
    limit: 5d
    clock: business
    calendar: office
    sop: |
      登记后**4小时**内响应。
    steps:
      - activity: 创建
        type: start
        role: 客服专员
        raci: {A: [客服主管], R: [客服专员]}
      - activity: 响应
        name_en: Respond
        role: 客服专员
        limit: 4h
        sop: {zh: 电话联系客户, en: Call the customer}
        raci: {A: [客服主管], C: [E100], I: [客服经理, E101]}
      - activity: 复核
        type: supervise
        role: 客服主管
        optional: true
      - activity: 关闭
        type: end
"""


def test_pack_with_processes_round_trips(users: dict[str, Any], starter_dir: Path, tmp_path: Path) -> None:
    with (starter_dir / "pack.yaml").open("a", encoding="utf-8") as handle:
        handle.write(PROCESSES_YAML)
    Person.objects.create(code="E100", name="李娜")
    Person.objects.create(code="E101", name="赵强")
    original = load_pack(starter_dir).pack
    import_pack(users["admin"], load_pack(starter_dir))
    ticket = Process.objects.get(code="TICKET")
    assert ticket.standard == Standard.objects.get(code="CS-001") and ticket.owner_unit.name == "客服部"
    assert [s.activity for s in ticket.steps.all()] == ["创建", "响应", "复核", "关闭"]
    assert ticket.steps.get(activity="响应").responsible.name == "客服专员"
    assert [s.activity for s in ticket.steps.filter(optional=True)] == ["复核"]
    assert 'stroke-dasharray="5 3"' in process_svg(ticket)  # the optional step is drawn dashed
    assert StepRaci.objects.filter(step__process=ticket, person__code="E100", letter="C").exists()
    folder = tmp_path / "exported"
    folder.mkdir()
    (folder / "pack.yaml").write_text(dump_yaml(pack_data()), encoding="utf-8")
    exported = load_pack(folder).pack
    assert _normalised(exported) == _normalised(original)
    # importing again changes nothing and keeps one set of RACI
    import_pack(users["admin"], load_pack(starter_dir))
    assert StepRaci.objects.filter(step__process=ticket).count() == 6
    assert _normalised(load_pack(_export(tmp_path / "again")).pack) == _normalised(original)
    # a category's export keeps the processes of its standards and those of none
    assert [p["id"] for p in pack_data("customer_service")["processes"]] == ["BARE", "TICKET"]
    assert [p["id"] for p in pack_data("training")["processes"]] == ["BARE"]


def _export(folder: Path) -> Path:
    folder.mkdir()
    (folder / "pack.yaml").write_text(dump_yaml(pack_data()), encoding="utf-8")
    return folder


def _normalised(pack: Pack) -> dict[str, Any]:
    data = pack.model_dump(mode="json", exclude_defaults=True)
    for spec in data.get("datasets", {}).values():
        spec["source"] = Path(spec["source"]).name
    return data


def test_diagram_draws_lanes_shapes_and_limits(processes: dict[str, Process], users: dict[str, Any]) -> None:
    svg = render(
        [Box("登记投诉", "start", "客服专员"), Box("赔付审批", "supervise", "客服主管", "4 h"),
         Box("<script>", "execute", "客服专员"), Box("回访", "end", "客服质检专员", "7 d")],
        title="投诉", case_limit="15 d",
    )  # fmt: skip
    assert svg.startswith("<svg") and svg.endswith("</svg>")
    assert svg.count("<polygon") == 1  # one supervise diamond
    assert svg.count('rx="26.0"') == 2  # start and end rounded
    assert "≤ 4 h" in svg and "≤ 7 d" in svg and "≤ 15 d" in svg
    assert "<script>" not in svg and "&lt;script&gt;" in svg
    for lane in ("客服专员", "客服主管", "客服质检专员"):
        assert svg.count(f">{lane}<") == 1  # one lane each, the first-reached order
    response = client_for(users["staff"]).get("/process/definitions/SVC/diagram.svg")
    assert response["Content-Type"].startswith("image/svg+xml") and b"SVC" in response.content


def test_wrap_fits_chinese_labels() -> None:
    assert wrap("客户投诉处理流程的首次联系客户", 80) == ["客户投诉处理", "流程的首次…"]
    assert wrap("Close", 80) == ["Close"]


@pytest.mark.parametrize("language", ["zh-hans", "en", "en-gb"])
def test_step_names_are_in_the_readers_language(
    users: dict[str, Any], units: dict[str, OrgUnit], language: str
) -> None:
    steps = [{"activity": "分派", "name_en": "Assign handler", "type": "supervise"},
             {"activity": "回访", "name_en": "", "type": "end"}]  # fmt: skip
    _make(users["admin"], "CMP", units["service"], steps)
    client = client_for(users["admin"], language)
    page = client.get("/process/definitions/CMP/").content.decode()
    svg = client.get("/process/definitions/CMP/diagram.svg").content.decode()
    if language.startswith("en"):  # the English name, the log's activity under it; the fallback where none
        assert ">Assign<" in svg and ">handler<" in svg and "回访" in svg and "分派" not in svg
        assert "Assign handler" in page and "分派" in page and "回访" in page
    else:  # the activity only: no English step name anywhere on a Chinese page
        assert "分派" in svg and "回访" in svg and "Assign" not in svg
        assert "Assign handler" not in page and "分派" in page
