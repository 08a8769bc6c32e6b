"""Every change to the catalogue goes through here: one transaction, one audit entry, rules enforced."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from guifan.web.core import access
from guifan.web.core.audit import record, snapshot
from guifan.web.standards.models import Acknowledgement, Attachment, Requirement, StandardVersion, VersionStatus
from guifan.web.standards.reviews import next_review

EDITABLE_FIELDS = ("number", "title", "title_en", "body", "body_en", "effective", "review_every")


class ConflictError(ValidationError):
    """Somebody else saved the draft after it was opened."""


def _require_edit(actor: Any, version: StandardVersion) -> None:
    if not access.can_edit_unit(actor, version.standard.owner_unit_id):
        raise PermissionDenied(_("You may not change this standard."))


def _next_number(version: StandardVersion) -> str:
    numbers = list(version.standard.versions.values_list("number", flat=True))
    try:
        major, _sep, minor = version.number.partition(".")
        candidate = f"{int(major)}.{int(minor or 0) + 1}"
    except ValueError:
        candidate = f"{version.number}.1"
    while candidate in numbers:
        candidate += ".1"
    return candidate


@transaction.atomic
def new_draft(actor: Any, version: StandardVersion) -> StandardVersion:
    """Start a revision: a draft copy of ``version`` (and its requirements) with the next number."""
    _require_edit(actor, version)
    if version.standard.versions.filter(status__in=[VersionStatus.DRAFT, VersionStatus.IN_REVIEW]).exists():
        raise ValidationError(_("This standard already has a draft or a version in review."))
    draft = StandardVersion.objects.create(
        standard=version.standard, number=_next_number(version), status=VersionStatus.DRAFT,
        title=version.title, title_en=version.title_en, body=version.body, body_en=version.body_en,
        effective=None, review_every=version.review_every, author=actor,
    )  # fmt: skip
    for req in version.requirements.all():
        Requirement.objects.create(
            version=draft, code=req.code, position=req.position, text=req.text, text_en=req.text_en,
            severity=req.severity, check_spec=req.check_spec,
        )  # fmt: skip
    record(actor, "new draft", draft, after={"from": version.number, "number": draft.number})
    return draft


@transaction.atomic
def open_draft(actor: Any, standard: Any) -> StandardVersion:
    """The standard's draft, starting a revision of its effective (or latest) version when it has none, as
    "Start a revision" does; refused while a version is in review."""
    versions = standard.versions.order_by("-created", "-id")
    draft = versions.filter(status=VersionStatus.DRAFT).first()
    if draft is not None:
        _require_edit(actor, draft)
        return draft
    if versions.filter(status=VersionStatus.IN_REVIEW).exists():
        raise ValidationError(
            _("%(code)s has a version in review; it can be changed once it is approved or sent back.")
            % {"code": standard.code}
        )
    base = standard.current or versions.first()
    if base is None:
        raise ValidationError(_("%(code)s has no version to revise.") % {"code": standard.code})
    return new_draft(actor, base)


@transaction.atomic
def update_draft(actor: Any, version_id: int, lock_version: int, changes: dict[str, Any]) -> StandardVersion:
    """Save edits to a draft; refuse if it is not a draft or somebody saved it since ``lock_version``."""
    version = StandardVersion.objects.select_for_update().select_related("standard").get(pk=version_id)
    _require_edit(actor, version)
    if version.status != VersionStatus.DRAFT:
        raise ValidationError(_("Only a draft can be changed; start a new revision instead."))
    if version.lock_version != lock_version:
        raise ConflictError(
            _("Somebody else saved this draft after you opened it. Reload it and apply your changes again.")
        )
    before = snapshot(version, list(EDITABLE_FIELDS))
    for name in EDITABLE_FIELDS:
        if name in changes:
            setattr(version, name, changes[name])
    version.lock_version += 1
    version.save()
    record(actor, "edit draft", version, before=before, after=snapshot(version, list(EDITABLE_FIELDS)))
    return version


def _transition(actor: Any, version: StandardVersion, allowed: set[Any], new: Any, action: str) -> None:
    if version.status not in allowed:
        raise ValidationError(
            _("A %(status)s version cannot be %(action)s.") % {"status": version.get_status_display(), "action": action}
        )
    before = version.status
    version.status = new
    version.lock_version += 1
    version.save()
    record(actor, action, version, before={"status": before}, after={"status": new})


@transaction.atomic
def submit(actor: Any, version: StandardVersion) -> None:
    _require_edit(actor, version)
    _transition(actor, version, {VersionStatus.DRAFT}, VersionStatus.IN_REVIEW, "submit for review")


@transaction.atomic
def send_back(actor: Any, version: StandardVersion) -> None:
    _require_approver(actor, version)
    _transition(actor, version, {VersionStatus.IN_REVIEW}, VersionStatus.DRAFT, "send back")


def _require_approver(actor: Any, version: StandardVersion) -> None:
    if not access.can_manage_catalogue(actor):
        raise PermissionDenied(_("Only a standards manager or administrator may approve."))
    if version.author_id is not None and version.author_id == actor.pk:
        raise PermissionDenied(_("The author of a version may not approve it (four-eyes rule)."))


@transaction.atomic
def approve(actor: Any, version: StandardVersion) -> None:
    _require_approver(actor, version)
    version.approver = actor
    version.approved_at = timezone.now()
    _transition(actor, version, {VersionStatus.IN_REVIEW}, VersionStatus.APPROVED, "approve")


@transaction.atomic
def make_effective(actor: Any, version: StandardVersion, effective: Any = None) -> None:
    """The approved version becomes the measured one; the previous effective version is superseded."""
    _require_edit(actor, version)
    standard = version.standard
    for old in standard.versions.filter(status=VersionStatus.EFFECTIVE).exclude(pk=version.pk):
        _transition(actor, old, {VersionStatus.EFFECTIVE}, VersionStatus.SUPERSEDED, "supersede")
    version.effective = effective or version.effective or timezone.localdate()
    version.next_review = next_review(version.effective, version.review_every)
    _transition(actor, version, {VersionStatus.APPROVED}, VersionStatus.EFFECTIVE, "make effective")
    standard.current = version
    standard.save(update_fields=["current"])


@transaction.atomic
def acknowledge(actor: Any, version: StandardVersion) -> Acknowledgement:
    if version.status != VersionStatus.EFFECTIVE:
        raise ValidationError(_("Only an effective version is acknowledged."))
    ack, created = Acknowledgement.objects.get_or_create(version=version, user=actor)
    if created:
        record(actor, "acknowledge", version)
    return ack


@transaction.atomic
def save_requirement(actor: Any, version: StandardVersion, form: Any) -> Requirement:
    """Add or change a requirement of a draft (``form`` is a valid RequirementForm)."""
    _require_edit(actor, version)
    if version.status != VersionStatus.DRAFT:
        raise ValidationError(_("Only a draft can be changed; start a new revision instead."))
    creating = form.instance.pk is None
    before = None if creating else snapshot(Requirement.objects.get(pk=form.instance.pk))
    requirement: Requirement = form.save(commit=False)
    requirement.version = version
    if creating:
        requirement.position = version.requirements.count()
    requirement.save()
    record(actor, "add requirement" if creating else "edit requirement", requirement, before=before,
           after=snapshot(requirement))  # fmt: skip
    return requirement


@transaction.atomic
def delete_requirement(actor: Any, requirement: Requirement) -> None:
    version = requirement.version
    _require_edit(actor, version)
    if version.status != VersionStatus.DRAFT:
        raise ValidationError(_("Only a draft can be changed; start a new revision instead."))
    record(actor, "delete requirement", requirement, before=snapshot(requirement))
    requirement.delete()


ATTACHMENT_TYPES = (".pdf", ".docx", ".doc", ".xlsx", ".xls", ".pptx", ".png", ".jpg", ".jpeg", ".txt", ".md",
                    ".csv", ".zip")  # fmt: skip


@transaction.atomic
def add_attachment(actor: Any, version: StandardVersion, upload: Any) -> Attachment:
    """Attach a file to a version: size- and type-limited."""
    _require_edit(actor, version)
    suffix = Path(upload.name).suffix.lower()
    if suffix not in ATTACHMENT_TYPES:
        raise ValidationError(_("%(name)s is not an accepted type; use one of %(types)s.")
                              % {"name": upload.name, "types": ", ".join(ATTACHMENT_TYPES)})  # fmt: skip
    if upload.size > settings.MAX_UPLOAD_BYTES:
        raise ValidationError(_("The file is larger than the upload limit of %(mb)s MB.")
                              % {"mb": settings.MAX_UPLOAD_BYTES // 2**20})  # fmt: skip
    attachment = Attachment(version=version, name=Path(upload.name).name[:200], size=upload.size, uploaded_by=actor)
    attachment.file.save(attachment.name, upload, save=False)
    attachment.save()
    record(actor, "attach file", version, after={"file": attachment.name, "size": attachment.size})
    return attachment


def acknowledgement_coverage(version: StandardVersion) -> tuple[int, int]:
    """(acknowledged, expected): the logins in the owner unit's subtree, or everyone for a company-wide one."""
    from guifan.web.core.models import Profile
    from guifan.web.org.models import OrgUnit

    unit_id = version.standard.owner_unit_id
    profiles = Profile.objects.all()
    if unit_id is not None:
        profiles = profiles.filter(unit__in=OrgUnit.subtree_ids(unit_id))
    expected = set(profiles.values_list("user_id", flat=True))
    acked = set(version.acknowledgements.values_list("user_id", flat=True))
    return len(acked & expected), len(expected)
