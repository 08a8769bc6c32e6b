"""``guifan.engine.spc.points``: one characteristic's chart, point by point, as the check judged it."""

from __future__ import annotations

import json
from zoneinfo import ZoneInfo

import pytest

from guifan.engine import InputError, evaluate, load_pack
from guifan.engine.periods import parse_period
from guifan.engine.spc.points import analyse_requirement, characteristic_points, chart_points, normal_curves

from .conftest import WritePack
from .test_spc_check import check, write

RINGS = """{kind: spc, dataset: rings, where: trial, value: diameter, subgroup: sample, chart: xbar_r,
            spec: {lsl: 73.95, usl: 74.05}, rules: nelson}"""
PARTS = """{kind: spc, dataset: parts, value: value, subgroup: subgroup, chart: xbar_r,
            characteristic: [machine, feature], spec: {lsl: lsl, usl: usl}, rules: [we1, we2, we3, we4]}"""
OCTOBER = parse_period("2026-10", ZoneInfo("Asia/Shanghai"))


def test_piston_rings_points_and_limits_as_qcc(write_pack: WritePack) -> None:
    """Montgomery's Example 6.1 / qcc: the trial limits, the R chart and the capability of the 25 samples."""
    loaded = load_pack(write(write_pack, check(RINGS)))
    data = chart_points(loaded, "QC-1.1", OCTOBER, "")
    assert len(data["points"]["stat"]) == 25 and data["points"]["key"][:3] == ["1", "2", "3"]
    assert round(data["points"]["stat"][0], 4) == 74.0102  # sample 1: mean of 74.030, 74.002, 74.019, 73.992, 74.008
    assert (round(data["center"], 5), round(data["lcl"], 5), round(data["ucl"], 5)) == (74.00118, 73.98805, 74.0143)
    assert round(data["secondary"]["ucl"], 8) == 0.04812533 and data["secondary"]["name"] == "r"
    assert round(data["capability"]["cpk"], 3) == 1.663 and round(data["capability"]["ppk"], 3) == 1.616
    assert len(data["measurements"]) == 125 and not any(data["flags"])
    assert data["ppm"]["observed_total"] == 0.0


def test_points_equal_the_stored_details(write_pack: WritePack) -> None:
    folder = write(write_pack, check(PARTS))
    (result,) = evaluate(folder, "2026-10").results
    loaded = load_pack(folder)
    for stored in result.details["charts"]:
        drawn = chart_points(loaded, "QC-1.1", OCTOBER, stored["key"])
        for name in ("center", "lcl", "ucl", "sigma", "capability", "group"):
            assert drawn[name] == stored[name], name
        assert {k: drawn["secondary"][k] for k in ("center", "lcl", "ucl")} == stored["secondary"]
        flagged = {(f"{stored['key']}|{k}", rule) for k, rules in zip(drawn["points"]["key"], drawn["flags"],
                                                                        strict=True) for rule in rules}  # fmt: skip
        assert flagged == {(s["key"], s["rule"]) for s in stored["signals"]}


def test_excluded_subgroups_are_drawn_but_left_out_of_the_limits(write_pack: WritePack) -> None:
    folder = write(write_pack, check(PARTS[:-1] + ", exclude: ['M2|diameter|SG25', 'M2|diameter|SG29']}"))
    (result,) = evaluate(folder, "2026-10").results
    stored = next(c for c in result.details["charts"] if c["key"] == "M2|diameter")
    drawn = chart_points(load_pack(folder), "QC-1.1", OCTOBER, "M2|diameter")
    assert drawn["excluded"] == ["SG25", "SG29"]
    assert len(drawn["points"]["key"]) == 30 and sum(drawn["points"]["excluded"]) == 2
    assert (drawn["center"], drawn["ucl"]) == (stored["center"], stored["ucl"])
    assert stored["points"] == 28
    assert len(drawn["measurements"]) == 28 * 5  # capability reads the charted subgroups only


@pytest.mark.parametrize(
    "body",
    [
        PARTS[:-1] + ", exclude: ['M2|diameter|SG25', SG03, 'M1|length|SG99']}",
        """{kind: spc, dataset: parts, value: value, subgroup: subgroup, chart: ewma,
            characteristic: [machine, feature], phase: {baseline: 2026-W41}, exclude: ['M1|diameter|SG02']}""",
        """{kind: spc, dataset: parts, value: value, chart: imr, characteristic: [feature, machine],
            phase: {limits: {center: lsl, sigma: 0.05}}, spec: {lsl: lsl, usl: usl, target: 10}, where: "id > 'M1'"}""",
        """{kind: spc, dataset: rings, value: diameter, subgroup: sample, chart: xbar_s, characteristic: [trial],
            spec: {lsl: 73.95, usl: 74.05}}""",
    ],
)
def test_one_characteristic_read_alone_is_drawn_as_in_the_whole_analysis(write_pack: WritePack, body: str) -> None:
    """Reading only a characteristic's records (and baseline records) changes nothing in its chart: phase,
    exclusions, spec and limit columns, and keys of any column type (a boolean here) are the same."""
    loaded = load_pack(write(write_pack, check(body)))
    spec, whole = analyse_requirement(loaded, "QC-1.1", OCTOBER)
    assert len(whole.found.labels) >= 2
    for key in whole.found.labels:
        alone = chart_points(loaded, "QC-1.1", OCTOBER, key)
        assert json.dumps(alone, sort_keys=True) == json.dumps(characteristic_points(spec, whole, key), sort_keys=True)
    _, done = analyse_requirement(loaded, "QC-1.1", OCTOBER, characteristic=whole.found.labels[-1])
    assert done.found.labels == [whole.found.labels[-1]]


def test_unknown_characteristic_is_an_input_error(write_pack: WritePack) -> None:
    loaded = load_pack(write(write_pack, check(PARTS)))
    with pytest.raises(InputError, match="no points"):
        chart_points(loaded, "QC-1.1", OCTOBER, "M9|diameter")


def test_zero_variation_has_no_curve_and_no_index(write_pack: WritePack) -> None:
    assert normal_curves(1.0, {"within": 0.0, "overall": None}, [1.0, 1.0], {"lsl": 0.0, "usl": 2.0}) == {}
    curves = normal_curves(0.0, {"within": 1.0}, [], None, points=5)
    assert curves["within"]["x"] == [-3.5, -1.75, 0.0, 1.75, 3.5]
    assert curves["within"]["y"][2] == pytest.approx(0.3989423, abs=1e-7)
