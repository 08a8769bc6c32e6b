"""Packs in and out of the catalogue. A pack imported and exported again is equivalent (tested)."""

from __future__ import annotations

import io
import shutil
import zipfile
from pathlib import Path
from typing import Any

import yaml
from django.conf import settings
from django.db import transaction

from guifan.engine.pack.loader import LoadedPack
from guifan.engine.pack.model import Pack
from guifan.engine.values import Text
from guifan.web.core.audit import record
from guifan.web.core.models import Catalogue
from guifan.web.measure.models import DataSource
from guifan.web.org.models import OrgUnit
from guifan.web.process.packs import import_processes, processes_data
from guifan.web.standards.models import Requirement, Standard, StandardVersion, VersionStatus
from guifan.web.standards.reviews import next_review


def _split(text: Text | None) -> tuple[str, str]:
    """(中文, English) from a pack text."""
    if text is None:
        return "", ""
    if isinstance(text, str):
        return text, ""
    zh = text.get("zh") or next(iter(text.values()), "")
    return zh, text.get("en", "")


def _join(zh: str, en: str) -> Text:
    return {"zh": zh, "en": en} if en and zh else (zh or en)


def _owner_unit(name: str | None) -> OrgUnit | None:
    if not name:
        return None
    unit = OrgUnit.objects.filter(name=name).first() or OrgUnit.objects.filter(code=name).first()
    return unit or OrgUnit.objects.create(code=name[:64], name=name)


@transaction.atomic
def import_pack(actor: Any, loaded: LoadedPack, *, copy_data: bool = False) -> list[Standard]:
    """Add (or revise) the pack's standards, settings and datasets in the catalogue, all or nothing.

    A standard that already exists gets a new version when the pack's version number is new; the same
    number again is left as it is. ``copy_data`` copies the data files into the app's media folder (for
    uploaded archives, whose files are temporary); otherwise datasets point at the files where they are.
    """
    pack = loaded.pack
    _import_settings(pack)
    for name, spec in pack.datasets.items():
        _import_dataset(name, spec.model_dump(mode="json", exclude_none=True, by_alias=True), loaded, copy_data)
    standards = [_import_standard(actor, standard) for standard in pack.standards]
    import_processes(actor, pack)
    record(actor, "import pack", Catalogue.current(), after={"pack": pack.id, "standards": len(standards)})
    return standards


def _import_settings(pack: Pack) -> None:
    catalogue = Catalogue.current()
    catalogue.pack_id = pack.id
    catalogue.title_zh, catalogue.title_en = _split(pack.title)
    catalogue.timezone = pack.timezone
    catalogue.calendars = {k: v.model_dump(mode="json", exclude_defaults=True) for k, v in pack.calendars.items()}
    catalogue.save()


def _import_dataset(name: str, spec: dict[str, Any], loaded: LoadedPack, copy_data: bool) -> None:
    source = (loaded.base_dir / spec["source"]).resolve()
    if copy_data and source.exists():
        target = Path(settings.MEDIA_ROOT) / "datasets" / loaded.pack.id / Path(spec["source"]).name
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(source, target)
        source = target
    DataSource.objects.update_or_create(name=name, defaults={"spec": spec, "server_path": str(source)})


def _import_standard(actor: Any, spec: Any) -> Standard:
    standard, _created = Standard.objects.update_or_create(
        code=spec.id,
        defaults={"category": spec.category, "owner_unit": _owner_unit(spec.owner), "owner_name": spec.owner or ""},
    )
    version = standard.versions.filter(number=spec.version).first()
    if version is None:
        version = _create_version(actor, standard, spec)
    if version.status == VersionStatus.EFFECTIVE:
        standard.versions.filter(status=VersionStatus.EFFECTIVE).exclude(pk=version.pk).update(
            status=VersionStatus.SUPERSEDED
        )
        standard.current = version
        standard.save(update_fields=["current"])
    return standard


def _create_version(actor: Any, standard: Standard, spec: Any) -> StandardVersion:
    title, title_en = _split(spec.title)
    body, body_en = _split(spec.body)
    review = spec.review_every.source if spec.review_every else ""
    version = StandardVersion.objects.create(
        standard=standard, number=spec.version, status=spec.status, title=title, title_en=title_en,
        body=body, body_en=body_en, effective=spec.effective, review_every=review,
        next_review=next_review(spec.effective, review), author=actor if getattr(actor, "pk", None) else None,
    )  # fmt: skip
    for position, req in enumerate(spec.requirements):
        text, text_en = _split(req.text)
        check = None
        if req.check is not None:
            check = req.check.model_dump(mode="json", by_alias=True, exclude_none=True, exclude_defaults=True)
            check["kind"] = req.check.kind
        Requirement.objects.create(
            version=version, code=req.id, position=position, text=text, text_en=text_en,
            severity=req.severity, check_spec=check,
        )  # fmt: skip
    record(actor, "import version", version, after={"number": version.number, "status": version.status})
    return version


# --- export ---------------------------------------------------------------------------------------------


def measured_version(standard: Standard) -> StandardVersion | None:
    """The version that is measured and exported: the effective one, else the newest."""
    return standard.current or standard.versions.order_by("-created", "-id").first()


def pack_data(category: str | None = None, *, sources: str = "data") -> dict[str, Any]:
    """The catalogue as pack.yaml data. ``sources="data"`` names files ``data/<file>`` (for an archive);
    ``sources="absolute"`` keeps the server paths (for evaluating in place)."""
    catalogue = Catalogue.current()
    standards = Standard.objects.select_related("owner_unit", "current").order_by("code")
    if category:
        standards = standards.filter(category=category)
    items = [_standard_data(s) for s in standards]
    items = [i for i in items if i is not None]
    data: dict[str, Any] = {
        "guifan": 1,
        "id": catalogue.pack_id,
        "title": _join(catalogue.title_zh, catalogue.title_en) or catalogue.pack_id,
        "timezone": catalogue.timezone,
    }
    if catalogue.calendars:
        data["calendars"] = catalogue.calendars
    data["datasets"] = {ds.name: _dataset_data(ds, sources) for ds in DataSource.objects.order_by("name")}
    data["standards"] = items
    processes = processes_data({i["id"] for i in items if i} if category else None)
    if processes:
        data["processes"] = processes
    return data


def _dataset_data(ds: DataSource, sources: str) -> dict[str, Any]:
    spec = dict(ds.spec)
    spec["source"] = ds.path if sources == "absolute" else f"data/{Path(ds.path).name}"
    return spec


def _standard_data(standard: Standard) -> dict[str, Any] | None:
    version = measured_version(standard)
    if version is None:
        return None
    out: dict[str, Any] = {
        "id": standard.code,
        "title": _join(version.title, version.title_en),
        "category": standard.category,
    }
    owner = standard.owner_name or (standard.owner_unit.name if standard.owner_unit else "")
    if owner:
        out["owner"] = owner
    out |= {"version": version.number, "status": version.status}
    if version.effective:
        out["effective"] = version.effective
    if version.review_every:
        out["review_every"] = version.review_every
    body = _join(version.body, version.body_en)
    if body:
        out["body"] = body
    out["requirements"] = [_requirement_data(r) for r in version.requirements.all()]
    return out


def _requirement_data(req: Requirement) -> dict[str, Any]:
    out: dict[str, Any] = {"id": req.code, "text": _join(req.text, req.text_en), "severity": req.severity}
    if req.check_spec:
        out["check"] = req.check_spec
    return out


def export_zip(category: str | None = None) -> bytes:
    """The catalogue as a pack archive: pack.yaml plus the data files it reads."""
    data = pack_data(category)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("pack.yaml", dump_yaml(data))
        for ds in DataSource.objects.all():
            if ds.name in data["datasets"] and Path(ds.path).is_file():
                archive.write(ds.path, data["datasets"][ds.name]["source"])
    return buffer.getvalue()


def dump_yaml(data: dict[str, Any]) -> str:
    return yaml.safe_dump(data, allow_unicode=True, sort_keys=False, width=120)
