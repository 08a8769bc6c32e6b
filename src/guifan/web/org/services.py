"""Changes to the organisation and to RACI: one transaction and one audit entry each, rights enforced here.

Validation problems are raised as :class:`ValidationError` keyed by the field they concern, so a page shows
them at its form field and the API returns them as field errors, with the same words.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models.deletion import ProtectedError
from django.utils.translation import gettext as _

from guifan.web.core import access
from guifan.web.core.audit import record, snapshot
from guifan.web.core.models import Profile
from guifan.web.org.models import OrgUnit, Person, Position, Raci
from guifan.web.standards.models import Standard


def _require_org(actor: Any) -> None:
    if not access.can_manage_org(actor):
        raise PermissionDenied(_("Only an administrator may change the organisation."))


@transaction.atomic
def save(actor: Any, form: Any) -> Any:
    """Add or change an org unit, position or person (``form`` is a valid ModelForm)."""
    _require_org(actor)
    instance = form.instance
    before = snapshot(type(instance).objects.get(pk=instance.pk)) if instance.pk else None
    parent = form.cleaned_data.get("parent") if isinstance(instance, OrgUnit) else None
    if parent is not None and instance.pk and parent.pk in OrgUnit.subtree_ids(instance.pk):
        raise ValidationError({"parent": _("An org unit cannot be placed below itself.")})
    obj = form.save()
    record(actor, "edit" if before else "add", obj, before=before, after=snapshot(obj))
    return obj


def _unit_blockers(unit: OrgUnit) -> list[str]:
    counts = [
        (unit.children.count(), _("%(n)d org units below it")),
        (Person.objects.filter(unit=unit).count(), _("%(n)d people")),
        (Position.objects.filter(unit=unit).count(), _("%(n)d positions")),
        (Standard.objects.filter(owner_unit=unit).count(), _("%(n)d standards it owns")),
        (Profile.objects.filter(unit=unit).count(), _("%(n)d logins scoped to it")),
    ]
    return [text % {"n": n} for n, text in counts if n]


def _holder_blockers(holder: Person | Position) -> list[str]:
    blockers = []
    if holder.raci.exists():
        blockers.append(_("%(n)d RACI assignments") % {"n": holder.raci.count()})
    if isinstance(holder, Position) and Person.objects.filter(position=holder).exists():
        blockers.append(_("%(n)d people holding it") % {"n": Person.objects.filter(position=holder).count()})
    return blockers


@transaction.atomic
def delete(actor: Any, obj: OrgUnit | Position | Person) -> None:
    """Delete an org unit, position or person that nothing depends on any more.

    A unit with units below it, people, positions, standards or scoped logins, a position that people hold or
    that holds RACI letters, and a person with RACI letters are refused with what is still attached, so no
    responsibility silently disappears (mark a person inactive instead)."""
    _require_org(actor)
    blockers = _unit_blockers(obj) if isinstance(obj, OrgUnit) else _holder_blockers(obj)
    if blockers:
        raise ValidationError(
            _("%(object)s cannot be deleted: it still has %(what)s. Move or reassign them first.")
            % {"object": obj, "what": ", ".join(blockers)}
        )
    record(actor, "delete", obj, before=snapshot(obj))
    try:
        obj.delete()
    except ProtectedError as exc:  # a record of another app that points here
        names = sorted({str(o._meta.verbose_name) for o in exc.protected_objects})
        raise ValidationError(
            _("%(object)s cannot be deleted: %(what)s still refer to it.") % {"object": obj, "what": ", ".join(names)}
        ) from exc


def _require_raci(actor: Any, standard: Standard) -> None:
    if not access.can_assign_raci(actor, standard):
        raise PermissionDenied(_("You may not change this standard's responsibilities."))


def _check_raci(
    standard: Standard, letter: str, person: Person | None, position: Position | None, *, exclude: int | None = None
) -> None:
    if letter not in dict(Raci.Letter.choices):
        raise ValidationError({"letter": _("Choose R, A, C or I.")})
    if (person is None) == (position is None):
        raise ValidationError({"person": _("Choose a person or a position.")})
    same = Raci.objects.filter(standard=standard, letter=letter, person=person, position=position)
    if same.exclude(pk=exclude).exists():
        raise ValidationError(_("This assignment exists already."))


@transaction.atomic
def add_raci(actor: Any, standard: Standard, letter: str, person: Any = None, position: Any = None) -> Raci:
    _require_raci(actor, standard)
    _check_raci(standard, letter, person, position)
    assignment = Raci.objects.create(standard=standard, letter=letter, person=person, position=position)
    record(actor, "add RACI", assignment, after=snapshot(assignment))
    return assignment


@transaction.atomic
def change_raci(actor: Any, assignment: Raci, letter: str, person: Any = None, position: Any = None) -> Raci:
    """Change an assignment's letter or holder (on the same standard)."""
    _require_raci(actor, assignment.standard)
    _check_raci(assignment.standard, letter, person, position, exclude=assignment.pk)
    before = snapshot(assignment)
    assignment.letter, assignment.person, assignment.position = letter, person, position
    assignment.save()
    record(actor, "change RACI", assignment, before=before, after=snapshot(assignment))
    return assignment


@transaction.atomic
def remove_raci(actor: Any, assignment: Raci) -> None:
    _require_raci(actor, assignment.standard)
    record(actor, "remove RACI", assignment, before=snapshot(assignment))
    assignment.delete()


def field_errors(exc: ValidationError) -> dict[str, list[str]]:
    """A service's ValidationError as {field: [messages]} (``non_field_errors`` for the rest)."""
    if hasattr(exc, "error_dict"):
        return {
            ("non_field_errors" if k == "__all__" else k): [str(m) for e in v for m in e.messages]
            for k, v in exc.error_dict.items()
        }
    return {"non_field_errors": list(exc.messages)}
