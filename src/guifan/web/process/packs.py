"""Process definitions in and out of packs (the optional top-level ``processes:``); called by the catalogue's
pack import and export, so a pack with processes round-trips."""

from __future__ import annotations

from typing import Any

from guifan.engine.pack.model import Pack
from guifan.engine.pack.process import Process as ProcessSpec
from guifan.engine.values import Text
from guifan.web.core.audit import record
from guifan.web.org.models import OrgUnit, Person, Position
from guifan.web.process import services
from guifan.web.process.models import Clock, Process, Step, StepRaci
from guifan.web.standards.models import Standard

LETTERS = ("R", "A", "C", "I")


def _split(text: Text | None) -> tuple[str, str]:
    if text is None:
        return "", ""
    if isinstance(text, str):
        return text, ""
    return text.get("zh") or next(iter(text.values()), ""), text.get("en", "")


def _join(zh: str, en: str) -> Text:
    return {"zh": zh, "en": en} if en and zh else (zh or en)


def _unit(name: str | None) -> OrgUnit | None:
    if not name:
        return None
    unit = OrgUnit.objects.filter(name=name).first() or OrgUnit.objects.filter(code=name).first()
    return unit or OrgUnit.objects.create(code=name[:64], name=name)


def _position(name: str | None) -> Position | None:
    """The position of that name (or code); a position the organisation does not have yet is added."""
    if not name:
        return None
    found = Position.objects.filter(name=name).first() or Position.objects.filter(code=name).first()
    if found:
        return found
    code, n = name[:64], 1
    while Position.objects.filter(code=code).exists():
        n += 1
        code = f"{name[:60]}-{n}"
    return Position.objects.create(code=code, name=name)


def import_processes(actor: Any, pack: Pack) -> list[Process]:
    """Add or replace the pack's process definitions (inside the caller's transaction)."""
    return [_import_process(actor, spec) for spec in pack.processes]


def _import_process(actor: Any, spec: ProcessSpec) -> Process:
    name, name_en = _split(spec.name)
    sop, sop_en = _split(spec.sop)
    fields = {
        "code": spec.id, "name": name, "name_en": name_en,
        "standard": Standard.objects.filter(code=spec.standard).first() if spec.standard else None,
        "owner_unit": _unit(spec.owner), "dataset": spec.dataset or "",
        "limit": spec.limit.source if spec.limit else "", "clock": spec.clock, "calendar": spec.calendar or "",
        "sop": sop, "sop_en": sop_en,
    }  # fmt: skip
    steps = []
    for step in spec.steps:
        step_sop, step_sop_en = _split(step.sop)
        steps.append({
            "activity": step.activity, "name_en": step.name_en or "", "type": step.type,
            "responsible": _position(step.role), "limit": step.limit.source if step.limit else "",
            "optional": step.optional, "sop": step_sop, "sop_en": step_sop_en,
        })  # fmt: skip
    process = services.save_process(actor, Process.objects.filter(code=spec.id).first(), fields, steps)
    by_activity = {s.activity: s for s in process.steps.all()}
    StepRaci.objects.filter(step__process=process).delete()
    for step in spec.steps:
        if step.raci is None:
            continue
        for letter in LETTERS:
            for holder in getattr(step.raci, letter):
                person = Person.objects.filter(code=holder).first()
                StepRaci.objects.create(step=by_activity[step.activity], letter=letter, person=person,
                                        position=None if person else _position(holder))  # fmt: skip
    record(actor, "import process RACI", process, after={"raci": _raci_count(process)})
    return process


def _raci_count(process: Process) -> int:
    return StepRaci.objects.filter(step__process=process).count()


# --- export ---------------------------------------------------------------------------------------------


def processes_data(standard_codes: set[str] | None = None) -> list[dict[str, Any]]:
    """The process definitions as pack data; with ``standard_codes`` only those belonging to one of these
    standards or to none (an export of one category)."""
    processes = Process.objects.select_related("standard", "owner_unit").order_by("code")
    out = []
    for process in processes:
        if standard_codes is not None and process.standard and process.standard.code not in standard_codes:
            continue
        out.append(_process_data(process))
    return out


def _process_data(process: Process) -> dict[str, Any]:
    out: dict[str, Any] = {"id": process.code, "name": _join(process.name, process.name_en)}
    if process.standard:
        out["standard"] = process.standard.code
    optional = {"owner": process.owner_unit.name if process.owner_unit else "", "dataset": process.dataset,
                "limit": process.limit, "clock": "" if process.clock == Clock.WALL else process.clock,
                "calendar": process.calendar, "sop": _join(process.sop, process.sop_en)}  # fmt: skip
    out |= {k: v for k, v in optional.items() if v}
    steps = process.steps.select_related("responsible").prefetch_related("raci__person", "raci__position")
    out["steps"] = [_step_data(step) for step in steps.order_by("order", "id")]
    return out


def _step_data(step: Step) -> dict[str, Any]:
    out: dict[str, Any] = {"activity": step.activity, "type": step.type}
    optional = {"name_en": step.name_en, "role": step.responsible.name if step.responsible else "",
                "limit": step.limit, "sop": _join(step.sop, step.sop_en)}  # fmt: skip
    out |= {k: v for k, v in optional.items() if v}
    if step.optional:
        out["optional"] = True
    raci: dict[str, list[str]] = {}
    for a in step.raci.all():
        raci.setdefault(a.letter, []).append(a.person.code if a.person else a.position.name if a.position else "")
    if raci:
        out["raci"] = {letter: raci[letter] for letter in LETTERS if letter in raci}
    return out
