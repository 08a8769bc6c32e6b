"""Load the demo company into the web application: its pack, organisation, accounts and a year of results.

The accounts exist for the demo only; every one has the password ``guifan-demo``.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.db import transaction

from guifan.engine import load_pack
from guifan.engine.periods import parse_date, parse_periods, period_between, zone
from guifan.web.core.models import Catalogue, Profile, Role
from guifan.web.measure import services as measure
from guifan.web.org.models import OrgUnit, Person, Position, Raci
from guifan.web.standards.models import Standard
from guifan.web.standards.packs import import_pack

PASSWORD = "guifan-demo"  # noqa: S105 - the documented password of the demo accounts, demo only
MONTHS = "2025-11..2026-10"
YEAR = ("2025-11-01", "2026-11-01")


@dataclass(frozen=True)
class DemoAccount:
    username: str
    role: str
    unit: str | None  # org unit name
    note: str


ACCOUNTS = (
    DemoAccount("admin", Role.ADMIN, None, "administrator (Django admin too)"),
    DemoAccount("biaozhun", Role.STANDARDS_MANAGER, None, "standards manager: edits and approves the catalogue"),
    DemoAccount("kefu", Role.DEPARTMENT_MANAGER, "客服部", "department manager of 客服部 (customer service)"),
    DemoAccount("shenji", Role.AUDITOR, None, "auditor: sees everything, changes only audit records"),
    DemoAccount("yuangong", Role.STAFF, "客服部", "staff in 客服部"),
    DemoAccount("chakan", Role.READ_ONLY, None, "read-only"),
)


def load(pack_dir: Path, *, evaluate: bool = True) -> list[DemoAccount]:
    """Migrate, then fill an empty database with the demo company (idempotent on a filled one)."""
    call_command("migrate", verbosity=0, interactive=False)
    if Standard.objects.exists():
        return list(ACCOUNTS)
    _load_catalogue(pack_dir)
    if evaluate:
        _evaluate()
        _open_findings()
    return list(ACCOUNTS)


@transaction.atomic
def _load_catalogue(pack_dir: Path) -> None:
    _load_org(pack_dir / "data")
    admin = _accounts()[0]
    _link_accounts()
    import_pack(admin, load_pack(pack_dir))
    _assign_raci()


def _accounts() -> list[Any]:
    users = get_user_model()
    out = []
    for account in ACCOUNTS:
        user = users.objects.create_user(account.username, password=PASSWORD)
        if account.role == Role.ADMIN:
            user.is_staff = user.is_superuser = True
            user.save()
        unit = OrgUnit.objects.filter(name=account.unit).first() if account.unit else None
        Profile.objects.create(user=user, role=account.role, unit=unit)
        out.append(user)
    return out


def _rows(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8-sig", newline="") as handle:
        return list(csv.DictReader(handle))


def _load_org(data: Path) -> None:
    kinds = {"公司": OrgUnit.Kind.COMPANY, "部门": OrgUnit.Kind.DEPARTMENT, "班组": OrgUnit.Kind.TEAM}
    units = _rows(data / "org_units.csv")
    created = {
        u["unit_id"]: OrgUnit.objects.create(
            code=u["unit_id"], name=u["name"], name_en=u.get("name_en", ""), kind=kinds.get(u["unit_type"], "team")
        )
        for u in units
    }
    for u in units:
        if u["parent_id"] in created:
            created[u["unit_id"]].parent = created[u["parent_id"]]
            created[u["unit_id"]].save(update_fields=["parent"])
    by_name = {unit.name: unit for unit in created.values()}
    positions: dict[str, Position] = {}
    for person in _rows(data / "employees.csv"):
        unit = by_name.get(person.get("team") or "") or by_name.get(person["department"])
        title = person["position"]
        if title not in positions:
            positions[title] = Position.objects.create(code=f"P{len(positions) + 1:03d}", name=title, unit=unit)
        Person.objects.create(
            code=person["employee_id"], name=person["name"], unit=unit, position=positions[title],
            active=person["active"].lower() == "true",
        )  # fmt: skip


def _link_accounts() -> None:
    """Give the department manager and staff accounts a person in their unit."""
    for account in ACCOUNTS:
        if account.unit is None:
            continue
        user = get_user_model().objects.get(username=account.username)
        person = Person.objects.filter(unit__name=account.unit, user__isnull=True).order_by("code").first()
        if person:
            person.user = user
            person.save(update_fields=["user"])


def _assign_raci() -> None:
    """The owner department's head is Accountable, its first member Responsible; the quality department is
    Consulted on quality standards."""
    for standard in Standard.objects.select_related("owner_unit"):
        unit = standard.owner_unit
        if unit is None:
            continue
        people = list(Person.objects.filter(unit__in=[unit, *unit.children.all()], active=True).order_by("code")[:2])
        if people:
            Raci.objects.create(standard=standard, letter="A", person=people[0])
        if len(people) > 1:
            Raci.objects.create(standard=standard, letter="R", person=people[1])


def _evaluate() -> None:
    tz = zone(Catalogue.current().timezone)
    admin = get_user_model().objects.get(username="admin")
    periods = parse_periods(MONTHS, tz)
    periods.append(period_between(parse_date(YEAR[0], "--from"), parse_date(YEAR[1], "--to"), tz))
    measure.start(admin, periods)


def _open_findings() -> None:
    """What the managers did about the results: June's service failures worked through and closed, October's
    failures opened, one with an action under way. Only once the evaluations have finished (they run in the
    foreground for the demo)."""
    from datetime import timedelta

    from guifan.web.core import access
    from guifan.web.improvement import services as findings
    from guifan.web.measure.models import Result

    users = {u.username: u for u in get_user_model().objects.filter(username__in=["biaozhun", "kefu", "yuangong"])}
    manager, kefu = users["biaozhun"], users["kefu"]
    failed = Result.objects.filter(status="fail", evaluation__state="done").select_related("evaluation", "requirement")
    june = failed.filter(evaluation__label="2026-06", category="customer_service").first()
    if june is not None:
        finding, _new = findings.open_from_result(kefu, june, source="failure")
        findings.update(kefu, finding, owner=kefu, root_cause="北区午间排班不足，高峰时段无人接单。")
        action = findings.add_action(kefu, finding, kind="corrective", description="北区午间增加两名坐席轮值。",
                                     owner=users["yuangong"])  # fmt: skip
        findings.complete_action(users["yuangong"], action, outcome="7 月起午间两人轮值，首次响应达标率回到 96%。")
        findings.close(kefu, finding, note="7、8 月复测均达标。")
    october = failed.filter(evaluation__label="2026-10").order_by("-violations")
    for number, result in enumerate(october):
        actor = kefu if access.in_scope(kefu, result.unit_id_snapshot) and result.unit_id_snapshot else manager
        finding, _new = findings.open_from_result(actor, result, source="failure")
        due = result.evaluation.end.date() + timedelta(days=45 if number else 20)
        findings.update(manager, finding, due=due)
        if number == 0:
            check = "逐条复核本月违规记录并通知责任部门。"
            findings.add_action(manager, finding, kind="containment", description=check, owner=manager, due=due)
