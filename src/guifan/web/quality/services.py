"""Writes of the quality app: excluded subgroups, and an spc requirement's chart settings (through the
standards services, on a draft). One transaction and one audit entry each; permissions asked of ``access``."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from guifan.web.core import access
from guifan.web.core.audit import record, snapshot
from guifan.web.quality.models import Exclusion
from guifan.web.standards.models import Requirement, Standard, VersionStatus
from guifan.web.standards.packs import measured_version


def standard_of(code: str) -> Standard | None:
    """The standard whose measured version holds requirement ``code``."""
    for requirement in Requirement.objects.filter(code=code).select_related("version__standard"):
        standard = requirement.version.standard
        if measured_version(standard) == requirement.version:
            return standard
    return None


def unit_of(code: str) -> int | None:
    standard = standard_of(code)
    return standard.owner_unit_id if standard else None


def can_exclude(user: Any, code: str) -> bool:
    """Who may exclude a subgroup: whoever may edit the requirement's org unit."""
    standard = standard_of(code)
    return standard is not None and access.can_edit_unit(user, standard.owner_unit_id)


@transaction.atomic
def exclude(actor: Any, code: str, characteristic: str, subgroup: str, reason: str) -> Exclusion:
    """Leave ``subgroup`` of ``characteristic`` out of requirement ``code``'s limits, for ``reason``."""
    if not can_exclude(actor, code):
        raise PermissionDenied(_("You may not change the charts of this requirement."))
    reason, subgroup = reason.strip(), subgroup.strip()
    if not reason:
        raise ValidationError({"reason": _("Give the reason (the assignable cause) for leaving this subgroup out.")})
    if not subgroup:
        raise ValidationError({"subgroup": _("Name the subgroup to leave out.")})
    found = Exclusion.objects.filter(requirement_code=code, characteristic=characteristic, subgroup=subgroup)
    if found.exists():
        raise ValidationError({"subgroup": _("Subgroup %(key)s is already excluded.") % {"key": subgroup}})
    exclusion = Exclusion.objects.create(
        requirement_code=code, characteristic=characteristic, subgroup=subgroup, reason=reason, created_by=actor
    )
    record(actor, "exclude subgroup", exclusion, after=snapshot(exclusion))
    return exclusion


@transaction.atomic
def include(actor: Any, exclusion: Exclusion) -> None:
    """Take an excluded subgroup back into the limits."""
    if not can_exclude(actor, exclusion.requirement_code):
        raise PermissionDenied(_("You may not change the charts of this requirement."))
    record(actor, "include subgroup", exclusion, before=snapshot(exclusion))
    exclusion.delete()


def add_exclusions(pack: dict[str, Any]) -> dict[str, Any]:
    """The hook of :func:`guifan.web.measure.services.write_pack`: every exclusion recorded here is added to
    its spc requirement's ``exclude`` in the pack data (in place; returned for convenience)."""
    wanted: dict[str, list[str]] = {}
    for exclusion in Exclusion.objects.all():
        wanted.setdefault(exclusion.requirement_code, []).append(exclusion.exclude_key)
    if not wanted:
        return pack
    for standard in pack.get("standards", []):
        for requirement in standard.get("requirements", []):
            check = requirement.get("check")
            keys = wanted.get(requirement.get("id", ""))
            if keys and isinstance(check, dict) and check.get("kind") == "spc":
                given = [str(k) for k in check.get("exclude", [])]
                requirement["check"] = {**check, "exclude": given + [k for k in keys if k not in given]}
    return pack


# --- chart settings -------------------------------------------------------------------------------------


def draft_requirement(actor: Any, code: str) -> Requirement:
    """Requirement ``code`` in its standard's draft, starting a revision (a new draft) when there is none."""
    from guifan.web.standards import services as standards

    standard = standard_of(code)
    if standard is None:
        raise ValidationError(_("Requirement %(code)s is not in the catalogue.") % {"code": code})
    draft = standard.versions.filter(status=VersionStatus.DRAFT).order_by("-created").first()
    if draft is None:
        version = measured_version(standard)
        assert version is not None
        draft = standards.new_draft(actor, version)
    requirement = draft.requirements.filter(code=code).first()
    if requirement is None:
        raise ValidationError(_("The draft %(number)s has no requirement %(code)s.") % {"number": draft.number,
                                                                                         "code": code})  # fmt: skip
    return requirement


@transaction.atomic
def save_settings(actor: Any, code: str, check: dict[str, Any]) -> Requirement:
    """Write ``check`` (an spc check, already validated by the settings form) as requirement ``code``'s check on
    a draft of its standard, through the standards services (their permission, draft and audit rules)."""
    from guifan.web.standards import services as standards
    from guifan.web.standards.forms import RequirementForm

    requirement = draft_requirement(actor, code)
    text = _check_yaml(check)
    data = {"code": requirement.code, "text": requirement.text, "text_en": requirement.text_en,
            "severity": requirement.severity, "check_yaml": text}  # fmt: skip
    form = RequirementForm(data, instance=requirement)
    if not form.is_valid():
        raise ValidationError([str(e) for errors in form.errors.values() for e in errors])
    return standards.save_requirement(actor, requirement.version, form)


def _check_yaml(check: dict[str, Any]) -> str:
    import yaml

    return yaml.safe_dump(check, allow_unicode=True, sort_keys=False)
