from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.test import Client

from guifan.cli.scaffold import write_starter_pack
from guifan.engine import load_pack
from guifan.web.core.models import Profile, Role
from guifan.web.org.models import OrgUnit
from guifan.web.standards.packs import import_pack

PASSWORD = "pw-for-tests"


@pytest.fixture(autouse=True)
def english() -> Any:
    """Tests read English messages; the UI's Chinese is tested in test_i18n."""
    from django.utils import translation

    with translation.override("en"):
        yield


@pytest.fixture
def starter_dir(tmp_path: Path) -> Path:
    folder = tmp_path / "pack"
    write_starter_pack(folder)
    return folder


@pytest.fixture
def units(db: Any) -> dict[str, OrgUnit]:
    company = OrgUnit.objects.create(code="U00", name="示例公司", kind="company")
    service = OrgUnit.objects.create(code="客服部", name="客服部", parent=company)
    it = OrgUnit.objects.create(code="信息技术部", name="信息技术部", parent=company)
    hr = OrgUnit.objects.create(code="人力资源部", name="人力资源部", parent=company)
    return {"company": company, "service": service, "it": it, "hr": hr}


def make_user(username: str, role: Role, unit: OrgUnit | None = None) -> Any:
    user = get_user_model().objects.create_user(username, password=PASSWORD)
    if role == Role.ADMIN:
        user.is_superuser = user.is_staff = True
        user.save()
    Profile.objects.create(user=user, role=role, unit=unit)
    return user


@pytest.fixture
def users(units: dict[str, OrgUnit]) -> dict[str, Any]:
    return {
        "admin": make_user("admin", Role.ADMIN),
        "manager": make_user("manager", Role.STANDARDS_MANAGER),
        "manager2": make_user("manager2", Role.STANDARDS_MANAGER),
        "dept": make_user("dept", Role.DEPARTMENT_MANAGER, units["service"]),
        "dept_it": make_user("dept_it", Role.DEPARTMENT_MANAGER, units["it"]),
        "auditor": make_user("auditor", Role.AUDITOR),
        "staff": make_user("staff", Role.STAFF, units["service"]),
        "readonly": make_user("readonly", Role.READ_ONLY),
    }


@pytest.fixture
def catalogue(users: dict[str, Any], starter_dir: Path) -> Path:
    import_pack(users["admin"], load_pack(starter_dir))
    return starter_dir


def client_for(user: Any, language: str = "en") -> Client:
    client = Client(headers={"Accept-Language": language})
    client.force_login(user)
    return client
