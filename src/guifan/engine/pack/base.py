"""Base model for everything written in a pack: strict (unknown fields are errors), immutable."""

from __future__ import annotations

from typing import Annotated, Any

from pydantic import BaseModel, BeforeValidator, ConfigDict


class PackModel(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)


def _as_list(value: Any) -> Any:
    return [value] if isinstance(value, str) else value


StrList = Annotated[list[str], BeforeValidator(_as_list)]
"""A list of names that may also be written as a single name."""


def _as_str(value: Any) -> Any:
    if isinstance(value, int | float) and not isinstance(value, bool):
        return str(value)
    return value


LooseStr = Annotated[str, BeforeValidator(_as_str)]
"""A string that YAML may have read as a number (``version: 1.2``)."""
