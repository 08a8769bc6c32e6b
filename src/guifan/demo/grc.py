"""Governance, risk and compliance: audits, obligations, risks and their treatments, key controls and their
tests, and corrective and preventive actions (CAPA).

Planted: risk treatments slip in the second half of 2026; two key controls are not re-tested when their
yearly test runs out (September and October 2026); the personal-information obligation was last assessed in
July 2025; one internal audit is postponed indefinitely; the CAPA for the forklift certificates is overdue.
"""

from __future__ import annotations

import numpy as np

from guifan.demo.common import (
    EXTRACTED,
    START,
    Bools,
    Dataset,
    Days,
    Strs,
    add_months,
    choose,
    ids,
    lookup,
    nullable,
    table,
)
from guifan.demo.org import Staff

# (type, scope, auditee, planned)
AUDITS: tuple[tuple[str, str, str, str], ...] = (
    ("内部审核", "ISO 9001 质量管理体系", "生产部", "2025-11-18"),
    ("内部审核", "ISO 9001 质量管理体系", "采购部", "2025-12-09"),
    ("内部审核", "ISO 9001 质量管理体系", "客服部", "2026-01-13"),
    ("财务审计", "2025年度财务报表审计", "财务部", "2026-03-10"),
    ("内部审核", "ISO 9001 质量管理体系", "销售部", "2026-03-24"),
    ("内部审核", "ISO 9001 质量管理体系", "质量部", "2026-04-14"),
    ("外部审核", "ISO 9001 监督审核", "质量部", "2026-05-19"),
    ("内部审核", "ISO 9001 质量管理体系", "人力资源部", "2026-06-09"),
    ("内部审核", "ISO 9001 质量管理体系", "市场部", "2026-07-07"),
    ("内部审核", "信息安全管理", "信息技术部", "2026-09-15"),
    ("内部审核", "ISO 9001 质量管理体系", "安全环保部", "2026-10-13"),
    ("安全检查", "季度安全生产检查", "生产部", "2025-12-16"),
    ("安全检查", "季度安全生产检查", "生产部", "2026-03-17"),
    ("安全检查", "季度安全生产检查", "生产部", "2026-06-16"),
    ("安全检查", "季度安全生产检查", "生产部", "2026-09-15"),
    ("供应商审核", "S004 过程审核", "采购部", "2026-01-20"),
    ("供应商审核", "S014 过程审核", "采购部", "2026-08-25"),
    ("供应商审核", "S021 准入审核", "采购部", "2026-04-21"),
    ("供应商审核", "S009 过程审核", "采购部", "2026-06-23"),
    ("客户审核", "重点客户二方审核", "质量部", "2026-05-26"),
    ("内部审核", "内部控制自评", "财务部", "2026-08-18"),
    ("外部审核", "排污许可执行检查", "安全环保部", "2026-04-08"),
)
POSTPONED = "信息安全管理"


def audits(staff: Staff, rng: np.random.Generator) -> Dataset:
    """Audits (审核计划与执行): planned and done dates, result and findings."""
    n = len(AUDITS)
    planned = np.asarray([a[3] for a in AUDITS], dtype="datetime64[D]")
    done = planned + rng.integers(-3, 12, n)
    postponed = np.asarray([a[1] == POSTPONED for a in AUDITS])
    findings = rng.poisson(3, n)
    major = np.minimum(rng.binomial(findings, 0.12), findings)
    result = np.where(major >= 2, "不通过", np.where(major == 1, "有条件通过", "通过"))
    lead = np.where(
        np.asarray([a[0] for a in AUDITS]) == "安全检查",
        staff.head_of("安全环保部"),
        staff.employee_id[staff.where(position="体系专员", active=True)[0]],
    )
    order = np.argsort(planned, kind="stable")
    data = table(
        {
            "audit_id": ids("AU", n, 3),
            "audit_type": np.asarray([a[0] for a in AUDITS])[order],
            "scope": np.asarray([a[1] for a in AUDITS])[order],
            "auditee": np.asarray([a[2] for a in AUDITS])[order],
            "planned_on": planned[order],
            "done_on": nullable(done[order], postponed[order]),
            "lead_auditor_id": lead[order],
            "result": nullable(result[order], postponed[order]),
            "findings": nullable(findings[order].astype(np.int64), postponed[order]),
            "major_findings": nullable(major[order].astype(np.int64), postponed[order]),
        }
    )
    return Dataset("audits", data, key="audit_id", time="planned_on", title=("审核计划与执行", "Audits"))


# (obligation, source, owner)
OBLIGATIONS: tuple[tuple[str, str, str], ...] = (
    ("安全生产责任制与隐患排查", "《安全生产法》", "安全环保部"),
    ("特种设备作业人员持证上岗", "《特种设备安全法》", "安全环保部"),
    ("特种作业人员持证上岗", "《特种作业人员安全技术培训考核管理规定》", "安全环保部"),
    ("排污许可与排放监测", "《环境保护法》《排污许可管理条例》", "安全环保部"),
    ("危险废物台账与转移联单", "《固体废物污染环境防治法》", "安全环保部"),
    ("劳动合同签订与续签", "《劳动合同法》", "人力资源部"),
    ("工时与加班管理", "《劳动法》", "人力资源部"),
    ("社会保险与公积金缴纳", "《社会保险法》", "人力资源部"),
    ("职业病危害告知与体检", "《职业病防治法》", "安全环保部"),
    ("个人信息处理与告知同意", "《个人信息保护法》", "信息技术部"),
    ("网络安全等级保护", "《网络安全法》", "信息技术部"),
    ("重要数据识别与保护", "《数据安全法》", "信息技术部"),
    ("产品标识与合格证明", "《产品质量法》", "质量部"),
    ("强制性产品认证(CCC)", "《强制性产品认证管理规定》", "质量部"),
    ("七日无理由退货", "《消费者权益保护法》", "客服部"),
    ("电商平台信息公示", "《电子商务法》", "销售部"),
    ("广告内容合规", "《广告法》", "市场部"),
    ("会计凭证与账簿保管", "《会计法》", "财务部"),
    ("增值税发票管理", "《发票管理办法》", "财务部"),
    ("商业贿赂禁止", "《反不正当竞争法》", "财务部"),
    ("进出口申报", "《海关法》", "采购部"),
    ("消防设施维护", "《消防法》", "安全环保部"),
    ("合同审查与印章管理", "公司《合同管理制度》", "总经办"),
    ("供应商反商业贿赂承诺", "公司《采购廉洁协议》", "采购部"),
)
STALE_OBLIGATION = "个人信息处理与告知同意"


def obligations(rng: np.random.Generator) -> Dataset:
    """The compliance obligations register (合规义务清单) with the last assessment and its outcome."""
    n = len(OBLIGATIONS)
    title = np.asarray([o[0] for o in OBLIGATIONS])
    assessed = np.datetime64("2026-01-05") + rng.integers(0, 250, n)
    assessed[title == STALE_OBLIGATION] = np.datetime64("2025-07-21")
    status = np.where(title == "特种设备作业人员持证上岗", "部分符合", "符合")
    data = table(
        {
            "obligation_id": ids("OB", n, 3),
            "obligation": title,
            "source": np.asarray([o[1] for o in OBLIGATIONS]),
            "owner_department": np.asarray([o[2] for o in OBLIGATIONS]),
            "last_assessed_on": assessed.astype("datetime64[D]"),
            "status": status,
        }
    )
    return Dataset(
        "obligations",
        data,
        key="obligation_id",
        title=("合规义务清单", "Compliance obligations"),
        column_rules={"status": {"values": ["符合", "部分符合", "不符合"]}},
    )


# (risk, category, owner department, likelihood, impact, residual likelihood, residual impact)
RISKS: tuple[tuple[str, str, str, int, int, int, int], ...] = (
    ("关键供应商交付中断", "供应链", "采购部", 4, 4, 2, 4),
    ("单一来源铸件质量波动", "质量", "质量部", 3, 4, 2, 3),
    ("CNC设备突发故障", "运营", "生产部", 3, 4, 2, 3),
    ("大促期间客服响应不足", "运营", "客服部", 4, 3, 3, 3),
    ("电商平台规则变化", "市场", "销售部", 3, 3, 2, 3),
    ("原材料价格上涨", "财务", "采购部", 4, 3, 3, 3),
    ("应收账款逾期", "财务", "财务部", 3, 3, 2, 2),
    ("客户个人信息泄露", "信息安全", "信息技术部", 3, 5, 2, 4),
    ("勒索软件攻击", "信息安全", "信息技术部", 3, 5, 2, 4),
    ("ERP系统宕机", "信息技术", "信息技术部", 2, 4, 2, 3),
    ("叉车作业伤害", "安全", "安全环保部", 3, 5, 3, 4),
    ("电气火灾", "安全", "安全环保部", 2, 5, 1, 5),
    ("危废处置不合规", "合规", "安全环保部", 2, 4, 1, 4),
    ("劳动争议", "合规", "人力资源部", 3, 3, 2, 2),
    ("关键岗位人员流失", "人员", "人力资源部", 3, 3, 2, 3),
    ("产品召回", "质量", "质量部", 2, 5, 1, 5),
    ("汇率波动", "财务", "财务部", 3, 2, 3, 2),
    ("广告违规处罚", "合规", "市场部", 2, 3, 1, 3),
    ("仓库库存账实不符", "运营", "生产部", 3, 3, 2, 2),
    ("采购舞弊", "内部控制", "财务部", 2, 4, 2, 3),
    ("付款审批绕过", "内部控制", "财务部", 3, 4, 3, 3),
    ("品牌负面舆情", "市场", "市场部", 3, 4, 2, 3),
    ("新产品开发延期", "运营", "生产部", 3, 3, 2, 3),
    ("数据备份失效", "信息技术", "信息技术部", 2, 4, 1, 4),
    ("环保排放超标", "合规", "安全环保部", 2, 5, 1, 4),
    ("销售目标未达成", "市场", "销售部", 3, 3, 3, 3),
    ("重要客户流失", "市场", "销售部", 3, 4, 2, 4),
    ("职业健康危害", "安全", "安全环保部", 2, 3, 1, 3),
)
APPETITE = {"安全": 6, "合规": 6, "信息安全": 8, "内部控制": 8}


def risks(rng: np.random.Generator) -> Dataset:
    """The risk register (风险登记册): inherent and residual scores against the appetite for the category."""
    n = len(RISKS)
    col = list(zip(*RISKS, strict=True))
    category = np.asarray(col[1])
    likelihood, impact = np.asarray(col[3], np.int64), np.asarray(col[4], np.int64)
    r_like, r_impact = np.asarray(col[5], np.int64), np.asarray(col[6], np.int64)
    reviewed = np.datetime64("2026-06-01") + rng.integers(0, 150, n)
    reviewed[np.asarray(col[0]) == "汇率波动"] = np.datetime64("2025-12-10")
    data = table(
        {
            "risk_id": ids("R", n, 3),
            "risk": np.asarray(col[0]),
            "category": category,
            "owner_department": np.asarray(col[2]),
            "likelihood": likelihood,
            "impact": impact,
            "inherent_score": likelihood * impact,
            "residual_likelihood": r_like,
            "residual_impact": r_impact,
            "residual_score": r_like * r_impact,
            "appetite": np.asarray([APPETITE.get(c, 9) for c in col[1]], dtype=np.int64),
            "treatment": np.where(r_like * r_impact > 6, "降低", choose(rng, ("接受", "转移"), n)),
            "reviewed_on": reviewed.astype("datetime64[D]"),
        }
    )
    return Dataset("risks", data, key="risk_id", title=("风险登记册", "Risk register"))


def risk_treatments(staff: Staff, rng: np.random.Generator) -> Dataset:
    """Risk treatment actions (风险应对措施) with due and done dates; the second half of 2026 slips."""
    n = 72
    risk = rng.integers(0, len(RISKS), n)
    due = np.sort(START + rng.integers(10, 360, n)).astype("datetime64[D]")
    slipping = due >= np.datetime64("2026-06-01")
    late = slipping & (rng.random(n) < 0.4)
    done = due - rng.integers(0, 20, n) + np.where(late, rng.integers(10, 60, n), 0)
    open_: Bools = np.asarray(done >= EXTRACTED, dtype=bool)
    owners = np.asarray([r[2] for r in RISKS])[risk]
    heads = lookup({d: staff.head_of(d) for d in np.unique(owners).tolist()}, owners)
    data = table(
        {
            "treatment_id": ids("RT", n, 3),
            "risk_id": ids("R", len(RISKS), 3)[risk],
            "action": np.char.add(np.asarray([r[0] for r in RISKS])[risk], "-应对措施"),
            "owner_id": heads,
            "due_on": due,
            "done_on": nullable(done.astype("datetime64[D]"), open_),
            "status": np.where(open_, "进行中", "已完成"),
        }
    )
    return Dataset(
        "risk_treatments", data, key="treatment_id", time="due_on", title=("风险应对措施", "Risk treatments")
    )


# (control, process, key control)
CONTROLS: tuple[tuple[str, str, bool], ...] = (
    ("采购申请审批", "采购", True),
    ("供应商主数据变更审批", "采购", True),
    ("三单匹配", "采购", True),
    ("付款审批与双人复核", "财务", True),
    ("银行对账", "财务", True),
    ("月末结账检查", "财务", True),
    ("费用报销审批", "财务", True),
    ("销售合同评审", "销售", True),
    ("信用额度审批", "销售", True),
    ("价格与折扣审批", "销售", True),
    ("库存盘点", "仓储", True),
    ("成品出库复核", "仓储", True),
    ("用户权限季度复核", "信息技术", True),
    ("系统变更审批", "信息技术", True),
    ("数据备份检查", "信息技术", False),
    ("薪资计算复核", "人力资源", True),
    ("新员工背景调查", "人力资源", False),
    ("固定资产盘点", "财务", False),
    ("印章使用登记", "行政", False),
    ("合同归档", "行政", False),
    ("质量放行审批", "质量", True),
    ("不合格品处置审批", "质量", True),
    ("危废转移审批", "安全环保", False),
    ("广告发布审批", "市场", True),
)
UNTESTED = {"供应商主数据变更审批": "2025-09-09", "用户权限季度复核": "2025-10-14"}


def controls() -> Dataset:
    """The control catalogue (内部控制清单)."""
    n = len(CONTROLS)
    data = table(
        {
            "control_id": ids("IC", n, 2),
            "control": np.asarray([c[0] for c in CONTROLS]),
            "process": np.asarray([c[1] for c in CONTROLS]),
            "key_control": np.asarray([c[2] for c in CONTROLS]),
        }
    )
    return Dataset("controls", data, key="control_id", title=("内部控制清单", "Controls"))


def control_tests(staff: Staff, rng: np.random.Generator) -> Dataset:
    """Yearly tests of each control; a test counts for twelve months."""
    n = len(CONTROLS)
    names = np.asarray([c[0] for c in CONTROLS])
    first = np.datetime64("2024-11-10") + rng.integers(0, 340, n)
    missed = np.isin(names, list(UNTESTED))
    first[missed] = np.asarray([UNTESTED[c] for c in names[missed]], dtype="datetime64[D]")
    second = first + 365 - rng.integers(3, 25, n)
    control = np.r_[np.arange(n), np.flatnonzero(~missed)]
    tested = np.r_[first, second[~missed]].astype("datetime64[D]")
    order = np.lexsort((control, tested))
    control, tested = control[order], tested[order]
    m = len(control)
    effective = rng.random(m) >= 0.04
    valid = add_months(tested, 12)
    testers = staff.where(position="内控专员")
    data = table(
        {
            "test_id": ids("CT", m, 3),
            "control_id": ids("IC", n, 2)[control],
            "tested_on": tested,
            "tester_id": staff.employee_id[staff.draw(rng, testers, tested)],
            "result": np.where(effective, "有效", "无效"),
            "deficiency": np.where(effective, "无", choose(rng, ("一般缺陷", "重要缺陷"), m, (0.8, 0.2))),
            "valid_until": valid,
        }
    )
    return Dataset("control_tests", data, key="test_id", time="tested_on", title=("控制测试", "Control tests"))


FINDINGS: dict[str, tuple[str, ...]] = {
    "内部审核": ("作业指导书版本未受控", "检验记录填写不完整", "培训记录缺失", "量具校准过期"),
    "外部审核": ("校准记录缺失", "管理评审输入不完整"),
    "客户投诉": ("水泵运行漏水", "包装破损", "说明书型号错误", "配件缺失"),
    "过程检验": ("尺寸超差", "毛刺超标", "表面划伤", "装配扭矩不足"),
    "供应商问题": ("来料尺寸不良", "材质证明缺失", "交付延迟"),
    "安全检查": ("消防通道堵塞", "设备防护罩缺失", "化学品标识不清"),
    "管理评审": ("目标分解不到位", "改进资源不足"),
}
SOURCES = tuple(FINDINGS)
# literal actions that close the loop on the planted problems: (source, finding, owner, opened, due, closed)
STORY: tuple[tuple[str, str, str, str, str, str], ...] = (
    ("客户投诉", "客服北区6月首次响应超时", "客服部", "2026-07-02", "2026-08-15", "2026-08-10"),
    ("过程检验", "CNC-04外径尺寸漂移", "生产部", "2026-10-16", "2026-11-30", ""),
    ("安全检查", "叉车司机证过期未复审", "安全环保部", "2026-09-16", "2026-10-16", ""),
    ("供应商问题", "S014交付延迟", "采购部", "2026-07-20", "2026-09-30", "2026-10-12"),
)


def _story_rows() -> tuple[list[str], list[str], list[str], Days, Days, Days]:
    cols = list(zip(*STORY, strict=True))
    return (
        list(cols[0]),
        list(cols[1]),
        list(cols[2]),
        np.asarray(cols[3], dtype="datetime64[D]"),
        np.asarray(cols[4], dtype="datetime64[D]"),
        np.asarray([c or "NaT" for c in cols[5]], dtype="datetime64[D]"),
    )


def _findings(rng: np.random.Generator, source: Strs) -> Strs:
    """A typical finding for each action's source."""
    out = np.empty(len(source), dtype=object)
    for name, examples in FINDINGS.items():
        rows = np.flatnonzero(source == name)
        out[rows] = np.asarray(examples)[rng.integers(0, len(examples), len(rows))]
    return out.astype(str)


def capa(rng: np.random.Generator) -> Dataset:
    """Corrective and preventive actions (纠正预防措施) with closure and effectiveness verification."""
    n = 136
    source = choose(rng, SOURCES, n, (0.25, 0.08, 0.2, 0.25, 0.1, 0.08, 0.04))
    owner = choose(rng, ("质量部", "生产部", "客服部", "采购部", "信息技术部", "安全环保部", "销售部"), n)
    opened = START - 30 + rng.integers(0, 340, n)
    due = opened + choose(rng, ("30", "45", "60"), n).astype(np.int64)
    late = rng.random(n) < 0.09
    closed = due - rng.integers(0, 15, n) + np.where(late, rng.integers(5, 40, n), 0)
    s_source, s_finding, s_owner, s_opened, s_due, s_closed = _story_rows()
    source, owner = np.r_[source, s_source], np.r_[owner, s_owner]
    finding = np.r_[_findings(rng, source[:n]), s_finding]
    opened, due = np.r_[opened, s_opened].astype("datetime64[D]"), np.r_[due, s_due].astype("datetime64[D]")
    closed = np.r_[closed, s_closed].astype("datetime64[D]")
    open_: Bools = np.isnat(closed) | (closed >= EXTRACTED)
    verified = ~open_ & (rng.random(len(opened)) < 0.98)
    effective = verified & (rng.random(len(opened)) < 0.93)
    order = np.argsort(opened, kind="stable")
    data = table(
        {
            "action_id": ids("CA", len(opened), 4),
            "source": source[order],
            "finding": finding[order],
            "action_type": np.where(rng.random(len(opened)) < 0.75, "纠正措施", "预防措施")[order],
            "owner_department": owner[order],
            "opened_on": opened[order],
            "due_on": due[order],
            "closed_on": nullable(closed[order], open_[order]),
            "root_cause_recorded": (rng.random(len(opened)) >= 0.03)[order],
            "verified": verified[order],
            "effective": effective[order],
        }
    )
    return Dataset("capa", data, key="action_id", time="due_on", title=("纠正预防措施", "Corrective actions"))


def build(staff: Staff, rng: np.random.Generator) -> list[Dataset]:
    """Every governance, risk and compliance dataset."""
    return [
        audits(staff, rng),
        obligations(rng),
        risks(rng),
        risk_treatments(staff, rng),
        controls(),
        control_tests(staff, rng),
        capa(rng),
    ]
