"""The pack (标准包) as typed, immutable models. The JSON Schema of pack.yaml is generated from these."""

from __future__ import annotations

import re
from datetime import date
from typing import Annotated, Any, Literal

from pydantic import Field, field_validator

from guifan.engine import checks  # registers the check kinds before the union below is built
from guifan.engine.checks.base import CheckSpec
from guifan.engine.checks.registry import KINDS
from guifan.engine.pack.base import LooseStr, PackModel
from guifan.engine.pack.calendar import CalendarSpec
from guifan.engine.pack.dataset import DatasetSpec
from guifan.engine.pack.process import Process
from guifan.engine.values import Duration, DurationField, Text

__all__ = ["CATEGORIES", "CalendarSpec", "DatasetSpec", "Pack", "Process", "Requirement", "Standard", "checks"]

CATEGORIES: dict[str, dict[str, str]] = {
    "process": {"zh": "流程规范", "en": "Process"},
    "quality": {"zh": "质量控制", "en": "Quality"},
    "performance": {"zh": "绩效评估", "en": "Performance"},
    "training": {"zh": "人员培训", "en": "Training"},
    "customer_service": {"zh": "客户服务", "en": "Customer service"},
    "data": {"zh": "数据管理与分析", "en": "Data management"},
    "improvement": {"zh": "持续改进", "en": "Continuous improvement"},
    "compliance": {"zh": "合规管理", "en": "Compliance"},
    "risk": {"zh": "风险管理", "en": "Risk"},
    "internal_control": {"zh": "内部控制", "en": "Internal control"},
    "security": {"zh": "信息安全", "en": "Information security"},
    "it_systems": {"zh": "技术支持与信息系统", "en": "IT systems"},
    "organization": {"zh": "组织架构与职责", "en": "Organisation"},
    "goals": {"zh": "运营目标与指标", "en": "Goals and indicators"},
    "brand": {"zh": "品牌管理", "en": "Brand"},
    "supply_chain": {"zh": "供应链管理", "en": "Supply chain"},
    "safety": {"zh": "安全生产", "en": "Safety"},
    "cost": {"zh": "成本控制", "en": "Cost"},
}

Category = Literal[
    "process", "quality", "performance", "training", "customer_service", "data", "improvement", "compliance",
    "risk", "internal_control", "security", "it_systems", "organization", "goals", "brand", "supply_chain",
    "safety", "cost",
]  # fmt: skip
Status = Literal["draft", "in_review", "approved", "effective", "superseded", "retired"]
Severity = Literal["minor", "major", "critical"]

PACK_ID = re.compile(r"^[a-z0-9][a-z0-9-]*$")
ITEM_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]*$")


def _check_union() -> Any:
    specs = tuple(kind.spec for kind in KINDS.values())
    return Annotated[specs[0] if len(specs) == 1 else _union(specs), Field(discriminator="kind")]


def _union(specs: tuple[type[CheckSpec], ...]) -> Any:
    from typing import Union

    return Union[specs]  # noqa: UP007 - built at run time from the registry


AnyCheck = _check_union()


def _check_review_unit(value: Duration | None) -> Duration | None:
    if value is not None and value.unit not in ("d", "w", "mo", "y"):
        raise ValueError(f"{value.source!r} is not a review cycle; write Nd, Nw, Nmo or Ny (12mo is a year)")
    return value


class Requirement(PackModel):
    """One clause (条款) of a standard; with a check it is measured on data, without one people assess it."""

    id: str = Field(description="unique in the pack, e.g. CS-001.1")
    text: Text = Field(description="what the requirement says")
    severity: Severity = "major"
    check: AnyCheck | None = None  # type: ignore[valid-type]
    description: Text | None = None

    @field_validator("id")
    @classmethod
    def _check_id(cls, value: str) -> str:
        if not ITEM_ID.match(value):
            raise ValueError(f"{value!r} is not an id; use letters, digits, '.', '_' and '-'")
        return value


class Standard(PackModel):
    """A standard (标准): a document saying how an operation must be run."""

    id: str = Field(description="unique in the pack, e.g. CS-001")
    title: Text
    category: Category
    owner: str | None = Field(None, description="org unit or role responsible for the standard")
    version: LooseStr = "1.0"
    status: Status = "effective"
    effective: date | None = None
    review_every: DurationField | None = Field(None, description="review cycle: Nd, Nw, Nmo or Ny")
    body: Text | None = Field(None, description="Markdown")
    requirements: list[Requirement] = Field(default_factory=list)

    _review_unit = field_validator("review_every")(_check_review_unit)

    @field_validator("id")
    @classmethod
    def _check_id(cls, value: str) -> str:
        if not ITEM_ID.match(value):
            raise ValueError(f"{value!r} is not an id; use letters, digits, '.', '_' and '-'")
        return value


class Pack(PackModel):
    """A standards pack (标准包): standards, the data they are measured on, and the calendars they use."""

    guifan: Literal[1] = Field(description="format version")
    id: str = Field(description="[a-z0-9][a-z0-9-]*")
    title: Text
    timezone: str = Field("UTC", description="IANA zone; naive timestamps and periods are read in it")
    calendars: dict[str, CalendarSpec] = Field(default_factory=dict)
    datasets: dict[str, DatasetSpec] = Field(default_factory=dict)
    standards: list[Standard] = Field(default_factory=list)
    processes: list[Process] = Field(
        default_factory=list, description="process definitions: steps, responsibilities, duration limits, SOP"
    )

    @field_validator("id")
    @classmethod
    def _check_id(cls, value: str) -> str:
        if not PACK_ID.match(value):
            raise ValueError(f"{value!r} is not a pack id; use lower-case letters, digits and '-'")
        return value

    def requirements(self) -> list[tuple[int, Standard, int, Requirement]]:
        """Every requirement with its standard and their positions in the pack."""
        return [(si, s, ri, r) for si, s in enumerate(self.standards) for ri, r in enumerate(s.requirements)]


def pack_json_schema() -> dict[str, Any]:
    """The JSON Schema of pack.yaml (``guifan schema``)."""
    schema = Pack.model_json_schema()
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["$id"] = "urn:guifan:schema:pack:1"
    schema["title"] = "Guifan standards pack, format version 1"
    return schema
