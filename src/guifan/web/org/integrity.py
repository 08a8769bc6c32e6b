"""RACI integrity: every standard has exactly one Accountable and at least one Responsible, and nobody is
Accountable for too much."""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass

from django.utils.translation import gettext as _

from guifan.web.org.models import Raci
from guifan.web.standards.models import Standard

MAX_ACCOUNTABLE = 8


@dataclass(frozen=True)
class Finding:
    code: str
    message: str


def raci_findings(standards: list[Standard], max_accountable: int = MAX_ACCOUNTABLE) -> list[Finding]:
    letters: dict[int, Counter[str]] = defaultdict(Counter)
    accountable: Counter[str] = Counter()
    for a in Raci.objects.filter(standard__in=standards).select_related("person", "position"):
        letters[a.standard_id][a.letter] += 1
        if a.letter == "A":
            accountable[str(a.person or a.position)] += 1
    out: list[Finding] = []
    for s in standards:
        counts = letters.get(s.pk, Counter())
        if counts["A"] == 0:
            out.append(Finding(s.code, _("no Accountable")))
        elif counts["A"] > 1:
            out.append(Finding(s.code, _("%(n)d Accountables; there must be exactly one") % {"n": counts["A"]}))
        if counts["R"] == 0:
            out.append(Finding(s.code, _("no Responsible")))
    for holder, n in accountable.items():
        if n > max_accountable:
            out.append(
                Finding(
                    holder, _("Accountable for %(n)d standards (more than %(max)d)") % {"n": n, "max": max_accountable}
                )
            )
    return out
