"""Markdown for standard bodies, rendered safely: CommonMark + tables, then sanitised with nh3."""

from __future__ import annotations

import nh3
from markdown_it import MarkdownIt

_MD = MarkdownIt("commonmark", {"html": False}).enable("table")
_TAGS = {
    "p", "h1", "h2", "h3", "h4", "h5", "h6", "ul", "ol", "li", "strong", "em", "code", "pre", "blockquote",
    "table", "thead", "tbody", "tr", "th", "td", "a", "hr", "br",
}  # fmt: skip


def render_markdown(text: str) -> str:
    return nh3.clean(_MD.render(text or ""), tags=_TAGS, attributes={"a": {"href", "title"}}, link_rel="noopener")
