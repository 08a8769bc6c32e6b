"""IT: systems, planned maintenance, incidents, quarterly access reviews and user accounts.

Planted: the MES access review is skipped for the second and third quarters of 2026; seven accounts of people
who left the company are still enabled; a few maintenance windows slip or are missed.
"""

from __future__ import annotations

import numpy as np

from guifan.demo.common import (
    END,
    EXTRACTED,
    START,
    Dataset,
    Ints,
    at_office,
    choose,
    clock,
    count,
    day_weights,
    days_delta,
    ids,
    minutes,
    nullable,
    pick_days,
    table,
)
from guifan.demo.org import Staff

# (id, name, criticality, maintenance every N days, vendor, departments whose people have accounts)
SYSTEMS: tuple[tuple[str, str, str, int, str, str], ...] = (
    ("SYS01", "用友U8+ ERP", "高", 30, "用友网络", "财务部 采购部 生产部 销售部"),
    ("SYS02", "MES 生产执行系统", "高", 30, "自研", "生产部 质量部"),
    ("SYS03", "WMS 仓储管理系统", "高", 30, "富勒科技", "生产部 采购部"),
    ("SYS04", "CRM 客户关系管理", "高", 30, "纷享销客", "销售部 客服部 市场部"),
    ("SYS05", "电商订单中台", "高", 30, "自研", "销售部 客服部"),
    ("SYS06", "客服工单系统", "中", 60, "Zammad", "客服部"),
    ("SYS07", "钉钉 OA", "中", 90, "钉钉", "*"),
    ("SYS08", "企业邮箱", "中", 90, "网易企业邮", "*"),
    ("SYS09", "费控报销系统", "中", 90, "汇联易", "*"),
    ("SYS10", "人力资源系统", "中", 90, "北森", "人力资源部"),
    ("SYS11", "质量管理系统 QMS", "中", 60, "自研", "质量部 生产部"),
    ("SYS12", "文件服务器 NAS", "低", 90, "群晖", "*"),
    ("SYS13", "防火墙与VPN", "高", 30, "深信服", "信息技术部"),
)
SKIPPED_REVIEWS = {("SYS02", "2026Q2"), ("SYS02", "2026Q3")}
QUARTERS = (
    ("2025Q3", "2025-09-30"),
    ("2025Q4", "2025-12-31"),
    ("2026Q1", "2026-03-31"),
    ("2026Q2", "2026-06-30"),
    ("2026Q3", "2026-09-30"),
)


def systems(staff: Staff) -> Dataset:
    """The system inventory (信息系统清单)."""
    it_head = staff.head_of("信息技术部")
    data = table(
        {
            "system_id": np.asarray([s[0] for s in SYSTEMS]),
            "name": np.asarray([s[1] for s in SYSTEMS]),
            "criticality": np.asarray([s[2] for s in SYSTEMS]),
            "maintenance_every_days": np.asarray([s[3] for s in SYSTEMS], dtype=np.int64),
            "vendor": np.asarray([s[4] for s in SYSTEMS]),
            "owner_id": np.full(len(SYSTEMS), it_head),
        }
    )
    return Dataset(
        "systems",
        data,
        key="system_id",
        title=("信息系统清单", "Systems"),
        column_rules={"criticality": {"values": ["高", "中", "低"]}},
    )


def maintenance(staff: Staff, rng: np.random.Generator) -> Dataset:
    """Planned maintenance windows (系统维护计划) and when they were actually done."""
    system, planned = [], []
    for sid, _, _, every, _, _ in SYSTEMS:
        first = START + int(rng.integers(0, every))
        dates = np.arange(first, END, every, dtype="datetime64[D]")
        system.append(np.full(len(dates), sid))
        planned.append(dates)
    sys_id, plan = np.concatenate(system), np.concatenate(planned)
    order = np.lexsort((sys_id, plan))
    sys_id, plan = sys_id[order], plan[order]
    n = len(plan)
    delay = np.where(rng.random(n) < 0.025, rng.integers(8, 25, n), rng.integers(0, 3, n))
    done = plan + days_delta(delay)
    missed = (rng.random(n) < 0.008) | (done >= EXTRACTED)
    engineers = staff.where(position="IT工程师")
    data = table(
        {
            "maintenance_id": ids("MT", n, 4),
            "system_id": sys_id,
            "planned_on": plan,
            "done_on": nullable(done, missed),
            "kind": choose(rng, ("补丁更新", "备份恢复演练", "性能巡检", "版本升级"), n, (0.4, 0.2, 0.3, 0.1)),
            "engineer_id": staff.employee_id[staff.draw(rng, engineers, plan)],
        }
    )
    return Dataset("maintenance", data, key="maintenance_id", time="planned_on", title=("系统维护记录", "Maintenance"))


SEVERITIES = (("S1", 0.02, 70.0), ("S2", 0.1, 140.0), ("S3", 0.48, 400.0), ("S4", 0.4, 1100.0))
INCIDENT_KINDS = ("硬件故障", "软件缺陷", "网络中断", "账号权限", "信息安全", "数据问题")


def incidents(staff: Staff, rng: np.random.Generator, scale: float) -> Dataset:
    """IT incidents (IT事件) with severity, time to resolve and root cause."""
    n = count(700, scale, 60)
    opened = np.sort(at_office(rng, pick_days(rng, n, day_weights((1.0,) * 12, 0.3))))
    severity = rng.choice(len(SEVERITIES), size=n, p=[p for _, p, _ in SEVERITIES])
    kind = choose(rng, INCIDENT_KINDS, n, (0.15, 0.3, 0.12, 0.2, 0.08, 0.15))
    security = kind == "信息安全"  # handled by the security officer at once
    median = np.asarray([m for *_, m in SEVERITIES])[severity]
    median = np.where(security, np.minimum(median, 240.0), median)
    resolved = opened + minutes(median * np.exp(0.6 * rng.standard_normal(n)))
    open_ = resolved >= EXTRACTED.astype("datetime64[s]")
    no_cause = (severity >= 2) & ~security & (rng.random(n) < 0.15)
    systems_ = np.asarray([s[0] for s in SYSTEMS])[rng.integers(0, len(SYSTEMS), n)]
    reporters = staff.draw(rng, np.arange(len(staff.employee_id)), opened.astype("datetime64[D]"))
    data = table(
        {
            "incident_id": ids("INC", n, 5),
            "system_id": systems_,
            "severity": np.asarray([s for s, _, _ in SEVERITIES])[severity],
            "category": kind,
            "opened_at": opened,
            "resolved_at": nullable(resolved, open_),
            "root_cause": nullable(
                choose(rng, ("配置错误", "硬件老化", "软件缺陷", "操作失误", "外部攻击", "供应商故障"), n),
                no_cause | open_,
            ),
            "reported_by": staff.employee_id[reporters],
        }
    )
    return Dataset(
        "it_incidents",
        data,
        key="incident_id",
        time="opened_at",
        title=("IT事件", "IT incidents"),
        column_rules={"severity": {"values": [s for s, _, _ in SEVERITIES]}},
    )


def access_reviews(staff: Staff, rng: np.random.Generator) -> Dataset:
    """Quarterly access reviews (权限复核) of the critical systems; each counts until the next one is due."""
    critical = [s[0] for s in SYSTEMS if s[2] == "高"]
    rows = [(sid, q, end) for q, end in QUARTERS for sid in critical if (sid, q) not in SKIPPED_REVIEWS]
    system = np.asarray([r[0] for r in rows])
    quarter = np.asarray([r[1] for r in rows])
    quarter_end = np.asarray([r[2] for r in rows], dtype="datetime64[D]")
    reviewed = quarter_end + rng.integers(3, 21, len(rows))
    next_due = (quarter_end.astype("datetime64[M]") + 4).astype("datetime64[D]") - 1 + 30
    reviewers = staff.where(position="信息安全专员")
    accounts = rng.integers(40, 260, len(rows))
    data = table(
        {
            "review_id": ids("AR", len(rows), 3),
            "system_id": system,
            "quarter": quarter,
            "reviewed_on": reviewed,
            "reviewer_id": staff.employee_id[staff.draw(rng, reviewers, reviewed)],
            "accounts_reviewed": accounts.astype(np.int64),
            "accounts_removed": rng.binomial(accounts, 0.03).astype(np.int64),
            "valid_until": next_due,
        }
    )
    return Dataset("access_reviews", data, key="review_id", time="reviewed_on", title=("权限复核", "Access reviews"))


def _account_matrix(staff: Staff) -> tuple[Ints, Ints]:
    """(employee index, system index) for every account people should have by their department."""
    people, system = [], []
    for j, (*_, departments) in enumerate(SYSTEMS):
        who = np.arange(len(staff.employee_id))
        if departments != "*":
            who = np.flatnonzero(np.isin(staff.department, departments.split()) | (staff.department == "信息技术部"))
        people.append(who)
        system.append(np.full(len(who), j))
    return np.concatenate(people), np.concatenate(system)


def user_accounts(staff: Staff, rng: np.random.Generator) -> Dataset:
    """User accounts in every system at the end of October 2026, with the HR status of their owner."""
    person, system = _account_matrix(staff)
    n = len(person)
    left = ~staff.active[person]
    forgotten = np.flatnonzero(left)[rng.choice(int(left.sum()), size=min(7, int(left.sum())), replace=False)]
    enabled = ~left
    enabled[forgotten] = True
    privileged = (staff.department[person] == "信息技术部") & np.isin(staff.position[person], ["IT经理", "IT工程师"])
    privileged &= rng.random(n) < 0.5
    last_seen = np.where(left, staff.leave_date[person], END - 1) - rng.integers(0, 40, n)
    login = last_seen.astype("datetime64[s]") + clock(rng, n, np.r_[np.zeros(8), np.ones(11), np.zeros(5)])
    system_id = np.asarray([s[0] for s in SYSTEMS])[system]
    data = table(
        {
            "account_id": ids("ACC", n, 5),
            "system_id": system_id,
            "username": np.char.lower(staff.employee_id[person]),
            "employee_id": staff.employee_id[person],
            "hr_status": np.where(left, "离职", "在职"),
            "status": np.where(enabled, "启用", "停用"),
            "privileged": privileged,
            "mfa_enabled": privileged | (rng.random(n) < 0.4),
            "last_login_at": login,
        }
    )
    return Dataset(
        "user_accounts",
        data,
        key="account_id",
        title=("系统账号", "User accounts"),
        column_rules={"status": {"values": ["启用", "停用"]}},
    )


def build(staff: Staff, rng: np.random.Generator, scale: float) -> list[Dataset]:
    """Every IT dataset."""
    return [
        systems(staff),
        maintenance(staff, rng),
        incidents(staff, rng, scale),
        access_reviews(staff, rng),
        user_accounts(staff, rng),
    ]
