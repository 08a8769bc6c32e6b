"""Process definitions and their standards: the standard's page lists its processes, and "Create the sequence
check" writes a sequence check from a definition into a draft of its standard (access, validation, audit)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

from guifan.web.core.models import AuditEntry
from guifan.web.measure.datasets import register
from guifan.web.org.models import OrgUnit, Position
from guifan.web.process import services
from guifan.web.process.checkspec import sequence_check_for
from guifan.web.process.models import Process
from guifan.web.standards.models import Standard, StandardVersion

from .conftest import client_for

pytestmark = pytest.mark.django_db

ROLES = ("admin", "manager", "dept", "auditor", "staff", "readonly")

EVENTS = """case_id,activity,at,role
C1,登记,2026-10-05 09:00:00,客服专员
C1,处理,2026-10-05 10:00:00,客服专员
C1,审核,2026-10-05 15:00:00,客服主管
C1,关闭,2026-10-06 09:00:00,客服专员
C2,登记,2026-10-07 09:00:00,客服专员
C2,处理,2026-10-07 18:00:00,客服专员
C2,关闭,2026-10-08 09:00:00,客服专员
"""


@pytest.fixture
def linked(catalogue: Path, users: dict[str, Any], units: dict[str, OrgUnit], tmp_path: Path) -> dict[str, Process]:
    """SVC (客服部, standard CS-001) and ITP (信息技术部, standard DM-001), both on the event log ``events``."""
    log = tmp_path / "events.csv"
    log.write_text(EVENTS, encoding="utf-8")
    spec = {"time": "at", "columns": {"case_id": "string", "activity": "string", "at": "timestamp", "role": "string"}}
    register(users["admin"], "events", spec, server_path=str(log))
    clerk = Position.objects.create(code="P1", name="客服专员")
    lead = Position.objects.create(code="P2", name="客服主管")
    steps = [
        {"activity": "登记", "type": "start", "responsible": clerk},
        {"activity": "处理", "type": "execute", "limit": "4h", "responsible": clerk},
        {"activity": "审核", "type": "supervise", "limit": "1d", "responsible": lead},
        {"activity": "关闭", "type": "end"},
    ]
    out = {}
    for key, code, unit, standard in (("svc", "SVC", "service", "CS-001"), ("itp", "ITP", "it", "DM-001")):
        fields = {"code": code, "name": f"{code}流程", "owner_unit": units[unit], "limit": "10d", "dataset": "events",
                  "standard": Standard.objects.get(code=standard)}  # fmt: skip
        out[key] = services.save_process(users["admin"], None, fields, [dict(s) for s in steps])
    return out


def test_standard_page_lists_its_visible_processes(linked: dict[str, Process], users: dict[str, Any]) -> None:
    Process.objects.filter(code="ITP").update(standard=Standard.objects.get(code="CS-001"))  # another unit's
    admin = client_for(users["admin"]).get("/standards/CS-001/").content.decode()
    assert "/process/definitions/SVC/" in admin and "/process/definitions/ITP/" in admin
    assert "/process/definitions/SVC/diagram.svg" in admin and "4 steps" in admin
    dept = client_for(users["dept"]).get("/standards/CS-001/").content.decode()
    assert "/process/definitions/SVC/" in dept and "/process/definitions/ITP/" not in dept
    process_page = client_for(users["dept"]).get("/process/definitions/SVC/").content.decode()
    assert "/standards/CS-001/" in process_page and "/process/definitions/SVC/check/" in process_page


def test_the_check_follows_the_definition(linked: dict[str, Process]) -> None:
    spec = sequence_check_for(linked["svc"])
    assert spec == {
        "kind": "sequence", "dataset": "events", "case": "case_id", "activity": "activity", "role": "role",
        "completed_by": "关闭",
        "constraints": [
            {"init": "登记"}, {"order": ["登记", "处理", "审核", "关闭"]}, {"end": "关闭"},
            {"within": {"from": "登记", "to": "处理", "limit": "4h"}},
            {"within": {"from": "处理", "to": "审核", "limit": "1d"}},
            {"case_within": "10d"},
            {"by_role": {"登记": "客服专员", "处理": "客服专员", "审核": "客服主管"}},
        ],
        "target": "= 100%",
    }  # fmt: skip


# page -> status per role (admin, manager, dept, auditor, staff, readonly)
CHECK_PAGES = {"SVC": (200, 200, 200, 200, 200, 200), "ITP": (200, 200, 404, 200, 404, 200)}


@pytest.mark.parametrize("code", list(CHECK_PAGES))
def test_check_page_access(linked: dict[str, Process], users: dict[str, Any], code: str) -> None:
    url = f"/process/definitions/{code}/check/"
    assert tuple(client_for(users[r]).get(url).status_code for r in ROLES) == CHECK_PAGES[code]
    posted = {r: client_for(users[r]).post(url, _new(code, code=f"R{i}")).status_code for i, r in enumerate(ROLES)}
    assert posted == {
        "admin": 302, "manager": 302, "dept": 302 if code == "SVC" else 404,
        "auditor": 403, "staff": 403 if code == "SVC" else 404, "readonly": 403,
    }  # fmt: skip


def _new(process_code: str, **changes: Any) -> dict[str, Any]:
    process = Process.objects.get(code=process_code)
    data = {"check_yaml": yaml.safe_dump(sequence_check_for(process), allow_unicode=True), "replace": "",
            "code": f"{process.standard.code}.9", "text": "按流程执行", "text_en": "", "severity": "major"}  # fmt: skip
    return data | changes


def test_adding_starts_a_draft_once_and_is_audited(linked: dict[str, Process], users: dict[str, Any]) -> None:
    client = client_for(users["dept"])
    page = client.get("/process/definitions/SVC/check/").content.decode()
    assert "kind: sequence" in page and 'value="CS-001.3"' in page  # the next free code
    response = client.post("/process/definitions/SVC/check/", _new("SVC"))
    draft = StandardVersion.objects.get(standard__code="CS-001", status="draft")
    assert response.status_code == 302 and response["Location"].endswith(f"?v={draft.number}")
    added = draft.requirements.get(code="CS-001.9")
    assert added.check_spec == sequence_check_for(linked["svc"]) and added.text == "按流程执行"
    assert [r.code for r in draft.requirements.order_by("position")] == ["CS-001.1", "CS-001.2", "CS-001.9"]
    assert draft.author == users["dept"]
    # again: the same draft takes it, now replacing the check of the requirement just added
    changed = _new("SVC", replace="CS-001.9", code="", text="")
    changed["check_yaml"] = changed["check_yaml"].replace("10d", "12d")
    assert client.post("/process/definitions/SVC/check/", changed).status_code == 302
    assert StandardVersion.objects.filter(standard__code="CS-001", status="draft").count() == 1
    added.refresh_from_db()
    assert {"case_within": "12d"} in added.check_spec["constraints"] and added.text == "按流程执行"
    assert AuditEntry.objects.filter(action="new draft", actor=users["dept"]).count() == 1
    assert AuditEntry.objects.filter(action="edit requirement", object_id=str(added.pk)).exists()
    assert AuditEntry.objects.filter(action="check from process", object_id=str(linked["svc"].pk)).count() == 2


def test_refusals_write_nothing(linked: dict[str, Process], users: dict[str, Any]) -> None:
    client = client_for(users["admin"])
    bad = _new("SVC")
    bad["check_yaml"] = bad["check_yaml"].replace("order:", "ordr:")
    page = client.post("/process/definitions/SVC/check/", bad).content.decode()
    assert "unknown constraint template &#x27;ordr&#x27; (did you mean &#x27;order&#x27;?)" in page
    page = client.post("/process/definitions/SVC/check/", _new("SVC", code="CS-001.1")).content.decode()
    assert "already has a requirement CS-001.1" in page
    page = client.post("/process/definitions/SVC/check/", _new("SVC", replace="CS-001.1")).content.decode()
    assert "Select a valid choice" in page  # CS-001.1 is not a sequence requirement
    page = client.post("/process/definitions/SVC/check/", _new("SVC", code="", text="")).content.decode()
    assert page.count("A new requirement needs this.") == 2
    assert not StandardVersion.objects.filter(status="draft").exists()
    assert not AuditEntry.objects.filter(action__in=["new draft", "check from process"]).exists()


def test_definition_without_log_or_in_review(linked: dict[str, Process], users: dict[str, Any]) -> None:
    from guifan.web.standards import services as standards

    Process.objects.filter(code="SVC").update(dataset="")
    page = client_for(users["admin"]).get("/process/definitions/SVC/check/").content.decode()
    assert "Name the process&#x27;s event log (dataset) first" in page
    Process.objects.filter(code="SVC").update(dataset="events")
    draft = standards.open_draft(users["manager"], Standard.objects.get(code="CS-001"))
    standards.submit(users["manager"], draft)
    page = client_for(users["admin"]).post("/process/definitions/SVC/check/", _new("SVC")).content.decode()
    assert "CS-001 has a version in review" in page


def test_definition_page_shows_the_steps_in_the_log(linked: dict[str, Process], users: dict[str, Any]) -> None:
    from datetime import datetime
    from zoneinfo import ZoneInfo

    from guifan.web.measure.models import Evaluation
    from guifan.web.process.reality import reality

    found = reality(linked["svc"])
    assert found is not None and found.period == "" and found.cases == 2  # no evaluation yet: the whole log
    rows = found.rows
    assert [(a, r.stat.cases) for a, r in rows.items()] == [("登记", 2), ("处理", 2), ("审核", 1), ("关闭", 2)]
    # 处理 came 1 h and 9 h after 登记: median 5 h over its 4 h limit, one case of two within it
    assert rows["处理"].stat.median_seconds == 5 * 3600 and rows["处理"].late and rows["处理"].median == "5.0 h"
    assert rows["处理"].stat.within_limit == 1 and not rows["审核"].late
    sh = ZoneInfo("Asia/Shanghai")
    for month in (9, 10):
        Evaluation.objects.create(label=f"2026-{month:02d}", start=datetime(2026, month, 1, tzinfo=sh),
                                  end=datetime(2026, month + 1, 1, tzinfo=sh), state="done")  # fmt: skip
    page = client_for(users["staff"]).get("/process/definitions/SVC/").content.decode()
    assert "2026-10 (the latest evaluated period): 2 cases began" in page and "50.0% within the limit" in page
    Evaluation.objects.filter(label="2026-10").update(state="failed")
    assert reality(linked["svc"]).cases == 0  # type: ignore[union-attr]  # September: none began
    Process.objects.filter(code="SVC").update(dataset="missing")
    page = client_for(users["staff"]).get("/process/definitions/SVC/").content.decode()
    assert "The event log missing is not registered." in page
