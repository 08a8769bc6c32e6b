"""Forms for process definitions: the process, its steps (a formset, ordered by number) and step RACI."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from guifan.web.core import access
from guifan.web.org.models import OrgUnit, Person, Position
from guifan.web.process.models import Process, Step, StepRaci
from guifan.web.process.services import check_limit
from guifan.web.standards.models import Severity, Standard


class ProcessForm(forms.ModelForm):
    class Meta:
        model = Process
        fields = ("code", "name", "name_en", "standard", "owner_unit", "dataset", "limit", "clock", "calendar",
                  "sop", "sop_en")  # fmt: skip
        widgets = {"sop": forms.Textarea(attrs={"rows": 8}), "sop_en": forms.Textarea(attrs={"rows": 8})}

    def __init__(self, *args: Any, user: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["standard"].queryset = Standard.objects.filter(access.scope_filter(user, "owner_unit"))
        scope = access.unit_scope(user)
        units = OrgUnit.objects.all() if scope is None else OrgUnit.objects.filter(pk__in=scope)
        self.fields["owner_unit"].queryset = units
        if not access.can_manage_catalogue(user):
            self.fields["owner_unit"].required = True

    def clean_limit(self) -> str:
        return check_limit(self.cleaned_data.get("limit", ""))


STEP_SOP_STYLE = "height:3.2em;min-height:0;width:16em"


class StepForm(forms.ModelForm):
    order = forms.IntegerField(label=_("order"), min_value=0, required=False, widget=forms.NumberInput(
        attrs={"style": "width:4em"}))  # fmt: skip

    class Meta:
        model = Step
        fields = ("order", "activity", "name_en", "type", "responsible", "limit", "optional", "sop", "sop_en")
        widgets = {
            "limit": forms.TextInput(attrs={"style": "width:6em"}),
            "name_en": forms.TextInput(attrs={"style": "width:11em"}),
            "sop": forms.Textarea(attrs={"rows": 2, "style": STEP_SOP_STYLE, "placeholder": "SOP 中文"}),
            "sop_en": forms.Textarea(attrs={"rows": 2, "style": STEP_SOP_STYLE, "placeholder": "SOP English"}),
        }

    def clean_limit(self) -> str:
        return check_limit(self.cleaned_data.get("limit", ""))


class BaseStepFormSet(forms.BaseInlineFormSet):
    def ordered_steps(self) -> list[dict[str, Any]]:
        """The steps kept, in the order their numbers give (ties keep the rows' order), as service data."""
        rows = []
        for index, form in enumerate(self.forms):
            data = getattr(form, "cleaned_data", None)
            if not data or data.get("DELETE") or not data.get("activity"):
                continue
            order = data.get("order")
            rows.append((order if order is not None else 10_000 + index, index, form))
        out = []
        for _order, _index, form in sorted(rows, key=lambda r: (r[0], r[1])):
            data = {name: form.cleaned_data.get(name) for name in StepForm.Meta.fields if name != "order"}
            data["id"] = form.instance.pk
            out.append(data)
        return out


StepFormSet = forms.inlineformset_factory(
    Process, Step, form=StepForm, formset=BaseStepFormSet, extra=3, can_delete=True
)


class StepRaciForm(forms.Form):
    step = forms.ModelChoiceField(label=_("Step"), queryset=Step.objects.none())
    letter = forms.ChoiceField(label=_("RACI"), choices=StepRaci.Letter.choices)
    person = forms.ModelChoiceField(label=_("Person"), queryset=Person.objects.filter(active=True), required=False)
    position = forms.ModelChoiceField(label=_("Position"), queryset=Position.objects.all(), required=False)

    def __init__(self, *args: Any, process: Process, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["step"].queryset = process.steps.order_by("order", "id")
        self.fields["step"].label_from_instance = lambda s: f"{s.order}. {s.activity}"

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if bool(data.get("person")) == bool(data.get("position")):
            raise forms.ValidationError(_("Choose a person or a position."))
        return data


SHORT_TEXT = {"rows": 2, "style": "height:4.5em;min-height:0"}


class SequenceCheckForm(forms.Form):
    """Where the check written from a definition goes: a new requirement, or an existing sequence requirement
    whose check it replaces."""

    check_yaml = forms.CharField(label=_("Check (YAML)"), widget=forms.Textarea(
        attrs={"class": "mono", "rows": 24, "style": "height:46em"}))  # fmt: skip
    replace = forms.ChoiceField(label=_("Put it"), required=False)
    code = forms.CharField(label=_("Requirement code"), max_length=64, required=False)
    text = forms.CharField(label=_("Text (中文)"), required=False, widget=forms.Textarea(attrs=SHORT_TEXT))
    text_en = forms.CharField(label=_("Text (English)"), required=False, widget=forms.Textarea(attrs=SHORT_TEXT))
    severity = forms.ChoiceField(label=_("Severity"), choices=Severity.choices, initial=Severity.MAJOR)

    def __init__(self, *args: Any, replaceable: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        choices = [("", _("as a new requirement"))]
        choices += [(code, _("replacing the check of %(r)s") % {"r": label}) for code, label in replaceable]
        self.fields["replace"].choices = choices

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if not data.get("replace"):
            for name in ("code", "text"):
                if not (data.get(name) or "").strip():
                    self.add_error(name, _("A new requirement needs this."))
        return data
