"""Customer-service standards of the demo company: business-time SLAs and the complaint process."""

from __future__ import annotations

from typing import Any

from guifan.demo.service import PRIORITIES, RESOLUTION_LIMITS, RESPONSE_LIMITS, WAITING
from guifan.demo.standards._build import (
    each,
    requirement,
    sequence,
    sla,
    standard,
    value,
)


def _limit_text(limit: str) -> tuple[str, str]:
    """A business-time limit in words: 2h -> 2个工作小时 / 2 working hours."""
    number, unit = limit[:-1], limit[-1]
    if unit == "d":
        return f"{number}个工作日", f"{number} working day{'' if number == '1' else 's'}"
    return f"{number}个工作小时", f"{number} working hours"


def _limits_table() -> tuple[str, str]:
    """The service limits per priority as a Markdown table, in Chinese and English."""
    names = {"P1": ("紧急", "urgent"), "P2": ("较高", "high"), "P3": ("一般", "normal")}
    zh = ["| 优先级 | 首次响应 | 解决 |", "|---|---|---|"]
    en = ["| Priority | First response | Resolution |", "|---|---|---|"]
    for p in PRIORITIES:
        response, resolution = _limit_text(RESPONSE_LIMITS[p]), _limit_text(RESOLUTION_LIMITS[p])
        zh.append(f"| {p} {names[p][0]} | {response[0]} | {resolution[0]} |")
        en.append(f"| {p} {names[p][1]} | {response[1]} | {resolution[1]} |")
    return "\n".join(zh), "\n".join(en)


def customer_service() -> list[dict[str, Any]]:
    """客户服务: response and resolution in working time, satisfaction, complaint handling."""
    limits_zh, limits_en = _limits_table()
    customers = "channel <> 'internal'"
    waiting = {
        "dataset": "ticket_status",
        "key": "ticket_id",
        "from": "entered_at",
        "to": "left_at",
        "where": f"status = '{WAITING}'",
    }
    response = standard(
        "CS-001",
        "customer_service",
        "客服部",
        ("客户服务响应标准", "Customer service response standard"),
        (
            f"""
所有渠道（电话、网页、微信、邮件）的客户咨询均须在规定的工作时间内响应和解决，内部工单不计入。

{limits_zh}

时限按公司办公日历计算：工作日9:00-12:00、13:30-18:00，法定节假日休息，调休上班日照常工作；
一个工作日按7.5个工作小时计。周末或下班后提交的工单从下一个工作时段开始计时。
工单处于“等待客户”状态（等待客户补充照片、发票号等信息）的时间不计入解决时限。
""",
            f"""
Customer requests from every channel (phone, web, WeChat, e-mail) are answered and resolved within working-time
limits; internal tickets are not counted.

{limits_en}

Limits run on the office calendar: 9:00-12:00 and 13:30-18:00 on working days, public holidays off, make-up
working days on; a working day counts 7.5 working hours. A ticket raised at the weekend or after hours starts its
clock at the next opening. Time a ticket spends waiting for the customer (for photos, an invoice number) does
not count towards the resolution limit.
""",
        ),
        [
            requirement(
                "CS-001.1",
                "客户咨询须在优先级规定的工作时间内首次响应",
                "Customers get a first response within their priority's working-time limit",
                "major",
                sla(
                    "tickets",
                    "created_at",
                    "first_response_at",
                    dict(RESPONSE_LIMITS),
                    ">= 95%",
                    limit_by="priority",
                    where=customers,
                    by=["team"],
                    warn=">= 97%",
                ),
            ),
            requirement(
                "CS-001.3",
                "工单须在优先级规定的工作时间内解决（等待客户的时间不计）",
                "Tickets are resolved within their priority's working-time limit (waiting for the customer excluded)",
                "major",
                sla(
                    "tickets",
                    "created_at",
                    "resolved_at",
                    dict(RESOLUTION_LIMITS),
                    ">= 90%",
                    limit_by="priority",
                    where=customers,
                    pauses=waiting,
                    by=["team"],
                    warn=">= 93%",
                ),
            ),
        ],
        version="2.0",
        effective="2026-01-01",
    )
    satisfaction = standard(
        "CS-002",
        "customer_service",
        "客服部",
        ("客户满意度标准", "Customer satisfaction standard"),
        (
            """
工单解决后邀请客户按1-5分评价。差评（1-2分）由客服主管回访并记录原因。
""",
            """
After a ticket is resolved the customer is asked for a rating from 1 to 5. A supervisor calls back every poor
rating (1-2) and records the reason.
""",
        ),
        [
            requirement(
                "CS-002.1",
                "客户满意度平均分不低于4.2",
                "Average satisfaction at least 4.2",
                "major",
                value("tickets", "avg(csat)", ">= 4.2", where="csat IS NOT NULL", by=["team"]),
            ),
            requirement(
                "CS-002.2",
                "差评（1-2分）占比不超过8%",
                "At most 8% poor ratings (1-2)",
                "minor",
                each("tickets", "csat >= 3", ">= 92%", where="csat IS NOT NULL", by=["team"]),
            ),
        ],
        version="1.1",
        effective="2025-01-01",
    )
    complaints = standard(
        "CS-003",
        "customer_service",
        "客服部",
        ("客户投诉处理程序", "Customer complaint handling procedure"),
        (
            """
客户投诉由接待工单的客服专员在CRM登记，客服主管指定处理人（重大投诉可由主管亲自处理）。

1. 处理人须在1个工作日内首次联系客户，调查后提出处理方案；客户不接受的，重新调查并提出新方案。
2. 涉及赔付的，须经客服主管审批后由财务出纳支付；方案提出人不得审批本人的方案，主管亲自处理的投诉由其他区域主管审批。
3. 客户确认处理结果后方可关闭投诉。
4. 投诉关闭后7个工作日内由客服质检专员回访。

各步骤以CRM导出的投诉处理流程日志逐笔检查；工作日按公司办公日历计算。
""",
            """
The agent who takes a complaint ticket registers the complaint in the CRM and the team supervisor assigns a
handler (a supervisor may handle a serious complaint in person).

1. The handler contacts the customer within one working day, investigates and proposes a resolution; if the
   customer turns it down, the handler investigates again and proposes another.
2. Compensation is approved by a service supervisor before the cashier pays it; nobody approves a resolution they
   proposed, and complaints a supervisor handles in person are approved by another team's supervisor.
3. A complaint is closed only after the customer confirmed the outcome.
4. A service reviewer calls the customer back within 7 working days of the closure.

Each step is checked complaint by complaint on the CRM's complaint log; working days follow the office calendar.
""",
        ),
        [
            requirement(
                "CS-003.1",
                "投诉须在1个工作日内首次联系客户",
                "Complainants are contacted within one working day",
                "major",
                sequence(
                    "complaint_events",
                    [{"within": {"from": "登记投诉", "to": "首次联系客户", "limit": "1d"}}],
                    ">= 95%",
                    case="complaint_id",
                    calendar="cn-office",
                    by=["team"],
                    warn=">= 97%",
                ),
            ),
            requirement(
                "CS-003.2",
                "投诉须经客户确认后方可关闭",
                "Complaints are closed only after the customer confirmed the outcome",
                "major",
                sequence(
                    "complaint_events",
                    [{"precedence": ["客户确认", "关闭"]}],
                    ">= 98%",
                    case="complaint_id",
                    by=["team"],
                    warn=">= 99%",
                ),
            ),
            requirement(
                "CS-003.3",
                "赔付须经客服主管审批后支付，且审批人不得是方案提出人",
                "Compensation is paid only after a supervisor approved it, never approved by whoever proposed it",
                "critical",
                sequence(
                    "complaint_events",
                    [
                        {"precedence": ["赔付审批", "赔付"]},
                        {"different_resource": ["提出处理方案", "赔付审批"]},
                        {"by_role": {"赔付审批": "客服主管"}},
                    ],
                    "= 100%",
                    case="complaint_id",
                    resource="agent",
                    role="role",
                    by=["team"],
                ),
            ),
            requirement(
                "CS-003.4",
                "投诉关闭后7个工作日内完成回访",
                "Customers are called back within 7 working days of the closure",
                "minor",
                sequence(
                    "complaint_events",
                    [{"within": {"from": "关闭", "to": "回访", "limit": "7d"}}],
                    ">= 95%",
                    case="complaint_id",
                    calendar="cn-office",
                ),
            ),
        ],
        version="1.0",
        effective="2025-10-01",
    )
    return [response, satisfaction, complaints]
