"""Standards of daily operations: process, quality, customer service, supply chain and safety."""

from __future__ import annotations

from typing import Any

from guifan.demo.quality import DEFECT_TYPES, ONE_SIDED
from guifan.demo.standards._build import (
    coverage,
    each,
    quality,
    requirement,
    sequence,
    sixsigma,
    spc,
    standard,
    value,
)
from guifan.demo.standards.customer import customer_service

BORE = "孔径"
SPEC = {"lsl": "lsl", "usl": "usl", "target": "nominal"}
P2P_PATH = ("创建采购申请", "审批采购申请", "创建采购订单", "收货", "收到发票", "三单匹配", "付款")


def process() -> list[dict[str, Any]]:
    """流程规范: purchase to pay (its rules and, from the ERP's event log, how each purchase ran), and e-commerce
    order fulfilment."""
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

每笔采购的执行路径和时效按ERP事件日志逐笔衡量（见PR-003），授权审批与职责分离见IC-003。
""",
            """
## Purpose
Governs purchasing from requisition to supplier payment: who raises, who approves, when to order and to pay.

## Process
1. The requester raises a requisition in the ERP; 2. the department head approves it (a deputy general manager
approves the head's own requests); 3. a buyer places the order; 4. the warehouse receives the goods;
5. accounting matches order, receipt and invoice; 6. the cashier pays on the agreed terms.

How each purchase actually ran, step by step and on time, is measured on the ERP's event log (PR-003);
authorisation and separation of duties are in IC-003.
""",
        ),
        [
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
        version="3.0",
        effective="2025-07-01",
    )
    path = standard(
        "PR-003",
        "process",
        "采购部",
        ("采购到付款流程执行标准", "Purchase-to-pay process execution standard"),
        (
            """
以ERP导出的采购到付款事件日志逐笔检查每一笔采购是否按PR-001执行：
- 每笔采购以一张采购申请开始、以付款结束，依次经过审批、下单、收货、收到发票、三单匹配，不得跳步或倒序；
- 被退回修改的申请须由申请人修改后重新提交；
- 申请提交后3个工作日内完成审批，审批后5个工作日内下达采购订单。

工作日按公司办公日历计算（工作日9:00-12:00、13:30-18:00，法定节假日休息，调休上班日照常），一个工作日按7.5小时计。
路径按已付款的采购判断；时限对全部采购判断，超过时限仍未审批或下单的也计为超时。
""",
            """
The ERP's purchase-to-pay event log shows, purchase by purchase, whether PR-001 was followed:
- every purchase starts with one requisition and ends with the payment, passing approval, order, receipt,
  invoice and three-way match in this order, none skipped or reversed;
- a requisition sent back for rework is modified by its requester before it goes on;
- requisitions are approved within 3 working days and ordered within 5 working days of the approval.

Working days follow the office calendar (9:00-12:00 and 13:30-18:00, public holidays off, make-up working days
on); a working day counts 7.5 hours. The path is judged on paid purchases; the time limits on all of them, and a
requisition still waiting past its limit counts as late.
""",
        ),
        [
            requirement(
                "PR-003.1",
                "采购按标准路径执行：申请→审批→下单→收货→发票→三单匹配→付款",
                "Purchases follow the standard path: requisition, approval, order, receipt, invoice, match, payment",
                "major",
                sequence(
                    "p2p_events",
                    [
                        {"init": "创建采购申请"},
                        {"exactly": {"activity": "创建采购申请", "n": 1}},
                        {"order": list(P2P_PATH)},
                        {"response": ["退回修改", "修改采购申请"]},
                        {"end": "付款"},
                    ],
                    ">= 97%",
                    case="case_id",
                    completed_by="付款",
                    by=["department"],
                    warn=">= 98%",
                ),
            ),
            requirement(
                "PR-003.2",
                "采购申请3个工作日内审批，审批后5个工作日内下单",
                "Requisitions are approved within 3 working days, and ordered within 5 working days of approval",
                "minor",
                sequence(
                    "p2p_events",
                    [
                        {"within": {"from": "创建采购申请", "to": "审批采购申请", "limit": "3d"}},
                        {"within": {"from": "审批采购申请", "to": "创建采购订单", "limit": "5d"}},
                    ],
                    ">= 95%",
                    case="case_id",
                    calendar="cn-office",
                ),
            ),
        ],
        version="1.0",
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
    return [p2p, fulfilment, path]


def quality_control() -> list[dict[str, Any]]:
    """质量控制: key dimensions (control charts and capability); defects in production lots."""
    characteristic = ["part", "feature", "machine"]
    dimensions = standard(
        "QC-001",
        "quality",
        "质量部",
        ("机加工关键尺寸控制标准", "Key machined dimensions control standard"),
        (
            """
适用于PB-100泵体和EC-200端盖的关键尺寸。每台CNC每班抽取5件组成子组，测量全部关键特性。

- 统计过程控制：以2026年第一季度的数据为基准，按机台、零件、特性分别建立EWMA控制图（λ=0.2），监控刀具磨损等
  小幅持续漂移。同时监控14个特性，为控制误报，控制限取±3.5σ。平面度为单边形位公差，分布偏斜，不做EWMA监控。
- 过程能力：各特性的过程性能指数Ppk不低于1.33，低于1.33的须启动改进项目；平面度只有上限，按单边Ppk评价。
- 超差件按《不合格品控制程序》处置。
""",
            """
Covers the key dimensions of the PB-100 pump body and the EC-200 end cover. Each CNC machine is sampled with a
subgroup of five parts per shift and every key feature is measured.

- Statistical process control: an EWMA chart (lambda 0.2) per machine, part and feature, with limits from the
  first quarter of 2026, watches for small sustained shifts such as tool wear. With 14 characteristics watched
  at once, the limits are set at 3.5 sigma to keep false alarms rare. Flatness, a one-sided form tolerance with a
  skewed distribution, is not charted.
- Capability: every feature reaches a process performance index Ppk of at least 1.33; one below needs an
  improvement project. Flatness has an upper limit only and is judged on its one-sided Ppk.
- Out-of-tolerance parts follow the nonconforming product procedure.
""",
        ),
        [
            requirement(
                "QC-001.1",
                "关键尺寸测量值须在公差范围内",
                "Key dimensions are within tolerance",
                "major",
                each("inspections", "value <= usl AND (lsl IS NULL OR value >= lsl)", ">= 99.5%", by=["machine"]),
            ),
            requirement(
                "QC-001.2",
                "泵体孔径的过程性能指数Ppk不低于1.33",
                "Bore of the pump body: Ppk at least 1.33",
                "critical",
                spc(
                    "inspections",
                    "xbar_r",
                    "ppk >= 1.33",
                    where=f"feature = '{BORE}'",
                    characteristic=characteristic,
                    spec=SPEC,
                    by=["machine"],
                ),
            ),
            requirement(
                "QC-001.3",
                "关键尺寸过程受控（EWMA，以2026年第一季度为基准）",
                "Key dimensions stay in control (EWMA, limits from 2026-Q1)",
                "major",
                spc(
                    "inspections",
                    "ewma",
                    "no signals",
                    where=f"feature <> '{ONE_SIDED}'",
                    characteristic=characteristic,
                    phase={"baseline": "2026-Q1"},
                    ewma={"lambda": 0.2, "L": 3.5},
                    by=["machine"],
                ),
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
            requirement(
                "QC-001.5",
                "其他关键尺寸的过程性能指数Ppk不低于1.33（平面度按上限单边评价）",
                "Other key dimensions: Ppk at least 1.33 (flatness against its upper limit only)",
                "major",
                spc(
                    "inspections",
                    "xbar_r",
                    "ppk >= 1.33",
                    where=f"feature <> '{BORE}'",
                    characteristic=characteristic,
                    spec=SPEC,
                    by=["machine"],
                ),
            ),
        ],
        version="4.0",
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
以每百万机会缺陷数（DPMO）衡量过程水平，目标不超过2000（约4.4σ），1500以上预警；按缺陷类型做帕累托分析，
集中改进累计占比前80%的缺陷。
""",
            """
Finished and semi-finished lots are sampled per GB/T 2828.1, normal inspection, single sampling (n=80,
AQL 2.5, Ac=5). Process level is measured as defects per million opportunities (DPMO): at most 2000 (about
4.4 sigma), with a warning above 1500. A Pareto of defect types directs improvement to the few types that make up
80% of the defects.
""",
        ),
        [
            requirement(
                "QC-002.1",
                "DPMO不超过2000",
                "DPMO at most 2000",
                "major",
                sixsigma(
                    "production_lots",
                    "dpmo <= 2000",
                    defects="defects",
                    units="sample_size",
                    opportunities="opportunities_per_unit",
                    by=["line"],
                    warn="dpmo <= 1500",
                    pareto={"dataset": "defects", "column": "defect_type"},
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
        version="3.0",
        effective="2025-01-01",
    )
    return [dimensions, defects]


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
