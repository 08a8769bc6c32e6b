"""Who may see and change what: every role, in and out of scope, on pages and API endpoints."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from django.test import Client

from guifan.web.standards.models import Standard, StandardVersion

from .conftest import client_for

pytestmark = pytest.mark.django_db

ROLES = ("admin", "manager", "dept", "auditor", "staff", "readonly")

# path -> expected status per role (admin, manager, dept, auditor, staff, readonly). CS-001 belongs to 客服部
# (the department manager's and staff member's unit); DM-001 to 信息技术部 (out of their scope).
PAGES: dict[str, tuple[int, ...]] = {
    "/": (200, 200, 200, 200, 200, 200),
    "/standards/": (200, 200, 200, 200, 200, 200),
    "/standards/CS-001/": (200, 200, 200, 200, 200, 200),
    "/standards/DM-001/": (200, 200, 404, 200, 404, 200),
    "/standards/DM-001/diff/?a=1.0&b=1.0": (200, 200, 404, 200, 404, 200),
    "/standards/import/": (200, 200, 403, 403, 403, 403),
    "/standards/export/": (200, 200, 403, 200, 403, 200),
    "/evaluations/": (200, 200, 200, 200, 200, 200),
    "/datasets/": (200, 200, 200, 200, 200, 200),
    "/org/": (200, 200, 200, 200, 200, 200),
    "/findings/": (200, 200, 200, 200, 200, 200),
    "/findings/new/": (200, 200, 200, 200, 403, 403),
    "/api/findings/": (200, 200, 200, 200, 200, 200),
    "/org/units/信息技术部/": (200, 200, 404, 200, 404, 200),
    "/admin/": (200, 302, 302, 302, 302, 302),
    "/api/standards/DM-001/": (200, 200, 404, 200, 404, 200),
    "/api/schema/": (200, 200, 200, 200, 200, 200),
}


@pytest.mark.parametrize("path", list(PAGES))
def test_page_access_matrix(catalogue: Path, users: dict[str, Any], path: str) -> None:
    got = tuple(client_for(users[role]).get(path).status_code for role in ROLES)
    assert got == PAGES[path]


@pytest.mark.parametrize("path", ["/", "/standards/", "/standards/CS-001/", "/evaluations/", "/org/"])
def test_anonymous_is_sent_to_login(catalogue: Path, path: str) -> None:
    response = Client().get(path)
    assert response.status_code == 302 and response["Location"].startswith("/login/")


@pytest.mark.parametrize("path", ["/api/standards/", "/api/results/", "/api/evaluations/", "/api/people/"])
def test_anonymous_api_is_refused(catalogue: Path, path: str) -> None:
    assert Client().get(path).status_code in (401, 403)


def test_api_lists_are_scoped(catalogue: Path, users: dict[str, Any]) -> None:
    seen = {
        role: {s["code"] for s in client_for(users[role]).get("/api/standards/").json()["results"]} for role in ROLES
    }
    assert seen["admin"] == seen["auditor"] == seen["readonly"] == {"CS-001", "DM-001", "TR-001"}
    assert seen["dept"] == seen["staff"] == {"CS-001"}


@pytest.mark.parametrize(
    ("role", "allowed"),
    [("admin", True), ("manager", True), ("dept", True), ("auditor", False), ("staff", False), ("readonly", False)],
)
def test_who_may_start_a_revision(catalogue: Path, users: dict[str, Any], role: str, allowed: bool) -> None:
    client = client_for(users[role])
    client.post("/standards/CS-001/draft/", {"version": "1.0"})
    drafts = StandardVersion.objects.filter(standard__code="CS-001", status="draft").count()
    assert drafts == (1 if allowed else 0)


def test_out_of_scope_revision_is_not_found(catalogue: Path, users: dict[str, Any]) -> None:
    response = client_for(users["dept"]).post("/standards/DM-001/draft/", {"version": "1.0"})
    assert response.status_code == 404


@pytest.mark.parametrize(
    ("role", "status"),
    [("admin", 201), ("manager", 201), ("dept", 201), ("auditor", 403), ("staff", 403), ("readonly", 403)],
)
def test_who_may_start_an_evaluation_through_the_api(
    catalogue: Path, users: dict[str, Any], role: str, status: int, settings: Any, monkeypatch: Any
) -> None:
    monkeypatch.setattr("guifan.web.measure.services.run", lambda ids, periods: None)
    response = client_for(users[role]).post("/api/evaluations/", {"periods": "2026-10"})
    assert response.status_code == status


def test_api_version_actions_respect_four_eyes(catalogue: Path, users: dict[str, Any]) -> None:
    current = Standard.objects.get(code="CS-001").current
    manager = client_for(users["manager"])
    draft = manager.post(f"/api/versions/{current.pk}/new_draft/").json()
    assert draft["status"] == "draft"
    assert manager.post(f"/api/versions/{draft['id']}/submit/").json()["status"] == "in_review"
    refused = manager.post(f"/api/versions/{draft['id']}/approve/")
    assert refused.status_code == 403 and "four-eyes" in refused.json()["detail"]
    approved = client_for(users["manager2"]).post(f"/api/versions/{draft['id']}/approve/")
    assert approved.json()["status"] == "approved"


def test_token_authentication(catalogue: Path, users: dict[str, Any]) -> None:
    from rest_framework.authtoken.models import Token

    token = Token.objects.create(user=users["auditor"])
    response = Client().get("/api/standards/", HTTP_AUTHORIZATION=f"Token {token.key}")
    assert response.status_code == 200 and response.json()["count"] == 3
