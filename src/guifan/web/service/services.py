"""Changes to work calendars and sla checks: one transaction, one audit entry, the rules enforced here.

Calendars live in the catalogue's ``calendars`` mapping (as in a pack). An sla check is a requirement's check
spec, so it is changed through the standards services (drafts only; an approved version gets a new draft).
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from guifan.engine.pack.calendar import CalendarSpec
from guifan.web.core import access
from guifan.web.core.audit import record
from guifan.web.core.models import Catalogue
from guifan.web.service.calendars import NAME, problems, users_of
from guifan.web.standards import services as standard_services
from guifan.web.standards.models import Requirement, StandardVersion


class CalendarError(ValidationError):
    """A calendar the engine refuses; ``error_dict`` keys are the calendar's fields (``week.mon``...)."""


def _require_manage(actor: Any) -> None:
    if not access.can_manage_catalogue(actor):
        raise PermissionDenied(_("Only a standards manager or administrator may change work calendars."))


def normalised(name: str, spec: dict[str, Any], timezone: str) -> dict[str, Any]:
    """The spec as the engine reads it, stored the way a pack import stores it; CalendarError if refused."""
    found = problems(name, spec, timezone)
    if found:
        raise CalendarError({place or "__all__": messages for place, messages in found.items()})
    return CalendarSpec.model_validate(spec).model_dump(mode="json", exclude_defaults=True)


@transaction.atomic
def save_calendar(actor: Any, name: str, spec: dict[str, Any], *, creating: bool) -> dict[str, Any]:
    """Create or replace the calendar ``name``; the audit entry keeps the spec before and after."""
    _require_manage(actor)
    catalogue = Catalogue.objects.select_for_update().get(pk=Catalogue.current().pk)
    if not NAME.match(name):
        raise CalendarError({"name": [_("Use letters, digits, '.', '_' and '-' (at most 64), e.g. cn-office.")]})
    calendars = dict(catalogue.calendars)
    if creating and name in calendars:
        raise CalendarError({"name": [_("There is already a calendar %(name)s.") % {"name": name}]})
    if not creating and name not in calendars:
        raise CalendarError({"name": [_("There is no calendar %(name)s.") % {"name": name}]})
    clean = normalised(name, spec, catalogue.timezone)
    before = calendars.get(name)
    calendars[name] = clean
    catalogue.calendars = calendars
    catalogue.save(update_fields=["calendars"])
    record(actor, "add calendar" if creating else "edit calendar", catalogue,
           before={f"calendars.{name}": before}, after={f"calendars.{name}": clean})  # fmt: skip
    return clean


@transaction.atomic
def delete_calendar(actor: Any, name: str) -> None:
    """Delete a calendar no requirement uses; refused with the requirements' codes otherwise."""
    _require_manage(actor)
    catalogue = Catalogue.objects.select_for_update().get(pk=Catalogue.current().pk)
    if name not in catalogue.calendars:
        raise ValidationError(_("There is no calendar %(name)s.") % {"name": name})
    using = users_of(name)
    if using:
        raise ValidationError(
            _("Calendar %(name)s is used by %(reqs)s; change their checks to another calendar first.")
            % {"name": name, "reqs": _users_text(using)}
        )
    calendars = dict(catalogue.calendars)
    before = calendars.pop(name)
    catalogue.calendars = calendars
    catalogue.save(update_fields=["calendars"])
    record(actor, "delete calendar", catalogue, before={f"calendars.{name}": before})


def _users_text(using: list[Any]) -> str:
    return ", ".join(f"{r.version.standard.code} v{r.version.number} {r.code}" for r in using)


@transaction.atomic
def rename_calendar(actor: Any, name: str, new_name: str) -> str:
    """Give calendar ``name`` the name ``new_name``: only while no requirement names it in its check (a check
    would otherwise point at a calendar that is gone, and approved versions never change). Refused with the
    requirements' codes, like a delete; the audit entry keeps the calendar under both names."""
    _require_manage(actor)
    catalogue = Catalogue.objects.select_for_update().get(pk=Catalogue.current().pk)
    new_name = new_name.strip()
    if name not in catalogue.calendars:
        raise ValidationError(_("There is no calendar %(name)s.") % {"name": name})
    if not NAME.match(new_name):
        raise CalendarError({"name": [_("Use letters, digits, '.', '_' and '-' (at most 64), e.g. cn-office.")]})
    if new_name == name:
        raise CalendarError({"name": [_("The calendar is already called %(name)s.") % {"name": name}]})
    if new_name in catalogue.calendars:
        raise CalendarError({"name": [_("There is already a calendar %(name)s.") % {"name": new_name}]})
    using = users_of(name)
    if using:
        raise ValidationError(
            _("Calendar %(name)s is used by %(reqs)s; it can be renamed only when no requirement uses it.")
            % {"name": name, "reqs": _users_text(using)}
        )
    calendars = {new_name if k == name else k: v for k, v in catalogue.calendars.items()}
    catalogue.calendars = calendars
    catalogue.save(update_fields=["calendars"])
    spec = calendars[new_name]
    record(actor, "rename calendar", catalogue, before={f"calendars.{name}": spec, f"calendars.{new_name}": None},
           after={f"calendars.{name}": None, f"calendars.{new_name}": spec})  # fmt: skip
    return new_name


def editable_version(actor: Any, version: StandardVersion) -> StandardVersion:
    """The draft to change: the version itself when it is a draft, else a new draft made from it (or the
    standard's existing draft). The standards services decide who may."""
    if version.status == "draft":
        return version
    existing = version.standard.versions.filter(status="draft").order_by("-created", "-id").first()
    if existing is not None:
        return existing
    return standard_services.new_draft(actor, version)


def save_sla_check(actor: Any, requirement: Requirement, spec: dict[str, Any]) -> Requirement:
    """Write an sla check into a draft's requirement through the standards service (validated again there)."""
    from guifan.web.standards.forms import RequirementForm, _check_text

    data = {"code": requirement.code, "text": requirement.text, "text_en": requirement.text_en,
            "severity": requirement.severity, "check_yaml": _check_text(spec)}  # fmt: skip
    form = RequirementForm(data, instance=requirement)
    if not form.is_valid():
        raise ValidationError([str(e) for errors in form.errors.values() for e in errors])
    return standard_services.save_requirement(actor, requirement.version, form)
