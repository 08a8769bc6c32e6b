"""Governance standards: data, compliance, risk, internal control, security and IT."""

from __future__ import annotations

from typing import Any

from guifan.demo.standards._build import coverage, each, quality, requirement, sequence, standard

PHONE = r"^(1[3-9]\d{9}|0\d{2,3}-\d{7,8})$"


def data() -> list[dict[str, Any]]:
    """数据管理与分析: customer master data and operational records."""
    customers = standard(
        "DA-001",
        "data",
        "信息技术部",
        ("客户主数据管理标准", "Customer master data standard"),
        (
            """
客户主数据由销售部录入、信息技术部治理。关键字段：客户编号（唯一）、名称、电话、客户等级（A/B/C）、
信用额度（0-500万元）、负责人（在册员工）。每两年至少核实更新一次。
""",
            """
Sales enters customer master data and IT governs it. Key fields: customer id (unique), name, telephone, level
(A/B/C), credit limit (0 to 5 million yuan) and owner (an employee). Every record is verified at least every
two years.
""",
        ),
        [
            requirement(
                "DA-001.1",
                "客户主数据关键字段完整",
                "Key customer fields are filled in",
                "major",
                quality("customers", [{"not_null": ["customer_id", "name", "phone", "owner_id"]}], ">= 99%"),
            ),
            requirement(
                "DA-001.2",
                "客户编号唯一，电话、等级、信用额度取值有效",
                "Customer ids are unique; phone, level and credit limit are valid",
                "major",
                quality(
                    "customers",
                    [
                        {"unique": ["customer_id"]},
                        {"pattern": {"column": "phone", "regex": PHONE}},
                        {"values": {"column": "level", "in": ["A", "B", "C"]}},
                        {"range": {"column": "credit_limit", "min": 0, "max": 5000000}},
                    ],
                    ">= 99%",
                ),
            ),
            requirement(
                "DA-001.3",
                "客户负责人须为在册员工",
                "Customer owners are known employees",
                "minor",
                quality(
                    "customers",
                    [{"refers": {"column": "owner_id", "dataset": "employees", "key": "employee_id"}}],
                    ">= 99%",
                    warn=">= 99.5%",
                ),
            ),
            requirement(
                "DA-001.4",
                "客户信息两年内核实更新",
                "Customer records were verified in the last two years",
                "minor",
                quality("customers", [{"fresh": {"column": "updated_on", "max_age": "730d"}}], ">= 90%"),
            ),
        ],
        version="1.2",
        effective="2025-06-01",
    )
    records = standard(
        "DA-002",
        "data",
        "信息技术部",
        ("业务数据采集规范", "Operational data capture rules"),
        (
            """
业务系统产生的记录须完整、唯一、取值合法，才能用于统计分析和考核。
""",
            """
Records produced by the business systems are complete, unique and valid before they are used for analysis and
appraisal.
""",
        ),
        [
            requirement(
                "DA-002.1",
                "工单数据完整有效",
                "Ticket records are complete and valid",
                "major",
                quality(
                    "tickets",
                    [
                        {"not_null": ["ticket_id", "created_at", "team", "priority", "channel"]},
                        {"unique": ["ticket_id"]},
                        {"values": {"column": "status", "in": ["处理中", "已解决", "已关闭"]}},
                    ],
                    ">= 99.5%",
                ),
            ),
            requirement(
                "DA-002.2",
                "员工主数据准确",
                "Employee master data is accurate",
                "minor",
                quality(
                    "employees",
                    [
                        {"unique": ["employee_id"]},
                        {"not_null": ["department", "position"]},
                        {"pattern": {"column": "phone", "regex": r"^1[3-9]\d{9}$"}},
                        {"refers": {"column": "manager_id", "dataset": "employees", "key": "employee_id"}},
                    ],
                    ">= 99%",
                ),
            ),
        ],
    )
    return [customers, records]


def compliance() -> list[dict[str, Any]]:
    """合规管理: audit programme and obligations."""
    audits = standard(
        "CO-001",
        "compliance",
        "质量部",
        ("内外部审核管理程序", "Audit programme"),
        (
            """
年度审核计划覆盖ISO 9001全部过程、财务审计、安全检查和重点供应商。审核须在计划日期后30天内完成。
""",
            """
The yearly audit plan covers every ISO 9001 process, the financial audit, safety inspections and key
suppliers. Audits are held within 30 days of their planned date.
""",
        ),
        [
            requirement(
                "CO-001.1",
                "审核按计划实施（30天内）",
                "Audits are held within 30 days of plan",
                "major",
                each("audits", "done_on IS NOT NULL AND date_diff('day', planned_on, done_on) <= 30", ">= 95%"),
            ),
            requirement(
                "CO-001.2",
                "审核结论为不通过的不超过10%",
                "At most 10% of audits end in a fail",
                "major",
                each("audits", "result <> '不通过'", ">= 90%", where="done_on IS NOT NULL"),
            ),
        ],
        version="2.0",
        effective="2025-01-01",
    )
    obligations = standard(
        "CO-002",
        "compliance",
        "总经办",
        ("合规义务管理办法", "Compliance obligations"),
        (
            """
合规义务清单涵盖安全生产、环保、劳动、数据与个人信息、产品质量、电子商务、财税等法律法规。
每项义务每年至少评估一次合规状态。
""",
            """
The obligations register covers work safety, environment, labour, data and personal information, product
quality, e-commerce, finance and tax. Every obligation is assessed at least once a year.
""",
        ),
        [
            requirement(
                "CO-002.1",
                "合规义务每年至少评估一次",
                "Every obligation is assessed at least yearly",
                "major",
                quality(
                    "obligations",
                    [{"fresh": {"column": "last_assessed_on", "max_age": "365d"}}],
                    ">= 95%",
                    warn="= 100%",
                ),
            ),
            requirement(
                "CO-002.2",
                "评估结论为“符合”的义务不低于90%",
                "At least 90% of obligations are met",
                "major",
                each("obligations", "status = '符合'", ">= 90%"),
            ),
        ],
    )
    return [audits, obligations]


def risk() -> list[dict[str, Any]]:
    """风险管理: register, appetite, treatments."""
    register = standard(
        "RK-001",
        "risk",
        "总经办",
        ("风险管理办法", "Risk management"),
        (
            """
风险按可能性×影响（各1-5分）评分。剩余风险不得超过所属类别的风险偏好（安全、合规6分，信息安全、
内部控制8分，其他9分）。应对措施按期完成，风险每半年复评。
""",
            """
Risks are scored as likelihood times impact (1-5 each). Residual risk stays within the appetite of its
category (safety and compliance 6, information security and internal control 8, others 9). Treatments are done
on time and every risk is reassessed every six months.
""",
        ),
        [
            requirement(
                "RK-001.1",
                "剩余风险在风险偏好以内",
                "Residual risks are within appetite",
                "major",
                each("risks", "residual_score <= appetite", ">= 90%", by=["category"], warn=">= 95%"),
            ),
            requirement(
                "RK-001.2",
                "风险应对措施按期完成",
                "Risk treatments are completed on time",
                "major",
                each("risk_treatments", "done_on IS NOT NULL AND done_on <= due_on", ">= 90%"),
            ),
            requirement(
                "RK-001.3",
                "风险每6个月复评一次",
                "Risks are reassessed every six months",
                "minor",
                quality("risks", [{"fresh": {"column": "reviewed_on", "max_age": "183d"}}], ">= 95%"),
            ),
        ],
        version="1.1",
        effective="2025-04-01",
    )
    return [register]


def internal_control() -> list[dict[str, Any]]:
    """内部控制: separation of duties, control testing, and purchase-to-pay authorisation on the event log."""
    duties = standard(
        "IC-001",
        "internal_control",
        "财务部",
        ("职责分离规定", "Separation of duties"),
        (
            """
不相容职责须分离：报销人不得审批本人的费用报销；报销须附合规发票。
采购业务的授权审批与职责分离按ERP事件日志逐笔检查，见IC-003。
""",
            """
Incompatible duties are kept apart: nobody approves their own expense claim, and claims carry a valid invoice.
Authorisation and separation of duties in purchasing are checked purchase by purchase on the ERP's event log
(IC-003).
""",
        ),
        [
            requirement(
                "IC-001.2",
                "费用报销不得由报销人本人审批",
                "Nobody approves their own expense claim",
                "critical",
                each("expense_claims", "approver_id <> employee_id", "= 100%"),
            ),
            requirement(
                "IC-001.3",
                "费用报销须附合规发票",
                "Expense claims carry a valid invoice",
                "major",
                each("expense_claims", "has_invoice", ">= 99%"),
            ),
        ],
        version="2.0",
        effective="2025-01-01",
    )
    testing = standard(
        "IC-002",
        "internal_control",
        "财务部",
        ("内部控制测试办法", "Control testing"),
        (
            """
内控专员每年对每项关键控制至少测试一次，测试结论有效期12个月。无效控制须整改并重新测试。
""",
            """
The internal control officers test every key control at least once a year; a test counts for twelve months.
Ineffective controls are remediated and tested again.
""",
        ),
        [
            requirement(
                "IC-002.1",
                "关键控制每年至少测试一次",
                "Every key control was tested in the last year",
                "major",
                coverage(
                    "controls",
                    "key_control",
                    "control_tests",
                    None,
                    {"control_id": "control_id"},
                    "= 100%",
                    valid_until="valid_until",
                ),
            ),
            requirement(
                "IC-002.2",
                "控制测试有效率不低于90%",
                "At least 90% of control tests find the control effective",
                "major",
                each("control_tests", "result = '有效'", ">= 90%"),
            ),
        ],
    )
    purchasing = standard(
        "IC-003",
        "internal_control",
        "财务部",
        ("采购授权审批与职责分离控制", "Purchase-to-pay authorisation and separation of duties"),
        (
            """
- 采购申请须经部门经理审批（部门经理本人的申请由分管副总审批），未经审批不得下单；
- 申请、审批、下单为不相容职责，须由三个不同的人执行：任何人不得审批本人的申请，采购专员不得为本人提交的申请下单；
- 三单匹配由会计执行，付款由出纳执行，他人不得代为付款。

以ERP采购到付款事件日志逐笔检查全部采购（取代季度抽样测试）。
""",
            """
- A requisition is approved by the department head (a deputy general manager approves the head's own) before
  anything is ordered;
- requesting, approving and ordering are incompatible duties held by three different people: nobody approves
  their own requisition, and no buyer orders what they requested themselves;
- accounting performs the three-way match and a cashier makes the payment; nobody else pays.

Every purchase is checked on the ERP's purchase-to-pay event log (instead of a quarterly sample).
""",
        ),
        [
            requirement(
                "IC-003.1",
                "采购经授权审批后方可下单，申请、审批、下单由不同人员执行，三单匹配与付款由指定岗位执行",
                "Orders follow an authorised approval; request, approval and order by three different people; "
                "matching by accounting and payment by a cashier",
                "critical",
                sequence(
                    "p2p_events",
                    [
                        {"precedence": ["审批采购申请", "创建采购订单"]},
                        {"different_resource": ["创建采购申请", "审批采购申请", "创建采购订单"]},
                        {"by_role": {"审批采购申请": ["部门经理", "分管副总"], "付款": "出纳", "三单匹配": "会计"}},
                    ],
                    "= 100%",
                    case="case_id",
                    resource="resource",
                    role="role",
                    by=["department"],
                ),
            ),
        ],
        version="1.0",
        effective="2025-07-01",
    )
    return [duties, testing, purchasing]


def security() -> list[dict[str, Any]]:
    """信息安全: access and security incidents."""
    access = standard(
        "SE-001",
        "security",
        "信息技术部",
        ("访问权限管理规定", "Access management"),
        (
            """
关键系统（ERP、MES、WMS、CRM、电商中台、防火墙）每季度复核用户权限；员工离职当天停用全部账号；
特权账号必须启用多因素认证。
""",
            """
Access to the critical systems (ERP, MES, WMS, CRM, e-commerce hub, firewall) is reviewed every quarter;
every account of a leaver is disabled on the last day; privileged accounts use multi-factor authentication.
""",
        ),
        [
            requirement(
                "SE-001.1",
                "关键系统每季度完成权限复核",
                "Critical systems have a current quarterly access review",
                "major",
                coverage(
                    "systems",
                    "criticality = '高'",
                    "access_reviews",
                    None,
                    {"system_id": "system_id"},
                    "= 100%",
                    valid_until="valid_until",
                ),
            ),
            requirement(
                "SE-001.2",
                "离职人员账号须停用",
                "Leavers' accounts are disabled",
                "critical",
                each("user_accounts", "NOT (status = '启用' AND hr_status = '离职')", "= 100%", by=["system_id"]),
            ),
            requirement(
                "SE-001.3",
                "特权账号须启用多因素认证",
                "Privileged accounts use multi-factor authentication",
                "major",
                each("user_accounts", "mfa_enabled", "= 100%", where="privileged AND status = '启用'"),
            ),
        ],
        version="2.0",
        effective="2025-01-01",
    )
    incidents = standard(
        "SE-002",
        "security",
        "信息技术部",
        ("信息安全事件管理", "Security incident handling"),
        (
            """
钓鱼邮件、恶意软件、账号异常等信息安全事件由信息安全专员立即处置，24小时内消除影响并记录根本原因。
""",
            """
Phishing, malware, suspicious logins and other security incidents are handled by the security officers at once,
contained within 24 hours and their root cause recorded.
""",
        ),
        [
            requirement(
                "SE-002.1",
                "信息安全事件24小时内处置完毕",
                "Security incidents are resolved within 24 hours",
                "major",
                each(
                    "it_incidents",
                    "resolved_at IS NOT NULL AND date_diff('hour', opened_at, resolved_at) <= 24",
                    ">= 95%",
                    where="category = '信息安全'",
                ),
            ),
            requirement(
                "SE-002.2",
                "信息安全事件须记录根本原因",
                "Security incidents have a recorded root cause",
                "minor",
                each(
                    "it_incidents",
                    "root_cause IS NOT NULL",
                    "= 100%",
                    where="category = '信息安全' AND resolved_at IS NOT NULL",
                ),
            ),
        ],
    )
    return [access, incidents]


def it_systems() -> list[dict[str, Any]]:
    """技术支持与信息系统: maintenance and incident resolution."""
    maintenance = standard(
        "IT-001",
        "it_systems",
        "信息技术部",
        ("信息系统维护标准", "System maintenance standard"),
        (
            """
关键系统每月维护一次，其他系统每60或90天一次（补丁、备份恢复演练、性能巡检、版本升级）。
维护须在计划日期后7天内完成。
""",
            """
Critical systems are maintained monthly and the others every 60 or 90 days (patches, restore tests,
health checks, upgrades). Maintenance is done within 7 days of its planned date.
""",
        ),
        [
            requirement(
                "IT-001.1",
                "计划维护在7天内完成",
                "Planned maintenance is done within 7 days",
                "major",
                each(
                    "maintenance",
                    "done_on IS NOT NULL AND date_diff('day', planned_on, done_on) <= 7",
                    ">= 90%",
                    by=["system_id"],
                    warn=">= 95%",
                ),
            ),
        ],
    )
    incidents = standard(
        "IT-002",
        "it_systems",
        "信息技术部",
        ("IT事件处理标准", "IT incident handling standard"),
        (
            """
| 等级 | 解决时限 |
|---|---|
| S1 全公司业务中断 | 4小时 |
| S2 部门业务中断 | 8小时 |
| S3 功能受限 | 24小时 |
| S4 咨询与小问题 | 72小时 |

S1、S2事件须记录根本原因。
""",
            """
| Severity | Resolve within |
|---|---|
| S1 company-wide outage | 4 hours |
| S2 department outage | 8 hours |
| S3 degraded function | 24 hours |
| S4 questions and minor issues | 72 hours |

S1 and S2 incidents have their root cause recorded.
""",
        ),
        [
            requirement(
                "IT-002.1",
                "IT事件按等级时限解决",
                "IT incidents are resolved within their severity's time",
                "major",
                each(
                    "it_incidents",
                    "resolved_at IS NOT NULL AND date_diff('minute', opened_at, "
                    "resolved_at) <= CASE severity WHEN 'S1' THEN 240 WHEN 'S2' THEN 480 WHEN 'S3' THEN "
                    "1440 ELSE 4320 END",
                    ">= 95%",
                    by=["severity"],
                    warn=">= 97%",
                ),
            ),
            requirement(
                "IT-002.2",
                "S1、S2事件须记录根本原因",
                "S1 and S2 incidents have a recorded root cause",
                "major",
                each(
                    "it_incidents",
                    "root_cause IS NOT NULL",
                    "= 100%",
                    where="severity IN ('S1', 'S2') AND resolved_at IS NOT NULL",
                ),
            ),
        ],
        version="1.1",
    )
    return [maintenance, incidents]


def all_governance() -> list[dict[str, Any]]:
    """The governance standards in catalogue order."""
    return [*data(), *compliance(), *risk(), *internal_control(), *security(), *it_systems()]
