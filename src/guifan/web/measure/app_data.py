"""The app's own records as datasets, so standards can measure the catalogue itself.

Every evaluation in the web app can read two datasets besides the company's data:
``guifan_standards`` (one row per standard: code, category, owner, status, next_review) and ``guifan_raci``
(one row per RACI assignment: standard, letter, holder; and, for a process step's assignments, process and
step instead of standard — a step's responsible position is written as its R). An ``organization`` requirement
such as "every standard has exactly one Accountable" is then an ordinary check on them.
"""

from __future__ import annotations

import csv
from pathlib import Path
from typing import Any

from guifan.web.org.models import Raci
from guifan.web.standards.models import Standard

STANDARDS = "guifan_standards"
RACI = "guifan_raci"
COLUMNS = {
    STANDARDS: {"code": "string", "category": "string", "owner": "string", "status": "string", "next_review": "date"},
    RACI: {"standard": "string", "letter": "string", "holder": "string", "process": "string", "step": "string"},
}
KEYS: dict[str, Any] = {STANDARDS: "code", RACI: ["standard", "process", "step", "letter", "holder"]}


def specs(folder: Path) -> dict[str, dict[str, Any]]:
    """The app datasets' pack specs, their files in ``folder``."""
    return {
        name: {"source": str(folder / f"{name}.csv"), "key": KEYS[name], "columns": COLUMNS[name]} for name in COLUMNS
    }


def write(folder: Path) -> dict[str, dict[str, Any]]:
    """Write the app datasets as CSV into ``folder``; return their pack specs (absolute sources)."""
    folder.mkdir(parents=True, exist_ok=True)
    standards = folder / "guifan_standards.csv"
    with standards.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["code", "category", "owner", "status", "next_review"])
        for s in Standard.objects.select_related("owner_unit", "current").order_by("code"):
            owner = s.owner_unit.name if s.owner_unit else s.owner_name
            current = s.current
            writer.writerow([s.code, s.category, owner, current.status if current else "draft",
                             current.next_review.isoformat() if current and current.next_review else ""])  # fmt: skip
    raci = folder / "guifan_raci.csv"
    with raci.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["standard", "letter", "holder", "process", "step"])
        for a in Raci.objects.select_related("standard", "person", "position").order_by("standard__code", "letter"):
            writer.writerow([a.standard.code, a.letter, str(a.person or a.position), "", ""])
        writer.writerows(_step_rows())
    return specs(folder)


def _step_rows() -> list[list[str]]:
    """Process steps' RACI rows; a step's responsible position is its R unless it is listed as R already."""
    from guifan.web.process.models import Step, StepRaci

    rows: list[list[str]] = []
    listed: set[tuple[int, str]] = set()
    raci = StepRaci.objects.select_related("step__process", "person", "position")
    for a in raci.order_by("step__process__code", "step__order", "letter", "id"):
        rows.append(["", a.letter, a.holder, a.step.process.code, a.step.activity])
        listed.add((a.step_id, a.holder))
    for step in Step.objects.filter(responsible__isnull=False).select_related("process", "responsible"):
        if (step.pk, str(step.responsible)) not in listed:
            rows.append(["", "R", str(step.responsible), step.process.code, step.activity])
    return rows
