"""The organisation: org units (a tree), positions, people, and who is responsible for what (RACI)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _


class OrgUnit(models.Model):
    """A company, department or team (组织单元)."""

    class Kind(models.TextChoices):
        COMPANY = "company", _("Company")
        DEPARTMENT = "department", _("Department")
        TEAM = "team", _("Team")

    code = models.CharField(_("code"), max_length=64, unique=True)
    name = models.CharField(_("name"), max_length=120)
    name_en = models.CharField(_("name (English)"), max_length=120, blank=True)
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices, default=Kind.DEPARTMENT)
    parent = models.ForeignKey(
        "self", verbose_name=_("parent"), null=True, blank=True, on_delete=models.PROTECT, related_name="children"
    )

    class Meta:
        ordering = ("code",)
        verbose_name = _("org unit")

    def __str__(self) -> str:
        return self.display_name

    @property
    def display_name(self) -> str:
        return self.name_en if get_language() == "en" and self.name_en else self.name

    @classmethod
    def subtree_ids(cls, unit_id: int) -> set[int]:
        """The unit and every unit below it."""
        children: dict[int | None, list[int]] = {}
        for pk, parent in cls.objects.values_list("pk", "parent_id"):
            children.setdefault(parent, []).append(pk)
        out, todo = set(), [unit_id]
        while todo:
            current = todo.pop()
            if current not in out:
                out.add(current)
                todo.extend(children.get(current, []))
        return out


class Position(models.Model):
    """A role in the organisation that people hold (岗位)."""

    code = models.CharField(_("code"), max_length=64, unique=True)
    name = models.CharField(_("name"), max_length=120)
    unit = models.ForeignKey(OrgUnit, verbose_name=_("org unit"), null=True, blank=True, on_delete=models.SET_NULL)

    class Meta:
        ordering = ("code",)
        verbose_name = _("position")

    def __str__(self) -> str:
        return self.name


class Person(models.Model):
    """Somebody in the organisation, optionally with a login."""

    code = models.CharField(_("employee id"), max_length=64, unique=True)
    name = models.CharField(_("name"), max_length=120)
    unit = models.ForeignKey(OrgUnit, verbose_name=_("org unit"), null=True, blank=True, on_delete=models.SET_NULL)
    position = models.ForeignKey(Position, verbose_name=_("position"), null=True, blank=True, on_delete=models.SET_NULL)
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="person"
    )
    active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ("code",)
        verbose_name = _("person")
        verbose_name_plural = _("people")

    def __str__(self) -> str:
        return f"{self.name} ({self.code})"


class Raci(models.Model):
    """One RACI letter for a standard, held by a person or a position."""

    class Letter(models.TextChoices):
        RESPONSIBLE = "R", _("Responsible")
        ACCOUNTABLE = "A", _("Accountable")
        CONSULTED = "C", _("Consulted")
        INFORMED = "I", _("Informed")

    standard = models.ForeignKey("standards.Standard", on_delete=models.CASCADE, related_name="raci")
    letter = models.CharField(_("RACI"), max_length=1, choices=Letter.choices)
    person = models.ForeignKey(Person, null=True, blank=True, on_delete=models.CASCADE, related_name="raci")
    position = models.ForeignKey(Position, null=True, blank=True, on_delete=models.CASCADE, related_name="raci")

    class Meta:
        verbose_name = _("RACI assignment")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(person__isnull=False) | models.Q(position__isnull=False), name="raci_has_holder"
            )
        ]

    def __str__(self) -> str:
        return f"{self.standard_id} {self.letter} {self.person or self.position}"
