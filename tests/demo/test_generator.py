"""The demo company generator: files, determinism, the pack, and the problems planted in the data."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import duckdb
import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
import yaml

from guifan.demo import generate_demo
from guifan.demo.common import business_seconds, duration_seconds, is_workday
from guifan.demo.generator import build_datasets
from guifan.demo.service import RESPONSE_LIMITS

CATEGORIES = {
    "process",
    "quality",
    "performance",
    "training",
    "customer_service",
    "data",
    "improvement",
    "compliance",
    "risk",
    "internal_control",
    "security",
    "it_systems",
    "organization",
    "goals",
    "brand",
    "supply_chain",
    "safety",
    "cost",
}
ALLOWED_KINDS = {"metric", "data_quality", "coverage", "sla", "spc", "sixsigma", "sequence"}
SCALE = 0.1


@pytest.fixture(scope="module")
def pack_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("demo")
    generate_demo(out, scale=SCALE)
    return out


@pytest.fixture(scope="module")
def pack(pack_dir: Path) -> dict[str, Any]:
    document: dict[str, Any] = yaml.safe_load((pack_dir / "pack.yaml").read_text(encoding="utf-8"))
    return document


@pytest.fixture(scope="module")
def full() -> dict[str, pa.Table]:
    """The datasets at scale 1, in memory: enough cases for the rarer planted deviations."""
    return {d.name: d.table for d in build_datasets()}


def checks(pack: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {r["id"]: r["check"] for s in pack["standards"] for r in s["requirements"]}


def query(pack_dir: Path, sql: str) -> list[tuple[Any, ...]]:
    """Run ``sql`` with ``{name}`` standing for the path of data/name.csv (or .parquet)."""
    names = {p.stem: str(p) for p in (pack_dir / "data").iterdir()}
    return duckdb.execute(sql.format(**{k: f"'{v}'" for k, v in names.items()})).fetchall()


def scalar(pack_dir: Path, sql: str) -> Any:
    return query(pack_dir, sql)[0][0]


# --- files ------------------------------------------------------------------------------------------------


def test_writes_pack_yaml_and_every_declared_source(pack_dir: Path, pack: dict[str, Any]) -> None:
    assert (pack_dir / "pack.yaml").is_file()
    for name, spec in pack["datasets"].items():
        assert (pack_dir / spec["source"]).is_file(), name
    assert not list(pack_dir.rglob("*.tmp"))


def test_returns_the_pack_yaml_path(tmp_path: Path) -> None:
    assert generate_demo(tmp_path / "out", scale=0.02) == tmp_path / "out" / "pack.yaml"


def test_same_seed_and_scale_give_byte_identical_files(tmp_path: Path) -> None:
    first, second = tmp_path / "a", tmp_path / "b"
    generate_demo(first, scale=0.05, seed=7)
    generate_demo(second, scale=0.05, seed=7)
    files = sorted(p.relative_to(first) for p in first.rglob("*") if p.is_file())
    assert files == sorted(p.relative_to(second) for p in second.rglob("*") if p.is_file())
    for rel in files:
        assert (first / rel).read_bytes() == (second / rel).read_bytes(), rel


def test_another_seed_gives_other_data(tmp_path: Path) -> None:
    generate_demo(tmp_path / "a", scale=0.05, seed=1)
    generate_demo(tmp_path / "b", scale=0.05, seed=2)
    tickets = "data/tickets.csv"
    assert (tmp_path / "a" / tickets).read_bytes() != (tmp_path / "b" / tickets).read_bytes()


def test_scale_multiplies_the_large_tables() -> None:
    small = {d.name: d.table.num_rows for d in build_datasets(scale=0.1)}
    large = {d.name: d.table.num_rows for d in build_datasets(scale=0.2)}
    for name in ("tickets", "ticket_status", "inspections", "orders", "customers", "purchase_orders"):
        assert large[name] == pytest.approx(2 * small[name], rel=0.05), name
    assert large["complaint_events"] == pytest.approx(2 * small["complaint_events"], rel=0.15)
    assert large["employees"] == small["employees"]


def test_scale_must_be_positive(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="scale"):
        generate_demo(tmp_path, scale=0)


def test_suppliers_file_is_gb18030(pack_dir: Path) -> None:
    raw = (pack_dir / "data" / "suppliers.csv").read_bytes()
    with pytest.raises(UnicodeDecodeError):
        raw.decode("utf-8")
    text = raw.decode("gb18030")
    assert text.startswith("supplier_id,name,")
    assert "昆山宏达精密五金有限公司" in text


def test_budgets_file_has_a_utf8_bom(pack_dir: Path) -> None:
    raw = (pack_dir / "data" / "budgets.csv").read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    assert raw[3:].decode("utf-8").startswith("month,department,")


def test_event_log_is_parquet(pack_dir: Path) -> None:
    table = pq.read_table(pack_dir / "data" / "p2p_events.parquet")
    assert {"case_id", "activity", "timestamp", "resource", "role"} <= set(table.column_names)
    assert table.num_rows > 1000


def test_csv_files_are_plain_utf8_with_a_bare_header(pack_dir: Path) -> None:
    raw = (pack_dir / "data" / "tickets.csv").read_bytes()
    header = raw.split(b"\n", 1)[0].decode("utf-8")
    assert header == (
        "ticket_id,created_at,first_response_at,resolved_at,priority,channel,category,team,agent_id,csat,status"
    )


# --- the pack ---------------------------------------------------------------------------------------------


def test_pack_header(pack: dict[str, Any]) -> None:
    assert pack["guifan"] == 1
    assert pack["id"] == "demo-company"
    assert pack["title"] == {"zh": "示例公司运营业务标准", "en": "Demo Company operating standards"}
    assert pack["timezone"] == "Asia/Shanghai"


def test_office_calendar_has_a_lunch_break_and_china_s_holidays(pack: dict[str, Any]) -> None:
    office = pack["calendars"]["cn-office"]
    assert office["week"]["mon"] == ["09:00-12:00", "13:30-18:00"]
    assert "sat" not in office["week"]
    assert office["builtin"] == "cn"
    calendars = pytest.importorskip("guifan.engine.calendars")
    calendar = calendars.WorkCalendar.from_spec(office, default_timezone=pack["timezone"])
    assert calendar.periods_on(date(2026, 10, 1)) == ()  # National Day
    assert calendar.periods_on(date(2026, 10, 10)) != ()  # its make-up Saturday
    assert calendar.periods_on(date(2026, 9, 20)) != ()  # the Sunday before Mid-Autumn
    assert calendar.day_seconds == 7.5 * 3600


def test_generator_and_pack_use_the_same_working_days(pack: dict[str, Any]) -> None:
    calendars = pytest.importorskip("guifan.engine.calendars")
    calendar = calendars.WorkCalendar.from_spec(pack["calendars"]["cn-office"], default_timezone=pack["timezone"])
    days = np.arange(np.datetime64("2025-11-01"), np.datetime64("2026-11-01"))
    open_days = np.asarray([calendar.periods_on(d) != () for d in days.astype(object)])
    assert (open_days == is_workday(days)).all()


def test_every_category_has_a_standard(pack: dict[str, Any]) -> None:
    assert {s["category"] for s in pack["standards"]} == CATEGORIES


def test_ids_are_unique_and_counts_are_as_planned(pack: dict[str, Any]) -> None:
    standards = pack["standards"]
    requirements = [r for s in standards for r in s["requirements"]]
    ids = [s["id"] for s in standards] + [r["id"] for r in requirements]
    assert len(ids) == len(set(ids))
    assert 30 <= len(standards) <= 45
    assert 80 <= len(requirements) <= 110


def test_standards_are_complete_and_bilingual(pack: dict[str, Any]) -> None:
    for s in pack["standards"]:
        assert set(s["title"]) == {"zh", "en"}, s["id"]
        assert set(s["body"]) == {"zh", "en"}, s["id"]
        assert s["owner"] and s["version"] and s["effective"] and s["review_every"], s["id"]
        assert s["status"] == "effective"
        for r in s["requirements"]:
            assert r["id"].startswith(s["id"] + ".")
            assert set(r["text"]) == {"zh", "en"}, r["id"]
            assert r["severity"] in {"minor", "major", "critical"}
            assert r["check"]["kind"] in ALLOWED_KINDS, r["id"]


COLUMN_FIELDS = {
    "sla": ("start", "stop", "limit_by"),
    "sequence": ("case", "activity", "resource", "role"),
    "spc": ("value", "subgroup"),
    "sixsigma": ("defects", "units", "opportunities"),
}


def test_checks_name_declared_datasets_and_columns(pack: dict[str, Any]) -> None:
    datasets = pack["datasets"]
    by_columns = set()
    for rid, check in checks(pack).items():
        names = [
            check.get("dataset"),
            check.get("population", {}).get("dataset"),
            check.get("records", {}).get("dataset"),
            check.get("pauses", {}).get("dataset"),
            check.get("pareto", {}).get("dataset"),
        ]
        for name in filter(None, names):
            assert name in datasets, (rid, name)
        columns = datasets[check.get("dataset") or check["population"]["dataset"]].get("columns", {})
        named = [check[f] for f in COLUMN_FIELDS.get(check["kind"], ()) if f in check]
        named += check.get("characteristic", [])
        for column in [*named, *check.get("by", [])]:
            assert column in columns, (rid, column)
        by_columns.update(check.get("by", []))
    assert {"team", "department", "supplier_name", "machine", "line"} <= by_columns


def test_service_quality_and_process_standards_use_their_kinds(pack: dict[str, Any]) -> None:
    found = checks(pack)
    for rid in ("CS-001.1", "CS-001.3"):
        assert found[rid]["kind"] == "sla"
        assert found[rid]["calendar"] == "cn-office" and found[rid]["limit_by"] == "priority"
        assert set(found[rid]["limit"]) == {"P1", "P2", "P3"}
    assert found["CS-001.1"]["limit"] == RESPONSE_LIMITS
    assert found["CS-001.3"]["pauses"]["dataset"] == "ticket_status"
    assert found["QC-001.2"]["kind"] == found["QC-001.3"]["kind"] == "spc"
    assert found["QC-001.3"]["chart"] == "ewma" and found["QC-001.3"]["phase"] == {"baseline": "2026-Q1"}
    assert found["QC-002.1"]["kind"] == "sixsigma"
    for rid in ("PR-003.1", "PR-003.2", "IC-003.1", "CS-003.1", "CS-003.2", "CS-003.3", "CS-003.4"):
        assert found[rid]["kind"] == "sequence", rid
    # the metric checks these replace are gone; the others keep their ids
    assert not {"PR-001.1", "PR-001.2", "PR-001.3", "IC-001.1", "CS-001.2"} & set(found)
    assert {"PR-001.4", "PR-001.5", "IC-001.2", "IC-001.3", "QC-001.1", "QC-001.4"} <= set(found)


def test_datasets_declare_key_time_and_typed_columns(pack: dict[str, Any]) -> None:
    types = {"string", "integer", "number", "boolean", "date", "timestamp"}
    for name, spec in pack["datasets"].items():
        columns = spec["columns"]
        keys = [spec["key"]] if isinstance(spec["key"], str) else spec["key"]
        assert set(keys) <= set(columns), name
        if "time" in spec:
            time_type = columns[spec["time"]]
            assert (time_type if isinstance(time_type, str) else time_type["type"]) in {"date", "timestamp"}
        for column in columns.values():
            assert (column if isinstance(column, str) else column["type"]) in types, name
    assert pack["datasets"]["p2p_events"]["source"].endswith(".parquet")


def test_engine_accepts_the_pack(pack_dir: Path) -> None:
    engine = pytest.importorskip("guifan.engine")
    loaded = engine.load_pack(pack_dir / "pack.yaml")
    assert len(loaded.pack.standards) >= 25


# --- planted problems -------------------------------------------------------------------------------------


def columns(pack_dir: Path, sql: str) -> dict[str, Any]:
    """``query`` as numpy columns."""
    names = {p.stem: str(p) for p in (pack_dir / "data").iterdir()}
    found: dict[str, Any] = duckdb.execute(sql.format(**{k: f"'{v}'" for k, v in names.items()})).fetchnumpy()
    return found


def in_memory(tables: dict[str, pa.Table], sql: str) -> list[tuple[Any, ...]]:
    """Run ``sql`` over the in-memory datasets, each a view of its name."""
    con = duckdb.connect()
    for name, data in tables.items():
        con.register(name, data)
    return con.execute(sql).fetchall()


def test_north_team_misses_first_response_in_june(pack_dir: Path) -> None:
    t = columns(
        pack_dir,
        "SELECT created_at, first_response_at, priority, team, month(created_at) = 6 AS june "
        "FROM {tickets} WHERE channel <> 'internal'",
    )
    worked = business_seconds(t["created_at"], np.ma.filled(t["first_response_at"], np.datetime64("NaT")))
    limit = np.asarray([duration_seconds(RESPONSE_LIMITS[p]) for p in t["priority"]])
    on_time = worked <= limit  # NaN (no response yet) is late
    june = t["june"]
    share = {
        (team, flag): on_time[(t["team"] == team) & (june == flag)].mean()
        for team in set(t["team"])
        for flag in (True, False)
    }
    assert share[("客服北区", True)] < 0.7
    assert share[("客服北区", False)] > 0.95
    assert share[("客服南区", True)] > 0.93
    assert share[("客服东区", True)] > 0.93


def test_responses_and_resolutions_fall_in_working_hours(pack_dir: Path) -> None:
    t = columns(
        pack_dir,
        "SELECT first_response_at AS t FROM {tickets} WHERE first_response_at IS NOT NULL "
        "UNION ALL SELECT resolved_at FROM {tickets} WHERE resolved_at IS NOT NULL",
    )["t"].astype("datetime64[s]")
    day = t.astype("datetime64[D]")
    second = (t - day).astype(np.int64)
    morning = (second >= 9 * 3600) & (second <= 12 * 3600)
    afternoon = (second >= 13.5 * 3600) & (second <= 18 * 3600)
    assert (morning | afternoon).all()
    assert is_workday(day).all()


def test_ticket_status_history_agrees_with_the_tickets(pack_dir: Path) -> None:
    statuses = "{ticket_status}"
    tickets = scalar(pack_dir, "SELECT count(*) FROM {tickets}")
    gaps = scalar(
        pack_dir,
        "SELECT count(*) FROM (SELECT left_at, lead(entered_at) OVER (PARTITION BY ticket_id ORDER BY entered_at) "
        f"AS next FROM {statuses}) WHERE next IS NOT NULL AND next IS DISTINCT FROM left_at",
    )
    assert gaps == 0
    current = query(pack_dir, f"SELECT count(*), count(DISTINCT ticket_id) FROM {statuses} WHERE left_at IS NULL")
    assert current == [(tickets, tickets)]  # one current status per ticket
    mismatched = scalar(
        pack_dir,
        "SELECT count(*) FROM {tickets} t "
        f"LEFT JOIN {statuses} n ON n.ticket_id = t.ticket_id AND n.status = 'new' "
        f"LEFT JOIN {statuses} r ON r.ticket_id = t.ticket_id AND r.status = 'resolved' "
        "WHERE n.entered_at IS DISTINCT FROM t.created_at OR n.left_at IS DISTINCT FROM t.first_response_at "
        "OR r.entered_at IS DISTINCT FROM t.resolved_at",
    )
    assert mismatched == 0
    waits, outside = query(
        pack_dir,
        "SELECT count(*), count(*) FILTER (WHERE s.entered_at < t.first_response_at OR s.left_at > t.resolved_at) "
        f"FROM {statuses} s JOIN {{tickets}} t USING (ticket_id) WHERE s.status = 'waiting_customer'",
    )[0]
    assert 0.1 * tickets < waits < 0.25 * tickets
    assert outside == 0


def test_complaints_come_from_complaint_tickets(pack_dir: Path) -> None:
    complaints = scalar(pack_dir, "SELECT count(DISTINCT complaint_id) FROM {complaint_events}")
    tickets = scalar(
        pack_dir,
        "SELECT count(*) FROM {tickets} WHERE category = '投诉' AND channel <> 'internal' "
        "AND first_response_at IS NOT NULL",
    )
    assert complaints == tickets > 100
    first = query(
        pack_dir,
        'SELECT DISTINCT first(activity ORDER BY "at") FROM {complaint_events} GROUP BY complaint_id',
    )
    assert first == [("登记投诉",)]
    roles = dict(
        query(
            pack_dir,
            "SELECT activity, list(DISTINCT role ORDER BY role) FROM {complaint_events} "
            "WHERE activity IN ('分派', '赔付', '回访') GROUP BY ALL",
        )
    )
    assert roles == {"分派": ["客服主管"], "赔付": ["出纳"], "回访": ["客服质检专员"]}
    strangers = scalar(
        pack_dir,
        "SELECT count(*) FROM {complaint_events} WHERE agent NOT IN (SELECT employee_id FROM {employees})",
    )
    assert strangers == 0


def test_complaint_handling_has_its_planted_deviations(full: dict[str, pa.Table]) -> None:
    unconfirmed, north_june = in_memory(
        full,
        "SELECT count(*), count(*) FILTER (WHERE team = '客服北区' AND month(opened) = 6) FROM ("
        'SELECT complaint_id, any_value(team) AS team, min("at") AS opened FROM complaint_events GROUP BY ALL '
        "HAVING bool_or(activity = '关闭') AND NOT bool_or(activity = '客户确认'))",
    )[0]
    assert unconfirmed > 15 and north_june > unconfirmed / 2
    own, by_agent, paid_first, rework, total = in_memory(
        full,
        "SELECT count(*) FILTER (WHERE approver IN proposers), count(*) FILTER (WHERE approver_role = '客服专员'), "
        "count(*) FILTER (WHERE paid < approved), count(*) FILTER (WHERE len(proposers) > 1), count(*) FROM ("
        "SELECT list(agent) FILTER (WHERE activity = '提出处理方案') AS proposers, "
        "any_value(agent) FILTER (WHERE activity = '赔付审批') AS approver, "
        "any_value(role) FILTER (WHERE activity = '赔付审批') AS approver_role, "
        "min(\"at\") FILTER (WHERE activity = '赔付审批') AS approved, "
        "min(\"at\") FILTER (WHERE activity = '赔付') AS paid "
        "FROM complaint_events GROUP BY complaint_id)",
    )[0]
    assert own > 15 and 5 < by_agent < own
    assert paid_first > 5
    assert 0.08 * total < rework < 0.16 * total


def test_purchase_to_pay_has_rare_own_orders_and_stand_in_payments(full: dict[str, pa.Table]) -> None:
    own_orders = in_memory(
        full, "SELECT count(*) FROM p2p_events WHERE activity = '创建采购订单' AND resource = requester_id"
    )[0][0]
    assert 1 <= own_orders <= 30
    stand_in, outside_leave = in_memory(
        full,
        "SELECT count(*), count(*) FILTER (WHERE CAST(timestamp AS DATE) NOT BETWEEN DATE '2026-02-09' AND "
        "DATE '2026-02-13') FROM p2p_events WHERE activity = '付款' AND role <> '出纳'",
    )[0]
    assert stand_in > 5 and outside_leave == 0


def test_supplier_s014_slips_in_the_second_half(pack_dir: Path) -> None:
    rows = query(
        pack_dir,
        "SELECT promised_date >= DATE '2026-05-01' AS h2, "
        "avg(CASE WHEN delivered_date <= promised_date THEN 0.0 ELSE 1 END) "
        "FROM {deliveries} WHERE supplier_id = 'S014' GROUP BY ALL",
    )
    late = dict(rows)
    assert late[False] < 0.1
    assert late[True] > 0.25


def test_production_certificates_lapse_in_mid_2026(pack_dir: Path) -> None:
    sql = (
        "SELECT count(*) FROM {employees} e WHERE e.active AND e.department = '生产部' "
        "AND e.position IN ('叉车司机', '电工') AND NOT EXISTS (SELECT 1 FROM {certificates} c "
        "WHERE c.employee_id = e.employee_id AND c.issued_on <= DATE '{day}' AND c.expires_on >= DATE '{day}')"
    )
    assert scalar(pack_dir, sql.replace("{day}", "2026-03-31")) == 0
    assert scalar(pack_dir, sql.replace("{day}", "2026-10-31")) >= 6
    other = sql.replace("生产部", "安全环保部").replace("('叉车司机', '电工')", "('安全员')")
    assert scalar(pack_dir, other.replace("{day}", "2026-10-31")) == 0


def test_cnc04_outer_diameter_drifts_in_the_last_quarter(pack_dir: Path) -> None:
    rows = query(
        pack_dir,
        "SELECT CASE WHEN sample_time < TIMESTAMP '2026-08-01' THEN 'before' WHEN sample_time >= "
        "TIMESTAMP '2026-10-01' THEN 'october' ELSE 'drifting' END AS phase, "
        "avg(CASE WHEN value BETWEEN lsl AND usl THEN 0.0 ELSE 1 END) "
        "FROM {inspections} WHERE machine = 'CNC-04' AND feature = '外径' GROUP BY ALL",
    )
    out = dict(rows)
    assert out["before"] < 0.01
    assert out["october"] > 0.15


def test_flatness_has_only_an_upper_limit(pack_dir: Path) -> None:
    rows = dict(query(pack_dir, "SELECT feature = '平面度', bool_and(lsl IS NULL) FROM {inspections} GROUP BY ALL"))
    assert rows == {True: True, False: False}


def test_bore_is_not_capable(pack_dir: Path) -> None:
    ppk = scalar(
        pack_dir,
        "SELECT least(max(usl) - avg(value), avg(value) - min(lsl)) / (3 * stddev(value)) "
        "FROM {inspections} WHERE feature = '孔径'",
    )
    assert 0.6 < ppk < 1.1


def test_purchase_to_pay_has_skipped_and_self_approvals(pack_dir: Path) -> None:
    skipped = scalar(pack_dir, "SELECT count(*) FROM {purchase_orders} WHERE approved_at IS NULL")
    own = scalar(
        pack_dir, "SELECT count(*) FROM {p2p_events} WHERE activity = '审批采购申请' AND resource = requester_id"
    )
    rework = scalar(pack_dir, "SELECT count(DISTINCT case_id) FROM {p2p_events} WHERE activity = '修改采购申请'")
    assert skipped > 0 and own > 0 and rework > 0


def test_event_log_agrees_with_purchase_orders(pack_dir: Path) -> None:
    mismatches = scalar(
        pack_dir,
        "SELECT count(*) FROM {purchase_orders} o LEFT JOIN {p2p_events} e "
        "ON e.case_id = o.po_id AND e.activity = '审批采购申请' "
        "WHERE (o.approved_at IS NULL) <> (e.case_id IS NULL)",
    )
    assert mismatches == 0


def test_customer_master_has_quality_problems(pack_dir: Path) -> None:
    total, ids, missing, bad_credit = query(
        pack_dir,
        "SELECT count(*), count(DISTINCT customer_id), count(*) FILTER (WHERE phone IS NULL), "
        "count(*) FILTER (WHERE credit_limit < 0 OR credit_limit > 5000000) FROM {customers}",
    )[0]
    assert ids < total
    assert missing > 0
    assert bad_credit >= 0
    unknown_owner = scalar(
        pack_dir,
        "SELECT count(*) FROM {customers} c WHERE owner_id NOT IN (SELECT employee_id FROM {employees})",
    )
    assert unknown_owner > 0


def test_raci_has_one_activity_with_two_accountables(pack_dir: Path) -> None:
    rows = query(pack_dir, "SELECT item FROM {raci} WHERE raci = 'A' GROUP BY item HAVING count(*) > 1")
    assert rows == [("供应商准入审批",)]


def test_every_timestamp_of_the_year_is_inside_it(pack_dir: Path) -> None:
    low, high = query(pack_dir, "SELECT min(created_at), max(created_at) FROM {tickets}")[0]
    assert str(low) >= "2025-11-01" and str(high) < "2026-11-01"
