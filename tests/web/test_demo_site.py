"""The demo company loads into the web app with working accounts for every role."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.contrib.auth import get_user_model
from django.test import Client

from guifan.demo.generator import generate_demo
from guifan.web.demo_site import ACCOUNTS, PASSWORD, load
from guifan.web.org.models import OrgUnit, Person, Raci
from guifan.web.standards.models import Standard

pytestmark = pytest.mark.django_db(transaction=True)


def test_demo_loads_with_scoped_accounts(tmp_path: Path) -> None:
    pack = generate_demo(tmp_path / "demo", scale=0.05).parent
    accounts = load(pack, evaluate=False)
    assert {a.username for a in accounts} == {a.username for a in ACCOUNTS}
    assert Standard.objects.count() >= 30
    assert OrgUnit.objects.filter(name="客服部").exists() and Person.objects.count() > 100
    assert Raci.objects.filter(letter="A").exists()
    kefu = Client(headers={"Accept-Language": "en"})
    assert kefu.login(username="kefu", password=PASSWORD)
    assert kefu.get("/standards/CS-001/").status_code == 200  # 客服部 owns the service standards
    assert kefu.get("/standards/QC-001/").status_code == 404  # the quality department's are out of scope
    assert get_user_model().objects.get(username="kefu").person.unit.name == "客服部"
    assert load(pack, evaluate=False) == accounts  # loading again changes nothing


def test_demo_findings_tell_the_improvement_story(tmp_path: Path) -> None:
    from datetime import datetime
    from zoneinfo import ZoneInfo

    from guifan.web.demo_site import _open_findings
    from guifan.web.improvement.models import Finding
    from guifan.web.measure.models import Evaluation, Result

    load(generate_demo(tmp_path / "demo", scale=0.05).parent, evaluate=False)
    sh = ZoneInfo("Asia/Shanghai")
    standard = Standard.objects.get(code="CS-001")
    requirement = standard.current.requirements.order_by("position").first()
    for month in (6, 10):
        evaluation = Evaluation.objects.create(label=f"2026-{month:02d}", start=datetime(2026, month, 1, tzinfo=sh),
                                               end=datetime(2026, month + 1, 1, tzinfo=sh), state="done")  # fmt: skip
        Result.objects.create(evaluation=evaluation, requirement=requirement, standard=standard, standard_code="CS-001",
                              requirement_code=requirement.code, category="customer_service", status="fail",
                              unit_id_snapshot=standard.owner_unit_id)  # fmt: skip
    _open_findings()
    june, october = Finding.objects.order_by("result__evaluation__end")
    assert june.status == "closed" and june.actions.get().outcome and june.root_cause
    assert october.status == "acting" and october.opened_by.username == "kefu" and october.due is not None
