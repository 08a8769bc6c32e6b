"""Findings (不符合项) and the actions taken on them (措施): the improvement loop's records."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Source:
    """Where a finding came from (plain strings, so typed code needs no Django stubs)."""

    FAILURE = "failure"
    SIGNAL = "signal"
    DEVIATION = "deviation"
    BREACH = "breach"
    AUDIT = "audit"
    FEEDBACK = "feedback"
    OTHER = "other"

    choices = (
        (FAILURE, _("Failed requirement")),
        (SIGNAL, _("Control-chart signal")),
        (DEVIATION, _("Process deviation")),
        (BREACH, _("SLA breach")),
        (AUDIT, _("Audit")),
        (FEEDBACK, _("Feedback")),
        (OTHER, _("Other")),
    )
    from_result = (FAILURE, SIGNAL, DEVIATION, BREACH)


class FindingStatus:
    OPEN = "open"
    ACTING = "acting"
    CLOSED = "closed"

    choices = (
        (OPEN, _("Open")),
        (ACTING, _("Actions under way")),
        (CLOSED, _("Closed")),
    )
    not_closed = (OPEN, ACTING)


class Finding(models.Model):
    """A nonconformity to act on, with the record it is about when it came from a measured result."""

    title = models.CharField(_("title"), max_length=200)
    title_generated = models.BooleanField(default=False)  # written by the app: shown in each reader's language
    description = models.TextField(_("description"), blank=True)
    source = models.CharField(_("source"), max_length=16, choices=Source.choices, default=Source.OTHER)
    severity = models.CharField(_("severity"), max_length=16, blank=True)
    status = models.CharField(
        _("status"), max_length=16, choices=FindingStatus.choices, default=FindingStatus.OPEN, db_index=True
    )
    standard = models.ForeignKey(
        "standards.Standard", verbose_name=_("standard"), null=True, blank=True, on_delete=models.SET_NULL,
        related_name="findings",
    )  # fmt: skip
    requirement_code = models.CharField(_("requirement"), max_length=64, blank=True, db_index=True)
    result = models.ForeignKey(
        "measure.Result", verbose_name=_("result"), null=True, blank=True, on_delete=models.SET_NULL,
        related_name="findings",
    )  # fmt: skip
    key = models.CharField(_("record"), max_length=200, blank=True, help_text=_("the violating record's key"))
    unit = models.ForeignKey(
        "org.OrgUnit", verbose_name=_("org unit"), null=True, blank=True, on_delete=models.SET_NULL,
        related_name="findings",
    )  # fmt: skip
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("owner"), null=True, blank=True, on_delete=models.SET_NULL,
        related_name="owned_findings",
    )  # fmt: skip
    due = models.DateField(_("due"), null=True, blank=True)
    root_cause = models.TextField(_("root cause"), blank=True)
    opened_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    opened_at = models.DateTimeField(_("opened"), auto_now_add=True, db_index=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True)
    closure_note = models.TextField(_("closure note"), blank=True)

    class Meta:
        ordering = ("-opened_at", "-id")
        indexes = [models.Index(fields=["requirement_code", "source", "key", "status"], name="finding_dedup")]
        verbose_name = _("finding")
        verbose_name_plural = _("findings")

    def __str__(self) -> str:
        return f"{self.number} {self.display_title}"

    @property
    def display_title(self) -> str:
        """The title; a generated one is said again in the reader's language."""
        if self.title_generated and self.result is not None:
            from guifan.web.improvement.services import default_title

            return default_title(self.result, self.source, self.key)
        return self.title

    @property
    def number(self) -> str:
        return f"F-{self.pk:04d}" if self.pk else "F-new"

    @property
    def is_closed(self) -> bool:
        return self.status == FindingStatus.CLOSED


class ActionKind:
    CONTAINMENT = "containment"
    CORRECTIVE = "corrective"
    PREVENTIVE = "preventive"

    choices = (
        (CONTAINMENT, _("Containment")),
        (CORRECTIVE, _("Corrective action")),
        (PREVENTIVE, _("Preventive action")),
    )


class Action(models.Model):
    """Something done about a finding: containment, a corrective (纠正措施) or a preventive (预防措施) action."""

    finding = models.ForeignKey(Finding, on_delete=models.CASCADE, related_name="actions")
    kind = models.CharField(_("kind"), max_length=16, choices=ActionKind.choices, default=ActionKind.CORRECTIVE)
    description = models.TextField(_("what will be done"))
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("owner"), null=True, blank=True, on_delete=models.SET_NULL,
        related_name="owned_actions",
    )  # fmt: skip
    due = models.DateField(_("due"), null=True, blank=True)
    done_at = models.DateTimeField(_("done"), null=True, blank=True)
    done_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    outcome = models.TextField(_("outcome"), blank=True)
    created = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ("finding", "id")
        verbose_name = _("action")

    def __str__(self) -> str:
        return f"{self.finding.number} · {self.get_kind_display()}"

    @property
    def is_done(self) -> bool:
        return self.done_at is not None
