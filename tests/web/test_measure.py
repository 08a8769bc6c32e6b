"""Evaluations from the web app: results stored, pages and downloads show the records behind them."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from guifan.engine.periods import parse_periods, zone
from guifan.web.measure import services
from guifan.web.measure.models import Evaluation, Result

from .conftest import client_for

pytestmark = pytest.mark.django_db(transaction=True)


def run(user: Any, text: str = "2026-09..2026-10") -> list[Evaluation]:
    return services.start(user, parse_periods(text, zone("Asia/Shanghai")))


def test_evaluation_stores_results(catalogue: Path, users: dict[str, Any]) -> None:
    evaluations = run(users["manager"])
    for evaluation in evaluations:
        evaluation.refresh_from_db()
        assert evaluation.state == "done", evaluation.error
        assert evaluation.results.count() == 4
    result = Result.objects.get(evaluation=evaluations[1], requirement_code="CS-001.1")
    assert result.status in ("pass", "warn", "fail")
    assert result.requirement is not None and result.standard.code == "CS-001"
    assert result.groups.count() == 2


def test_staff_cannot_run(catalogue: Path, users: dict[str, Any]) -> None:
    with pytest.raises(PermissionDenied):
        run(users["staff"])


def test_pages_render_and_show_records(catalogue: Path, users: dict[str, Any]) -> None:
    run(users["manager"])
    client = client_for(users["manager"])
    assert client.get(reverse("dashboard")).status_code == 200
    failing = Result.objects.filter(violations__gt=0).first()
    assert failing is not None
    page = client.get(reverse("result-detail", args=[failing.pk]))
    assert page.status_code == 200
    text = page.content.decode()
    assert failing.violating_keys[0] in text
    csv_body = client.get(reverse("result-download", args=[failing.pk, "csv"])).content.decode("utf-8-sig")
    assert csv_body.splitlines()[0].startswith(("ticket_id", "employee_id"))
    assert len(csv_body.strip().splitlines()) == failing.violations + 1
    xlsx = client.get(reverse("result-download", args=[failing.pk, "xlsx"]))
    assert xlsx.content[:2] == b"PK"


def test_results_are_scoped_to_the_users_unit(catalogue: Path, users: dict[str, Any]) -> None:
    run(users["manager"], "2026-10")
    it_result = Result.objects.get(requirement_code="DM-001.1")
    service_result = Result.objects.get(requirement_code="CS-001.1")
    client = client_for(users["dept"])  # 客服部
    assert client.get(reverse("result-detail", args=[service_result.pk])).status_code == 200
    assert client.get(reverse("result-detail", args=[it_result.pk])).status_code == 404
    api = client.get("/api/results/").json()
    codes = {r["requirement"] for r in api["results"]}
    assert "CS-001.1" in codes and "DM-001.1" not in codes


def test_bad_period_is_a_form_error(catalogue: Path, users: dict[str, Any]) -> None:
    response = client_for(users["manager"]).post(reverse("evaluation-list"), {"periods": "2026-13"})
    assert response.status_code == 200
    assert "not a valid period" in response.content.decode() or "not a period" in response.content.decode()
    assert not Evaluation.objects.exists()


def test_the_catalogue_itself_is_measurable(catalogue: Path, users: dict[str, Any]) -> None:
    """An organization requirement on the app's own RACI data: every standard has an Accountable."""
    from guifan.web.org.models import Person, Raci
    from guifan.web.standards import services as catalogue_services
    from guifan.web.standards.models import Standard

    person = Person.objects.create(code="E1", name="张伟")
    Raci.objects.create(standard=Standard.objects.get(code="CS-001"), letter="A", person=person)
    draft = catalogue_services.new_draft(users["manager"], Standard.objects.get(code="DM-001").current)
    from guifan.web.standards.forms import RequirementForm

    check = (
        "kind: coverage\npopulation: {dataset: guifan_standards}\n"
        "records: {dataset: guifan_raci, where: \"letter = 'A'\", match: {code: standard}}\n"
    )
    form = RequirementForm({"code": "DM-001.9", "text": "每个标准都有问责人", "severity": "major", "check_yaml": check})
    assert form.is_valid(), form.errors
    catalogue_services.save_requirement(users["manager"], draft, form)
    catalogue_services.submit(users["manager"], draft)
    catalogue_services.approve(users["manager2"], draft)
    catalogue_services.make_effective(users["manager2"], draft)
    (evaluation,) = run(users["manager"], "2026-10")
    result = Result.objects.get(evaluation=evaluation, requirement_code="DM-001.9")
    assert (result.population, result.violations) == (3, 2)
    assert sorted(result.violating_keys) == ["DM-001", "TR-001"]
    # the result page re-measures it on a pack narrowed to this requirement, with the app's datasets it reads
    page = client_for(users["manager"]).get(f"/results/{result.pk}/").content.decode()
    assert "records_error" not in page and "TR-001" in page and "guifan_standards" in page


def test_a_narrowed_pack_holds_one_requirement_and_only_the_data_it_reads(catalogue: Path, tmp_path: Path) -> None:
    (tmp_path / "one").mkdir()
    (tmp_path / "all").mkdir()
    loaded = services.write_pack(tmp_path / "one", only="CS-001.1")
    assert [r.id for *_, r in loaded.pack.requirements()] == ["CS-001.1"]
    assert not (tmp_path / "one" / "app").exists()  # CS-001.1 reads no app dataset
    everything = services.write_pack(tmp_path / "all")
    assert len(list(everything.pack.requirements())) > 1 and (tmp_path / "all" / "app").exists()


def test_evaluations_can_be_started_from_the_command_line(catalogue: Path, users: dict[str, Any]) -> None:
    import io

    from django.core.management import CommandError, call_command

    out = io.StringIO()
    call_command("evaluate", "2026-09..2026-10", user="manager", stdout=out)
    assert out.getvalue().splitlines()[0].startswith("2026-09: done pass")
    assert Evaluation.objects.filter(state="done").count() == 2
    with pytest.raises(CommandError, match=r"not a (valid )?period"):
        call_command("evaluate", "2026-13", user="manager")
    with pytest.raises(CommandError, match="no account"):
        call_command("evaluate", "2026-10", user="nobody")


def test_details_render_as_escaped_tables() -> None:
    from guifan.web.core.templatetags.guifan import details_table

    html = str(details_table({"rules": [{"rule": "<script>x</script>", "violations": 3}], "percentiles": {"p50": 1.5}}))
    assert "<script>" not in html and "&lt;script&gt;" in html
    assert "<th>rule</th>" in html and "<td>3</td>" in html and "p50" in html


def test_sla_result_shows_the_what_if_curve(starter_dir: Path, users: dict[str, Any]) -> None:
    from guifan.engine import load_pack
    from guifan.web.standards.packs import import_pack

    text = (starter_dir / "pack.yaml").read_text(encoding="utf-8")
    text = text.replace(
        "datasets:\n",
        "calendars:\n  office:\n    week: {mon: ['09:00-18:00'], tue: ['09:00-18:00'],"
        " wed: ['09:00-18:00'], thu: ['09:00-18:00'], fri: ['09:00-18:00']}\ndatasets:\n",
        1,
    )
    text += """
  - id: CS-009
    title: 响应时限
    category: customer_service
    requirements:
      - id: CS-009.1
        text: 8个工作小时内首次响应
        check: {kind: sla, dataset: tickets, start: created_at, stop: first_response_at, calendar: office,
                limit: 8h, target: ">= 90%"}
"""
    (starter_dir / "pack.yaml").write_text(text, encoding="utf-8")
    import_pack(users["admin"], load_pack(starter_dir))
    run(users["manager"], "2026-10")
    result = Result.objects.get(requirement_code="CS-009.1")
    page = client_for(users["manager"]).get(f"/results/{result.pk}/").content.decode()
    assert 'id="curve-data"' in page and '"limit": "8h"' in page.replace("\\u0022", '"')


def test_details_read_in_the_readers_language() -> None:
    from django.utils import translation

    from guifan.web.core.templatetags.guifan import details_table

    details = {"violating_keys_truncated": False, "cases": [{"case": "C1", "cpk": 1.2}]}
    assert "<th>more violating records not shown</th><td>no</td>" in str(details_table(details))
    with translation.override("zh-hans"):
        html = str(details_table(details))
    assert "<th>案例</th>" in html and "<td>否</td>" in html and "<th>cpk</th>" in html


# keys the demo writes only in some data: an sla's records without a start, or with no limit for their value
CONDITIONAL_KEYS = {"sla": {"missing_start", "no_limit"}}


def test_every_details_key_of_every_kind_has_a_translated_label(tmp_path: Path) -> None:
    from django.utils import translation

    from guifan.demo.generator import generate_demo
    from guifan.engine import evaluate
    from guifan.web.core.templatetags.guifan import detail_label

    pack = generate_demo(tmp_path / "demo", scale=0.05).parent
    keys: dict[str, set[str]] = {}
    for result in evaluate(pack, "2026-10").results:
        keys.setdefault(result.kind or "", set()).update(result.details)
    for kind, more in CONDITIONAL_KEYS.items():
        keys[kind] |= more
    assert {"spc", "sla", "coverage", "sixsigma", "sequence", "data_quality"} <= set(keys)
    assert "expired" in keys["coverage"] and "sigma" in keys["sixsigma"]
    unlabelled = {(kind, key) for kind, found in keys.items() for key in found if detail_label(key, top=True) is None}
    assert not unlabelled
    english = {key: detail_label(key, top=True) for found in keys.values() for key in found}
    with translation.override("zh-hans"):
        chinese = {key: detail_label(key, top=True) for key in english}
    assert not {key for key in english if chinese[key] == english[key]}  # every one translated
    assert english["expired"] != "expired" and english["sigma"] == "sigma level"
    assert detail_label("sigma") is None  # deeper down (a chart's sigma) the statistical symbol stays


def test_details_show_numbers_with_enough_digits() -> None:
    from guifan.web.core.templatetags.guifan import details_table

    html = str(details_table({"center": 12.01344, "lcl": 12.00641, "ucl": [12.01482, 12.0148], "sigma": 0.0031514,
                              "n": 155, "big": 2345678.9}))  # fmt: skip
    assert "<td>12.0134</td>" in html and "<td>12.0064</td>" in html and "12.0148, 12.0148" in html
    assert "<td>0.003151</td>" in html and "<td>155</td>" in html and "<td>2,345,679</td>" in html
