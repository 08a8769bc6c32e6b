"""The kinds' SQL must stay portable: a Spark runner will run the same SQL, transpiled by sqlglot."""

from __future__ import annotations

from typing import Any

import sqlglot
from sqlglot.errors import ErrorLevel

from guifan.engine import LocalRunner, load_pack
from guifan.engine.runner import DuckDBContext

from .conftest import WritePack
from .test_checks import CERTS, CUSTOMERS, EMPLOYEES, HEAD, TICKETS

REQUIREMENTS = """
      - id: R1
        text: x
        check: {kind: metric, dataset: tickets, each: "date_diff('minute', created_at, responded_at) <= 120",
                by: team, target: ">= 80%"}
      - id: R2
        text: x
        check: {kind: metric, dataset: tickets, value: "avg(csat)", by: team, target: ">= 4"}
      - id: R3
        text: x
        check:
          kind: data_quality
          dataset: customers
          rules:
            - not_null: [phone]
            - unique: [customer_id]
            - values: {column: level, in: [A, B, C]}
            - range: {column: credit_limit, min: 0, max: 1000000}
            - pattern: {column: phone, regex: '^1[3-9]\\d{9}$'}
            - fresh: {column: updated_at, max_age: 2d}
            - refers: {column: owner_id, dataset: employees, key: employee_id}
      - id: R4
        text: x
        check:
          kind: coverage
          population: {dataset: employees, where: "active"}
          records: {dataset: certs, match: {employee_id: employee_id}, valid_until: expires_at}
          by: dept
"""


def test_every_query_transpiles_to_spark(write_pack: WritePack, monkeypatch: Any) -> None:
    folder = write_pack(
        HEAD + REQUIREMENTS, tickets__csv=TICKETS, customers__csv=CUSTOMERS, employees__csv=EMPLOYEES, certs__csv=CERTS
    )
    seen: list[str] = []
    original, materialize = DuckDBContext.query, DuckDBContext.materialize

    def capture(self: DuckDBContext, sql: str, params: Any = ()) -> Any:
        seen.append(sql)
        return original(self, sql, params)

    def capture_materialized(self: DuckDBContext, sql: str) -> str:
        seen.append(sql)
        return materialize(self, sql)

    monkeypatch.setattr(DuckDBContext, "query", capture)
    monkeypatch.setattr(DuckDBContext, "materialize", capture_materialized)
    runner = LocalRunner(load_pack(folder))
    runner.prepare()
    try:
        evaluation = runner.run(runner_period(runner))
    finally:
        runner.close()
    assert all(r.status != "error" for r in evaluation.results)
    assert len(seen) >= 8
    assert any("HAVING count(*) > 1" in sql for sql in seen)  # unique's duplicated keys, materialized
    for sql in seen:
        (spark,) = sqlglot.transpile(sql, read="duckdb", write="spark", unsupported_level=ErrorLevel.RAISE)
        assert spark


def runner_period(runner: LocalRunner) -> Any:
    from guifan.engine.periods import parse_period

    return parse_period("2026-10", runner.tz)
