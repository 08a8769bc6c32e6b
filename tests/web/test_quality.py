"""Quality control in the web app: characteristics, charts, exclusions, capability, chart settings, access."""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import pytest
from django.urls import reverse

from guifan.engine import evaluate, load_pack
from guifan.engine.periods import parse_periods, zone
from guifan.web.core.models import AuditEntry
from guifan.web.measure import services as measure
from guifan.web.measure.models import Result
from guifan.web.quality import queries, services
from guifan.web.quality.models import Exclusion
from guifan.web.standards.models import Requirement, VersionStatus
from guifan.web.standards.packs import import_pack
from tests.engine.test_spc_check import DATA, parts_csv

from .conftest import client_for

pytestmark = pytest.mark.django_db(transaction=True)

PACK = """
guifan: 1
id: plant
title: Plant
timezone: Asia/Shanghai
datasets:
  rings:
    source: data/pistonrings.csv
    columns: {diameter: number, sample: integer, trial: boolean}
  parts:
    source: data/parts.csv
    key: id
    time: measured_at
  flat:
    source: data/flat.csv
    key: id
standards:
  - id: QC-1
    title: Quality
    category: quality
    owner: 客服部
    version: "1.0"
    status: effective
    effective: 2026-01-01
    requirements:
      - id: QC-1.1
        text: Piston rings in control and capable
        check: {kind: spc, dataset: rings, where: trial, value: diameter, subgroup: sample, chart: xbar_r,
                spec: {lsl: 73.95, usl: 74.05}, rules: nelson, target: [no signals, "cpk >= 1.33"]}
      - id: QC-1.2
        text: Parts in control
        check: {kind: spc, dataset: parts, value: value, subgroup: subgroup, chart: xbar_r,
                characteristic: [machine, feature], spec: {lsl: lsl, usl: usl}, rules: [we1, we2, we3, we4]}
      - id: QC-1.3
        text: A gauge that never moves
        check: {kind: spc, dataset: flat, value: value, chart: imr, spec: {lsl: 0.9, usl: 1.1}}
"""
M2 = "M2|diameter"


def write_plant(folder: Path) -> Path:
    (folder / "data").mkdir(parents=True)
    (folder / "pack.yaml").write_text(PACK.lstrip(), encoding="utf-8")
    (folder / "data" / "pistonrings.csv").write_text((DATA / "pistonrings.csv").read_text(), encoding="utf-8")
    (folder / "data" / "parts.csv").write_text(parts_csv(), encoding="utf-8")
    flat = "id,value\n" + "".join(f"{i},1.0\n" for i in range(12))
    (folder / "data" / "flat.csv").write_text(flat, encoding="utf-8")
    return folder


@pytest.fixture
def plant(users: dict[str, Any], tmp_path: Path) -> Path:
    folder = write_plant(tmp_path / "plant")
    import_pack(users["admin"], load_pack(folder))
    measure.start(users["manager"], parse_periods("2026-10", zone("Asia/Shanghai")))
    return folder


def result(code: str) -> Result:
    return Result.objects.get(requirement_code=code)


def chart_url(code: str, key: str, name: str = "quality-chart") -> str:
    return f"{reverse(name, args=[code])}?{urlencode({'key': key})}"


# --- numbers --------------------------------------------------------------------------------------------------


def test_chart_data_equals_the_stored_details_and_qcc(plant: Path) -> None:
    rings = queries.chart_data(result("QC-1.1"), "")
    (stored,) = result("QC-1.1").details["charts"]
    assert (rings["center"], rings["lcl"], rings["ucl"]) == (stored["center"], stored["lcl"], stored["ucl"])
    assert (round(rings["center"], 5), round(rings["lcl"], 5), round(rings["ucl"], 5)) == (74.00118, 73.98805, 74.0143)
    assert rings["capability"] == stored["capability"]
    assert round(rings["capability"]["cpk"], 3) == 1.663  # qcc's process.capability
    for chart in result("QC-1.2").details["charts"]:
        drawn = queries.chart_data(result("QC-1.2"), chart["key"])
        assert (drawn["center"], drawn["lcl"], drawn["ucl"], drawn["sigma"]) == (
            chart["center"], chart["lcl"], chart["ucl"], chart["sigma"])  # fmt: skip
        assert sum(len(f) for f in drawn["flags"]) == chart["signals_total"]


def test_excluding_a_subgroup_recomputes_the_limits_as_the_engine(plant: Path, users: dict[str, Any]) -> None:
    before = queries.chart_data(result("QC-1.2"), M2)
    services.exclude(users["dept"], "QC-1.2", M2, "SG29", "tool changed after a crash")
    services.exclude(users["dept"], "QC-1.2", M2, "SG28", "tool changed after a crash")
    after = queries.chart_data(result("QC-1.2"), M2)
    assert after["ucl"] != before["ucl"] and after["excluded"] == ["SG28", "SG29"]
    # exactly what the engine computes with exclude in the check
    with tempfile.TemporaryDirectory() as tmp:
        folder = write_plant(Path(tmp))
        text = (
            (folder / "pack.yaml")
            .read_text()
            .replace(
                "rules: [we1, we2, we3, we4]}",
                "rules: [we1, we2, we3, we4], exclude: ['M2|diameter|SG28', 'M2|diameter|SG29']}",
            )
        )
        (folder / "pack.yaml").write_text(text)
        engine = next(r for r in evaluate(folder, "2026-10").results if r.requirement == "QC-1.2")
    expected = next(c for c in engine.details["charts"] if c["key"] == M2)
    assert (after["center"], after["lcl"], after["ucl"]) == (expected["center"], expected["lcl"], expected["ucl"])
    # and in the next evaluation
    measure.start(users["manager"], parse_periods("2026-10", zone("Asia/Shanghai")))
    latest = Result.objects.filter(requirement_code="QC-1.2").order_by("-evaluation__created").first()
    assert latest is not None and "M2|diameter|SG29" in latest.details["excluded"]
    stored = next(c for c in latest.details["charts"] if c["key"] == M2)
    assert stored["ucl"] == expected["ucl"]
    assert AuditEntry.objects.filter(action="exclude subgroup").count() == 2


def test_a_drawing_is_cached_until_its_check_exclusions_or_data_change(
    plant: Path, users: dict[str, Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    from guifan.engine.spc import points

    pack = queries.requirement_pack("QC-1.2")
    assert [r["id"] for s in pack["standards"] for r in s["requirements"]] == ["QC-1.2"]
    assert list(pack["datasets"]) == ["parts"]
    drawn: list[str] = []
    original = points.chart_points

    def counting(*args: Any, **kwargs: Any) -> Any:
        drawn.append(args[3])
        return original(*args, **kwargs)

    monkeypatch.setattr(points, "chart_points", counting)
    first = queries.chart_data(result("QC-1.2"), M2)
    assert queries.chart_data(result("QC-1.2"), M2) == first and len(drawn) == 1
    queries.chart_data(result("QC-1.2"), "M1|diameter")
    assert len(drawn) == 2  # another characteristic is another drawing
    services.exclude(users["dept"], "QC-1.2", M2, "SG29", "tool changed after a crash")
    assert queries.chart_data(result("QC-1.2"), M2)["excluded"] == ["SG29"] and len(drawn) == 3
    data = plant / "data" / "parts.csv"
    data.write_text(data.read_text(encoding="utf-8").replace(",SG29,", ",SG31,"), encoding="utf-8")
    assert "SG31" in queries.chart_data(result("QC-1.2"), M2)["points"]["key"] and len(drawn) == 4


def test_capability_page_shows_the_engines_indices(plant: Path, users: dict[str, Any]) -> None:
    page = client_for(users["staff"]).get(chart_url("QC-1.1", "", "quality-capability"))
    assert page.status_code == 200
    cap = result("QC-1.1").details["charts"][0]["capability"]
    text = page.content.decode()
    for name in ("cp", "cpk", "cpm", "pp", "ppk"):
        assert f"{cap[name]:.2f}" in text


def test_indices_keep_their_sign_unless_they_round_to_zero() -> None:
    from guifan.web.quality.templatetags.quality import index, limit, ppm, short

    assert (index(-0.001), index(-0.004999), index(0.0), index(-0.0)) == ("0.00", "0.00", "0.00", "0.00")
    assert (index(-0.005001), index(-1.234), index(1.337)) == ("-0.01", "-1.23", "1.34")
    assert (index(None), index(float("nan")), index(float("inf"))) == ("—", "—", "—")
    assert (limit(-0.0), limit(-1e-9), short(-0.0), ppm(-0.2), ppm(-1234.6)) == ("0", "-1e-09", "0", "0", "-1,235")


def test_zero_variation_is_undefined_not_infinite(plant: Path, users: dict[str, Any]) -> None:
    data = queries.chart_data(result("QC-1.3"), "")
    assert data["capability"]["cpk"] is None and data["capability"]["ppk"] is None
    assert data["curves"] == {}
    page = client_for(users["manager"]).get(chart_url("QC-1.3", "", "quality-capability"))
    text = page.content.decode()
    assert page.status_code == 200 and "Infinity" not in text and "NaN" not in text and "inf</" not in text
    assert client_for(users["manager"]).get(chart_url("QC-1.3", "")).status_code == 200


def test_exclusions_go_into_the_pack_for_evaluation(plant: Path, users: dict[str, Any]) -> None:
    services.exclude(users["manager"], "QC-1.2", M2, "SG01", "gauge not zeroed")
    services.exclude(users["manager"], "QC-1.1", "", "7", "new operator")
    with tempfile.TemporaryDirectory() as tmp:
        loaded = measure.write_pack(Path(tmp))
    checks = {r.id: r.check for _, _, _, r in loaded.pack.requirements()}
    assert checks["QC-1.2"].exclude == ["M2|diameter|SG01"]
    assert checks["QC-1.1"].exclude == ["7"]
    assert checks["QC-1.3"].exclude == []


# --- pages ----------------------------------------------------------------------------------------------------


def test_characteristics_worst_first_and_filtered(plant: Path, users: dict[str, Any]) -> None:
    rows = queries.characteristic_rows(users["manager"])
    assert rows[0].key == M2 and rows[0].signals > 0
    found = {r.key for r in queries.characteristic_rows(users["manager"], "QC-1.2", "m1")}
    assert found == {"M1|diameter", "M1|length"}
    page = client_for(users["staff"]).get(reverse("quality-characteristics"), {"requirement": "QC-1.2"})
    text = page.content.decode()
    assert page.status_code == 200 and "M2 · diameter" in text and "QC-1.1" in text


def test_chart_page_names_the_broken_rules(plant: Path, users: dict[str, Any]) -> None:
    page = client_for(users["staff"]).get(chart_url("QC-1.2", M2))
    text = page.content.decode()
    assert page.status_code == 200
    assert "Western Electric rule 1: one point beyond the 3σ control limits" in text
    assert 'id="chart-data"' in text and "plotly/plotly.min.js" in text
    chinese = client_for(users["staff"], "zh-hans").get(chart_url("QC-1.2", M2)).content.decode()
    assert "西电规则1：一点超出3σ控制限" in chinese


def test_every_signal_is_reached_page_by_page_or_by_rule(
    plant: Path, users: dict[str, Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    from guifan.web.quality import views

    monkeypatch.setattr(views, "SIGNALS_PER_PAGE", 2)
    flags = queries.chart_data(result("QC-1.2"), M2)["flags"]
    keys = queries.chart_data(result("QC-1.2"), M2)["points"]["key"]
    flagged = [k for k, rules in zip(keys, flags, strict=True) if rules]
    assert len(flagged) > 2
    client = client_for(users["dept"])
    seen: list[str] = []
    for number in range(1, (len(flagged) + 1) // 2 + 1):
        page = client.get(chart_url("QC-1.2", M2) + f"&page={number}")
        seen += [s["subgroup"] for s in page.context["signals"]]
        text = page.content.decode()
        assert text.count(f'name="key" value="{M2}|') == len(page.context["signals"])  # a finding button each
    assert seen == flagged[::-1]  # the latest first, each once
    by_rule = {rule for rules in flags for rule in rules}
    rule = sorted(by_rule)[0]
    page = client.get(chart_url("QC-1.2", M2) + f"&rule={rule}")
    expected = [k for k, rules in zip(keys, flags, strict=True) if rule in rules][::-1]
    assert [s["subgroup"] for s in page.context["signals"]] == expected[:2]
    assert page.context["page"].paginator.count == len(expected)
    assert f'<option value="{rule}" selected>' in page.content.decode()


def test_exclude_and_take_back_through_the_page(plant: Path, users: dict[str, Any]) -> None:
    client = client_for(users["dept"])
    url = reverse("quality-exclusion-add", args=["QC-1.2"])
    missing = client.post(url, {"characteristic": M2, "subgroup": "SG29", "reason": ""}, follow=True)
    assert "Reason" in missing.content.decode() and not Exclusion.objects.exists()
    client.post(url, {"characteristic": M2, "subgroup": "SG29", "reason": "crash"})
    exclusion = Exclusion.objects.get()
    assert (exclusion.created_by, exclusion.exclude_key) == (users["dept"], "M2|diameter|SG29")
    page = client.get(chart_url("QC-1.2", M2)).content.decode()
    assert "crash" in page
    client.post(reverse("quality-exclusion-delete", args=[exclusion.pk]))
    assert not Exclusion.objects.exists()
    assert AuditEntry.objects.filter(action="include subgroup").exists()


def test_settings_editor_writes_a_draft_with_field_errors(plant: Path, users: dict[str, Any]) -> None:
    client = client_for(users["manager"])
    url = reverse("quality-settings", args=["QC-1.2"])
    form = {"chart": "xbar_s", "rules": ["nelson"], "subgroup": "subgroup", "characteristic": "machine, feature",
            "lsl": "nope", "usl": "usl", "target": "", "phase": "I"}  # fmt: skip
    bad = client.post(url, form | {"lsl": "2", "usl": "1", "phase": "baseline", "baseline": "2026-13"})
    errors = bad.context["form"].errors
    assert bad.status_code == 200 and "must be below usl" in errors["lsl"][0]
    assert "not a valid period" in errors["baseline"][0]
    assert not Requirement.objects.filter(version__status=VersionStatus.DRAFT).exists()
    good = client.post(url, form | {"lsl": "9.9"})
    assert good.status_code == 302
    draft = Requirement.objects.get(code="QC-1.2", version__status=VersionStatus.DRAFT)
    assert draft.check_spec["chart"] == "xbar_s" and draft.check_spec["rules"] == ["nelson"]
    assert draft.check_spec["spec"] == {"lsl": 9.9, "usl": "usl"} and draft.check_spec["dataset"] == "parts"
    effective = Requirement.objects.get(code="QC-1.2", version__status=VersionStatus.EFFECTIVE)
    assert effective.check_spec["chart"] == "xbar_r"  # approved versions never change
    assert AuditEntry.objects.filter(action="edit requirement").exists()


def test_settings_check_column_names_against_the_files_header(plant: Path, users: dict[str, Any]) -> None:
    """parts declares no columns: the names are checked against its CSV header, each error at its field."""
    client = client_for(users["manager"])
    url = reverse("quality-settings", args=["QC-1.2"])
    form = {"chart": "xbar_r", "rules": ["we"], "subgroup": "subgrp", "characteristic": "machine, featur",
            "lsl": "lls", "usl": "usl", "target": "", "phase": "limits", "center": "centre",
            "sigma": "0.1"}  # fmt: skip
    errors = client.post(url, form).context["form"].errors
    assert "no column 'subgrp' (did you mean 'subgroup'?)" in errors["subgroup"][0]
    assert "no column 'featur' (did you mean 'feature'?)" in errors["characteristic"][0]
    assert "no column 'lls' (did you mean 'lsl'?)" in errors["lsl"][0]
    assert "no column 'centre'" in errors["center"][0]
    assert "__all__" not in errors and "usl" not in errors
    assert not Requirement.objects.filter(version__status=VersionStatus.DRAFT).exists()
    fixed = form | {"subgroup": "subgroup", "characteristic": "machine, feature", "lsl": "lsl", "phase": "I"}
    assert client.post(url, fixed).status_code == 302


def test_settings_are_read_only_without_catalogue_rights(plant: Path, users: dict[str, Any]) -> None:
    url = reverse("quality-settings", args=["QC-1.2"])
    page = client_for(users["readonly"]).get(url)
    assert page.status_code == 200 and "Save to draft" not in page.content.decode()
    assert client_for(users["readonly"]).post(url, {"chart": "xbar_s", "phase": "I"}).status_code == 403


# --- access matrix --------------------------------------------------------------------------------------------

# role: (sees QC-1 (owned by 客服部), may exclude / edit settings)
ROLES = {
    "admin": (True, True),
    "manager": (True, True),
    "dept": (True, True),
    "dept_it": (False, False),
    "auditor": (True, False),
    "staff": (True, False),
    "readonly": (True, False),
}


@pytest.mark.parametrize("role", list(ROLES))
def test_access_matrix(plant: Path, users: dict[str, Any], role: str) -> None:
    sees, changes = ROLES[role]
    client = client_for(users[role])
    seen = 200 if sees else 404
    listing = client.get(reverse("quality-characteristics")).content.decode()
    assert ("M2 · diameter" in listing) == sees
    assert client.get(chart_url("QC-1.2", M2)).status_code == seen
    assert client.get(chart_url("QC-1.2", M2, "quality-capability")).status_code == seen
    assert client.get(reverse("quality-settings", args=["QC-1.2"])).status_code == seen
    settings_form = client.get(reverse("quality-settings", args=["QC-1.2"])).content.decode()
    assert ("Save to draft" in settings_form) == changes
    add = client.post(reverse("quality-exclusion-add", args=["QC-1.2"]),
                      {"characteristic": M2, "subgroup": "SG03", "reason": "r"})  # fmt: skip
    assert add.status_code == (302 if changes else 403 if sees else 404)
    assert Exclusion.objects.filter(subgroup="SG03").exists() == changes
    # the API, scoped the same way
    api = client.get("/api/spc-characteristics/").json()
    assert (api["count"] > 0) == sees
    chart = client.get("/api/spc-charts/", {"requirement": "QC-1.2", "key": M2})
    assert chart.status_code == seen
    if sees:
        assert chart.json()["ucl"] == next(c for c in result("QC-1.2").details["charts"] if c["key"] == M2)["ucl"] or (
            chart.json()["excluded"] == ["SG03"])  # fmt: skip
    created = client.post("/api/spc-exclusions/", {"requirement_code": "QC-1.2", "characteristic": M2,
                                                  "subgroup": "SG04", "reason": "r"})  # fmt: skip
    assert created.status_code == (201 if changes else 403 if sees else 404)
    other = Exclusion.objects.create(requirement_code="QC-1.2", characteristic=M2, subgroup="SG05", reason="x")
    listed = client.get("/api/spc-exclusions/").json()
    assert (other.pk in {e["id"] for e in listed["results"]}) == sees
    deleted = client.delete(f"/api/spc-exclusions/{other.pk}/")
    assert deleted.status_code == (204 if changes else 403 if sees else 404)
    gone = client.post(reverse("quality-exclusion-delete", args=[other.pk]))
    assert gone.status_code == (404 if changes else 403 if sees else 404)


def test_api_requires_login(plant: Path) -> None:
    from django.test import Client

    assert Client().get("/api/spc-characteristics/").status_code in (401, 403)
    assert Client().get(reverse("quality-characteristics")).status_code == 302


def test_api_exclusion_needs_a_reason(plant: Path, users: dict[str, Any]) -> None:
    response = client_for(users["manager"]).post(
        "/api/spc-exclusions/", {"requirement_code": "QC-1.2", "characteristic": M2, "subgroup": "SG04", "reason": " "}
    )
    assert response.status_code == 400 and "reason" in response.json()


def test_a_signal_opens_a_finding_in_one_click(plant: Path, users: dict[str, Any]) -> None:
    from guifan.web.improvement.models import Finding

    client = client_for(users["dept"])
    page = client.get(chart_url("QC-1.2", M2)).content.decode()
    assert page.count(reverse("finding-from-result", args=[result("QC-1.2").pk])) >= 2  # the page and each signal
    key = f"{M2}|{result('QC-1.2').details['charts'][0]['signals'][0]['key'].rsplit('|', 1)[1]}"
    client.post(reverse("finding-from-result", args=[result("QC-1.2").pk]), {"key": key, "source": "signal"})
    finding = Finding.objects.get()
    assert (finding.source, finding.key, finding.requirement_code) == ("signal", key, "QC-1.2")
    again = client.get(chart_url("QC-1.2", M2)).content.decode()
    assert reverse("finding-detail", args=[finding.pk]) in again  # the open finding, not a second one
    readonly = client_for(users["readonly"]).get(chart_url("QC-1.2", M2)).content.decode()
    assert reverse("finding-from-result", args=[result("QC-1.2").pk]) not in readonly


# --- the result page and addresses without a characteristic ---------------------------------------------------


def test_spc_result_page_lists_flagged_characteristics_not_records(plant: Path, users: dict[str, Any]) -> None:
    parts = result("QC-1.2")
    flagged = [c for c in parts.details["charts"] if c["signals_total"] or c["meets_target"] is False]
    assert parts.violations and flagged
    page = client_for(users["manager"]).get(reverse("result-detail", args=[parts.pk])).content.decode()
    assert "Violating records" not in page and "Flagged characteristics" in page
    for chart in flagged:
        query = urlencode({"key": chart["key"], "evaluation": str(parts.evaluation_id)}).replace("&", "&amp;")
        assert f'{reverse("quality-chart", args=["QC-1.2"])}?{query}"' in page
        assert f'{reverse("quality-capability", args=["QC-1.2"])}?{query}"' in page
    assert '<details class="card" style="margin-top:16px">' in page  # the long details start collapsed
    rings = client_for(users["manager"]).get(reverse("result-detail", args=[result("QC-1.1").pk])).content.decode()
    assert "<td>74.0012</td>" in rings  # the centre line with its digits (74.00118), not 74


def test_chart_without_a_key_opens_the_worst_characteristic(plant: Path, users: dict[str, Any]) -> None:
    client = client_for(users["manager"])
    parts = result("QC-1.2")
    worst = parts.details["charts"][0]["key"]
    for name in ("quality-chart", "quality-capability"):
        response = client.get(reverse(name, args=["QC-1.2"]))
        assert response.status_code == 302
        assert response["Location"] == f"{reverse(name, args=['QC-1.2'])}?" + urlencode(
            {"key": worst, "evaluation": parts.evaluation_id})  # fmt: skip
    assert client.get(reverse("quality-chart", args=["QC-1.1"]))["Location"].endswith("?key=&evaluation=" + str(
        result("QC-1.1").evaluation_id))  # fmt: skip
    assert client.get(chart_url("QC-1.1", "")).status_code == 200  # no characteristic columns: the empty key
    Result.objects.filter(pk=parts.pk).update(details={"charts": []})
    listed = client.get(reverse("quality-chart", args=["QC-1.2"]))
    assert listed["Location"] == f"{reverse('quality-characteristics')}?requirement=QC-1.2"


@pytest.mark.parametrize("language", ["en", "zh-hans"])
def test_no_points_is_said_in_the_readers_language(plant: Path, users: dict[str, Any], language: str) -> None:
    client = client_for(users["manager"], language)
    for name in ("quality-chart", "quality-capability"):
        response = client.get(chart_url("QC-1.2", "M9|nothing", name))
        page = response.content.decode()
        assert response.status_code == 200 and "'M9|nothing'" not in page  # not the engine's English
        said = "“M9|nothing” has no points in 2026-10." if language == "en" else "“M9|nothing”在 2026-10 没有数据点。"
        assert said in page
        assert f"{reverse('quality-characteristics')}?requirement=QC-1.2" in page
