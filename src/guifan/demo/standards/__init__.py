"""The standards of 示例公司, at least one in each of the 18 categories."""

from __future__ import annotations

from typing import Any

from guifan.demo.standards.business import all_business
from guifan.demo.standards.governance import all_governance
from guifan.demo.standards.operations import all_operations
from guifan.demo.standards.people import all_people


def all_standards() -> list[dict[str, Any]]:
    """Every standard of the demo pack, as pack.yaml writes it."""
    return [*all_operations(), *all_people(), *all_governance(), *all_business()]
