"""Pages must not grow N+1: their query count stays flat when the catalogue grows."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from guifan.engine.periods import parse_periods, zone
from guifan.web.measure import services
from guifan.web.measure.models import Evaluation, Result
from guifan.web.standards.models import Requirement, Standard, StandardVersion

from .conftest import client_for

pytestmark = pytest.mark.django_db(transaction=True)


def queries(client: Any, path: str) -> int:
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(path).status_code == 200
    return len(ctx.captured_queries)


def grow(n: int) -> None:
    """Add n standards with effective versions, two requirements each, and results in every evaluation."""
    template = Standard.objects.get(code="CS-001")
    for i in range(n):
        standard = Standard.objects.create(
            code=f"GEN-{i:03d}", category=template.category, owner_unit=template.owner_unit
        )
        version = StandardVersion.objects.create(standard=standard, number="1.0", status="effective", title=f"生成 {i}")
        standard.current = version
        standard.save()
        for j in range(2):
            req = Requirement.objects.create(version=version, code=f"GEN-{i:03d}.{j}", text="x", position=j)
            for evaluation in Evaluation.objects.all():
                Result.objects.create(
                    evaluation=evaluation, requirement=req, standard=standard, standard_code=standard.code,
                    requirement_code=req.code, category=standard.category, unit_id_snapshot=standard.owner_unit_id,
                    status="fail" if j else "pass", value=0.5, target=">= 90%", population=10, violations=5,
                )  # fmt: skip


PAGES = ["/", "/standards/", "/standards/CS-001/", "/evaluations/", "/org/", "/api/standards/", "/api/results/"]


@pytest.mark.parametrize("path", PAGES)
def test_query_count_does_not_grow_with_the_catalogue(catalogue: Path, users: dict[str, Any], path: str) -> None:
    services.start(users["manager"], parse_periods("2026-09..2026-10", zone("Asia/Shanghai")))
    client = client_for(users["manager"])
    before = queries(client, path)
    grow(15)
    after = queries(client, path)
    assert after <= before + 2, f"{path}: {before} queries before, {after} after adding 15 standards"
