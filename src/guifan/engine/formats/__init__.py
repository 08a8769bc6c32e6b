"""Output formats of ``guifan check``: one evaluation, or several periods of a trend run, as text.

    from guifan.engine.formats import render
    print(render([evaluation], "markdown", language="en"), end="")

Every renderer returns the whole document as a string ending with a newline.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol

from guifan.engine.formats.common import language_of
from guifan.engine.formats.html import render_html
from guifan.engine.formats.jsonfmt import render_json
from guifan.engine.formats.junit import render_junit
from guifan.engine.formats.markdown import render_markdown
from guifan.engine.formats.table import render_table
from guifan.engine.results import Evaluation

__all__ = [
    "FORMATS",
    "render",
    "render_html",
    "render_json",
    "render_junit",
    "render_markdown",
    "render_table",
]

FORMATS: tuple[str, ...] = ("table", "json", "junit", "markdown", "html")


class _Renderer(Protocol):
    def __call__(self, evaluations: Sequence[Evaluation], *, language: str = ...) -> str: ...


_PLAIN: dict[str, _Renderer] = {
    "json": render_json,
    "junit": render_junit,
    "markdown": render_markdown,
    "html": render_html,
}


def render(
    evaluations: Sequence[Evaluation],
    fmt: str,
    *,
    language: str = "zh",
    color: bool | None = None,
    width: int | None = None,
) -> str:
    """``evaluations`` (one, or one per period in order) as ``fmt``.

    ``color`` and ``width`` concern the table only: ``color`` None colours when stdout is a terminal that
    wants colour, ``width`` None is the terminal's width (120 when stdout is not a terminal).
    """
    if not evaluations:
        raise ValueError("there is nothing to render: no evaluation was given")
    lang = language_of(language)
    if fmt != "json":  # JSON keeps texts as written, every language; reports show one
        evaluations = [e.localised(lang) for e in evaluations]
    if fmt == "table":
        return render_table(evaluations, language=lang, color=color, width=width)
    if fmt not in _PLAIN:
        raise ValueError(f"unknown format {fmt!r}; use one of {', '.join(FORMATS)}")
    return _PLAIN[fmt](evaluations, language=lang)
