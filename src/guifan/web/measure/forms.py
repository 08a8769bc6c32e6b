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
