"""Who may do what (roles scoped to org units), the audit trail, and the catalogue's pack settings."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Role:
    """The roles a login can have (plain strings, so they type-check without Django's stubs)."""

    ADMIN = "admin"
    STANDARDS_MANAGER = "standards_manager"
    DEPARTMENT_MANAGER = "department_manager"
    AUDITOR = "auditor"
    STAFF = "staff"
    READ_ONLY = "read_only"

    choices = (
        (ADMIN, _("Administrator")),
        (STANDARDS_MANAGER, _("Standards manager")),
        (DEPARTMENT_MANAGER, _("Department manager")),
        (AUDITOR, _("Auditor")),
        (STAFF, _("Staff")),
        (READ_ONLY, _("Read-only")),
    )

    @classmethod
    def label(cls, role: str | None) -> str:
        return str(dict(cls.choices).get(role or "", ""))


class Profile(models.Model):
    """A login's role and the org unit it is scoped to (a department manager's department)."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="profile")
    role = models.CharField(_("role"), max_length=32, choices=Role.choices, default=Role.STAFF)
    unit = models.ForeignKey(
        "org.OrgUnit", verbose_name=_("org unit"), null=True, blank=True, on_delete=models.SET_NULL
    )

    def __str__(self) -> str:
        return f"{self.user} ({self.get_role_display()})"


class AuditEntry(models.Model):
    """One change: who, when, what, before and after. Written by services; never edited or deleted."""

    at = models.DateTimeField(_("at"), auto_now_add=True, db_index=True)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    action = models.CharField(_("action"), max_length=64)
    object_type = models.CharField(_("object type"), max_length=64, db_index=True)
    object_id = models.CharField(_("object id"), max_length=64, db_index=True)
    object_repr = models.CharField(_("object"), max_length=200)
    before = models.JSONField(_("before"), null=True, blank=True)
    after = models.JSONField(_("after"), null=True, blank=True)

    class Meta:
        ordering = ("-at", "-id")
        verbose_name = _("audit entry")
        verbose_name_plural = _("audit trail")

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None:
            raise PermissionError("audit entries cannot be changed")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        raise PermissionError("audit entries cannot be deleted")

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.actor} {self.action} {self.object_repr}"


class Catalogue(models.Model):
    """The settings a pack carries besides its standards: id, title, time zone and calendars (one row)."""

    pack_id = models.CharField(_("pack id"), max_length=64, default="company")
    title_zh = models.CharField(_("title (中文)"), max_length=200, blank=True)
    title_en = models.CharField(_("title (English)"), max_length=200, blank=True)
    timezone = models.CharField(_("time zone"), max_length=64, default="Asia/Shanghai")
    calendars = models.JSONField(_("calendars"), default=dict, blank=True)

    @classmethod
    def current(cls) -> Catalogue:
        obj, _created = cls.objects.get_or_create(pk=1)
        return obj

    def __str__(self) -> str:
        return self.title_zh or self.title_en or self.pack_id
