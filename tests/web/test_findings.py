"""Findings: opened from results in one click or by hand, worked through actions, closed; scoped and audited."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from guifan.web.core.models import AuditEntry
from guifan.web.improvement import services
from guifan.web.improvement.models import Finding
from guifan.web.measure.models import Evaluation, Result
from guifan.web.standards.models import Standard

from .conftest import client_for

pytestmark = pytest.mark.django_db

ROLES = ("admin", "manager", "dept", "auditor", "staff", "readonly")
SH = ZoneInfo("Asia/Shanghai")


@pytest.fixture
def results(catalogue: Path) -> dict[str, Result]:
    """A failed result in 客服部 (CS-001.1) and one in 信息技术部 (DM-001.1), as an evaluation stores them."""
    evaluation = Evaluation.objects.create(
        label="2026-10", start=datetime(2026, 10, 1, tzinfo=SH), end=datetime(2026, 11, 1, tzinfo=SH), state="done"
    )
    out = {}
    for code in ("CS-001", "DM-001"):
        standard = Standard.objects.get(code=code)
        requirement = standard.current.requirements.order_by("position").first()
        out[code] = Result.objects.create(
            evaluation=evaluation, requirement=requirement, standard=standard, standard_code=code,
            requirement_code=requirement.code, category=standard.category, kind="metric", status="fail",
            value=0.5, target=">= 95%", population=10, violations=5, violating_keys=["T1", "T2"],
            unit_id_snapshot=standard.owner_unit_id,
        )  # fmt: skip
    return out


def test_open_from_result_is_idempotent_while_open(results: dict[str, Result], users: dict[str, Any]) -> None:
    result = results["CS-001"]
    finding, created = services.open_from_result(users["dept"], result, source="failure")
    assert created and finding.unit_id == result.unit_id_snapshot and finding.severity
    assert finding.title == f"{result.requirement_code} failed in 2026-10"
    again, created = services.open_from_result(users["manager"], result, source="failure")
    assert not created and again.pk == finding.pk
    other, created = services.open_from_result(users["manager"], result, source="signal", key="T1")
    assert created and other.pk != finding.pk and "T1" in other.title
    assert AuditEntry.objects.filter(action="open finding", object_id=str(finding.pk)).count() == 1


@pytest.mark.parametrize(
    ("role", "code", "allowed"),
    [
        ("admin", "DM-001", True), ("manager", "DM-001", True), ("auditor", "DM-001", True),
        ("dept", "CS-001", True), ("dept", "DM-001", False), ("staff", "CS-001", False),
        ("readonly", "CS-001", False),
    ],
)  # fmt: skip
def test_who_may_open(results: dict[str, Result], users: dict[str, Any], role: str, code: str, allowed: bool) -> None:
    if allowed:
        assert services.open_from_result(users[role], results[code])[1]
    else:
        with pytest.raises(PermissionDenied):
            services.open_from_result(users[role], results[code])
        assert not Finding.objects.exists()


def test_one_click_from_the_result_page(results: dict[str, Result], users: dict[str, Any]) -> None:
    result = results["CS-001"]
    client = client_for(users["dept"])
    page = client.get(reverse("result-detail", args=[result.pk])).content.decode()
    assert reverse("finding-from-result", args=[result.pk]) in page and "Open finding" in page
    response = client.post(reverse("finding-from-result", args=[result.pk]), {"source": "failure"})
    finding = Finding.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("finding-detail", args=[finding.pk])
    page = client.get(reverse("result-detail", args=[result.pk])).content.decode()
    assert finding.number in page  # the button became a link to the open finding
    assert client_for(users["staff"]).post(reverse("finding-from-result", args=[result.pk])).status_code == 403
    out_of_scope = reverse("finding-from-result", args=[results["DM-001"].pk])
    assert client.post(out_of_scope).status_code == 404
    external = client.post(reverse("finding-from-result", args=[result.pk]), {"next": "https://evil.example/"})
    assert external["Location"] == reverse("finding-detail", args=[finding.pk])


def test_the_loop_actions_then_close(results: dict[str, Result], users: dict[str, Any]) -> None:
    finding, _ = services.open_from_result(users["dept"], results["CS-001"])
    client = client_for(users["dept"])
    url = reverse("finding-detail", args=[finding.pk])
    edit = {"op": "edit", "edit-title": "北区首次响应超时", "edit-root_cause": "排班不足",
            "edit-owner": users["staff"].pk, "edit-due": "2026-12-15", "edit-severity": "major"}  # fmt: skip
    assert client.post(url, edit).status_code == 302
    finding.refresh_from_db()
    assert (
        finding.title == "北区首次响应超时" and finding.root_cause == "排班不足" and finding.due == date(2026, 12, 15)
    )
    client.post(url, {"op": "action", "action-kind": "corrective", "action-description": "增加午间排班",
                      "action-owner": users["staff"].pk})  # fmt: skip
    action = finding.actions.get()
    finding.refresh_from_db()
    assert finding.status == "acting"
    refused = client.post(url, {"op": "close", "close-closure_note": "done"}, follow=True).content.decode()
    assert "1 actions are not done yet" in refused
    # the action's owner (staff) may complete it, though not otherwise change the finding
    staff = client_for(users["staff"])
    assert staff.post(url, {"op": "done", "action": action.pk, "done-outcome": "已排班"}).status_code == 302
    assert staff.post(url, edit).status_code == 302  # the finding's owner is staff too
    assert client_for(users["readonly"]).post(url, {"op": "close", "close-closure_note": "x"}).status_code == 403
    assert client.post(url, {"op": "close", "close-closure_note": "十一月复测达标"}).status_code == 302
    finding.refresh_from_db()
    assert finding.status == "closed" and finding.closed_by == users["dept"]
    with pytest.raises(ValidationError):
        services.add_action(users["dept"], finding, kind="preventive", description="x")
    services.reopen(users["manager"], finding, reason="十二月又超时")
    finding.refresh_from_db()
    assert finding.status == "acting" and finding.closed_at is None
    actions = set(AuditEntry.objects.filter(object_type="improvement.finding").values_list("action", flat=True))
    assert actions == {"open finding", "edit finding", "close finding", "reopen finding"}


def test_manual_finding_and_list_scope(results: dict[str, Result], users: dict[str, Any]) -> None:
    client = client_for(users["auditor"])
    form = client.get(reverse("finding-new"))
    assert form.status_code == 200
    it_unit = Standard.objects.get(code="DM-001").owner_unit_id
    response = client.post(reverse("finding-new"), {"title": "备份恢复演练未记录", "source": "audit", "unit": it_unit})
    assert response.status_code == 302
    services.open_from_result(users["dept"], results["CS-001"])
    seen = {role: client_for(users[role]).get(reverse("finding-list")).content.decode() for role in ROLES}
    for role in ("admin", "manager", "auditor", "readonly"):
        assert "备份恢复演练未记录" in seen[role] and "CS-001" in seen[role]
    for role in ("dept", "staff"):
        assert "备份恢复演练未记录" not in seen[role] and "CS-001" in seen[role]
    it_finding = Finding.objects.get(source="audit")
    assert client_for(users["dept"]).get(reverse("finding-detail", args=[it_finding.pk])).status_code == 404
    assert client_for(users["staff"]).get(reverse("finding-new")).status_code == 403
    empty = client.post(reverse("finding-new"), {"title": "", "source": "audit"})
    assert empty.status_code == 200 and "This field is required" in empty.content.decode()


def test_dashboard_shows_open_findings(results: dict[str, Result], users: dict[str, Any]) -> None:
    finding, _ = services.open_from_result(users["dept"], results["CS-001"])
    services.update(users["dept"], finding, due=date(2020, 1, 1))
    page = client_for(users["dept"]).get("/").content.decode()
    assert finding.number in page and "1 overdue" in page
    services.close(users["dept"], finding, note="ok")
    assert finding.number not in client_for(users["dept"]).get("/").content.decode()


FINDINGS_API = "/api/findings/"


def test_api_open_act_close(results: dict[str, Result], users: dict[str, Any]) -> None:
    client = client_for(users["dept"])
    body = {"result": results["CS-001"].pk, "source": "breach", "key": "T2"}
    first = client.post(f"{FINDINGS_API}from-result/", body, content_type="application/json")
    assert first.status_code == 201 and first.json()["key"] == "T2"
    again = client.post(f"{FINDINGS_API}from-result/", body, content_type="application/json")
    assert again.status_code == 200 and again.json()["id"] == first.json()["id"]
    pk = first.json()["id"]
    hidden = client.post(f"{FINDINGS_API}from-result/", {"result": results["DM-001"].pk},
                         content_type="application/json")  # fmt: skip
    assert hidden.status_code == 400 and "result" in hidden.json()
    patched = client.patch(
        f"{FINDINGS_API}{pk}/", {"owner": "staff", "root_cause": "高峰"}, content_type="application/json"
    )
    assert patched.status_code == 200 and patched.json()["owner"] == "staff"
    added = client.post(f"{FINDINGS_API}{pk}/actions/", {"kind": "containment", "description": "临时加人"},
                        content_type="application/json")  # fmt: skip
    assert added.status_code == 201 and added.json()["status"] == "acting"
    action_id = added.json()["actions"][0]["id"]
    blank = client.post(f"{FINDINGS_API}{pk}/close/", {"note": "x"}, content_type="application/json")
    assert blank.status_code == 400 and "not done" in str(blank.json())
    done = client.post(f"{FINDINGS_API}{pk}/actions/{action_id}/done/", {"outcome": "已加人"},
                       content_type="application/json")  # fmt: skip
    assert done.status_code == 200 and done.json()["actions"][0]["done_by"] == "dept"
    closed = client.post(f"{FINDINGS_API}{pk}/close/", {"note": "复测达标"}, content_type="application/json")
    assert closed.status_code == 200 and closed.json()["status"] == "closed"
    refused = client_for(users["readonly"]).post(f"{FINDINGS_API}{pk}/reopen/", {"note": "x"},
                                                 content_type="application/json")  # fmt: skip
    assert refused.status_code == 403
    assert client_for(users["dept_it"]).get(f"{FINDINGS_API}{pk}/").status_code == 404
    body = {"title": "审计抽查", "source": "audit", "unit": "信息技术部"}
    manual = client_for(users["auditor"]).post(FINDINGS_API, body, content_type="application/json")
    assert manual.status_code == 201 and manual.json()["unit"] == "信息技术部"
    assert (
        client_for(users["staff"]).post(FINDINGS_API, {"title": "x"}, content_type="application/json").status_code
        == 403
    )


def test_finding_page_shows_the_re_measurement(results: dict[str, Result], users: dict[str, Any]) -> None:
    first = results["CS-001"]
    finding, _ = services.open_from_result(users["dept"], first, source="breach", key="T1")
    later = Evaluation.objects.create(label="2026-11", start=datetime(2026, 11, 1, tzinfo=SH),
                                      end=datetime(2026, 12, 1, tzinfo=SH), state="done")  # fmt: skip
    Result.objects.create(evaluation=later, requirement=first.requirement, standard=first.standard,
                          standard_code="CS-001", requirement_code=first.requirement_code, category=first.category,
                          status="pass", value=0.99, unit_id_snapshot=first.unit_id_snapshot)  # fmt: skip
    page = client_for(users["dept"]).get(reverse("finding-detail", args=[finding.pk])).content.decode()
    assert "Re-measured since" in page and "2026-11" in page and "still violating" not in page


def test_a_generated_title_reads_in_each_readers_language(results: dict[str, Result], users: dict[str, Any]) -> None:
    from django.utils import translation

    with translation.override("zh-hans"):
        finding, _ = services.open_from_result(users["dept"], results["CS-001"])
    code = results["CS-001"].requirement_code
    assert finding.title == f"{code} 在 2026-10 不达标" and finding.display_title == f"{code} failed in 2026-10"
    page = client_for(users["dept"]).get(reverse("finding-list")).content.decode()
    assert f"{code} failed in 2026-10" in page
    services.update(users["dept"], finding, title=f"{code} failed in 2026-10")  # unchanged: still generated
    assert Finding.objects.get().title_generated
    services.update(users["dept"], finding, title="北区排班不足")
    finding = Finding.objects.get()
    assert not finding.title_generated and finding.display_title == "北区排班不足"
