"""The app's own records as datasets, so standards can measure the catalogue itself.

Every evaluation in the web app can read two datasets besides the company's data:
``guifan_standards`` (one row per standard: code, category, owner, status, next_review) and ``guifan_raci``
(one row per RACI assignment: standard, letter, holder). An ``organization`` requirement such as "every
standard has exactly one Accountable" is then an ordinary check on them.
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
    RACI: {"standard": "string", "letter": "string", "holder": "string"},
}
KEYS: dict[str, Any] = {STANDARDS: "code", RACI: ["standard", "letter", "holder"]}


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
        writer.writerow(["standard", "letter", "holder"])
        for a in Raci.objects.select_related("standard", "person", "position").order_by("standard__code", "letter"):
            writer.writerow([a.standard.code, a.letter, str(a.person or a.position)])
    return specs(folder)
