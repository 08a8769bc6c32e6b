"""The OpenAPI schema is committed (docs/api/openapi.yaml); this fails when the API drifts from it."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from django.core.management import call_command

SCHEMA = Path(__file__).resolve().parents[2] / "docs" / "api" / "openapi.yaml"


@pytest.mark.django_db
def test_committed_schema_matches_the_api() -> None:
    out = io.StringIO()
    call_command("spectacular", stdout=out, fail_on_warn=True, lang="en")
    assert out.getvalue() == SCHEMA.read_text(encoding="utf-8"), (
        "the API changed: run `make api-schema` and commit docs/api/openapi.yaml"
    )
