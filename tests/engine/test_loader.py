from __future__ import annotations

import zipfile
from pathlib import Path

import pytest

from guifan.engine import PackError, load_pack
from guifan.engine.pack.model import pack_json_schema

from .conftest import WritePack

GOOD = """
guifan: 1
id: acme
title: {zh: 测试, en: Test}
timezone: Asia/Shanghai
datasets:
  tickets:
    source: data/tickets.csv
    key: ticket_id
    time: created_at
    columns: {ticket_id: string, created_at: timestamp, csat: number}
standards:
  - id: CS-001
    title: 响应
    category: customer_service
    version: 1.2
    review_every: 12mo
    requirements:
      - id: CS-001.1
        text: 满意度
        check: {kind: metric, dataset: tickets, value: "avg(csat)", target: ">= 4"}
"""


def _error(write_pack: WritePack, text: str) -> str:
    with pytest.raises(PackError) as info:
        load_pack(write_pack(text))
    return str(info.value)


def test_good_pack_loads(write_pack: WritePack) -> None:
    loaded = load_pack(write_pack(GOOD))
    standard = loaded.pack.standards[0]
    assert standard.version == "1.2"
    assert standard.review_every is not None and standard.review_every.months == 12
    assert standard.requirements[0].check is not None
    assert standard.requirements[0].check.kind == "metric"


def test_missing_pack_yaml(tmp_path: Path) -> None:
    with pytest.raises(PackError, match=r"no pack\.yaml"):
        load_pack(tmp_path)


def test_yaml_syntax_error_has_line(write_pack: WritePack) -> None:
    message = _error(write_pack, "guifan: 1\nid: acme\ntitle: [unclosed\nstandards: []\n")
    assert message.startswith("pack.yaml:")
    assert "YAML syntax error" in message


def test_unknown_field_did_you_mean(write_pack: WritePack) -> None:
    message = _error(write_pack, GOOD.replace('target: ">= 4"', 'tagret: ">= 4"'))
    assert "pack.yaml:20:" in message
    assert "unknown field 'tagret'" in message
    assert "did you mean 'target'?" in message


def test_unknown_kind_did_you_mean(write_pack: WritePack) -> None:
    message = _error(write_pack, GOOD.replace("kind: metric", "kind: metirc"))
    assert "unknown check kind 'metirc'" in message and "did you mean 'metric'?" in message
    assert "pack.yaml:20:" in message


def test_bad_category_lists_choices(write_pack: WritePack) -> None:
    message = _error(write_pack, GOOD.replace("category: customer_service", "category: customer-service"))
    assert "pack.yaml:14:" in message and "'customer_service'" in message


def test_missing_field_named_at_parent(write_pack: WritePack) -> None:
    message = _error(write_pack, GOOD.replace("    title: 响应\n", ""))
    assert "missing required field 'title'" in message


def test_duplicate_ids(write_pack: WritePack) -> None:
    text = GOOD.replace("- id: CS-001.1", "- id: CS-001")
    message = _error(write_pack, text)
    assert "duplicate id 'CS-001'" in message and "first used at line 12" in message


def test_duplicate_yaml_key(write_pack: WritePack) -> None:
    message = _error(write_pack, GOOD.replace("timezone: Asia/Shanghai", "timezone: Asia/Shanghai\nid: other"))
    assert "'id' is written twice" in message


def test_unknown_dataset_reference(write_pack: WritePack) -> None:
    message = _error(write_pack, GOOD.replace("dataset: tickets", "dataset: ticket"))
    assert "unknown dataset 'ticket'" in message and "did you mean 'tickets'?" in message
    assert "pack.yaml:20:" in message


def test_refused_expression_names_field(write_pack: WritePack) -> None:
    message = _error(write_pack, GOOD.replace('value: "avg(csat)"', "value: \"read_csv('/etc/passwd')\""))
    assert "read_csv" in message and "check.value" in message


def test_unknown_timezone(write_pack: WritePack) -> None:
    message = _error(write_pack, GOOD.replace("Asia/Shanghai", "Asia/Beijing"))
    assert "unknown time zone 'Asia/Beijing'" in message and "pack.yaml:4:" in message


def test_metric_needs_one_form(write_pack: WritePack) -> None:
    message = _error(write_pack, GOOD.replace('value: "avg(csat)"', 'value: "avg(csat)", each: "csat > 3"'))
    assert "exactly one of 'value'" in message


def test_several_problems_reported_together(write_pack: WritePack) -> None:
    text = GOOD.replace("kind: metric", "kind: metirc").replace("category: customer_service", "category: x")
    message = _error(write_pack, text)
    assert "metirc" in message and "'x' is not allowed" in message


def test_zip_pack(write_pack: WritePack, tmp_path: Path) -> None:
    folder = write_pack(GOOD)
    archive = tmp_path.parent / f"{tmp_path.name}.zip"
    with zipfile.ZipFile(archive, "w") as z:
        z.write(folder / "pack.yaml", "acme/pack.yaml")
    loaded = load_pack(archive)
    assert loaded.pack.id == "acme"
    assert loaded.base_dir.name == "acme"


def test_zip_slip_refused(tmp_path: Path) -> None:
    archive = tmp_path / "evil.zip"
    with zipfile.ZipFile(archive, "w") as z:
        z.writestr("../../escape/pack.yaml", "guifan: 1\n")
    with pytest.raises(PackError, match="outside the archive"):
        load_pack(archive)


def test_schema_lists_kinds_and_categories() -> None:
    schema = pack_json_schema()
    text = str(schema)
    for word in ("metric", "data_quality", "coverage", "customer_service", "valid_until", "review_every"):
        assert word in text


def test_review_cycle_units(write_pack: WritePack) -> None:
    message = _error(write_pack, GOOD.replace("review_every: 12mo", "review_every: 12m"))
    assert "not a review cycle" in message and "12mo" in message


def test_union_errors_give_one_message_without_class_names(write_pack: WritePack) -> None:
    message = _error(write_pack, GOOD.replace("csat: number}", "csat: nmber}"))
    assert message.count("\n") == 0
    assert "ColumnSpec" not in message
    assert "'nmber' is not allowed" in message and "did you mean 'number'?" in message
