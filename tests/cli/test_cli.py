"""The command line through its public interface: arguments in, output and exit status out."""

from __future__ import annotations

import json
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from click.testing import CliRunner

from guifan.cli.main import cli


def invoke(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(cli, list(args), catch_exceptions=False)
    return result.exit_code, result.stdout, result.stderr


@pytest.fixture
def starter(tmp_path: Path) -> Path:
    code, _, _ = invoke("init", str(tmp_path / "pack"))
    assert code == 0
    return tmp_path / "pack"


def test_init_writes_a_working_pack(starter: Path) -> None:
    assert (starter / "pack.yaml").is_file()
    code, out, _ = invoke("validate", str(starter))
    assert code == 0 and "3 standards, 4 requirements" in out


def test_init_refuses_non_empty_folder(starter: Path) -> None:
    code, _, err = invoke("init", str(starter))
    assert code == 2 and "not empty" in err


def test_check_json_follows_the_contract(starter: Path) -> None:
    code, out, _ = invoke("check", str(starter), "--period", "2026-10", "--format", "json")
    data = json.loads(out)
    assert code == (1 if data["summary"]["fail"] or data["summary"]["error"] else 0)
    assert data["guifan"] == 1 and data["pack"] == "my-company"
    assert data["period"]["from"] == "2026-10-01T00:00:00+08:00"
    assert data["period"]["to"] == "2026-11-01T00:00:00+08:00"
    assert set(data["summary"]) >= {"requirements", "pass", "warn", "fail", "no_data", "error"}
    first = data["results"][0]
    for key in (
        "standard",
        "requirement",
        "category",
        "kind",
        "status",
        "value",
        "target",
        "population",
        "violations",
        "violating_keys",
        "violating_keys_truncated",
        "groups",
        "details",
        "message",
    ):
        assert key in first
    assert first["groups"] and set(first["groups"][0]) >= {"by", "status", "value", "population", "violations"}


def test_exit_status_one_on_failure_zero_on_pass(starter: Path) -> None:
    code, out, _ = invoke("check", str(starter), "--format", "json")
    assert code == 1 and json.loads(out)["summary"]["fail"] >= 1
    text = (starter / "pack.yaml").read_text(encoding="utf-8")
    passing = text.replace('target: ">= 95%"', 'target: ">= 10%"').replace('warn: ">= 97%"', "")
    passing = passing.replace('target: "= 100%"', 'target: ">= 50%"')
    (starter / "pack.yaml").write_text(passing, encoding="utf-8")
    code, out, _ = invoke("check", str(starter), "--format", "json")
    assert code == 0, out


def test_sample_all_and_n(starter: Path) -> None:
    _, out, _ = invoke("check", str(starter), "--format", "json", "--sample", "3")
    first = json.loads(out)["results"][0]
    assert len(first["violating_keys"]) == 3 and first["violating_keys_truncated"]
    _, out, _ = invoke("check", str(starter), "--format", "json", "--sample", "all")
    first = json.loads(out)["results"][0]
    assert len(first["violating_keys"]) == first["violations"] and not first["violating_keys_truncated"]


def test_periods_trend(starter: Path) -> None:
    _, out, _ = invoke("check", str(starter), "--periods", "2026-09..2026-10", "--format", "json")
    data = json.loads(out)
    assert [p["period"]["label"] for p in data["periods"]] == ["2026-09", "2026-10"]


def test_junit_one_case_per_requirement(starter: Path, tmp_path: Path) -> None:
    report = tmp_path / "junit.xml"
    code, _, _ = invoke("check", str(starter), "--format", "junit", "--out", str(report))
    root = ET.parse(report).getroot()
    cases = root.findall(".//testcase")
    assert len(cases) == 4
    failures = root.findall(".//failure")
    assert failures and code == 1
    assert all(f.get("message") for f in failures)


@pytest.mark.parametrize("fmt", ["table", "markdown", "html"])
def test_other_formats(starter: Path, fmt: str) -> None:
    code, out, _ = invoke("check", str(starter), "--format", fmt, "--lang", "en")
    assert code == 1
    assert "CS-001.1" in out


def test_from_to_equals_period(starter: Path) -> None:
    _, a, _ = invoke("check", str(starter), "--period", "2026", "--format", "json")
    _, b, _ = invoke("check", str(starter), "--from", "2026-01-01", "--to", "2027-01-01", "--format", "json")
    assert json.loads(a)["results"] == json.loads(b)["results"]


# --- bad input: a clear message naming the place, exit status 2, nothing written ---------------------------


def _bad(tmp_path: Path, *args: str) -> str:
    out = tmp_path / "report.json"
    code, stdout, err = invoke(*args, "--out", str(out))
    assert code == 2, (stdout, err)
    assert not out.exists()
    assert "Traceback" not in err
    return err


def test_no_pack_yaml(tmp_path: Path) -> None:
    assert "no pack.yaml" in _bad(tmp_path, "check", str(tmp_path))


def test_yaml_syntax_error(starter: Path, tmp_path: Path) -> None:
    (starter / "pack.yaml").write_text("guifan: 1\nid: [x\n", encoding="utf-8")
    assert "pack.yaml:" in _bad(tmp_path, "check", str(starter))


def test_unknown_field(starter: Path, tmp_path: Path) -> None:
    text = (starter / "pack.yaml").read_text(encoding="utf-8").replace("owner: 客服部", "ownr: 客服部")
    (starter / "pack.yaml").write_text(text, encoding="utf-8")
    err = _bad(tmp_path, "check", str(starter))
    assert "unknown field 'ownr'" in err and "did you mean 'owner'?" in err


def test_missing_data_file(starter: Path, tmp_path: Path) -> None:
    (starter / "data" / "tickets.csv").unlink()
    assert "tickets.csv" in _bad(tmp_path, "check", str(starter))


def test_unreadable_encoding(starter: Path, tmp_path: Path) -> None:
    (starter / "data" / "tickets.csv").write_bytes(b"ticket_id,created_at\n\xff\xfe\x00\x81\x82\xff,1\n")
    assert "tickets.csv" in _bad(tmp_path, "check", str(starter))


def test_declared_column_missing(starter: Path, tmp_path: Path) -> None:
    path = starter / "data" / "employees.csv"
    path.write_text(path.read_text(encoding="utf-8").replace("role,", "position,"), encoding="utf-8")
    err = _bad(tmp_path, "check", str(starter))
    assert "employees.csv" in err and "'role'" in err


def test_wrong_type_names_row_and_column(starter: Path, tmp_path: Path) -> None:
    path = starter / "data" / "tickets.csv"
    lines = path.read_text(encoding="utf-8").splitlines()
    lines[3] = lines[3].rsplit(",", 1)[0] + ",five"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    err = _bad(tmp_path, "check", str(starter))
    assert "tickets.csv" in err and "row 4" in err and "csat" in err and "five" in err


@pytest.mark.parametrize("period", ["2026-13", "last-month", "2026-Q7"])
def test_malformed_period(starter: Path, tmp_path: Path, period: str) -> None:
    assert "period" in _bad(tmp_path, "check", str(starter), "--period", period)


def test_refused_expression(starter: Path, tmp_path: Path) -> None:
    text = (starter / "pack.yaml").read_text(encoding="utf-8").replace('"avg(csat)"', "\"getenv('HOME')\"")
    (starter / "pack.yaml").write_text(text, encoding="utf-8")
    err = _bad(tmp_path, "check", str(starter))
    assert "getenv" in err and "check.value" in err


def test_empty_period_is_no_data_not_error(starter: Path) -> None:
    _, out, _ = invoke("check", str(starter), "--period", "2020", "--format", "json")
    statuses = {r["requirement"]: r["status"] for r in json.loads(out)["results"]}
    assert statuses["CS-001.1"] == "no_data"


def test_schema_is_json_schema() -> None:
    code, out, _ = invoke("schema")
    schema = json.loads(out)
    assert code == 0 and schema["$schema"].endswith("2020-12/schema")
    assert "standards" in schema["properties"]


def test_engine_does_not_import_django_or_cli() -> None:
    code = (
        "import sys, guifan.engine\n"
        "bad = [m for m in sys.modules if m.split('.')[0] in ('django', 'rest_framework', 'pm4py')"
        " or m.startswith('guifan.cli')]\n"
        "print(bool(bad))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "False"


def test_records_prints_the_violating_rows_as_csv(starter: Path) -> None:
    code, out, err = invoke("records", str(starter), "CS-001.1", "--period", "2026-10")
    lines = out.strip().splitlines()
    assert code == 0 and lines[0].startswith("ticket_id,created_at")
    assert f"{len(lines) - 1:,} records break CS-001.1" in err


def test_the_product_never_imports_pm4py() -> None:
    """pm4py is AGPL: a test-time reference only. No module under src/ may import it."""
    src = Path(__file__).resolve().parents[2] / "src"
    offenders = [p for p in src.rglob("*.py") if "import pm4py" in p.read_text(encoding="utf-8")
                 or "from pm4py" in p.read_text(encoding="utf-8")]  # fmt: skip
    assert offenders == []
