"""Process definitions (流程定义) as written in a pack: the steps a case goes through, who does each, and how long
each step and the whole case may take.

A process is documentation and responsibility, not a check: it names the activities exactly as the event log
writes them, so the ``sequence`` checks of the standard it belongs to, and a process-mining comparison, speak
the same words. Step types: ``start`` opens a case, ``execute`` does the work, ``supervise`` reviews or approves
someone else's work, ``end`` closes the case.
"""

from __future__ import annotations

import re
from typing import Literal

from pydantic import Field, field_validator

from guifan.engine.pack.base import PackModel, StrList
from guifan.engine.values import Duration, DurationField, Text

StepType = Literal["start", "execute", "supervise", "end"]
STEP_TYPES: tuple[str, ...] = ("start", "execute", "supervise", "end")
Clock = Literal["wall", "business"]
PROCESS_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]*$")


def _check_fixed_length(value: Duration | None) -> Duration | None:
    if value is not None and value.months is not None:
        raise ValueError(f"{value.source!r} is a calendar length; a duration limit is written in m, h, d or w")
    return value


class StepRaci(PackModel):
    """Who is Responsible, Accountable, Consulted and Informed for one step: positions or people, as named in
    the organisation (a position's name, or a person's employee id)."""

    R: StrList = Field(default_factory=list, description="Responsible 负责")
    A: StrList = Field(default_factory=list, description="Accountable 批准/问责 (exactly one)")
    C: StrList = Field(default_factory=list, description="Consulted 咨询")
    I: StrList = Field(default_factory=list, description="Informed 知会")  # noqa: E741 - the RACI letter


class Step(PackModel):
    """One activity of a process, in order."""

    activity: str = Field(description="the activity's name exactly as the event log writes it")
    type: StepType = Field("execute", description="start | execute | supervise | end")
    name_en: str | None = Field(None, description="the activity's English name, for display only")
    role: str | None = Field(None, description="the position responsible for the step")
    limit: DurationField | None = Field(
        None, description="longest time from the previous step to this one (the first step: none)"
    )
    optional: bool = Field(
        False, description="not every case has this step; when it happens, it happens in its place in the order"
    )
    raci: StepRaci | None = None
    sop: Text | None = Field(None, description="how the step is done (Markdown)")

    _fixed = field_validator("limit")(_check_fixed_length)

    @field_validator("activity")
    @classmethod
    def _check_activity(cls, value: str) -> str:
        if not value.strip():
            raise ValueError("an activity needs a name, exactly as the event log writes it")
        return value


class Process(PackModel):
    """A process definition: ordered steps, the whole case's limit, and the SOP (标准作业程序)."""

    id: str = Field(description="unique among the pack's processes, e.g. P2P")
    name: Text
    standard: str | None = Field(None, description="id of the standard in this pack that the process belongs to")
    owner: str | None = Field(None, description="org unit that owns the process")
    dataset: str | None = Field(None, description="the event log the process runs in (a dataset of this pack)")
    limit: DurationField | None = Field(None, description="longest time a whole case may take")
    clock: Clock = Field("wall", description="wall: clock time; business: working time in `calendar`")
    calendar: str | None = Field(None, description="work calendar for business time (a calendar of this pack)")
    sop: Text | None = Field(None, description="the standard operating procedure (Markdown)")
    steps: list[Step] = Field(default_factory=list)

    _fixed = field_validator("limit")(_check_fixed_length)

    @field_validator("id")
    @classmethod
    def _check_id(cls, value: str) -> str:
        if not PROCESS_ID.match(value):
            raise ValueError(f"{value!r} is not an id; use letters, digits, '.', '_' and '-'")
        return value


Place = tuple[str | int, ...]


def process_problems(
    processes: list[Process], standards: set[str], datasets: set[str], calendars: set[str]
) -> list[tuple[str, Place, str | None]]:
    """What is wrong with the processes beyond their fields: (message, place in the pack, hint)."""
    from guifan.engine.errors import did_you_mean

    out: list[tuple[str, Place, str | None]] = []
    seen: dict[str, int] = {}
    for pi, process in enumerate(processes):
        base: Place = ("processes", pi)
        if process.id in seen:
            out.append(
                (f"duplicate process id {process.id!r}", (*base, "id"), "process ids must be unique in the pack")
            )
        seen.setdefault(process.id, pi)
        refs = (("standard", process.standard, standards), ("dataset", process.dataset, datasets),
                ("calendar", process.calendar, calendars))  # fmt: skip
        for field, name, known in refs:
            if name is not None and name not in known:
                hint = did_you_mean(name, known) or f"the pack's {field}s: {', '.join(sorted(known)) or 'none'}"
                out.append((f"unknown {field} {name!r}", (*base, field), hint))
        if process.clock == "business" and process.calendar is None:
            out.append(("business time needs a calendar", (*base, "clock"), "add calendar: NAME, or use clock: wall"))
        out += _step_problems(process, base)
    return out


def _step_problems(process: Process, base: Place) -> list[tuple[str, Place, str | None]]:
    out: list[tuple[str, Place, str | None]] = []
    activities: set[str] = set()
    last = len(process.steps) - 1
    for si, step in enumerate(process.steps):
        where: Place = (*base, "steps", si)
        if step.activity in activities:
            out.append((f"activity {step.activity!r} appears twice", (*where, "activity"), "each step once"))
        activities.add(step.activity)
        if step.type == "start" and si != 0:
            out.append(("only the first step can be a start step", (*where, "type"), "use execute or supervise"))
        if step.type == "end" and si != last:
            out.append(("only the last step can be an end step", (*where, "type"), "use execute or supervise"))
        if step.optional and step.type in ("start", "end"):
            article = "an" if step.type == "end" else "a"
            out.append((f"{article} {step.type} step cannot be optional", (*where, "optional"), "every case has it"))
        if step.raci is not None and len(step.raci.A) > 1:
            out.append((f"{len(step.raci.A)} Accountables; a step has exactly one", (*where, "raci", "A"), None))
    return out
