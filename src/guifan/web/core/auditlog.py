"""Reading the audit trail: translated action labels, field-by-field changes, and the audit log's filters.

Entries store an action *code* (plain English, written by the services, e.g. ``"make effective"``) so that the
trail never depends on the language of whoever made the change; the pages show each code's translated label.
A code without a label (an app that has not registered its own yet) is shown as written.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from typing import Any

from django import forms
from django.apps import apps
from django.contrib.auth import get_user_model
from django.core.exceptions import FieldDoesNotExist
from django.db.models import DateTimeField, Model, Q, QuerySet
from django.utils import formats, timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from guifan.web.core.models import AuditEntry

ACTION_LABELS: dict[str, Any] = {
    # org (org/services.py)
    "add": gettext_lazy("added"),
    "edit": gettext_lazy("changed"),
    "delete": gettext_lazy("deleted"),
    "add RACI": gettext_lazy("RACI assigned"),
    "change RACI": gettext_lazy("RACI changed"),
    "remove RACI": gettext_lazy("RACI removed"),
    # standards (standards/services.py, packs.py)
    "new draft": gettext_lazy("revision started"),
    "edit draft": gettext_lazy("draft edited"),
    "submit for review": gettext_lazy("submitted for review"),
    "send back": gettext_lazy("sent back to draft"),
    "approve": gettext_lazy("approved"),
    "make effective": gettext_lazy("made effective"),
    "supersede": gettext_lazy("superseded"),
    "acknowledge": gettext_lazy("acknowledged"),
    "add requirement": gettext_lazy("requirement added"),
    "edit requirement": gettext_lazy("requirement changed"),
    "delete requirement": gettext_lazy("requirement deleted"),
    "attach file": gettext_lazy("file attached"),
    "import pack": gettext_lazy("pack imported"),
    "import version": gettext_lazy("version imported"),
    # measure (measure/services.py, datasets.py)
    "register dataset": gettext_lazy("dataset registered"),
    "start evaluation": gettext_lazy("evaluation started"),
    # the Django admin (core/admin_audit.py)
    "admin add": gettext_lazy("added in the admin"),
    "admin change": gettext_lazy("changed in the admin"),
    "admin delete": gettext_lazy("deleted in the admin"),
}


# Keys that some entries store besides model fields (see the services' record() calls).
KEY_LABELS: dict[str, Any] = {
    "period": gettext_lazy("period"),
    "pack": gettext_lazy("pack"),
    "standards": gettext_lazy("standards"),
    "from": gettext_lazy("from version"),
    "number": gettext_lazy("version"),
    "file": gettext_lazy("file"),
    "size": gettext_lazy("size (bytes)"),
    "status": gettext_lazy("status"),
    # model fields left without a verbose name of their own (Django would show the bare field name)
    "opened_by": gettext_lazy("opened by"),
    "closed_by": gettext_lazy("closed by"),
    "done_by": gettext_lazy("done by"),
    "created": gettext_lazy("created"),
}


def register_actions(labels: dict[str, Any]) -> None:
    """Give an app's own action codes their (lazily translated) labels; call it from the app's ``ready()``."""
    ACTION_LABELS.update(labels)


def action_label(code: str) -> str:
    label = ACTION_LABELS.get(code)
    return str(label) if label is not None else code


def _model(object_type: str) -> type[Model] | None:
    try:
        return apps.get_model(object_type)
    except (LookupError, ValueError):
        return None


# Models whose verbose name is not a reader's word (changing it would need a migration).
OBJECT_TYPE_LABELS: dict[str, Any] = {
    "core.catalogue": gettext_lazy("catalogue"),
    "core.profile": gettext_lazy("role and scope"),
}


def object_type_label(object_type: str) -> str:
    if object_type in OBJECT_TYPE_LABELS:
        return str(OBJECT_TYPE_LABELS[object_type])
    model = _model(object_type)
    return str(model._meta.verbose_name) if model else object_type


@dataclass(frozen=True)
class FieldChange:
    name: str
    label: str
    before: str
    after: str
    changed: bool


def _field(model: type[Model] | None, name: str) -> Any:
    if model is None:
        return None
    try:
        return model._meta.get_field(name)
    except FieldDoesNotExist:
        return None


Related = dict[tuple[type[Model], Any], str]  # (model, primary key) -> how the object reads


def _shown(field: Any, value: Any, related: Related) -> str:
    """A stored value as a reader would want it: choices by their label, foreign keys by the object's name,
    booleans as yes/no, none as —."""
    if value is None or value == "":
        return "—"
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    target = getattr(field, "related_model", None) if getattr(field, "many_to_one", False) else None
    if target is not None and (target, value) in related:
        return related[(target, value)]
    choices = dict(getattr(field, "flatchoices", None) or [])
    if value in choices:
        return str(choices[value])
    if isinstance(field, DateTimeField) and isinstance(value, str) and (moment := parse_datetime(value)):
        return formats.date_format(timezone.localtime(moment), "Y-m-d H:i") if timezone.is_aware(moment) else value
    if isinstance(value, dict | list):
        return json.dumps(value, ensure_ascii=False, sort_keys=True)
    return str(value)


def _foreign_keys(entries: list[AuditEntry]) -> Related:
    """The objects the entries' foreign keys point at, one query per related model (still existing ones)."""
    wanted: dict[type[Model], set[Any]] = {}
    for entry in entries:
        model = _model(entry.object_type)
        for values in (entry.before or {}, entry.after or {}):
            for name, value in values.items():
                field = _field(model, name)
                if value is not None and getattr(field, "many_to_one", False) and field.related_model:
                    wanted.setdefault(field.related_model, set()).add(value)
    out: Related = {}
    for target, ids in wanted.items():
        for pk, obj in target._default_manager.in_bulk(list(ids)).items():
            out[(target, pk)] = str(obj)
    return out


def _label(field: Any, name: str) -> str:
    """The field's own verbose name; the key's label when the field has only Django's default one (its name
    with spaces, never translated) or is not a model field."""
    own = str(getattr(field, "verbose_name", "") or "")
    if own and (own != name.replace("_", " ") or name not in KEY_LABELS):
        return own
    return str(KEY_LABELS.get(name) or own or name)


def changes(entry: AuditEntry, related: Related | None = None) -> list[FieldChange]:
    """The entry's fields in a stable order, each with its value before and after and whether it changed."""
    model = _model(entry.object_type)
    related = related if related is not None else _foreign_keys([entry])
    before, after = entry.before or {}, entry.after or {}
    names = [name for name in dict.fromkeys([*before, *after]) if name != "id"]  # the entry names its object
    out = []
    for name in names:
        field = _field(model, name)
        label = _label(field, name)
        old = _shown(field, before.get(name), related) if entry.before is not None else ""
        new = _shown(field, after.get(name), related) if entry.after is not None else ""
        changed = entry.before is None or entry.after is None or before.get(name) != after.get(name)
        out.append(FieldChange(name, label, old, new, changed))
    return out


@dataclass(frozen=True)
class EntryView:
    entry: AuditEntry
    action: str
    object_type: str
    changes: list[FieldChange]


def shown(entries: list[AuditEntry]) -> list[EntryView]:
    related = _foreign_keys(entries)
    return [
        EntryView(e, action_label(e.action), object_type_label(e.object_type), changes(e, related)) for e in entries
    ]


class AuditFilterForm(forms.Form):
    """The audit log's filters; every one is optional."""

    object_type = forms.ChoiceField(label=gettext_lazy("Object type"), required=False)
    actor = forms.ModelChoiceField(label=gettext_lazy("Who"), queryset=None, required=False)
    action = forms.ChoiceField(label=gettext_lazy("Action"), required=False)
    start = forms.DateField(label=gettext_lazy("From"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    end = forms.DateField(label=gettext_lazy("To"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    q = forms.CharField(label=gettext_lazy("Object"), required=False, max_length=100)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        everyone = _("all")
        types = AuditEntry.objects.order_by().values_list("object_type", flat=True).distinct()
        self.fields["object_type"].choices = [("", everyone), *_by_label((t, object_type_label(t)) for t in types)]
        codes = AuditEntry.objects.order_by().values_list("action", flat=True).distinct()
        self.fields["action"].choices = [("", everyone), *_by_label((c, action_label(c)) for c in codes)]
        actors = AuditEntry.objects.exclude(actor=None).values("actor")
        actor_field = self.fields["actor"]
        assert isinstance(actor_field, forms.ModelChoiceField)
        actor_field.queryset = get_user_model().objects.filter(pk__in=actors).order_by("username")
        actor_field.empty_label = everyone

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start, end = data.get("start"), data.get("end")
        if start and end and end < start:
            self.add_error("end", _("The end date is before the start date."))
        return data

    def filter(self, entries: QuerySet[AuditEntry]) -> QuerySet[AuditEntry]:
        data = self.cleaned_data
        if data.get("object_type"):
            entries = entries.filter(object_type=data["object_type"])
        if data.get("actor"):
            entries = entries.filter(actor=data["actor"])
        if data.get("action"):
            entries = entries.filter(action=data["action"])
        if data.get("start"):
            entries = entries.filter(at__gte=_day_start(data["start"]))
        if data.get("end"):
            entries = entries.filter(at__lt=_day_start(data["end"] + dt.timedelta(days=1)))
        if data.get("q"):
            entries = entries.filter(Q(object_repr__icontains=data["q"]) | Q(object_id=data["q"]))
        return entries


def _by_label(choices: Any) -> list[tuple[str, str]]:
    return sorted(choices, key=lambda choice: str(choice[1]))


def _day_start(day: dt.date) -> dt.datetime:
    """Midnight at the start of ``day`` in the app's time zone (dates in the filter are local dates)."""
    return timezone.make_aware(dt.datetime.combine(day, dt.time.min))
