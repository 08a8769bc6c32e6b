"""Registering datasets in the app: an uploaded file or a path on the server, with its pack spec."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from pydantic import ValidationError as SpecError

from guifan.engine import InputError
from guifan.engine.datasets import probe_schema
from guifan.engine.pack.dataset import SOURCE_SUFFIXES, DatasetSpec
from guifan.web.core import access
from guifan.web.core.audit import record, snapshot
from guifan.web.measure.models import DataSource


def check_spec(name: str, spec: dict[str, Any], path: Path) -> DatasetSpec:
    """The spec validated by the engine's own model, and the file's header checked against it."""
    try:
        parsed = DatasetSpec.model_validate({**spec, "source": str(path)})
    except SpecError as exc:
        raise ValidationError([f"{'.'.join(map(str, e['loc']))}: {e['msg']}" for e in exc.errors()]) from exc
    try:
        probe_schema(name, parsed, Path("/"))
    except InputError as exc:
        raise ValidationError([str(p) for p in exc.problems]) from exc
    return parsed


@transaction.atomic
def register(actor: Any, name: str, spec: dict[str, Any], *, upload: Any = None, server_path: str = "") -> DataSource:
    """Add or replace a dataset. Uploads are size- and type-limited; the header must fit the spec."""
    if not access.can_manage_catalogue(actor):
        raise PermissionDenied(_("Only a standards manager or administrator may register datasets."))
    existing = DataSource.objects.filter(name=name).first()
    before = snapshot(existing) if existing else None
    source = existing or DataSource(name=name)
    if upload is not None:
        _check_upload(upload)
        source.file.save(f"{name}{Path(upload.name).suffix.lower()}", upload, save=False)
        source.server_path = ""
    elif server_path:
        source.server_path = str(Path(server_path).resolve())
    check_spec(name, spec, Path(source.path))
    source.spec = {k: v for k, v in spec.items() if k != "source"}
    source.save()
    record(actor, "register dataset", source, before=before, after=snapshot(source))
    return source


def _check_upload(upload: Any) -> None:
    suffix = Path(upload.name).suffix.lower()
    if suffix not in SOURCE_SUFFIXES:
        raise ValidationError(_("%(name)s is not a supported file type; use one of %(types)s.")
                              % {"name": upload.name, "types": ", ".join(SOURCE_SUFFIXES)})  # fmt: skip
    if upload.size > settings.MAX_UPLOAD_BYTES:
        raise ValidationError(_("The file is larger than the upload limit of %(mb)s MB.")
                              % {"mb": settings.MAX_UPLOAD_BYTES // 2**20})  # fmt: skip
