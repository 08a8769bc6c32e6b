"""Sales: e-commerce orders, monthly sales figures per salesperson, and the customer master (CRM).

Planted: in June 2026 (618) the warehouse falls behind and many paid orders ship after 48 hours; the North
China region (华北大区) misses its revenue target most months; the customer master has the usual problems of a
CRM nobody owns — missing and malformed phone numbers, duplicated ids from a migration, credit limits out of
range, owners who left the company or never existed, and records untouched for years.
"""

from __future__ import annotations

import numpy as np

from guifan.demo.common import (
    DAYS,
    END,
    EXTRACTED_AT,
    MONTHS,
    Bools,
    Dataset,
    Floats,
    Ints,
    Strs,
    Times,
    choose,
    clock,
    count,
    day_weights,
    ids,
    lookup_number,
    minutes,
    money,
    month_index,
    nullable,
    pick_days,
    table,
)
from guifan.demo.names import company_names, person_names
from guifan.demo.org import Staff
from guifan.demo.service import CUSTOMER_HOURS

PLATFORMS = ("天猫", "京东", "抖音", "拼多多", "官网")
PROVINCES = ("上海", "江苏", "浙江", "广东", "山东", "北京", "四川", "湖北", "河南", "福建", "安徽", "天津")
PRODUCTS = (("PU-300", 689.0), ("PU-150", 329.0), ("GP-80", 199.0), ("AQ-20", 89.0), ("SP-05", 39.0))
ORDER_MONTHS = (1.5, 1.1, 0.9, 0.6, 0.9, 0.95, 1.1, 1.8, 0.9, 0.9, 0.95, 1.05)
SHOPPING_DAYS = {"2025-11-11": 5.0, "2025-12-12": 2.0, "2026-06-18": 4.0}
JUNE = 7


def _order_days(rng: np.random.Generator, n: int) -> Times:
    weights = day_weights(ORDER_MONTHS, 1.1)
    for day, factor in SHOPPING_DAYS.items():
        weights[np.datetime64(day) == DAYS] *= factor
    days = pick_days(rng, n, weights)
    return np.sort(days.astype("datetime64[s]") + clock(rng, n, CUSTOMER_HOURS))


def _ship_hours(rng: np.random.Generator, month: Ints) -> Floats:
    """Hours from payment to shipping: about 16 h, longer around Double 11 and much longer in June."""
    median = np.select([month == JUNE, month == 0], [28.0, 19.0], 16.0)
    return median * np.exp(0.55 * rng.standard_normal(len(month)))


def orders(rng: np.random.Generator, scale: float) -> tuple[Dataset, Floats]:
    """E-commerce orders (电商订单) from five platforms, and online revenue per month (paid, not returned)."""
    n = count(60_000, scale, 500)
    ordered = _order_days(rng, n)
    month = month_index(ordered)
    unpaid = rng.random(n) < 0.03
    paid = ordered + minutes(rng.exponential(8.0, n))
    shipped = paid + minutes(_ship_hours(rng, month) * 60)
    delivered = shipped + minutes(rng.lognormal(np.log(2.5 * 1440), 0.35, n))
    end = EXTRACTED_AT
    no_ship = unpaid | (shipped >= end)
    no_delivery = no_ship | (delivered >= end)
    product = rng.choice(len(PRODUCTS), size=n, p=(0.15, 0.25, 0.3, 0.2, 0.1))
    quantity = np.where(rng.random(n) < 0.85, 1, rng.integers(2, 5, n))
    price = np.asarray([p for _, p in PRODUCTS])[product]
    amount = money(price * quantity * rng.choice([1.0, 0.95, 0.9, 0.85], n, p=(0.5, 0.25, 0.15, 0.1)))
    returned = ~no_delivery & (rng.random(n) < np.where(month == JUNE, 0.05, 0.034))
    status = np.select([unpaid, returned, ~no_delivery, ~no_ship], ["已取消", "已退货", "已签收", "已发货"], "待发货")
    data = table(
        {
            "order_id": ids("SO", n, 7),
            "platform": choose(rng, PLATFORMS, n, (0.35, 0.25, 0.2, 0.1, 0.1)),
            "ordered_at": ordered,
            "paid_at": nullable(paid, unpaid),
            "shipped_at": nullable(shipped, no_ship),
            "delivered_at": nullable(delivered, no_delivery),
            "province": choose(rng, PROVINCES, n),
            "sku": np.asarray([s for s, _ in PRODUCTS])[product],
            "quantity": quantity.astype(np.int64),
            "amount": amount,
            "status": status,
            "returned": returned,
        }
    )
    kept = ~unpaid & ~returned
    by_month = np.bincount(month[kept], weights=amount[kept], minlength=len(MONTHS)).astype(np.float64)
    dataset = Dataset(
        "orders",
        data,
        key="order_id",
        time="ordered_at",
        title=("电商订单", "E-commerce orders"),
        column_rules={"platform": {"values": list(PLATFORMS)}},
    )
    return dataset, by_month


REGIONS = ("华东大区", "华北大区", "华南大区")
ATTAINMENT = {"华东大区": 1.14, "华北大区": 0.88, "华南大区": 1.09}
SALES_MONTHS = (1.05, 1.1, 0.95, 0.7, 0.95, 1.0, 1.0, 1.1, 0.95, 0.95, 1.05, 1.1)


def sales_monthly(staff: Staff, rng: np.random.Generator) -> tuple[Dataset, Floats]:
    """Monthly figures per salesperson (销售月报) and the company's B2B revenue per month."""
    reps = np.flatnonzero(np.isin(staff.team, REGIONS) & np.isin(staff.position, ["销售代表", "大区经理"]))
    month = np.repeat(MONTHS, len(reps))
    person = np.tile(reps, len(MONTHS))
    first_day = month.astype("datetime64[D]")
    keep = staff.employed_on(person, first_day + 14)
    month, person = month[keep], person[keep]
    n = len(person)
    region = staff.team[person]
    target = np.round(600_000 * np.asarray(SALES_MONTHS)[month_index(month)] / 10_000) * 10_000
    level = lookup_number(ATTAINMENT, region)
    revenue = money(target * np.clip(level + 0.12 * rng.standard_normal(n), 0.3, 1.8))
    leads = rng.poisson(62, n)
    conversions = rng.binomial(leads, 0.17)
    data = table(
        {
            "month": month.astype("datetime64[D]"),
            "employee_id": staff.employee_id[person],
            "salesperson": staff.name[person],
            "region": region,
            "revenue": revenue,
            "target": target,
            "leads": leads.astype(np.int64),
            "conversions": conversions.astype(np.int64),
            "customer_feedback": np.round(np.clip(4.35 + 0.3 * rng.standard_normal(n), 1, 5), 1),
        }
    )
    by_month = np.bincount(month_index(month), weights=revenue, minlength=len(MONTHS)).astype(np.float64)
    return (
        Dataset(
            "sales_monthly",
            data,
            key=("month", "employee_id"),
            time="month",
            title=("销售月报", "Monthly sales per salesperson"),
        ),
        by_month,
    )


def _phones(rng: np.random.Generator, business: Bools) -> Strs:
    """Mobile numbers, landlines for some companies, and the malformed ones a CRM collects."""
    n = len(business)
    mobile = np.char.add(
        np.char.add("1", choose(rng, ("3", "5", "7", "8", "9"), n)),
        np.char.zfill(rng.integers(0, 10**9, n).astype(str), 9),
    )
    landline = np.char.add("021-", rng.integers(5000_0000, 6999_9999, n).astype(str))
    phone = np.where(business & (rng.random(n) < 0.25), landline, mobile)
    kind = rng.random(n)
    spaced = np.char.add(np.char.add(mobile.astype("<U3"), " "), np.char.replace(mobile, mobile.astype("<U3"), "", 1))
    phone = np.where(kind < 0.005, spaced, phone)
    phone = np.where((kind >= 0.005) & (kind < 0.009), mobile.astype("<U10"), phone)
    return np.where((kind >= 0.009) & (kind < 0.012), np.char.add("+86", mobile), phone)


CUSTOMER_TRADES = ("机电设备", "水处理工程", "农业科技", "暖通工程", "建筑安装", "环保科技", "物业管理", "五金机电")


def customers(staff: Staff, rng: np.random.Generator, scale: float) -> Dataset:
    """The customer master (客户主数据) with realistic quality problems."""
    n = count(5_000, scale, 200)
    business = rng.random(n) < 0.7
    created = np.datetime64("2015-01-01") + rng.integers(0, (END - np.datetime64("2015-01-01")).astype(int) - 30, n)
    stale = rng.random(n) < 0.07
    low = np.where(stale, created, np.maximum(created, END - 700))
    high = np.where(stale, np.maximum(np.minimum(np.datetime64("2024-06-30"), END - 1), created + 1), END - 1)
    updated = (low + (rng.random(n) * (high - low).astype(np.int64)).astype(np.int64)).astype("datetime64[D]")
    credit = np.where(business, np.round(rng.lognormal(np.log(200_000), 0.9, n), -3), 0.0)
    bad_credit = rng.random(n) < 0.003
    credit = np.where(bad_credit, np.where(rng.random(n) < 0.5, -50_000.0, 8_800_000.0), credit)
    reps = np.flatnonzero(np.isin(staff.position, ["销售代表", "大区经理", "电商运营"]))
    owner = staff.employee_id[reps[rng.integers(0, len(reps), n)]]
    unknown = rng.random(n) < 0.008
    owner = np.where(unknown, np.char.add("E9", rng.integers(100, 999, n).astype(str)), owner)
    level = choose(rng, ("A", "B", "C"), n, (0.15, 0.45, 0.4))
    level = np.where(rng.random(n) < 0.003, "b", level)
    customer_id = ids("KH", n, 6)
    dup = rng.choice(n, size=max(2, n // 250), replace=False)
    customer_id[dup] = customer_id[np.maximum(dup - rng.integers(1, 50, len(dup)), 0)]
    names = np.where(business, company_names(rng, n, CUSTOMER_TRADES, distinct=False), person_names(rng, n))
    data = table(
        {
            "customer_id": customer_id,
            "name": names,
            "customer_type": np.where(business, "企业", "个人"),
            "level": level,
            "phone": nullable(_phones(rng, business), rng.random(n) < 0.018),
            "province": choose(rng, PROVINCES, n),
            "credit_limit": credit,
            "owner_id": owner,
            "created_on": created.astype("datetime64[D]"),
            "updated_on": updated,
        }
    )
    return Dataset("customers", data, key="customer_id", title=("客户主数据", "Customer master data"))


def build(staff: Staff, rng: np.random.Generator, scale: float) -> tuple[list[Dataset], Floats, Floats]:
    """The sales datasets, and B2B and online revenue per month for the company figures."""
    online, online_revenue = orders(rng, scale)
    monthly, b2b_revenue = sales_monthly(staff, rng)
    return [online, monthly, customers(staff, rng, scale)], b2b_revenue, online_revenue
