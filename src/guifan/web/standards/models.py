"""The standards catalogue: standards, their versions and requirements, acknowledgements and attachments.

A standard has versions. A draft version is mutable; once approved it is immutable, and a change makes a new
draft. Requirements belong to a version, so every result points at the exact text that was measured.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from guifan.engine.pack.model import CATEGORIES

CATEGORY_CHOICES = [(key, names["zh"]) for key, names in CATEGORIES.items()]


def category_name(category: str) -> str:
    names = CATEGORIES.get(category, {})
    return names.get("en" if get_language() == "en" else "zh", category)


class Standard(models.Model):
    """A standard (标准): identity, category and owner; its text lives in its versions."""

    code = models.CharField(_("code"), max_length=64, unique=True)
    category = models.CharField(_("category"), max_length=32, choices=CATEGORY_CHOICES, db_index=True)
    owner_unit = models.ForeignKey(
        "org.OrgUnit", verbose_name=_("owner"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    owner_name = models.CharField(_("owner (as written)"), max_length=120, blank=True)
    current = models.ForeignKey(
        "StandardVersion", null=True, blank=True, on_delete=models.SET_NULL, related_name="+",
        verbose_name=_("effective version"),
    )  # fmt: skip

    class Meta:
        ordering = ("code",)
        verbose_name = _("standard")

    def __str__(self) -> str:
        title = self.current.display_title if self.current else ""
        return f"{self.code} {title}".strip()

    @property
    def category_label(self) -> str:
        return category_name(self.category)


class VersionStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    IN_REVIEW = "in_review", _("In review")
    APPROVED = "approved", _("Approved")
    EFFECTIVE = "effective", _("Effective")
    SUPERSEDED = "superseded", _("Superseded")
    RETIRED = "retired", _("Retired")


IMMUTABLE = {VersionStatus.APPROVED, VersionStatus.EFFECTIVE, VersionStatus.SUPERSEDED, VersionStatus.RETIRED}


class StandardVersion(models.Model):
    """One text of a standard. ``lock_version`` guards against two people overwriting each other's edits."""

    standard = models.ForeignKey(Standard, on_delete=models.CASCADE, related_name="versions")
    number = models.CharField(_("version"), max_length=32)
    status = models.CharField(_("status"), max_length=16, choices=VersionStatus.choices, default=VersionStatus.DRAFT)
    title = models.CharField(_("title (中文)"), max_length=200)
    title_en = models.CharField(_("title (English)"), max_length=200, blank=True)
    body = models.TextField(_("body (中文, Markdown)"), blank=True)
    body_en = models.TextField(_("body (English, Markdown)"), blank=True)
    effective = models.DateField(_("effective from"), null=True, blank=True)
    review_every = models.CharField(_("review cycle"), max_length=16, blank=True, help_text="12mo, 2y, 26w, 90d")
    next_review = models.DateField(_("next review"), null=True, blank=True, db_index=True)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+",
        verbose_name=_("author"),
    )  # fmt: skip
    approver = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+",
        verbose_name=_("approver"),
    )  # fmt: skip
    created = models.DateTimeField(auto_now_add=True)
    approved_at = models.DateTimeField(null=True, blank=True)
    lock_version = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ("standard__code", "-created", "-id")
        constraints = [models.UniqueConstraint(fields=["standard", "number"], name="version_number_unique")]
        verbose_name = _("version")

    def __str__(self) -> str:
        return f"{self.standard.code} v{self.number}"

    @property
    def immutable(self) -> bool:
        return self.status in IMMUTABLE

    @property
    def display_title(self) -> str:
        return self.title_en if get_language() == "en" and self.title_en else self.title

    @property
    def display_body(self) -> str:
        return self.body_en if get_language() == "en" and self.body_en else self.body


class Severity(models.TextChoices):
    MINOR = "minor", _("Minor")
    MAJOR = "major", _("Major")
    CRITICAL = "critical", _("Critical")


class Requirement(models.Model):
    """A clause (条款) of one version; ``check`` is the engine's check spec as a mapping, or empty."""

    version = models.ForeignKey(StandardVersion, on_delete=models.CASCADE, related_name="requirements")
    code = models.CharField(_("code"), max_length=64)
    position = models.PositiveIntegerField(default=0)
    text = models.TextField(_("text (中文)"))
    text_en = models.TextField(_("text (English)"), blank=True)
    severity = models.CharField(_("severity"), max_length=16, choices=Severity.choices, default=Severity.MAJOR)
    check_spec = models.JSONField(_("check"), null=True, blank=True)

    class Meta:
        ordering = ("version", "position", "id")
        constraints = [models.UniqueConstraint(fields=["version", "code"], name="requirement_code_unique")]
        verbose_name = _("requirement")

    def __str__(self) -> str:
        return self.code

    @property
    def display_text(self) -> str:
        return self.text_en if get_language() == "en" and self.text_en else self.text

    @property
    def kind(self) -> str | None:
        spec: dict[str, Any] | None = self.check_spec
        return str(spec.get("kind")) if spec else None


class Acknowledgement(models.Model):
    """A person confirms they have read an effective version (阅知确认)."""

    version = models.ForeignKey(StandardVersion, on_delete=models.CASCADE, related_name="acknowledgements")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["version", "user"], name="ack_once")]
        verbose_name = _("acknowledgement")


class Attachment(models.Model):
    """A file attached to a version (size-limited on upload)."""

    version = models.ForeignKey(StandardVersion, on_delete=models.CASCADE, related_name="attachments")
    file = models.FileField(upload_to="attachments/%Y/%m/")
    name = models.CharField(max_length=200)
    size = models.PositiveBigIntegerField(default=0)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    uploaded_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return self.name
