"""Output formats: the JSON contract, JUnit counts, Markdown and HTML escaping, the terminal table."""

from __future__ import annotations

import json
import re
import xml.etree.ElementTree as ET
from datetime import datetime, timedelta, timezone

import pytest

from guifan.engine.formats import FORMATS, render
from guifan.engine.formats.markdown import escape as md_escape
from guifan.engine.periods import Period
from guifan.engine.results import Evaluation, GroupResult, Result
from guifan.engine.values import text_in

CST = timezone(timedelta(hours=8))
ANSI = re.compile(r"\x1b\[")


def month(year: int, m: int) -> Period:
    end = datetime(year + (m == 12), m % 12 + 1, 1, tzinfo=CST)
    return Period(datetime(year, m, 1, tzinfo=CST), end, f"{year}-{m:02d}")


def results(fail_value: float = 0.931) -> tuple[Result, ...]:
    """A pass, a warn, a fail with groups and truncated keys, a no_data and an error."""
    common = {"category": "customer_service", "title": "客户服务响应标准", "kind": "sla"}
    return (
        Result(
            standard="CS-001", requirement="CS-001.1", status="pass", value=0.991, target=">= 95%",
            population=1200, violations=11, message="99.1% answered within 24 business hours, target >= 95%",
            text="工单须在 24 个工作小时内首次响应", duration_ms=12.5, **common,
        ),
        Result(
            standard="CS-001", requirement="CS-001.2", status="warn", value=0.962, target=">= 95%",
            warn=">= 97%", population=1200, violations=46,
            message="96.2% resolved within 3 days, target >= 95%",
            text="投诉须在 3 天内解决 | 含升级 <script>alert(1)</script>", **common,
        ),
        Result(
            standard="CS-001", requirement="CS-001.3", status="fail", value=fail_value, target=">= 95%",
            population=2040, violations=141, violating_keys=("T-000123", "T-000124", "T-000125", "T-000126",
            "T-000127", "T-000128", "T-000129"), violating_keys_truncated=True,
            groups=(
                GroupResult({"team": "客服北区"}, "fail", 0.882, 1020, 120),
                GroupResult({"team": "客服南区"}, "pass", 0.979, 1020, 21),
            ),
            message="93.1% closed with a satisfaction survey (141 of 2,040 fail), target >= 95%",
            text="关闭的工单须附满意度回访", severity="critical", **common,
        ),
        Result(
            standard="QA-002", requirement="QA-002.1", category="quality", kind="data_quality",
            status="no_data", value=None, target="= 0", population=0, violations=0,
            message="no records in this period",
            title="质检抽样标准", text="每批次须抽检", unit="number",
        ),
        Result(
            standard="QA-002", requirement="QA-002.2", category="quality", kind="metric", status="error",
            value=None, target="<= 2", population=0, violations=0,
            message="the check could not be evaluated: column 'defects' not found",
            title="质检抽样标准", text="缺陷数不超过 2", unit="number",
        ),
    )  # fmt: skip


def evaluation(period: Period | None = None, fail_value: float = 0.931) -> Evaluation:
    return Evaluation(
        pack="demo-company",
        title="示例公司运营业务标准",
        period=period or month(2026, 10),
        results=results(fail_value),
        started_at=datetime(2026, 11, 1, 9, 30, tzinfo=CST),
        duration_s=1.234,
        warnings=("dataset tickets: 3 rows without a time were left out",),
    )


@pytest.fixture
def one() -> list[Evaluation]:
    return [evaluation()]


@pytest.fixture
def two() -> list[Evaluation]:
    return [evaluation(month(2026, 9), 0.912), evaluation(month(2026, 10))]


def test_every_format_renders_one_and_several_periods(one: list[Evaluation], two: list[Evaluation]) -> None:
    for fmt in FORMATS:
        for evaluations in (one, two):
            for language in ("zh", "en"):
                out = render(evaluations, fmt, language=language, color=False, width=120)
                assert out.endswith("\n")
                assert "CS-001.3" in out


def test_unknown_format_and_no_evaluation_are_refused(one: list[Evaluation]) -> None:
    with pytest.raises(ValueError, match="unknown format"):
        render(one, "yaml")
    with pytest.raises(ValueError, match="nothing to render"):
        render([], "json")


# --- json --------------------------------------------------------------------------------------------------


def test_json_of_one_evaluation_is_its_contract_dict(one: list[Evaluation]) -> None:
    out = render(one, "json")
    assert json.loads(out) == one[0].to_dict()
    assert json.loads(out)["title"] == one[0].title  # texts are kept as written, every language


def test_json_of_several_periods_wraps_them(two: list[Evaluation]) -> None:
    data = json.loads(render(two, "json"))
    assert data == {"guifan": 1, "pack": "demo-company", "periods": [e.to_dict() for e in two]}
    assert [p["period"]["label"] for p in data["periods"]] == ["2026-09", "2026-10"]


def test_json_keeps_chinese_readable(one: list[Evaluation]) -> None:
    out = render(one, "json")
    assert "客服北区" in out
    assert out.startswith('{\n  "guifan": 1')


# --- junit -------------------------------------------------------------------------------------------------


def test_junit_counts_and_failure_message(one: list[Evaluation]) -> None:
    root = ET.fromstring(render(one, "junit"))
    assert root.tag == "testsuites"
    assert (root.get("tests"), root.get("failures"), root.get("errors"), root.get("skipped")) == (
        "5",
        "1",
        "1",
        "1",
    )
    suites = root.findall("testsuite")
    assert [s.get("name") for s in suites] == ["CS-001 客户服务响应标准", "QA-002 质检抽样标准"]
    cs = suites[0]
    assert (cs.get("tests"), cs.get("failures"), cs.get("errors"), cs.get("skipped")) == ("3", "1", "0", "0")
    cases = cs.findall("testcase")
    assert cases[0].get("classname") == "CS-001"
    assert cases[0].get("name") == "CS-001.1: 工单须在 24 个工作小时内首次响应"
    assert cases[0].get("time") == "0.013"
    assert list(cases[0]) == []
    failure = cases[2].find("failure")
    assert failure is not None
    assert failure.get("message") == results()[2].message
    assert failure.get("type") == "fail"
    assert "team=客服北区" in (failure.text or "")
    assert "T-000123" in (failure.text or "")
    warn_out = cases[1].find("system-out")
    assert warn_out is not None
    assert results()[1].message in (warn_out.text or "")
    qa = suites[1].findall("testcase")
    skipped, error = qa[0].find("skipped"), qa[1].find("error")
    assert skipped is not None
    assert skipped.get("message") == "no records in this period"
    assert error is not None
    assert "could not be evaluated" in (error.get("message") or "")


def test_junit_has_one_suite_per_standard_and_period(two: list[Evaluation]) -> None:
    root = ET.fromstring(render(two, "junit"))
    names = [s.get("name") for s in root.findall("testsuite")]
    assert len(names) == 4
    assert "CS-001 客户服务响应标准 [2026-09]" in names
    assert root.get("tests") == "10"
    assert root.get("failures") == "2"


def test_junit_survives_control_characters() -> None:
    bad = Result(
        standard="S", requirement="S.1", category="data", kind="metric", status="fail", value=0.5,
        target=">= 90%", population=2, violations=1, message="bad \x07 byte", violating_keys=("a\x00b",),
    )  # fmt: skip
    e = Evaluation("p", "P", month(2026, 1), (bad,), datetime(2026, 2, 1, tzinfo=CST), 0.1)
    root = ET.fromstring(render([e], "junit"))
    assert root.get("failures") == "1"


# --- markdown ----------------------------------------------------------------------------------------------


def test_markdown_has_summary_and_escapes_pipes(one: list[Evaluation]) -> None:
    out = render(one, "markdown")
    assert out.startswith("# 示例公司运营业务标准\n")
    assert "## 概况" in out
    assert "| 5 | 1 | 1 | 1 | 1 | 1 | 50.0% |" in out
    assert "投诉须在 3 天内解决 \\| 含升级" in out
    assert "&lt;script>" in out
    assert "<script>" not in out
    assert "## 客户服务" in out
    assert "### CS-001 客户服务响应标准" in out
    assert "team=客服北区 不通过 88.2% (120/1,020)" in out
    assert "`T-000123`" in out
    assert "`T-000133`" not in out
    assert "… 共 141 条" in out
    for line in out.splitlines():
        if line.startswith(("| CS-", "| QA-")):
            assert len(re.findall(r"(?<!\\)\|", line)) == 9, line


def test_markdown_escape() -> None:
    assert md_escape("a|b") == "a\\|b"
    assert md_escape("x\ny") == "x y"
    assert md_escape("*bold* [link]") == "\\*bold\\* \\[link\\]"
    assert md_escape("first_response_at") == "first_response_at"
    assert md_escape(">= 95%") == ">= 95%"


def test_markdown_trend(two: list[Evaluation]) -> None:
    out = render(two, "markdown", language="en")
    assert "## Trend" in out
    assert "| CS-001.3 | ❌ 91.2% | ❌ 93.1% |" in out
    assert "| 2026-09 | 5 |" in out
    assert "## Details of the latest period: 2026-10" in out


# --- html --------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("several", [False, True])
def test_html_is_self_contained_and_escaped(one: list[Evaluation], two: list[Evaluation], several: bool) -> None:
    out = render(two if several else one, "html")
    assert out.startswith("<!DOCTYPE html>")
    assert '<html lang="zh-CN">' in out
    for forbidden in ("http://", "https://", "<script", "<link", "@import", "url("):
        assert forbidden not in out
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in out
    for r in results():
        assert r.requirement in out
    assert "<details" in out
    assert "Noto Sans CJK SC" in out
    assert "客服北区" in out


def test_html_language_and_trend(two: list[Evaluation]) -> None:
    out = render(two, "html", language="en")
    assert '<html lang="en">' in out
    assert "Trend" in out
    assert "Compliance by category" in out
    assert "Customer service" in out
    assert out.count('<details class="period"') == 2


# --- table -------------------------------------------------------------------------------------------------


def test_table_without_colour_is_plain_and_shows_groups_and_keys(one: list[Evaluation]) -> None:
    out = render(one, "table", color=False, width=140)
    assert not ANSI.search(out)
    assert "示例公司运营业务标准" in out
    assert "2026-10 (2026-10-01 至 2026-10-31)" in out
    assert "└ team=客服北区 不通过 88.2% (120/1,020)" in out
    assert "客服南区" not in out  # a passing group is not listed
    assert "T-000123, T-000124, T-000125, T-000126, T-000127 … 共 141 条" in out
    assert "T-000128" not in out
    assert "CS-001 客户服务响应标准 · 客户服务" in out
    assert "✗ 不通过" in out
    assert "提示: dataset tickets" in out


def test_table_with_colour_has_ansi(one: list[Evaluation]) -> None:
    out = render(one, "table", color=True, width=140)
    assert ANSI.search(out)
    assert "\x1b[31m" in out or "\x1b[1;31m" in out  # red for the failure


def test_table_columns_align_with_chinese(one: list[Evaluation]) -> None:
    out = render(one, "table", color=False, width=140)
    from rich.cells import cell_len

    lines = out.splitlines()
    columns = set()
    for r in results():
        line = next(line for line in lines if line.startswith(r.requirement + " "))
        first = text_in(r.text) or r.message
        columns.add(cell_len(line[: line.index(first[:8])]))  # after Chinese status labels
    assert len(columns) == 1


def test_table_trend(two: list[Evaluation]) -> None:
    out = render(two, "table", color=False, width=120, language="en")
    assert not ANSI.search(out)
    assert "2026-09" in out
    assert "2026-10" in out
    assert "✗ 91.2%" in out
    assert "✗ 93.1%" in out
    narrow = render(two, "table", color=False, width=24, language="en")
    matrix = narrow.split("Legend")[0]
    assert "91.2%" not in matrix  # symbols only when values do not fit
    assert re.search(r"CS-001\.3 +✗ +✗\n", matrix)
    assert re.search(r"Requirement +09 +10\n", matrix)  # the year they share is left out of the labels


def test_table_escapes_markup() -> None:
    r = Result(
        standard="S", requirement="S.1", category="data", kind="metric", status="pass", value=1.0,
        target=">= 90%", population=2, violations=0, message="[bold]not markup[/bold]",
    )  # fmt: skip
    e = Evaluation("p", "P", month(2026, 1), (r,), datetime(2026, 2, 1, tzinfo=CST), 0.1)
    assert "[bold]not markup[/bold]" in render([e], "table", color=False, width=120)


# --- languages ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize("fmt", ["table", "markdown", "html", "junit"])
def test_zh_and_en_labels_differ(one: list[Evaluation], fmt: str) -> None:
    zh = render(one, fmt, language="zh", color=False, width=120)
    en = render(one, fmt, language="en", color=False, width=120)
    assert zh != en
    if fmt != "junit":
        assert "不通过" in zh
        assert "fail" in en
        assert "不通过" not in en
    assert "客户服务" in zh
    assert "Customer service" in en
