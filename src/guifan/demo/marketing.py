"""Brand: marketing materials and whether the brand manager approved them before they went out.

Planted: in the June 2026 rush before 618 some materials are released without review, and a few still use the
old visual identity (VI 2.1).
"""

from __future__ import annotations

import numpy as np

from guifan.demo.common import (
    Dataset,
    at_office,
    choose,
    count,
    day_weights,
    ids,
    minutes,
    month_index,
    nullable,
    pick_days,
    table,
)
from guifan.demo.org import Staff

CHANNELS = ("微信公众号", "抖音", "天猫店铺", "京东店铺", "线下海报", "展会", "官网")
KINDS = ("海报", "短视频", "商品详情页", "公众号推文", "展会物料", "产品手册")
MATERIAL_MONTHS = (1.6, 1.1, 0.9, 0.6, 0.9, 1.0, 1.2, 2.0, 0.9, 0.9, 1.0, 1.1)
JUNE = 7


def brand_materials(staff: Staff, rng: np.random.Generator, scale: float) -> Dataset:
    """Marketing materials (品牌物料) with their brand review and release."""
    n = count(420, scale, 60)
    released = np.sort(at_office(rng, pick_days(rng, n, day_weights(MATERIAL_MONTHS, 0.2))))
    authors = np.flatnonzero(np.isin(staff.position, ["设计师", "市场专员", "电商运营"]))
    author = staff.draw(rng, authors, released.astype("datetime64[D]"))
    brand_manager = staff.employee_id[staff.where(position="品牌经理", active=True)[0]]
    reviewed = released - minutes(rng.gamma(2.0, 1.0, n) * 1440)
    submitted = reviewed - minutes(rng.gamma(2.0, 1.2, n) * 1440)
    skipped = rng.random(n) < np.where(month_index(released) == JUNE, 0.09, 0.001)
    rejected_first = ~skipped & (rng.random(n) < 0.08)
    channel = choose(rng, CHANNELS, n)
    # the print shop kept the VI 2.1 poster templates until December 2025
    old_template = (channel == "线下海报") & (month_index(released) == 0) & (rng.random(n) < 0.6)
    data = table(
        {
            "material_id": ids("BM", n, 4),
            "title": np.char.add(
                choose(rng, ("夏季新品", "双11大促", "618大促", "节能水泵", "品牌故事", "安装指南"), n),
                np.char.add("-", choose(rng, KINDS, n)),
            ),
            "kind": choose(rng, KINDS, n),
            "channel": channel,
            "author_id": staff.employee_id[author],
            "submitted_at": submitted,
            "reviewer_id": nullable(np.full(n, brand_manager), skipped),
            "reviewed_at": nullable(reviewed, skipped),
            "approved": ~skipped,
            "revisions": np.where(rejected_first, 2, 1).astype(np.int64),
            "released_at": released,
            "vi_version": np.where(old_template, "VI 2.1", "VI 3.0"),
        }
    )
    return Dataset(
        "brand_materials", data, key="material_id", time="released_at", title=("品牌物料发布", "Brand materials")
    )


def build(staff: Staff, rng: np.random.Generator, scale: float) -> list[Dataset]:
    """The brand datasets."""
    return [brand_materials(staff, rng, scale)]
