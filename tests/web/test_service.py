"""Service SLAs in the web app: work calendars (month view, editor, API), sla policies and the per-team page."""

from __future__ import annotations

import html as html_lib
import re
from pathlib import Path
from typing import Any

import pytest
from django.urls import reverse

from guifan.engine import load_pack
from guifan.engine.pack.loader import calendar_problems, check_problems
from guifan.engine.periods import parse_periods, zone
from guifan.web.core.models import AuditEntry, Catalogue
from guifan.web.measure import services as measure
from guifan.web.measure.models import Result
from guifan.web.service.forms import SlaForm
from guifan.web.standards.models import Requirement, Standard
from guifan.web.standards.packs import import_pack

from .conftest import client_for

pytestmark = pytest.mark.django_db(transaction=True)

LUNCH = ["09:00-12:00", "13:30-18:00"]
ROLES = ("admin", "manager", "dept", "dept_it", "auditor", "staff", "readonly")
MANAGERS = {"admin", "manager"}

SLA_STANDARD = """
  - id: CS-009
    title: {zh: 工单时效, en: Ticket response times}
    category: customer_service
    owner: 客服部
    version: "1.0"
    effective: 2026-01-01
    requirements:
      - id: CS-009.1
        text: {zh: 按优先级在工作时间内首次响应, en: First response within the priority's business time}
        check: {kind: sla, dataset: tickets, start: created_at, stop: first_response_at, calendar: cn-office,
                limit: {P1: 2h, P2: 4h, P3: 1d}, limit_by: priority, by: [team], target: ">= 90%"}
"""


@pytest.fixture
def sla_pack(starter_dir: Path, users: dict[str, Any]) -> Path:
    return _import_sla(starter_dir, users)


@pytest.fixture
def sla_pack_open(starter_dir: Path, users: dict[str, Any]) -> Path:
    """The sla pack with one P3 ticket (1d = 7.5 business hours) still open at the end of October with half an
    hour left: at risk."""
    with (starter_dir / "data" / "tickets.csv").open("a", encoding="utf-8") as f:
        f.write("T-09999,2026-10-30 09:30:00,,北区,P3,\n")
    return _import_sla(starter_dir, users)


def _import_sla(starter_dir: Path, users: dict[str, Any]) -> Path:
    text = (starter_dir / "pack.yaml").read_text(encoding="utf-8")
    week = ", ".join(f"{d}: ['09:00-12:00', '13:30-18:00']" for d in ("mon", "tue", "wed", "thu", "fri"))
    calendars = f"calendars:\n  cn-office:\n    week: {{{week}}}\n    builtin: cn\n"
    calendars += "  spare:\n    week: {mon: ['09:00-17:00']}\n"
    text = text.replace("datasets:\n", calendars + "datasets:\n", 1) + SLA_STANDARD
    (starter_dir / "pack.yaml").write_text(text, encoding="utf-8")
    import_pack(users["admin"], load_pack(starter_dir))
    return starter_dir


def _evaluated(users: dict[str, Any]) -> Result:
    measure.start(users["manager"], parse_periods("2026-10", zone("Asia/Shanghai")))
    return Result.objects.get(requirement_code="CS-009.1", evaluation__label="2026-10")


# --- calendars: pages -----------------------------------------------------------------------------------------


@pytest.mark.parametrize("role", ROLES)
def test_calendar_pages_access(sla_pack: Path, users: dict[str, Any], role: str) -> None:
    client = client_for(users[role])
    assert client.get(reverse("calendar-list")).status_code == 200
    assert client.get(reverse("calendar-detail", args=["cn-office"])).status_code == 200
    assert client.get(reverse("calendar-detail", args=["nope"])).status_code == 404
    allowed = 200 if role in MANAGERS else 403
    assert client.get(reverse("calendar-new")).status_code == allowed
    assert client.get(reverse("calendar-edit", args=["cn-office"])).status_code == allowed
    response = client.post(reverse("calendar-delete", args=["spare"]))
    assert response.status_code == (302 if role in MANAGERS else 403)
    assert ("spare" in Catalogue.current().calendars) is (role not in MANAGERS)


def test_calendar_list_figures_equal_the_engines(sla_pack: Path, users: dict[str, Any]) -> None:
    """Each calendar's periods, working day and working week on the list page are what the engine measures on the
    pack's own calendar: business time over an ordinary week (2026-11-02 to 11-09 has no holiday) and its
    Monday, between instants."""
    from datetime import datetime, timedelta

    from guifan.engine.calendars import WorkCalendar, builtin_set

    loaded = load_pack(sla_pack)
    page = client_for(users["staff"]).get(reverse("calendar-list"))
    html = page.content.decode()
    rows = {row["name"]: row for row in page.context["rows"]}
    assert set(rows) == set(loaded.pack.calendars) == {"cn-office", "spare"}
    for name, spec in loaded.pack.calendars.items():
        cal = WorkCalendar.from_spec(spec, default_timezone=loaded.pack.timezone, name=name)
        monday = datetime(2026, 11, 2, tzinfo=cal.zone)
        days = [monday + timedelta(days=i) for i in range(8)]
        per_day = [float(h) / 3600 for h in cal.business_seconds(days[:-1], days[1:])]
        row = rows[name]
        assert row["timezone"] == cal.timezone == "Asia/Shanghai"
        assert [hours for _day, _periods, hours in row["week"]] == pytest.approx(per_day)
        assert row["week_hours"] == pytest.approx(sum(per_day))
        assert row["day_hours"] == pytest.approx(max(per_day))  # every working day here is a full one
        cells = html.split(f">{name}</a>", 1)[1].split("</tr>", 1)[0]
        shown = [float(n) for n in re.findall(r'<td class="num">([\d.]+) h</td>', cells)]
        assert shown == [pytest.approx(max(per_day)), pytest.approx(sum(per_day))]
        for day, periods, _hours in row["week"]:
            if periods:
                assert f'<b class="mono">{day}</b> <span class="mono">{", ".join(periods)}</span>' in cells
    # by hand: 09:00-12:00 and 13:30-18:00 is 7.5 h, five days 37.5 h; spare works Mondays 09:00-17:00
    assert (rows["cn-office"]["day_hours"], rows["cn-office"]["week_hours"]) == (7.5, 37.5)
    assert (rows["spare"]["day_hours"], rows["spare"]["week_hours"]) == (8, 8)
    years = builtin_set("cn").years
    assert rows["cn-office"]["years"] == years and f"cn {years[0]}–{years[-1]}" in html
    assert [r.code for r in rows["cn-office"]["users"]] == ["CS-009.1"] and rows["spare"]["users"] == []


def _days(html: str) -> dict[str, tuple[str, float, str]]:
    """date -> (kind, hours, label) from the month grid."""
    out = {}
    for chunk in html.split('data-date="')[1:]:
        m = re.match(r'([\d-]+)" data-kind="(\w+)" data-hours="([\d.]+)">', chunk)
        assert m is not None
        label = re.search(r'<span class="l">(.*?)</span>', chunk.split('class="day', 1)[0])
        out[m[1]] = (m[2], float(m[3]), label[1] if label else "")
    return out


def test_month_view_marks_national_day_2026_and_its_make_up_days(sla_pack: Path, users: dict[str, Any]) -> None:
    client = client_for(users["staff"])
    october = _days(client.get(reverse("calendar-detail", args=["cn-office"]) + "?month=2026-10").content.decode())
    for d in range(1, 8):  # 国务院办公厅 2026: 10月1日至7日放假
        assert october[f"2026-10-0{d}"][:2] == ("holiday", 0.0)
        assert "National Day" in october[f"2026-10-0{d}"][2]
    assert october["2026-10-10"] == ("makeup", 7.5, "Make-up working day for National Day")  # Saturday, 上班
    assert october["2026-10-08"] == ("work", 7.5, "")  # Thursday after the holiday, lunch break left out
    assert october["2026-10-11"][:2] == ("closed", 0.0)  # an ordinary Sunday
    september = _days(client.get(reverse("calendar-detail", args=["cn-office"]) + "?month=2026-09").content.decode())
    assert september["2026-09-20"] == ("makeup", 7.5, "Make-up working day for National Day")  # 国庆节's, not 中秋节's
    assert september["2026-09-25"][0] == "holiday"  # 中秋节 9月25日至27日
    assert "Mid-Autumn" in september["2026-09-25"][2]
    chinese = client_for(users["staff"], "zh-hans")
    page = chinese.get(reverse("calendar-detail", args=["cn-office"]) + "?month=2026-10").content.decode()
    assert "国庆节" in page and "调休" in page
    assert _days(page)["2026-10-10"][2] == "国庆节调休上班"
    may = _days(chinese.get(reverse("calendar-detail", args=["cn-office"]) + "?month=2026-05").content.decode())
    assert may["2026-05-09"][2] == "劳动节调休上班" and may["2026-05-01"][2] == "劳动节"
    url = reverse("calendar-detail", args=["cn-office"]) + "?month=2025-10"
    both = _days(client.get(url).content.decode())  # 2025: one notice paragraph for both holidays
    assert both["2025-10-11"][2] == "Make-up working day for National Day and Mid-Autumn Festival"
    assert both["2025-10-06"][2] == "National Day and Mid-Autumn Festival"
    assert _days(chinese.get(url).content.decode())["2025-10-11"][2] == "国庆节、中秋节调休上班"


def test_month_view_navigates_between_months(sla_pack: Path, users: dict[str, Any]) -> None:
    page = client_for(users["staff"]).get(reverse("calendar-detail", args=["cn-office"]) + "?month=2026-01")
    html = page.content.decode()
    assert "?month=2025-12" in html and "?month=2026-02" in html
    assert page.context["summary"]["working_days"] == 21  # 22 weekdays - 元旦 (Jan 1, 2) + make-up Sunday Jan 4
    bad = client_for(users["staff"]).get(reverse("calendar-detail", args=["cn-office"]) + "?month=2026-13")
    assert bad.status_code == 200


# --- calendars: editor ----------------------------------------------------------------------------------------


def _form(**changes: str) -> dict[str, str]:
    data = {"name": "office2", "timezone": "", "builtin": "", "holidays": "", "workdays": "", "workday_hours": "",
            "known_years": "", "mon": "09:00-12:00, 13:30-18:00", "tue": "", "wed": "", "thu": "", "fri": "",
            "sat": "", "sun": ""}  # fmt: skip
    return data | changes


def test_calendar_errors_are_the_engines_at_their_field(sla_pack: Path, users: dict[str, Any]) -> None:
    client = client_for(users["manager"])
    response = client.post(
        reverse("calendar-new"),
        _form(mon="09:00-12:00, 11:00-18:00", tue="18:00-09:00", timezone="Asia/Shanghia", holidays="2026-13-01"),
    )
    errors = response.context["form"].errors
    engine = dict(calendar_problems("x", {"timezone": "Asia/Shanghia"}))
    assert errors["timezone"] == [engine["timezone"]]
    assert errors["mon"] == ["working periods on mon overlap; list them without overlaps"]
    assert "'18:00-09:00' ends before it starts" in errors["tue"][0]
    assert "'2026-13-01' is not a date" in errors["holidays"][0]
    both = client.post(reverse("calendar-new"), _form(holidays="2026-10-01..2026-10-03", workdays="2026-10-02"))
    assert "listed both as a holiday and as a make-up working day" in both.context["form"].errors["workdays"][0]
    hours = client.post(reverse("calendar-new"), _form(workday_hours="10:00-09:00"))
    assert "ends before it starts" in hours.context["form"].errors["workday_hours"][0]
    taken = client.post(reverse("calendar-new"), _form(name="cn-office"))
    assert "already" in taken.context["form"].errors["name"][0]
    assert set(Catalogue.current().calendars) == {"cn-office", "spare"}


def test_calendar_is_saved_with_an_audit_entry(sla_pack: Path, users: dict[str, Any]) -> None:
    client = client_for(users["manager"])
    created = client.post(
        reverse("calendar-new"),
        _form(
            name="shop",
            sat="10:00-16:00",
            holidays="2026-12-31, 2027-01-01..2027-01-02",
            workdays="2026-12-27",
            known_years="2026..2027",
            workday_hours="09:00-12:00",
        ),
    )
    assert created.status_code == 302
    spec = Catalogue.current().calendars["shop"]
    assert spec["week"] == {"mon": LUNCH, "sat": ["10:00-16:00"]}
    assert spec["holidays"] == ["2026-12-31", "2027-01-01..2027-01-02"] and spec["workdays"] == ["2026-12-27"]
    edited = client.post(reverse("calendar-edit", args=["shop"]), _form(name="ignored", mon="08:00-12:00"))
    assert edited.status_code == 302
    assert Catalogue.current().calendars["shop"] == {"week": {"mon": ["08:00-12:00"]}}
    entries = AuditEntry.objects.filter(object_type="core.catalogue").order_by("id")
    add, edit = entries.filter(action="add calendar").get(), entries.filter(action="edit calendar").get()
    assert add.actor == users["manager"] and add.after["calendars.shop"]["week"]["sat"] == ["10:00-16:00"]
    assert add.before == {"calendars.shop": None}
    assert edit.before["calendars.shop"]["week"]["sat"] == ["10:00-16:00"]
    assert edit.after == {"calendars.shop": {"week": {"mon": ["08:00-12:00"]}}}


def test_a_calendar_in_use_cannot_be_deleted(sla_pack: Path, users: dict[str, Any]) -> None:
    client = client_for(users["manager"])
    response = client.post(reverse("calendar-delete", args=["cn-office"]), follow=True)
    assert "cn-office" in Catalogue.current().calendars
    text = " ".join(str(m) for m in response.context["messages"])
    assert "CS-009 v1.0 CS-009.1" in text
    client.post(reverse("calendar-delete", args=["spare"]))
    assert "spare" not in Catalogue.current().calendars
    assert AuditEntry.objects.filter(action="delete calendar").get().before["calendars.spare"] == {
        "week": {"mon": ["09:00-17:00"]}
    }


@pytest.mark.parametrize("role", ROLES)
def test_calendar_rename_access(sla_pack: Path, users: dict[str, Any], role: str) -> None:
    client = client_for(users[role])
    page = client.get(reverse("calendar-detail", args=["spare"])).content.decode()
    assert (reverse("calendar-rename", args=["spare"]) in page) is (role in MANAGERS)
    response = client.post(reverse("calendar-rename", args=["spare"]), {"name": "spare-2"})
    assert response.status_code == (302 if role in MANAGERS else 403)
    assert ("spare-2" in Catalogue.current().calendars) is (role in MANAGERS)
    if role in MANAGERS:
        assert client.post(reverse("calendar-rename", args=["nope"]), {"name": "x"}).status_code == 404


def test_calendar_rename_is_audited_and_refused_while_in_use(sla_pack: Path, users: dict[str, Any]) -> None:
    client = client_for(users["manager"])
    spare = Catalogue.current().calendars["spare"]
    renamed = client.post(reverse("calendar-rename", args=["spare"]), {"name": "shop-hours"})
    assert renamed["Location"] == reverse("calendar-detail", args=["shop-hours"])
    assert Catalogue.current().calendars == {"cn-office": Catalogue.current().calendars["cn-office"],
                                             "shop-hours": spare}  # fmt: skip
    entry = AuditEntry.objects.get(action="rename calendar")
    assert entry.actor == users["manager"]
    assert entry.before == {"calendars.spare": spare, "calendars.shop-hours": None}
    assert entry.after == {"calendars.spare": None, "calendars.shop-hours": spare}

    in_use = client.post(reverse("calendar-rename", args=["cn-office"]), {"name": "office"}, follow=True)
    text = " ".join(str(m) for m in in_use.context["messages"])
    assert "CS-009 v1.0 CS-009.1" in text and "renamed only when no requirement uses it" in text
    page = client.get(reverse("calendar-detail", args=["cn-office"])).content.decode()
    assert reverse("calendar-rename", args=["cn-office"]) not in page  # the page says why instead of a form
    for bad, message in (("cn-office", "already a calendar"), ("shop hours!", "Use letters"),
                         ("shop-hours", "already called")):  # fmt: skip
        refused = client.post(reverse("calendar-rename", args=["shop-hours"]), {"name": bad}, follow=True)
        assert message in " ".join(str(m) for m in refused.context["messages"]), bad
    assert set(Catalogue.current().calendars) == {"cn-office", "shop-hours"}
    assert AuditEntry.objects.filter(action="rename calendar").count() == 1


def test_calendar_rename_api(sla_pack: Path, users: dict[str, Any]) -> None:
    staff = client_for(users["staff"]).post("/api/calendars/spare/rename/", {"name": "x"})
    assert staff.status_code == 403
    client = client_for(users["manager"])
    done = client.post("/api/calendars/spare/rename/", {"name": "late-shift"}, content_type="application/json")
    assert done.status_code == 200 and done.json()["name"] == "late-shift" and done.json()["week"]["mon"]
    in_use = client.post("/api/calendars/cn-office/rename/", {"name": "x"}, content_type="application/json")
    assert in_use.status_code == 400 and "CS-009.1" in in_use.json()["detail"][0]
    taken = client.post("/api/calendars/late-shift/rename/", {"name": "cn-office"}, content_type="application/json")
    assert taken.status_code == 400 and "already" in taken.json()["name"][0]
    assert client.post("/api/calendars/nope/rename/", {"name": "y"}).status_code == 404


# --- calendars: API -------------------------------------------------------------------------------------------


@pytest.mark.parametrize("role", ROLES)
def test_calendar_api_access(sla_pack: Path, users: dict[str, Any], role: str) -> None:
    client = client_for(users[role])
    listed = client.get("/api/calendars/")
    assert listed.status_code == 200 and {c["name"] for c in listed.json()} == {"cn-office", "spare"}
    one = client.get("/api/calendars/cn-office/").json()
    assert one["week"]["mon"] == LUNCH and one["day_hours"] == 7.5 and one["builtin"] == "cn"
    assert client.get("/api/calendars/nope/").status_code == 404
    body = {"name": "api-cal", "week": {"mon": ["09:00-17:00"]}}
    created = client.post("/api/calendars/", body, content_type="application/json")
    updated = client.put("/api/calendars/spare/", {"week": {"tue": ["09:00-17:00"]}}, content_type="application/json")
    deleted = client.delete("/api/calendars/spare/")
    if role in MANAGERS:
        assert (created.status_code, updated.status_code, deleted.status_code) == (201, 200, 204)
    else:
        assert (created.status_code, updated.status_code, deleted.status_code) == (403, 403, 403)
        assert set(Catalogue.current().calendars) == {"cn-office", "spare"}


def test_calendar_api_validates_like_the_pages(sla_pack: Path, users: dict[str, Any]) -> None:
    client = client_for(users["manager"])
    bad = {"name": "x", "week": {"mon": ["09:00-12:00", "11:00-13:00"]}, "timezone": "Mars/Base"}
    response = client.post("/api/calendars/", bad, content_type="application/json")
    assert response.status_code == 400
    assert response.json()["week.mon"] == ["working periods on mon overlap; list them without overlaps"]
    assert "unknown time zone 'Mars/Base'" in response.json()["timezone"][0]
    in_use = client.delete("/api/calendars/cn-office/")
    assert in_use.status_code == 400 and "CS-009.1" in in_use.json()["detail"][0]
    month = client.get("/api/calendars/cn-office/month/?month=2026-10").json()
    assert [d["kind"] for d in month[:10]] == ["holiday"] * 7 + ["work", "work", "makeup"]


# --- sla policies ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize("role", ROLES)
def test_policy_pages_access(sla_pack: Path, users: dict[str, Any], role: str) -> None:
    client = client_for(users[role])
    page = client.get(reverse("service-policies"))
    assert page.status_code == 200
    in_scope = role != "dept_it"
    assert ("CS-009.1" in page.content.decode()) is in_scope
    editor = client.get(reverse("service-policy-edit", args=["CS-009", "1.0", "CS-009.1"]))
    draft = client.post(reverse("service-policy-draft", args=["CS-009", "1.0", "CS-009.1"]))
    if not in_scope:
        assert (editor.status_code, draft.status_code) == (404, 404)
    elif role in MANAGERS | {"dept"}:
        assert editor.status_code == 200 and "Start a new draft version" in editor.content.decode()
        assert draft.status_code == 302
    else:
        assert (editor.status_code, draft.status_code) == (403, 403)
    drafts = Standard.objects.get(code="CS-009").versions.filter(status="draft").count()
    assert drafts == (1 if in_scope and role in MANAGERS | {"dept"} else 0)


def _sla_post(**changes: str) -> dict[str, str]:
    data = {"dataset": "tickets", "start": "created_at", "stop": "first_response_at", "calendar": "cn-office",
            "limit": "", "limit_by": "priority", "limit_value_0": "P1", "limit_0": "2h", "limit_value_1": "P2",
            "limit_1": "4h", "limit_value_2": "P3", "limit_2": "1.5d", "by": "team", "target": ">= 92%",
            "at_risk": "30%", "warn": "", "where": "", "working_day": "", "pauses_dataset": ""}  # fmt: skip
    return data | changes


def test_editing_a_policy_makes_a_draft_the_engine_accepts(sla_pack: Path, users: dict[str, Any]) -> None:
    client = client_for(users["dept"])
    opened = client.post(reverse("service-policy-draft", args=["CS-009", "1.0", "CS-009.1"]))
    standard = Standard.objects.get(code="CS-009")
    draft = standard.versions.get(status="draft")
    assert opened["Location"] == reverse("service-policy-edit", args=["CS-009", draft.number, "CS-009.1"])
    form = client.get(opened["Location"]).context["form"]
    assert form.initial["limit_value_2"] == "P3" and form.initial["limit_2"] == "1d" and form.initial["by"] == "team"
    saved = client.post(opened["Location"], _sla_post())
    assert saved.status_code == 302
    spec = draft.requirements.get(code="CS-009.1").check_spec
    assert spec["limit"] == {"P1": "2h", "P2": "4h", "P3": "1.5d"} and spec["at_risk"] == "30%"
    assert spec["target"] == ">= 92%" and spec["by"] == ["team"]
    effective = standard.versions.get(number="1.0").requirements.get(code="CS-009.1").check_spec
    assert effective["limit"]["P3"] == "1d" and effective["target"] == ">= 90%"  # approved text never changes
    catalogue = Catalogue.current()
    assert check_problems(spec, SlaForm.datasets(), calendars=catalogue.calendars, timezone=catalogue.timezone) == []
    assert AuditEntry.objects.filter(action="edit requirement", object_id=str(draft.requirements.get().pk)).exists()
    again = client.post(reverse("service-policy-draft", args=["CS-009", "1.0", "CS-009.1"]))
    assert again["Location"] == opened["Location"]  # the existing draft is reused
    assert standard.versions.filter(status="draft").count() == 1


def test_policy_errors_land_on_their_field(sla_pack: Path, users: dict[str, Any]) -> None:
    client = client_for(users["manager"])
    location = client.post(reverse("service-policy-draft", args=["CS-009", "1.0", "CS-009.1"]))["Location"]
    errors = client.post(location, _sla_post(limit_2="3x", at_risk="150%")).context["form"].errors
    assert "limit_0" in errors and "3x" in errors["limit_0"][0]
    assert "at_risk" in errors and "150%" in errors["at_risk"][0]
    errors = client.post(location, _sla_post(start="created")).context["form"].errors
    assert "start" in errors and "created" in errors["start"][0]
    pauses = client.post(location, _sla_post(pauses_dataset="tickets", pauses_key="ticket_id", pauses_from="nope",
                                             pauses_to="first_response_at")).context["form"].errors  # fmt: skip
    assert "pauses_from" in pauses
    spec = Requirement.objects.get(version__status="draft", code="CS-009.1").check_spec
    assert spec["limit"]["P3"] == "1d"  # nothing was written


# --- the team page --------------------------------------------------------------------------------------------


def test_team_page_numbers_equal_the_stored_result(sla_pack: Path, users: dict[str, Any]) -> None:
    result = _evaluated(users)
    assert result.status in ("pass", "warn", "fail") and result.groups.count() >= 2
    client = client_for(users["staff"])
    url = reverse("service-team", args=["CS-009.1"])
    everyone = client.get(url).context["report"]
    details = result.details
    assert everyone["population"] == result.population and everyone["breaches"] == result.violations
    assert everyone["percentiles"] == details["percentiles"]
    assert everyone["open"] == details["open"]
    assert everyone["at_risk"]["count"] == details["at_risk"]["count"]
    assert [
        {k: v for k, v in e.items() if k not in ("within", "business")} for e in everyone["breaches_by_limit"]
    ] == details["breaches_by_limit"]
    per_limit = [0] * len(details["breaches_by_limit"])
    for group in result.groups.all():
        label = " · ".join(str(v) for v in group.by.values())
        page = client.get(url, {"team": label, "evaluation": result.evaluation_id})
        report = page.context["report"]
        assert page.context["group"] == group
        assert (report["population"], report["breaches"]) == (group.population, group.violations)
        assert report["value"] == pytest.approx(group.value)
        assert report["breached"]["count"] == group.violations
        assert page.context["trend"][-1]["violations"] == group.violations
        for i, entry in enumerate(report["breaches_by_limit"]):
            per_limit[i] += entry["breaches"]
        assert "curve" in report and report["curve"]["curve"]
        labels = [p["limit"] for p in report["curve"]["curve"]]
        assert all(re.fullmatch(r"(\d+h)?(\d+m)?", label) for label in labels), labels  # 1h53m, never 1.88h
        assert "1h30m" in labels and "1h53m" in labels  # P3's 1d is 7h30m: ¼ of it 1h52.5m → 1h53m
    assert per_limit == [e["breaches"] for e in details["breaches_by_limit"]]


@pytest.mark.parametrize("role", ROLES)
def test_team_page_access(sla_pack: Path, users: dict[str, Any], role: str) -> None:
    result = _evaluated(users)
    response = client_for(users[role]).get(reverse("service-team", args=["CS-009.1"]))
    assert response.status_code == (404 if role == "dept_it" else 200)
    page = client_for(users["manager"]).get(reverse("result-detail", args=[result.pk])).content.decode()
    assert reverse("service-team", args=["CS-009.1"]) in page


# --- the team page: findings from breaches -------------------------------------------------------------------


def _team_url(result: Result, team: str = "") -> str:
    from urllib.parse import urlencode

    query = {"evaluation": result.evaluation_id} | ({"team": team} if team else {})
    return reverse("service-team", args=["CS-009.1"]) + "?" + urlencode(query)


def _forms(html: str) -> dict[str, dict[str, str]]:
    """key -> the hidden fields of each one-click finding form on the page."""
    out = {}
    for form in re.findall(r'<form method="post" action="/findings/from-result/\d+/".*?</form>', html, re.S):
        fields = {k: html_lib.unescape(v) for k, v in re.findall(r'name="(\w+)" value="([^"]*)"', form)}
        out[fields["key"]] = fields
    return out


@pytest.mark.parametrize("role", ROLES)
def test_team_page_finding_buttons_by_role(sla_pack: Path, users: dict[str, Any], role: str) -> None:
    result = _evaluated(users)
    group = result.groups.filter(violations__gt=0).first()
    assert group is not None
    team = " · ".join(str(v) for v in group.by.values())
    response = client_for(users[role]).get(_team_url(result, team))
    if role == "dept_it":
        assert response.status_code == 404
        return
    forms = _forms(response.content.decode())
    report = response.context["report"]
    if role in ("staff", "readonly"):
        assert forms == {}
        return
    assert set(report["breached"]["keys"]) | set(report["at_risk"]["keys"]) | {f"team={group.by['team']}"} == set(forms)
    assert all(f["source"] == "breach" for f in forms.values())


def test_breach_at_risk_and_team_findings(sla_pack_open: Path, users: dict[str, Any]) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from guifan.web.improvement.models import Finding

    result = _evaluated(users)
    group = next(g for g in result.groups.all() if g.by == {"team": "北区"})
    assert group.violations > 0
    team = group.by["team"]
    client = client_for(users["dept"])
    url = _team_url(result, team)
    with CaptureQueriesContext(connection) as queries:
        page = client.get(url)
    report = page.context["report"]
    assert len(report["breached"]["keys"]) >= 2  # the page lists several records: one query for all their buttons
    assert sum("improvement_finding" in q["sql"] for q in queries.captured_queries) == 1
    forms = _forms(page.content.decode())

    ticket = report["breached"]["keys"][0]
    opened = client.post(reverse("finding-from-result", args=[result.pk]), forms[ticket])
    assert opened.status_code == 302 and opened["Location"] == url
    finding = Finding.objects.get(key=ticket)
    assert (finding.source, finding.requirement_code, finding.result_id) == ("breach", "CS-009.1", result.pk)
    assert finding.title == f"CS-009.1: {ticket} breached the time limit"

    team_form = forms[f"team={team}"]
    assert team_form["title"] == (
        f"CS-009.1: team {team} breached the time limit on {report['breaches']} of {report['population']} "
        f"records in 2026-10"
    )
    client.post(reverse("finding-from-result", args=[result.pk]), team_form)
    assert Finding.objects.get(key=f"team={team}").title == team_form["title"]

    assert report["at_risk"]["keys"] == ["T-09999"]
    client.post(reverse("finding-from-result", args=[result.pk]), forms["T-09999"])
    at_risk = Finding.objects.get(key="T-09999")
    assert at_risk.source == "breach"
    assert at_risk.title == "CS-009.1: T-09999 is at risk of breaching the time limit (2026-10)"

    again = client.get(url).content.decode()
    assert f'href="/findings/{finding.pk}/"' in again and ticket not in _forms(again)  # a link now, not a button
    client.post(reverse("finding-from-result", args=[result.pk]), forms[ticket])
    assert Finding.objects.filter(key=ticket).count() == 1  # idempotent while open
