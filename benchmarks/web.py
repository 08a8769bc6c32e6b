"""Server time of the web app's dashboard and list pages with a full catalogue and two years of results.

The requirement: the dashboard and the list pages take under 300 ms of server time with 1,000 standards, 5,000
requirements and 24 periods of results. This script creates that data and times the pages.

What it does:

1. Sets ``DJANGO_SETTINGS_MODULE=guifan.web.site.test_settings`` and a fresh ``GUIFAN_HOME`` (a temporary
   folder, removed at the end), so the database is a new SQLite file in it unless ``DATABASE_URL`` is set.
   Then it runs ``migrate``.
2. Creates the data with ``bulk_create`` (fixed seed, about a minute at full size):

   * org units: a company, 12 departments and 40 teams. Each team has 10 people, each with a login and a
     staff profile. There is a position per department and per team, and one login per role (admin,
     standards manager, a department manager per department, auditor, staff, read-only);
   * 1,000 standards across the 18 categories, each owned by a department that fits its category. Each has one
     effective version (Markdown body, review date, next review spread around today), 5 requirements with
     check specs (``metric`` with ``each`` or ``value``, ``data_quality``, ``coverage``; each has a
     ``target`` and a stricter ``warn``, and half have ``by: team``), and a RACI (one Accountable person and
     one Responsible position);
   * 24 monthly evaluations, 2024-11 to 2026-10, state ``done``, with aware start and end in Asia/Shanghai.
     Each evaluation has one result per requirement: 120,000 results. About 79% pass, 7% warn, 11% fail, 2% no
     data and 1% error, and one requirement in ten fails chronically. Each result has a value, population and
     violations that agree with each other and with its status and message, up to 20 violating keys
     (truncated beyond that) and ``unit_id_snapshot`` set to the owner unit. A failing result whose check has
     ``by`` gets 4 to 8 group results.

3. Times each page with ``django.test.Client`` (``force_login``). Every page gets one warm-up request, then
   one request under ``CaptureQueriesContext`` to count the queries, then ``--runs`` (default 5) timed
   requests. It reports the median of those.
4. Prints a table with these columns: page, median and fastest wall ms, median CPU ms, queries, median SQL ms,
   response size, and a verdict against the 300 ms budget (on the wall-clock median). With ``--strict`` it
   exits 1 when any page is over budget. ``--profile`` runs each page over budget once more under cProfile. It
   prints where the time goes and the queries grouped by shape.

"Server time" is the ``Client.get`` call: URL resolution, all the middleware (sessions, locale, CSRF, auth),
the view, its queries and the template or serializer. It leaves out the network, the WSGI server and static
files. "CPU ms" is this process's CPU time. On a busy shared machine the wall clock also counts waiting for a
core, so compare CPU ms between runs; with SQLite and an idle machine the two are about equal. On PostgreSQL
the CPU ms leave out the server's work. "SQL ms" is the time in the DB-API ``execute`` calls only. On SQLite,
fetching the rows of a large ``SELECT`` happens later and counts as Python time.

Run it::

    .venv/bin/python benchmarks/web.py                    # full size, SQLite: ~1 min of setup, then the pages
    .venv/bin/python benchmarks/web.py --scale 0.1        # 100 standards, 500 requirements, 12,000 results
    .venv/bin/python benchmarks/web.py --strict           # exit 1 if a page is over 300 ms
    .venv/bin/python benchmarks/web.py --profile          # plus cProfile and query shapes of the slow pages
    .venv/bin/python benchmarks/web.py --workdir /tmp/guifan-web-bench   # keep the SQLite file; reuse it next time

PostgreSQL: create an empty database and give its URL in ``DATABASE_URL``. ``--postgres`` only checks that
the URL is a PostgreSQL one, so the run cannot silently fall back to SQLite. The script migrates the
database, fills it and runs ``ANALYZE`` (autovacuum would do it on a live server). It refuses a Guifan
database that holds other data unless ``--flush`` is given, and ``--flush`` EMPTIES IT. It always refuses a
database with other applications' tables, before touching it::

    createdb guifan_bench
    DATABASE_URL=postgres://user@127.0.0.1:5432/guifan_bench .venv/bin/python benchmarks/web.py --postgres
    GUIFAN_PG_PORT=54377 bash scripts/with-postgres.sh .venv/bin/python benchmarks/web.py --postgres  # throw-away

A database that already holds this script's data at the same size (``--workdir`` again, or the same
``DATABASE_URL``) is reused as it is.
"""

# Django is banned outside the web app to keep the engine framework-free (pyproject.toml). This script drives
# the web app, so it needs Django:
# ruff: noqa: TID251

from __future__ import annotations

import argparse
import cProfile
import io
import os
import platform
import pstats
import re
import shutil
import statistics
import sys
import tempfile
import time
from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from pathlib import Path
from random import Random
from typing import Any
from zoneinfo import ZoneInfo

SEED = 20261127
BUDGET_MS = 300.0
STANDARDS = 1000
REQUIREMENTS_PER_STANDARD = 5
FIRST_MONTH = (2024, 11)
PERIODS = 24
PEOPLE_PER_TEAM = 10
ZONE = ZoneInfo("Asia/Shanghai")
MARKER = "benchmarks/web.py"

DEPARTMENTS = [  # code, name, English name, number of teams (4 x 4 + 8 x 3 = 40)
    ("D01", "客服部", "Customer Service", 4),
    ("D02", "信息技术部", "IT", 4),
    ("D03", "人力资源部", "Human Resources", 3),
    ("D04", "财务部", "Finance", 3),
    ("D05", "质量管理部", "Quality", 4),
    ("D06", "生产部", "Production", 4),
    ("D07", "采购部", "Procurement", 3),
    ("D08", "销售部", "Sales", 3),
    ("D09", "市场部", "Marketing", 3),
    ("D10", "法务合规部", "Legal and Compliance", 3),
    ("D11", "安全环保部", "Health, Safety and Environment", 3),
    ("D12", "物流部", "Logistics", 3),
]
TEAM_NUMBERS = "一二三四"

# category: (code prefix, owner departments, dataset the checks read, key prefix of its records)
CATEGORY_SETUP: dict[str, tuple[str, tuple[str, ...], str, str]] = {
    "process": ("PR", ("D06", "D05"), "work_orders", "WO"),
    "quality": ("QC", ("D05", "D06"), "inspections", "QI"),
    "performance": ("PF", ("D03",), "appraisals", "AP"),
    "training": ("TR", ("D03",), "employees", "E"),
    "customer_service": ("CS", ("D01", "D08"), "tickets", "TK"),
    "data": ("DM", ("D02",), "customers", "C"),
    "improvement": ("CI", ("D05", "D06"), "actions", "CA"),
    "compliance": ("CP", ("D10",), "contracts", "HT"),
    "risk": ("RK", ("D10", "D04"), "risks", "RK"),
    "internal_control": ("IC", ("D04",), "payments", "PAY"),
    "security": ("IS", ("D02",), "access_logs", "AL"),
    "it_systems": ("IT", ("D02",), "changes", "CHG"),
    "organization": ("OG", ("D03",), "positions", "POS"),
    "goals": ("GL", ("D08", "D09"), "orders", "SO"),
    "brand": ("BR", ("D09",), "campaigns", "MK"),
    "supply_chain": ("SC", ("D07", "D12"), "shipments", "SH"),
    "safety": ("SF", ("D11",), "incidents", "INC"),
    "cost": ("CT", ("D04", "D07"), "expenses", "EX"),
}
TOPICS = [
    ("响应时效", "response times"),
    ("记录完整性", "complete records"),
    ("审批流程", "approvals"),
    ("异常处理", "exception handling"),
    ("定期复核", "periodic review"),
    ("培训与资质", "training and qualification"),
    ("数据准确性", "accurate data"),
    ("变更管理", "change management"),
    ("供应商评估", "supplier evaluation"),
    ("目标达成", "meeting targets"),
    ("现场检查", "site inspections"),
    ("文档归档", "filing documents"),
]
SEVERITIES = ["critical"] * 1 + ["major"] * 6 + ["minor"] * 3


@dataclass(frozen=True)
class Page:
    name: str
    user: str
    url: str


@dataclass(frozen=True)
class Timing:
    page: Page
    times_ms: list[float]
    cpu_ms: list[float]
    queries: int
    sql_ms: float
    size: int

    @property
    def median(self) -> float:
        return statistics.median(self.times_ms)


def main() -> int:
    args = _arguments()
    if args.postgres and not os.environ.get("DATABASE_URL", "").startswith(("postgres://", "postgresql://")):
        print(
            "--postgres needs DATABASE_URL=postgres://user@host:port/empty_database in the environment, e.g.\n"
            "  bash scripts/with-postgres.sh .venv/bin/python benchmarks/web.py --postgres",
            file=sys.stderr,
        )
        return 2
    home = Path(args.workdir) if args.workdir else Path(tempfile.mkdtemp(prefix="guifan-web-bench-"))
    home.mkdir(parents=True, exist_ok=True)
    os.environ["GUIFAN_HOME"] = str(home.resolve())
    os.environ["DJANGO_SETTINGS_MODULE"] = "guifan.web.site.test_settings"
    try:
        return _run(args)
    finally:
        if not args.workdir:
            shutil.rmtree(home, ignore_errors=True)


def _arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--scale", type=float, default=1.0, help="fraction of 1,000 standards (0.1: 100)")
    parser.add_argument("--runs", type=int, default=5, help="timed requests per page (default 5)")
    parser.add_argument("--strict", action="store_true", help="exit 1 if any page's median is over the budget")
    parser.add_argument("--budget", type=float, default=BUDGET_MS, help="milliseconds (default 300)")
    parser.add_argument("--profile", action="store_true", help="profile the pages over budget")
    parser.add_argument("--workdir", help="GUIFAN_HOME to keep (the SQLite database); reused when it has the data")
    parser.add_argument("--postgres", action="store_true", help="insist that DATABASE_URL is a PostgreSQL URL")
    parser.add_argument("--flush", action="store_true", help="empty a database that holds other data first")
    args = parser.parse_args()
    if not 0 < args.scale <= 10:
        parser.error("--scale must be in (0, 10]")
    return args


def _run(args: argparse.Namespace) -> int:
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    n_standards = max(len(CATEGORY_SETUP), round(STANDARDS * args.scale))
    print(
        f"Python {platform.python_version()}, Django {django.get_version()}, {connection.vendor} "
        f"{_db_version(connection)}, GUIFAN_HOME {os.environ['GUIFAN_HOME']}"
    )
    signature = f"{MARKER} standards={n_standards} periods={PERIODS} seed={SEED}"
    state = _database_state(signature)  # before migrate, so that another database is left as it is
    if state == "foreign" or (state == "other" and not args.flush):
        print(
            "The database holds other data. Use an empty database, or --flush to empty a Guifan database.",
            file=sys.stderr,
        )
        return 2
    started = time.perf_counter()
    call_command("migrate", verbosity=0)
    print(f"migrate: {time.perf_counter() - started:.1f} s")
    if state == "other":
        call_command("flush", interactive=False, verbosity=0)
        state = "empty"
    if state == "empty":
        started = time.perf_counter()
        counts = generate(n_standards, signature)
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("ANALYZE")
        print(f"created in {time.perf_counter() - started:.1f} s: " + ", ".join(f"{v:,} {k}" for k, v in counts))
    else:
        print(f"reusing the data already in the database ({signature})")
    timings = [time_page(page, args.runs) for page in pages()]
    print()
    print(_table(timings, args.budget))
    slow = [t for t in timings if t.median > args.budget]
    if args.profile:
        for timing in slow:
            profile_page(timing.page)
    print()
    if slow:
        print(f"{len(slow)} of {len(timings)} pages over {args.budget:.0f} ms: " + ", ".join(t.page.name for t in slow))
    else:
        print(f"all {len(timings)} pages under {args.budget:.0f} ms")
    return 1 if slow and args.strict else 0


def _db_version(connection: Any) -> str:
    with connection.cursor() as cursor:
        cursor.execute("SELECT sqlite_version()" if connection.vendor == "sqlite" else "SHOW server_version")
        return str(cursor.fetchone()[0])


def _database_state(signature: str) -> str:
    """'empty', 'ours' (this script's data at this size), 'other' (a Guifan database) or 'foreign'."""
    from django.db import DatabaseError, connection

    from guifan.web.core.models import Catalogue
    from guifan.web.measure.models import Evaluation
    from guifan.web.org.models import OrgUnit
    from guifan.web.standards.models import Standard

    tables = set(connection.introspection.table_names())
    if not tables:
        return "empty"
    if not {Standard._meta.db_table, Catalogue._meta.db_table} <= tables:
        return "foreign"
    try:
        if not (Standard.objects.exists() or Evaluation.objects.exists() or OrgUnit.objects.exists()):
            return "empty"
        catalogue = Catalogue.objects.filter(pk=1).first()
    except DatabaseError:  # an older schema: migrate brings it up to date, --flush empties it
        return "other"
    return "ours" if catalogue is not None and catalogue.title_en == signature else "other"


# --- the data -------------------------------------------------------------------------------------------


def generate(n_standards: int, signature: str) -> list[tuple[str, int]]:
    """Create everything in one transaction; returns (what, how many) for the log line."""
    from django.db import transaction

    from guifan.web.core.models import Catalogue

    rng = Random(SEED)
    with transaction.atomic():
        Catalogue.objects.update_or_create(
            pk=1, defaults={"pack_id": "benchmark", "title_zh": "性能测试", "title_en": signature}
        )
        units = _org_units()
        users, people_by_department, positions = _users_and_people(units, rng)
        standards, requirements, raci = _catalogue(n_standards, units, users, people_by_department, positions, rng)
        evaluations, results, groups = _results(requirements, standards, users["admin"], rng)
    return [
        ("org units", len(units["all"])),
        ("users", len(users) + sum(len(p) for p in people_by_department.values())),
        ("standards", len(standards)),
        ("requirements", len(requirements)),
        ("RACI letters", raci),
        ("evaluations", evaluations),
        ("results", results),
        ("group results", groups),
    ]


def _org_units() -> dict[str, Any]:
    from guifan.web.org.models import OrgUnit

    company = OrgUnit.objects.create(code="U00", name="示例集团", name_en="Example Group", kind=OrgUnit.Kind.COMPANY)
    departments = OrgUnit.objects.bulk_create(
        [
            OrgUnit(code=code, name=name, name_en=en, kind=OrgUnit.Kind.DEPARTMENT, parent=company)
            for code, name, en, _teams in DEPARTMENTS
        ]
    )
    teams = OrgUnit.objects.bulk_create(
        [
            OrgUnit(
                code=f"{dept.code}-T{j + 1}",
                name=f"{dept.name[:-1]}{TEAM_NUMBERS[j]}组",
                name_en=f"{en} team {j + 1}",
                kind=OrgUnit.Kind.TEAM,
                parent=dept,
            )
            for dept, (_code, _name, en, n_teams) in zip(departments, DEPARTMENTS, strict=True)
            for j in range(n_teams)
        ]
    )
    by_code = {u.code: u for u in [company, *departments, *teams]}
    return {
        "company": company,
        "departments": departments,
        "teams": teams,
        "by_code": by_code,
        "all": [company, *departments, *teams],
    }


def _users_and_people(
    units: dict[str, Any], rng: Random
) -> tuple[dict[str, Any], dict[str, list[Any]], dict[int, Any]]:
    """Logins by name (one per role; ``dept`` manages D01), people by department, positions by org unit id."""
    from django.contrib.auth import get_user_model
    from django.contrib.auth.hashers import make_password

    from guifan.web.core.models import Profile, Role
    from guifan.web.org.models import Person, Position

    user_model = get_user_model()
    unusable = make_password(None)
    named = [
        ("admin", Role.ADMIN, None),
        ("manager", Role.STANDARDS_MANAGER, None),
        ("auditor", Role.AUDITOR, None),
        ("staff", Role.STAFF, units["teams"][0]),
        ("readonly", Role.READ_ONLY, None),
    ]
    named += [
        ("dept" if i == 0 else f"dept{i + 1:02d}", Role.DEPARTMENT_MANAGER, dept)
        for i, dept in enumerate(units["departments"])
    ]
    user_rows = [
        user_model(username=name, password=unusable, is_superuser=role == Role.ADMIN, is_staff=role == Role.ADMIN)
        for name, role, _unit in named
    ]
    members = [(team, k) for team in units["teams"] for k in range(PEOPLE_PER_TEAM)]
    user_rows += [user_model(username=f"u{team.code}-{k:02d}".lower(), password=unusable) for team, k in members]
    created = user_model.objects.bulk_create(user_rows)
    Profile.objects.bulk_create(
        [Profile(user=u, role=role, unit=unit) for u, (_n, role, unit) in zip(created, named, strict=False)]
        + [
            Profile(user=u, role=Role.STAFF, unit=team)
            for u, (team, _k) in zip(created[len(named) :], members, strict=True)
        ]
    )
    users = {name: u for u, (name, _role, _unit) in zip(created, named, strict=False)}

    positions = Position.objects.bulk_create(
        [Position(code=f"{d.code}-MGR", name=f"{d.name}经理", unit=d) for d in units["departments"]]
        + [Position(code=f"{t.code}-LEAD", name=f"{t.name}组长", unit=t) for t in units["teams"]]
    )
    position_of = {p.unit_id: p for p in positions}
    surnames, given = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗", "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂"
    people = Person.objects.bulk_create(
        [
            Person(
                code=f"E{n + 10001}",
                name=rng.choice(surnames) + rng.choice(given) + rng.choice(given),
                unit=team,
                position=position_of[team.pk] if k == 0 else None,
                user=u,
            )
            for n, ((team, k), u) in enumerate(zip(members, created[len(named) :], strict=True))
        ]
    )
    people_by_department: dict[str, list[Any]] = defaultdict(list)
    parent_code = {u.pk: u.parent.code for u in units["teams"]}
    for person in people:
        people_by_department[parent_code[person.unit_id]].append(person)
    return users, people_by_department, position_of


def _catalogue(
    n_standards: int,
    units: dict[str, Any],
    users: dict[str, Any],
    people: dict[str, list[Any]],
    position_of: dict[int, Any],
    rng: Random,
) -> tuple[list[Any], list[Any], int]:
    from django.utils import timezone

    from guifan.engine.pack.model import CATEGORIES
    from guifan.web.org.models import Raci
    from guifan.web.standards.models import Requirement, Standard, StandardVersion, VersionStatus

    by_code = units["by_code"]
    categories = list(CATEGORIES)
    plan = []  # (category, number within the category, owner department)
    for i in range(n_standards):
        category = categories[i % len(categories)]
        _prefix, owners, _dataset, _key = CATEGORY_SETUP[category]
        number = i // len(categories) + 1
        plan.append((category, number, by_code[owners[number % len(owners)]]))
    standards = Standard.objects.bulk_create(
        [
            Standard(code=f"{CATEGORY_SETUP[c][0]}-{n:03d}", category=c, owner_unit=owner, owner_name=owner.name)
            for c, n, owner in plan
        ]
    )
    today = timezone.localdate()
    approved = datetime(2024, 9, 1, 10, tzinfo=ZONE)
    versions = []
    for standard, (category, number, owner) in zip(standards, plan, strict=True):
        topic_zh, topic_en = TOPICS[number % len(TOPICS)]
        effective = date(2022, 1, 1) + timedelta(days=rng.randint(0, 1000))
        versions.append(
            StandardVersion(
                standard=standard,
                number=f"{rng.randint(1, 3)}.{rng.randint(0, 4)}",
                status=VersionStatus.EFFECTIVE,
                title=f"{CATEGORIES[category]['zh']}：{topic_zh}管理规定（{number}）",
                title_en=f"{CATEGORIES[category]['en']}: {topic_en} ({number})",
                body=_body(owner.name, topic_zh),
                effective=effective,
                review_every="12mo",
                next_review=today + timedelta(days=rng.randint(-40, 400)),
                author=users["manager"],
                approver=users["admin"],
                approved_at=approved,
                lock_version=rng.randint(0, 6),
            )
        )
    StandardVersion.objects.bulk_create(versions, batch_size=500)
    for standard, version in zip(standards, versions, strict=True):
        standard.current = version
    Standard.objects.bulk_update(standards, ["current"], batch_size=500)

    requirements = []
    for standard, version, (category, _number, _owner) in zip(standards, versions, plan, strict=True):
        for position in range(1, REQUIREMENTS_PER_STANDARD + 1):
            spec = _check_spec(category, position, rng)
            requirements.append(
                Requirement(
                    version=version,
                    code=f"{standard.code}.{position}",
                    position=position,
                    text=f"{CATEGORIES[category]['zh']}第{position}条：{_requirement_text(spec)}",
                    text_en=f"{CATEGORIES[category]['en']} clause {position}",
                    severity=rng.choice(SEVERITIES),
                    check_spec=spec,
                )
            )
    Requirement.objects.bulk_create(requirements, batch_size=1000)

    team_ids = defaultdict(list)
    for team in units["teams"]:
        team_ids[team.parent_id].append(team.pk)
    letters = []
    turn: dict[str, int] = defaultdict(int)
    for standard, (_category, _number, owner) in zip(standards, plan, strict=True):
        candidates = people[owner.code]
        accountable = candidates[turn[owner.code] % len(candidates)]
        turn[owner.code] += 1
        letters.append(Raci(standard=standard, letter=Raci.Letter.ACCOUNTABLE, person=accountable))
        responsible = position_of[rng.choice(team_ids[owner.pk])]
        letters.append(Raci(standard=standard, letter=Raci.Letter.RESPONSIBLE, position=responsible))
        if rng.random() < 0.3:
            letters.append(Raci(standard=standard, letter=Raci.Letter.INFORMED, position=position_of[owner.pk]))
    Raci.objects.bulk_create(letters, batch_size=1000)
    return standards, requirements, len(letters)


def _body(owner: str, topic: str) -> str:
    return (
        f"## 目的\n\n为规范{topic}相关工作，明确职责与要求，依据公司管理制度，制定本规定。\n\n"
        f"## 适用范围\n\n本规定适用于{owner}及其下属各组，其他部门参照执行。\n\n"
        f"## 职责\n\n- {owner}负责本规定的制定、解释与监督执行；\n- 各组组长负责日常落实与记录；\n"
        "- 质量管理部每月评估执行情况并通报结果。\n\n"
        "## 要求\n\n1. 所有记录须在系统中完整填写，不得事后补录；\n2. 发现异常须在24小时内上报；\n"
        "3. 每月对执行情况进行自查，形成记录并归档。\n"
    )


def _check_spec(category: str, position: int, rng: Random) -> dict[str, Any]:
    """A check spec of the kinds real packs use, reading the category's dataset."""
    _prefix, _owners, dataset, _key = CATEGORY_SETUP[category]
    goal = rng.choice([90, 95, 97])
    target, warn = f">= {goal}%", f">= {goal + 2}%"  # meeting the target but not ``warn`` gives warn
    by = rng.random() < 0.5
    shape = (position + rng.randint(0, 4)) % 5
    if shape == 0:
        spec: dict[str, Any] = {
            "kind": "metric",
            "dataset": dataset,
            "each": "date_diff('hour', created_at, closed_at) <= 72",
            "target": target,
            "warn": warn,
        }
    elif shape == 1:
        spec = {"kind": "metric", "dataset": dataset, "each": "csat >= 4", "target": target, "warn": warn}
    elif shape == 2:
        spec = {"kind": "metric", "dataset": dataset, "value": "avg(score)", "target": ">= 4.5", "warn": ">= 4.7"}
    elif shape == 3:
        spec = {
            "kind": "data_quality",
            "dataset": dataset,
            "target": target,
            "warn": warn,
            "rules": [
                {"not_null": ["id", "owner_id"]},
                {"unique": ["id"]},
                {"refers": {"column": "owner_id", "dataset": "employees", "key": "employee_id"}},
            ],
        }
    else:
        spec = {
            "kind": "coverage",
            "target": target,
            "warn": warn,
            "population": {"dataset": "employees", "where": "active"},
            "records": {"dataset": dataset, "match": {"employee_id": "employee_id"}, "valid_until": "expires_at"},
        }
    if by:
        spec["by"] = "team"
    return spec


def _requirement_text(spec: dict[str, Any]) -> str:
    if spec["kind"] == "coverage":
        return "所有在职员工须完成并保持有效记录"
    if spec["kind"] == "data_quality":
        return "记录须完整、唯一，且关联的员工真实存在"
    if "value" in spec:
        return "平均评分不低于4.5分"
    return f"不少于{spec['target'][3:]}的记录须符合要求"


def _months() -> list[tuple[str, datetime, datetime]]:
    year, month = FIRST_MONTH
    out = []
    for _ in range(PERIODS):
        nxt = (year + month // 12, month % 12 + 1)
        out.append((f"{year}-{month:02d}", datetime(year, month, 1, tzinfo=ZONE), datetime(*nxt, 1, tzinfo=ZONE)))
        year, month = nxt
    return out


def _results(requirements: list[Any], standards: list[Any], admin: Any, rng: Random) -> tuple[int, int, int]:
    """24 done evaluations, one result per requirement each, group results for failing ones with ``by``."""
    from guifan.web.measure.models import Evaluation, GroupResult, Result

    standard_of = {s.current_id: s for s in standards}
    teams = [f"{g}组" for g in "甲乙丙丁戊己庚辛"]
    profile = []  # per requirement: (standard, chronic failer, typical population)
    for requirement in requirements:
        profile.append((standard_of[requirement.version_id], rng.random() < 0.1, int(10 ** rng.uniform(2, 4.3))))
    evaluations = Evaluation.objects.bulk_create(
        [
            Evaluation(
                label=label,
                start=start,
                end=end,
                state=Evaluation.State.DONE,
                progress=len(requirements),
                total=len(requirements),
                started_by=admin,
                finished=end + timedelta(hours=2),
            )
            for label, start, end in _months()
        ]
    )
    n_results = n_groups = 0
    for evaluation in evaluations:
        rows, specs = [], []
        period = evaluation.label.replace("-", "")
        for requirement, (standard, chronic, typical) in zip(requirements, profile, strict=True):
            spec = requirement.check_spec
            rows.append(_result(evaluation, requirement, standard, spec, chronic, typical, period, rng))
            specs.append(spec)
        Result.objects.bulk_create(rows, batch_size=1000)
        groups = [
            _group(row, team, rng)
            for row, spec in zip(rows, specs, strict=True)
            if row.status == "fail" and "by" in spec
            for team in teams[: rng.randint(4, 8)]
        ]
        GroupResult.objects.bulk_create(groups, batch_size=2000)
        n_results += len(rows)
        n_groups += len(groups)
    return len(evaluations), n_results, n_groups


def _status(chronic: bool, rng: Random) -> str:
    u = rng.random()
    if chronic:
        return "fail" if u < 0.6 else "warn" if u < 0.75 else "pass"
    return "pass" if u < 0.85 else "warn" if u < 0.91 else "fail" if u < 0.97 else "no_data" if u < 0.99 else "error"


def _result(
    evaluation: Any,
    requirement: Any,
    standard: Any,
    spec: dict[str, Any],
    chronic: bool,
    typical: int,
    period: str,
    rng: Random,
) -> Any:
    from guifan.web.measure.models import Result

    status = _status(chronic, rng)
    share = "value" not in spec
    target = spec["target"]
    population = max(1, int(typical * rng.uniform(0.9, 1.1)))
    value: float | None
    violations, details = 0, {}
    if status == "no_data":
        value, population, message = None, 0, "no records in the period"
    elif status == "error":
        value, population = None, 0
        message = f"dataset {spec.get('dataset', 'employees')}: cannot read the file (No such file or directory)"
    elif share:
        # a value in the drawn status's band, made exact (violations / population), then its status again
        goal, better = float(target[3:-1]) / 100, float(spec["warn"][3:-1]) / 100
        band = {"pass": (better, 1.0), "warn": (goal, better)}.get(status, (max(0.0, goal - 0.3), goal))
        violations = round(population * (1 - (1.0 if status == "pass" and rng.random() < 0.3 else rng.uniform(*band))))
        value = 1 - violations / population
        status = "pass" if value >= better else "warn" if value >= goal else "fail"
        message = f"{value:.1%} of records comply ({violations} of {population} fail), target {target}"
        if spec["kind"] == "data_quality":
            details = {
                "rules": [
                    {"rule": "not_null(id)", "violations": violations // 3},
                    {"rule": "not_null(owner_id)", "violations": violations // 2},
                    {"rule": "unique(id)", "violations": violations // 5},
                    {"rule": "refers(owner_id -> employees.employee_id)", "violations": violations // 4},
                ]
            }
    else:
        value = {"pass": rng.uniform(4.7, 4.95), "warn": rng.uniform(4.5, 4.7)}.get(status, rng.uniform(3.6, 4.5))
        message = f"avg(score) = {value:.3f} over {population} records, target {target}"
    key = CATEGORY_SETUP[standard.category][3]
    keys = [f"{key}{period}{n:05d}" for n in sorted(rng.sample(range(100000), min(violations, 20)))]
    return Result(
        evaluation=evaluation,
        requirement=requirement,
        standard=standard,
        standard_code=standard.code,
        requirement_code=requirement.code,
        category=standard.category,
        unit_id_snapshot=standard.owner_unit_id,
        kind=spec["kind"],
        status=status,
        value=value,
        unit="share" if share else "number",
        target=target,
        population=population,
        violations=violations,
        violating_keys=keys,
        violating_keys_truncated=violations > 20,
        details=details,
        message=message,
    )


def _group(row: Any, team: str, rng: Random) -> Any:
    from guifan.web.measure.models import GroupResult

    population = max(1, row.population // 6)
    violations = min(population, int(row.violations / 6 * rng.uniform(0.3, 2.0)))
    value = 1 - violations / population
    return GroupResult(
        result=row,
        by={"team": team},
        status="fail" if violations > row.violations / 6 else "pass",
        value=value,
        population=population,
        violations=violations,
    )


# --- the pages ------------------------------------------------------------------------------------------


def pages() -> list[Page]:
    from guifan.web.measure.models import Evaluation, Result

    latest = Evaluation.objects.filter(state="done").order_by("-end").first()
    assert latest is not None
    passing = (
        Result.objects.filter(evaluation=latest, status="pass", violations=0, standard_code__startswith="CS-")
        .order_by("requirement_code")
        .first()
    ) or Result.objects.filter(evaluation=latest, status="pass", violations=0).order_by("requirement_code").first()
    assert passing is not None
    code = passing.standard_code
    return [
        Page("/ (dashboard, admin)", "admin", "/"),
        Page("/ (dashboard, department manager)", "dept", "/"),
        Page("/standards/", "admin", "/standards/"),
        Page("/standards/?category=quality", "admin", "/standards/?category=quality"),
        Page(f"/standards/{code}/", "admin", f"/standards/{code}/"),
        Page("/evaluations/", "admin", "/evaluations/"),
        Page(f"/evaluations/{latest.pk}/ ({latest.label})", "admin", f"/evaluations/{latest.pk}/"),
        Page(f"/results/{passing.pk}/ (pass, no records)", "admin", f"/results/{passing.pk}/"),
        Page("/org/", "admin", "/org/"),
        Page("/api/standards/", "admin", "/api/standards/"),
        Page(f"/api/results/?evaluation={latest.pk}", "admin", f"/api/results/?evaluation={latest.pk}"),
    ]


_clients: dict[str, Any] = {}


def _client(username: str) -> Any:
    from django.contrib.auth import get_user_model
    from django.test import Client

    if username not in _clients:
        client = Client()
        client.force_login(get_user_model().objects.get(username=username))
        _clients[username] = client
    return _clients[username]


def _get(page: Page) -> Any:
    response = _client(page.user).get(page.url)
    if response.status_code != 200:
        raise SystemExit(f"{page.name}: HTTP {response.status_code}")
    return response


class _SqlClock:
    """An execute wrapper: the queries a request ran, with the milliseconds spent in each ``execute``."""

    def __init__(self) -> None:
        self.durations: list[float] = []

    def __call__(self, execute: Any, sql: str, params: Any, many: bool, context: Any) -> Any:
        started = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            self.durations.append((time.perf_counter() - started) * 1000)


def _measured(page: Page, profiler: cProfile.Profile | None = None) -> tuple[Any, list[tuple[str, float]]]:
    """One request; its response and its queries (SQL, ms in ``execute``), from CaptureQueriesContext.

    The durations come from an execute wrapper with ``perf_counter``, because CaptureQueriesContext rounds to
    whole milliseconds. The list is copied inside the block: the next request clears Django's query log.
    """
    from django.db import connection, reset_queries
    from django.test.utils import CaptureQueriesContext

    clock = _SqlClock()
    reset_queries()  # CaptureQueriesContext slices the log from its length on entry; each request clears it
    with CaptureQueriesContext(connection) as captured, connection.execute_wrapper(clock):
        if profiler is not None:
            profiler.enable()
        response = _get(page)
        if profiler is not None:
            profiler.disable()
        queries = [q["sql"] for q in captured.captured_queries]
    if len(queries) != len(clock.durations):
        raise RuntimeError(f"{page.name}: {len(queries)} queries logged but {len(clock.durations)} timed")
    return response, list(zip(queries, clock.durations, strict=True))


def time_page(page: Page, runs: int) -> Timing:
    """Warm up, count the queries, then time ``runs`` requests (wall, CPU of this process, SQL execute)."""
    from django.db import connection

    _get(page)  # warm-up: templates compiled, caches filled
    response, queries = _measured(page)
    times, cpu, sql = [], [], []
    for _ in range(runs):
        clock = _SqlClock()
        with connection.execute_wrapper(clock):
            started, started_cpu = time.perf_counter(), time.process_time()
            _get(page)
            times.append((time.perf_counter() - started) * 1000)
            cpu.append((time.process_time() - started_cpu) * 1000)
        sql.append(sum(clock.durations))
    timing = Timing(page, times, cpu, len(queries), statistics.median(sql), len(response.content))
    print(f"  {page.name}: {timing.median:.0f} ms, {timing.queries} queries", flush=True)
    return timing


def _table(timings: list[Timing], budget: float) -> str:
    width = max(len(t.page.name) for t in timings)
    columns = f"{'median ms':>9}  {'min ms':>7}  {'CPU ms':>7}  {'queries':>7}  {'SQL ms':>7}  {'KiB':>6}"
    head = f"{'page':<{width}}  {columns}  verdict"
    lines = [head, "-" * len(head)]
    for t in timings:
        verdict = "ok" if t.median <= budget else f"SLOW (> {budget:.0f} ms)"
        lines.append(
            f"{t.page.name:<{width}}  {t.median:>9.1f}  {min(t.times_ms):>7.1f}  {statistics.median(t.cpu_ms):>7.1f}  "
            f"{t.queries:>7}  {t.sql_ms:>7.1f}  "
            f"{t.size / 1024:>6.0f}  {verdict}"
        )
    return "\n".join(lines)


PROFILE_PARTS = [  # (label, file, function): their cumulative time in the profile (the largest if several match)
    ("template rendering", "django/template/base.py", "_render"),
    ("DRF serializers", "rest_framework/serializers.py", "to_representation"),
    ("model instances (Model.__init__)", "django/db/models/base.py", "__init__"),
    ("building SQL (compiler.as_sql)", "django/db/models/sql/compiler.py", "as_sql"),
]


def profile_page(page: Page) -> None:
    """cProfile of one request: a breakdown, the app's own functions, the hottest functions, the query shapes."""
    print(f"\n=== {page.name} as {page.user} ===")
    profiler = cProfile.Profile()
    _response, queries = _measured(page, profiler)
    raw: dict[Any, Any] = pstats.Stats(profiler).stats  # type: ignore[attr-defined]
    total = max(ct for _cc, _nc, _tt, ct, _callers in raw.values())
    print(f"under cProfile (slower than without; compare the parts): {total * 1000:.0f} ms in all")
    print(f"  {'SQL execute':<34} {sum(ms for _sql, ms in queries):>7.0f} ms in {len(queries)} queries")
    for label, path, function in PROFILE_PARTS:
        hits = [
            (ct, nc) for (f, _line, fn), (_cc, nc, _tt, ct, _c) in raw.items() if f.endswith(path) and fn == function
        ]
        if hits:
            ct, nc = max(hits)
            print(f"  {label:<34} {ct * 1000:>7.0f} ms in {nc:,} calls")
    out = io.StringIO()
    stats = pstats.Stats(profiler, stream=out).sort_stats("cumulative")
    stats.print_stats(r"/guifan/web/", 15)  # the app's own functions, by cumulative time
    pstats.Stats(profiler, stream=out).strip_dirs().sort_stats("tottime").print_stats(12)
    text = out.getvalue().replace(str(Path(__file__).resolve().parent.parent / "src") + "/", "")
    print(re.sub(r"\n{3,}", "\n\n", text))
    shapes: dict[str, list[float]] = defaultdict(list)
    for sql, ms in queries:
        shape = re.sub(r"'[^']*'|\b\d+\b", "?", sql)
        shape = re.sub(r"(\?, )+\?", "?, ...", shape)
        shapes[shape].append(ms)
    print("queries by shape (count, total ms, SQL):")
    for shape, times in sorted(shapes.items(), key=lambda kv: -sum(kv[1]))[:8]:
        print(f"  {len(times):>4}  {sum(times):>8.1f} ms  {shape[:300]}")


if __name__ == "__main__":
    sys.exit(main())
