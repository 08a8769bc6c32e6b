"""Standards of daily operations: process, quality, customer service, supply chain and safety."""

from __future__ import annotations

from typing import Any

from guifan.demo.quality import DEFECT_TYPES
from guifan.demo.standards._build import coverage, each, quality, requirement, standard, value

PPK = "least(max(usl) - avg(value), avg(value) - min(lsl)) / (3 * stddev(value))"


def process() -> list[dict[str, Any]]:
    """流程规范: purchase to pay, and e-commerce order fulfilment."""
    p2p = standard(
        "PR-001",
        "process",
        "采购部",
        ("采购到付款流程标准", "Purchase-to-pay process standard"),
        (
            """
## 目的
规范从采购申请到供应商付款的全过程：谁发起、谁审批、何时下单、何时付款。

## 流程
1. 申请人在ERP提交采购申请；2. 部门经理审批（部门经理本人的申请由分管副总审批）；
3. 采购专员下达采购订单；4. 仓库收货；5. 会计三单匹配；6. 出纳按付款条件付款。
""",
            """
## Purpose
Governs purchasing from requisition to supplier payment: who raises, who approves, when to order and to pay.

## Process
1. The requester raises a requisition in the ERP; 2. the department head approves it (a deputy general manager
approves the head's own requests); 3. a buyer places the order; 4. the warehouse receives the goods;
5. accounting matches order, receipt and invoice; 6. the cashier pays on the agreed terms.
""",
        ),
        [
            requirement(
                "PR-001.1",
                "采购订单下达前，采购申请必须经过审批",
                "Every requisition is approved before its purchase order is placed",
                "critical",
                each(
                    "purchase_orders",
                    "approved_at IS NOT NULL AND approved_at <= ordered_at",
                    ">= 99%",
                    where="ordered_at IS NOT NULL",
                    by=["department"],
                ),
            ),
            requirement(
                "PR-001.2",
                "采购申请须在提交后72小时内完成审批",
                "Requisitions are approved within 72 hours",
                "minor",
                each(
                    "purchase_orders",
                    "date_diff('hour', requested_at, approved_at) <= 72",
                    ">= 90%",
                    where="approved_at IS NOT NULL",
                    warn=">= 95%",
                ),
            ),
            requirement(
                "PR-001.3",
                "审批通过后一周内下达采购订单",
                "Orders are placed within a week of approval",
                "minor",
                each(
                    "purchase_orders",
                    "date_diff('day', approved_at, ordered_at) <= 7",
                    ">= 95%",
                    where="approved_at IS NOT NULL AND ordered_at IS NOT NULL",
                ),
            ),
            requirement(
                "PR-001.4",
                "被退回修改的采购申请不超过8%",
                "At most 8% of requisitions are sent back for rework",
                "minor",
                value(
                    "p2p_events",
                    "count(DISTINCT CASE WHEN activity = '修改采购申请' THEN case_id END) "
                    "* 1.0 / nullif(count(DISTINCT case_id), 0)",
                    "<= 0.08",
                ),
            ),
            requirement(
                "PR-001.5",
                "供应商发票须在到期日前付款",
                "Supplier invoices are paid by their due date",
                "major",
                each("invoices", "paid_at IS NOT NULL AND CAST(paid_at AS DATE) <= due_date", ">= 95%", warn=">= 97%"),
            ),
        ],
        version="2.1",
        effective="2025-07-01",
    )
    fulfilment = standard(
        "PR-002",
        "process",
        "销售部",
        ("电商订单履约标准", "E-commerce order fulfilment standard"),
        (
            """
电商订单付款后由仓储物流组拣货、包装、发货。大促期间（双11、618）须提前备货并安排加班，
平台对延迟发货会处罚并影响店铺评分。
""",
            """
Paid online orders are picked, packed and shipped by the warehouse team. Before the big sales (Double 11, 618)
stock is built up and extra shifts are planned; the platforms penalise late shipping and lower the shop rating.
""",
        ),
        [
            requirement(
                "PR-002.1",
                "已付款订单须在48小时内发货",
                "Paid orders ship within 48 hours",
                "major",
                each(
                    "orders",
                    "shipped_at IS NOT NULL AND date_diff('hour', paid_at, shipped_at) <= 48",
                    ">= 95%",
                    where="paid_at IS NOT NULL",
                    by=["platform"],
                    warn=">= 97%",
                ),
            ),
            requirement(
                "PR-002.2",
                "退货率不超过5%",
                "At most 5% of orders are returned",
                "minor",
                each("orders", "NOT returned", ">= 95%", where="status <> '已取消'"),
            ),
        ],
        version="1.3",
        effective="2025-03-01",
    )
    return [p2p, fulfilment]


def quality_control() -> list[dict[str, Any]]:
    """质量控制: key dimensions and their capability; defects in production lots."""
    dimensions = standard(
        "QC-001",
        "quality",
        "质量部",
        ("机加工关键尺寸控制标准", "Key machined dimensions control standard"),
        (
            """
适用于PB-100泵体和EC-200端盖的关键尺寸。每台CNC每班抽取5件组成子组，测量全部关键特性。
过程性能指数Ppk低于1.33的特性须启动改进；超差件按《不合格品控制程序》处置。
""",
            """
Covers the key dimensions of the PB-100 pump body and the EC-200 end cover. Each CNC machine is sampled with a
subgroup of five parts per shift and every key feature is measured. A feature with Ppk below 1.33 needs an
improvement project; out-of-tolerance parts follow the nonconforming product procedure.
""",
        ),
        [
            requirement(
                "QC-001.1",
                "关键尺寸测量值须在公差范围内",
                "Key dimensions are within tolerance",
                "major",
                each("inspections", "value BETWEEN lsl AND usl", ">= 99.5%", by=["machine"]),
            ),
            requirement(
                "QC-001.2",
                "泵体孔径的过程性能指数Ppk不低于1.33",
                "Bore of the pump body: Ppk at least 1.33",
                "critical",
                value("inspections", PPK, ">= 1.33", where="feature = '孔径'", by=["machine"]),
            ),
            requirement(
                "QC-001.3",
                "泵体外径的过程性能指数Ppk不低于1.33",
                "Outer diameter of the pump body: Ppk at least 1.33",
                "major",
                value("inspections", PPK, ">= 1.33", where="feature = '外径'", by=["machine"]),
            ),
            requirement(
                "QC-001.4",
                "测量记录完整且可追溯到检验员",
                "Measurements are complete and traceable to the inspector",
                "minor",
                quality(
                    "inspections",
                    [
                        {"not_null": ["value", "machine", "subgroup", "inspector_id"]},
                        {"refers": {"column": "inspector_id", "dataset": "employees", "key": "employee_id"}},
                    ],
                    ">= 99.9%",
                ),
            ),
        ],
        version="3.0",
        effective="2025-01-01",
    )
    defects = standard(
        "QC-002",
        "quality",
        "质量部",
        ("产品缺陷控制标准", "Product defect control standard"),
        (
            """
成品与半成品按GB/T 2828.1正常检验一次抽样（样本量80，AQL 2.5，Ac=5）。
以每百万机会缺陷数（DPMO）衡量过程水平，目标不超过2000。
""",
            """
Finished and semi-finished lots are sampled per GB/T 2828.1, normal inspection, single sampling (n=80,
AQL 2.5, Ac=5). Process level is measured as defects per million opportunities (DPMO), target at most 2000.
""",
        ),
        [
            requirement(
                "QC-002.1",
                "DPMO不超过2000",
                "DPMO at most 2000",
                "major",
                value(
                    "production_lots",
                    "sum(defects) * 1000000.0 / sum(sample_size * opportunities_per_unit)",
                    "<= 2000",
                    by=["line"],
                    warn="<= 1500",
                ),
            ),
            requirement(
                "QC-002.2",
                "批次抽样检验合格率不低于98%",
                "At least 98% of lots pass sampling inspection",
                "major",
                each("production_lots", "accepted", ">= 98%", by=["line"]),
            ),
            requirement(
                "QC-002.3",
                "缺陷记录须分类并关联批次",
                "Defects are classified and linked to their lot",
                "minor",
                quality(
                    "defects",
                    [
                        {"values": {"column": "defect_type", "in": list(DEFECT_TYPES)}},
                        {"values": {"column": "severity", "in": ["A", "B", "C"]}},
                        {"refers": {"column": "lot_id", "dataset": "production_lots", "key": "lot_id"}},
                    ],
                    "= 100%",
                ),
            ),
        ],
        version="2.0",
        effective="2025-01-01",
    )
    return [dimensions, defects]


def customer_service() -> list[dict[str, Any]]:
    """客户服务: response and resolution times, satisfaction."""
    response = standard(
        "CS-001",
        "customer_service",
        "客服部",
        ("客户服务响应标准", "Customer service response standard"),
        (
            """
所有渠道（电话、网页、微信、邮件）的客户咨询均须及时响应和解决。内部工单不计入。
- 首次响应：24小时内；P1紧急工单2小时内。
- 解决：48小时内；P1紧急工单8小时内。
""",
            """
Customer requests from every channel (phone, web, WeChat, e-mail) are answered and resolved on time. Internal
tickets are not counted.
- First response within 24 hours; P1 (urgent) within 2 hours.
- Resolution within 48 hours; P1 within 8 hours.
""",
        ),
        [
            requirement(
                "CS-001.1",
                "客户咨询须在24小时内首次响应",
                "Customers get a first response within 24 hours",
                "major",
                each(
                    "tickets",
                    "first_response_at IS NOT NULL AND date_diff('minute', created_at, first_response_at) <= 24*60",
                    ">= 95%",
                    where="channel <> 'internal'",
                    by=["team"],
                    warn=">= 97%",
                ),
            ),
            requirement(
                "CS-001.2",
                "P1紧急工单须在2小时内首次响应",
                "P1 tickets get a first response within 2 hours",
                "critical",
                each(
                    "tickets",
                    "first_response_at IS NOT NULL AND date_diff('minute', created_at, first_response_at) <= 120",
                    ">= 90%",
                    where="priority = 'P1' AND channel <> 'internal'",
                    by=["team"],
                    warn=">= 95%",
                ),
            ),
            requirement(
                "CS-001.3",
                "工单须在48小时内解决（P1为8小时）",
                "Tickets are resolved within 48 hours (P1: 8 hours)",
                "major",
                each(
                    "tickets",
                    "resolved_at IS NOT NULL AND date_diff('hour', created_at, resolved_at) <= "
                    "CASE WHEN priority = 'P1' THEN 8 ELSE 48 END",
                    ">= 90%",
                    where="channel <> 'internal'",
                    by=["team"],
                    warn=">= 93%",
                ),
            ),
        ],
        version="1.2",
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
    return [response, satisfaction]


def supply_chain() -> list[dict[str, Any]]:
    """供应链管理: supplier delivery and quality, inventory, supplier master data."""
    delivery = standard(
        "SC-001",
        "supply_chain",
        "采购部",
        ("供应商交付管理标准", "Supplier delivery standard"),
        (
            """
合格供应商须按采购订单约定的日期交付，来料经检验合格后入库。每年对供应商进行一次综合评价，
评价结果有效期一年。
""",
            """
Approved suppliers deliver on the date agreed in the purchase order; incoming goods are inspected before they
are put into stock. Every supplier is evaluated once a year and the evaluation is valid for a year.
""",
        ),
        [
            requirement(
                "SC-001.1",
                "供应商准时交付率不低于95%",
                "At least 95% of deliveries arrive on time",
                "major",
                each(
                    "deliveries",
                    "delivered_date IS NOT NULL AND delivered_date <= promised_date",
                    ">= 95%",
                    by=["supplier_name"],
                    warn=">= 97%",
                ),
            ),
            requirement(
                "SC-001.2",
                "来料不良率不超过1%",
                "At most 1% of delivered parts are rejected",
                "major",
                value(
                    "deliveries",
                    "sum(qty_rejected) * 1.0 / sum(qty)",
                    "<= 0.01",
                    where="delivered_date IS NOT NULL",
                    by=["supplier_name"],
                ),
            ),
            requirement(
                "SC-001.3",
                "合格供应商须有有效的年度评价",
                "Every approved supplier has a valid yearly evaluation",
                "major",
                coverage(
                    "suppliers",
                    "status = '合格'",
                    "supplier_evaluations",
                    None,
                    {"supplier_id": "supplier_id"},
                    "= 100%",
                    valid_until="valid_until",
                ),
            ),
        ],
        version="1.4",
        effective="2025-04-01",
    )
    inventory = standard(
        "SC-002",
        "supply_chain",
        "生产部",
        ("库存管理标准", "Inventory management standard"),
        (
            """
每月末盘点原材料仓和成品仓。库存不得低于安全库存；超过90天用量的库存视为呆滞，须制定处理计划。
""",
            """
Raw material and finished goods stores are counted at every month end. Stock may not fall below safety stock;
stock above 90 days of usage is slow-moving and needs a disposal plan.
""",
        ),
        [
            requirement(
                "SC-002.1",
                "库存不低于安全库存",
                "Stock is at or above safety stock",
                "major",
                each("inventory", "qty_on_hand >= safety_stock", ">= 95%", by=["warehouse"], warn=">= 97%"),
            ),
            requirement(
                "SC-002.2",
                "呆滞库存（超过90天用量）的品项不超过10%",
                "At most 10% of items hold more than 90 days of usage",
                "minor",
                each("inventory", "qty_on_hand <= 90 * avg_daily_usage", ">= 90%"),
            ),
        ],
    )
    master = standard(
        "SC-003",
        "supply_chain",
        "采购部",
        ("供应商档案管理规定", "Supplier master data rules"),
        (
            """
供应商档案以统一社会信用代码识别，须登记联系人和电话。档案从旧ERP导出（GB18030编码）。
""",
            """
Suppliers are identified by their unified social credit code, with a contact person and telephone. The file
is exported from the old ERP (GB18030 text).
""",
        ),
        [
            requirement(
                "SC-003.1",
                "供应商档案完整、编码唯一、信用代码格式正确",
                "Supplier records are complete, unique and carry a well-formed credit code",
                "minor",
                quality(
                    "suppliers",
                    [
                        {"unique": ["supplier_id"]},
                        {"not_null": ["name", "credit_code", "contact", "phone"]},
                        {
                            "pattern": {
                                "column": "credit_code",
                                "regex": "^[0-9A-HJ-NPQRTUWXY]{2}[0-9]{6}[0-9A-HJ-NPQRTUWXY]{10}$",
                            }
                        },
                    ],
                    "= 100%",
                ),
            ),
        ],
        effective="2024-06-01",
        review_every="24mo",
    )
    return [delivery, inventory, master]


def safety() -> list[dict[str, Any]]:
    """安全生产: incidents, special-operation certificates, safety training."""
    incidents = standard(
        "SF-001",
        "safety",
        "安全环保部",
        ("安全事件报告与调查规定", "Safety incident reporting and investigation"),
        (
            """
依据《安全生产法》，所有安全事件（含未遂事件）须在24小时内上报安全环保部，7天内完成调查并提出纠正措施。
""",
            """
Under the Work Safety Law every safety event, near misses included, is reported to Safety and Environment
within 24 hours and investigated, with corrective actions, within 7 days.
""",
        ),
        [
            requirement(
                "SF-001.1",
                "安全事件须在24小时内上报",
                "Safety events are reported within 24 hours",
                "major",
                each("safety_incidents", "date_diff('hour', occurred_at, reported_at) <= 24", ">= 95%"),
            ),
            requirement(
                "SF-001.2",
                "安全事件须在7天内完成调查",
                "Safety events are investigated within 7 days",
                "major",
                each(
                    "safety_incidents",
                    "investigation_closed_on IS NOT NULL AND date_diff('day', "
                    "occurred_at, investigation_closed_on) <= 7",
                    ">= 90%",
                ),
            ),
            requirement(
                "SF-001.3",
                "不发生重伤及以上事故",
                "No serious injury or fatality",
                "critical",
                value("safety_incidents", "count(CASE WHEN incident_type IN ('重伤', '死亡') THEN 1 END)", "= 0"),
            ),
        ],
        version="2.0",
        effective="2025-01-01",
    )
    certified = standard(
        "SF-002",
        "safety",
        "生产部",
        ("特种作业人员持证上岗规定", "Certified special operations"),
        (
            """
依据《特种设备安全法》和《特种作业人员安全技术培训考核管理规定》，叉车司机、电工等特种作业人员
必须持有效证件上岗，证件到期前须完成复审。
""",
            """
Under the Special Equipment Safety Law and the rules for special operations, forklift drivers, electricians and
other special operators work only with a valid certificate, renewed before it expires.
""",
        ),
        [
            requirement(
                "SF-002.1",
                "叉车司机须持有效叉车证",
                "Forklift drivers hold a valid forklift certificate",
                "critical",
                coverage(
                    "employees",
                    "active AND position = '叉车司机'",
                    "certificates",
                    "certificate = '叉车司机证(N1)'",
                    {"employee_id": "employee_id"},
                    "= 100%",
                    valid_until="expires_on",
                ),
            ),
            requirement(
                "SF-002.2",
                "电工须持有效低压电工作业证",
                "Electricians hold a valid low-voltage certificate",
                "critical",
                coverage(
                    "employees",
                    "active AND position = '电工'",
                    "certificates",
                    "certificate = '低压电工作业证'",
                    {"employee_id": "employee_id"},
                    "= 100%",
                    valid_until="expires_on",
                ),
            ),
            requirement(
                "SF-002.3",
                "安全管理人员须持安全生产管理人员证",
                "Safety officers hold the safety manager certificate",
                "major",
                coverage(
                    "employees",
                    "active AND position IN ('安全员', '安全环保经理')",
                    "certificates",
                    "certificate = '安全生产管理人员证'",
                    {"employee_id": "employee_id"},
                    "= 100%",
                    valid_until="expires_on",
                ),
            ),
        ],
        version="1.1",
        effective="2024-01-01",
    )
    training = standard(
        "SF-003",
        "safety",
        "安全环保部",
        ("安全教育培训规定", "Safety training rules"),
        (
            """
新员工上岗前接受三级安全教育（不少于24学时）；生产、质量、安全环保部门员工每年接受一次安全生产培训。
""",
            """
New people receive three-level safety induction (at least 24 hours) before starting work; staff of
production, quality and safety receive safety training every year.
""",
        ),
        [
            requirement(
                "SF-003.1",
                "一线部门员工每年接受安全生产培训",
                "Shop-floor staff are trained in safety every year",
                "major",
                coverage(
                    "employees",
                    "active AND department IN ('生产部', '质量部', '安全环保部')",
                    "safety_trainings",
                    None,
                    {"employee_id": "employee_id"},
                    ">= 98%",
                    valid_until="valid_until",
                ),
            ),
        ],
    )
    return [incidents, certified, training]


def all_operations() -> list[dict[str, Any]]:
    """The operations standards in catalogue order."""
    return [*process(), *quality_control(), *customer_service(), *supply_chain(), *safety()]
