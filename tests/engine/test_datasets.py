"""Reading datasets: formats, encodings, declared and inferred types, and the errors a user sees."""

from __future__ import annotations

import datetime as dt
import json
import random
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import duckdb
import openpyxl
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from guifan.engine.datasets import DatasetSchema, LoadedDataset, load_dataset, probe_schema, resolve_source
from guifan.engine.errors import DataError
from guifan.engine.pack.dataset import DatasetSpec

ZONE = "Asia/Shanghai"
UTC = dt.UTC


@pytest.fixture
def con() -> Iterator[duckdb.DuckDBPyConnection]:
    connection = duckdb.connect()
    yield connection
    connection.close()


def spec(source: str, **fields: Any) -> DatasetSpec:
    return DatasetSpec.model_validate({"source": source, **fields})


def write(path: Path, text: str, encoding: str = "utf-8") -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(text.encode(encoding))
    return path


def load(con: duckdb.DuckDBPyConnection, base: Path, source: str, table: str = "t", **fields: Any) -> LoadedDataset:
    return load_dataset(con, table, "tickets", spec(source, **fields), base, ZONE)


def rows(con: duckdb.DuckDBPyConnection, sql: str) -> list[tuple[Any, ...]]:
    return con.execute(sql).fetchall()


def types(con: duckdb.DuckDBPyConnection, table: str = "t") -> dict[str, str]:
    return {str(r[0]): str(r[1]) for r in rows(con, f'DESCRIBE "{table}"')}


def error_of(con: duckdb.DuckDBPyConnection, base: Path, source: str, **fields: Any) -> str:
    with pytest.raises(DataError) as caught:
        load(con, base, source, **fields)
    return str(caught.value)


def utc(*args: int) -> dt.datetime:
    return dt.datetime(*args)  # timezone('UTC', ...) gives naive UTC datetimes


# ---------------------------------------------------------------------------------------------------------
# Formats and encodings

TICKETS = (
    "ticket_id,created_at,team,csat,resolved,opened_on\n"
    "T-001,2026-10-01 09:00:00,北区,4.5,true,2026-10-01\n"
    "T-002,2026-10-01 18:30:00,南区,3,false,2026-10-02\n"
)


def test_csv_with_inferred_types(con: duckdb.DuckDBPyConnection, tmp_path: Path) -> None:
    write(tmp_path / "data/tickets.csv", TICKETS)
    loaded = load(con, tmp_path, "data/tickets.csv", key="ticket_id", time="created_at")
    assert loaded.rows == 2
    assert loaded.table == "t"
    assert loaded.schema == DatasetSchema(
        name="tickets",
        path=(tmp_path / "data/tickets.csv").resolve(),
        columns={
            "ticket_id": "string",
            "created_at": "timestamp",
            "team": "string",
            "csat": "number",
            "resolved": "boolean",
            "opened_on": "date",
        },
    )
    assert types(con)["created_at"] == "TIMESTAMP WITH TIME ZONE"
    got = rows(con, "SELECT ticket_id, timezone('UTC', created_at), team, csat FROM t ORDER BY ticket_id")
    assert got == [("T-001", utc(2026, 10, 1, 1), "北区", 4.5), ("T-002", utc(2026, 10, 1, 10, 30), "南区", 3.0)]


def test_probe_agrees_with_load(con: duckdb.DuckDBPyConnection, tmp_path: Path) -> None:
    write(tmp_path / "tickets.csv", TICKETS)
    probed = probe_schema("tickets", spec("tickets.csv", time="created_at"), tmp_path)
    assert probed == load(con, tmp_path, "tickets.csv", time="created_at").schema


def test_utf8_bom_header_is_clean(con: duckdb.DuckDBPyConnection, tmp_path: Path) -> None:
    write(tmp_path / "c.csv", "\ufeff客户名称,金额\n华为,12.5\n")
    loaded = load(con, tmp_path, "c.csv", key="客户名称")
    assert list(loaded.schema.columns) == ["客户名称", "金额"]
    assert probe_schema("c", spec("c.csv", key="客户名称"), tmp_path).columns == loaded.schema.columns
    assert rows(con, "SELECT 客户名称, 金额 FROM t") == [("华为", 12.5)]


@pytest.mark.parametrize("encoding", ["gb18030", "gbk"])
def test_gb18030_is_detected(con: duckdb.DuckDBPyConnection, tmp_path: Path, encoding: str) -> None:
    text = "客户名称,等级,签约日期\n北京示例科技有限公司,甲,2026-01-05\n上海样例贸易公司,乙,2026-02-10\n"
    write(tmp_path / "customers.csv", text, encoding)
    probed = probe_schema("customers", spec("customers.csv", key="客户名称"), tmp_path)
    assert probed.columns == {"客户名称": "string", "等级": "string", "签约日期": "date"}
    loaded = load(con, tmp_path, "customers.csv", key="客户名称", columns={"等级": "string"})
    assert loaded.rows == 2
    assert rows(con, "SELECT 客户名称, 等级 FROM t ORDER BY 签约日期") == [
        ("北京示例科技有限公司", "甲"),
        ("上海样例贸易公司", "乙"),
    ]


def test_gb18030_after_the_first_megabyte(con: duckdb.DuckDBPyConnection, tmp_path: Path) -> None:
    """The encoding is guessed from the head; DuckDB finding GB18030 further on makes the loader read it again."""
    head = "id,team\n" + "".join(f"{i},north\n" for i in range(120_000))  # > 1 MiB of ASCII
    assert len(head) > 1 << 20
    tail = "120000,北区\n120001,南区\n"
    (tmp_path / "late.csv").write_bytes(head.encode() + tail.encode("gb18030"))
    loaded = load(con, tmp_path, "late.csv", key="id", columns={"team": "string"})
    assert loaded.rows == 120_002
    assert rows(con, "SELECT id, team FROM t WHERE id >= 119999 ORDER BY id") == [
        (119999, "north"),
        (120000, "北区"),
        (120001, "南区"),
    ]
    loaded = load(con, tmp_path, "late.csv", table="k", columns={"team": "string"}, **{"key": "id"})
    assert rows(con, "SELECT count(*) FROM k WHERE team = '南区'") == [(1,)]
    message = error_of(con, tmp_path, "late.csv", encoding="utf-8")  # declared: no guessing, no second read
    assert message == "late.csv, row 120002: it is not valid UTF-8; save it as UTF-8 or set encoding: in the dataset"


def test_declared_encoding_and_utf16(con: duckdb.DuckDBPyConnection, tmp_path: Path) -> None:
    write(tmp_path / "a.csv", "名称,n\n张三,1\n", "gbk")
    load(con, tmp_path, "a.csv", encoding="GBK")
    assert rows(con, "SELECT 名称, n FROM t") == [("张三", 1)]
    write(tmp_path / "u.txt", "名称\tn\n李四\t2\n", "utf-16")  # Excel's "Unicode text"
    load(con, tmp_path, "u.txt", table="u", delimiter="\t")
    assert rows(con, "SELECT 名称, n FROM u") == [("李四", 2)]


def test_unknown_declared_encoding(con: duckdb.DuckDBPyConnection, tmp_path: Path) -> None:
    write(tmp_path / "a.csv", "a\n1\n")
    assert "unknown encoding 'klingon'" in error_of(con, tmp_path, "a.csv", encoding="klingon")


def test_tsv_and_custom_delimiter(con: duckdb.DuckDBPyConnection, tmp_path: Path) -> None:
    write(tmp_path / "a.tsv", "id\tname, with comma\n1\tx, y\n")
    assert load(con, tmp_path, "a.tsv").schema.columns == {"id": "integer", "name, with comma": "string"}
    assert rows(con, 'SELECT "name, with comma" FROM t') == [("x, y",)]
    write(tmp_path / "b.txt", "id;amount\n1;2.5\n")
    load(con, tmp_path, "b.txt", table="b", delimiter=";")
    assert rows(con, "SELECT id, amount FROM b") == [(1, 2.5)]


def test_parquet(con: duckdb.DuckDBPyConnection, tmp_path: Path) -> None:
    table = pa.table(
        {
            "id": pa.array([1, 2, 3], pa.int32()),
            "at": pa.array([dt.datetime(2026, 10, 1, 9), None, dt.datetime(2026, 10, 2, 9)], pa.timestamp("ms")),
            "score": pa.array(["4", "", "5"]),
            "tags": pa.array([["a"], [], None], pa.list_(pa.string())),
        }
    )
    pq.write_table(table, tmp_path / "p.parquet")
    loaded = load(con, tmp_path, "p.parquet", key="id", time="at", columns={"score": "integer"})
    assert loaded.rows == 3
    assert loaded.schema.columns == {"id": "integer", "at": "timestamp", "score": "integer", "tags": "string"}
    assert types(con) == {"id": "BIGINT", "at": "TIMESTAMP WITH TIME ZONE", "score": "BIGINT", "tags": "VARCHAR"}
    got = rows(con, "SELECT id, timezone('UTC', \"at\"), score, tags FROM t ORDER BY id")
    assert got[0] == (1, utc(2026, 10, 1, 1), 4, '["a"]')
    assert got[1][1:3] == (None, None)


def test_parquet_bad_value_names_record(con: duckdb.DuckDBPyConnection, tmp_path: Path) -> None:
    pq.write_table(pa.table({"id": ["a", "b", "c"], "n": ["1", "2", "x"]}), tmp_path / "p.parquet")
    message = error_of(con, tmp_path, "p.parquet", columns={"n": "integer"})
    assert message == "p.parquet, row 3, column 'n': 'x' is not an integer"


def test_jsonl(con: duckdb.DuckDBPyConnection, tmp_path: Path) -> None:
    records = [
        {"id": "A", "at": "2026-10-01T09:00:00+08:00", "n": 1, "meta": {"k": 1}},
        {"id": "B", "at": "2026-10-01T09:00:00Z", "n": 2.5, "meta": None},
    ]
    write(tmp_path / "e.ndjson", "\n".join(json.dumps(r) for r in records) + "\n")
    loaded = load(con, tmp_path, "e.ndjson", key="id", time="at")
    assert loaded.schema.columns == {"id": "string", "at": "timestamp", "n": "number", "meta": "string"}
    got = rows(con, "SELECT id, timezone('UTC', \"at\"), n, meta FROM t ORDER BY id")
    assert got == [("A", utc(2026, 10, 1, 1), 1.0, '{"k":1}'), ("B", utc(2026, 10, 1, 9), 2.5, None)]


def test_jsonl_bad_value_names_line(con: duckdb.DuckDBPyConnection, tmp_path: Path) -> None:
    lines = ['{"id": 1, "csat": 4}', "", '{"id": 2, "csat": "five"}']
    write(tmp_path / "s.jsonl", "\n".join(lines) + "\n")
    message = error_of(con, tmp_path, "s.jsonl", columns={"csat": "number"})
    assert message == "s.jsonl, row 3, column 'csat': 'five' is not a number"


def test_malformed_jsonl(con: duckdb.DuckDBPyConnection, tmp_path: Path) -> None:
    write(tmp_path / "m.jsonl", '{"id": 1}\n{"id": 2\n{"id": 3}\n')
    message = error_of(con, tmp_path, "m.jsonl")
    assert message.startswith("m.jsonl") and "malformed JSON" in message


def write_xlsx(path: Path, sheets: dict[str, list[list[Any]]]) -> Path:
    book = openpyxl.Workbook()
    book.remove(book.active)
    for title, data in sheets.items():
        sheet = book.create_sheet(title)
        for row in data:
            sheet.append(row)
    book.save(path)
    return path


def test_xlsx(con: duckdb.DuckDBPyConnection, tmp_path: Path) -> None:
    write_xlsx(
        tmp_path / "w.xlsx",
        {
            "说明": [["this sheet is not data"]],
            "工单": [
                ["工单号", "创建时间", "日期", "数量", "金额", "已解决", "备注"],
                ["T1", dt.datetime(2026, 10, 1, 9, 0), dt.date(2026, 10, 1), 3, 1.5, True, "好"],
                [None, None, None, None, None, None, None],
                ["T2", dt.datetime(2026, 10, 1, 18, 0), dt.date(2026, 10, 2), 4, 2, False, 7],
            ],
        },
    )
    loaded = load(con, tmp_path, "w.xlsx", sheet="工单", key="工单号", time="创建时间", columns={"工单号": "string"})
    assert loaded.rows == 2  # the empty row is not a record
    assert loaded.schema.columns == {
        "工单号": "string",
        "创建时间": "timestamp",
        "日期": "date",
        "数量": "integer",
        "金额": "number",
        "已解决": "boolean",
        "备注": "string",
    }
    got = rows(con, "SELECT 工单号, timezone('UTC', 创建时间), 日期, 数量, 金额, 备注 FROM t ORDER BY 工单号")
    assert got == [
        ("T1", utc(2026, 10, 1, 1), dt.date(2026, 10, 1), 3, 1.5, "好"),
        ("T2", utc(2026, 10, 1, 10), dt.date(2026, 10, 2), 4, 2.0, "7"),
    ]


def test_xlsx_first_sheet_bad_value_and_missing_sheet(con: duckdb.DuckDBPyConnection, tmp_path: Path) -> None:
    write_xlsx(tmp_path / "s.xlsx", {"满意度调查": [["id", "csat"], [1, 5], [2, "五"], [3, 4]], "其他": [["x"]]})
    message = error_of(con, tmp_path, "s.xlsx", columns={"csat": "number"})
    assert message == "s.xlsx, sheet '满意度调查', row 3, column 'csat': '五' is not a number"
    write_xlsx(tmp_path / "gap.xlsx", {"s": [["id", "csat"], [1, 5], [None, None], [3, "五"]]})
    message = error_of(con, tmp_path, "gap.xlsx", columns={"csat": "number"})
    assert message == "gap.xlsx, sheet 's', row 4, column 'csat': '五' is not a number"  # the sheet's row
    message = error_of(con, tmp_path, "s.xlsx", sheet="满意度调差")
    assert (
        message
        == "s.xlsx: there is no sheet '满意度调差'; its sheets are '满意度调查', '其他' (did you mean '满意度调查'?)"
    )
    probed = probe_schema("s", spec("s.xlsx", sheet="其他"), tmp_path)
    assert probed.columns == {"x": "string"}


# ---------------------------------------------------------------------------------------------------------
# Declared columns


def test_declared_types_are_coerced(con: duckdb.DuckDBPyConnection, tmp_path: Path) -> None:
    write(
        tmp_path / "d.csv",
        "code,n,x,flag,day,at,eu_day\n"
        "007,5.0,1e3,是,2026-10-01,2026-10-01 09:00,01/10/2026\n"
        ",, ,NO,,,\n"
        "010,-3,2.5,1,2026/10/02,2026-10-01T09:00:00Z,31/12/2026\n",
    )
    columns = {
        "code": "string",
        "n": "integer",
        "x": "number",
        "flag": "boolean",
        "day": "date",
        "at": "timestamp",
        "eu_day": {"type": "date", "format": "%d/%m/%Y"},
    }
    loaded = load(con, tmp_path, "d.csv", columns=columns)
    assert loaded.schema.columns == {k: (v if isinstance(v, str) else "date") for k, v in columns.items()}
    assert types(con) == {
        "code": "VARCHAR",
        "n": "BIGINT",
        "x": "DOUBLE",
        "flag": "BOOLEAN",
        "day": "DATE",
        "at": "TIMESTAMP WITH TIME ZONE",
        "eu_day": "DATE",
    }
    got = rows(con, "SELECT code, n, x, flag, day, timezone('UTC', \"at\"), eu_day FROM t")
    assert got == [
        ("007", 5, 1000.0, True, dt.date(2026, 10, 1), utc(2026, 10, 1, 1), dt.date(2026, 10, 1)),
        (None, None, None, False, None, None, None),
        ("010", -3, 2.5, True, dt.date(2026, 10, 2), utc(2026, 10, 1, 9), dt.date(2026, 12, 31)),
    ]


def test_naive_and_offset_timestamps_land_on_their_instants(con: duckdb.DuckDBPyConnection, tmp_path: Path) -> None:
    write(
        tmp_path / "ts.csv",
        "id,at\n"
        "1,2026-10-01 09:00:00\n"  # naive: read in Asia/Shanghai
        "2,2026-10-01T09:00:00+08:00\n"
        "3,2026-10-01T09:00:00Z\n"
        "4,2026-10-01T09:00:00-05:00\n"
        "5,2026-10-01\n",
    )
    before = rows(con, "SELECT current_setting('TimeZone')")
    load(con, tmp_path, "ts.csv", time="at", columns={"at": "timestamp"})
    assert rows(con, "SELECT current_setting('TimeZone')") == before
    assert rows(con, "SELECT id, timezone('UTC', \"at\") FROM t ORDER BY id") == [
        (1, utc(2026, 10, 1, 1)),
        (2, utc(2026, 10, 1, 1)),
        (3, utc(2026, 10, 1, 9)),
        (4, utc(2026, 10, 1, 14)),
        (5, utc(2026, 9, 30, 16)),
    ]


@pytest.mark.parametrize("zone", ["Asia/Shanghai", "Europe/Berlin", "America/Sao_Paulo", "UTC"])
@pytest.mark.parametrize("today", [dt.date(2026, 7, 1), dt.date(2026, 3, 29), dt.date(2026, 11, 27)])
def test_fixed_offset_path_gives_the_exact_instants(zone: str, today: dt.date) -> None:
    """Within the span where the zone's offset is constant, arithmetic replaces timezone(); outside it
    timezone() itself is used: every local time, DST gaps and overlaps included, lands on the same instant."""
    from guifan.engine.datasets.columns import _zone

    with duckdb.connect() as db:
        local = _zone(db, zone, today)
        if zone in ("Asia/Shanghai", "UTC"):
            assert local.fixed is not None and local.fixed[1] == "2199-12-31 00:00:00"
            assert local.fixed[2] == (28_800_000_000 if zone == "Asia/Shanghai" else 0)
        if zone == "Europe/Berlin" and today == dt.date(2026, 7, 1):
            assert local.fixed == ("2026-03-31 00:00:00", "2026-10-24 00:00:00", 7_200_000_000)
        every = "SELECT ts FROM range(TIMESTAMP '{}', TIMESTAMP '{}', INTERVAL {}) AS s(ts)"
        series = " UNION ALL ".join(
            [
                every.format("1985-01-01", "2030-01-01", "37 MINUTE"),
                every.format("2026-03-29", "2026-03-30", "1 MINUTE"),  # Berlin skips 02:00-03:00
                every.format("2026-10-25", "2026-10-26", "1 MINUTE"),  # and repeats it
                "SELECT * FROM (VALUES (TIMESTAMP '1900-01-01'), (TIMESTAMP '2199-12-31 23:59:59.999999'), "
                "(TIMESTAMP '2250-06-01'), (TIMESTAMP 'infinity'), (NULL))",
            ]
        )
        sql = (
            f"SELECT count(*), count(*) FILTER (WHERE ({local.instant('ts')}) IS DISTINCT FROM timezone('{zone}', ts)) "
            f"FROM ({series})"
        )
        assert db.execute(sql).fetchall()[0][1] == 0


def test_naive_timestamps_across_dst(con: duckdb.DuckDBPyConnection, tmp_path: Path) -> None:
    moments = [
        dt.datetime(2026, 3, 29, 1, 30),
        dt.datetime(2026, 3, 29, 2, 30),  # does not exist in Berlin
        dt.datetime(2026, 3, 29, 3, 30),
        dt.datetime(2026, 7, 1, 12),
        dt.datetime(2026, 10, 25, 2, 30),  # exists twice
        dt.datetime(2026, 12, 1, 12),
        dt.datetime(1985, 1, 1),
    ]
    table = pa.table({"id": range(len(moments)), "at": pa.array(moments, pa.timestamp("us"))})
    pq.write_table(table, tmp_path / "b.parquet")
    write(tmp_path / "b.csv", "id,at\n" + "".join(f"{i},{m.isoformat(sep=' ')}\n" for i, m in enumerate(moments)))
    for zone in ("Europe/Berlin", "Asia/Shanghai"):
        exact = "SELECT timezone('UTC', timezone(?, CAST(? AS TIMESTAMP)))"
        want = [(i, rows_of(con, exact, [zone, m])[0][0]) for i, m in enumerate(moments)]
        for source, declared in (("b.parquet", {"at": "timestamp"}), ("b.parquet", {}), ("b.csv", {})):
            load_dataset(con, "z", "b", spec(source, key="id", time="at", columns=declared), tmp_path, zone)
            assert rows(con, "SELECT id, timezone('UTC', \"at\") FROM z ORDER BY id") == want, (zone, source)


def rows_of(con: duckdb.DuckDBPyConnection, sql: str, params: list[Any]) -> list[tuple[Any, ...]]:
    return con.execute(sql, params).fetchall()


def test_kept_columns(con: duckdb.DuckDBPyConnection, tmp_path: Path) -> None:
    write(tmp_path / "k.csv", "id,team,csat,note\nT1,北区,4,a\nT2,南区,5,b\n")
    loaded = load(con, tmp_path, "k.csv", key="id", columns={"csat": "number"}, table="k")
    assert loaded.schema.columns == {"id": "string", "team": "string", "csat": "number", "note": "string"}
    load_dataset(con, "k", "k", spec("k.csv", key="id", columns={"csat": "number"}), tmp_path, ZONE, {"id", "team"})
    assert list(types(con, "k")) == ["id", "team"]
    assert rows(con, "SELECT id, team FROM k ORDER BY id") == [("T1", "北区"), ("T2", "南区")]
    write(tmp_path / "bad.csv", "id,team,csat\nT1,北区,4\nT2,南区,five\n")
    with pytest.raises(DataError) as caught:  # a declared column is checked even when it is not kept
        load_dataset(con, "k", "k", spec("bad.csv", columns={"csat": "number"}), tmp_path, ZONE, {"id"})
    assert str(caught.value) == "bad.csv, row 3, column 'csat': 'five' is not a number"


def test_bad_value_names_file_row_column_and_value(con: duckdb.DuckDBPyConnection, tmp_path: Path) -> None:
    lines = ["id,csat,team"] + [f"T{i},{i % 5 + 1},北区" for i in range(20)] + ["T20,five,南区", "T21,six,南区"]
    write(tmp_path / "data/tickets.csv", "\n".join(lines) + "\n")
    message = error_of(con, tmp_path, "data/tickets.csv", columns={"csat": "number"})
    assert message == "data/tickets.csv, row 22, column 'csat': 'five' is not a number"
    assert rows(con, "SHOW TABLES") == []  # nothing half-loaded is left behind


@pytest.mark.parametrize(
    ("column", "good", "bad", "expected"),
    [
        ({"type": "integer"}, "5.0", "2.5", "'2.5' is not an integer"),
        ({"type": "boolean"}, "yes", "maybe", "'maybe' is not a boolean"),
        ({"type": "date"}, "2026-10-01", "2026-13-45", "'2026-13-45' is not a date"),
        (
            {"type": "date", "format": "%d/%m/%Y"},
            "01/10/2026",
            "2026-10-01",
            "'2026-10-01' is not a date in the format",
        ),
        ({"type": "timestamp"}, "2026-10-01 09:00", "yesterday", "'yesterday' is not a timestamp"),
        ({"type": "string", "values": ["P1", "P2"]}, "P1", "P3", "'P3' is not one of the allowed values (P1, P2)"),
        ({"type": "integer", "values": [1, 2, 3]}, "1", "4", "'4' is not one of the allowed values (1, 2, 3)"),
        ({"type": "number", "min": 1, "max": 5}, "3", "0.5", "'0.5' is below the minimum 1"),
        ({"type": "number", "min": 1, "max": 5}, "5", "5.5", "'5.5' is above the maximum 5"),
    ],
)
def test_values_that_break_their_declaration(
    con: duckdb.DuckDBPyConnection, tmp_path: Path, column: dict[str, Any], good: str, bad: str, expected: str
) -> None:
    write(tmp_path / "v.csv", f"id,v\n1,{good}\n2,\n3,{bad}\n4,{bad}\n")
    assert error_of(con, tmp_path, "v.csv", columns={"v": column}).startswith(f"v.csv, row 4, column 'v': {expected}")
    write(tmp_path / "ok.csv", f"id,v\n1,{good}\n2,\n")
    assert load(con, tmp_path, "ok.csv", columns={"v": column}).rows == 2


def test_allowed_values_are_checked_against_the_type(con: duckdb.DuckDBPyConnection, tmp_path: Path) -> None:
    write(tmp_path / "v.csv", "id,n\n1,2\n")
    message = error_of(con, tmp_path, "v.csv", columns={"n": {"type": "integer", "values": [1, "two"]}})
    assert message == "field datasets.tickets.columns.n: values: 'two' is not an integer"


def test_min_max_need_a_numeric_column(tmp_path: Path) -> None:
    write(tmp_path / "v.csv", "id,d\n1,2026-01-01\n")
    with pytest.raises(DataError, match="min and max apply to integer and number columns"):
        probe_schema("t", spec("v.csv", columns={"d": {"type": "date", "min": 1}}), tmp_path)


# ---------------------------------------------------------------------------------------------------------
# Missing and unreadable input


def test_missing_file(con: duckdb.DuckDBPyConnection, tmp_path: Path) -> None:
    with pytest.raises(DataError) as caught:
        resolve_source("tickets", spec("data/tickets.csv"), tmp_path)
    message = str(caught.value)
    assert message.startswith(f"dataset 'tickets': file data/tickets.csv not found in {tmp_path.resolve()}")
    assert "--data" in message
    assert "not found" in error_of(con, tmp_path, "data/tickets.csv")


def test_missing_declared_column_suggests_the_near_one(tmp_path: Path) -> None:
    write(tmp_path / "t.csv", "ticket_id,csat_score\nT1,5\n")
    with pytest.raises(DataError) as caught:
        probe_schema("tickets", spec("t.csv", columns={"csat_scor": "number"}), tmp_path)
    assert str(caught.value) == (
        "t.csv: dataset 'tickets' declares column 'csat_scor', but the file has no such column "
        "(did you mean 'csat_score'?)"
    )


def test_missing_key_and_time_columns(tmp_path: Path) -> None:
    write(tmp_path / "t.csv", "ticket_id,created\nT1,2026-10-01\n")
    with pytest.raises(DataError) as caught:
        probe_schema("tickets", spec("t.csv", key="id", time="created_at"), tmp_path)
    assert len(caught.value.problems) == 2
    assert "the key column 'id' of dataset 'tickets' is not in the file" in str(caught.value)
    assert "the time column 'created_at' of dataset 'tickets' is not in the file" in str(caught.value)
    assert "did you mean 'created'?" in str(caught.value)


def test_time_column_must_hold_dates_or_timestamps(con: duckdb.DuckDBPyConnection, tmp_path: Path) -> None:
    write(tmp_path / "t.csv", "id,when\n1,soon\n")
    message = error_of(con, tmp_path, "t.csv", time="when")
    assert "the time column 'when' of dataset 'tickets' holds string values, not dates or timestamps" in message
    with pytest.raises(DataError, match="holds integer values"):
        probe_schema("tickets", spec("t.csv", time="id"), tmp_path)


def test_unreadable_encoding(con: duckdb.DuckDBPyConnection, tmp_path: Path) -> None:
    (tmp_path / "x.csv").write_bytes(b"a,b\n" + random.Random(7).randbytes(4096) + b"\xff\x80\xff")
    expected = "cannot read x.csv: it is neither UTF-8 nor GB18030; save it as UTF-8"
    assert error_of(con, tmp_path, "x.csv") == expected
    with pytest.raises(DataError, match="neither UTF-8 nor GB18030"):
        probe_schema("x", spec("x.csv"), tmp_path)


def test_inconsistent_column_counts(con: duckdb.DuckDBPyConnection, tmp_path: Path) -> None:
    write(tmp_path / "bad.csv", "a,b,c\n1,2,3\n4,5,6,7\n8,9,10\n")
    assert error_of(con, tmp_path, "bad.csv") == "bad.csv, row 3: expected 3 columns, found 4"
    lines = ["a,b", *(f"{i},{i}" for i in range(25_000)), "1,2,3"]  # beyond DuckDB's sniffing sample
    write(tmp_path / "late.csv", "\n".join(lines) + "\n")
    assert error_of(con, tmp_path, "late.csv") == "late.csv, row 25002: expected 2 columns, found 3"


def test_not_a_workbook_or_parquet(con: duckdb.DuckDBPyConnection, tmp_path: Path) -> None:
    (tmp_path / "x.xlsx").write_bytes(b"not a zip")
    assert error_of(con, tmp_path, "x.xlsx").startswith("x.xlsx: cannot read it as an Excel workbook")
    (tmp_path / "x.parquet").write_bytes(b"not parquet")
    assert error_of(con, tmp_path, "x.parquet").startswith("x.parquet: cannot read it")


def test_header_only_and_empty_files(con: duckdb.DuckDBPyConnection, tmp_path: Path) -> None:
    write(tmp_path / "h.csv", "id,created_at,csat\n")
    loaded = load(con, tmp_path, "h.csv", key="id", time="created_at", columns={"created_at": "timestamp"})
    assert loaded.rows == 0
    assert loaded.schema.columns == {"id": "string", "created_at": "timestamp", "csat": "string"}
    write(tmp_path / "e.csv", "")
    assert error_of(con, tmp_path, "e.csv") == "e.csv: the file is empty; it needs at least a header row"


# ---------------------------------------------------------------------------------------------------------
# Probing is cheap; loading is thorough


def test_probe_reads_only_the_head(con: duckdb.DuckDBPyConnection, tmp_path: Path) -> None:
    head = "id,csat\n" + "".join(f"{i},{i % 5 + 1}\n" for i in range(150_000))  # > 1 MB
    (tmp_path / "big.csv").write_bytes(head.encode() + b"999999,five\n" + b"\xff\xfe\xff\n")
    probed = probe_schema("s", spec("big.csv", columns={"csat": "number"}), tmp_path)
    assert probed.columns == {"id": "integer", "csat": "number"}
    assert "neither UTF-8 nor GB18030" in error_of(con, tmp_path, "big.csv", columns={"csat": "number"})
    (tmp_path / "end.csv").write_bytes(head.encode() + b"999999,five\n")
    probe_schema("s", spec("end.csv", columns={"csat": "number"}), tmp_path)
    message = error_of(con, tmp_path, "end.csv", columns={"csat": "number"})
    assert message == "end.csv, row 150002, column 'csat': 'five' is not a number"


def test_inferred_type_that_changes_after_the_sample(con: duckdb.DuckDBPyConnection, tmp_path: Path) -> None:
    lines = ["id,code", *(f"{i},{i}" for i in range(25_000)), "25000,A-1"]
    write(tmp_path / "late.csv", "\n".join(lines) + "\n")
    loaded = load(con, tmp_path, "late.csv")
    assert loaded.rows == 25_001
    assert loaded.schema.columns == {"id": "integer", "code": "string"}
    assert rows(con, "SELECT code FROM t WHERE id = 25000") == [("A-1",)]
    records = [json.dumps({"id": i, "v": i}) for i in range(25_000)] + ['{"id": 25000, "v": "five"}']
    write(tmp_path / "late.jsonl", "\n".join(records) + "\n")
    assert load(con, tmp_path, "late.jsonl", table="j").schema.columns == {"id": "integer", "v": "string"}
    message = error_of(con, tmp_path, "late.jsonl", columns={"v": "integer"})
    assert message == "late.jsonl, row 25001, column 'v': 'five' is not an integer"


def test_table_name_is_quoted(con: duckdb.DuckDBPyConnection, tmp_path: Path) -> None:
    write(tmp_path / "t.csv", "id\n1\n")
    load(con, tmp_path, "t.csv", table='my "odd" table')
    assert rows(con, 'SELECT id FROM "my ""odd"" table"') == [(1,)]
