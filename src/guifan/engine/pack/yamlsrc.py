"""YAML with positions: the plain data of a document plus the line and column of every value in it.

Errors in a pack are reported as ``pack.yaml:LINE:COL: message``, so the loader keeps, for every path into the
document (``("standards", 0, "requirements", 1, "check", "where")``), where its key and value were written.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import yaml

from guifan.engine.errors import Location, PackError, Problem

Path = tuple[str | int, ...]


@dataclass
class SourceMap:
    """Where each path of a YAML document was written (1-based line and column)."""

    file: str
    positions: dict[Path, tuple[int, int]] = field(default_factory=dict)

    def locate(self, path: Path) -> Location:
        """The location of ``path``, or of its closest written ancestor (a missing field's parent)."""
        probe = tuple(path)
        while probe and probe not in self.positions:
            probe = probe[:-1]
        line, column = self.positions.get(probe, (1, 1))
        return Location(file=self.file, line=line, column=column, field=dotted(path) or None)


def dotted(path: Path) -> str:
    """``standards[0].requirements[1].check.where``."""
    out = ""
    for part in path:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out


class _Builder:
    def __init__(self, loader: yaml.SafeLoader, source: SourceMap) -> None:
        self.loader = loader
        self.source = source

    def build(self, node: yaml.Node, path: Path) -> Any:
        self.source.positions.setdefault(path, (node.start_mark.line + 1, node.start_mark.column + 1))
        if isinstance(node, yaml.MappingNode):
            return self._mapping(node, path)
        if isinstance(node, yaml.SequenceNode):
            return [self.build(item, (*path, i)) for i, item in enumerate(node.value)]
        return self.loader.construct_object(node, deep=True)

    def _mapping(self, node: yaml.MappingNode, path: Path) -> dict[Any, Any]:
        self.loader.flatten_mapping(node)
        out: dict[Any, Any] = {}
        for key_node, value_node in node.value:
            key = self.loader.construct_object(key_node, deep=True)
            if not isinstance(key, str | int | float | bool) or key is None:
                raise self._error(key_node, "a key must be a plain name")
            if key in out:
                raise self._error(key_node, f"{key!r} is written twice in the same mapping", "keep one of them")
            key_path = (*path, key if isinstance(key, str) else str(key))
            self.source.positions[key_path] = (key_node.start_mark.line + 1, key_node.start_mark.column + 1)
            out[key] = self.build(value_node, key_path)
        return out

    def _error(self, node: yaml.Node, message: str, hint: str | None = None) -> PackError:
        where = Location(file=self.source.file, line=node.start_mark.line + 1, column=node.start_mark.column + 1)
        return PackError(Problem(message, where, hint))


def load_yaml(text: str, file: str) -> tuple[Any, SourceMap]:
    """Parse one YAML document; syntax errors become :class:`PackError` at the right line."""
    source = SourceMap(file)
    loader = yaml.SafeLoader(text)
    try:
        node = loader.get_single_node()
        if node is None:
            return None, source
        return _Builder(loader, source).build(node, ()), source
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line, column = (mark.line + 1, mark.column + 1) if mark else (None, None)
        reason = exc.problem or exc.context or "invalid YAML"
        hint = "check indentation, quotes and colons; quote values that contain ': ' or start with '*', '&' or '!'"
        raise PackError(Problem(f"YAML syntax error: {reason}", Location(file, line, column), hint)) from exc
    except yaml.YAMLError as exc:
        raise PackError(Problem(f"YAML error: {exc}", Location(file))) from exc
    finally:
        loader.dispose()
