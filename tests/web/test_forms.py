"""Bad input through the web forms: engine messages at the field, size and type limits, nothing half-written."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test.utils import override_settings

from guifan.web.core.models import AuditEntry
from guifan.web.measure.models import DataSource
from guifan.web.standards import services
from guifan.web.standards.models import Standard

from .conftest import client_for

pytestmark = pytest.mark.django_db


@pytest.fixture
def draft(catalogue: Path, users: dict[str, Any]) -> Any:
    return services.new_draft(users["manager"], Standard.objects.get(code="CS-001").current)


def post_requirement(users: dict[str, Any], draft: Any, check: str) -> Any:
    data = {"code": "CS-001.9", "text": "新条款", "text_en": "", "severity": "major", "check_yaml": check}
    return client_for(users["manager"]).post(f"/standards/CS-001/v/{draft.number}/requirements/new/", data)


def test_a_valid_check_is_saved(users: dict[str, Any], draft: Any) -> None:
    response = post_requirement(users, draft, "kind: metric\ndataset: tickets\neach: 'csat >= 4'\ntarget: '>= 90%'\n")
    assert response.status_code == 302
    saved = draft.requirements.get(code="CS-001.9")
    assert saved.check_spec == {"kind": "metric", "dataset": "tickets", "each": "csat >= 4", "target": ">= 90%"}
    assert AuditEntry.objects.filter(action="add requirement").exists()


@pytest.mark.parametrize(
    ("check", "message"),
    [
        (
            "kind: metirc\ndataset: tickets\n",
            "unknown check kind &#x27;metirc&#x27; (did you mean &#x27;metric&#x27;?)",
        ),
        ("kind: metric\ndataset: ticket\neach: x\ntarget: '>= 1'\n", "unknown dataset &#x27;ticket&#x27;"),
        (
            "kind: metric\ndataset: tickets\neach: \"read_csv('/etc/passwd')\"\ntarget: '>= 1'\n",
            "read_csv is not allowed",
        ),
        ("kind: metric\ndataset: tickets\neach: 'csat >= 4'\ntagret: '>= 1'\n", "did you mean &#x27;target&#x27;?"),
        ("kind: [unclosed\n", "not valid YAML"),
    ],
)
def test_engine_messages_show_at_the_field(users: dict[str, Any], draft: Any, check: str, message: str) -> None:
    response = post_requirement(users, draft, check)
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not draft.requirements.filter(code="CS-001.9").exists()


def test_dataset_upload_checks_type_size_and_header(users: dict[str, Any], catalogue: Path) -> None:
    client = client_for(users["manager"])
    spec = "key: id\ncolumns: {id: string, score: number}\n"
    bad_type = SimpleUploadedFile("x.exe", b"MZ")
    response = client.post("/datasets/", {"name": "scores", "spec": spec, "file": bad_type})
    assert "not a supported file type" in response.content.decode()
    missing_column = SimpleUploadedFile("scores.csv", b"id,points\n1,5\n")
    response = client.post("/datasets/", {"name": "scores", "spec": spec, "file": missing_column})
    assert "score" in response.content.decode() and not DataSource.objects.filter(name="scores").exists()
    good = SimpleUploadedFile("scores.csv", b"id,score\n1,5\n2,4.5\n")
    response = client.post("/datasets/", {"name": "scores", "spec": spec, "file": good})
    assert response.status_code == 302
    assert DataSource.objects.get(name="scores").spec == {"key": "id", "columns": {"id": "string", "score": "number"}}
    with override_settings(MAX_UPLOAD_BYTES=10):
        big = SimpleUploadedFile("big.csv", b"id,score\n" + b"1,1\n" * 10)
        response = client.post("/datasets/", {"name": "big", "spec": spec, "file": big})
        assert "upload limit" in response.content.decode()


def test_staff_cannot_register_datasets(users: dict[str, Any], catalogue: Path) -> None:
    upload = SimpleUploadedFile("scores.csv", b"id\n1\n")
    assert client_for(users["staff"]).post("/datasets/", {"name": "s", "file": upload}).status_code == 403


def test_attachments_are_limited(users: dict[str, Any], catalogue: Path) -> None:
    client = client_for(users["dept"])
    client.post("/standards/CS-001/attach/", {"version": "1.0", "file": SimpleUploadedFile("sop.pdf", b"%PDF-1.4")})
    version = Standard.objects.get(code="CS-001").current
    assert [a.name for a in version.attachments.all()] == ["sop.pdf"]
    client.post("/standards/CS-001/attach/", {"version": "1.0", "file": SimpleUploadedFile("run.sh", b"rm -rf /")})
    assert version.attachments.count() == 1
    download = client.get(f"/standards/CS-001/attachments/{version.attachments.get().pk}/")
    assert b"".join(download.streaming_content) == b"%PDF-1.4"
    out_of_scope = client_for(users["dept_it"]).get(f"/standards/CS-001/attachments/{version.attachments.get().pk}/")
    assert out_of_scope.status_code == 404


def test_acknowledgement_coverage(users: dict[str, Any], catalogue: Path) -> None:
    version = Standard.objects.get(code="CS-001").current
    assert services.acknowledgement_coverage(version) == (0, 2)  # dept and staff are in 客服部
    services.acknowledge(users["staff"], version)
    services.acknowledge(users["auditor"], version)  # not in the unit: does not count
    assert services.acknowledgement_coverage(version) == (1, 2)


def test_draft_conflict_message(users: dict[str, Any], draft: Any) -> None:
    client = client_for(users["manager"])
    form = {"number": draft.number, "title": "A", "title_en": "", "effective": "", "review_every": "12mo",
            "body": "", "body_en": "", "lock_version": draft.lock_version}  # fmt: skip
    assert client.post(f"/standards/CS-001/v/{draft.number}/edit/", form).status_code == 302
    response = client_for(users["manager2"]).post(f"/standards/CS-001/v/{draft.number}/edit/", {**form, "title": "B"})
    assert "Somebody else saved this draft" in response.content.decode()
    draft.refresh_from_db()
    assert draft.title == "A"


def test_review_cycle_is_validated(users: dict[str, Any], draft: Any) -> None:
    form = {"number": draft.number, "title": "A", "review_every": "12m", "lock_version": draft.lock_version}
    response = client_for(users["manager"]).post(f"/standards/CS-001/v/{draft.number}/edit/", form)
    assert "days, weeks, months or years" in response.content.decode()


def test_dataset_page_shows_the_head_and_the_count(users: dict[str, Any], catalogue: Path) -> None:
    client = client_for(users["manager"])
    spec = "key: id\ncolumns: {id: string, score: {type: number, max: 5}}\n"
    body = "id,score\n" + "".join(f"R{i},{i % 5}\n" for i in range(1, 1201))
    upload = SimpleUploadedFile("scores.csv", body.encode("gb18030"))
    assert client.post("/datasets/", {"name": "scores", "spec": spec, "file": upload}).status_code == 302
    page = client_for(users["readonly"]).get("/datasets/scores/").content.decode()
    assert "1,200 records; the first 50:" in page and "score (number)" in page
    assert ">R50<" in page and ">R51<" not in page
    DataSource.objects.filter(name="scores").update(
        spec={"key": "id", "columns": {"score": {"type": "number", "max": 3}}}
    )
    page = client.get("/datasets/scores/").content.decode()
    assert (
        ".csv, row 5, column &#x27;score&#x27;: &#x27;4&#x27; is above the maximum 3" in page
    )  # the stored name may vary
