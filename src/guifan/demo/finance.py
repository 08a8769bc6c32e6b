"""Finance: budget against actual per department and month, expense claims, and the company's monthly goals.

Planted: 市场部 overspends its promotion budget for Double 11, 618 and the October campaign; market share stays
below its target all year; customer retention is a little under the level management wants.
"""

from __future__ import annotations

import numpy as np

from guifan.demo.common import (
    EXTRACTED_AT,
    MONTHS,
    Dataset,
    Floats,
    at_office,
    count,
    day_weights,
    ids,
    minutes,
    money,
    month_index,
    nullable,
    office_time,
    pick_days,
    table,
)
from guifan.demo.org import DEPARTMENTS, Staff

# monthly budget in yuan per (department, cost type) outside payroll
BUDGET_LINES: dict[tuple[str, str], float] = {
    ("市场部", "市场推广"): 420_000,
    ("销售部", "市场推广"): 180_000,
    ("销售部", "差旅费"): 120_000,
    ("生产部", "物料消耗"): 2_600_000,
    ("生产部", "设备维修"): 160_000,
    ("质量部", "检测费"): 60_000,
    ("采购部", "差旅费"): 30_000,
    ("信息技术部", "外包服务"): 110_000,
    ("信息技术部", "软件许可"): 70_000,
    ("安全环保部", "安全投入"): 80_000,
    ("人力资源部", "培训费"): 50_000,
    ("客服部", "外包服务"): 90_000,
}
PAYROLL_PER_HEAD = 14_500.0
OVERSPEND = {0: 1.45, 7: 1.9, 11: 1.35}  # 市场推广 of 市场部 in Nov, Jun, Oct


def budgets(staff: Staff, rng: np.random.Generator) -> Dataset:
    """Budget and actual cost (预算执行) per month, department and cost type."""
    lines = [
        (d, "人工成本", PAYROLL_PER_HEAD * int(((staff.department == d) & staff.active).sum()))
        for d, _, _ in DEPARTMENTS
    ]
    lines += [(d, t, b) for (d, t), b in BUDGET_LINES.items()]
    lines += [(d, "办公费", 8_000.0) for d, _, _ in DEPARTMENTS]
    k, m = len(lines), len(MONTHS)
    department = np.tile(np.asarray([d for d, _, _ in lines]), m)
    cost_type = np.tile(np.asarray([t for _, t, _ in lines]), m)
    month = np.repeat(np.arange(m), k)
    budget = np.round(np.tile(np.asarray([b for *_, b in lines]), m), -2)
    ratio = 0.97 + 0.045 * rng.standard_normal(k * m)
    ratio = np.where(cost_type == "人工成本", 0.99 + 0.01 * rng.standard_normal(k * m), ratio)
    promo = (department == "市场部") & (cost_type == "市场推广")
    for month_no, factor in OVERSPEND.items():
        ratio = np.where(promo & (month == month_no), factor, ratio)
    data = table(
        {
            "month": MONTHS[month].astype("datetime64[D]"),
            "department": department,
            "cost_type": cost_type,
            "budget": budget,
            "actual": money(budget * ratio),
        }
    )
    return Dataset(
        "budgets",
        data,
        key=("month", "department", "cost_type"),
        time="month",
        title=("部门预算执行", "Budget and actual"),
        file_format="csv-bom",
    )


CLAIM_TYPES = (("差旅", 1800.0), ("招待", 900.0), ("交通", 120.0), ("办公用品", 260.0), ("培训", 1500.0))


def expense_claims(staff: Staff, rng: np.random.Generator, scale: float) -> Dataset:
    """Expense claims (费用报销) with approver, invoice and payment."""
    n = count(3_200, scale, 100)
    submitted = np.sort(at_office(rng, pick_days(rng, n, day_weights((1.0,) * 12, 0.05))))
    claimant = staff.draw(rng, np.arange(len(staff.employee_id)), submitted.astype("datetime64[D]"))
    kind = rng.choice(len(CLAIM_TYPES), size=n, p=(0.35, 0.15, 0.3, 0.12, 0.08))
    amount = money(np.asarray([a for _, a in CLAIM_TYPES])[kind] * rng.lognormal(0, 0.6, n))
    manager = staff.manager_id[claimant]
    finance_head = staff.head_of("财务部")
    approver = np.where(manager == "", finance_head, manager)
    approved = office_time(rng, submitted + minutes(rng.gamma(2.0, 0.5, n) * 1440))
    slow = np.where(month_index(submitted) == 3, 3.0, 1.0)  # Spring Festival
    paid = office_time(rng, approved + minutes(rng.gamma(2.0, 0.8, n) * slow * 1440))
    data = table(
        {
            "claim_id": ids("EX", n, 5),
            "employee_id": staff.employee_id[claimant],
            "department": staff.department[claimant],
            "category": np.asarray([c for c, _ in CLAIM_TYPES])[kind],
            "amount": amount,
            "has_invoice": ~np.isin(np.arange(n), rng.choice(n, size=max(1, n // 500), replace=False)),
            "submitted_at": submitted,
            "approver_id": approver,
            "approved_at": approved,
            "paid_at": nullable(paid, paid >= EXTRACTED_AT),
        }
    )
    return Dataset("expense_claims", data, key="claim_id", time="submitted_at", title=("费用报销", "Expense claims"))


def company_goals(revenue_b2b: Floats, revenue_online: Floats, rng: np.random.Generator) -> Dataset:
    """The company's monthly figures against its goals (经营目标): growth, retention, share, margin."""
    m = len(MONTHS)
    revenue = money(revenue_b2b + revenue_online)
    last_year = money(revenue / (1 + rng.normal(0.18, 0.01, m)))
    customers_start = np.round(1800 + np.cumsum(rng.integers(5, 20, m))).astype(np.int64)
    data = table(
        {
            "month": MONTHS.astype("datetime64[D]"),
            "revenue": revenue,
            "revenue_last_year": last_year,
            "revenue_target": money(last_year * 1.15),
            "customers_at_start": customers_start,
            "customers_retained_12m": np.round(customers_start * rng.normal(0.866, 0.006, m)).astype(np.int64),
            "market_share": np.round(rng.normal(0.0285, 0.0012, m), 4),
            "gross_margin": np.round(rng.normal(0.312, 0.008, m), 3),
        }
    )
    return Dataset("company_monthly", data, key="month", time="month", title=("公司经营月报", "Company figures"))


def build(
    staff: Staff, rng: np.random.Generator, scale: float, revenue_b2b: Floats, revenue_online: Floats
) -> list[Dataset]:
    """Budgets, expense claims and company goals."""
    return [budgets(staff, rng), expense_claims(staff, rng, scale), company_goals(revenue_b2b, revenue_online, rng)]
