from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from guifan.web.org.models import OrgUnit, Person, Position, Raci


class OrgUnitForm(forms.ModelForm):
    class Meta:
        model = OrgUnit
        fields = ("code", "name", "name_en", "kind", "parent")


class PersonForm(forms.ModelForm):
    class Meta:
        model = Person
        fields = ("code", "name", "unit", "position", "user", "active")


class RaciForm(forms.Form):
    letter = forms.ChoiceField(label=_("RACI"), choices=Raci.Letter.choices)
    person = forms.ModelChoiceField(label=_("Person"), queryset=Person.objects.filter(active=True), required=False)

    def clean(self) -> dict[str, object]:
        data = super().clean() or {}
        if not data.get("person"):
            raise forms.ValidationError(_("Choose a person."))
        return data


class PositionForm(forms.ModelForm):
    class Meta:
        model = Position
        fields = ("code", "name", "unit")
