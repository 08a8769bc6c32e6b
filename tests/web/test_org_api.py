"""The organisation through the REST API: every role in and out of scope on each endpoint and method, audit
entries written, and the forms' validation messages returned as field errors."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from guifan.web.core.models import AuditEntry
from guifan.web.org.models import OrgUnit, Person, Position, Raci
from guifan.web.standards.models import Standard

from .conftest import client_for

pytestmark = pytest.mark.django_db

ROLES = ("admin", "manager", "dept", "auditor", "staff", "readonly")


@pytest.fixture
def org(catalogue: Path, units: dict[str, OrgUnit]) -> dict[str, Any]:
    """People and positions in 客服部 (the dept manager's and staff member's scope) and in 信息技术部 (not)."""
    agent = Position.objects.create(code="P-CS", name="客服专员", unit=units["service"])
    dev = Position.objects.create(code="P-IT", name="开发工程师", unit=units["it"])
    inside = Person.objects.create(code="E1", name="张伟", unit=units["service"], position=agent)
    outside = Person.objects.create(code="E2", name="李娜", unit=units["it"], position=dev)
    cs = Standard.objects.get(code="CS-001")
    dm = Standard.objects.get(code="DM-001")
    dm.owner_unit = units["it"]
    dm.save()
    return {
        "positions": (agent, dev),
        "people": (inside, outside),
        "raci": (
            Raci.objects.create(standard=cs, letter="R", person=inside),
            Raci.objects.create(standard=dm, letter="R", person=outside),
        ),
    }


def _send(client: Any, method: str, path: str, data: dict[str, Any] | None = None) -> Any:
    return getattr(client, method)(path, json.dumps(data or {}), content_type="application/json")


# (endpoint, in-scope object, out-of-scope object) for the three org endpoints written through forms.
def _targets(org: dict[str, Any], units: dict[str, OrgUnit]) -> dict[str, tuple[str, str]]:
    return {
        "org-units": (f"/api/org-units/{units['service'].pk}/", f"/api/org-units/{units['it'].pk}/"),
        "positions": (f"/api/positions/{org['positions'][0].pk}/", f"/api/positions/{org['positions'][1].pk}/"),
        "people": (f"/api/people/{org['people'][0].pk}/", f"/api/people/{org['people'][1].pk}/"),
    }


READ = {  # per role: in scope, out of scope
    "admin": (200, 200), "manager": (200, 200), "dept": (200, 404),
    "auditor": (200, 200), "staff": (200, 404), "readonly": (200, 200),
}  # fmt: skip
# A write that is not allowed answers 403 in scope and 404 out of scope (scope cannot be probed).
WRITE = {role: ((200, 200) if role == "admin" else (403, 403 if READ[role][1] == 200 else 404)) for role in ROLES}


@pytest.mark.parametrize("endpoint", ["org-units", "positions", "people"])
@pytest.mark.parametrize("role", ROLES)
def test_org_read_and_write_matrix(
    org: dict[str, Any], users: dict[str, Any], units: dict[str, OrgUnit], endpoint: str, role: str
) -> None:
    client = client_for(users[role])
    inside, outside = _targets(org, units)[endpoint]
    assert (client.get(inside).status_code, client.get(outside).status_code) == READ[role]
    patch = {"name": "改名"}
    got = (_send(client, "patch", inside, patch).status_code, _send(client, "patch", outside, patch).status_code)
    assert got == WRITE[role]
    service = units["service"].pk
    body = {
        "org-units": {"code": "NEW", "name": "新部门", "kind": "team", "parent": service},
        "positions": {"code": "P-NEW", "name": "新岗位", "unit": service},
        "people": {"code": "E-NEW", "name": "新人", "unit": service, "active": True},
    }[endpoint]
    assert _send(client, "post", f"/api/{endpoint}/", body).status_code == (201 if role == "admin" else 403)


def _free_pair(endpoint: str, units: dict[str, OrgUnit]) -> tuple[Any, Any]:
    """Objects nothing depends on, one in the dept manager's scope (客服部) and one outside it (信息技术部)."""

    def make(code: str, unit: OrgUnit) -> Any:
        if endpoint == "org-units":
            return OrgUnit.objects.create(code=code, name=code, kind="team", parent=unit)
        if endpoint == "positions":
            return Position.objects.create(code=code, name=code, unit=unit)
        return Person.objects.create(code=code, name=code, unit=unit)

    return make("FREE-IN", units["service"]), make("FREE-OUT", units["it"])


@pytest.mark.parametrize("endpoint", ["org-units", "positions", "people"])
@pytest.mark.parametrize("role", ROLES)
def test_org_delete_matrix(
    org: dict[str, Any], users: dict[str, Any], units: dict[str, OrgUnit], endpoint: str, role: str
) -> None:
    """Deleting what nothing depends on: administrators only; others 403 in scope, 404 out of scope."""
    inside, outside = _free_pair(endpoint, units)
    client = client_for(users[role])
    got = (client.delete(f"/api/{endpoint}/{inside.pk}/").status_code,
           client.delete(f"/api/{endpoint}/{outside.pk}/").status_code)  # fmt: skip
    assert got == ((204, 204) if role == "admin" else WRITE[role])
    left = type(inside).objects.filter(code__in=["FREE-IN", "FREE-OUT"]).count()
    assert left == (0 if role == "admin" else 2)
    assert AuditEntry.objects.filter(action="delete").count() == (2 if role == "admin" else 0)


@pytest.mark.parametrize("role", ROLES)
def test_org_put_matrix(org: dict[str, Any], users: dict[str, Any], units: dict[str, OrgUnit], role: str) -> None:
    """PUT replaces every field; the same rules as PATCH."""
    body = {"code": "P-CS", "name": "客服代表", "unit": units["service"].pk}
    inside, outside = org["positions"]
    client = client_for(users[role])
    got = (_send(client, "put", f"/api/positions/{inside.pk}/", body).status_code,
           _send(client, "put", f"/api/positions/{outside.pk}/", {**body, "code": "P-IT"}).status_code)  # fmt: skip
    assert got == WRITE[role]
    assert Position.objects.get(pk=inside.pk).name == ("客服代表" if role == "admin" else "客服专员")


def test_lists_are_scoped_filtered_and_paged(org: dict[str, Any], users: dict[str, Any], units: Any) -> None:
    dept = client_for(users["dept"])
    assert {p["code"] for p in dept.get("/api/people/").json()["results"]} == {"E1"}
    assert {p["code"] for p in dept.get("/api/positions/").json()["results"]} == {"P-CS"}
    assert {r["standard"] for r in dept.get("/api/raci/").json()["results"]} == {"CS-001"}
    admin = client_for(users["admin"])
    assert [u["code"] for u in admin.get(f"/api/org-units/?parent={units['company'].pk}").json()["results"]] == [
        "人力资源部", "信息技术部", "客服部",
    ]  # fmt: skip
    assert [p["code"] for p in admin.get(f"/api/positions/?unit={units['it'].pk}").json()["results"]] == ["P-IT"]
    assert [r["id"] for r in admin.get("/api/raci/?standard__code=DM-001").json()["results"]] == [org["raci"][1].pk]
    page = admin.get("/api/org-units/?limit=2&offset=1").json()
    assert page["count"] == 4 and len(page["results"]) == 2 and page["next"] and page["previous"]


def test_create_change_delete_are_audited(org: dict[str, Any], users: dict[str, Any], units: Any) -> None:
    admin = client_for(users["admin"])
    made = _send(admin, "post", "/api/org-units/", {"code": "QA", "name": "质量部", "parent": units["company"].pk})
    assert made.status_code == 201, made.content
    pk = made.json()["id"]
    assert made.json()["kind"] == "department"  # the form's default
    assert _send(admin, "patch", f"/api/org-units/{pk}/", {"name_en": "Quality"}).status_code == 200
    assert admin.delete(f"/api/org-units/{pk}/").status_code == 204
    entries = AuditEntry.objects.filter(object_type="org.orgunit", object_id=str(pk)).order_by("id")
    assert [(e.action, e.actor.username) for e in entries] == [("add", "admin"), ("edit", "admin"), ("delete", "admin")]
    assert entries[1].before == {"name_en": ""} and entries[1].after == {"name_en": "Quality"}
    assert entries[2].before["code"] == "QA"


def test_person_is_linked_to_a_login_by_username(org: dict[str, Any], users: dict[str, Any]) -> None:
    admin = client_for(users["admin"])
    path = f"/api/people/{org['people'][0].pk}/"
    response = _send(admin, "patch", path, {"login": "staff"})
    assert response.status_code == 200 and response.json()["login"] == "staff"
    assert Person.objects.get(code="E1").user == users["staff"]
    taken = _send(admin, "patch", f"/api/people/{org['people'][1].pk}/", {"login": "staff"})
    assert taken.status_code == 400 and "login" in taken.json()  # one person per login, at the login field
    unknown = _send(admin, "patch", path, {"login": "nobody"})
    assert unknown.json() == {"login": ["There is no login named nobody."]}
    assert _send(admin, "patch", path, {"login": None}).json()["login"] is None
    assert AuditEntry.objects.filter(object_type="org.person", action="edit").count() == 2


def test_validation_errors_are_field_errors(org: dict[str, Any], users: dict[str, Any], units: Any) -> None:
    admin = client_for(users["admin"])
    company = units["company"]
    cycle = _send(admin, "patch", f"/api/org-units/{company.pk}/", {"parent": units["service"].pk})
    assert cycle.status_code == 400
    assert cycle.json() == {"parent": ["An org unit cannot be placed below itself."]}
    duplicate = _send(admin, "post", "/api/org-units/", {"code": "客服部", "name": "x"})
    assert duplicate.json() == {"code": ["Org unit with this Code already exists."]}
    missing = _send(admin, "post", "/api/people/", {"name": "无工号"})
    assert missing.json() == {"code": ["This field is required."]}
    assert not AuditEntry.objects.filter(object_type__startswith="org.").exists()


def test_deleting_what_others_depend_on_is_refused(org: dict[str, Any], users: dict[str, Any], units: Any) -> None:
    admin = client_for(users["admin"])
    response = admin.delete(f"/api/org-units/{units['service'].pk}/")
    assert response.status_code == 400
    message = response.json()["non_field_errors"][0]
    assert "1 people" in message and "1 positions" in message and "2 logins scoped to it" in message
    assert "1 standards it owns" in message
    assert (
        "3 org units below it" in admin.delete(f"/api/org-units/{units['company'].pk}/").json()["non_field_errors"][0]
    )
    held = admin.delete(f"/api/positions/{org['positions'][0].pk}/").json()["non_field_errors"][0]
    assert "1 people holding it" in held
    person = admin.delete(f"/api/people/{org['people'][0].pk}/").json()["non_field_errors"][0]
    assert "1 RACI assignments" in person
    assert OrgUnit.objects.count() == 4 and Person.objects.count() == 2 and Position.objects.count() == 2
    assert not AuditEntry.objects.filter(action="delete").exists()


RACI_WRITE = {  # per role: CS-001 (in the dept manager's scope), DM-001 (out of it)
    "admin": (True, True), "manager": (True, True), "dept": (True, 404),
    "auditor": (403, 403), "staff": (403, 404), "readonly": (403, 403),
}  # fmt: skip


@pytest.mark.parametrize("role", ROLES)
def test_raci_matrix(org: dict[str, Any], users: dict[str, Any], role: str) -> None:
    client = client_for(users[role])
    inside, outside = org["raci"]
    expected = RACI_WRITE[role]
    assert client.get(f"/api/raci/{inside.pk}/").status_code == 200
    assert client.get(f"/api/raci/{outside.pk}/").status_code == (404 if expected[1] == 404 else 200)
    for assignment, allowed in zip((inside, outside), expected, strict=True):
        code = assignment.standard.code
        created = _send(client, "post", "/api/raci/", {"standard": code, "letter": "C", "person": org["people"][0].pk})
        changed = _send(client, "patch", f"/api/raci/{assignment.pk}/", {"letter": "A"})
        removed = client.delete(f"/api/raci/{assignment.pk}/")
        if allowed is True:
            assert (created.status_code, changed.status_code, removed.status_code) == (201, 200, 204)
        elif allowed == 404:  # an unseen standard is refused as if it did not exist
            assert created.status_code == 400 and "standard" in created.json()
            assert (changed.status_code, removed.status_code) == (404, 404)
        else:
            assert (created.status_code, changed.status_code, removed.status_code) == (403, 403, 403)
    audited = AuditEntry.objects.filter(object_type="org.raci").values_list("action", flat=True)
    assert sorted(audited) == (sorted(["add RACI", "change RACI", "remove RACI"] * 2) if role in {"admin", "manager"}
                               else ["add RACI", "change RACI", "remove RACI"] if role == "dept" else [])  # fmt: skip


def test_raci_validation_is_keyed_by_field(org: dict[str, Any], users: dict[str, Any]) -> None:
    admin = client_for(users["admin"])
    person, position = org["people"][0].pk, org["positions"][0].pk
    bad_letter = _send(admin, "post", "/api/raci/", {"standard": "CS-001", "letter": "X", "person": person})
    assert bad_letter.json() == {"letter": ["Choose R, A, C or I."]}
    both = _send(admin, "post", "/api/raci/", {"standard": "CS-001", "letter": "A", "person": person,
                                                "position": position})  # fmt: skip
    assert both.json() == {"person": ["Choose a person or a position."]}
    again = _send(admin, "post", "/api/raci/", {"standard": "CS-001", "letter": "R", "person": person})
    assert again.json() == {"non_field_errors": ["This assignment exists already."]}
    moved = _send(admin, "patch", f"/api/raci/{org['raci'][0].pk}/", {"standard": "DM-001"})
    assert moved.json() == {"standard": ["An assignment cannot move to another standard."]}
    by_position = _send(admin, "patch", f"/api/raci/{org['raci'][0].pk}/", {"person": None, "position": position})
    assert by_position.status_code == 200 and by_position.json()["position"] == position
