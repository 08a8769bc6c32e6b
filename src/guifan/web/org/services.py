"""Changes to the organisation and to RACI: one transaction and one audit entry each, rights enforced here."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from guifan.web.core import access
from guifan.web.core.audit import record, snapshot
from guifan.web.org.models import OrgUnit, Raci
from guifan.web.standards.models import Standard


def _require_admin(actor: Any) -> None:
    if not access.can_admin(actor):
        raise PermissionDenied(_("Only an administrator may change the organisation."))


@transaction.atomic
def save(actor: Any, form: Any) -> Any:
    """Add or change an org unit, position or person (``form`` is a valid ModelForm)."""
    _require_admin(actor)
    instance = form.instance
    before = snapshot(type(instance).objects.get(pk=instance.pk)) if instance.pk else None
    parent = form.cleaned_data.get("parent") if isinstance(instance, OrgUnit) else None
    if parent is not None and instance.pk and parent.pk in OrgUnit.subtree_ids(instance.pk):
        raise ValidationError(_("An org unit cannot be placed below itself."))
    obj = form.save()
    record(actor, "edit" if before else "add", obj, before=before, after=snapshot(obj))
    return obj


def _require_raci(actor: Any, standard: Standard) -> None:
    if not access.can_edit_unit(actor, standard.owner_unit_id):
        raise PermissionDenied(_("You may not change this standard's responsibilities."))


@transaction.atomic
def add_raci(actor: Any, standard: Standard, letter: str, person: Any = None, position: Any = None) -> Raci:
    _require_raci(actor, standard)
    if letter not in dict(Raci.Letter.choices):
        raise ValidationError(_("Choose R, A, C or I."))
    if (person is None) == (position is None):
        raise ValidationError(_("Choose a person or a position."))
    if Raci.objects.filter(standard=standard, letter=letter, person=person, position=position).exists():
        raise ValidationError(_("This assignment exists already."))
    assignment = Raci.objects.create(standard=standard, letter=letter, person=person, position=position)
    record(actor, "add RACI", assignment, after=snapshot(assignment))
    return assignment


@transaction.atomic
def remove_raci(actor: Any, assignment: Raci) -> None:
    _require_raci(actor, assignment.standard)
    record(actor, "remove RACI", assignment, before=snapshot(assignment))
    assignment.delete()
