"""Previewing a dataset: its first records typed as a load types them, and its record count, read cheaply."""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import duckdb
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from guifan.engine.datasets import load_dataset
from guifan.engine.datasets.preview import _count_lines, count_records, preview_dataset
from guifan.engine.errors import DataError
from guifan.engine.pack.dataset import DatasetSpec

from .test_datasets import write_xlsx

ZONE = "Asia/Shanghai"


@pytest.fixture
def con() -> Iterator[duckdb.DuckDBPyConnection]:
    connection = duckdb.connect()
    yield connection
    connection.close()


def spec(source: str, **fields: Any) -> DatasetSpec:
    return DatasetSpec.model_validate({"source": source, **fields})


def loaded(con: duckdb.DuckDBPyConnection, base: Path, source: str, **fields: Any) -> tuple[int, list[Any]]:
    """What a full load gives: the record count and the records in file order."""
    result = load_dataset(con, "t", "d", spec(source, **fields), base, ZONE)
    return result.rows, con.execute("SELECT * FROM t ORDER BY rowid").fetchall()


TICKETS = (
    "ticket_id,opened_at,team,csat,priority\n"
    "T-001,2026-10-01 09:00:00,北区,4.5,P1\n"
    "T-002,2026-10-01 18:30:00,南区,3,P2\n"
    'T-003,2026-10-02 08:00:00,"东区,\n二组",5,P1\n'
    "\n"
    "T-004,2026-10-03 10:00:00,西区,2,P3\n"
)
DECLARED = {"columns": {"opened_at": "timestamp", "csat": {"type": "number", "min": 1, "max": 5},
                        "priority": {"type": "string", "values": ["P1", "P2", "P3"]}}}  # fmt: skip


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gb18030", "utf-16"])
def test_preview_is_the_head_of_the_load(con: duckdb.DuckDBPyConnection, tmp_path: Path, encoding: str) -> None:
    (tmp_path / "t.csv").write_bytes(TICKETS.encode(encoding))
    shown = preview_dataset("tickets", spec("t.csv", **DECLARED), tmp_path, ZONE, 2)
    count, records = loaded(con, tmp_path, "t.csv", **DECLARED)
    assert shown.records == count == 4
    assert shown.rows == records[:2]
    assert shown.columns == ["ticket_id", "opened_at", "team", "csat", "priority"]
    assert shown.schema.columns["opened_at"] == "timestamp" and shown.schema.columns["csat"] == "number"
    assert shown.rows[0][1] == dt.datetime(2026, 10, 1, 9, tzinfo=dt.timezone(dt.timedelta(hours=8)))


def test_a_bad_value_among_the_shown_records_is_the_loads_error(con: duckdb.DuckDBPyConnection, tmp_path: Path) -> None:
    text = TICKETS.replace("T-002,2026-10-01 18:30:00,南区,3,P2", "T-002,2026-10-01 18:30:00,南区,3,P9")
    (tmp_path / "t.csv").write_text(text)
    with pytest.raises(DataError) as in_preview:
        preview_dataset("tickets", spec("t.csv", **DECLARED), tmp_path, ZONE, 50)
    with pytest.raises(DataError) as in_load:
        loaded(con, tmp_path, "t.csv", **DECLARED)
    assert str(in_preview.value) == str(in_load.value)
    assert (
        str(in_preview.value) == "t.csv, row 3, column 'priority': 'P9' is not one of the allowed values (P1, P2, P3)"
    )
    # a bad value beyond the shown records is the load's business, not the preview's
    assert len(preview_dataset("tickets", spec("t.csv", **DECLARED), tmp_path, ZONE, 1).rows) == 1


def test_parquet_is_counted_from_its_footer(tmp_path: Path) -> None:
    table = pa.table({"id": list(range(10_000)), "v": [float(i) / 3 for i in range(10_000)]})
    pq.write_table(table, tmp_path / "p.parquet", row_group_size=1_000)
    shown = preview_dataset("p", spec("p.parquet", key="id"), tmp_path, ZONE, 3)
    assert shown.records == 10_000 and shown.rows == [(0, 0.0), (1, 1 / 3), (2, 2 / 3)]


def test_jsonl_and_xlsx(con: duckdb.DuckDBPyConnection, tmp_path: Path) -> None:
    (tmp_path / "e.jsonl").write_text('{"id": 1, "x": "a"}\n\n{"id": 2, "x": "b"}\n{"id": 3, "x": "c"}')
    shown = preview_dataset("e", spec("e.jsonl"), tmp_path, ZONE, 2)
    assert (shown.records, shown.rows) == (3, [(1, "a"), (2, "b")])
    write_xlsx(tmp_path / "w.xlsx", {"s": [["id", "n"], [1, 5], [None, None], [2, 6], [3, 7]]})
    shown = preview_dataset("w", spec("w.xlsx"), tmp_path, ZONE, 2)
    assert shown.records == loaded(con, tmp_path, "w.xlsx")[0] == 3 and shown.rows == [(1, 5), (2, 6)]


def test_missing_column_is_the_engines_message(tmp_path: Path) -> None:
    (tmp_path / "t.csv").write_text("a,b\n1,2\n")
    with pytest.raises(DataError, match="declares column 'c', but the file has no such column"):
        preview_dataset("d", spec("t.csv", columns={"c": "string"}), tmp_path, ZONE, 5)


def _random_csv(rng: random.Random) -> str:
    lines = ["id,text,n"]
    for i in range(rng.randint(0, 40)):
        kind = rng.random()
        if kind < 0.1:
            lines.append("")
        elif kind < 0.25:
            lines.append(f'{i},"多行\n值 ""引号"" \r\n,结束",{i}')
        else:
            lines.append(f'{i},"a,{i}",{i}')
    eol = rng.choice(["\n", "\r\n"])
    return eol.join(lines) + rng.choice(["", eol, eol + eol])


def test_count_matches_the_load_whatever_the_chunking(con: duckdb.DuckDBPyConnection, tmp_path: Path) -> None:
    """Quoted line breaks, doubled quotes, blank lines, CRLF and a missing last line break, cut anywhere."""
    rng = random.Random(7)
    for _ in range(150):
        data = _random_csv(rng).encode("gb18030")
        (tmp_path / "r.csv").write_bytes(data)
        expected = loaded(con, tmp_path, "r.csv")[0]
        assert count_records("r", spec("r.csv"), tmp_path / "r.csv") == expected
        size = rng.randint(1, 9)
        pieces = (data[k : k + size] for k in range(0, len(data), size))
        assert _count_lines(pieces, quoted=True) - 1 == expected


def test_header_only_and_empty_lines(tmp_path: Path) -> None:
    (tmp_path / "h.csv").write_text("a,b\n\n\r\n")
    assert count_records("h", spec("h.csv"), tmp_path / "h.csv") == 0
