"""Every change to process definitions goes through here: one transaction, one audit entry, rights enforced."""

from __future__ import annotations

from typing import Any
from uuid import uuid4

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from guifan.engine.values import Duration
from guifan.web.core import access
from guifan.web.core.audit import record, snapshot
from guifan.web.core.models import Catalogue
from guifan.web.process.models import Clock, Process, Step, StepRaci, StepType

PROCESS_FIELDS = ("code", "name", "name_en", "standard", "owner_unit", "dataset", "limit", "clock", "calendar",
                  "sop", "sop_en")  # fmt: skip
RELATIONS = ("standard", "owner_unit", "responsible")
STEP_FIELDS = ("activity", "name_en", "type", "responsible", "limit", "optional", "sop", "sop_en")


def check_limit(text: str) -> str:
    """A duration limit as stored ("" for none); ValidationError with what to write instead."""
    text = (text or "").strip()
    if not text:
        return ""
    try:
        value = Duration.parse(text)
    except ValueError:
        message = _("%(v)s is not a duration; write a number and a unit: 30m, 4h, 3d or 2w.") % {"v": text}
        raise ValidationError(message) from None
    if value.months is not None:
        raise ValidationError(_("%(v)s is a calendar length; write the limit in m, h, d or w.") % {"v": text})
    return value.source


def _require_edit(actor: Any, unit_id: int | None) -> None:
    if not access.can_edit_unit(actor, unit_id):
        raise PermissionDenied(_("You may not change the processes of this org unit."))


def process_snapshot(process: Process) -> dict[str, Any]:
    """The process and its steps as JSON, for the audit trail."""
    out = snapshot(process, list(PROCESS_FIELDS))
    out["steps"] = [snapshot(step, ["order", *STEP_FIELDS]) for step in process.steps.order_by("order", "id")]
    return out


def _check_steps(steps: list[dict[str, Any]]) -> None:
    problems: list[str] = []
    seen: set[str] = set()
    for i, step in enumerate(steps):
        activity = step["activity"]
        if activity in seen:
            problems.append(_("Step %(n)d: activity %(a)s appears twice.") % {"n": i + 1, "a": activity})
        seen.add(activity)
        if step.get("type") == StepType.START and i != 0:
            problems.append(_("Step %(n)d: only the first step can be a start step.") % {"n": i + 1})
        if step.get("type") == StepType.END and i != len(steps) - 1:
            problems.append(_("Step %(n)d: only the last step can be an end step.") % {"n": i + 1})
        try:
            step["limit"] = check_limit(step.get("limit", ""))
        except ValidationError as exc:
            problems.append(_("Step %(n)d: %(e)s") % {"n": i + 1, "e": " ".join(exc.messages)})
    if problems:
        raise ValidationError(problems)


def _check_process(fields: dict[str, Any]) -> None:
    fields["limit"] = check_limit(fields.get("limit", ""))
    calendar = fields.get("calendar") or ""
    if fields.get("clock") == Clock.BUSINESS and not calendar:
        raise ValidationError(_("Business time needs a work calendar; name one or measure wall-clock time."))
    known = Catalogue.current().calendars or {}
    if calendar and calendar not in known:
        names = ", ".join(sorted(known)) or _("none")
        raise ValidationError(_("There is no work calendar %(c)s (known: %(k)s).") % {"c": calendar, "k": names})


@transaction.atomic
def save_process(actor: Any, process: Process | None, fields: dict[str, Any], steps: list[dict[str, Any]]) -> Process:
    """Add a process (``process`` None) or change one; ``steps`` in their new order replace the old ones.

    A step keeps its RACI when it is given with its ``id`` (or keeps its activity name); steps left out are
    removed with their RACI.
    """
    if process is not None:
        process = Process.objects.select_for_update().get(pk=process.pk)
        _require_edit(actor, process.owner_unit_id)
    owner_id = (
        getattr(fields["owner_unit"], "pk", None) if "owner_unit" in fields else getattr(process, "owner_unit_id", None)
    )
    _require_edit(actor, owner_id)
    _check_process(fields)
    _check_steps(steps)
    before = process_snapshot(process) if process is not None else None
    process = process or Process()
    for name in PROCESS_FIELDS:
        if name in fields:
            value = fields[name]
            setattr(process, name, "" if value is None and name not in RELATIONS else value)
    process.save()
    _replace_steps(process, steps)
    record(actor, "edit process" if before else "add process", process, before=before,
           after=process_snapshot(process))  # fmt: skip
    return process


def _replace_steps(process: Process, steps: list[dict[str, Any]]) -> None:
    existing = {s.pk: s for s in process.steps.all()}
    by_activity = {s.activity: s for s in existing.values()}
    kept: list[Step] = []
    for order, data in enumerate(steps, start=1):
        step = existing.get(data.get("id") or -1) or by_activity.get(data["activity"]) or Step(process=process)
        if step in kept:
            step = Step(process=process)
        for name in STEP_FIELDS:
            value = data.get(name)
            if value is None and name not in RELATIONS:
                value = False if name == "optional" else ""
            setattr(step, name, value)
        step.order = order
        kept.append(step)
    process.steps.exclude(pk__in=[s.pk for s in kept if s.pk]).delete()
    # a renamed step may take another's activity name: free the names first, then save
    for step in kept:
        if step.pk:
            Step.objects.filter(pk=step.pk).update(activity=f"__renaming-{step.pk}-{uuid4().hex}")
    for step in kept:
        if not step.type:
            step.type = StepType.EXECUTE
        step.save()


@transaction.atomic
def delete_process(actor: Any, process: Process) -> None:
    _require_edit(actor, process.owner_unit_id)
    record(actor, "delete process", process, before=process_snapshot(process))
    process.delete()


@transaction.atomic
def add_step_raci(actor: Any, step: Step, letter: str, person: Any = None, position: Any = None) -> StepRaci:
    _require_edit(actor, step.process.owner_unit_id)
    if letter not in dict(StepRaci.Letter.choices):
        raise ValidationError(_("Choose R, A, C or I."))
    if (person is None) == (position is None):
        raise ValidationError(_("Choose a person or a position."))
    if StepRaci.objects.filter(step=step, letter=letter, person=person, position=position).exists():
        raise ValidationError(_("This assignment exists already."))
    assignment = StepRaci.objects.create(step=step, letter=letter, person=person, position=position)
    record(actor, "add step RACI", step.process, after={"step": step.activity, "letter": letter,
                                                       "holder": assignment.holder})  # fmt: skip
    return assignment


@transaction.atomic
def remove_step_raci(actor: Any, assignment: StepRaci) -> None:
    step = assignment.step
    _require_edit(actor, step.process.owner_unit_id)
    record(actor, "remove step RACI", step.process, before={"step": step.activity, "letter": assignment.letter,
                                                           "holder": assignment.holder})  # fmt: skip
    assignment.delete()


@transaction.atomic
def add_sequence_check(
    actor: Any,
    process: Process,
    check_yaml: str,
    *,
    replace: str = "",
    code: str = "",
    text: str = "",
    text_en: str = "",
    severity: str = "major",
) -> Any:
    """Put the check written from the definition into a draft of the process's standard, starting the draft
    if needed: as a new requirement, or as the check of the draft's sequence requirement ``replace``.

    The check is validated as the requirement form validates it (the engine's own model, the CLI's messages);
    on any refusal nothing is written, not even the draft.
    """
    from guifan.web.standards import services as standards
    from guifan.web.standards.forms import RequirementForm
    from guifan.web.standards.models import Requirement

    standard = process.standard
    if standard is None:
        raise ValidationError(_("Link the process to a standard first: the check becomes one of its requirements."))
    version = standards.open_draft(actor, standard)
    if replace:
        requirement = version.requirements.filter(code=replace).first()
        if requirement is None or (requirement.check_spec or {}).get("kind") != "sequence":
            raise ValidationError(_("%(v)s %(n)s has no sequence requirement %(r)s.")
                                  % {"v": standard.code, "n": version.number, "r": replace})  # fmt: skip
        data = {"code": requirement.code, "text": requirement.text, "text_en": requirement.text_en,
                "severity": requirement.severity}  # fmt: skip
    else:
        if version.requirements.filter(code=code).exists():
            raise ValidationError(_("%(v)s %(n)s already has a requirement %(r)s; choose another code.")
                                  % {"v": standard.code, "n": version.number, "r": code})  # fmt: skip
        requirement = Requirement(version=version)
        data = {"code": code, "text": text, "text_en": text_en, "severity": severity}
    form = RequirementForm({**data, "check_yaml": check_yaml}, instance=requirement)
    if not form.is_valid():
        raise ValidationError(_form_messages(form))
    saved = standards.save_requirement(actor, version, form)
    after = {"standard": standard.code, "version": version.number, "requirement": saved.code,
             "replaced": bool(replace)}  # fmt: skip
    record(actor, "check from process", process, after=after)
    return saved


def _form_messages(form: Any) -> list[str]:
    out = []
    for name, errors in form.errors.items():
        label = "" if name in ("__all__", "check_yaml") else f"{form.fields[name].label}: "
        out += [f"{label}{e}" for e in errors]
    return out
