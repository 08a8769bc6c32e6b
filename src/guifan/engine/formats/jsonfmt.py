"""``--format json``: the contract JSON of one evaluation, or of a trend run as a list of periods."""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

from guifan.engine.results import FORMAT_VERSION, Evaluation


def to_json_data(evaluations: Sequence[Evaluation]) -> dict[str, Any]:
    """One evaluation as it is; several as ``{"guifan": 1, "pack": ID, "periods": [...]}``."""
    if len(evaluations) == 1:
        return evaluations[0].to_dict()
    return {
        "guifan": FORMAT_VERSION,
        "pack": evaluations[0].pack,
        "periods": [e.to_dict() for e in evaluations],
    }


def render_json(evaluations: Sequence[Evaluation], *, language: str = "zh") -> str:
    """Indented UTF-8 JSON (Chinese stays readable), ending with a newline."""
    del language  # the contract is language-neutral
    return json.dumps(to_json_data(evaluations), indent=2, ensure_ascii=False, default=str) + "\n"
