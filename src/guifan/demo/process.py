"""Purchase to pay (采购到付款): requisitions, approvals, orders, deliveries, invoices and payments.

One simulated timeline per case feeds four datasets that agree with each other: the process event log
(Parquet, as the process-mining export writes it), the purchase orders, the deliveries and the supplier
invoices. Planted deviations: approvals skipped (about 2.5 %, more in the June rush), requisitions approved by
their own requester (about 1 %), buyers ordering what they requested themselves (a few a year), payments made by
an accountant while the cashiers were on leave before the Spring Festival, orders placed late, rework loops
(returned and modified), late payments, and supplier S014 delivering late from May 2026.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np

from guifan.demo.common import (
    END,
    EXTRACTED_AT,
    OFFICE_HOURS,
    WORK_HOURS,
    Dataset,
    Days,
    Floats,
    Ints,
    Strs,
    Times,
    at_office,
    clock,
    count,
    day_weights,
    days_delta,
    ids,
    lookup,
    minutes,
    money,
    month_index,
    nullable,
    office_time,
    pick_days,
    table,
    workday_on_or_before,
)
from guifan.demo.org import Staff
from guifan.demo.supply import LATE_SUPPLIER, REJECTING_SUPPLIER, Suppliers

REQUESTING = (
    ("生产部", 0.36),
    ("采购部", 0.2),
    ("信息技术部", 0.1),
    ("市场部", 0.1),
    ("质量部", 0.08),
    ("安全环保部", 0.05),
    ("总经办", 0.04),
    ("客服部", 0.03),
    ("人力资源部", 0.02),
    ("财务部", 0.02),
)
NAT = np.datetime64("NaT", "s")
LATE_FROM = np.datetime64("2026-05-01")


@dataclass(frozen=True)
class Cases:
    """One purchase-to-pay case per element; NaT where a step did not (yet) happen."""

    case_id: Strs
    department: Strs
    requester: Strs
    approver: Strs  # "" when the approval was skipped
    approver_role: Strs
    supplier: Ints
    amount: Floats
    requested: Times
    returned: Times
    modified: Times
    approved: Times
    ordered: Times
    buyer: Strs
    promised: Days
    received: Times
    receiver: Strs
    invoiced: Times
    matched: Times
    accountant: Strs
    due: Days
    paid: Times
    cashier: Strs
    cashier_role: Strs


def _lognormal_minutes(rng: np.random.Generator, median: float, sigma: float, n: int) -> Floats:
    return median * np.exp(sigma * rng.standard_normal(n))


def _requesters(rng: np.random.Generator, staff: Staff, days: Days) -> Ints:
    """A requester from a purchasing department, employed on the day of the request."""
    names = [d for d, _ in REQUESTING]
    probs = np.asarray([w for _, w in REQUESTING])
    dept = rng.choice(len(names), size=len(days), p=probs / probs.sum())
    out = np.empty(len(days), dtype=np.int64)
    for i, name in enumerate(names):
        rows = np.flatnonzero(dept == i)
        out[rows] = staff.draw(rng, staff.where(department=name), days[rows])
    return out


def _approvers(staff: Staff, requester: Ints, rng: np.random.Generator) -> tuple[Strs, Strs, Strs]:
    """The requester's department head approves; heads' own requests go to a deputy general manager.

    About one case in a hundred is approved by its requester: a head who raised and approved their own request.
    """
    dept = staff.department[requester]
    heads = lookup({d: staff.head_of(d) for d in np.unique(dept).tolist()}, dept)
    deputy = staff.employee_id[staff.where(position="副总经理", active=True)[0]]
    own = heads == staff.employee_id[requester]
    approver = np.where(own, deputy, heads)
    role = np.where(own, "分管副总", "部门经理")
    self_approved = rng.random(len(requester)) < 0.011
    requester_id = np.where(self_approved, heads, staff.employee_id[requester])
    approver = np.where(self_approved, heads, approver)
    role = np.where(self_approved, "部门经理", role)
    return requester_id, approver, role


def _delivery_delay(rng: np.random.Generator, supplier_id: Strs, promised: Days) -> Ints:
    """Days late (negative: early). S014 slips from May 2026."""
    n = len(promised)
    slipping = (supplier_id == LATE_SUPPLIER) & (promised >= LATE_FROM)
    p_late = np.where(slipping, 0.45, 0.02)
    late = rng.random(n) < p_late
    early = ~late & (rng.random(n) < 0.15)
    delay = np.where(late, np.where(slipping, rng.integers(2, 13, n), rng.integers(1, 6, n)), 0)
    return np.where(early, -rng.integers(1, 4, n), delay)


def _clerks(rng: np.random.Generator, staff: Staff, position: str, when: Times) -> Strs:
    """Someone in ``position`` employed at each time (NaT times get anyone)."""
    days = np.where(np.isnat(when), np.datetime64("2026-01-05"), when).astype("datetime64[D]")
    return staff.employee_id[staff.draw(rng, staff.where(position=position), days)]


CASHIERS_AWAY = (np.datetime64("2026-02-09"), np.datetime64("2026-02-14"))  # [from, to): leave before 春节


def _buyers(rng: np.random.Generator, staff: Staff, cases: Cases, requester_idx: Ints) -> Strs:
    """Nobody buys what they requested: the ERP gives such an order to another buyer. Planted: one buyer in
    fifty among those who raise their own requisitions places the order too."""
    buyer = cases.buyer.copy()
    pool = staff.employee_id[staff.where(position="采购专员")]
    own = (buyer == cases.requester) & (buyer != "")
    for i in np.flatnonzero(own):
        others = pool[pool != buyer[i]]
        buyer[i] = others[rng.integers(0, len(others))]
    buys_too = (staff.position[requester_idx] == "采购专员") & (cases.requester == staff.employee_id[requester_idx])
    planted = buys_too & ~np.isnat(cases.ordered) & (rng.random(len(buyer)) < 0.02)
    return np.where(planted, cases.requester, buyer)


def _cashiers(rng: np.random.Generator, staff: Staff, cases: Cases) -> tuple[Strs, Strs]:
    """Planted: with both cashiers on leave in the week before the Spring Festival, accountants paid a third
    of that week's invoices themselves."""
    day = cases.paid.astype("datetime64[D]")
    away = (day >= CASHIERS_AWAY[0]) & (day < CASHIERS_AWAY[1]) & (rng.random(len(day)) < 0.35)
    stand_in = _clerks(rng, staff, "会计", cases.paid)
    return np.where(away, stand_in, cases.cashier), np.where(away, "会计", "出纳")


def simulate(staff: Staff, book: Suppliers, rng: np.random.Generator, scale: float) -> Cases:
    """The timeline of every purchase-to-pay case, cut off at the end of the year."""
    (fixes,) = rng.spawn(1)  # the later corrections draw from a stream of their own, leaving the rest as it was
    n = count(5_000, scale, 200)
    days = pick_days(rng, n, day_weights((1.1, 1.0, 0.9, 0.7, 1.0, 1.0, 1.1, 1.2, 1.0, 1.0, 1.0, 1.0), 0.0))
    requested = np.sort(at_office(rng, days))
    requester_idx = _requesters(rng, staff, requested.astype("datetime64[D]"))
    requester, approver, role = _approvers(staff, requester_idx, rng)
    rework = rng.random(n) < 0.06
    returned = np.where(rework, office_time(rng, requested + minutes(_lognormal_minutes(rng, 180, 0.8, n))), NAT)
    modified = np.where(rework, office_time(rng, returned + minutes(_lognormal_minutes(rng, 1200, 0.7, n))), NAT)
    start = np.where(rework, modified, requested)
    skip_rate = np.where(month_index(requested) == 7, 0.045, 0.022)
    skipped = rng.random(n) < skip_rate
    approved = np.where(skipped, NAT, office_time(rng, start + minutes(_lognormal_minutes(rng, 300, 1.0, n))))
    late_order = rng.random(n) < 0.015
    order_wait = _lognormal_minutes(rng, 1080, 0.8, n) + late_order * rng.uniform(5, 12, n) * 1440
    ordered = office_time(rng, np.where(skipped, start, approved) + minutes(order_wait))
    supplier = rng.choice(len(book.supplier_id), size=n, p=book.order_weight)
    promised = ordered.astype("datetime64[D]") + days_delta(book.lead_days[supplier])
    delivered = promised + days_delta(_delivery_delay(rng, book.supplier_id[supplier], promised))
    delivered = np.maximum(delivered, ordered.astype("datetime64[D]") + 1)
    received = delivered.astype("datetime64[s]") + clock(rng, n, OFFICE_HOURS)
    invoiced = office_time(rng, received + minutes(rng.gamma(2.0, 1.5, n) * 1440))
    matched = office_time(rng, invoiced + minutes(_lognormal_minutes(rng, 1200, 0.8, n)))
    due = invoiced.astype("datetime64[D]") + days_delta(book.payment_days[supplier])
    late_pay = rng.random(n) < 0.03
    on_time = workday_on_or_before(due - days_delta(rng.integers(1, 6, n)))
    pay_day = np.where(late_pay, due + days_delta(rng.integers(3, 16, n)), on_time)
    paid = office_time(rng, np.maximum(pay_day.astype("datetime64[s]") + clock(rng, n, WORK_HOURS), matched + 3600))
    cut = EXTRACTED_AT
    returned, modified, approved, ordered, received, invoiced, matched, paid = (
        np.where(t < cut, t, NAT) for t in (returned, modified, approved, ordered, received, invoiced, matched, paid)
    )
    cases = Cases(
        case_id=ids("PO", n, 6),
        department=staff.department[requester_idx],
        requester=requester,
        approver=np.where(skipped, "", approver),
        approver_role=role,
        supplier=supplier,
        amount=money(np.clip(rng.lognormal(np.log(8000), 1.1, n), 200, 600_000)),
        requested=requested,
        returned=returned,
        modified=modified,
        approved=approved,
        ordered=ordered,
        buyer=_clerks(rng, staff, "采购专员", ordered),
        promised=promised,
        received=received,
        receiver=_clerks(rng, staff, "仓管员", received),
        invoiced=invoiced,
        matched=matched,
        accountant=_clerks(rng, staff, "会计", invoiced),
        due=due,
        paid=paid,
        cashier=_clerks(rng, staff, "出纳", paid),
        cashier_role=np.full(n, "出纳"),
    )
    cases = replace(cases, buyer=_buyers(fixes, staff, cases, requester_idx))
    cashier, cashier_role = _cashiers(fixes, staff, cases)
    return replace(cases, cashier=cashier, cashier_role=cashier_role)


def event_log(cases: Cases, book: Suppliers) -> Dataset:
    """The process event log: one row per executed activity, as a process-mining tool reads it."""
    steps: list[tuple[str, Times, Strs, str | Strs]] = [
        ("创建采购申请", cases.requested, cases.requester, "申请人"),
        ("退回修改", cases.returned, cases.approver, cases.approver_role),
        ("修改采购申请", cases.modified, cases.requester, "申请人"),
        ("审批采购申请", cases.approved, cases.approver, cases.approver_role),
        ("创建采购订单", cases.ordered, cases.buyer, "采购专员"),
        ("收货", cases.received, cases.receiver, "仓管员"),
        ("收到发票", cases.invoiced, cases.accountant, "会计"),
        ("三单匹配", cases.matched, cases.accountant, "会计"),
        ("付款", cases.paid, cases.cashier, cases.cashier_role),
    ]
    parts: list[tuple[Ints, Strs, Times, Strs, Strs]] = []
    for name, at, by, as_role in steps:
        rows = np.flatnonzero(~np.isnat(at))
        roles = np.broadcast_to(np.asarray(as_role), at.shape)[rows]
        parts.append((rows, np.full(len(rows), name), at[rows], by[rows], roles))
    case = np.concatenate([p[0] for p in parts])
    activity, when, resource, role = (np.concatenate([p[i] for p in parts]) for i in range(1, 5))
    order = np.lexsort((when, case))
    case, activity, when, resource, role = (a[order] for a in (case, activity, when, resource, role))
    data = table(
        {
            "event_id": ids("EV", len(case), 7),
            "case_id": cases.case_id[case],
            "activity": activity,
            "timestamp": when,
            "resource": resource,
            "role": role,
            "requester_id": cases.requester[case],
            "department": cases.department[case],
            "supplier_id": book.supplier_id[cases.supplier[case]],
            "amount": cases.amount[case],
        }
    )
    return Dataset(
        "p2p_events",
        data,
        key="event_id",
        time="timestamp",
        file_format="parquet",
        title=("采购到付款流程事件日志", "Purchase-to-pay event log"),
    )


def purchase_orders(cases: Cases, book: Suppliers) -> Dataset:
    """Purchase orders (采购订单) with their approval, as the ERP lists them."""
    ordered = ~np.isnat(cases.ordered)
    status = np.select(
        [~np.isnat(cases.paid), ~np.isnat(cases.received), ordered], ["已付款", "已收货", "已下单"], "待下单"
    )
    data = table(
        {
            "po_id": cases.case_id,
            "department": cases.department,
            "requester_id": cases.requester,
            "approver_id": nullable(cases.approver, cases.approver == ""),
            "supplier_id": book.supplier_id[cases.supplier],
            "category": book.category[cases.supplier],
            "amount": cases.amount,
            "requested_at": cases.requested,
            "approved_at": nullable(cases.approved, np.isnat(cases.approved)),
            "ordered_at": nullable(cases.ordered, ~ordered),
            "buyer_id": nullable(cases.buyer, ~ordered),
            "status": status,
        }
    )
    return Dataset("purchase_orders", data, key="po_id", time="requested_at", title=("采购订单", "Purchase orders"))


def deliveries(cases: Cases, book: Suppliers, rng: np.random.Generator) -> Dataset:
    """Deliveries promised in the year: promised and actual dates, quantity and rejects at incoming QC."""
    rows = np.flatnonzero(~np.isnat(cases.ordered) & (cases.promised < END))
    supplier_id = book.supplier_id[cases.supplier[rows]]
    qty = np.round(rng.lognormal(np.log(600), 0.9, len(rows))).astype(np.int64) + 10
    reject_rate = np.where(supplier_id == REJECTING_SUPPLIER, 0.016, 0.0035)
    missing = np.isnat(cases.received[rows])
    data = table(
        {
            "delivery_id": ids("GR", len(rows), 6),
            "po_id": cases.case_id[rows],
            "supplier_id": supplier_id,
            "supplier_name": book.name[cases.supplier[rows]],
            "material": book.material[cases.supplier[rows]],
            "promised_date": cases.promised[rows],
            "delivered_date": nullable(cases.received[rows].astype("datetime64[D]"), missing),
            "qty": qty,
            "qty_rejected": np.where(missing, 0, rng.binomial(qty, reject_rate)).astype(np.int64),
            "received_by": nullable(cases.receiver[rows], missing),
        }
    )
    return Dataset("deliveries", data, key="delivery_id", time="promised_date", title=("到货记录", "Deliveries"))


def invoices(cases: Cases, book: Suppliers) -> Dataset:
    """Supplier invoices (应付发票) due in the year, with their payment."""
    rows = np.flatnonzero(~np.isnat(cases.invoiced) & (cases.due < END))
    paid = cases.paid[rows]
    data = table(
        {
            "invoice_id": ids("INV", len(rows), 6),
            "po_id": cases.case_id[rows],
            "supplier_id": book.supplier_id[cases.supplier[rows]],
            "invoice_date": cases.invoiced[rows].astype("datetime64[D]"),
            "amount": cases.amount[rows],
            "due_date": cases.due[rows],
            "paid_at": nullable(paid, np.isnat(paid)),
        }
    )
    return Dataset("invoices", data, key="invoice_id", time="due_date", title=("供应商发票", "Supplier invoices"))


def build(staff: Staff, book: Suppliers, rng: np.random.Generator, scale: float) -> list[Dataset]:
    """The purchase-to-pay datasets, all from one simulation."""
    cases = simulate(staff, book, rng, scale)
    return [event_log(cases, book), purchase_orders(cases, book), deliveries(cases, book, rng), invoices(cases, book)]
