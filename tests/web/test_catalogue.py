"""The standards lifecycle, through the services the views and API call."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from guifan.engine import load_pack
from guifan.engine.pack.model import Pack
from guifan.web.core.models import AuditEntry
from guifan.web.standards import services
from guifan.web.standards.models import Standard, VersionStatus
from guifan.web.standards.packs import dump_yaml, pack_data

pytestmark = pytest.mark.django_db


def effective(code: str) -> Any:
    return Standard.objects.get(code=code).current


def test_import_creates_effective_versions(catalogue: Path) -> None:
    standard = Standard.objects.get(code="CS-001")
    assert standard.current.status == VersionStatus.EFFECTIVE
    assert standard.owner_unit.name == "客服部"
    assert [r.code for r in standard.current.requirements.all()] == ["CS-001.1", "CS-001.2"]
    assert standard.current.next_review.isoformat() == "2027-01-01"


def test_pack_round_trips(catalogue: Path, tmp_path: Path) -> None:
    original = load_pack(catalogue).pack
    folder = tmp_path / "exported"
    folder.mkdir()
    (folder / "pack.yaml").write_text(dump_yaml(pack_data()), encoding="utf-8")
    exported = load_pack(folder).pack
    assert _normalised(exported) == _normalised(original)


def _normalised(pack: Pack) -> dict[str, Any]:
    data = pack.model_dump(mode="json", exclude_defaults=True)
    for spec in data.get("datasets", {}).values():
        spec["source"] = Path(spec["source"]).name
    return data


def test_revision_four_eyes_and_effective(catalogue: Path, users: dict[str, Any]) -> None:
    current = effective("CS-001")
    draft = services.new_draft(users["dept"], current)
    assert draft.status == VersionStatus.DRAFT and draft.number == "1.1"
    assert draft.requirements.count() == 2
    services.update_draft(users["dept"], draft.pk, draft.lock_version, {"title": "客户服务响应标准（修订）"})
    draft.refresh_from_db()
    services.submit(users["dept"], draft)
    with pytest.raises(PermissionDenied):
        services.approve(users["dept"], draft)  # a department manager does not approve
    services.approve(users["manager"], draft)
    services.make_effective(users["manager"], draft)
    standard = Standard.objects.get(code="CS-001")
    assert standard.current == draft
    current.refresh_from_db()
    assert current.status == VersionStatus.SUPERSEDED


def test_author_cannot_approve(catalogue: Path, users: dict[str, Any]) -> None:
    draft = services.new_draft(users["manager"], effective("CS-001"))
    services.submit(users["manager"], draft)
    with pytest.raises(PermissionDenied, match="four-eyes"):
        services.approve(users["manager"], draft)
    services.approve(users["manager2"], draft)


def test_approved_versions_are_immutable(catalogue: Path, users: dict[str, Any]) -> None:
    current = effective("CS-001")
    with pytest.raises(ValidationError, match="Only a draft"):
        services.update_draft(users["manager"], current.pk, current.lock_version, {"title": "x"})


def test_concurrent_edits_conflict(catalogue: Path, users: dict[str, Any]) -> None:
    draft = services.new_draft(users["manager"], effective("CS-001"))
    opened = draft.lock_version
    services.update_draft(users["manager"], draft.pk, opened, {"title": "A"})
    with pytest.raises(services.ConflictError, match="Somebody else saved"):
        services.update_draft(users["manager2"], draft.pk, opened, {"title": "B"})


def test_out_of_scope_manager_cannot_revise(catalogue: Path, users: dict[str, Any]) -> None:
    with pytest.raises(PermissionDenied):
        services.new_draft(users["dept_it"], effective("CS-001"))


def test_changes_are_audited_and_the_trail_is_immutable(catalogue: Path, users: dict[str, Any]) -> None:
    draft = services.new_draft(users["manager"], effective("CS-001"))
    services.update_draft(users["manager"], draft.pk, draft.lock_version, {"title": "新标题"})
    entry = AuditEntry.objects.filter(action="edit draft").get()
    assert entry.actor == users["manager"]
    assert entry.before == {"title": "客户服务响应标准"} and entry.after == {"title": "新标题"}
    with pytest.raises(PermissionError):
        entry.save()
    with pytest.raises(PermissionError):
        entry.delete()


def test_acknowledgement(catalogue: Path, users: dict[str, Any]) -> None:
    current = effective("CS-001")
    services.acknowledge(users["staff"], current)
    services.acknowledge(users["staff"], current)
    assert current.acknowledgements.count() == 1


def test_admin_changes_are_audited_without_secrets(catalogue: Path, users: dict[str, Any]) -> None:
    from django.test import Client

    from guifan.web.core.models import Profile

    client = Client()
    client.force_login(users["admin"])
    profile = Profile.objects.get(user=users["staff"])
    response = client.post(
        f"/admin/core/profile/{profile.pk}/change/", {"user": users["staff"].pk, "role": "auditor", "unit": ""}
    )
    assert response.status_code == 302
    entry = AuditEntry.objects.get(action="admin change", object_type="core.profile")
    assert entry.actor == users["admin"] and entry.before["role"] == "staff" and entry.after["role"] == "auditor"
    client.post(
        f"/admin/auth/user/{users['readonly'].pk}/password/",
        {"password1": "A-new-long-pass-42", "password2": "A-new-long-pass-42"},
    )
    for entry in AuditEntry.objects.filter(object_type="auth.user"):
        assert "password" not in (entry.before or {}) and "password" not in (entry.after or {})
