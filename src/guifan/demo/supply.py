"""Supply chain: the supplier master exported from the old ERP (GB18030), supplier evaluations, inventory.

Deliveries come from the purchase-to-pay cases (see process.py). Planted there: 昆山宏达精密五金有限公司
(S014) starts delivering late from May 2026; one casting supplier (S004) delivers more rejected parts than allowed.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from guifan.demo.common import (
    MONTHS,
    Dataset,
    Floats,
    Ints,
    Strs,
    add_months,
    choose,
    ids,
    lookup,
    money,
    table,
)
from guifan.demo.names import company_names, person_names

# (category, trade word in the name, material, lead time in days, share of purchase orders)
CATEGORIES: tuple[tuple[str, str, str, int, float], ...] = (
    ("铸件", "铸造", "铝合金铸件", 21, 0.22),
    ("原材料", "金属材料", "不锈钢棒料", 14, 0.16),
    ("标准件", "精密五金", "轴承与密封件", 10, 0.18),
    ("电机电子", "电子科技", "电机与控制板", 28, 0.14),
    ("包装材料", "包装材料", "纸箱与泡沫", 7, 0.12),
    ("紧固件", "五金制品", "螺栓螺母", 7, 0.1),
    ("办公与IT", "信息科技", "办公与IT耗材", 5, 0.08),
)
SUPPLIERS_PER_CATEGORY = (6, 5, 7, 5, 5, 4, 4)
LATE_SUPPLIER = "S014"  # standard parts; starts slipping in May 2026
LATE_SUPPLIER_NAME = "昆山宏达精密五金有限公司"
REJECTING_SUPPLIER = "S004"  # castings with too many rejects


@dataclass(frozen=True)
class Suppliers:
    """The supplier master as columns, and how often each supplier gets an order."""

    supplier_id: Strs
    name: Strs
    category: Strs
    material: Strs
    lead_days: Ints
    payment_days: Ints
    order_weight: Floats


def build_suppliers(rng: np.random.Generator) -> Suppliers:
    """About forty suppliers in seven categories; S014 is a large supplier of standard parts."""
    counts = np.asarray(SUPPLIERS_PER_CATEGORY)
    cat = np.repeat(np.arange(len(CATEGORIES)), counts)
    names = np.concatenate([company_names(rng, int(k), (CATEGORIES[i][1],)) for i, k in enumerate(counts)])
    supplier_id = ids("S", len(cat), 3)
    names = np.where(supplier_id == LATE_SUPPLIER, LATE_SUPPLIER_NAME, names)
    share = np.asarray([c[4] for c in CATEGORIES])[cat] / counts[cat]
    weight = share * rng.uniform(0.5, 1.5, len(cat))
    weight[supplier_id == LATE_SUPPLIER] = 0.11
    return Suppliers(
        supplier_id=supplier_id,
        name=names,
        category=np.asarray([c[0] for c in CATEGORIES])[cat],
        material=np.asarray([c[2] for c in CATEGORIES])[cat],
        lead_days=np.asarray([c[3] for c in CATEGORIES])[cat] + rng.integers(-2, 4, len(cat)),
        payment_days=choose(rng, ("30", "45", "60"), len(cat), (0.3, 0.4, 0.3)).astype(np.int64),
        order_weight=weight / weight.sum(),
    )


# city -> (telephone area code, administrative division code)
CITY_CODES = {
    "上海": ("021", "310115"),
    "苏州": ("0512", "320505"),
    "昆山": ("0512", "320583"),
    "无锡": ("0510", "320214"),
    "宁波": ("0574", "330212"),
    "杭州": ("0571", "330106"),
    "嘉兴": ("0573", "330402"),
    "南通": ("0513", "320612"),
    "常州": ("0519", "320412"),
    "合肥": ("0551", "340104"),
    "东莞": ("0769", "441900"),
    "佛山": ("0757", "440606"),
    "天津": ("022", "120116"),
    "青岛": ("0532", "370212"),
}


def _credit_codes(rng: np.random.Generator, city: Strs) -> Strs:
    """Unified social credit codes (统一社会信用代码) of the right shape: 91 + division + 10 characters."""
    alphabet = np.asarray(list("0123456789ABCDEFGHJKLMNPQRTUWXY"))
    n = len(city)
    region = lookup({c: d for c, (_, d) in CITY_CODES.items()}, city)
    tail = alphabet[rng.integers(0, len(alphabet), (n, 10))]
    return np.char.add(np.char.add("91", region), np.asarray(["".join(row) for row in tail]))


def suppliers(book: Suppliers, rng: np.random.Generator) -> Dataset:
    """The supplier master (供应商档案), as the legacy ERP exports it: GB18030 text."""
    n = len(book.supplier_id)
    status = np.where((rng.random(n) < 0.08) & (book.supplier_id != LATE_SUPPLIER), "暂停", "合格")
    city = book.name.astype("<U2")  # every name starts with its two-character city
    area = lookup({c: a for c, (a, _) in CITY_CODES.items()}, city)
    data = table(
        {
            "supplier_id": book.supplier_id,
            "name": book.name,
            "category": book.category,
            "city": city,
            "contact": person_names(rng, n),
            "phone": np.char.add(np.char.add(area, "-"), rng.integers(5000_0000, 6999_9999, n).astype(str)),
            "credit_code": _credit_codes(rng, city),
            "status": status,
            "rating": choose(rng, ("A", "B", "C"), n, (0.4, 0.45, 0.15)),
            "lead_time_days": book.lead_days.astype(np.int64),
            "payment_terms_days": book.payment_days.astype(np.int64),
        }
    )
    return Dataset(
        "suppliers",
        data,
        key="supplier_id",
        title=("供应商档案", "Suppliers"),
        file_format="csv-gb18030",
        column_rules={"status": {"values": ["合格", "暂停", "淘汰"]}},
    )


def supplier_evaluations(book: Suppliers, rng: np.random.Generator) -> Dataset:
    """Annual supplier evaluations (供应商年度评价), each valid for a year."""
    n = len(book.supplier_id)
    years = (np.datetime64("2025-03-01"), np.datetime64("2026-03-01"))
    when = np.concatenate([y + rng.integers(0, 40, n) for y in years]).astype("datetime64[D]")
    supplier = np.tile(book.supplier_id, 2)
    score = np.round(np.clip(82 + 7 * rng.standard_normal(2 * n), 55, 99), 1)
    score[(supplier == LATE_SUPPLIER) & (when > years[1])] = 74.5
    grade = np.select([score >= 90, score >= 80, score >= 70], ["A", "B", "C"], "D")
    valid = add_months(when, 13)
    data = table(
        {
            "evaluation_id": ids("SE", 2 * n, 4),
            "supplier_id": supplier,
            "evaluated_on": when,
            "score": score,
            "grade": grade,
            "valid_until": valid,
        }
    )
    return Dataset(
        "supplier_evaluations",
        data,
        key="evaluation_id",
        time="evaluated_on",
        title=("供应商评价", "Supplier evaluations"),
    )


ITEMS = (("原材料仓", "RM", 46), ("成品仓", "FG", 24))
FG_SEASON = (1.0, 0.95, 1.0, 1.05, 1.0, 1.0, 1.0, 0.4, 1.0, 1.05, 1.0, 1.0)  # June: 618 empties finished goods


def inventory(rng: np.random.Generator) -> Dataset:
    """Month-end stock per item (库存月末快照): on hand, safety stock, usage and cost."""
    warehouse = np.repeat([w for w, _, _ in ITEMS], [k for *_, k in ITEMS])
    sku = np.concatenate([ids(f"{code}-", k, 4) for _, code, k in ITEMS])
    m, k = len(MONTHS), len(sku)
    usage = np.round(rng.lognormal(3.0, 0.8, k), 1)
    safety = np.round(usage * rng.uniform(5, 12, k))
    level = rng.lognormal(np.log(30), 0.45, (m, k))
    finished = warehouse == "成品仓"
    level[:, finished] *= np.asarray(FG_SEASON)[:, None]
    on_hand = np.round(usage[None, :] * level)
    data = table(
        {
            "snapshot_date": np.repeat((MONTHS + 1).astype("datetime64[D]") - 1, k),
            "warehouse": np.tile(warehouse, m),
            "sku": np.tile(sku, m),
            "qty_on_hand": on_hand.ravel().astype(np.int64),
            "safety_stock": np.tile(safety, m).astype(np.int64),
            "avg_daily_usage": np.tile(usage, m),
            "unit_cost": np.tile(money(rng.lognormal(4.0, 1.0, k)), m),
        }
    )
    return Dataset(
        "inventory",
        data,
        key=("snapshot_date", "sku"),
        time="snapshot_date",
        title=("库存月末快照", "Inventory snapshots"),
    )


def build(book: Suppliers, rng: np.random.Generator) -> list[Dataset]:
    """Suppliers, their evaluations and inventory."""
    return [suppliers(book, rng), supplier_evaluations(book, rng), inventory(rng)]
