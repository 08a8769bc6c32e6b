"""Forms for findings and their actions (validation only; the services make the changes)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth import get_user_model
from django.utils.translation import gettext_lazy as _

from guifan.web.improvement.models import ActionKind, Finding, FindingStatus, Source
from guifan.web.org.models import OrgUnit
from guifan.web.standards.models import Severity, Standard

DATE = forms.DateInput(attrs={"type": "date"})


def _users() -> Any:
    return get_user_model().objects.filter(is_active=True).order_by("username")


class FindingFilter(forms.Form):
    q = forms.CharField(required=False, label=_("Search"))
    status = forms.ChoiceField(
        required=False, choices=(("", _("Not closed")), ("all", _("All")), *FindingStatus.choices)
    )
    source = forms.ChoiceField(required=False, choices=(("", _("Any source")), *Source.choices))
    mine = forms.BooleanField(required=False, label=_("Mine"))


class FindingForm(forms.Form):
    """Opening a finding by hand (an audit, feedback, an observation)."""

    title = forms.CharField(label=_("Title"), max_length=200)
    source = forms.ChoiceField(label=_("Source"), choices=[c for c in Source.choices if c[0] not in Source.from_result])
    description = forms.CharField(
        label=_("Description"), widget=forms.Textarea(attrs={"rows": 4, "class": "short"}), required=False
    )
    standard = forms.ModelChoiceField(label=_("Standard"), queryset=Standard.objects.none(), required=False)
    unit = forms.ModelChoiceField(label=_("Org unit"), queryset=OrgUnit.objects.none(), required=False)
    severity = forms.ChoiceField(label=_("Severity"), choices=(("", "—"), *Severity.choices), required=False)
    owner = forms.ModelChoiceField(label=_("Owner"), queryset=_users(), required=False)
    due = forms.DateField(label=_("Due"), required=False, widget=DATE)

    def __init__(self, *args: Any, standards: Any, units: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["standard"].queryset = standards
        self.fields["unit"].queryset = units


class FindingEditForm(forms.ModelForm):
    class Meta:
        model = Finding
        fields = ("title", "description", "severity", "owner", "due", "root_cause")
        widgets = {
            "due": DATE,
            "description": forms.Textarea(attrs={"rows": 3, "class": "short"}),
            "root_cause": forms.Textarea(attrs={"rows": 3, "class": "short"}),
            "severity": forms.Select(choices=(("", "—"), *Severity.choices)),
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = _users()


class ActionForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=ActionKind.choices)
    description = forms.CharField(
        label=_("What will be done"), widget=forms.Textarea(attrs={"rows": 2, "class": "short"})
    )
    owner = forms.ModelChoiceField(label=_("Owner"), queryset=_users(), required=False)
    due = forms.DateField(label=_("Due"), required=False, widget=DATE)


class OutcomeForm(forms.Form):
    outcome = forms.CharField(label=_("Outcome"), widget=forms.Textarea(attrs={"rows": 2, "class": "short"}))


class CloseForm(forms.Form):
    closure_note = forms.CharField(
        label=_("Why it can be closed"), widget=forms.Textarea(attrs={"rows": 2, "class": "short"})
    )


class ReopenForm(forms.Form):
    reason = forms.CharField(label=_("Why it is reopened"), widget=forms.Textarea(attrs={"rows": 2, "class": "short"}))
