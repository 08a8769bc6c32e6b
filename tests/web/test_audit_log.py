"""The audit trail made readable: translated action labels, field-by-field changes, and the audit log page."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path
from typing import Any

import pytest
from django.utils import timezone

from guifan.web.core import auditlog
from guifan.web.core.audit import record, snapshot
from guifan.web.org.models import OrgUnit

from .conftest import client_for

pytestmark = pytest.mark.django_db

ROLES = ("admin", "manager", "dept", "auditor", "staff", "readonly")


@pytest.mark.parametrize(
    ("path", "expected"),
    [("/audit/", (200, 403, 403, 200, 403, 403)), ("/audit/?action=approve&page=2", (200, 403, 403, 200, 403, 403))],
)
def test_audit_log_is_for_auditors_and_administrators(
    catalogue: Path, users: dict[str, Any], path: str, expected: tuple[int, ...]
) -> None:
    assert tuple(client_for(users[role]).get(path).status_code for role in ROLES) == expected


@pytest.mark.parametrize("role", ROLES)
def test_the_nav_links_the_audit_log_for_those_roles_only(catalogue: Path, users: dict[str, Any], role: str) -> None:
    page = client_for(users[role]).get("/").content.decode()
    assert ('href="/audit/"' in page) == (role in {"admin", "auditor"})


def test_every_action_code_the_services_write_has_a_label() -> None:
    """The codes passed to record() (directly, or through the version lifecycle's _transition) across the apps."""
    written: set[str] = set()
    for source in Path(auditlog.__file__).parents[1].rglob("*.py"):
        text = source.read_text(encoding="utf-8")
        for expression in re.findall(r"record\(\s*(?:actor|request\.user),\s*([^,]+),", text):
            written |= set(re.findall(r'"([^"]+)"', expression))
        written |= set(re.findall(r'_transition\(actor, [^)]*"([^"]+)"\)', text))
    assert {"add", "edit", "approve", "supersede", "register dataset", "admin add", "admin change"} <= written
    assert written <= set(auditlog.ACTION_LABELS)


def test_labels_are_translated_and_unknown_codes_fall_back(catalogue: Path, users: dict[str, Any]) -> None:
    from django.utils import translation

    with translation.override("zh-hans"):
        assert auditlog.action_label("make effective") == "已生效"
        assert auditlog.action_label("remove RACI") == "已移除职责分配"
    assert auditlog.action_label("make effective") == "made effective"
    assert auditlog.action_label("calibrate gauge") == "calibrate gauge"


def test_changes_show_labels_choices_and_what_changed(catalogue: Path, users: dict[str, Any], units: Any) -> None:
    admin = users["admin"]
    unit = units["it"]
    before = snapshot(unit)
    unit.name_en, unit.kind = "IT", "team"
    unit.save()
    entry = record(admin, "edit", unit, before=before, after=snapshot(unit))
    rows = {c.name: c for c in auditlog.changes(entry)}
    assert set(rows) == {"name_en", "kind"}  # only what changed is stored
    assert (rows["kind"].label, rows["kind"].before, rows["kind"].after) == ("kind", "Department", "Team")
    assert (rows["name_en"].before, rows["name_en"].after, rows["name_en"].changed) == ("—", "IT", True)
    added = record(admin, "add", unit, after=snapshot(unit))
    shown = {c.name: c for c in auditlog.changes(added)}
    assert all(c.changed and c.before == "" for c in shown.values()) and "id" not in shown
    assert shown["parent"].after == "示例公司"  # a foreign key reads as the object, not its id
    page = client_for(users["auditor"]).get(f"/audit/org.orgunit/{unit.pk}/").content.decode()
    assert 'class="changed"' in page and "Team" in page and "changed</span>" in page


def test_filters_narrow_the_log_and_page_it(catalogue: Path, users: dict[str, Any], units: Any) -> None:
    admin, manager = users["admin"], users["manager"]
    for i in range(60):
        record(manager, "edit", units["hr"], before={"name": str(i)}, after={"name": str(i + 1)})
    record(admin, "delete", OrgUnit(pk=999, code="X", name="旧部门"), before={"code": "X"})
    client = client_for(users["auditor"])
    by_actor = client.get(f"/audit/?actor={manager.pk}&object_type=org.orgunit&action=edit")
    assert by_actor.context["page"].paginator.count == 60 and len(by_actor.context["entries"]) == 50
    assert len(client.get(f"/audit/?actor={manager.pk}&action=edit&page=2").context["entries"]) == 10
    deleted = client.get("/audit/?action=delete&q=旧部门").context["entries"]
    assert [v.entry.object_repr for v in deleted] == ["旧部门"]
    today = timezone.localdate()
    assert client.get(f"/audit/?start={today + dt.timedelta(days=1)}").context["page"].paginator.count == 0
    assert client.get(f"/audit/?start={today}&end={today}").context["page"].paginator.count >= 61
    wrong = client.get(f"/audit/?start={today}&end={today - dt.timedelta(days=1)}")
    assert "The end date is before the start date." in wrong.content.decode()


def test_log_page_queries_do_not_grow_with_entries(
    catalogue: Path, users: dict[str, Any], units: Any, django_assert_max_num_queries: Any
) -> None:
    for i in range(50):
        record(users["manager"], "edit", units["hr"], before={"name": str(i)}, after={"name": str(i + 1)})
    client = client_for(users["auditor"])
    client.get("/audit/")
    with django_assert_max_num_queries(12):
        client.get("/audit/")


@pytest.mark.parametrize("role", ROLES)
def test_history_is_linked_only_where_it_opens(catalogue: Path, users: dict[str, Any], role: str) -> None:
    client = client_for(users[role])
    page = client.get("/standards/CS-001/")
    version = page.context["version"]
    trail = client.get(f"/audit/standards.standardversion/{version.pk}/")
    linked = f'href="/audit/standards.standardversion/{version.pk}/"' in page.content.decode()
    assert linked == (trail.status_code == 200) == (role in {"admin", "manager", "auditor", "readonly"})


def test_fields_without_a_verbose_name_and_moments_read_in_the_readers_terms(
    catalogue: Path, users: dict[str, Any]
) -> None:
    from django.utils import translation

    from guifan.web.core.models import AuditEntry
    from guifan.web.improvement import services as findings

    finding = findings.open_manual(users["admin"], title="Spilt coolant at line 2")
    entry = AuditEntry.objects.filter(object_type="improvement.finding", action="open finding").get()
    rows = {c.name: c for c in auditlog.changes(entry)}
    assert rows["opened_by"].label == "opened by" and rows["opened_by"].after == "admin"
    moment = timezone.localtime(finding.opened_at)  # stored as ISO in UTC, shown in the app's time zone
    assert rows["opened_at"].after == moment.strftime("%Y-%m-%d %H:%M")
    with translation.override("zh-hans"):
        zh = {c.name: c.label for c in auditlog.changes(entry)}
    assert (zh["opened_by"], zh["closed_by"], zh["title"]) == ("提出人", "关闭人", "标题")
