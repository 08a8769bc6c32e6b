"""User-written expressions (``where``, ``value``, ``each`` ...): a safe subset of SQL.

An expression is parsed with sqlglot (DuckDB dialect) and every node of the tree is checked against a positive
whitelist of node classes before anything runs; the SQL handed to DuckDB is regenerated from the checked tree,
never the text the user wrote, with every column name quoted. Function names are checked twice: as written
(the word before ``(``) against :data:`ALLOWED_FUNCTIONS`, and as parsed (the node class) against the classes
those names parse to. The allowed syntax is described in docs/expressions.md.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Collection, Iterator, Sequence
from dataclasses import dataclass
from typing import Literal

from sqlglot import Token, TokenType, exp
from sqlglot.dialects.duckdb import DuckDB
from sqlglot.errors import ErrorLevel, ParseError, SqlglotError, TokenError

from guifan.engine.errors import ExpressionError, Location, Problem, did_you_mean

Mode = Literal["row", "aggregate", "any"]

MAX_LENGTH = 10_000
# sqlglot's parser is recursive (about 20 Python frames per bracket level), so nesting is bounded up front.
MAX_NESTING = 20
MAX_DEPTH = 200  # nodes from the root to the deepest leaf; DuckDB's own limit is 1000
DOCS = "docs/expressions.md"

_DIALECT = DuckDB()

# name as written -> the sqlglot class it parses to (exp.Anonymous: passed through to DuckDB by name).
_FUNCTIONS: dict[str, dict[str, type[exp.Expr]]] = {
    "aggregates": {
        "count": exp.Count,
        "sum": exp.Sum,
        "avg": exp.Avg,
        "min": exp.Min,
        "max": exp.Max,
        "median": exp.Median,
        "quantile": exp.Quantile,
        "quantile_cont": exp.PercentileCont,
        "stddev": exp.Stddev,
        "stddev_samp": exp.StddevSamp,
        "stddev_pop": exp.StddevPop,
        "variance": exp.Variance,
    },
    "dates": {
        "date_trunc": exp.TimestampTrunc,
        "date_part": exp.Anonymous,
        "extract": exp.Extract,
        "year": exp.Year,
        "month": exp.Month,
        "day": exp.Day,
        "hour": exp.Hour,
        "minute": exp.Minute,
        "dayofweek": exp.DayOfWeek,
        "isodow": exp.DayOfWeekIso,
        "date_diff": exp.DateDiff,
        "datediff": exp.DateDiff,
        "epoch": exp.TimeToUnix,
    },
    "strings": {
        "lower": exp.Lower,
        "upper": exp.Upper,
        "length": exp.Length,
        "trim": exp.Trim,
        "ltrim": exp.Trim,
        "rtrim": exp.Trim,
        "substr": exp.Substring,
        "substring": exp.Substring,
        "replace": exp.Replace,
        "concat": exp.Concat,
        "starts_with": exp.StartsWith,
        "ends_with": exp.EndsWith,
        "contains": exp.Contains,
        "regexp_matches": exp.RegexpLike,
        "left": exp.Left,
        "right": exp.Right,
        "strpos": exp.StrPosition,
    },
    "math": {
        "abs": exp.Abs,
        "round": exp.Round,
        "floor": exp.Floor,
        "ceil": exp.Ceil,
        "sqrt": exp.Sqrt,
        "ln": exp.Ln,
        "log10": exp.Log,
        "exp": exp.Exp,
        "power": exp.Pow,
        "pow": exp.Pow,
        "greatest": exp.Greatest,
        "least": exp.Least,
    },
    "conditionals": {
        "coalesce": exp.Coalesce,
        "nullif": exp.Nullif,
        "if": exp.If,
        "iff": exp.Anonymous,
    },
}

FUNCTION_GROUPS: dict[str, tuple[str, ...]] = {group: tuple(names) for group, names in _FUNCTIONS.items()}
_FUNCTION_CLASSES: dict[str, type[exp.Expr]] = {
    name: kind for names in _FUNCTIONS.values() for name, kind in names.items()
}
ALLOWED_FUNCTIONS: frozenset[str] = frozenset(_FUNCTION_CLASSES)
AGGREGATE_FUNCTIONS: frozenset[str] = frozenset(_FUNCTIONS["aggregates"])

_ANONYMOUS_NAMES = frozenset(n for n, c in _FUNCTION_CLASSES.items() if c is exp.Anonymous)
_AGGREGATE_CLASSES = frozenset(_FUNCTIONS["aggregates"].values())
_CLASS_NAMES = {kind: name for name, kind in reversed(_FUNCTION_CLASSES.items())}  # the first name wins

# Syntax that is not a function call: operators, literals, CASE, CAST, INTERVAL ...
_SYNTAX: frozenset[type[exp.Expr]] = frozenset(
    {
        exp.Literal, exp.Boolean, exp.Null, exp.Paren, exp.Neg, exp.Not, exp.And, exp.Or,
        exp.Add, exp.Sub, exp.Mul, exp.Div, exp.Mod, exp.IntDiv, exp.DPipe,
        exp.EQ, exp.NEQ, exp.GT, exp.GTE, exp.LT, exp.LTE, exp.NullSafeEQ, exp.NullSafeNEQ,
        exp.Is, exp.In, exp.Between, exp.Like, exp.ILike, exp.Escape,
        exp.Case, exp.Cast, exp.TryCast, exp.Interval,
    }
)  # fmt: skip
_ALLOWED_CLASSES = _SYNTAX | (frozenset(_FUNCTION_CLASSES.values()) - {exp.Anonymous})
_SYNTAX_CALLS = frozenset({"cast", "try_cast"})  # words before "(" that are syntax, not functions
_CLOCK_FUNCTIONS = frozenset(
    {"now", "today", "current_date", "current_time", "current_timestamp", "get_current_time",
     "get_current_timestamp", "transaction_timestamp", "localtime", "localtimestamp"}
)  # fmt: skip
_CLOCK_CLASSES = (exp.CurrentDate, exp.CurrentTime, exp.CurrentTimestamp, exp.CurrentDatetime)

_CAST_TYPES = {
    exp.DataType.Type.BOOLEAN: "BOOLEAN",
    exp.DataType.Type.TINYINT: "TINYINT",
    exp.DataType.Type.SMALLINT: "SMALLINT",
    exp.DataType.Type.INT: "INTEGER",
    exp.DataType.Type.BIGINT: "BIGINT",
    exp.DataType.Type.FLOAT: "FLOAT",
    exp.DataType.Type.DOUBLE: "DOUBLE",
    exp.DataType.Type.DECIMAL: "DECIMAL",
    exp.DataType.Type.TEXT: "VARCHAR",
    exp.DataType.Type.VARCHAR: "VARCHAR",
    exp.DataType.Type.DATE: "DATE",
    exp.DataType.Type.TIME: "TIME",
    exp.DataType.Type.TIMESTAMP: "TIMESTAMP",
    exp.DataType.Type.TIMESTAMPNTZ: "TIMESTAMP",
    exp.DataType.Type.TIMESTAMPTZ: "TIMESTAMPTZ",
    exp.DataType.Type.INTERVAL: "INTERVAL",
}
_DATE_PART = re.compile(r"[A-Za-z_]{1,32}")
_STATEMENT_TOKENS = (
    frozenset(_DIALECT.parser_class.STATEMENT_PARSERS)
    | frozenset(_DIALECT.tokenizer_class.COMMANDS)
    | {TokenType.SELECT, TokenType.WITH, TokenType.FROM, TokenType.VALUES}
) - {TokenType.SEMICOLON}
_OPENING = frozenset({TokenType.L_PAREN, TokenType.L_BRACKET, TokenType.L_BRACE, TokenType.CASE})
_CLOSING = frozenset({TokenType.R_PAREN, TokenType.R_BRACKET, TokenType.R_BRACE, TokenType.END})


@dataclass(frozen=True)
class Expression:
    """A checked expression and the DuckDB SQL regenerated from it."""

    source: str  # what the user wrote
    sql: str  # DuckDB SQL fragment regenerated from the checked tree, column names quoted
    columns: frozenset[str]  # column names referenced, as written
    is_aggregate: bool  # contains an aggregate function


def parse_expression(text: str, *, field: str, mode: Mode = "row") -> Expression:
    """Check ``text`` and return it as an :class:`Expression`; raise :class:`ExpressionError` if not allowed.

    ``mode``: ``"row"`` refuses aggregates (``where``, ``each``), ``"aggregate"`` requires one and refuses
    columns outside aggregates (``value``), ``"any"`` accepts either.
    """
    if not text.strip():
        raise _error(field, "the expression is empty")
    if len(text) > MAX_LENGTH:
        limit = f"{len(text):,} characters; the limit is {MAX_LENGTH:,}"
        raise _error(field, f"the expression is too long ({limit})")
    try:
        tokens = _tokenize(text, field)
        _check_tokens(tokens, field)
        root = _parse(tokens, text, field)
        _check_tree(root, text, field)
        is_aggregate = _check_mode(root, text, mode, field)
        columns = frozenset(column.name for column in root.find_all(exp.Column))
        sql = _to_sql(root, field)
    except RecursionError:
        raise _error(field, "the expression is nested too deeply") from None
    return Expression(source=text, sql=sql, columns=columns, is_aggregate=is_aggregate)


def check_columns(expr: Expression, available: Collection[str], *, field: str, dataset: str) -> None:
    """Raise :class:`ExpressionError` naming every column of ``expr`` that ``dataset`` does not have."""
    known = set(available)
    unknown = sorted(name for name in expr.columns if name not in known)
    if unknown:
        raise ExpressionError(
            Problem(
                f"column {name!r} is not in dataset {dataset!r}",
                Location(field=field),
                _column_hint(name, known),
            )
            for name in unknown
        )


def _column_hint(name: str, known: Collection[str]) -> str | None:
    same_letters = [column for column in known if column.lower() == name.lower()]
    if same_letters:
        return f"did you mean {same_letters[0]!r}? column names are case-sensitive"
    return did_you_mean(name, known) or (f"its columns are {_listing(known)}" if known else None)


def _listing(names: Collection[str], limit: int = 12) -> str:
    shown = sorted(names)[:limit]
    more = f" and {len(names) - limit} more" if len(names) > limit else ""
    return ", ".join(shown) + more


def _error(field: str, message: str, hint: str | None = None) -> ExpressionError:
    return ExpressionError(Problem(message, Location(field=field), hint))


# --- text and tokens ---------------------------------------------------------------------------------------


def _tokenize(text: str, field: str) -> list[Token]:
    try:
        tokens = _DIALECT.tokenize(text)
    except TokenError as error:
        raise _error(field, f"cannot read the expression: {_token_reason(error)}") from None
    if not tokens:
        raise _error(field, "the expression is empty (it holds only a comment)")
    return tokens


def _token_reason(error: TokenError) -> str:
    cause = str(error.__cause__ or error)
    missing = re.fullmatch(r"Missing (.) from (\d+):(\d+)", cause)
    if missing:
        quote, line, column = missing.groups()
        return f"the {quote} at {_position(int(line), int(column) + 1)} is never closed"
    return cause


def _position(line: int, column: int) -> str:
    return f"character {column}" if line == 1 else f"line {line}, character {column}"


def _check_tokens(tokens: Sequence[Token], field: str) -> None:
    """Refuse what is visible without parsing: statements, ``;``, deep nesting, unlisted function names."""
    first = tokens[0]
    if first.token_type in _STATEMENT_TOKENS:
        word = first.text
        raise _error(
            field,
            f"{word.upper()} statements are not allowed: an expression is a single value such as csat >= 4",
            f'if {word} is a column, write it in double quotes: "{word}"',
        )
    depth = 0
    for token, following in zip(tokens, [*tokens[1:], None], strict=True):
        if token.token_type == TokenType.SEMICOLON:
            where = _position(token.line, token.col)
            raise _error(field, f"several statements are not allowed (';' at {where})", "remove the ';'")
        depth += (token.token_type in _OPENING) - (token.token_type in _CLOSING)
        if depth > MAX_NESTING:
            raise _error(field, f"the expression is nested too deeply (more than {MAX_NESTING} levels)")
        if following is not None and following.token_type == TokenType.L_PAREN:
            _check_called_name(token, field)


def _check_called_name(token: Token, field: str) -> None:
    # Keyword-named calls (LEFT, REPLACE, GLOB, EXISTS ...) are left to the tree check by class.
    if token.token_type not in (TokenType.VAR, TokenType.IDENTIFIER):
        return
    name = token.text.lower()
    if name not in ALLOWED_FUNCTIONS and name not in _SYNTAX_CALLS:
        raise _function_error(name, field)


def _function_error(name: str, field: str) -> ExpressionError:
    return _error(field, *_function_refusal(name))


# --- parsing -----------------------------------------------------------------------------------------------


def _parse(tokens: list[Token], text: str, field: str) -> exp.Expr:
    try:
        trees = _DIALECT.parser(error_level=ErrorLevel.IMMEDIATE).parse(tokens, text)
    except ParseError as error:
        raise _error(field, f"cannot parse the expression: {_parse_reason(error)}") from None
    if len(trees) != 1 or trees[0] is None:
        raise _error(field, "the expression is empty")
    return trees[0]


def _parse_reason(error: ParseError) -> str:
    if not error.errors:
        return str(error)
    first = error.errors[0]
    description = str(first.get("description", ""))
    if description.startswith("Required keyword"):
        description = "the expression is incomplete"
    description = re.sub(r"<class '(?:[\w.]+\.)?(\w+)'>", r"\1", description)
    line, column, near = first.get("line"), first.get("col"), first.get("highlight")
    if isinstance(line, int) and isinstance(column, int):
        start = column - len(near) + 1 if isinstance(near, str) else column  # sqlglot points at the end
        description += f" at {_position(line, max(start, 1))}"
    return description + (f" near `{near}`" if near else "")


# --- the tree ----------------------------------------------------------------------------------------------


def _walk(root: exp.Expr) -> Iterator[tuple[exp.Expr, int]]:
    """Every node with its depth, parents before children, without recursion."""
    stack = [(root, 1)]
    while stack:
        node, depth = stack.pop()
        yield node, depth
        stack.extend((child, depth + 1) for child in node.iter_expressions(reverse=True))


def _check_tree(root: exp.Expr, text: str, field: str) -> None:
    for node, depth in _walk(root):
        if depth > MAX_DEPTH:
            raise _error(field, f"the expression is nested too deeply (more than {MAX_DEPTH} levels)")
        refusal = _refusal(node, text)
        if refusal is not None:
            raise _error(field, *refusal)


Refusal = tuple[str, str | None]  # message, hint


def _refusal(node: exp.Expr, text: str) -> Refusal | None:
    """Why ``node`` is not allowed, or None if it is."""
    kind = type(node)
    context_check = _CONTEXT_CHECKS.get(kind)
    if context_check is not None:
        return context_check(node)
    if kind is exp.Anonymous:
        return _check_anonymous(node)
    if kind in _ALLOWED_CLASSES:
        return None
    return _describe(node, text)


def _check_anonymous(node: exp.Expr) -> Refusal | None:
    """A function sqlglot does not know: passed to DuckDB by name, so the name must be listed."""
    name = node.name.lower()
    if name not in _ANONYMOUS_NAMES:
        return _function_refusal(name)
    if name == "iff" and len(node.expressions) != 3:
        return (
            f"iff takes 3 arguments, not {len(node.expressions)}",
            "iff(condition, value_if_true, value_if_false)",
        )
    return None


def _function_refusal(name: str) -> Refusal:
    if name in _CLOCK_FUNCTIONS:
        return f"function {name} is not allowed", "results must not depend on when the check runs"
    listed = f"allowed functions are listed in {DOCS}"
    close = did_you_mean(name, ALLOWED_FUNCTIONS)
    return f"function {name} is not allowed in an expression", f"{close} {listed}" if close else listed


def _written_name(node: exp.Expr, text: str) -> str | None:
    """The function name as the user wrote it, when sqlglot kept its position."""
    start, end = node.meta.get("start"), node.meta.get("end")
    if not isinstance(start, int) or not isinstance(end, int):
        return None
    word = text[start : end + 1].strip('"')
    return word.lower() if re.fullmatch(r"\w+", word) else None


def _describe(node: exp.Expr, text: str = "") -> Refusal:
    """The refusal of a node that is not on the whitelist, worded for the common cases."""
    if isinstance(node, exp.Window):
        return f"window function `{_snippet(node)}` is not allowed", "OVER (...) is not supported"
    if isinstance(node, exp.Query | exp.SubqueryPredicate):
        return f"subquery `{_snippet(node)}` is not allowed", "an expression reads the records of one dataset"
    if isinstance(node, exp.Placeholder):
        return f"parameter `{_snippet(node)}` is not allowed", "write the value itself"
    if isinstance(node, _CLOCK_CLASSES):
        return _function_refusal(node.sql_name().lower())
    name = _written_name(node, text) if isinstance(node, exp.Func) else None
    if name is not None:
        return _function_refusal(name)
    return f"`{_snippet(node)}` is not allowed in an expression", f"the allowed syntax is described in {DOCS}"


def _snippet(node: exp.Expr, limit: int = 80) -> str:
    try:
        text = node.sql(dialect=_DIALECT, comments=False)
    except SqlglotError:
        text = type(node).__name__
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _check_column(node: exp.Expr) -> Refusal | None:
    if any(node.args.get(part) for part in ("table", "db", "catalog")):
        return (
            f"table-qualified column `{_snippet(node)}` is not allowed",
            'an expression sees one dataset: write the column name alone, or "a.b" in double quotes '
            "if the name itself contains a dot",
        )
    return None if isinstance(node.this, exp.Identifier) else _describe(node)


def _check_identifier(node: exp.Expr) -> Refusal | None:
    return None if isinstance(node.parent, exp.Column) and node.arg_key == "this" else _describe(node)


def _check_var(node: exp.Expr) -> Refusal | None:
    """A bare word is only allowed as a date part (``INTERVAL 1 DAY``, ``extract(year FROM ts)``)."""
    is_unit = node.arg_key == "unit" or (isinstance(node.parent, exp.Extract) and node.arg_key == "this")
    if not is_unit:
        return _describe(node)
    # sqlglot writes a Var back verbatim, so its text must be a plain word.
    if not _DATE_PART.fullmatch(node.name):
        return f"{node.name!r} is not a date part", "use a name such as year, month, day, hour or minute"
    return None


def _check_star(node: exp.Expr) -> Refusal | None:
    if isinstance(node.parent, exp.Count) and node.arg_key == "this":
        return None
    return "* is only allowed in count(*)", None


def _check_distinct(node: exp.Expr) -> Refusal | None:
    parent = node.parent
    in_aggregate = type(parent) in _AGGREGATE_CLASSES and node.arg_key == "this"
    if in_aggregate and len(node.expressions) == 1 and not node.args.get("on"):
        return None
    return "DISTINCT is only allowed with one argument inside an aggregate", "e.g. count(DISTINCT team)"


def _check_data_type(node: exp.Expr) -> Refusal | None:
    if isinstance(node.parent, exp.Cast) and node.arg_key == "to" and node.this in _CAST_TYPES:
        return None
    allowed = ", ".join(dict.fromkeys(_CAST_TYPES.values()))
    return f"cast to {_snippet(node)} is not allowed", f"cast to one of {allowed}"


def _check_type_parameter(node: exp.Expr) -> Refusal | None:
    if isinstance(node.parent, exp.DataType) and isinstance(node.this, exp.Literal) and node.this.is_int:
        return None
    return _describe(node)


_CONTEXT_CHECKS: dict[type[exp.Expr], Callable[[exp.Expr], Refusal | None]] = {
    exp.Column: _check_column,
    exp.Identifier: _check_identifier,
    exp.Var: _check_var,
    exp.Star: _check_star,
    exp.Distinct: _check_distinct,
    exp.DataType: _check_data_type,
    exp.DataTypeParam: _check_type_parameter,
}


# --- aggregates --------------------------------------------------------------------------------------------


def _check_mode(root: exp.Expr, text: str, mode: Mode, field: str) -> bool:
    """Check aggregates against ``mode``; return whether the expression is an aggregate."""
    aggregates = [node for node, _ in _walk(root) if type(node) in _AGGREGATE_CLASSES]
    for aggregate in aggregates:
        name = _CLASS_NAMES[type(aggregate)]
        if mode == "row":
            raise _error(
                field,
                f"aggregate function {name} is not allowed here",
                "this field is evaluated for each record; aggregates belong in value:",
            )
        if aggregate.find_ancestor(exp.AggFunc) is not None:
            raise _error(field, f"aggregate function {name} is used inside another aggregate")
    if not aggregates:
        if mode == "aggregate":
            hint = "write an aggregate such as avg(csat) or count(*)"
            raise _error(field, f"`{text.strip()}` is not an aggregate", hint)
        return False
    for column in root.find_all(exp.Column):
        if column.find_ancestor(exp.AggFunc) is None:
            raise _error(
                field,
                f"column {column.name} is used outside an aggregate function",
                f"an aggregate gives one value per group; use e.g. max({column.name})",
            )
    return True


# --- SQL ---------------------------------------------------------------------------------------------------


def _to_sql(root: exp.Expr, field: str) -> str:
    for identifier in root.find_all(exp.Identifier):
        identifier.set("quoted", True)
    try:
        return root.transform(_iff_as_if, copy=False).sql(
            dialect=_DIALECT, comments=False, unsupported_level=ErrorLevel.RAISE
        )
    except SqlglotError as error:
        raise _error(field, f"the expression cannot be written as DuckDB SQL: {error}") from None


def _iff_as_if(node: exp.Expr) -> exp.Expr:
    """DuckDB has no ``iff``: write it as ``if`` (sqlglot turns that into CASE)."""
    if isinstance(node, exp.Anonymous) and node.name.lower() == "iff":
        condition, if_true, if_false = node.expressions
        return exp.If(this=condition, true=if_true, false=if_false)
    return node
