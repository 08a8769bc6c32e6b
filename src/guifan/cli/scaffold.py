"""``guifan init``: a small pack that works out of the box, to copy and adapt."""

from __future__ import annotations

from importlib import resources
from pathlib import Path

from guifan.engine.errors import InputError

STARTER = ("pack.yaml", "data/tickets.csv", "data/employees.csv", "data/training.csv")


def write_starter_pack(directory: Path, *, force: bool = False) -> list[Path]:
    """Copy the starter pack into ``directory``; refuse to mix it into a folder that has files."""
    if directory.exists() and not directory.is_dir():
        raise InputError.at(f"{directory} exists and is not a folder")
    if directory.exists() and any(directory.iterdir()) and not force:
        raise InputError.at(f"{directory} is not empty", hint="choose a new folder, or pass --force")
    root = resources.files("guifan.cli") / "starter"
    written = []
    for name in STARTER:
        target = directory / name
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes((root / name).read_bytes())
        written.append(target)
    return written
