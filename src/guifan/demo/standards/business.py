"""Business standards: improvement, goals, brand and cost."""

from __future__ import annotations

from typing import Any

from guifan.demo.standards._build import each, requirement, standard, value


def improvement() -> list[dict[str, Any]]:
    """持续改进: corrective actions and feedback."""
    capa = standard(
        "IM-001",
        "improvement",
        "质量部",
        ("纠正预防措施管理程序", "Corrective and preventive actions"),
        (
            """
审核、投诉、检验、供应商问题、安全检查和管理评审发现的不符合项须分析根本原因，制定纠正或预防措施，
按期关闭，并通过再测量验证有效性（ISO 9001 第10.2条）。
""",
            """
Nonconformities found by audits, complaints, inspections, supplier issues, safety inspections and management
reviews get a root cause analysis and a corrective or preventive action, closed on time and verified effective
by measuring again (ISO 9001 clause 10.2).
""",
        ),
        [
            requirement(
                "IM-001.1",
                "纠正预防措施按期关闭",
                "Actions are closed by their due date",
                "major",
                each("capa", "closed_on IS NOT NULL AND closed_on <= due_on", ">= 85%", warn=">= 90%"),
            ),
            requirement(
                "IM-001.2",
                "已关闭的措施须验证有效性",
                "Closed actions are verified",
                "major",
                each("capa", "verified", ">= 85%", where="closed_on IS NOT NULL"),
            ),
            requirement(
                "IM-001.3",
                "经验证的措施有效率不低于85%",
                "At least 85% of verified actions were effective",
                "minor",
                each("capa", "effective", ">= 85%", where="verified"),
            ),
        ],
        version="2.0",
        effective="2025-01-01",
    )
    feedback = standard(
        "IM-002",
        "improvement",
        "总经办",
        ("客户与员工反馈处理办法", "Handling customer and employee feedback"),
        (
            """
客户（问卷、热线、公众号、电商评价）和员工（意见箱、内网论坛、座谈会）的反馈须在14天内处理并答复；
客户差评（1-2分）须在72小时内处理。
""",
            """
Feedback from customers (surveys, hotline, WeChat, shop reviews) and employees (suggestion box, intranet forum,
round tables) is handled and answered within 14 days; poor customer ratings (1-2) within 72 hours.
""",
        ),
        [
            requirement(
                "IM-002.1",
                "反馈须在14天内处理",
                "Feedback is handled within 14 days",
                "major",
                each(
                    "feedback",
                    "handled AND date_diff('day', received_at, handled_at) <= 14",
                    ">= 90%",
                    by=["source"],
                    warn=">= 95%",
                ),
            ),
            requirement(
                "IM-002.2",
                "客户差评须在72小时内处理",
                "Poor customer ratings are handled within 72 hours",
                "major",
                each(
                    "feedback",
                    "handled AND date_diff('hour', received_at, handled_at) <= 72",
                    ">= 90%",
                    where="source = '客户' AND score <= 2",
                ),
            ),
        ],
    )
    return [capa, feedback]


def goals() -> list[dict[str, Any]]:
    """运营目标与指标: the company's yearly goals."""
    yearly = standard(
        "GO-001",
        "goals",
        "总经办",
        ("年度经营目标", "Annual business goals"),
        (
            """
2026财年（2025年11月至2026年10月）目标：营业收入同比增长不低于15%并达成预算；12个月客户留存率不低于85%；
细分市场份额达到3.2%。
""",
            """
Goals for the 2026 fiscal year (November 2025 to October 2026): revenue growth of at least 15% and revenue on
budget; 12-month customer retention of at least 85%; a 3.2% share of the target market.
""",
        ),
        [
            requirement(
                "GO-001.1",
                "营业收入同比增长不低于15%",
                "Revenue grows at least 15% year on year",
                "major",
                value("company_monthly", "sum(revenue) / sum(revenue_last_year) - 1", ">= 0.15"),
            ),
            requirement(
                "GO-001.2",
                "营业收入达成预算目标",
                "Revenue meets the budget",
                "major",
                value("company_monthly", "sum(revenue) / sum(revenue_target)", ">= 1.0"),
            ),
            requirement(
                "GO-001.3",
                "12个月客户留存率不低于85%",
                "12-month customer retention at least 85%",
                "major",
                value(
                    "company_monthly",
                    "sum(customers_retained_12m) * 1.0 / sum(customers_at_start)",
                    ">= 0.85",
                    warn=">= 0.88",
                ),
            ),
            requirement(
                "GO-001.4",
                "市场份额不低于3.2%",
                "Market share at least 3.2%",
                "major",
                value("company_monthly", "avg(market_share)", ">= 0.032"),
            ),
        ],
        version="2026",
        effective="2025-11-01",
    )
    return [yearly]


def brand() -> list[dict[str, Any]]:
    """品牌管理: review before release and the current visual identity."""
    materials = standard(
        "BR-001",
        "brand",
        "市场部",
        ("品牌物料审核与使用规范", "Brand materials review and use"),
        (
            """
所有对外发布的海报、短视频、商品详情页、推文、展会物料和产品手册，须经品牌经理审核批准后方可发布，
并使用现行视觉识别规范VI 3.0。
""",
            """
Every poster, short video, product page, article, trade-show item and brochure is approved by the brand manager
before release and follows the current visual identity, VI 3.0.
""",
        ),
        [
            requirement(
                "BR-001.1",
                "对外物料发布前须经品牌经理审核批准",
                "Materials are approved by the brand manager before release",
                "major",
                each(
                    "brand_materials",
                    "approved AND reviewed_at IS NOT NULL AND reviewed_at <= released_at",
                    ">= 98%",
                    by=["channel"],
                    warn=">= 99%",
                ),
            ),
            requirement(
                "BR-001.2",
                "物料使用现行VI 3.0规范",
                "Materials follow the current VI 3.0",
                "minor",
                each("brand_materials", "vi_version = 'VI 3.0'", ">= 95%"),
            ),
        ],
        version="3.0",
        effective="2025-05-01",
    )
    return [materials]


def cost() -> list[dict[str, Any]]:
    """成本控制: budgets and expense claims."""
    budget = standard(
        "CT-001",
        "cost",
        "财务部",
        ("部门预算控制办法", "Department budget control"),
        (
            """
各部门费用按月预算执行。部门累计费用超过预算3%须经总经理批准追加预算；单项费用偏差超过10%须说明原因。
""",
            """
Departments spend against a monthly budget. Exceeding the budget by more than 3% needs the general manager's
approval of a supplementary budget; a single line more than 10% over needs an explanation.
""",
        ),
        [
            requirement(
                "CT-001.1",
                "部门费用不超过预算的103%",
                "Departments spend at most 103% of budget",
                "major",
                value("budgets", "sum(actual) / sum(budget)", "<= 1.03", by=["department"]),
            ),
            requirement(
                "CT-001.2",
                "单项费用偏差不超过10%",
                "Budget lines are at most 10% over",
                "minor",
                each("budgets", "actual <= budget * 1.1", ">= 95%", warn=">= 97%"),
            ),
        ],
        version="1.5",
        effective="2025-11-01",
    )
    claims = standard(
        "CT-002",
        "cost",
        "财务部",
        ("费用报销管理办法", "Expense claims"),
        (
            """
报销经直接上级审批后，由财务在提交后10天内支付。
""",
            """
Claims approved by the line manager are paid by finance within 10 days of submission.
""",
        ),
        [
            requirement(
                "CT-002.1",
                "报销款在10天内支付",
                "Claims are paid within 10 days",
                "minor",
                each(
                    "expense_claims", "paid_at IS NOT NULL AND date_diff('day', submitted_at, paid_at) <= 10", ">= 95%"
                ),
            ),
        ],
    )
    return [budget, claims]


def all_business() -> list[dict[str, Any]]:
    """The business standards in catalogue order."""
    return [*improvement(), *goals(), *brand(), *cost()]
