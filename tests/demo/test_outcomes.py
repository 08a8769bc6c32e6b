"""The demo pack evaluated by the engine: the planned failures, in the planned months, and nothing else."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import pytest

from guifan.demo import generate_demo

engine = pytest.importorskip("guifan.engine")
periods = pytest.importorskip("guifan.engine.periods")

# What the demo year shows (whole year as one period, scale 1). Changing the data or the pack changes these on
# purpose; update them together with the report in the demo's documentation.
FAILING = {
    "QC-001.2",  # bore not capable on any machine
    "QC-001.3",  # CNC-04's outer diameter drifts from August (EWMA signals)
    "QC-001.5",  # ... and is no longer capable in September and October
    "CS-003.3",  # compensation approved by its proposer, or paid before approval
    "SF-002.1",  # forklift certificates lapsed
    "SF-002.2",  # electrician certificates lapsed
    "OG-001.2",  # two accountables for supplier admission
    "DA-001.1",  # customer phones missing
    "DA-001.2",  # duplicate ids, malformed phones, credit limits out of range
    "RK-001.2",  # risk treatments overdue in the second half
    "IC-002.1",  # two key controls not re-tested
    "IC-003.1",  # approvals skipped, requisitions approved by their requester, stand-in payments
    "SE-001.1",  # MES access review skipped
    "SE-001.2",  # leavers' accounts still enabled
    "GO-001.4",  # market share below target
}
WARNING_INCLUDES = {"CS-001.1", "CS-003.1", "PR-003.1", "SC-001.1", "PR-002.1", "GO-001.3", "RK-001.1"}
MONTHS = ("2026-03", "2026-06", "2026-07", "2026-08", "2026-09", "2026-10")

Results = dict[str, dict[str, Any]]  # period label -> requirement -> engine Result


@pytest.fixture(scope="module")
def results(tmp_path_factory: pytest.TempPathFactory) -> Results:
    out = tmp_path_factory.mktemp("demo-full")
    pack_file: Path = generate_demo(out)
    loaded = engine.load_pack(pack_file)
    tz = periods.zone("Asia/Shanghai")
    chosen = [periods.period_between(date(2025, 11, 1), date(2026, 11, 1), tz)]
    chosen += [periods.parse_period(m, tz) for m in MONTHS]
    evaluations = engine.evaluate_periods(loaded, chosen, sample=5)
    labels = ["year", *MONTHS]
    return {label: {r.requirement: r for r in e.results} for label, e in zip(labels, evaluations, strict=True)}


def statuses(results: Results, label: str) -> dict[str, str]:
    return {rid: r.status for rid, r in results[label].items()}


def groups(result: Any) -> dict[str, Any]:
    """A result's groups by their (single) by value."""
    return {next(iter(g.by.values())): g for g in result.groups}


def constraint_violations(result: Any) -> dict[str, int]:
    return {c["constraint"]: c["violations"] for c in result.details["constraints"]}


@pytest.mark.slow
def test_the_year_fails_exactly_where_problems_were_planted(results: Results) -> None:
    year = statuses(results, "year")
    assert {r for r, s in year.items() if s == "fail"} == FAILING
    assert {r for r, s in year.items() if s == "warn"} >= WARNING_INCLUDES
    assert not {r for r, s in year.items() if s in ("error", "no_data")}


@pytest.mark.slow
def test_planted_problems_show_in_their_months(results: Results) -> None:
    march, june, july, october = (statuses(results, m) for m in ("2026-03", "2026-06", "2026-07", "2026-10"))
    assert june["CS-001.1"] == "fail" and march["CS-001.1"] == "pass" and july["CS-001.1"] == "pass"
    assert june["CS-001.3"] == "fail" and march["CS-001.3"] == "pass"
    assert june["PR-002.1"] == "fail" and june["SC-002.1"] == "fail"
    assert june["PR-003.1"] == "fail" and june["PR-003.2"] == "fail" and july["PR-003.2"] == "pass"
    assert march["SF-002.1"] == "pass" and july["SF-002.1"] == "fail"
    assert march["SE-001.1"] == "pass" and october["SE-001.1"] == "fail"
    assert march["SC-001.1"] != "fail" and july["SC-001.1"] == "fail"
    assert march["QC-001.1"] == "pass" and october["QC-001.1"] == "fail"
    assert march["QC-002.1"] == "pass" and october["QC-002.1"] == "fail"
    assert march["IC-002.1"] == "pass" and october["IC-002.1"] == "fail"


@pytest.mark.slow
def test_north_team_misses_its_service_limits_in_june(results: Results) -> None:
    june = groups(results["2026-06"]["CS-001.1"])
    assert june["客服北区"].status == "fail" and june["客服北区"].value < 0.6
    assert june["客服南区"].value > 0.95 and june["客服东区"].value > 0.95
    march = groups(results["2026-03"]["CS-001.1"])
    assert all(g.status == "pass" for g in march.values())
    by_limit = {b["value"]: b for b in results["2026-06"]["CS-001.1"].details["breaches_by_limit"]}
    assert set(by_limit) == {"P1", "P2", "P3"} and all(b["breaches"] > 0 for b in by_limit.values())
    assert groups(results["2026-06"]["CS-001.3"])["客服北区"].status == "fail"


@pytest.mark.slow
def test_drifting_machine_signals_in_the_last_quarter(results: Results) -> None:
    for month in ("2026-03", "2026-07"):
        assert results[month]["QC-001.3"].status == "pass", month
    for month in ("2026-08", "2026-09", "2026-10"):
        result = results[month]["QC-001.3"]
        assert groups(result)["CNC-04"].status == "fail", month
        flagged = {c["key"] for c in result.details["charts"] if c["signals_total"]}
        assert flagged == {"PB-100 泵体|外径|CNC-04"}, month
    assert results["2026-07"]["QC-001.5"].status == "pass"
    october = results["2026-10"]["QC-001.5"]
    incapable = {c["key"] for c in october.details["charts"] if c["meets_target"] is False}
    assert incapable == {"PB-100 泵体|外径|CNC-04"}


@pytest.mark.slow
def test_bore_is_not_capable_and_flatness_is_judged_one_sided(results: Results) -> None:
    for label, found in results.items():
        assert found["QC-001.2"].status == "fail", label
    bore = results["year"]["QC-001.2"].details["charts"]
    assert len(bore) == 4 and all(0.6 < c["capability"]["ppk"] < 1.1 for c in bore)
    flatness = [c for c in results["year"]["QC-001.5"].details["charts"] if "平面度" in c["key"]]
    assert len(flatness) == 2
    for chart in flatness:
        assert chart["capability"]["ppl"] is None and chart["capability"]["ppk"] > 1.33 and chart["meets_target"]


@pytest.mark.slow
def test_line_two_defects_rise_with_the_worn_tool(results: Results) -> None:
    october = results["2026-10"]["QC-002.1"]
    assert groups(october)["机加二线"].status == "fail" and groups(october)["机加一线"].status == "pass"
    top = october.details["pareto"][0]
    assert top["category"] == "尺寸超差" and top["share"] > 0.5  # the worn tool's parts out of tolerance
    assert results["2026-03"]["QC-002.1"].details["pareto"][0]["share"] < 0.5


@pytest.mark.slow
def test_purchase_to_pay_deviations_in_ic_003_1(results: Results) -> None:
    found = constraint_violations(results["year"]["IC-003.1"])
    assert found["precedence(审批采购申请,创建采购订单)"] > 50  # approvals skipped
    assert found["different_resource(创建采购申请,审批采购申请,创建采购订单)"] > 30  # self-approval, own orders
    assert found["by_role(付款,出纳)"] > 5  # accountants paying while the cashiers were on leave
    assert found["by_role(审批采购申请,部门经理|分管副总)"] == 0
    assert found["by_role(三单匹配,会计)"] == 0
    path = constraint_violations(results["year"]["PR-003.1"])
    assert path["order(创建采购申请,审批采购申请,创建采购订单,收货,收到发票,三单匹配,付款)"] > 50
    assert path["response(退回修改,修改采购申请)"] == 0 and path["end(付款)"] == 0


@pytest.mark.slow
def test_complaint_process_deviations(results: Results) -> None:
    june, march = results["2026-06"], results["2026-03"]
    assert june["CS-003.1"].status == "fail" and march["CS-003.1"].status == "pass"
    first_call = groups(june["CS-003.1"])
    assert first_call["客服北区"].value < 0.7 and first_call["客服南区"].value > 0.95
    assert june["CS-003.2"].status == "fail" and march["CS-003.2"].status == "pass"
    closing = groups(june["CS-003.2"])
    assert closing["客服北区"].status == "fail"
    assert closing["客服东区"].status == closing["客服南区"].status == "pass"
    compensation = constraint_violations(results["year"]["CS-003.3"])
    assert compensation["precedence(赔付审批,赔付)"] > 5
    assert compensation["different_resource(提出处理方案,赔付审批)"] > 15
    assert 5 < compensation["by_role(赔付审批,客服主管)"] < compensation["different_resource(提出处理方案,赔付审批)"]
    assert results["year"]["CS-003.4"].status == "pass"


@pytest.mark.slow
def test_every_message_the_demo_writes_reads_in_chinese(results: Results) -> None:
    """The Chinese reports recognise every message the runner writes for the demo's 93 requirements."""
    import re

    from guifan.engine.messages import localise

    for label, by_requirement in results.items():
        for rid, r in by_requirement.items():
            zh = localise(r.message, "zh")
            assert re.search(r"[\u4e00-\u9fff]", zh), (label, rid, r.message)
            numbers = re.findall(r"\d+(?:[.,]\d+)*%?", r.message)
            assert all(n in zh for n in numbers), (label, rid, r.message, zh)  # the same figures, none lost
