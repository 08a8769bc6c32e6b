from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from guifan.engine import InputError
from guifan.engine.periods import Period, parse_periods, zone
from guifan.web.core.models import Catalogue


class RunForm(forms.Form):
    periods = forms.CharField(
        label=_("Period or periods"),
        help_text=_("2026-10, 2026-Q3, 2026, or a range such as 2026-01..2026-10 (one evaluation per period)"),
    )

    def clean_periods(self) -> list[Period]:
        text = self.cleaned_data["periods"]
        try:
            periods = parse_periods(text, zone(Catalogue.current().timezone))
        except InputError as exc:
            raise forms.ValidationError(str(exc)) from exc
        if len(periods) > 60:
            raise forms.ValidationError(_("At most 60 periods at once."))
        return periods

    def cleaned(self) -> Any:
        return self.cleaned_data["periods"]


class DatasetForm(forms.Form):
    name = forms.SlugField(label=_("Name"), max_length=64, help_text=_("as checks refer to it, e.g. tickets"))
    file = forms.FileField(label=_("File"), required=False,
                           help_text=_("CSV (UTF-8 or GB18030), TSV, Excel, Parquet or JSON Lines"))  # fmt: skip
    server_path = forms.CharField(label=_("…or a path on the server"), required=False)
    spec = forms.CharField(
        label=_("Dataset spec (YAML)"), required=False, widget=forms.Textarea(attrs={"class": "mono", "rows": 8}),
        help_text=_("key, time and columns as in a pack, e.g. key: ticket_id / time: created_at"),
    )  # fmt: skip

    def clean_spec(self) -> dict[str, Any]:
        import yaml

        text = self.cleaned_data.get("spec") or ""
        try:
            data = yaml.safe_load(text) if text.strip() else {}
        except yaml.YAMLError as exc:
            raise forms.ValidationError(_("This is not valid YAML: %(error)s") % {"error": exc}) from exc
        if not isinstance(data, dict):
            raise forms.ValidationError(_("The spec is a mapping, e.g. key: ticket_id"))
        return data

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if not data.get("file") and not data.get("server_path"):
            raise forms.ValidationError(_("Upload a file or give a path on the server."))
        return data
