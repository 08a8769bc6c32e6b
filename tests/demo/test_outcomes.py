"""The demo pack evaluated by the engine: the planned failures, in the planned months, and nothing else."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from guifan.demo import generate_demo

engine = pytest.importorskip("guifan.engine")
periods = pytest.importorskip("guifan.engine.periods")

# What the demo year shows (whole year as one period, scale 1). Changing the data or the pack changes these on
# purpose; update them together with the report in the demo's documentation.
FAILING = {
    "PR-001.1",  # approvals skipped
    "QC-001.2",  # bore not capable
    "SF-002.1",  # forklift certificates lapsed
    "SF-002.2",  # electrician certificates lapsed
    "OG-001.2",  # two accountables for supplier admission
    "DA-001.1",  # customer phones missing
    "DA-001.2",  # duplicate ids, malformed phones, credit limits out of range
    "RK-001.2",  # risk treatments overdue in the second half
    "IC-001.1",  # requisitions approved by their requester
    "IC-002.1",  # two key controls not re-tested
    "SE-001.1",  # MES access review skipped
    "SE-001.2",  # leavers' accounts still enabled
    "GO-001.4",  # market share below target
}
WARNING_INCLUDES = {"CS-001.1", "SC-001.1", "PR-002.1", "GO-001.3", "RK-001.1"}


@pytest.fixture(scope="module")
def year_and_months(tmp_path_factory: pytest.TempPathFactory) -> dict[str, dict[str, str]]:
    out = tmp_path_factory.mktemp("demo-full")
    pack_file: Path = generate_demo(out)
    loaded = engine.load_pack(pack_file)
    tz = periods.zone("Asia/Shanghai")
    chosen = [periods.period_between(date(2025, 11, 1), date(2026, 11, 1), tz)]
    chosen += [periods.parse_period(m, tz) for m in ("2026-03", "2026-06", "2026-07", "2026-10")]
    evaluations = engine.evaluate_periods(loaded, chosen, sample=1)
    labels = ["year", "2026-03", "2026-06", "2026-07", "2026-10"]
    return {label: {r.requirement: r.status for r in e.results} for label, e in zip(labels, evaluations, strict=True)}


@pytest.mark.slow
def test_the_year_fails_exactly_where_problems_were_planted(year_and_months: dict[str, dict[str, str]]) -> None:
    year = year_and_months["year"]
    assert {r for r, s in year.items() if s == "fail"} == FAILING
    assert {r for r, s in year.items() if s == "warn"} >= WARNING_INCLUDES
    assert not {r for r, s in year.items() if s in ("error", "no_data")}


@pytest.mark.slow
def test_planted_problems_show_in_their_months(year_and_months: dict[str, dict[str, str]]) -> None:
    march, june, july, october = (year_and_months[m] for m in ("2026-03", "2026-06", "2026-07", "2026-10"))
    assert june["CS-001.1"] == "fail" and march["CS-001.1"] == "pass" and july["CS-001.1"] == "pass"
    assert june["PR-002.1"] == "fail" and june["SC-002.1"] == "fail"
    assert march["SF-002.1"] == "pass" and july["SF-002.1"] == "fail"
    assert march["SE-001.1"] == "pass" and october["SE-001.1"] == "fail"
    assert march["SC-001.1"] != "fail" and july["SC-001.1"] == "fail"
    assert march["QC-001.1"] == "pass" and october["QC-001.1"] == "fail"
    assert march["IC-002.1"] == "pass" and october["IC-002.1"] == "fail"
