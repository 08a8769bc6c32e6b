"""The ``spc`` and ``sixsigma`` check kinds end to end, through packs and the public API."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pytest
import sqlglot
from sqlglot.errors import ErrorLevel

from guifan.engine import PackError, evaluate
from guifan.engine.results import Result

from .conftest import WritePack

DATA = Path(__file__).parent / "data" / "spc"

HEAD = """
guifan: 1
id: plant
title: Plant
timezone: Asia/Shanghai
datasets:
  rings:
    source: data/pistonrings.csv
    columns: {diameter: number, sample: integer, trial: boolean}
  juice:
    source: data/orangejuice.csv
    key: sample
    columns: {sample: integer, D: integer, size: integer, trial: boolean}
  viscosity:
    source: data/viscosity.csv
    key: batch
    time: made_on
    columns: {batch: integer, viscosity: number, made_on: date}
  parts:
    source: data/parts.csv
    key: id
    time: measured_at
  lots:
    source: data/lots.csv
    key: lot
  defects:
    source: data/defects.csv
standards:
  - id: QC-1
    title: Quality
    category: quality
    requirements:
"""


def viscosity_csv() -> str:
    """Montgomery's viscosity batches, the 20 trial batches in 2026-Q1 and the 15 others in 2026-Q2."""
    lines = (DATA / "viscosity.csv").read_text(encoding="utf-8").splitlines()[1:]
    out = ["batch,viscosity,made_on"]
    for line in lines:
        batch, value, _ = line.split(",")
        month, day = (2, int(batch)) if int(batch) <= 20 else (5, int(batch) - 20)
        out.append(f"{batch},{value},2026-{month:02d}-{day:02d}")
    return "\n".join(out) + "\n"


def parts_csv() -> str:
    """Two machines x two features, 30 subgroups of 5 each; machine M2's diameter drifts up in its last third."""
    rng = np.random.default_rng(7)
    lines = ["id,machine,feature,subgroup,measured_at,value,lsl,usl"]
    spec = {"diameter": (9.9, 10.1), "length": (49.0, 51.0)}
    for machine in ("M1", "M2"):
        for feature, (lsl, usl) in spec.items():
            centre, sigma = (lsl + usl) / 2, (usl - lsl) / 12
            if feature == "length":
                sigma *= 3  # not capable: Cp about 0.67
            for s in range(30):
                drift = 4 * sigma * max(0, s - 20) / 10 if (machine, feature) == ("M2", "diameter") else 0.0
                for i in range(5):
                    value = centre + drift + sigma * rng.standard_normal()
                    stamp = f"2026-10-{s // 2 + 1:02d} {8 + s % 2 * 4:02d}:{i * 5:02d}:00"
                    lines.append(
                        f"{machine}-{feature}-{s}-{i},{machine},{feature},SG{s:02d},{stamp},{value:.4f},{lsl},{usl}"
                    )
    return "\n".join(lines) + "\n"


LOTS = """
lot,line,units,sample_size,defects,opportunities,defect_type
L1,A,500,80,2,8,毛刺
L2,A,600,80,0,8,
L3,B,500,80,5,5,划伤
L4,B,700,80,3,5,毛刺
"""

DEFECTS = """
lot,defect_type
L1,毛刺
L1,毛刺
L3,划伤
L3,划伤
L3,砂眼
"""


def write(write_pack: WritePack, requirements: str) -> Path:
    files = {
        name.replace(".", "__"): (DATA / name).read_text(encoding="utf-8")
        for name in ("pistonrings.csv", "orangejuice.csv")
    }
    return write_pack(
        HEAD + requirements,
        viscosity__csv=viscosity_csv(),
        parts__csv=parts_csv(),
        lots__csv=LOTS,
        defects__csv=DEFECTS,
        **files,
    )


def run(write_pack: WritePack, requirements: str, period: str | None = None, **kw: Any) -> list[Result]:
    return list(evaluate(write(write_pack, requirements), period, **kw).results)


def check(body: str) -> str:
    return f"""
      - id: QC-1.1
        text: x
        check: {body}
"""


def test_piston_rings_in_control_and_capable(write_pack: WritePack) -> None:
    (r,) = run(
        write_pack,
        check("""{kind: spc, dataset: rings, where: trial, value: diameter, subgroup: sample, chart: xbar_r,
                  spec: {lsl: 73.95, usl: 74.05}, rules: nelson, target: [no signals, "cpk >= 1.33"]}"""),
    )
    assert (r.status, r.value, r.violations, r.population) == ("pass", 1.0, 0, 26)  # 25 points + 1 characteristic
    (chart,) = r.details["charts"]
    assert (round(chart["center"], 5), round(chart["lcl"], 5), round(chart["ucl"], 5)) == (74.00118, 73.98805, 74.0143)
    assert round(chart["secondary"]["ucl"], 8) == 0.04812533
    assert round(chart["capability"]["cpk"], 3) == 1.663 and round(chart["capability"]["ppk"], 3) == 1.616
    assert r.details["rules"][0] == "nelson1" and r.details["phase"] == "I"
    assert "in control and cpk >= 1.33" in r.message


def test_consecutive_grouping_equals_the_subgroup_column(write_pack: WritePack) -> None:
    (by_column, by_count) = run(
        write_pack,
        check("{kind: spc, dataset: rings, where: trial, value: diameter, subgroup: sample, chart: xbar_s}")
        + check("{kind: spc, dataset: rings, where: trial, value: diameter, subgroup: 5, chart: xbar_s}").replace(
            "QC-1.1", "QC-1.2"
        ),
    )
    assert by_column.details["charts"][0]["ucl"] == pytest.approx(by_count.details["charts"][0]["ucl"])
    assert by_count.details["charts"][0]["points"] == 25


def test_orange_juice_revised_limits_and_findings(write_pack: WritePack) -> None:
    (r,) = run(
        write_pack,
        check("""{kind: spc, dataset: juice, where: trial, value: D, size: size, subgroup: sample, chart: p,
                  rules: [we1], exclude: [15, 23, 99]}"""),
    )
    (chart,) = r.details["charts"]
    assert (round(chart["center"], 4), round(chart["ucl"], 4), round(chart["lcl"], 4)) == (0.2150, 0.3893, 0.0407)
    assert chart["signals"] == [{"key": "21", "rule": "we1"}]
    assert (r.status, r.value, r.violating_keys, r.population) == ("fail", 0.0, ("21",), 28)
    assert r.details["excluded"] == ["15", "23"]


def test_unknown_exclusion_is_a_warning(write_pack: WritePack) -> None:
    folder = write(
        write_pack,
        check("{kind: spc, dataset: juice, value: D, size: size, subgroup: sample, chart: p, exclude: [99]}"),
    )
    evaluation = evaluate(folder)
    assert any("exclude names '99'" in w for w in evaluation.warnings)


def test_many_characteristics_by_machine(write_pack: WritePack) -> None:
    (signals, capable) = run(
        write_pack,
        check("""{kind: spc, dataset: parts, value: value, subgroup: subgroup, chart: xbar_r,
                  characteristic: [machine, feature], by: machine, rules: [we1, we2]}""")
        + check("""{kind: spc, dataset: parts, value: value, subgroup: subgroup, chart: xbar_r,
                    characteristic: [machine, feature], spec: {lsl: lsl, usl: usl}, target: "cpk >= 1.0"}""").replace(
            "QC-1.1", "QC-1.2"
        ),
        period="2026-10",
    )
    assert signals.details["characteristics"] == 4
    assert all(key.startswith("M2|diameter|SG2") for key in signals.violating_keys)
    groups = {g.by["machine"]: g for g in signals.groups}
    assert (groups["M1"].value, groups["M1"].status) == (1.0, "pass")
    assert (groups["M2"].value, groups["M2"].status) == (0.5, "fail")
    assert signals.details["charts"][0]["key"] == "M2|diameter"  # the worst first
    assert signals.details["charts"][0]["group"] == {"machine": "M2", "feature": "diameter"}
    assert set(capable.violating_keys) == {"M1|length", "M2|length"}  # characteristics, not subgroups
    assert (capable.value, capable.population) == (0.5, 4)


def test_phase_two_limits_from_a_baseline_quarter(write_pack: WritePack) -> None:
    (r,) = run(
        write_pack,
        check(
            "{kind: spc, dataset: viscosity, value: viscosity, chart: imr, rules: nelson, phase: {baseline: 2026-Q1}}"
        ),
        period="2026-Q2",
    )
    (chart,) = r.details["charts"]
    assert (round(chart["lcl"], 2), round(chart["ucl"], 2), chart["points"]) == (32.57, 35.61, 15)
    assert r.violating_keys == ("29", "33", "34", "35")
    assert {(s["key"], s["rule"]) for s in chart["signals"]} == {
        ("29", "nelson6"), ("33", "nelson2"), ("34", "nelson2"), ("35", "nelson2"),
    }  # fmt: skip
    assert r.details["limits_from"] == "baseline"


def test_no_baseline_records_means_no_limits(write_pack: WritePack) -> None:
    folder = write(
        write_pack, check("{kind: spc, dataset: viscosity, value: viscosity, chart: imr, phase: {baseline: 2025-Q1}}")
    )
    evaluation = evaluate(folder, "2026-Q2")
    (r,) = evaluation.results
    assert (r.status, r.value, r.violations) == ("no_data", None, 0)
    assert r.details["charts"][0]["ucl"] is None
    assert any("no control limits (no baseline records)" in w for w in evaluation.warnings)


def test_phase_two_with_given_limits(write_pack: WritePack) -> None:
    (r,) = run(
        write_pack,
        check("""{kind: spc, dataset: viscosity, value: viscosity, chart: imr, rules: [we1],
                  phase: {limits: {center: 34.0, sigma: 0.2}}}"""),
        period="2026-Q2",
    )
    chart = r.details["charts"][0]
    assert (chart["center"], round(chart["ucl"], 6)) == (34.0, 34.6)
    assert r.status == "fail"


def test_ewma_and_cusum_kinds(write_pack: WritePack) -> None:
    ewma, cusum = run(
        write_pack,
        check("{kind: spc, dataset: viscosity, value: viscosity, chart: ewma, ewma: {lambda: 0.1, L: 2.7}}")
        + check("{kind: spc, dataset: viscosity, value: viscosity, chart: cusum, cusum: {k: 0.5, h: 4}}").replace(
            "QC-1.1", "QC-1.2"
        ),
    )
    assert ewma.details["charts"][0]["lambda"] == 0.1 and isinstance(ewma.details["charts"][0]["ucl"], list)
    assert ewma.details["rules"] == [] and set(ewma.details["signals"]) == {"ewma"}
    assert cusum.details["charts"][0]["ucl"] == 4.0 and set(cusum.details["signals"]) == {"cusum"}


def test_empty_period_is_no_data(write_pack: WritePack) -> None:
    (r,) = run(write_pack, check("{kind: spc, dataset: viscosity, value: viscosity, chart: imr}"), period="2025-01")
    assert (r.status, r.value, r.population, r.details["charts"]) == ("no_data", None, 0, [])


def test_zero_variation_has_no_capability_to_judge(write_pack: WritePack) -> None:
    flat = "id,machine,feature,subgroup,measured_at,value,lsl,usl\n" + "".join(
        f"{i},M1,d,SG{i // 5},2026-10-01 08:00:00,10.0,9,11\n" for i in range(20)
    )
    folder = write(
        write_pack,
        check("""{kind: spc, dataset: parts, value: value, subgroup: subgroup, chart: xbar_r,
                  spec: {lsl: 9, usl: 11}, target: "cpk >= 1.33"}"""),
    )
    (folder / "data" / "parts.csv").write_text(flat, encoding="utf-8")
    evaluation = evaluate(folder)
    (r,) = evaluation.results
    assert (r.status, r.value) == ("no_data", None)
    assert r.details["charts"][0]["capability"]["cpk"] is None
    assert any("no defined capability" in w for w in evaluation.warnings)


def test_subgroups_beyond_the_d2_table_are_an_error(write_pack: WritePack) -> None:
    (r,) = run(write_pack, check("{kind: spc, dataset: parts, value: value, subgroup: machine, chart: xbar_r}"))
    assert r.status == "error" and "xbar_s" in r.message  # 300 measurements per machine


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        ("{kind: spc, dataset: rings, value: diameter, subgroup: 5, chart: xbar_r, spec: {lsl: 74.05, usl: 73.95}}",
         "lsl (74.05) must be below usl (73.95)"),
        ("{kind: spc, dataset: parts, value: machine, subgroup: subgroup, chart: xbar_r}", "holds string values"),
        ("{kind: spc, dataset: rings, value: diameter, chart: xbar_r}", "needs subgroup"),
        ("{kind: spc, dataset: rings, value: diameter, subgroup: sample, chart: imr}", "individual values"),
        ("{kind: spc, dataset: rings, value: diameter, subgroup: 30, chart: xbar_r}", "2 to 25"),
        ("{kind: spc, dataset: rings, value: diameter, subgroup: 5, chart: xbar_r, rules: [nelson9]}", "unknown rule"),
        ("{kind: spc, dataset: rings, value: diameter, subgroup: 5, chart: xbar_r, target: 'cpk >= 1.33'}",
         "needs spec"),
        ("{kind: spc, dataset: rings, value: diameter, subgroup: 5, chart: xbar_r, target: 'cpk >> 1'}",
         "not an spc target"),
        ("{kind: spc, dataset: juice, value: D, chart: p}", "needs size"),
        ("{kind: spc, dataset: rings, value: diameter, chart: imr, phase: {baseline: 2026-Q1}}", "no time column"),
        ("{kind: spc, dataset: rings, value: diameter, chart: imr, by: sample}", "characteristic columns"),
    ],
)  # fmt: skip
def test_validation_errors_name_the_line(write_pack: WritePack, body: str, expected: str) -> None:
    with pytest.raises(PackError) as info:
        run(write_pack, check(body))
    assert expected in str(info.value)
    assert str(info.value).startswith("pack.yaml:")


def test_targets_generic_share_and_lists(write_pack: WritePack) -> None:
    generic, listed = run(
        write_pack,
        check("""{kind: spc, dataset: parts, value: value, subgroup: subgroup, chart: xbar_r,
                  characteristic: [machine, feature], rules: [we1], target: ">= 70%"}""")
        + check("""{kind: spc, dataset: parts, value: value, subgroup: subgroup, chart: xbar_r,
                    characteristic: [machine, feature], spec: {lsl: lsl, usl: usl},
                    target: "no signals, ppk >= 1.0, >= 25%"}""").replace("QC-1.1", "QC-1.2"),
        period="2026-10",
    )
    assert (generic.value, generic.status, generic.target) == (0.75, "pass", ">= 70%")
    assert (listed.status, listed.target) == ("pass", "no signals, ppk >= 1.0, >= 25%")


def test_sixsigma_dpmo_sigma_and_pareto(write_pack: WritePack) -> None:
    dpmo, sigma, pareto = run(
        write_pack,
        """
      - id: QC-2.1
        text: x
        check: {kind: sixsigma, dataset: lots, defects: defects, units: sample_size, opportunities: opportunities,
                target: "dpmo <= 8000", by: line, pareto: defect_type}
      - id: QC-2.2
        text: x
        check: {kind: sixsigma, dataset: lots, defects: defects, units: sample_size, opportunities: 8,
                target: "sigma >= 4", warn: "sigma >= 4.5"}
      - id: QC-2.3
        text: x
        check: {kind: sixsigma, dataset: lots, defects: defects, units: sample_size, target: "dpmo <= 100",
                pareto: {dataset: defects, column: defect_type}}
""",
    )
    # 10 defects in 80 x (8 + 8 + 5 + 5) = 2,080 opportunities
    assert dpmo.value == pytest.approx(10 / 2080 * 1e6) and dpmo.status == "pass"
    assert {g.by["line"]: g.value for g in dpmo.groups} == {"A": pytest.approx(1562.5), "B": pytest.approx(10000)}
    assert [(p["category"], p["count"]) for p in dpmo.details["pareto"]] == [("划伤", 5.0), ("毛刺", 5.0)]
    assert sigma.value == pytest.approx(4.16, abs=0.005) and sigma.status == "warn"  # 10 / 2,560: 3,906 DPMO
    assert sigma.unit == "number" and "sigma level" in sigma.message
    assert [p["category"] for p in pareto.details["pareto"]] == ["划伤", "毛刺", "砂眼"]
    assert pareto.status == "fail"


def test_sixsigma_needs_a_measure_in_its_target(write_pack: WritePack) -> None:
    with pytest.raises(PackError, match="sigma >= 4"):
        run(write_pack, check("{kind: sixsigma, dataset: lots, defects: defects, target: '>= 4'}"))


def test_spc_queries_transpile_to_spark(write_pack: WritePack, monkeypatch: Any) -> None:
    from guifan.engine import LocalRunner, load_pack
    from guifan.engine.periods import parse_period
    from guifan.engine.runner import DuckDBContext

    folder = write(
        write_pack,
        check("""{kind: spc, dataset: parts, value: value, subgroup: subgroup, chart: xbar_r,
                  characteristic: [machine, feature], spec: {lsl: lsl, usl: usl}, where: "value > 0"}""")
        + check("{kind: spc, dataset: viscosity, value: viscosity, chart: imr, phase: {baseline: 2026-Q1}}").replace(
            "QC-1.1", "QC-1.2"
        )
        + check("{kind: spc, dataset: rings, value: diameter, subgroup: 5, chart: xbar_s}").replace("QC-1.1", "QC-1.3")
        + check("""{kind: sixsigma, dataset: lots, defects: defects, units: sample_size, target: "sigma >= 3",
                    by: line, pareto: defect_type}""").replace("QC-1.1", "QC-1.4"),
    )
    seen: list[str] = []
    original = DuckDBContext.query

    def capture(self: DuckDBContext, sql: str, params: Any = ()) -> Any:
        seen.append(sql)
        return original(self, sql, params)

    monkeypatch.setattr(DuckDBContext, "query", capture)
    runner = LocalRunner(load_pack(folder))
    runner.prepare()
    try:
        evaluation = runner.run(parse_period("2026-Q2", runner.tz))
    finally:
        runner.close()
    assert all(r.status != "error" for r in evaluation.results)
    assert len(seen) >= 8
    for sql in seen:
        (spark,) = sqlglot.transpile(sql, read="duckdb", write="spark", unsupported_level=ErrorLevel.RAISE)
        assert spark


def test_schema_describes_the_new_targets() -> None:
    from guifan.engine.pack.model import Pack

    text = str(Pack.model_json_schema())
    assert "cpk >= 1.33" in text and "dpmo <= 6210" in text


def test_only_the_columns_the_checks_read_are_loaded(write_pack: WritePack) -> None:
    from guifan.engine import LocalRunner, load_pack
    from guifan.engine.periods import parse_period

    folder = write(
        write_pack,
        check("""{kind: spc, dataset: parts, value: value, chart: imr, characteristic: [machine],
                  where: "feature = 'diameter'", phase: {limits: {center: lsl, sigma: 0.02}}}""")
        + check("{kind: spc, dataset: rings, value: diameter, subgroup: sample, chart: xbar_r}").replace(
            "QC-1.1", "QC-1.2"
        )
        + check("""{kind: sixsigma, dataset: lots, defects: defects, units: sample_size, opportunities: 8,
                    target: "sigma >= 3", by: line, pareto: {dataset: defects, column: defect_type,
                    where: "lot <> 'L9'"}}""").replace("QC-1.1", "QC-1.3"),
    )
    runner = LocalRunner(load_pack(folder))
    try:
        runner.validate()
        # never read: parts' subgroup and usl, rings' trial, lots' units, opportunities and defect_type
        assert runner.read_columns() == {
            "parts": {"id", "measured_at", "value", "machine", "feature", "lsl"},
            "rings": {"diameter", "sample"},
            "lots": {"lot", "defects", "sample_size", "line"},
            "defects": {"defect_type", "lot"},
        }
        runner.prepare()
        evaluation = runner.run(parse_period("2026-10", runner.tz))
    finally:
        runner.close()
    assert all(r.status != "error" for r in evaluation.results), [r.message for r in evaluation.results]
