"""Constraints as written in a pack (``response: [A, B]``, ``within: {from: A, to: B, limit: 72h}``...) and
their parsing into typed :class:`Constraint` values, with a problem at the entry's place for every mistake."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from guifan.engine.checks.base import Issue
from guifan.engine.errors import did_you_mean
from guifan.engine.values import Duration

UNARY = ("existence", "absence", "init", "end")
BINARY = (
    "responded_existence",
    "coexistence",
    "not_coexistence",
    "response",
    "precedence",
    "succession",
    "alternate_response",
    "alternate_precedence",
    "alternate_succession",
    "chain_response",
    "chain_precedence",
    "chain_succession",
    "not_succession",
    "not_chain_succession",
)
OTHER = ("exactly", "order", "within", "case_within", "different_resource", "by_role")
TEMPLATES = UNARY + BINARY + OTHER

Path = tuple[str | int, ...]


@dataclass(frozen=True)
class Constraint:
    """One constraint: its template, the activities it names (in the written order) and its parameters."""

    template: str
    activities: tuple[str, ...] = ()
    optional: tuple[bool, ...] = ()  # order: which steps may be left out
    n: int = 0  # exactly: how many times
    limit: Duration | None = None  # within, case_within
    roles: tuple[str, ...] = ()  # by_role: the roles allowed
    path: Path = ()  # where it is written, relative to the check

    @property
    def label(self) -> str:
        """How results name it: ``response(register,notify)``."""
        if self.template == "exactly":
            args = [*self.activities, str(self.n)]
        elif self.template == "order":
            args = [a + ("?" if o else "") for a, o in zip(self.activities, self.optional, strict=True)]
        elif self.template in ("within", "case_within"):
            args = [*self.activities, str(self.limit)]
        elif self.template == "by_role":
            args = [*self.activities, "|".join(self.roles)]
        else:
            args = list(self.activities)
        return f"{self.template}({','.join(args)})"


class _ProblemsError(Exception):
    def __init__(self, issues: list[Issue]) -> None:
        self.issues = issues


def _fail(path: Path, message: str, hint: str | None = None) -> _ProblemsError:
    return _ProblemsError([Issue(path, message, hint)])


def _name(value: Any, path: Path) -> str:
    """An activity or role name; YAML may have read it as a number."""
    if isinstance(value, bool) or not isinstance(value, str | int | float) or str(value).strip() == "":
        raise _fail(path, f"{value!r} is not an activity name", "write the name as it appears in the log")
    return str(value)


def _names(value: Any, path: Path, least: int, what: str) -> list[str]:
    if not isinstance(value, list) or len(value) < least:
        raise _fail(path, f"{path[-1]} takes a list of {what}", f"e.g. [{', '.join('ABCD'[: max(least, 2)])}]")
    names = [_name(v, (*path, i)) for i, v in enumerate(value)]
    if len(set(names)) < len(names):
        raise _fail(path, f"{path[-1]} names the same activity twice", "name different activities")
    return names


def _duration(value: Any, path: Path) -> Duration:
    try:
        limit = Duration.parse(value)
    except ValueError as exc:
        raise _fail(path, str(exc)) from None
    if limit.months is not None:
        raise _fail(path, f"{limit.source} is a calendar length", "write it in s, m, h, d or w (30d, not 1mo)")
    return limit


def _mapping(value: Any, path: Path, keys: tuple[str, ...], example: str) -> Mapping[str, Any]:
    if not isinstance(value, dict):
        raise _fail(path, f"{path[-1]} takes a mapping", f"e.g. {example}")
    for key in value:
        if key not in keys:
            raise _fail((*path, key), f"unknown field {key!r}", did_you_mean(str(key), keys) or f"write {example}")
    for key in keys:
        if key not in value:
            raise _fail(path, f"{path[-1]} needs {key}:", f"e.g. {example}")
    return value


def _unary(template: str, value: Any, path: Path) -> list[Constraint]:
    if isinstance(value, list):
        raise _fail(path, f"{template} takes one activity", f"e.g. {template}: A")
    return [Constraint(template, (_name(value, path),), path=path)]


def _binary(template: str, value: Any, path: Path) -> list[Constraint]:
    if not isinstance(value, list) or len(value) != 2:
        raise _fail(path, f"{template} takes two activities", f"e.g. {template}: [A, B]")
    names = _names(value, path, 2, "two activities")
    return [Constraint(template, tuple(names), path=path)]


def _exactly(value: Any, path: Path) -> list[Constraint]:
    spec = _mapping(value, path, ("activity", "n"), "exactly: {activity: A, n: 1}")
    n = spec["n"]
    if isinstance(n, bool) or not isinstance(n, int) or n < 0:
        raise _fail((*path, "n"), f"{n!r} is not a number of times", "write a whole number, 0 or more")
    return [Constraint("exactly", (_name(spec["activity"], (*path, "activity")),), n=n, path=path)]


def _order(value: Any, path: Path) -> list[Constraint]:
    steps = [_name(v, (*path, i)) for i, v in enumerate(value)] if isinstance(value, list) else []
    if len(steps) < 2:
        raise _fail(path, "order takes a list of at least two steps", "e.g. order: [A, B, C?, D]")
    names = [s[:-1] if s.endswith("?") else s for s in steps]
    if len(set(names)) < len(names):
        raise _fail(path, "order names the same step twice", "list every step once")
    optional = tuple(s.endswith("?") for s in steps)
    if all(optional):
        raise _fail(path, "every step of this order is optional", "mark only the steps that may be left out with ?")
    return [Constraint("order", tuple(names), optional=optional, path=path)]


def _within(value: Any, path: Path) -> list[Constraint]:
    spec = _mapping(value, path, ("from", "to", "limit"), "within: {from: A, to: B, limit: 72h}")
    start, end = _name(spec["from"], (*path, "from")), _name(spec["to"], (*path, "to"))
    if start == end:
        raise _fail(
            path, "within needs two different activities", "from: is where the clock starts, to: where it stops"
        )
    return [Constraint("within", (start, end), limit=_duration(spec["limit"], (*path, "limit")), path=path)]


def _case_within(value: Any, path: Path) -> list[Constraint]:
    return [Constraint("case_within", limit=_duration(value, path), path=path)]


def _different_resource(value: Any, path: Path) -> list[Constraint]:
    names = _names(value, path, 2, "at least two activities")
    return [Constraint("different_resource", tuple(names), path=path)]


def _by_role(value: Any, path: Path) -> list[Constraint]:
    if not isinstance(value, dict) or not value:
        raise _fail(path, "by_role takes a mapping of activity to role", "e.g. by_role: {approve: 财务经理}")
    out = []
    for activity, roles in value.items():
        where = (*path, activity)
        allowed = roles if isinstance(roles, list) else [roles]
        if not allowed:
            raise _fail(where, "no role is allowed here", "name at least one role")
        names = tuple(_name(r, where) for r in allowed)
        out.append(Constraint("by_role", (_name(activity, where),), roles=names, path=where))
    return out


_PARSERS = {
    "exactly": _exactly,
    "order": _order,
    "within": _within,
    "case_within": _case_within,
    "different_resource": _different_resource,
    "by_role": _by_role,
}


def _entry(raw: Any, path: Path) -> list[Constraint]:
    if not isinstance(raw, dict) or len(raw) != 1:
        raise _fail(path, "a constraint is a mapping with one template", "e.g. - response: [A, B]")
    template, value = next(iter(raw.items()))
    where = (*path, str(template))
    if template in UNARY:
        return _unary(template, value, where)
    if template in BINARY:
        return _binary(template, value, where)
    if template in _PARSERS:
        return _PARSERS[template](value, where)
    hint = did_you_mean(str(template), TEMPLATES) or f"templates: {', '.join(TEMPLATES)}"
    raise _fail(where, f"unknown constraint template {template!r}", hint)


def parse_constraints(raw: list[Any], path: Path = ("constraints",)) -> tuple[list[Constraint], list[Issue]]:
    """Every constraint written, and every mistake found (each at its entry)."""
    constraints: list[Constraint] = []
    issues: list[Issue] = []
    if not raw:
        issues.append(Issue(path, "a sequence check needs at least one constraint", "e.g. - response: [A, B]"))
    for i, item in enumerate(raw):
        try:
            constraints += _entry(item, (*path, i))
        except _ProblemsError as exc:
            issues += exc.issues
    return constraints, issues
