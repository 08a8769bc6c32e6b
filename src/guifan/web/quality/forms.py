"""Forms: an spc requirement's chart settings (validated by the engine's own model, errors at their field) and
an exclusion with its reason."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from guifan.engine.pack.loader import check_problems
from guifan.engine.spc.chart import CHART_TYPES
from guifan.engine.spc.rules import NELSON, WESTERN_ELECTRIC
from guifan.web.core.models import Catalogue
from guifan.web.measure import app_data
from guifan.web.measure.models import DataSource

CHART_LABELS = {
    "xbar_r": _("X̄-R (means and ranges)"),
    "xbar_s": _("X̄-S (means and standard deviations)"),
    "imr": _("I-MR (individuals and moving ranges)"),
    "p": _("p (fraction defective)"),
    "np": _("np (number defective)"),
    "c": _("c (defects per sample)"),
    "u": _("u (defects per unit)"),
    "ewma": _("EWMA"),
    "cusum": _("CUSUM"),
}
RULE_CHOICES = [("we", _("Western Electric 1–4")), ("nelson", _("Nelson 1–8"))] + [
    (r, r) for r in (*WESTERN_ELECTRIC, *NELSON)
]
PHASES = [("I", _("Phase I: limits from the charted data")), ("baseline", _("Phase II: limits from a baseline period")),
          ("limits", _("Phase II: given limits"))]  # fmt: skip

# where an engine message's path lands in the form
FIELD_OF = {
    "chart": "chart", "rules": "rules", "subgroup": "subgroup", "characteristic": "characteristic",
    "spec.lsl": "lsl", "spec.usl": "usl", "spec.target": "target", "spec": "lsl",
    "phase.baseline": "baseline", "phase.limits.center": "center", "phase.limits.sigma": "sigma",
    "phase.limits": "center", "phase": "phase",
}  # fmt: skip


def _number_or_column(text: str) -> float | str | None:
    text = text.strip()
    if not text:
        return None
    try:
        return float(text)
    except ValueError:
        return text


def _shown(value: Any) -> str:
    return "" if value is None else (f"{value:g}" if isinstance(value, float | int) else str(value))


class SettingsForm(forms.Form):
    """The chart settings of an spc check. Fields the form does not show (dataset, value, where, by, target …)
    are kept as they are."""

    chart = forms.ChoiceField(label=_("Chart"), choices=[(c, CHART_LABELS[c]) for c in CHART_TYPES])
    rules = forms.MultipleChoiceField(
        label=_("Run rules"), choices=RULE_CHOICES, required=False, widget=forms.CheckboxSelectMultiple,
        help_text=_("A set, or single rules. None selected: the default (Western Electric)."),
    )  # fmt: skip
    subgroup = forms.CharField(
        label=_("Subgroup"), required=False,
        help_text=_(
            "The column naming each subgroup, or a number n for groups of n consecutive records; "
            "empty for individual values."
        ),
    )  # fmt: skip
    characteristic = forms.CharField(
        label=_("Characteristic columns"), required=False,
        help_text=_("Comma-separated columns; each combination of their values gets its own chart."),
    )  # fmt: skip
    lsl = forms.CharField(label=_("Lower specification limit (LSL)"), required=False,
                          help_text=_("A number, or the column that gives it per characteristic."))  # fmt: skip
    usl = forms.CharField(label=_("Upper specification limit (USL)"), required=False,
                          help_text=_("A number, or the column that gives it per characteristic."))  # fmt: skip
    target = forms.CharField(label=_("Target (nominal)"), required=False,
                             help_text=_("Empty: the middle of LSL and USL."))  # fmt: skip
    phase = forms.ChoiceField(label=_("Phase"), choices=PHASES)
    baseline = forms.CharField(label=_("Baseline period"), required=False, help_text=_("e.g. 2026-Q1"))
    center = forms.CharField(label=_("Given centre"), required=False)
    sigma = forms.CharField(label=_("Given sigma"), required=False)

    def __init__(self, *args: Any, check: dict[str, Any], **kwargs: Any) -> None:
        self.check = dict(check)
        super().__init__(*args, **kwargs)
        if not self.is_bound:
            self.initial = initial(check)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if self.errors:
            return data
        check = self.build(data)
        for problem in problems(check):
            path, sep, message = problem.partition(": ")
            path = re.sub(r"\[\d+\]", "", path)  # characteristic[1] is the characteristic field
            if path == "phase" and message.startswith("baseline: "):
                path, message = "phase.baseline", message.removeprefix("baseline: ")
            field = FIELD_OF.get(path) if sep else None
            if field is None and sep:
                field = FIELD_OF.get(path.split(".")[0])
            self.add_error(field, message if field else problem)
        data["check"] = check
        return data

    def build(self, data: dict[str, Any]) -> dict[str, Any]:
        check = dict(self.check)
        check["chart"] = data["chart"]
        if data["rules"]:
            check["rules"] = list(data["rules"])
        else:
            check.pop("rules", None)
        sub = data["subgroup"].strip()
        check.pop("subgroup", None)
        if sub:
            check["subgroup"] = int(sub) if sub.isdigit() else sub
        chars = [c.strip() for c in data["characteristic"].split(",") if c.strip()]
        check.pop("characteristic", None)
        if chars:
            check["characteristic"] = chars
        spec = {k: _number_or_column(data[k]) for k in ("lsl", "usl", "target")}
        check.pop("spec", None)
        if any(v is not None for v in spec.values()):
            check["spec"] = {k: v for k, v in spec.items() if v is not None}
        check.pop("phase", None)
        if data["phase"] == "baseline":
            check["phase"] = {"baseline": data["baseline"].strip()}
        elif data["phase"] == "limits":
            limits = {k: _number_or_column(data[k]) for k in ("center", "sigma")}
            check["phase"] = {"limits": {k: v for k, v in limits.items() if v is not None}}
        if check["chart"] in ("ewma", "cusum"):
            check.pop("rules", None)  # these charts have their own rule
        return check


def initial(check: dict[str, Any]) -> dict[str, Any]:
    """The form's fields from a check as stored."""
    spec = check.get("spec") or {}
    phase = check.get("phase") or {}
    limits = phase.get("limits") or {}
    rules = check.get("rules", [])
    chars = check.get("characteristic", [])
    return {
        "chart": check.get("chart", "xbar_r"),
        "rules": [rules] if isinstance(rules, str) else list(rules),
        "subgroup": _shown(check.get("subgroup")),
        "characteristic": ", ".join([chars] if isinstance(chars, str) else chars),
        "lsl": _shown(spec.get("lsl")),
        "usl": _shown(spec.get("usl")),
        "target": _shown(spec.get("target")),
        "phase": "baseline" if "baseline" in phase else ("limits" if limits else "I"),
        "baseline": _shown(phase.get("baseline")),
        "center": _shown(limits.get("center")),
        "sigma": _shown(limits.get("sigma")),
    }


def problems(check: dict[str, Any]) -> list[str]:
    """The engine's messages for ``check`` against the registered datasets (as the requirement form). The
    check's own dataset is described by its file's real header (see :func:`real_columns`), so a column name
    is checked, with a did-you-mean, even when the dataset declares no ``columns``."""
    catalogue = Catalogue.current()
    datasets = app_data.specs(Path("app"))
    for ds in DataSource.objects.all():
        datasets[ds.name] = {**ds.spec, "source": ds.spec.get("source") or f"{ds.name}.csv"}
        if ds.name == check.get("dataset"):
            found = real_columns(ds)
            if found:
                datasets[ds.name]["columns"] = found | dict(ds.spec.get("columns") or {})
    return check_problems(check, datasets, calendars=catalogue.calendars, timezone=catalogue.timezone)


def real_columns(dataset: DataSource) -> dict[str, str]:
    """The columns of the dataset's file and their types (declared, else inferred from a sample), read by the
    engine from its header and first records; empty when the file cannot be read (the engine reports that
    when it measures)."""
    from guifan.engine.datasets import probe_schema
    from guifan.engine.errors import GuifanError
    from guifan.engine.pack.dataset import DatasetSpec

    try:
        spec = DatasetSpec.model_validate({**dataset.spec, "source": dataset.path})
        return dict(probe_schema(dataset.name, spec, Path("/")).columns)
    except (GuifanError, ValueError, OSError):
        return {}


class ExclusionForm(forms.Form):
    characteristic = forms.CharField(widget=forms.HiddenInput, required=False)
    subgroup = forms.CharField(label=_("Subgroup"), max_length=200)
    reason = forms.CharField(
        label=_("Reason (assignable cause)"), max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )  # fmt: skip
