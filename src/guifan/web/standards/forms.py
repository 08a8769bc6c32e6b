"""Forms for drafts and requirements. A requirement's check is validated by the engine's own model, so the
form shows the same messages as ``guifan check``."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml
from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from guifan.engine.pack.loader import check_problems
from guifan.engine.values import Duration
from guifan.web.core.models import Catalogue
from guifan.web.measure import app_data
from guifan.web.measure.models import DataSource
from guifan.web.standards.models import Requirement, StandardVersion


class DraftForm(forms.ModelForm):
    lock_version = forms.IntegerField(widget=forms.HiddenInput)

    class Meta:
        model = StandardVersion
        fields = ("number", "title", "title_en", "effective", "review_every", "body", "body_en")
        widgets = {"effective": forms.DateInput(attrs={"type": "date"})}

    def clean_review_every(self) -> str:
        value: str = self.cleaned_data.get("review_every", "").strip()
        if value:
            try:
                length = Duration.parse(value)
            except ValueError as exc:
                raise forms.ValidationError(str(exc)) from exc
            if length.unit not in ("d", "w", "mo", "y"):
                raise forms.ValidationError(_("Write the cycle in days, weeks, months or years: 90d, 26w, 12mo, 2y."))
        return value


def _check_text(spec: dict[str, Any] | None) -> str:
    return yaml.safe_dump(spec, allow_unicode=True, sort_keys=False) if spec else ""


class RequirementForm(forms.ModelForm):
    check_yaml = forms.CharField(
        label=_("Check (YAML)"), required=False, widget=forms.Textarea(attrs={"class": "mono", "rows": 10}),
        help_text=_("As in a pack, e.g. kind: metric / dataset: tickets / each: \"csat >= 4\" / target: \">= 90%\""),
    )  # fmt: skip

    class Meta:
        model = Requirement
        fields = ("code", "text", "text_en", "severity")

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if self.instance and self.instance.pk:
            self.fields["check_yaml"].initial = _check_text(self.instance.check_spec)

    def clean_check_yaml(self) -> dict[str, Any] | None:
        text = self.cleaned_data.get("check_yaml", "")
        if not text.strip():
            return None
        try:
            spec = yaml.safe_load(text)
        except yaml.YAMLError as exc:
            raise forms.ValidationError(_("This is not valid YAML: %(error)s") % {"error": exc}) from exc
        if not isinstance(spec, dict):
            raise forms.ValidationError(_("A check is a mapping with kind: and its fields."))
        catalogue = Catalogue.current()
        datasets = app_data.specs(Path("app"))
        for ds in DataSource.objects.all():
            datasets[ds.name] = {**ds.spec, "source": ds.spec.get("source") or f"{ds.name}.csv"}
        problems = check_problems(spec, datasets, calendars=catalogue.calendars, timezone=catalogue.timezone)
        if problems:
            raise forms.ValidationError(problems)
        return spec

    def save(self, commit: bool = True) -> Requirement:
        self.instance.check_spec = self.cleaned_data.get("check_yaml")
        return super().save(commit=commit)


class PackUploadForm(forms.Form):
    archive = forms.FileField(label=_("Pack archive (.zip)"), required=False)
    server_path = forms.CharField(label=_("…or a pack folder on the server"), required=False)

    def clean_archive(self) -> Any:
        archive = self.cleaned_data.get("archive")
        if archive is None:
            return None
        if not archive.name.lower().endswith(".zip"):
            raise forms.ValidationError(_("Upload a .zip of a pack folder."))
        if archive.size > settings.MAX_UPLOAD_BYTES:
            raise forms.ValidationError(
                _("The file is larger than the upload limit of %(mb)s MB.") % {"mb": settings.MAX_UPLOAD_BYTES // 2**20}
            )
        return archive

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if not data.get("archive") and not data.get("server_path"):
            raise forms.ValidationError(_("Upload an archive or give a folder on the server."))
        return data
