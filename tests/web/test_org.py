"""Organisation and RACI edited in the app: administrators only for the org, owners for RACI; all audited."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from guifan.web.core.models import AuditEntry
from guifan.web.org.models import OrgUnit, Person, Position, Raci

from .conftest import client_for

pytestmark = pytest.mark.django_db


def test_admin_edits_units_and_people(catalogue: Path, users: dict[str, Any], units: dict[str, Any]) -> None:
    admin = client_for(users["admin"])
    response = admin.post("/org/units/new/", {"code": "QA", "name": "质量部", "kind": "department",
                                              "parent": units["company"].pk})  # fmt: skip
    assert response.status_code == 302 and OrgUnit.objects.get(code="QA").parent == units["company"]
    response = admin.post(
        "/org/people/new/", {"code": "E9", "name": "赵敏", "unit": units["service"].pk, "active": "on"}
    )
    assert response.status_code == 302 and Person.objects.get(code="E9").unit == units["service"]
    assert AuditEntry.objects.filter(action="add", object_type="org.person").exists()


def test_a_unit_cannot_move_below_itself(catalogue: Path, users: dict[str, Any], units: dict[str, Any]) -> None:
    data = {"code": "U00", "name": "示例公司", "kind": "company", "parent": units["service"].pk}
    response = client_for(users["admin"]).post("/org/units/U00/edit/", data)
    assert "cannot be placed below itself" in response.content.decode()
    units["company"].refresh_from_db()
    assert units["company"].parent is None


@pytest.mark.parametrize("role", ["manager", "dept", "auditor", "staff", "readonly"])
def test_only_administrators_edit_the_org(catalogue: Path, users: dict[str, Any], role: str) -> None:
    assert client_for(users[role]).get("/org/units/new/").status_code == 403


def test_raci_on_a_standard(catalogue: Path, users: dict[str, Any], units: dict[str, Any]) -> None:
    person = Person.objects.create(code="E1", name="张伟", unit=units["service"])
    client_for(users["dept"]).post("/org/raci/CS-001/add/", {"letter": "A", "person": person.pk})
    assignment = Raci.objects.get(standard__code="CS-001")
    assert (assignment.letter, assignment.person) == ("A", person)
    client_for(users["dept_it"]).post("/org/raci/CS-001/add/", {"letter": "R", "person": person.pk})
    assert Raci.objects.count() == 1  # out of scope: not found
    client_for(users["staff"]).post(f"/org/raci/CS-001/{assignment.pk}/remove/")
    assert Raci.objects.count() == 1  # staff may not
    client_for(users["dept"]).post(f"/org/raci/CS-001/{assignment.pk}/remove/")
    assert not Raci.objects.exists()
    assert [e.action for e in AuditEntry.objects.filter(object_type="org.raci").order_by("at", "id")] == [
        "add RACI",
        "remove RACI",
    ]


def test_admin_edits_positions_and_deletes_what_is_free(catalogue: Path, users: dict[str, Any], units: Any) -> None:
    admin = client_for(users["admin"])
    assert (
        admin.post("/org/positions/new/", {"code": "P1", "name": "质检员", "unit": units["it"].pk}).status_code == 302
    )
    Person.objects.create(code="E1", name="张伟", unit=units["hr"])
    refused = admin.post("/org/units/人力资源部/delete/", follow=True)
    assert "cannot be deleted: it still has 1 people" in refused.content.decode()
    assert admin.post("/org/positions/P1/delete/").status_code == 302
    assert not Position.objects.filter(code="P1").exists()
    empty = OrgUnit.objects.create(code="T1", name="空组", kind="team", parent=units["hr"])
    assert admin.post("/org/units/T1/delete/").status_code == 302
    assert not OrgUnit.objects.filter(pk=empty.pk).exists()
    assert list(AuditEntry.objects.filter(action="delete").values_list("object_type", flat=True).order_by("id")) == [
        "org.position",
        "org.orgunit",
    ]


@pytest.mark.parametrize("role", ["manager", "dept", "auditor", "staff", "readonly"])
@pytest.mark.parametrize("path", ["/org/positions/new/", "/org/units/客服部/delete/"])
def test_only_administrators_add_positions_or_delete(
    catalogue: Path, users: dict[str, Any], role: str, path: str
) -> None:
    assert client_for(users[role]).post(path).status_code == 403
    assert OrgUnit.objects.filter(code="客服部").exists()


def test_unit_page_links_the_units_around_it_within_scope(catalogue: Path, users: dict[str, Any], units: Any) -> None:
    OrgUnit.objects.create(code="T1", name="客服一组", kind="team", parent=units["service"])
    page = client_for(users["dept"]).get("/org/units/客服部/").content.decode()
    assert 'href="/org/units/T1/"' in page
    assert 'href="/org/units/U00/"' not in page  # the company is above the manager's scope
    page = client_for(users["admin"]).get("/org/units/客服部/").content.decode()
    assert 'href="/org/units/U00/"' in page
