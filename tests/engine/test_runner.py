"""The runner's economies: only the columns the checks read are loaded, large data is kept compressed on disk,
and ``data_quality`` counts in one pass; none of them may change a result."""

from __future__ import annotations

import dataclasses
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from guifan.engine import LocalRunner, evaluate, load_pack
from guifan.engine import runner as runner_module
from guifan.engine.checks.registry import KINDS, every_column
from guifan.engine.datasets import load_dataset
from guifan.engine.errors import DataError
from guifan.engine.pack.dataset import DatasetSpec
from guifan.engine.results import Result

from .conftest import WritePack
from .test_checks import CERTS, CUSTOMERS, EMPLOYEES, HEAD, TICKETS

CHECKS = """
      - id: R1
        text: respond within 2 hours
        check: {kind: metric, dataset: tickets, each: "date_diff('minute', created_at, responded_at) <= 120",
                by: team, target: ">= 80%"}
      - id: R2
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
      - id: R3
        text: electricians hold a valid certificate
        check:
          kind: coverage
          population: {dataset: employees, where: "role = '电工' AND active"}
          records: {dataset: certs, where: "cert = '电工证'", match: {employee_id: employee_id},
                    valid_until: expires_at}
          by: dept
"""


def pack(write_pack: WritePack) -> Path:
    return write_pack(
        HEAD + CHECKS, tickets__csv=TICKETS, customers__csv=CUSTOMERS, employees__csv=EMPLOYEES, certs__csv=CERTS
    )


def loaded_columns(runner: LocalRunner) -> dict[str, list[str]]:
    return {
        name: [str(row[0]) for row in runner.con.execute(f'DESCRIBE "{table.loaded.table}"').fetchall()]
        for name, table in runner.tables.items()
    }


def test_only_the_columns_checks_read_are_loaded(write_pack: WritePack) -> None:
    runner = LocalRunner(load_pack(pack(write_pack)))
    try:
        runner.prepare()
        assert loaded_columns(runner) == {
            "tickets": ["ticket_id", "created_at", "responded_at", "team"],  # key, time, each, by; not csat
            "customers": ["customer_id", "phone", "level", "credit_limit", "updated_at", "owner_id"],
            "employees": ["employee_id", "role", "dept", "active"],  # not name
            "certs": ["employee_id", "cert", "issued_at", "expires_at"],
        }
        assert runner.tables["tickets"].schema.columns["csat"] == "number"  # the schema still names every column
    finally:
        runner.close()


def test_a_kind_that_does_not_tell_its_columns_gets_all(write_pack: WritePack, monkeypatch: Any) -> None:
    monkeypatch.setitem(KINDS, "metric", dataclasses.replace(KINDS["metric"], columns=every_column))
    runner = LocalRunner(load_pack(pack(write_pack)), only={"R1"})
    try:
        runner.prepare()
        assert loaded_columns(runner) == {
            "tickets": ["ticket_id", "created_at", "responded_at", "team", "csat", "channel"]
        }
    finally:
        runner.close()


def test_whole_datasets_keep_every_column(write_pack: WritePack) -> None:
    runner = LocalRunner(load_pack(pack(write_pack)), only={"R1"}, whole={"tickets"})
    try:
        runner.prepare()
        assert len(loaded_columns(runner)["tickets"]) == 6
    finally:
        runner.close()


def test_unread_declared_columns_are_still_checked(write_pack: WritePack) -> None:
    bad = TICKETS.replace("南区,4,", "南区,four,")  # T3's csat, which no check reads
    folder = write_pack(
        HEAD + CHECKS, tickets__csv=bad, customers__csv=CUSTOMERS, employees__csv=EMPLOYEES, certs__csv=CERTS
    )
    with pytest.raises(DataError, match=r"row 4, column 'csat': 'four' is not a number"):
        evaluate(folder, "2026-10")


def summary(results: tuple[Result, ...]) -> list[tuple[Any, ...]]:
    return [
        (r.requirement, r.status, r.value, r.population, r.violations, r.violating_keys, r.groups, r.details)
        for r in results
    ]


def test_large_data_is_kept_on_disk_with_the_same_results(write_pack: WritePack, monkeypatch: Any) -> None:
    folder = pack(write_pack)
    in_memory = evaluate(folder, "2026-10")
    monkeypatch.setattr(runner_module, "DISK_ABOVE", -1)
    runner = LocalRunner(load_pack(folder))
    try:
        assert runner.store is not None
        database = Path(runner.store) / "data.duckdb"
        runner.prepare()
        assert database.is_file()
        limit = runner.con.execute("SELECT current_setting('memory_limit')").fetchone()
        assert limit is not None and str(limit[0]).startswith(("512", "488"))  # 512MB, shown in MiB
        on_disk = runner.run(in_memory.period)
    finally:
        runner.close()
    assert not Path(runner.store).exists()  # the temporary file goes with the runner
    assert summary(on_disk.results) == summary(in_memory.results)
    assert all(r.status != "error" for r in on_disk.results)


def test_data_quality_unique_on_several_columns_with_where_and_groups(write_pack: WritePack) -> None:
    folder = write_pack(
        """
        guifan: 1
        id: orders
        title: Orders
        timezone: Asia/Shanghai
        datasets:
          orders:
            source: data/orders.csv
            key: id
            columns: {id: string, region: string, sku: string, batch: integer, qty: integer, flag: string}
        standards:
          - id: S
            title: S
            category: data
            requirements:
              - id: R
                text: x
                check:
                  kind: data_quality
                  dataset: orders
                  where: "flag = 'y'"
                  by: region
                  rules:
                    - unique: [sku, batch]
                    - range: {column: qty, min: 1}
        """,
        orders__csv="""
        id,region,sku,batch,qty,flag
        O1,北,A,1,5,y
        O2,北,A,1,3,y
        O3,南,A,1,2,n
        O4,南,B,,1,y
        O5,南,B,,1,y
        O6,南,C,2,1,y
        O7,北,C,2,0,n
        O8,北,D,3,0,y
        """,
    )
    (r,) = evaluate(folder).results
    # O3 and O7 are left out by where: O6 is unique among the rest, O1 and O2 are not; a NULL batch passes
    assert (r.population, r.violations) == (6, 3)
    assert r.violating_keys == ("O1", "O2", "O8")
    assert r.details["rules"] == [
        {"rule": "unique(sku, batch)", "violations": 2},
        {"rule": "range(qty)", "violations": 1},
    ]
    assert [(g.by, g.population, g.violations, g.value) for g in r.groups] == [
        ({"region": "北"}, 3, 3, 0.0),
        ({"region": "南"}, 3, 0, 1.0),
    ]


def test_data_quality_with_no_violations_lists_no_keys(write_pack: WritePack) -> None:
    requirement = """
      - id: R9
        text: x
        check: {kind: data_quality, dataset: employees, by: dept, rules: [{unique: [employee_id]}, {not_null: [name]}]}
"""
    folder = write_pack(HEAD + requirement, employees__csv=EMPLOYEES)
    (r,) = evaluate(folder).results
    assert (r.population, r.violations, r.value, r.violating_keys, r.status) == (5, 0, 1.0, (), "pass")
    assert [(g.by["dept"], g.population) for g in r.groups] == [("生产部", 2), ("质量部", 3)]


def test_first_bad_value_is_found_in_file_order(tmp_path: Path) -> None:
    """Row groups are read in parallel; the table keeps the file's order, so the first bad row is reported."""
    import duckdb

    n = 200_000
    scores = pa.array(["4"] * n)
    scores = pa.concat_arrays(
        [
            scores.slice(0, 150_000),
            pa.array(["x"]),
            scores.slice(150_001, 40_000),
            pa.array(["y"]),
            scores.slice(190_002),
        ]
    )
    pq.write_table(pa.table({"id": range(n), "score": scores}), tmp_path / "s.parquet", row_group_size=5_000)
    spec = DatasetSpec.model_validate({"source": "s.parquet", "columns": {"score": "integer"}})
    with duckdb.connect(config={"threads": 4}) as con, pytest.raises(DataError) as caught:
        load_dataset(con, "t", "s", spec, tmp_path, "Asia/Shanghai")
    assert str(caught.value) == "s.parquet, row 150001, column 'score': 'x' is not an integer"
