"""Errors a user can act on.

Every error the engine raises for bad input is a :class:`InputError`: it carries where the problem is (a file
with line and column, a data row and column, or a pack field) and what to do about it. The CLI prints
``str(error)`` and exits with status 2; nothing else is shown to the user.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable
from dataclasses import dataclass, field


class GuifanError(Exception):
    """Base class of every error the engine raises on purpose."""


@dataclass(frozen=True)
class Location:
    """Where in the user's input a problem is. Every part is optional; ``str()`` joins what is known."""

    file: str | None = None
    line: int | None = None
    column: int | None = None
    field: str | None = None  # dotted path inside the pack, e.g. "standards[0].requirements[1].check.where"
    row: int | None = None  # data row, 1-based, the header being row 1 (as spreadsheets count)
    data_column: str | None = None

    def __str__(self) -> str:
        """``pack.yaml:12:5``, or ``data/x.csv, row 3, column 'csat'``, or ``field check.where``."""
        head = self.file or ""
        if self.line is not None:
            head += f":{self.line}"
            if self.column is not None:
                head += f":{self.column}"
        parts = [head] if head else []
        if self.row is not None:
            parts.append(f"row {self.row}")
        if self.data_column is not None:
            parts.append(f"column {self.data_column!r}")
        if self.field and self.line is None:
            parts.append(f"field {self.field}")
        return ", ".join(parts)


@dataclass
class Problem:
    """One problem in the user's input."""

    message: str
    location: Location = field(default_factory=Location)
    hint: str | None = None

    def __str__(self) -> str:
        """``pack.yaml:LINE:COL: message (hint) [field path]`` — the place first, as compilers print it."""
        where = str(self.location)
        text = f"{where}: {self.message}" if where else self.message
        if self.hint:
            text += f" ({self.hint})"
        if self.location.field and self.location.line is not None:
            text += f" [{self.location.field}]"
        return text


class InputError(GuifanError):
    """The user's input is wrong: a pack, a data file, an expression or an option. Exit status 2."""

    def __init__(self, problems: Problem | Iterable[Problem]) -> None:
        self.problems: list[Problem] = [problems] if isinstance(problems, Problem) else list(problems)
        super().__init__("\n".join(str(p) for p in self.problems))

    @classmethod
    def at(cls, message: str, hint: str | None = None, **where: object) -> InputError:
        """Shorthand: ``InputError.at("bad value", file="a.csv", row=3, data_column="x")``."""
        return cls(Problem(message, Location(**where), hint))  # type: ignore[arg-type]


class PackError(InputError):
    """The pack itself (pack.yaml or its structure) is wrong."""


class DataError(InputError):
    """A data file is missing, unreadable, or holds a value that does not fit its declared type."""


class ExpressionError(InputError):
    """A user-written expression is malformed or uses something that is not allowed."""


def did_you_mean(word: str, choices: Iterable[str]) -> str | None:
    """A "did you mean …" hint for a misspelt name, or None when nothing is close."""
    close = difflib.get_close_matches(word, list(choices), n=1, cutoff=0.6)
    return f"did you mean {close[0]!r}?" if close else None
