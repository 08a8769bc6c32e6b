"""Customer service: tickets from every channel, their status history, complaints and feedback.

Tickets are answered and resolved in office working time (the pack's ``cn-office`` calendar): each ticket's
first response and resolution are placed by adding business time to its creation, so a ticket written on
Saturday evening is answered on Monday morning. One ticket in five (P1: one in twelve) waits for the customer
(photos, an invoice number) part of the way through; that wait is in the status history (ticket_status), and the
service standard does not count it.

Planted: in June 2026 (the 618 shopping festival) the north team (客服北区), short of three agents since spring,
answers late: about half its tickets miss their first-response limit while the other teams mostly keep it,
and its complaints wait for a first call. Complaint handling has its own deviations: complaints closed without
the customer's confirmation (mostly the north team in June), compensation approved by the person who proposed
it, refunds paid before they were approved, and a rework loop when the customer turns the first offer down.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from guifan.demo.common import (
    EXTRACTED_AT,
    Bools,
    Dataset,
    Floats,
    Ints,
    Strs,
    Times,
    add_business,
    at_office,
    choose,
    clock,
    count,
    day_weights,
    duration_seconds,
    ids,
    lookup,
    minutes,
    month_index,
    nullable,
    pick_days,
    seconds,
    table,
)
from guifan.demo.org import Staff

TEAMS = ("客服北区", "客服南区", "客服东区")
NORTH = "客服北区"
CHANNELS = ("phone", "web", "wechat", "email", "internal")
PRIORITIES = ("P1", "P2", "P3")
CATEGORIES = ("物流查询", "退换货", "产品质量", "安装使用", "发票开具", "投诉", "其他")
JUNE = 7  # month index of June 2026
NAT = np.datetime64("NaT", "s")

# The limits of the service standard (CS-001), in office working time: "1d" is one working day of 7.5 hours.
RESPONSE_LIMITS = {"P1": "2h", "P2": "4h", "P3": "1d"}
RESOLUTION_LIMITS = {"P1": "1d", "P2": "2d", "P3": "3d"}
# Statuses of the ticket system, as its status history (ticket_status) writes them.
STATUSES = ("new", "in_progress", "waiting_customer", "resolved")
WAITING = "waiting_customer"

# Tickets per month (Nov = Double 11, Jun = 618) and per hour of day (customers write in the evening too).
TICKET_MONTHS = (1.3, 1.05, 0.9, 0.7, 0.9, 0.95, 1.0, 1.6, 0.95, 0.9, 0.95, 1.0)
CUSTOMER_HOURS: Floats = np.array(
    [0.3, 0.2, 0.1, 0.1, 0.1, 0.2, 0.5, 1, 2, 3, 3.2, 3, 2.5, 2.8, 3, 3, 2.8, 2.5, 2, 2, 2.2, 2, 1.4, 0.7]
)


def _limit_seconds(limits: dict[str, str], priority: Strs) -> Floats:
    return np.select([priority == p for p in limits], [duration_seconds(v) for v in limits.values()], np.nan)


def _lognormal(rng: np.random.Generator, median: Floats | float, sigma: Floats | float, n: int) -> Floats:
    out: Floats = median * np.exp(sigma * rng.standard_normal(n))
    return out


def _hours(rng: np.random.Generator, median_hours: Floats | float, sigma: float, n: int) -> Floats:
    """Log-normal durations in seconds."""
    return _lognormal(rng, np.asarray(median_hours, dtype=np.float64) * 3600.0, sigma, n)


def _response_seconds(rng: np.random.Generator, priority: Strs, team: Strs, month: Ints) -> Floats:
    """Working seconds to the first response: about a fifth of the limit, slower in the peaks, and around the
    whole limit for the north team in June."""
    limit = _limit_seconds(RESPONSE_LIMITS, priority)
    median = limit * np.where(priority == "P1", 0.15, 0.19)
    median = np.where(np.isin(month, [0, JUNE]), median * 1.3, median)
    north_june = (team == NORTH) & (month == JUNE)
    median = np.where(north_june, limit * 1.05, median)
    sigma = np.where(north_june, 0.6, 0.75)
    return np.maximum(_lognormal(rng, median, sigma, len(priority)), 60.0)


def _work_seconds(rng: np.random.Generator, priority: Strs, late: Bools, backlog: Bools) -> Floats:
    """Working seconds from the first response to the resolution (the customer's waits not included)."""
    median = _limit_seconds(RESOLUTION_LIMITS, priority) * 0.2
    median = np.where(late, median * 1.3, median)
    median = np.where(backlog, median * 1.6, median)
    return np.maximum(_lognormal(rng, median, 0.8, len(priority)), 120.0)


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


@dataclass(frozen=True)
class Tickets:
    """The simulated tickets; NaT where a step has not happened by the time the data was extracted."""

    ticket_id: Strs
    created: Times
    first: Times  # first response
    wait_from: Times  # NaT: the ticket never waited for the customer
    wait_to: Times
    resolved: Times
    priority: Strs
    channel: Strs
    category: Strs
    team: Strs
    agent: Strs


def simulate_tickets(staff: Staff, rng: np.random.Generator, scale: float) -> tuple[Tickets, Floats, Bools]:
    """Service tickets, about 40,000 a year at scale 1; also their CSAT score and whether it is missing."""
    n = count(40_000, scale, 300)
    created = pick_days(rng, n, day_weights(TICKET_MONTHS, 0.75)).astype("datetime64[s]")
    created = np.sort(created + clock(rng, n, CUSTOMER_HOURS))
    month = month_index(created)
    team = choose(rng, TEAMS, n, (0.36, 0.33, 0.31))
    priority = choose(rng, PRIORITIES, n, (0.05, 0.3, 0.65))
    response = _response_seconds(rng, priority, team, month)
    first = add_business(created, response)
    late = response > _limit_seconds(RESPONSE_LIMITS, priority)
    work = _work_seconds(rng, priority, late, (team == NORTH) & (month == JUNE))
    # one ticket in five (P1: one in twelve) waits for the customer part of the way through
    waits = rng.random(n) < np.where(priority == "P1", 0.08, 0.2)
    share = np.where(waits, rng.uniform(0.2, 0.8, n), 1.0)
    wait_from = add_business(first, work * share)
    wait_to = wait_from + seconds(_hours(rng, 18.0, 0.9, n))  # customers reply any time of day
    resolved = np.where(waits, add_business(wait_to, work * (1 - share)), wait_from)
    stuck = rng.random(n) < 0.002  # forgotten: never resolved
    resolved = np.where(stuck | (resolved >= EXTRACTED_AT), NAT, resolved)
    first = np.where(first >= EXTRACTED_AT, NAT, first)
    wait_from = np.where(waits & (wait_from < EXTRACTED_AT) & ~np.isnat(first), wait_from, NAT)
    wait_to = np.where(~np.isnat(wait_from) & (wait_to < EXTRACTED_AT), wait_to, NAT)
    slow = (response + work) > _limit_seconds(RESOLUTION_LIMITS, priority)
    score, unrated = _csat(rng, late, slow)
    tickets = Tickets(
        ticket_id=ids("T", n, 6),
        created=created,
        first=first,
        wait_from=wait_from,
        wait_to=wait_to,
        resolved=resolved,
        priority=priority,
        channel=choose(rng, CHANNELS, n, (0.25, 0.2, 0.35, 0.1, 0.1)),
        category=choose(rng, CATEGORIES, n, (0.28, 0.2, 0.14, 0.12, 0.08, 0.08, 0.1)),
        team=team,
        agent=_agents(rng, staff, team, created),
    )
    return tickets, score, unrated


def tickets_dataset(t: Tickets, score: Floats, unrated: Bools) -> Dataset:
    """Service tickets (工单) as the ticket system lists them."""
    open_ = np.isnat(t.resolved)
    closed = ~open_ & ~unrated
    data = table(
        {
            "ticket_id": t.ticket_id,
            "created_at": t.created,
            "first_response_at": nullable(t.first, np.isnat(t.first)),
            "resolved_at": nullable(t.resolved, open_),
            "priority": t.priority,
            "channel": t.channel,
            "category": t.category,
            "team": t.team,
            "agent_id": t.agent,
            "csat": nullable(score.astype(np.int64), unrated | open_),
            "status": np.where(open_, "处理中", np.where(closed, "已关闭", "已解决")),
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


def ticket_status(t: Tickets) -> Dataset:
    """The status history (工单状态记录): one row per status a ticket was in, from when to when.

    new until the first response, in_progress while an agent works on it, waiting_customer while it waits for
    the customer's reply, in_progress again, and resolved. The current status has no left_at.
    """
    waited = ~np.isnat(t.wait_from)
    # each ticket's status changes in order; NaT where it has not happened (yet)
    steps: list[tuple[str, Times, Times]] = [
        ("new", t.created, t.first),
        ("in_progress", t.first, np.where(waited, t.wait_from, t.resolved)),
        (WAITING, t.wait_from, t.wait_to),
        ("in_progress", np.where(waited, t.wait_to, NAT), np.where(waited, t.resolved, NAT)),
        ("resolved", t.resolved, np.full(len(t.created), NAT)),
    ]
    parts: list[tuple[Ints, Ints, Strs, Times, Times]] = []
    for number, (name, since, until) in enumerate(steps):
        rows = np.flatnonzero(~np.isnat(since))
        parts.append((rows, np.full(len(rows), number), np.full(len(rows), name), since[rows], until[rows]))
    row, order = (np.concatenate([p[i] for p in parts]) for i in range(2))
    status, entered, left = (np.concatenate([p[i] for p in parts]) for i in range(2, 5))
    sort = np.lexsort((order, row))
    row, status, entered, left = row[sort], status[sort], entered[sort], left[sort]
    data = table(
        {
            "ticket_id": t.ticket_id[row],
            "status": status,
            "entered_at": entered,
            "left_at": nullable(left, np.isnat(left)),
        }
    )
    return Dataset(
        "ticket_status",
        data,
        key=("ticket_id", "entered_at"),
        time="entered_at",
        title=("工单状态记录", "Ticket status history"),
        column_rules={"status": {"values": list(STATUSES)}},
    )


# --- complaints --------------------------------------------------------------------------------------------

SEVERITIES = ("一般", "重要", "重大")
COMPLAINT_ACTIVITIES = (
    "登记投诉",
    "分派",
    "首次联系客户",
    "调查",
    "提出处理方案",
    "赔付审批",
    "赔付",
    "客户确认",
    "关闭",
    "回访",
)
AGENT, SUPERVISOR, CASHIER, REVIEWER = "客服专员", "客服主管", "出纳", "客服质检专员"


def _one_of(rng: np.random.Generator, staff: Staff, position: str, n: int) -> Strs:
    pool = staff.where(position=position, active=True)
    return staff.employee_id[pool[rng.integers(0, len(pool), n)]]


Step = tuple[str, Times, Strs, Strs]  # activity, when (NaT: did not happen), who, in which role


@dataclass(frozen=True)
class Handlers:
    """Who handles each complaint: the registering agent, or the team's supervisor in person."""

    agent: Strs
    supervisor: Strs
    deputy: Strs  # another team's supervisor, who approves what a supervisor proposed
    handler: Strs
    handler_role: Strs
    in_person: Bools


def _handlers(staff: Staff, team: Strs, agent: Strs, in_person: Bools) -> Handlers:
    supervisors = {name: str(staff.employee_id[staff.where(team=name, position=SUPERVISOR)[0]]) for name in TEAMS}
    supervisor = lookup(supervisors, team)
    return Handlers(
        agent=agent,
        supervisor=supervisor,
        deputy=lookup({name: supervisors[TEAMS[(i + 1) % len(TEAMS)]] for i, name in enumerate(TEAMS)}, team),
        handler=np.where(in_person, supervisor, agent),
        handler_role=np.where(in_person, SUPERVISOR, AGENT),
        in_person=in_person,
    )


def _complaint_steps(
    rng: np.random.Generator, staff: Staff, registered: Times, severity: Strs, north_june: Bools, who: Handlers
) -> list[Step]:
    """Every complaint's steps; the planted deviations included."""
    n = len(registered)
    dispatched = add_business(registered, _hours(rng, 0.3, 0.6, n))
    contacted = add_business(dispatched, _hours(rng, np.where(north_june, 8.0, 1.5), 0.7, n))
    investigated = add_business(contacted, _hours(rng, 4.0, 0.8, n))
    proposed = add_business(investigated, _hours(rng, 3.0, 0.7, n))
    # the customer turns the first offer down: investigated again and a second offer
    rework = rng.random(n) < 0.12
    again = add_business(proposed + seconds(_hours(rng, 20.0, 0.8, n)), _hours(rng, 3.0, 0.8, n))
    reproposed = add_business(again, _hours(rng, 2.0, 0.7, n))
    offer = np.where(rework, reproposed, proposed)
    compensated = rng.random(n) < np.select([severity == "一般", severity == "重要"], [0.25, 0.5], 0.8)
    approved = add_business(offer, _hours(rng, 2.0, 0.8, n))
    paid = add_business(approved, _hours(rng, 7.5, 0.6, n))
    # planted: an urgent refund paid at once and approved afterwards
    paid_first = compensated & (rng.random(n) < 0.015)
    paid = np.where(paid_first, add_business(offer, _hours(rng, 1.0, 0.6, n)), paid)
    approved = np.where(paid_first, add_business(paid, _hours(rng, 4.0, 0.6, n)), approved)
    # planted: the proposer approves their own compensation (an agent standing in for the supervisor, or a
    # supervisor on a complaint they handle in person)
    own = compensated & (rng.random(n) < np.where(who.in_person, 0.15, 0.02))
    approver = np.where(own, who.handler, np.where(who.in_person, who.deputy, who.supervisor))
    approver_role = np.where(own, who.handler_role, SUPERVISOR)
    settled = np.where(compensated, np.maximum(approved, paid), offer)
    # the customer answers at any hour; the handler records it during working time
    confirmed = add_business(settled + seconds(_hours(rng, 20.0, 0.9, n)), _hours(rng, 0.5, 0.8, n))
    closed = add_business(confirmed, _hours(rng, 1.0, 0.8, n))
    # planted: closed without the customer's confirmation, mostly by the overloaded north team in June
    unconfirmed = rng.random(n) < np.where(north_june, 0.15, 0.004)
    closed = np.where(unconfirmed, add_business(settled, _hours(rng, 2.0, 0.8, n)), closed)
    called_back = add_business(closed, _hours(rng, 2.5 * 7.5, 0.45, n))  # about two and a half working days
    cashier, reviewer = _one_of(rng, staff, CASHIER, n), _one_of(rng, staff, REVIEWER, n)
    none = np.full(n, NAT)
    handler, role = who.handler, who.handler_role
    return [
        ("登记投诉", registered, who.agent, np.full(n, AGENT)),
        ("分派", dispatched, who.supervisor, np.full(n, SUPERVISOR)),
        ("首次联系客户", contacted, handler, role),
        ("调查", investigated, handler, role),
        ("提出处理方案", proposed, handler, role),
        ("调查", np.where(rework, again, none), handler, role),
        ("提出处理方案", np.where(rework, reproposed, none), handler, role),
        ("赔付审批", np.where(compensated, approved, none), approver, approver_role),
        ("赔付", np.where(compensated, paid, none), cashier, np.full(n, CASHIER)),
        ("客户确认", np.where(unconfirmed, none, confirmed), handler, role),
        ("关闭", closed, handler, role),
        ("回访", called_back, reviewer, np.full(n, REVIEWER)),
    ]


def complaint_events(t: Tickets, staff: Staff, rng: np.random.Generator) -> Dataset:
    """The complaint process log (投诉处理流程日志), one complaint per complaint ticket from a customer.

    登记投诉 (the agent who answers the ticket registers it) → 分派 (the team's supervisor assigns it) →
    首次联系客户 → 调查 → 提出处理方案 → (赔付审批 by a supervisor → 赔付 by the cashier) → 客户确认 → 关闭 →
    回访 (a service reviewer calls back within 7 working days). Serious complaints are often handled by the
    supervisor in person; their compensation is then approved by another team's supervisor.
    """
    rows = np.flatnonzero((t.category == "投诉") & (t.channel != "internal") & ~np.isnat(t.first))
    rows = rows[np.argsort(t.first[rows], kind="stable")]
    n = len(rows)
    registered, team = t.first[rows], t.team[rows]
    north_june = (team == NORTH) & (month_index(registered) == JUNE)
    severity = choose(rng, SEVERITIES, n, (0.7, 0.22, 0.08))
    in_person = (severity == "重大") & (rng.random(n) < 0.4)
    steps = _complaint_steps(
        rng, staff, registered, severity, north_june, _handlers(staff, team, t.agent[rows], in_person)
    )
    parts: list[tuple[Ints, Strs, Times, Strs, Strs]] = []
    for name, when, by, as_role in steps:
        keep = np.flatnonzero(~np.isnat(when) & (when < EXTRACTED_AT))
        parts.append((keep, np.full(len(keep), name), when[keep], by[keep], as_role[keep]))
    case = np.concatenate([p[0] for p in parts])
    activity, at, who, role = (np.concatenate([p[i] for p in parts]) for i in range(1, 5))
    order = np.lexsort((at, case))
    case, activity, at, who, role = (a[order] for a in (case, activity, at, who, role))
    data = table(
        {
            "complaint_id": ids("CP", n, 5)[case],
            "activity": activity,
            "at": at,
            "agent": who,
            "role": role,
            "team": team[case],
            "channel": t.channel[rows][case],
            "severity": severity[case],
        }
    )
    return Dataset(
        "complaint_events",
        data,
        key=("complaint_id", "activity", "at"),
        time="at",
        title=("投诉处理流程日志", "Complaint handling event log"),
        column_rules={"activity": {"values": list(COMPLAINT_ACTIVITIES)}, "severity": {"values": list(SEVERITIES)}},
    )


# --- feedback ----------------------------------------------------------------------------------------------

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
    """Every customer service dataset. Tickets and complaints draw from streams of their own, so changing how
    one is simulated leaves the others' data as they were."""
    ticket_rng, complaint_rng = rng.spawn(2)
    tickets, score, unrated = simulate_tickets(staff, ticket_rng, scale)
    return [
        tickets_dataset(tickets, score, unrated),
        ticket_status(tickets),
        complaint_events(tickets, staff, complaint_rng),
        feedback(rng, scale),
    ]
