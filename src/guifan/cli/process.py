"""``guifan process``: process definitions of a pack (the computation is guifan.engine.process.checkspec)."""

from __future__ import annotations

from pathlib import Path
from typing import Any, NoReturn

import click


@click.group()
def process() -> None:
    """Process definitions (processes: in pack.yaml)."""


@process.command("check")
@click.argument("pack", type=click.Path(path_type=Path))
@click.argument("process_id", metavar="PROCESS_ID")
def check(pack: Path, process_id: str) -> None:
    """Print, as YAML, the sequence check that measures whether each case follows PROCESS_ID of PACK.

    Paste it under a requirement's check: and run guifan validate.
    """
    import yaml

    from guifan.cli.main import _input_errors
    from guifan.engine import load_pack
    from guifan.engine.datasets import probe_schema
    from guifan.engine.errors import did_you_mean
    from guifan.engine.process.checkspec import log_columns, sequence_check

    with _input_errors():
        loaded = load_pack(pack)
        found = {p.id: p for p in loaded.pack.processes}
        definition = found.get(process_id)
        if definition is None:
            hint = did_you_mean(process_id, found) or f"the pack's processes: {', '.join(found) or 'none'}"
            _refuse(f"{loaded.file}: no process {process_id!r} ({hint})")
        if not definition.dataset:
            _refuse(f"{loaded.file}: process {process_id} names no event log; add dataset: NAME")
        spec = loaded.pack.datasets[definition.dataset]
        columns = list(spec.columns) or list(probe_schema(definition.dataset, spec, loaded.base_dir).columns)
        written: list[dict[str, Any]] = []  # the sequence checks already written on this log name its columns
        for *_, requirement in loaded.pack.requirements():
            check = requirement.check
            if check is not None and getattr(check, "dataset", None) == definition.dataset:
                written.append(check.model_dump(mode="json"))
        try:
            check_spec = sequence_check(definition, log_columns(columns, written))
        except ValueError as exc:
            _refuse(f"{loaded.file}: process {process_id}: {exc}")
    click.echo(yaml.safe_dump(check_spec, allow_unicode=True, sort_keys=False), nl=False)


def _refuse(message: str) -> NoReturn:
    from guifan.cli.main import EXIT_INPUT

    click.echo(message, err=True)
    raise SystemExit(EXIT_INPUT)
