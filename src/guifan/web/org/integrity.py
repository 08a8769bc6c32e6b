"""RACI integrity: every standard has exactly one Accountable and at least one Responsible, and nobody is
Accountable for too much."""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass

from django.db.models import QuerySet
from django.utils.translation import gettext as _

from guifan.web.org.models import Raci
from guifan.web.standards.models import Standard

MAX_ACCOUNTABLE = 8


@dataclass(frozen=True)
class Finding:
    code: str
    message: str


def raci_findings(standards: QuerySet[Standard], max_accountable: int = MAX_ACCOUNTABLE) -> list[Finding]:
    """Integrity findings for the given standards, read as plain tuples (no model instances)."""
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
    for holder, n in accountable.items():
        if n > max_accountable:
            out.append(
                Finding(
                    holder, _("Accountable for %(n)d standards (more than %(max)d)") % {"n": n, "max": max_accountable}
                )
            )
    return out
