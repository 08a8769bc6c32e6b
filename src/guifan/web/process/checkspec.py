"""The ``sequence`` check a process definition implies (guifan.engine.process.checkspec), for a process stored
in the app: its event log's columns are the registered dataset's, and the case/activity/role columns are those
the catalogue's sequence checks on that log already use."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import yaml
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from guifan.engine import InputError
from guifan.engine.pack.process import Process as ProcessSpec
from guifan.engine.process.checkspec import log_columns, sequence_check
from guifan.web.measure.models import DataSource
from guifan.web.process.models import Process
from guifan.web.standards.models import Requirement, StandardVersion


def as_spec(process: Process) -> ProcessSpec:
    """The stored process as the engine's model (what a pack export writes)."""
    from guifan.web.process.packs import _process_data

    return ProcessSpec.model_validate(_process_data(process))


def log_columns_of(dataset: str) -> list[str]:
    """The columns of a registered dataset: declared in its spec, else read from its file's header."""
    from guifan.engine.datasets import probe_schema
    from guifan.engine.pack.dataset import DatasetSpec

    source = DataSource.objects.filter(name=dataset).first()
    if source is None:
        raise ValidationError(_("There is no dataset %(d)s; register the event log on the Datasets page first.")
                              % {"d": dataset})  # fmt: skip
    declared = list((source.spec or {}).get("columns") or {})
    if declared:
        return declared
    try:
        spec = DatasetSpec.model_validate({**source.spec, "source": source.path})
        return list(probe_schema(dataset, spec, Path("/")).columns)
    except InputError as exc:
        raise ValidationError([str(p) for p in exc.problems]) from exc


def sequence_check_for(process: Process) -> dict[str, Any]:
    """The check spec; ValidationError saying what the definition lacks."""
    if not process.dataset:
        raise ValidationError(_("Name the process's event log (dataset) first: the check reads it."))
    if not process.steps.exists():
        raise ValidationError(_("Add the process's steps first: the check follows them."))
    written = Requirement.objects.filter(check_spec__kind="sequence", check_spec__dataset=process.dataset)
    checks = [r.check_spec for r in written.order_by("-id")[:50]]
    try:
        return sequence_check(as_spec(process), log_columns(log_columns_of(process.dataset), checks))
    except ValueError as exc:
        raise ValidationError(str(exc)) from exc


def as_yaml(spec: dict[str, Any]) -> str:
    return yaml.safe_dump(spec, allow_unicode=True, sort_keys=False)


def target_version(process: Process) -> StandardVersion | None:
    """The version the check goes into: the standard's draft if it has one, else the version a revision
    would start from (the effective one, or the latest)."""
    standard = process.standard
    if standard is None:
        return None
    versions = standard.versions.order_by("-created", "-id")
    return versions.filter(status="draft").first() or standard.current or versions.first()


def next_code(standard_code: str, version: StandardVersion | None) -> str:
    """The next free requirement code: PR-001.6 after PR-001.5."""
    codes = list(version.requirements.values_list("code", flat=True)) if version else []
    pattern = re.compile(rf"^{re.escape(standard_code)}\.(\d+)$")
    numbers = [int(m.group(1)) for c in codes if (m := pattern.match(c))]
    return f"{standard_code}.{max(numbers, default=0) + 1}"
