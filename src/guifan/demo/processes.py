"""The demo company's process definitions: purchase to pay (PR-001) and customer complaint handling (CS-003).

Activity names are exactly those of the event logs (``p2p_events``, ``complaint_events``), and the step limits
are the ones the standards' ``sequence`` checks measure (PR-003.2, CS-003.1, CS-003.4); definitions are
documentation and responsibilities, so adding them changes no result.
"""

from __future__ import annotations

from typing import Any


def _step(
    activity: str,
    name_en: str,
    kind: str,
    role: str,
    accountable: str,
    *,
    limit: str | None = None,
    consulted: tuple[str, ...] = (),
    informed: tuple[str, ...] = (),
    sop: str | None = None,
    optional: bool = False,
) -> dict[str, Any]:
    raci: dict[str, Any] = {"A": [accountable]}
    if consulted:
        raci["C"] = list(consulted)
    if informed:
        raci["I"] = list(informed)
    step: dict[str, Any] = {"activity": activity, "type": kind, "name_en": name_en, "role": role}
    if limit:
        step["limit"] = limit
    if optional:
        step["optional"] = True
    step["raci"] = raci
    if sop:
        step["sop"] = sop
    return step


def purchase_to_pay() -> dict[str, Any]:
    steps = [
        _step("创建采购申请", "Create requisition", "start", "申请人", "部门经理",
              sop="在ERP填写物料、数量、预算科目和需求日期，附报价或技术要求。"),
        _step("审批采购申请", "Approve requisition", "supervise", "部门经理", "采购经理", limit="3d",
              sop="核对预算与必要性；部门经理本人的申请由分管副总审批，任何人不得审批本人的申请。"),
        _step("创建采购订单", "Create purchase order", "execute", "采购专员", "采购经理", limit="5d",
              informed=("申请人",), sop="向合格供应商下单；采购专员不得为本人提交的申请下单。"),
        _step("收货", "Receive goods", "execute", "仓管员", "生产经理", informed=("采购专员",),
              sop="核对送货单、数量与外观，在ERP登记收货。"),
        _step("收到发票", "Receive invoice", "execute", "会计", "财务经理"),
        _step("三单匹配", "Three-way match", "supervise", "会计", "财务经理", consulted=("采购专员",),
              sop="订单、收货单、发票三单的数量与金额一致后方可付款。"),
        _step("付款", "Pay supplier", "end", "出纳", "财务经理", informed=("采购专员",),
              sop="按付款条件在到期日前付款。"),
    ]  # fmt: skip
    return {
        "id": "P2P",
        "name": {"zh": "采购到付款", "en": "Purchase to pay"},
        "standard": "PR-001",
        "owner": "采购部",
        "dataset": "p2p_events",
        "limit": "30d",
        "clock": "business",
        "calendar": "cn-office",
        "sop": {
            "zh": "申请人提交采购申请，部门经理审批后由采购专员下单；仓库收货，会计三单匹配，出纳按付款条件付款。"
            "申请、审批、下单须由三个不同的人执行。",
            "en": "The requester raises a requisition; once the department head approved it a buyer orders; the "
            "warehouse receives, an accountant matches order, receipt and invoice, and a cashier pays on terms. "
            "Requesting, approving and ordering are done by three different people.",
        },
        "steps": steps,
    }


def complaint_handling() -> dict[str, Any]:
    steps = [
        _step("登记投诉", "Register complaint", "start", "客服专员", "客服主管",
              sop="接待工单的客服专员在CRM登记投诉，写明客户诉求与严重程度。"),
        _step("分派", "Assign handler", "supervise", "客服主管", "客服经理", limit="4h",
              sop="主管指定处理人；重大投诉可由主管亲自处理。"),
        _step("首次联系客户", "First contact", "execute", "客服专员", "客服主管", limit="1d"),
        _step("调查", "Investigate", "execute", "客服专员", "客服主管", consulted=("质量经理",)),
        _step("提出处理方案", "Propose resolution", "execute", "客服专员", "客服主管"),
        _step("赔付审批", "Approve compensation", "supervise", "客服主管", "客服经理", optional=True,
              sop="审批人不得是方案提出人；主管亲自处理的投诉由其他区域主管审批。"),
        _step("赔付", "Pay compensation", "execute", "出纳", "财务经理", informed=("客服主管",), optional=True),
        _step("客户确认", "Customer confirms", "execute", "客服专员", "客服主管"),
        _step("关闭", "Close", "execute", "客服专员", "客服主管", sop="客户确认处理结果后方可关闭。"),
        _step("回访", "Call back", "end", "客服质检专员", "客服经理", limit="7d", informed=("客服主管",)),
    ]  # fmt: skip
    return {
        "id": "COMPLAINT",
        "name": {"zh": "客户投诉处理", "en": "Customer complaint handling"},
        "standard": "CS-003",
        "owner": "客服部",
        "dataset": "complaint_events",
        "limit": "15d",
        "clock": "business",
        "calendar": "cn-office",
        "sop": {
            "zh": "见CS-003《客户投诉处理程序》：登记、分派、首次联系、调查与方案、赔付审批与支付、"
            "客户确认、关闭、回访。",
            "en": "See CS-003, the customer complaint handling procedure: register, assign, first contact, "
            "investigation and resolution, compensation approved then paid, customer confirmation, closure, "
            "call back.",
        },
        "steps": steps,
    }


def all_processes() -> list[dict[str, Any]]:
    """Every process definition of the demo pack, as pack.yaml writes it."""
    return [purchase_to_pay(), complaint_handling()]
