"""User-written expressions: what is accepted runs on DuckDB as written; what is not is refused up front."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator
from typing import Any

import duckdb
import pytest

from guifan.engine.errors import ExpressionError
from guifan.engine.expressions import (
    AGGREGATE_FUNCTIONS,
    ALLOWED_FUNCTIONS,
    FUNCTION_GROUPS,
    MAX_LENGTH,
    Expression,
    check_columns,
    parse_expression,
)
from guifan.engine.sql import quote_ident, quote_literal

FIELD = "standards[0].requirements[1].check.where"


@pytest.fixture(scope="module")
def con() -> Iterator[duckdb.DuckDBPyConnection]:
    connection = duckdb.connect()
    connection.execute(
        """
        CREATE TABLE t AS SELECT * FROM (VALUES
            (1, 'A', 'web',      4, 10.0, TIMESTAMP '2026-01-05 10:30:00', TRUE,  '张三', 'x%'),
            (2, 'B', 'internal', 5, 20.0, TIMESTAMP '2026-02-10 23:15:00', FALSE, '李四', NULL),
            (3, 'A', 'phone',    3, 30.0, TIMESTAMP '2026-02-28 08:00:00', TRUE,  NULL,   'ok')
        ) AS v(id, team, channel, csat, x, opened_at, active, "客户 名称", note)
        """
    )
    yield connection
    connection.close()


def rows(con: duckdb.DuckDBPyConnection, text: str) -> list[Any]:
    """The expression's value on each record of t, in id order."""
    expr = parse_expression(text, field=FIELD, mode="row")
    return [row[0] for row in con.execute(f"SELECT {expr.sql} FROM t ORDER BY id").fetchall()]


def aggregate(con: duckdb.DuckDBPyConnection, text: str) -> Any:
    expr = parse_expression(text, field=FIELD, mode="aggregate")
    row = con.execute(f"SELECT {expr.sql} FROM t").fetchone()
    assert row is not None
    return row[0]


# --- accepted -----------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("channel <> 'internal'", [True, False, True]),
        ("csat >= 4", [True, True, False]),
        ("csat >= 4 AND active", [True, False, False]),
        ("NOT active OR team = 'A'", [True, True, True]),
        ("x / 10 + 1", [2.0, 3.0, 4.0]),
        ("id % 2 = 1", [True, False, True]),
        ("csat BETWEEN 4 AND 5", [True, True, False]),
        ("csat NOT BETWEEN 4 AND 5", [False, False, True]),
        ("channel IN ('web', 'phone')", [True, False, True]),
        ("channel NOT IN ('web', 'phone')", [False, True, False]),
        ("channel LIKE 'w%'", [True, False, False]),
        ("team ILIKE 'a'", [True, False, True]),
        ("note IS NULL", [False, True, False]),
        ("note IS NOT NULL", [True, False, True]),
        (
            "CASE WHEN csat >= 5 THEN 'great' WHEN csat >= 4 THEN 'good' ELSE 'poor' END",
            ["good", "great", "poor"],
        ),
        ("CASE team WHEN 'A' THEN 1 ELSE 0 END", [1, 0, 1]),
        ("CAST(csat AS VARCHAR) || '分'", ["4分", "5分", "3分"]),
        ("csat::DOUBLE / 2", [2.0, 2.5, 1.5]),
        ("\"客户 名称\" = '张三'", [True, False, None]),
        ("\"客户 名称\" IN ('张三', '李四')", [True, True, None]),
        ("year(opened_at) = 2026 AND month(opened_at) = 2", [False, True, True]),
        ("date_trunc('month', opened_at) = TIMESTAMP '2026-02-01 00:00:00'", [False, True, True]),
        ("extract(day FROM opened_at)", [5, 10, 28]),
        ("date_part('hour', opened_at)", [10, 23, 8]),
        ("date_diff('day', opened_at, TIMESTAMP '2026-03-01 00:00:00')", [55, 19, 1]),
        ("opened_at < DATE '2026-02-01' + INTERVAL 10 DAY", [True, True, False]),
        ("opened_at + INTERVAL '1 day' > TIMESTAMP '2026-03-01 00:00:00'", [False, False, True]),
        ("TRUE", [True, True, True]),
        ("NULL IS NULL", [True, True, True]),
        ("'it''s'", ["it's", "it's", "it's"]),
        ("coalesce(note, '无')", ["x%", "无", "ok"]),
        ("note LIKE 'x!%' ESCAPE '!'", [True, None, False]),
        ("csat >= 4 -- a comment is allowed and dropped", [True, True, False]),
    ],
)
def test_accepted_expressions_give_the_right_values(
    con: duckdb.DuckDBPyConnection, text: str, expected: list[Any]
) -> None:
    assert rows(con, text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("count(*)", 3),
        ("count(note)", 2),
        ("count(DISTINCT team)", 2),
        ("sum(x)", 60.0),
        ("avg(csat)", 4.0),
        ("min(opened_at)", dt.datetime(2026, 1, 5, 10, 30)),  # a DuckDB TIMESTAMP is naive
        ("max(csat)", 5),
        ("median(x)", 20.0),
        ("quantile_cont(x, 0.9)", pytest.approx(28.0)),
        ("quantile(x, 0.5)", 20.0),
        ("stddev_pop(x)", pytest.approx(8.16496580927726)),
        ("variance(x)", 100.0),
        ("sum(CASE WHEN csat >= 4 THEN 1 ELSE 0 END) * 100.0 / count(*)", pytest.approx(200 / 3)),
        ("round(avg(x), 1)", 20.0),
    ],
)
def test_aggregates_give_the_right_values(con: duckdb.DuckDBPyConnection, text: str, expected: Any) -> None:
    assert aggregate(con, text) == expected


# One call per allowed function: every name on the list is accepted and runs on DuckDB.
FUNCTION_SAMPLES = {
    "count": "count(*)", "sum": "sum(x)", "avg": "avg(x)", "min": "min(x)", "max": "max(x)",
    "median": "median(x)", "quantile": "quantile(x, 0.5)", "quantile_cont": "quantile_cont(x, 0.5)",
    "stddev": "stddev(x)", "stddev_samp": "stddev_samp(x)", "stddev_pop": "stddev_pop(x)",
    "variance": "variance(x)",
    "date_trunc": "date_trunc('week', opened_at)", "date_part": "date_part('month', opened_at)",
    "extract": "extract(year FROM opened_at)", "year": "year(opened_at)", "month": "month(opened_at)",
    "day": "day(opened_at)", "hour": "hour(opened_at)", "minute": "minute(opened_at)",
    "dayofweek": "dayofweek(opened_at)", "isodow": "isodow(opened_at)",
    "date_diff": "date_diff('hour', opened_at, opened_at + INTERVAL 1 DAY)",
    "datediff": "datediff('day', opened_at, opened_at)", "epoch": "epoch(opened_at)",
    "lower": "lower(team)", "upper": "upper(channel)", "length": "length(channel)", "trim": "trim(' a ')",
    "ltrim": "ltrim(' a')", "rtrim": "rtrim('a ')", "substr": "substr(channel, 1, 2)",
    "substring": "substring(channel, 2)", "replace": "replace(channel, 'e', 'E')",
    "concat": "concat(team, '-', channel)", "starts_with": "starts_with(channel, 'w')",
    "ends_with": "ends_with(channel, 'e')", "contains": "contains(channel, 'n')",
    "regexp_matches": "regexp_matches(channel, '^[a-z]+$')", "left": "left(channel, 1)",
    "right": "right(channel, 1)", "strpos": "strpos(channel, 'e')",
    "abs": "abs(x - 20)", "round": "round(x / 3, 2)", "floor": "floor(x / 3)", "ceil": "ceil(x / 3)",
    "sqrt": "sqrt(x)", "ln": "ln(x)", "log10": "log10(x)", "exp": "exp(csat)", "power": "power(x, 2)",
    "pow": "pow(x, 2)", "greatest": "greatest(x, 15)", "least": "least(x, 15)",
    "coalesce": "coalesce(note, 'none')", "nullif": "nullif(team, 'A')", "if": "if(active, 1, 0)",
    "iff": "iff(active, 1, 0)",
}  # fmt: skip


def test_every_allowed_function_has_a_sample() -> None:
    assert set(FUNCTION_SAMPLES) == ALLOWED_FUNCTIONS


@pytest.mark.parametrize("name", sorted(FUNCTION_SAMPLES))
def test_every_allowed_function_runs_on_duckdb(con: duckdb.DuckDBPyConnection, name: str) -> None:
    expr = parse_expression(FUNCTION_SAMPLES[name], field=FIELD, mode="any")
    assert expr.is_aggregate == (name in AGGREGATE_FUNCTIONS)
    con.execute(f"SELECT {expr.sql} FROM t").fetchall()


def test_function_groups_document_exactly_the_allowed_functions() -> None:
    listed = [name for names in FUNCTION_GROUPS.values() for name in names]
    assert len(listed) == len(set(listed))
    assert set(listed) == ALLOWED_FUNCTIONS
    assert set(FUNCTION_GROUPS["aggregates"]) == AGGREGATE_FUNCTIONS
    assert all(name == name.lower() for name in ALLOWED_FUNCTIONS)
    assert not {"now", "today", "read_csv", "getenv"} & ALLOWED_FUNCTIONS


def test_iff_is_written_as_case_because_duckdb_has_no_iff(con: duckdb.DuckDBPyConnection) -> None:
    expr = parse_expression("iff(csat >= 4, 'ok', 'low')", field=FIELD)
    assert "IFF" not in expr.sql.upper()
    assert rows(con, "iff(csat >= 4, 'ok', 'low')") == ["ok", "ok", "low"]


# --- the Expression ----------------------------------------------------------------------------------------


def test_expression_records_source_columns_and_quoted_sql() -> None:
    text = "csat >= 4 AND \"客户 名称\" <> '张三' AND Team = 'A'"
    expr = parse_expression(text, field=FIELD)
    assert expr == Expression(
        source=text,
        sql='"csat" >= 4 AND "客户 名称" <> \'张三\' AND "Team" = \'A\'',
        columns=frozenset({"csat", "客户 名称", "Team"}),
        is_aggregate=False,
    )


def test_sql_quotes_names_the_way_quote_ident_does() -> None:
    expr = parse_expression('"we""ird" IS NULL OR plain IS NULL', field=FIELD)
    assert expr.columns == {'we"ird', "plain"}
    assert quote_ident('we"ird') in expr.sql
    assert quote_ident("plain") in expr.sql


def test_bare_keywords_used_as_column_names_stay_columns() -> None:
    # Quoting every identifier means a word DuckDB might read as something else is only ever a column.
    expr = parse_expression("value > 1 AND status = 'open' AND year > 2000", field=FIELD)
    assert expr.columns == {"value", "status", "year"}
    assert '"value"' in expr.sql
    assert '"year"' in expr.sql


def test_comments_are_not_carried_into_the_sql() -> None:
    expr = parse_expression("csat >= 4 /* keep? */ -- no */ DROP TABLE t", field=FIELD)
    assert expr.sql == '"csat" >= 4'


def test_count_star_has_no_columns() -> None:
    expr = parse_expression("count(*)", field=FIELD, mode="aggregate")
    assert expr.columns == frozenset()
    assert expr.is_aggregate


def test_quote_helpers() -> None:
    assert quote_ident('a"b') == '"a""b"'
    assert quote_ident("客户 名称") == '"客户 名称"'
    assert quote_literal("it's") == "'it''s'"
    literal = quote_literal("it's '中文'")
    assert duckdb.connect().execute(f"SELECT {literal}").fetchone() == ("it's '中文'",)


# --- refused ------------------------------------------------------------------------------------------------

HOSTILE = [
    ("1; DROP TABLE t", "several statements"),
    ("csat >= 4;", "';'"),
    ("read_csv('/etc/passwd')", "function read_csv is not allowed"),
    ("read_parquet('s3://bucket/x.parquet')", "function read_parquet"),
    ("\"read_csv\"('/etc/passwd')", "function read_csv"),
    ("(SELECT 1)", "subquery `(SELECT 1)`"),
    ("x IN (SELECT id FROM t)", "subquery"),
    ("EXISTS (SELECT 1)", "subquery"),
    ("csat = ANY (SELECT 1)", "subquery"),
    ("SELECT 1", "SELECT statements"),
    ("COPY t TO '/tmp/x'", "COPY statements"),
    ("ATTACH 'x.db'", "ATTACH statements"),
    ("INSTALL httpfs", "INSTALL statements"),
    ("LOAD httpfs", "LOAD statements"),
    ("SET threads=1", "SET statements"),
    ("PRAGMA version", "PRAGMA statements"),
    ("CREATE TABLE x (a INT)", "CREATE statements"),
    ("DROP TABLE t", "DROP statements"),
    ("INSERT INTO t VALUES (1)", "INSERT statements"),
    ("getenv('HOME')", "function getenv"),
    ("current_setting('threads')", "function current_setting"),
    ("glob('*')", "function glob"),
    ("sum(x) OVER ()", "window function `SUM(x) OVER ()`"),
    ("row_number() OVER (ORDER BY id)", "function row_number"),
    ("now()", "function now"),
    ("today()", "function today"),
    ("current_date", "function current_date"),
    ("opened_at > current_timestamp - INTERVAL 1 DAY", "function current_timestamp"),
    ("random() < 0.5", "function random"),
    ("t.csat >= 4", "table-qualified column `t.csat`"),
    ("main.t.csat >= 4", "table-qualified column"),
    ("csat >= $1", "parameter `$1`"),
    ("csat >= ?", "parameter `?`"),
    ("*", "* is only allowed in count(*)"),
    ("sum(*)", "* is only allowed in count(*)"),
    ("csat & 1", "`csat & 1`"),
    ("[1, 2]", "`[1, 2]`"),
    ("tags[1] = 'x'", "`tags[1]`"),
    ("payload ->> 'x'", "`payload ->> '$.x'`"),
    ("CAST(x AS JSON)", "cast to JSON"),
    ("CAST(x AS INT[])", "cast to INT[]"),
    ("count(*) FILTER (WHERE csat > 3)", "FILTER"),
    ("count(DISTINCT team, channel)", "DISTINCT"),
    (
        "extract(\"year from opened_at) + read_csv('/etc/passwd') + extract(year\" FROM opened_at)",
        "date part",
    ),
    ("date_trunc('month); DROP TABLE t; --', opened_at)", "date part"),
    ("ceiling(x)", "did you mean 'ceil'?"),
    ("md5(team)", "function md5"),
]


@pytest.mark.parametrize(("text", "named"), HOSTILE)
def test_hostile_expressions_are_refused_naming_the_offending_part(text: str, named: str) -> None:
    with pytest.raises(ExpressionError) as caught:
        parse_expression(text, field=FIELD, mode="any")
    message = str(caught.value)
    assert message.startswith(f"field {FIELD}: ")
    assert named in message


def test_refusal_message_reads_as_documented() -> None:
    with pytest.raises(ExpressionError) as caught:
        parse_expression("read_csv('/etc/passwd')", field=FIELD)
    assert str(caught.value) == (
        f"field {FIELD}: function read_csv is not allowed in an expression "
        "(allowed functions are listed in docs/expressions.md)"
    )
    assert caught.value.problems[0].location.field == FIELD


def test_a_statement_word_used_as_a_column_gets_a_quoting_hint() -> None:
    with pytest.raises(ExpressionError, match='write it in double quotes: "comment"'):
        parse_expression("comment IS NULL", field=FIELD)
    assert parse_expression('"comment" IS NULL', field=FIELD).columns == {"comment"}


@pytest.mark.parametrize(
    ("text", "named"),
    [
        ("", "empty"),
        ("   ", "empty"),
        ("-- only a comment", "empty"),
        ("csat >=", "incomplete at character 6 near `>=`"),
        ("csat IN (1,", "character 11"),
        ("team = 'A", "the ' at character 8 is never closed"),
        ("x" * (MAX_LENGTH + 1), "too long"),
        ("(" * 30 + "csat" + ")" * 30, "nested too deeply"),
        ("NOT " * 200 + "active", "nested too deeply"),
        (" OR ".join(["active"] * 500), "nested too deeply"),
    ],
)
def test_malformed_input_is_refused_with_a_reason(text: str, named: str) -> None:
    with pytest.raises(ExpressionError, match="^field " + re.escape(FIELD)) as caught:
        parse_expression(text, field=FIELD)
    assert named in str(caught.value)


def test_long_but_flat_expressions_are_fine() -> None:
    values = ", ".join(str(n) for n in range(1500))
    assert parse_expression(f"csat IN ({values})", field=FIELD).columns == {"csat"}


# --- modes --------------------------------------------------------------------------------------------------


def test_row_mode_refuses_aggregates() -> None:
    with pytest.raises(ExpressionError, match="aggregate function avg is not allowed here"):
        parse_expression("avg(csat) > 4", field=FIELD)


def test_aggregate_mode_requires_an_aggregate() -> None:
    with pytest.raises(ExpressionError, match="is not an aggregate"):
        parse_expression("csat >= 4", field=FIELD, mode="aggregate")


def test_aggregate_mode_refuses_columns_outside_aggregates() -> None:
    with pytest.raises(ExpressionError, match="column team is used outside an aggregate function"):
        parse_expression("avg(csat) + length(team)", field=FIELD, mode="aggregate")


def test_aggregates_cannot_nest() -> None:
    with pytest.raises(ExpressionError, match="inside another aggregate"):
        parse_expression("avg(sum(csat))", field=FIELD, mode="aggregate")


def test_any_mode_takes_either() -> None:
    assert not parse_expression("csat >= 4", field=FIELD, mode="any").is_aggregate
    assert parse_expression("avg(csat) >= 4", field=FIELD, mode="any").is_aggregate
    with pytest.raises(ExpressionError, match="outside an aggregate"):
        parse_expression("avg(csat) >= csat", field=FIELD, mode="any")


# --- columns ------------------------------------------------------------------------------------------------


def test_check_columns_accepts_known_columns() -> None:
    expr = parse_expression('csat >= 4 AND "客户 名称" IS NOT NULL', field=FIELD)
    check_columns(expr, ["id", "csat", "客户 名称"], field=FIELD, dataset="surveys")


def test_check_columns_names_unknown_columns_with_a_hint() -> None:
    expr = parse_expression("cstat >= 4 AND chanel <> 'internal'", field=FIELD)
    with pytest.raises(ExpressionError) as caught:
        check_columns(expr, ["csat", "channel", "team"], field=FIELD, dataset="surveys")
    assert [str(problem) for problem in caught.value.problems] == [
        f"field {FIELD}: column 'chanel' is not in dataset 'surveys' (did you mean 'channel'?)",
        f"field {FIELD}: column 'cstat' is not in dataset 'surveys' (did you mean 'csat'?)",
    ]


def test_check_columns_is_case_sensitive_and_says_so() -> None:
    expr = parse_expression("CSAT >= 4", field=FIELD)
    with pytest.raises(ExpressionError, match="did you mean 'csat'\\? column names are case-sensitive"):
        check_columns(expr, ["csat"], field=FIELD, dataset="surveys")


def test_check_columns_lists_the_columns_when_nothing_is_close() -> None:
    expr = parse_expression("zzz = 1", field=FIELD)
    with pytest.raises(ExpressionError, match="its columns are csat, team"):
        check_columns(expr, ["team", "csat"], field=FIELD, dataset="surveys")
