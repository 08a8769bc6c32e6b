"""Customer service: tickets from every channel and feedback from customers and employees.

Planted: in June 2026 (the 618 shopping festival) the north team (客服北区), short of three agents since spring,
answers late — about half its tickets get a first response after 24 hours, while the other teams mostly keep
the target.
"""

from __future__ import annotations

import numpy as np

from guifan.demo.common import (
    EXTRACTED_AT,
    Bools,
    Dataset,
    Floats,
    Ints,
    Strs,
    Times,
    at_office,
    choose,
    clock,
    count,
    day_weights,
    ids,
    lookup,
    minutes,
    month_index,
    nullable,
    pick_days,
    table,
)
from guifan.demo.org import Staff

TEAMS = ("客服北区", "客服南区", "客服东区")
CHANNELS = ("phone", "web", "wechat", "email", "internal")
PRIORITIES = ("P1", "P2", "P3")
CATEGORIES = ("物流查询", "退换货", "产品质量", "安装使用", "发票开具", "投诉", "其他")
JUNE = 7  # month index of June 2026

# Tickets per month (Nov = Double 11, Jun = 618) and per hour of day (customers write in the evening too).
TICKET_MONTHS = (1.3, 1.05, 0.9, 0.7, 0.9, 0.95, 1.0, 1.6, 0.95, 0.9, 0.95, 1.0)
CUSTOMER_HOURS: Floats = np.array(
    [0.3, 0.2, 0.1, 0.1, 0.1, 0.2, 0.5, 1, 2, 3, 3.2, 3, 2.5, 2.8, 3, 3, 2.8, 2.5, 2, 2, 2.2, 2, 1.4, 0.7]
)


def _response_minutes(rng: np.random.Generator, priority: Strs, team: Strs, month: Ints) -> Floats:
    """Minutes to first response: log-normal by priority, slower in peaks and for the north team in June."""
    median = np.select([priority == "P1", priority == "P2"], [18.0, 110.0], 170.0)
    sigma = np.full(len(priority), 1.0)
    peak = np.isin(month, [0, JUNE])
    median = np.where(peak, median * 1.6, median)
    north_june = (team == "客服北区") & (month == JUNE)
    median = np.where(north_june, 1500.0, median)
    sigma = np.where(north_june, 0.75, sigma)
    return np.round(median * np.exp(sigma * rng.standard_normal(len(priority))), 1)


def _resolution_minutes(rng: np.random.Generator, priority: Strs, late: Bools) -> Floats:
    """Minutes from first response to resolution."""
    median = np.select([priority == "P1", priority == "P2"], [100.0, 420.0], 540.0)
    median = np.where(late, median * 1.4, median)
    return np.round(median * np.exp(0.8 * rng.standard_normal(len(priority))), 1)


def _agents(rng: np.random.Generator, staff: Staff, team: Strs, created: Times) -> Strs:
    """An agent of the ticket's team who was employed when it came in."""
    agent = np.empty(len(team), dtype=staff.employee_id.dtype)
    for name in TEAMS:
        rows = np.flatnonzero(team == name)
        pool = staff.where(team=name, position="客服专员")
        agent[rows] = staff.employee_id[staff.draw(rng, pool, created[rows].astype("datetime64[D]"))]
    return agent


def _csat(rng: np.random.Generator, late: Bools, slow: Bools) -> tuple[Floats, Bools]:
    """Satisfaction 1..5, lower when the answer was late or slow; about 45 % of customers do not rate."""
    mean = 4.55 - 1.3 * late - 0.6 * slow
    score = np.clip(np.round(mean + 0.75 * rng.standard_normal(len(late))), 1, 5)
    return score, rng.random(len(late)) < 0.45


def tickets(staff: Staff, rng: np.random.Generator, scale: float) -> Dataset:
    """Service tickets (工单), about 40,000 a year at scale 1."""
    n = count(40_000, scale, 300)
    created = pick_days(rng, n, day_weights(TICKET_MONTHS, 0.75)).astype("datetime64[s]")
    created = np.sort(created + clock(rng, n, CUSTOMER_HOURS))
    month = month_index(created)
    team = choose(rng, TEAMS, n, (0.36, 0.33, 0.31))
    priority = choose(rng, PRIORITIES, n, (0.05, 0.3, 0.65))
    response = _response_minutes(rng, priority, team, month)
    first = created + minutes(response)
    late = response > 24 * 60
    resolve = _resolution_minutes(rng, priority, late)
    resolved = first + minutes(resolve)
    open_ = (resolved >= EXTRACTED_AT) | (rng.random(n) < 0.002)
    first_missing = first >= EXTRACTED_AT
    score, unrated = _csat(rng, late, resolve > 48 * 60)
    closed = ~open_ & ~unrated
    status = np.where(open_, "处理中", np.where(closed, "已关闭", "已解决"))
    data = table(
        {
            "ticket_id": ids("T", n, 6),
            "created_at": created,
            "first_response_at": nullable(first, first_missing),
            "resolved_at": nullable(resolved, open_),
            "priority": priority,
            "channel": choose(rng, CHANNELS, n, (0.25, 0.2, 0.35, 0.1, 0.1)),
            "category": choose(rng, CATEGORIES, n, (0.28, 0.2, 0.14, 0.12, 0.08, 0.08, 0.1)),
            "team": team,
            "agent_id": _agents(rng, staff, team, created),
            "csat": nullable(score.astype(np.int64), unrated | open_),
            "status": status,
        }
    )
    return Dataset(
        "tickets",
        data,
        key="ticket_id",
        time="created_at",
        title=("客服工单", "Service tickets"),
        column_rules={
            "priority": {"values": list(PRIORITIES)},
            "channel": {"values": list(CHANNELS)},
            "csat": {"min": 1, "max": 5},
        },
    )


CUSTOMER_CHANNELS = ("问卷", "400热线", "微信公众号", "电商评价")
EMPLOYEE_CHANNELS = ("意见箱", "内网论坛", "员工座谈会")
CUSTOMER_TOPICS = ("产品质量", "物流", "服务态度", "价格", "包装")
EMPLOYEE_TOPICS = ("工作环境", "薪酬福利", "培训发展", "安全", "流程效率")
HANDLERS = {
    "产品质量": "质量部",
    "物流": "生产部",
    "服务态度": "客服部",
    "价格": "销售部",
    "包装": "市场部",
    "工作环境": "安全环保部",
    "薪酬福利": "人力资源部",
    "培训发展": "人力资源部",
    "安全": "安全环保部",
    "流程效率": "总经办",
}


def feedback(rng: np.random.Generator, scale: float) -> Dataset:
    """Feedback (反馈) from customers and employees, with whether and when it was handled."""
    n = count(3_000, scale, 100)
    received = at_office(rng, pick_days(rng, n, day_weights(TICKET_MONTHS, 0.4)))
    from_customer = rng.random(n) < 0.72
    channel = np.where(
        from_customer, choose(rng, CUSTOMER_CHANNELS, n), choose(rng, EMPLOYEE_CHANNELS, n, (0.5, 0.3, 0.2))
    )
    topic = np.where(from_customer, choose(rng, CUSTOMER_TOPICS, n), choose(rng, EMPLOYEE_TOPICS, n))
    score = np.clip(np.round(np.where(from_customer, 3.9, 3.4) + 1.0 * rng.standard_normal(n)), 1, 5)
    # customers are answered within days; employee feedback waits longer (the committee meets monthly)
    wait = np.where(from_customer, rng.gamma(2.0, 2.2, n), rng.gamma(2.0, 4.5, n))
    wait = np.where(from_customer & (score <= 2), rng.gamma(2.0, 0.5, n), wait)  # poor ratings go first
    handled_at = received + minutes(wait * 24 * 60)
    unhandled = (handled_at >= EXTRACTED_AT) | (rng.random(n) < 0.01)
    data = table(
        {
            "feedback_id": ids("FB", n, 5),
            "received_at": received,
            "source": np.where(from_customer, "客户", "员工"),
            "channel": channel,
            "category": topic,
            "score": score.astype(np.int64),
            "handling_department": lookup(HANDLERS, topic),
            "handled": ~unhandled,
            "handled_at": nullable(handled_at, unhandled),
        }
    )
    return Dataset(
        "feedback",
        data,
        key="feedback_id",
        time="received_at",
        title=("客户与员工反馈", "Feedback"),
        column_rules={"source": {"values": ["客户", "员工"]}, "score": {"min": 1, "max": 5}},
    )


def build(staff: Staff, rng: np.random.Generator, scale: float) -> list[Dataset]:
    """Every customer service dataset."""
    return [tickets(staff, rng, scale), feedback(rng, scale)]
