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
