from __future__ import annotations

from zoneinfo import ZoneInfo

import pytest

from guifan.engine import InputError, load_pack, parse_period
from guifan.engine.records import violating_records

from .conftest import WritePack
from .test_checks import CERTS, CUSTOMERS, EMPLOYEES, HEAD, TICKETS

REQS = """
      - id: R1
        text: x
        check: {kind: metric, dataset: tickets, each: "csat >= 4", target: "= 100%"}
      - id: R2
        text: y
        check:
          kind: coverage
          population: {dataset: employees, where: "role = '电工' AND active"}
          records: {dataset: certs, match: {employee_id: employee_id}, valid_until: expires_at}
"""


@pytest.fixture
def loaded(write_pack: WritePack):  # type: ignore[no-untyped-def]
    folder = write_pack(
        HEAD + REQS, tickets__csv=TICKETS, customers__csv=CUSTOMERS, employees__csv=EMPLOYEES, certs__csv=CERTS
    )
    return load_pack(folder)


def test_violating_records_are_the_rows_themselves(loaded) -> None:  # type: ignore[no-untyped-def]
    october = parse_period("2026-10", ZoneInfo("Asia/Shanghai"))
    page = violating_records(loaded, "R1", october)
    assert page.dataset == "tickets" and page.total == 3  # T2 (2), T4 (null), T5 (3)
    assert [row[0] for row in page.rows] == ["T2", "T4", "T5"]
    assert page.columns == ["ticket_id", "created_at", "responded_at", "team", "csat", "channel"]  # all of them
    second = violating_records(loaded, "R1", october, limit=2, offset=2)
    assert [row[0] for row in second.rows] == ["T5"] and second.total == 3


def test_coverage_violations_are_population_members(loaded) -> None:  # type: ignore[no-untyped-def]
    page = violating_records(loaded, "R2", parse_period("2026-10", ZoneInfo("Asia/Shanghai")))
    assert page.dataset == "employees"
    assert [row[0] for row in page.rows] == ["E2", "E3"]


def test_unknown_requirement(loaded) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(InputError, match="no requirement 'R9'"):
        violating_records(loaded, "R9", parse_period("2026-10", ZoneInfo("Asia/Shanghai")))
