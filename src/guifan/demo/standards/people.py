"""Standards about people and organisation: performance, training, responsibilities."""

from __future__ import annotations

from typing import Any

from guifan.demo.standards._build import coverage, each, quality, requirement, standard, value

GRADE_OF_SCORE = (
    "CASE WHEN total_score >= 90 THEN 'S' WHEN total_score >= 80 THEN 'A' WHEN total_score >= 70 THEN 'B' "
    "WHEN total_score >= 60 THEN 'C' ELSE 'D' END"
)


def performance() -> list[dict[str, Any]]:
    """绩效评估: sales KPIs and the appraisal process."""
    sales = standard(
        "PF-001",
        "performance",
        "销售部",
        ("销售人员绩效考核办法", "Sales performance appraisal"),
        (
            """
销售代表和大区经理按月考核：销售收入达成率（权重50%）、线索转化率（20%）、客户反馈（30%）。
连续三个月达成率低于80%的人员进入绩效改进计划（PIP）。
""",
            """
Sales representatives and regional managers are assessed monthly: revenue against target (weight 50%), lead
conversion (20%) and customer feedback (30%). Three months in a row below 80% of target starts a performance
improvement plan.
""",
        ),
        [
            requirement(
                "PF-001.1",
                "销售收入达成目标",
                "Revenue meets target",
                "major",
                value("sales_monthly", "sum(revenue) / sum(target)", ">= 1.0", by=["region"]),
            ),
            requirement(
                "PF-001.2",
                "月度达成率不低于80%的人次占比不低于85%",
                "In at least 85% of salesperson-months revenue reaches 80% of target",
                "minor",
                each("sales_monthly", "revenue >= 0.8 * target", ">= 85%", by=["region"], warn=">= 90%"),
            ),
            requirement(
                "PF-001.3",
                "线索转化率不低于15%",
                "Lead conversion at least 15%",
                "minor",
                value("sales_monthly", "sum(conversions) * 1.0 / sum(leads)", ">= 0.15"),
            ),
        ],
        version="2.0",
        effective="2025-01-01",
    )
    appraisal = standard(
        "PF-002",
        "performance",
        "人力资源部",
        ("员工绩效考核管理办法", "Employee performance appraisal"),
        (
            """
每年两次考核（年度、半年度）。总分为效率、质量、满意度三项KPI的加权分，等级按总分划分：
S ≥ 90，A 80-90，B 70-80，C 60-70，D < 60。S级比例不超过10%。员工须在14天内确认结果。
""",
            """
Appraisals run twice a year (annual and half-year). The total is the weighted score of three KPIs
(efficiency, quality, satisfaction); grades follow the total: S >= 90, A 80-90, B 70-80, C 60-70, D < 60. At
most 10% may be graded S. Employees confirm their result within 14 days.
""",
        ),
        [
            requirement(
                "PF-002.1",
                "考核等级须与总分对应",
                "Grades match the total score",
                "major",
                each("appraisals", f"grade = {GRADE_OF_SCORE}", ">= 98%", warn=">= 99.5%"),
            ),
            requirement(
                "PF-002.2",
                "S级比例不超过10%",
                "At most 10% graded S",
                "minor",
                value(
                    "appraisals",
                    "count(CASE WHEN grade = 'S' THEN 1 END) * 1.0 / nullif(count(appraisal_id), 0)",
                    "<= 0.10",
                ),
            ),
            requirement(
                "PF-002.3",
                "员工在考核后14天内确认结果",
                "Employees confirm their appraisal within 14 days",
                "minor",
                each(
                    "appraisals",
                    "confirmed_on IS NOT NULL AND date_diff('day', appraised_on, confirmed_on) <= 14",
                    ">= 95%",
                    by=["department"],
                ),
            ),
        ],
        version="3.1",
        effective="2025-10-01",
    )
    return [sales, appraisal]


def training() -> list[dict[str, Any]]:
    """人员培训: required courses and their effectiveness."""
    required = standard(
        "TR-001",
        "training",
        "人力资源部",
        ("岗位培训管理标准", "Role training standard"),
        (
            """
| 课程 | 对象 | 有效期 |
|---|---|---|
| ONB-001 新员工入职培训 | 全体员工 | 长期 |
| SEC-100 信息安全意识培训 | 全体员工 | 12个月 |
| CS-101 客户服务基础 | 客服专员 | 长期 |
| QA-201 SPC与测量系统分析 | 质检员、质量工程师 | 24个月 |

内审员须持有效的ISO 9001内审员证。
""",
            """
| Course | Who | Valid for |
|---|---|---|
| ONB-001 Induction | everyone | for good |
| SEC-100 Information security awareness | everyone | 12 months |
| CS-101 Customer service basics | service agents | for good |
| QA-201 SPC and measurement systems | inspectors, quality engineers | 24 months |

Internal auditors hold a valid ISO 9001 internal auditor certificate.
""",
        ),
        [
            requirement(
                "TR-001.1",
                "在职员工均已完成入职培训",
                "Every employee has completed induction",
                "major",
                coverage(
                    "employees",
                    "active",
                    "training_records",
                    "course_id = 'ONB-001' AND passed",
                    {"employee_id": "employee_id"},
                    "= 100%",
                ),
            ),
            requirement(
                "TR-001.2",
                "客服专员上岗前完成客户服务基础培训",
                "Service agents complete customer service basics before they start",
                "major",
                coverage(
                    "employees",
                    "active AND position = '客服专员'",
                    "training_records",
                    "course_id = 'CS-101' AND passed",
                    {"employee_id": "employee_id"},
                    "= 100%",
                ),
            ),
            requirement(
                "TR-001.3",
                "全员每年完成信息安全意识培训",
                "Everyone completes security awareness training every year",
                "major",
                coverage(
                    "employees",
                    "active",
                    "training_records",
                    "course_id = 'SEC-100' AND passed",
                    {"employee_id": "employee_id"},
                    ">= 95%",
                    valid_until="valid_until",
                    warn=">= 98%",
                ),
            ),
            requirement(
                "TR-001.4",
                "质检员和质量工程师的SPC培训在有效期内",
                "Inspectors and quality engineers hold a current SPC training",
                "minor",
                coverage(
                    "employees",
                    "active AND position IN ('质检员', '质量工程师')",
                    "training_records",
                    "course_id = 'QA-201' AND passed",
                    {"employee_id": "employee_id"},
                    "= 100%",
                    valid_until="valid_until",
                ),
            ),
            requirement(
                "TR-001.5",
                "内审员持有效的ISO 9001内审员证",
                "Internal auditors hold a valid ISO 9001 auditor certificate",
                "major",
                coverage(
                    "employees",
                    "active AND position IN ('体系专员', '质量工程师')",
                    "certificates",
                    "certificate = 'ISO 9001 内审员证'",
                    {"employee_id": "employee_id"},
                    "= 100%",
                    valid_until="expires_on",
                ),
            ),
        ],
        version="2.2",
        effective="2025-03-01",
    )
    effect = standard(
        "TR-002",
        "training",
        "人力资源部",
        ("培训效果评估办法", "Training effectiveness evaluation"),
        (
            """
每门课程结束后进行考核，70分及格；不及格者须在三周内补考。
""",
            """
Every course ends with an exam; the pass mark is 70 and whoever fails resits within three weeks.
""",
        ),
        [
            requirement(
                "TR-002.1",
                "培训考核通过率不低于90%",
                "At least 90% of exams are passed",
                "minor",
                each("training_records", "passed", ">= 90%", by=["course_id"]),
            ),
            requirement(
                "TR-002.2",
                "培训考核平均分不低于80分",
                "Average exam score at least 80",
                "minor",
                value("training_records", "avg(score)", ">= 80"),
            ),
        ],
    )
    return [required, effect]


def organization() -> list[dict[str, Any]]:
    """组织架构与职责: RACI and staffing."""
    raci = standard(
        "OG-001",
        "organization",
        "人力资源部",
        ("职责分配（RACI）管理规定", "Responsibility assignment (RACI)"),
        (
            """
每项关键活动须明确：至少一名负责人（R）、有且仅有一名批准人（A），按需设咨询（C）和知会（I）。
职责须分配到现有岗位。
""",
            """
Every key activity has at least one Responsible and exactly one Accountable; Consulted and Informed as needed.
Responsibilities are assigned to existing positions.
""",
        ),
        [
            requirement(
                "OG-001.1",
                "每项活动都有批准人（A）",
                "Every activity has an Accountable",
                "major",
                value(
                    "raci",
                    "count(DISTINCT item_id) - count(DISTINCT CASE WHEN raci = 'A' THEN item_id END)",
                    "= 0",
                    by=["process_area"],
                ),
            ),
            requirement(
                "OG-001.2",
                "每项活动只有一名批准人（A）",
                "No activity has more than one Accountable",
                "major",
                value(
                    "raci",
                    "sum(CASE WHEN raci = 'A' THEN 1 ELSE 0 END) - count(DISTINCT CASE WHEN "
                    "raci = 'A' THEN item_id END)",
                    "= 0",
                    by=["process_area"],
                ),
            ),
            requirement(
                "OG-001.3",
                "职责分配到现有岗位",
                "Responsibilities are assigned to existing positions",
                "minor",
                quality(
                    "raci",
                    [
                        {"not_null": ["item_id", "position", "raci"]},
                        {"refers": {"column": "position", "dataset": "positions", "key": "position"}},
                    ],
                    "= 100%",
                ),
            ),
        ],
        version="1.0",
        effective="2025-09-01",
    )
    staffing = standard(
        "OG-002",
        "organization",
        "人力资源部",
        ("组织架构与编制管理", "Organisation structure and staffing"),
        (
            """
公司、部门、团队三级架构，每个单元有一名负责人。团队实际人数低于编制90%时须启动招聘。
""",
            """
Company, departments and teams, each with one head. A team below 90% of its planned headcount starts
recruiting.
""",
        ),
        [
            requirement(
                "OG-002.1",
                "每个组织单元都有在册负责人",
                "Every org unit has a head on the payroll",
                "major",
                quality(
                    "org_units",
                    [
                        {"not_null": ["head_employee_id"]},
                        {"refers": {"column": "head_employee_id", "dataset": "employees", "key": "employee_id"}},
                    ],
                    "= 100%",
                ),
            ),
            requirement(
                "OG-002.2",
                "团队实际人数不低于编制的90%",
                "Teams are staffed to at least 90% of plan",
                "minor",
                each(
                    "org_units",
                    "headcount_actual >= 0.9 * headcount_plan",
                    ">= 90%",
                    where="unit_type = '团队'",
                    warn="= 100%",
                ),
            ),
        ],
    )
    return [raci, staffing]


def all_people() -> list[dict[str, Any]]:
    """The people and organisation standards in catalogue order."""
    return [*performance(), *training(), *organization()]
