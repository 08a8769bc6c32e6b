"""RACI integrity: every standard and every process step has exactly one Accountable and at least one
Responsible, and nobody is Accountable for too much (standards and processes counted together).

A process step's responsible position counts as its Responsible, so a step needs an explicit R only when it
names no responsible position.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass
from typing import Any

from django.db.models import QuerySet
from django.utils.translation import gettext as _

from guifan.web.org.models import Raci
from guifan.web.standards.models import Standard

MAX_ACCOUNTABLE = 8


@dataclass(frozen=True)
class Finding:
    code: str
    message: str


def raci_findings(
    standards: QuerySet[Standard], max_accountable: int = MAX_ACCOUNTABLE, processes: QuerySet[Any] | None = None
) -> list[Finding]:
    """Integrity findings for the given standards (and process definitions), read as plain tuples."""
    letters: dict[int, Counter[str]] = defaultdict(Counter)
    accountable: Counter[str] = Counter()
    rows = Raci.objects.filter(standard__in=standards.values("pk")).values_list(
        "standard_id", "letter", "person__name", "person__code", "position__name"
    )
    for standard_id, letter, person, code, position in rows:
        letters[standard_id][letter] += 1
        if letter == "A":
            accountable[f"{person} ({code})" if person else str(position)] += 1
    out: list[Finding] = []
    for pk, code in standards.values_list("pk", "code").order_by("code"):
        counts = letters.get(pk, Counter())
        if counts["A"] == 0:
            out.append(Finding(code, _("no Accountable")))
        elif counts["A"] > 1:
            out.append(Finding(code, _("%(n)d Accountables; there must be exactly one") % {"n": counts["A"]}))
        if counts["R"] == 0:
            out.append(Finding(code, _("no Responsible")))
    if processes is not None:
        out += _step_findings(processes, accountable)
    for holder, n in accountable.items():
        if n > max_accountable:
            out.append(
                Finding(
                    holder,
                    _("Accountable for %(n)d standards and processes (more than %(max)d)")
                    % {"n": n, "max": max_accountable},
                )
            )
    return out


def _step_findings(processes: QuerySet[Any], accountable: Counter[str]) -> list[Finding]:
    """Findings for process steps; adds each holder's processes (each counted once) to ``accountable``."""
    from guifan.web.process.models import Step, StepRaci

    letters: dict[int, Counter[str]] = defaultdict(Counter)
    holders: set[tuple[str, int]] = set()
    rows = StepRaci.objects.filter(step__process__in=processes.values("pk")).values_list(
        "step_id", "step__process_id", "letter", "person__name", "person__code", "position__name"
    )
    for step_id, process_id, letter, person, code, position in rows:
        letters[step_id][letter] += 1
        if letter == "A":
            holders.add((f"{person} ({code})" if person else str(position), process_id))
    for holder, _process in holders:
        accountable[holder] += 1
    out: list[Finding] = []
    steps = Step.objects.filter(process__in=processes.values("pk")).order_by("process__code", "order", "id")
    for pk, process, activity, responsible in steps.values_list("pk", "process__code", "activity", "responsible_id"):
        counts, code = letters.get(pk, Counter()), f"{process} · {activity}"
        if counts["A"] == 0:
            out.append(Finding(code, _("no Accountable")))
        elif counts["A"] > 1:
            out.append(Finding(code, _("%(n)d Accountables; there must be exactly one") % {"n": counts["A"]}))
        if counts["R"] == 0 and responsible is None:
            out.append(Finding(code, _("no Responsible")))
    return out
