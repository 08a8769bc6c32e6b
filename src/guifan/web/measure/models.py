"""Operational data registered in the app, evaluation runs, and their results (kept as history)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class DataSource(models.Model):
    """A dataset checks read: an uploaded file or a path on the server, with the pack's dataset spec."""

    name = models.CharField(_("name"), max_length=64, unique=True)
    spec = models.JSONField(_("dataset spec"), default=dict, help_text=_("key, time, columns … as in a pack"))
    file = models.FileField(_("file"), upload_to="datasets/", blank=True)
    server_path = models.CharField(_("server path"), max_length=500, blank=True)
    updated = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ("name",)
        verbose_name = _("dataset")

    def __str__(self) -> str:
        return self.name

    @property
    def path(self) -> str:
        return self.file.path if self.file else self.server_path

    @property
    def key_columns(self) -> str:
        """The spec's key as a reader writes it: its column names separated by commas."""
        key = self.spec.get("key") or []
        return ", ".join(map(str, key)) if isinstance(key, list) else str(key)


class Evaluation(models.Model):
    """One run of the catalogue's checks over one period (评估)."""

    class State(models.TextChoices):
        QUEUED = "queued", _("Queued")
        RUNNING = "running", _("Running")
        DONE = "done", _("Done")
        FAILED = "failed", _("Failed")

    label = models.CharField(_("period"), max_length=64, db_index=True)
    start = models.DateTimeField(_("from"), null=True, blank=True)
    end = models.DateTimeField(_("to"))
    state = models.CharField(_("state"), max_length=16, choices=State.choices, default=State.QUEUED)
    progress = models.PositiveIntegerField(default=0)
    total = models.PositiveIntegerField(default=0)
    error = models.TextField(blank=True)
    warnings = models.JSONField(default=list, blank=True)
    started_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created = models.DateTimeField(auto_now_add=True)
    finished = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ("-end", "-created")
        verbose_name = _("evaluation")

    def __str__(self) -> str:
        return self.label


class Status(models.TextChoices):
    PASS = "pass", _("Pass")
    WARN = "warn", _("Warn")
    FAIL = "fail", _("Fail")
    NO_DATA = "no_data", _("No data")
    ERROR = "error", _("Error")


class Result(models.Model):
    """A requirement's outcome in one evaluation."""

    evaluation = models.ForeignKey(Evaluation, on_delete=models.CASCADE, related_name="results")
    requirement = models.ForeignKey(
        "standards.Requirement", null=True, on_delete=models.SET_NULL, related_name="results"
    )
    standard = models.ForeignKey("standards.Standard", null=True, on_delete=models.SET_NULL, related_name="results")
    standard_code = models.CharField(max_length=64, db_index=True)
    requirement_code = models.CharField(max_length=64, db_index=True)
    category = models.CharField(max_length=32, db_index=True)
    unit_id_snapshot = models.IntegerField(null=True, blank=True, db_index=True)  # owner unit when measured
    kind = models.CharField(max_length=32, blank=True)
    status = models.CharField(max_length=16, choices=Status.choices, db_index=True)
    value = models.FloatField(null=True, blank=True)
    unit = models.CharField(max_length=16, default="share")
    target = models.CharField(max_length=64, blank=True)
    population = models.BigIntegerField(default=0)
    violations = models.BigIntegerField(default=0)
    violating_keys = models.JSONField(default=list, blank=True)
    violating_keys_truncated = models.BooleanField(default=False)
    details = models.JSONField(default=dict, blank=True)
    message = models.TextField(blank=True)

    class Meta:
        ordering = ("standard_code", "requirement_code")
        indexes = [
            models.Index(fields=["evaluation", "status"]),
            models.Index(fields=["evaluation", "category", "status", "unit_id_snapshot"], name="result_dashboard"),
        ]
        verbose_name = _("result")

    def __str__(self) -> str:
        return f"{self.requirement_code} {self.status} ({self.evaluation_id})"


class GroupResult(models.Model):
    result = models.ForeignKey(Result, on_delete=models.CASCADE, related_name="groups")
    by = models.JSONField()
    status = models.CharField(max_length=16, choices=Status.choices)
    value = models.FloatField(null=True, blank=True)
    population = models.BigIntegerField(default=0)
    violations = models.BigIntegerField(default=0)

    class Meta:
        ordering = ("id",)
