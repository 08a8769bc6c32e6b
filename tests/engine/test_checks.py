"""The three foundation kinds, end to end through the public API, on small data with known answers."""

from __future__ import annotations

from typing import Any

import pytest

from guifan.engine import evaluate
from guifan.engine.results import Result

from .conftest import WritePack

HEAD = """
guifan: 1
id: acme
title: Acme
timezone: Asia/Shanghai
datasets:
  tickets:
    source: data/tickets.csv
    key: ticket_id
    time: created_at
    columns: {ticket_id: string, created_at: timestamp, responded_at: timestamp, team: string, csat: number,
              channel: string}
  customers:
    source: data/customers.csv
    key: customer_id
    columns: {customer_id: string, phone: string, level: string, credit_limit: number,
              updated_at: timestamp, owner_id: string}
  employees:
    source: data/employees.csv
    key: employee_id
    columns: {employee_id: string, name: string, role: string, dept: string, active: boolean}
  certs:
    source: data/certs.csv
    time: issued_at
    columns: {employee_id: string, cert: string, issued_at: date, expires_at: date}
standards:
  - id: S-1
    title: S
    category: customer_service
    requirements:
"""

TICKETS = """
ticket_id,created_at,responded_at,team,csat,channel
T1,2026-10-01 09:00:00,2026-10-01 10:00:00,北区,5,web
T2,2026-10-02 09:00:00,2026-10-03 12:00:00,北区,2,web
T3,2026-10-03 09:00:00,2026-10-03 09:30:00,南区,4,phone
T4,2026-10-04 09:00:00,2026-10-04 09:10:00,南区,,internal
T5,2026-10-31 23:30:00,2026-11-01 01:00:00,北区,3,web
T6,2026-11-01 00:30:00,2026-11-01 01:00:00,南区,5,web
"""

CUSTOMERS = """
customer_id,phone,level,credit_limit,updated_at,owner_id
C1,13800000001,A,1000,2026-10-31 12:00:00,E1
C2,,B,500,2026-10-30 12:00:00,E2
C3,12345,C,2000000,2026-10-31 13:00:00,E9
C3,13900000003,D,100,2025-01-01 00:00:00,
"""

EMPLOYEES = """
employee_id,name,role,dept,active
E1,张伟,电工,生产部,true
E2,王芳,电工,生产部,true
E3,李娜,电工,质量部,true
E4,刘洋,电工,质量部,false
E5,陈静,文员,质量部,true
"""

CERTS = """
employee_id,cert,issued_at,expires_at
E1,电工证,2024-01-01,2027-01-01
E2,电工证,2023-01-01,2026-10-15
E3,电工证,2026-11-20,2029-11-20
E5,电工证,2024-01-01,
"""


def run(write_pack: WritePack, requirements: str, period: str | None = "2026-10", **kw: Any) -> list[Result]:
    folder = write_pack(
        HEAD + requirements,
        tickets__csv=TICKETS,
        customers__csv=CUSTOMERS,
        employees__csv=EMPLOYEES,
        certs__csv=CERTS,
    )
    return list(evaluate(folder, period, **kw).results)


def test_metric_each_share_groups_and_keys(write_pack: WritePack) -> None:
    (r,) = run(
        write_pack,
        """
      - id: R1
        text: respond within 2 hours
        check: {kind: metric, dataset: tickets, each: "date_diff('minute', created_at, responded_at) <= 120",
                by: team, target: ">= 80%"}
""",
    )
    # October (Shanghai time): T1..T5; T2 is late -> 4/5 = 80% (T6 belongs to November)
    assert (r.population, r.violations, r.status) == (5, 1, "pass")
    assert r.value == pytest.approx(0.8)
    assert r.violating_keys == ("T2",)
    groups = {g.by["team"]: g for g in r.groups}
    assert groups["北区"].population == 3 and groups["北区"].status == "fail"
    assert groups["南区"].value == 1.0 and groups["南区"].status == "pass"
    assert "80.0%" in r.message and "target >= 80%" in r.message


def test_metric_value_and_where(write_pack: WritePack) -> None:
    (r,) = run(
        write_pack,
        """
      - id: R1
        text: satisfaction
        check: {kind: metric, dataset: tickets, where: "channel <> 'internal'", value: "avg(csat)",
                target: ">= 4", warn: ">= 4.5"}
""",
    )
    assert r.population == 4
    assert r.value == pytest.approx((5 + 2 + 4 + 3) / 4)
    assert r.status == "fail" and r.unit == "number"


def test_warn_between_target_and_warn(write_pack: WritePack) -> None:
    (r,) = run(
        write_pack,
        """
      - id: R1
        text: satisfaction
        check: {kind: metric, dataset: tickets, value: "max(csat)", target: ">= 4", warn: "> 5"}
""",
    )
    assert (r.value, r.status) == (5.0, "warn")


def test_empty_period_is_no_data(write_pack: WritePack) -> None:
    (r,) = run(
        write_pack,
        """
      - id: R1
        text: x
        check: {kind: metric, dataset: tickets, each: "csat >= 4", target: ">= 90%"}
""",
        period="2025-01",
    )
    assert (r.status, r.population, r.value) == ("no_data", 0, None)


def test_no_period_means_every_record(write_pack: WritePack) -> None:
    (r,) = run(
        write_pack,
        """
      - id: R1
        text: x
        check: {kind: metric, dataset: tickets, value: "count(*)", target: ">= 1"}
""",
        period=None,
    )
    assert r.value == 6


def test_null_does_not_satisfy_each(write_pack: WritePack) -> None:
    (r,) = run(
        write_pack,
        """
      - id: R1
        text: x
        check: {kind: metric, dataset: tickets, each: "csat >= 2", target: "= 100%"}
""",
    )
    assert r.violating_keys == ("T4",)


def test_data_quality_rules(write_pack: WritePack) -> None:
    (r,) = run(
        write_pack,
        """
      - id: R1
        text: customer master data
        check:
          kind: data_quality
          dataset: customers
          rules:
            - not_null: [customer_id, phone]
            - unique: [customer_id]
            - values: {column: level, in: [A, B, C]}
            - range: {column: credit_limit, min: 0, max: 1000000}
            - pattern: {column: phone, regex: '^1[3-9]\\d{9}$'}
            - fresh: {column: updated_at, max_age: 2d}
            - refers: {column: owner_id, dataset: employees, key: employee_id}
""",
    )
    rules = {d["rule"]: d["violations"] for d in r.details["rules"]}
    assert rules == {
        "not_null(customer_id)": 0,
        "not_null(phone)": 1,  # C2
        "unique(customer_id)": 2,  # both C3 rows
        "values(level)": 1,  # D
        "range(credit_limit)": 1,
        "pattern(phone)": 1,  # 12345
        "fresh(updated_at)": 1,  # 2025 row; period ends 2026-11-01
        "refers(owner_id -> employees.key)".replace("key", "employee_id"): 1,  # E9
    }
    assert (r.population, r.violations) == (4, 3)
    assert r.violating_keys == ("C2", "C3", "C3")
    assert r.target == "= 100%" and r.status == "fail"


def test_coverage_with_valid_until(write_pack: WritePack) -> None:
    (r,) = run(
        write_pack,
        """
      - id: R1
        text: every active electrician holds a valid certificate
        check:
          kind: coverage
          population: {dataset: employees, where: "role = '电工' AND active"}
          records: {dataset: certs, where: "cert = '电工证'", match: {employee_id: employee_id},
                    valid_until: expires_at}
          by: dept
""",
    )
    # E1 valid; E2 expired 2026-10-15 (before the end of October); E3 issued after October
    assert (r.population, r.violations) == (3, 2)
    assert r.violating_keys == ("E2", "E3")
    assert r.details["expired"] == 1
    assert {g.by["dept"]: g.violations for g in r.groups} == {"生产部": 1, "质量部": 1}


def test_coverage_record_issued_later_counts_in_later_period(write_pack: WritePack) -> None:
    (r,) = run(
        write_pack,
        """
      - id: R1
        text: x
        check:
          kind: coverage
          population: {dataset: employees, where: "role = '电工' AND active"}
          records: {dataset: certs, match: {employee_id: employee_id}, valid_until: expires_at}
""",
        period="2026-12",
    )
    assert r.violating_keys == ("E2",)


def test_an_error_in_one_check_does_not_stop_others(write_pack: WritePack) -> None:
    results = run(
        write_pack,
        """
      - id: R1
        text: a cast that only the data can refuse
        check: {kind: metric, dataset: tickets, value: "sum(CAST(channel AS INTEGER))", target: ">= 1"}
      - id: R2
        text: x
        check: {kind: metric, dataset: tickets, value: "count(*)", target: ">= 1"}
""",
    )
    assert [r.status for r in results] == ["error", "pass"]
    assert "could not be evaluated" in results[0].message


def test_sample_limits_keys(write_pack: WritePack) -> None:
    (r,) = run(
        write_pack,
        """
      - id: R1
        text: x
        check: {kind: metric, dataset: tickets, each: "csat > 5", target: "= 100%"}
""",
        sample=2,
    )
    assert len(r.violating_keys) == 2 and r.violating_keys_truncated
    assert r.violations == 5


def test_connection_has_no_file_access_after_loading(write_pack: WritePack) -> None:
    import duckdb

    from guifan.engine import LocalRunner, load_pack

    folder = write_pack(
        HEAD
        + "      - id: R1\n        text: x\n"
        + "        check: {kind: metric, dataset: tickets, value: count(*), target: '>= 1'}\n",
        tickets__csv=TICKETS,
        customers__csv=CUSTOMERS,
        employees__csv=EMPLOYEES,
        certs__csv=CERTS,
    )
    runner = LocalRunner(load_pack(folder))
    runner.prepare()
    try:
        with pytest.raises(duckdb.Error, match="disabled"):
            runner.con.sql("SELECT * FROM read_csv('/etc/passwd')").fetchall()
        with pytest.raises(duckdb.Error):
            runner.con.execute("SET enable_external_access = true")
    finally:
        runner.close()


def test_results_are_frozen(write_pack: WritePack) -> None:
    import dataclasses

    (r,) = run(
        write_pack,
        """
      - id: R1
        text: x
        check: {kind: metric, dataset: tickets, value: "count(*)", target: ">= 1"}
""",
    )
    with pytest.raises(dataclasses.FrozenInstanceError):
        r.status = "fail"  # type: ignore[misc]


def test_type_errors_are_input_errors_before_data_is_read(write_pack: WritePack) -> None:
    from guifan.engine import PackError

    with pytest.raises(PackError) as info:
        run(
            write_pack,
            """
      - id: R1
        text: adds up text
        check: {kind: metric, dataset: tickets, value: "sum(team)", target: ">= 1"}
""",
        )
    message = str(info.value)
    assert message.startswith("pack.yaml:33:9: ")
    assert "cannot run on its data" in message and "sum" in message


def test_values_on_a_text_column_compare_as_text(write_pack: WritePack) -> None:
    (r,) = run(
        write_pack,
        """
      - id: R1
        text: x
        check:
          kind: data_quality
          dataset: customers
          rules: [{values: {column: level, in: [A, B, 1]}}]
""",
    )
    assert r.status == "fail" and r.violations == 2  # C and D


def test_look_around_regex_refused_at_load(write_pack: WritePack) -> None:
    from guifan.engine import PackError

    with pytest.raises(PackError, match="not supported"):
        run(
            write_pack,
            """
      - id: R1
        text: x
        check:
          kind: data_quality
          dataset: customers
          rules: [{pattern: {column: phone, regex: '^(?=1)\\\\d+$'}}]
""",
        )


def test_count_of_nothing_can_fail(write_pack: WritePack) -> None:
    (r,) = run(
        write_pack,
        """
      - id: R1
        text: at least one ticket a month
        check: {kind: metric, dataset: tickets, value: "count(*)", target: ">= 1"}
""",
        period="2025-01",
    )
    assert (r.status, r.value, r.population) == ("fail", 0, 0)


def test_coverage_population_as_of_the_period_end(write_pack: WritePack) -> None:
    employees = "employee_id,name,role,dept,active,hired,left_on\n" + "\n".join(
        [
            "E1,张伟,电工,生产部,true,2020-01-01,",
            "E2,王芳,电工,生产部,true,2026-11-15,",  # joins after October
            "E3,李娜,电工,质量部,true,2020-01-01,2026-10-31",  # leaves on the last day of October
            "E4,刘洋,电工,质量部,true,2020-01-01,2026-12-01",  # still there at the end of October
        ]
    )
    folder = write_pack(
        HEAD.replace("active: boolean}", "active: boolean, hired: date, left_on: date}")
        + """
      - id: R1
        text: x
        check:
          kind: coverage
          population: {dataset: employees, where: "role = '电工'", since: hired, until: left_on}
          records: {dataset: certs, match: {employee_id: employee_id}}
""",
        tickets__csv=TICKETS,
        customers__csv=CUSTOMERS,
        employees__csv=employees,
        certs__csv=CERTS,
    )
    (r,) = evaluate(folder, "2026-10").results
    assert r.population == 2  # E1 and E4
    assert r.violating_keys == ("E4",)
