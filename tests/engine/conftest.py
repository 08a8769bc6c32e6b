from __future__ import annotations

import textwrap
from collections.abc import Callable
from pathlib import Path

import pytest

WritePack = Callable[..., Path]


@pytest.fixture
def write_pack(tmp_path: Path) -> WritePack:
    """Write pack.yaml (dedented) and data files into a fresh folder; return the folder."""

    def write(pack_yaml: str, **files: str) -> Path:
        (tmp_path / "pack.yaml").write_text(textwrap.dedent(pack_yaml).lstrip(), encoding="utf-8")
        for name, content in files.items():
            target = tmp_path / "data" / name.replace("__", ".")
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(textwrap.dedent(content).lstrip(), encoding="utf-8")
        return tmp_path

    return write
