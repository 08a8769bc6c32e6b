"""The sequence check written from the demo's P2P process definition: a valid check (guifan validate), and on
the demo's data the same verdicts as the hand-written requirements wherever both express the same constraint."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import pytest
import yaml
from click.testing import CliRunner

from guifan.cli.main import cli
from guifan.demo import generate_demo
from guifan.engine import evaluate, load_pack
from guifan.engine.periods import period_between, zone
from guifan.engine.process.checkspec import log_columns, sequence_check

PATH = "创建采购申请,审批采购申请,创建采购订单,收货,收到发票,三单匹配,付款"


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, Any]]:
    """The demo pack with the generated check added to PR-001 twice: as written (PR-001.8), and without
    ``completed_by`` (PR-001.9), which judges every case as PR-003.2 and IC-003.1 do."""
    pack_file = generate_demo(tmp_path_factory.mktemp("demo-check"), scale=0.05)
    loaded = load_pack(pack_file)
    p2p = next(p for p in loaded.pack.processes if p.id == "P2P")
    assert p2p.dataset is not None
    written = [r.check.model_dump(mode="json") for *_, r in loaded.pack.requirements() if r.check is not None]
    spec = sequence_check(p2p, log_columns(list(loaded.pack.datasets[p2p.dataset].columns), written))
    data = yaml.safe_load(pack_file.read_text(encoding="utf-8"))
    standard = next(s for s in data["standards"] if s["id"] == "PR-001")
    every_case = {k: v for k, v in spec.items() if k != "completed_by"}
    standard["requirements"] += [
        {"id": "PR-001.8", "text": "按流程定义执行", "check": spec},
        {"id": "PR-001.9", "text": "按流程定义执行（全部案例）", "check": every_case},
    ]
    pack_file.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return pack_file, spec


def test_the_generated_check_is_valid_and_printed_by_the_cli(demo: tuple[Path, dict[str, Any]]) -> None:
    pack_file, spec = demo
    validated = CliRunner().invoke(cli, ["validate", str(pack_file.parent)])
    assert validated.exit_code == 0, validated.output
    printed = CliRunner().invoke(cli, ["process", "check", str(pack_file.parent), "P2P"])
    assert printed.exit_code == 0 and yaml.safe_load(printed.output) == spec
    assert spec["case"] == "case_id" and spec["role"] == "role" and spec["calendar"] == "cn-office"
    unknown = CliRunner().invoke(cli, ["process", "check", str(pack_file.parent), "P2"])
    assert unknown.exit_code == 2 and "no process 'P2' (did you mean 'P2P'?)" in unknown.output


def test_same_verdicts_as_the_hand_written_requirements(demo: tuple[Path, dict[str, Any]]) -> None:
    pack_file, _spec = demo
    year = period_between(date(2025, 11, 1), date(2026, 11, 1), zone("Asia/Shanghai"))
    results = {r.requirement: r for r in evaluate(pack_file.parent, year, sample=None).results}

    def cases(requirement: str) -> dict[str, set[str]]:
        entries = results[requirement].details["constraints"]
        return {c["constraint"]: set(c["violating_keys"]) for c in entries}

    generated, every_case = cases("PR-001.8"), cases("PR-001.9")
    path, limits, duties = cases("PR-003.1"), cases("PR-003.2"), cases("IC-003.1")
    # the path, on the paid purchases (completed_by 付款 in both)
    for name in ("init(创建采购申请)", f"order({PATH})", "end(付款)"):
        assert generated[name] == path[name], name
    # the step limits, on every purchase (PR-003.2 judges running ones too, so its twin without completed_by)
    for name in ("within(创建采购申请,审批采购申请,3d)", "within(审批采购申请,创建采购订单,5d)"):
        assert every_case[name] == limits[name], name
        assert generated[name] <= limits[name]  # as written: only the paid purchases
    assert any(limits.values()), "the demo has late approvals or orders to compare"
    # the roles: the definition names one responsible position per step
    for name in ("by_role(付款,出纳)", "by_role(三单匹配,会计)"):
        assert every_case[name] == duties[name], name
    # IC-003.1 also lets a deputy general manager approve (the department head's own requisitions); the
    # definition names only the department head, so those approvals break the generated check and nothing else
    strict, lenient = every_case["by_role(审批采购申请,部门经理)"], duties["by_role(审批采购申请,部门经理|分管副总)"]
    assert lenient <= strict and strict - lenient
    assert not generated["by_role(创建采购申请,申请人)"] and not generated["by_role(收货,仓管员)"]


def test_optional_steps_are_marked_in_the_order_and_get_no_within(tmp_path: Path) -> None:
    """COMPLAINT's compensation steps are optional: `?` in the order, and no within limit is written for them."""
    loaded = load_pack(generate_demo(tmp_path / "demo", scale=0.05))
    complaint = next(p for p in loaded.pack.processes if p.id == "COMPLAINT")
    assert [s.activity for s in complaint.steps if s.optional] == ["赔付审批", "赔付"]
    assert complaint.dataset is not None
    written = [r.check.model_dump(mode="json") for *_, r in loaded.pack.requirements() if r.check is not None]
    spec = sequence_check(complaint, log_columns(list(loaded.pack.datasets[complaint.dataset].columns), written))
    order = next(c["order"] for c in spec["constraints"] if "order" in c)
    assert "赔付审批?" in order and "赔付?" in order and order[0] == "登记投诉" and order[-1] == "回访"
    limited = {c["within"]["to"] for c in spec["constraints"] if "within" in c}
    assert limited == {"分派", "首次联系客户", "回访"}
