"""Writes through the REST API: packs in and out, datasets registered, with the same rules as the pages."""

from __future__ import annotations

import io
import json
import zipfile
from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from guifan.web.measure.models import DataSource
from guifan.web.standards.models import Standard

from .conftest import client_for

pytestmark = pytest.mark.django_db


def test_export_then_import_through_the_api(catalogue: Path, users: dict[str, Any]) -> None:
    manager = client_for(users["manager"])
    exported = manager.get("/api/packs/export/")
    assert exported.status_code == 200 and exported["Content-Type"] == "application/zip"
    archive = zipfile.ZipFile(io.BytesIO(exported.content))
    assert "pack.yaml" in archive.namelist() and "data/tickets.csv" in archive.namelist()
    Standard.objects.all().delete()
    upload = SimpleUploadedFile("pack.zip", exported.content, content_type="application/zip")
    response = manager.post("/api/packs/import/", {"archive": upload})
    assert response.status_code == 201, response.content
    assert sorted(s["code"] for s in response.json()) == ["CS-001", "DM-001", "TR-001"]


def test_bad_pack_is_refused_with_the_engine_message(catalogue: Path, users: dict[str, Any]) -> None:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as z:
        z.writestr("pack.yaml", "guifan: 1\nid: x\ntitle: x\nstandards:\n  - id: S\n    title: S\n    category: nope\n")
    upload = SimpleUploadedFile("pack.zip", buffer.getvalue())
    response = client_for(users["manager"]).post("/api/packs/import/", {"archive": upload})
    assert response.status_code == 400
    assert "pack.yaml:7:" in json.dumps(response.json(), ensure_ascii=False)


@pytest.mark.parametrize(("role", "status"), [("manager", 201), ("dept", 403), ("auditor", 403)])
def test_register_a_dataset_through_the_api(catalogue: Path, users: dict[str, Any], role: str, status: int) -> None:
    upload = SimpleUploadedFile("scores.csv", b"id,score\n1,5\n")
    spec = json.dumps({"key": "id", "columns": {"score": "number"}})
    response = client_for(users[role]).post("/api/datasets/", {"name": "scores", "spec": spec, "file": upload})
    assert response.status_code == status
    assert DataSource.objects.filter(name="scores").exists() == (status == 201)


def test_import_needs_catalogue_rights(catalogue: Path, users: dict[str, Any]) -> None:
    response = client_for(users["dept"]).post("/api/packs/import/", {"server_path": str(catalogue)})
    assert response.status_code == 403
