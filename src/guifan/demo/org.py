"""Organisation of 示例公司: org units, positions, employees and the RACI matrix."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from guifan.demo.common import START, Bools, Dataset, Days, Ints, Strs, choose, ids, nullable, table
from guifan.demo.names import person_names

COMPANY = "示例公司"

# (department, English name, head position)
DEPARTMENTS: tuple[tuple[str, str, str], ...] = (
    ("总经办", "General Manager's Office", "总经理"),
    ("客服部", "Customer Service", "客服经理"),
    ("销售部", "Sales", "销售总监"),
    ("市场部", "Marketing", "市场经理"),
    ("生产部", "Production", "生产经理"),
    ("质量部", "Quality", "质量经理"),
    ("采购部", "Purchasing", "采购经理"),
    ("信息技术部", "Information Technology", "IT经理"),
    ("财务部", "Finance", "财务经理"),
    ("人力资源部", "Human Resources", "人力资源经理"),
    ("安全环保部", "Safety and Environment", "安全环保经理"),
)

# (team, English name, department, lead position)
TEAMS: tuple[tuple[str, str, str, str], ...] = (
    ("客服北区", "Service North", "客服部", "客服主管"),
    ("客服南区", "Service South", "客服部", "客服主管"),
    ("客服东区", "Service East", "客服部", "客服主管"),
    ("电商运营组", "E-commerce", "销售部", "电商主管"),
    ("华东大区", "East China", "销售部", "大区经理"),
    ("华北大区", "North China", "销售部", "大区经理"),
    ("华南大区", "South China", "销售部", "大区经理"),
    ("机加一线", "Machining line 1", "生产部", "班组长"),
    ("机加二线", "Machining line 2", "生产部", "班组长"),
    ("装配线", "Assembly line", "生产部", "班组长"),
    ("仓储物流组", "Warehouse and logistics", "生产部", "仓储主管"),
    ("设备维修组", "Maintenance", "生产部", "维修主管"),
)

# (department, team, position, active, departed during the year, vacancies at year end)
STAFFING: tuple[tuple[str, str, str, int, int, int], ...] = (
    ("总经办", "", "总经理", 1, 0, 0),
    ("总经办", "", "副总经理", 2, 0, 0),
    ("总经办", "", "行政助理", 1, 0, 0),
    ("客服部", "", "客服经理", 1, 0, 0),
    ("客服部", "", "客服质检专员", 2, 0, 0),
    ("客服部", "客服北区", "客服主管", 1, 0, 0),
    ("客服部", "客服北区", "客服专员", 10, 5, 3),
    ("客服部", "客服南区", "客服主管", 1, 0, 0),
    ("客服部", "客服南区", "客服专员", 13, 2, 0),
    ("客服部", "客服东区", "客服主管", 1, 0, 0),
    ("客服部", "客服东区", "客服专员", 13, 2, 0),
    ("销售部", "", "销售总监", 1, 0, 0),
    ("销售部", "电商运营组", "电商主管", 1, 0, 0),
    ("销售部", "电商运营组", "电商运营", 7, 1, 0),
    ("销售部", "华东大区", "大区经理", 1, 0, 0),
    ("销售部", "华东大区", "销售代表", 8, 2, 0),
    ("销售部", "华北大区", "大区经理", 1, 0, 0),
    ("销售部", "华北大区", "销售代表", 6, 1, 0),
    ("销售部", "华南大区", "大区经理", 1, 0, 0),
    ("销售部", "华南大区", "销售代表", 6, 1, 0),
    ("市场部", "", "市场经理", 1, 0, 0),
    ("市场部", "", "品牌经理", 1, 0, 0),
    ("市场部", "", "市场专员", 6, 1, 0),
    ("市场部", "", "设计师", 4, 0, 0),
    ("生产部", "", "生产经理", 1, 0, 0),
    ("生产部", "机加一线", "班组长", 1, 0, 0),
    ("生产部", "机加一线", "操作工", 28, 4, 0),
    ("生产部", "机加二线", "班组长", 1, 0, 0),
    ("生产部", "机加二线", "操作工", 26, 3, 1),
    ("生产部", "装配线", "班组长", 1, 0, 0),
    ("生产部", "装配线", "操作工", 30, 4, 0),
    ("生产部", "仓储物流组", "仓储主管", 1, 0, 0),
    ("生产部", "仓储物流组", "叉车司机", 8, 1, 0),
    ("生产部", "仓储物流组", "仓管员", 5, 0, 0),
    ("生产部", "设备维修组", "维修主管", 1, 0, 0),
    ("生产部", "设备维修组", "电工", 6, 0, 0),
    ("生产部", "设备维修组", "机修工", 2, 0, 0),
    ("质量部", "", "质量经理", 1, 0, 0),
    ("质量部", "", "质量工程师", 5, 0, 0),
    ("质量部", "", "质检员", 12, 2, 0),
    ("质量部", "", "体系专员", 2, 0, 0),
    ("采购部", "", "采购经理", 1, 0, 0),
    ("采购部", "", "采购专员", 8, 1, 0),
    ("采购部", "", "供应商管理专员", 2, 0, 0),
    ("信息技术部", "", "IT经理", 1, 0, 0),
    ("信息技术部", "", "IT工程师", 6, 1, 0),
    ("信息技术部", "", "信息安全专员", 2, 0, 0),
    ("信息技术部", "", "数据分析师", 2, 0, 0),
    ("财务部", "", "财务经理", 1, 0, 0),
    ("财务部", "", "会计", 6, 1, 0),
    ("财务部", "", "出纳", 2, 0, 0),
    ("财务部", "", "内控专员", 2, 0, 0),
    ("人力资源部", "", "人力资源经理", 1, 0, 0),
    ("人力资源部", "", "人事专员", 4, 0, 0),
    ("人力资源部", "", "培训专员", 2, 0, 0),
    ("安全环保部", "", "安全环保经理", 1, 0, 0),
    ("安全环保部", "", "安全员", 4, 0, 0),
    ("安全环保部", "", "环保专员", 1, 0, 0),
)

LEADS = frozenset(lead for *_, lead in TEAMS) | frozenset(head for *_, head in DEPARTMENTS)


@dataclass(frozen=True)
class Staff:
    """The employees as columns; other areas draw requesters, agents and owners from it."""

    employee_id: Strs
    name: Strs
    department: Strs
    team: Strs
    position: Strs
    manager_id: Strs
    hire_date: Days
    leave_date: Days  # NaT while employed
    active: Bools

    def where(
        self,
        *,
        position: str | None = None,
        department: str | None = None,
        team: str | None = None,
        active: bool | None = None,
    ) -> Ints:
        """Indices of the employees matching every given attribute."""
        mask = np.ones(len(self.employee_id), dtype=bool)
        if position is not None:
            mask &= self.position == position
        if department is not None:
            mask &= self.department == department
        if team is not None:
            mask &= self.team == team
        if active is not None:
            mask &= self.active == active
        return np.flatnonzero(mask)

    def head_of(self, department: str) -> str:
        """Employee id of a department's head."""
        head = next(h for d, _, h in DEPARTMENTS if d == department)
        return str(self.employee_id[self.where(position=head, department=department)[0]])

    def draw(self, rng: np.random.Generator, pool: Ints, days: Days) -> Ints:
        """For each day, someone from ``pool`` who was employed that day (redrawn a few times if not)."""
        pick = pool[rng.integers(0, len(pool), len(days))]
        for _ in range(10):
            bad = np.flatnonzero(~self.employed_on(pick, days))
            if len(bad) == 0:
                break
            pick[bad] = pool[rng.integers(0, len(pool), len(bad))]
        return pick

    def employed_on(self, index: Ints, days: Days) -> Bools:
        """Whether employee ``index[i]`` was employed on ``days[i]``."""
        hired = self.hire_date[index] <= days
        left = self.leave_date[index]
        return hired & (np.isnat(left) | (days < left))


def _spec_columns() -> tuple[Strs, Strs, Strs, Bools]:
    """One entry per person in STAFFING: department, team, position, and whether they left."""
    rows = [(d, t, p, n, left) for d, t, p, n, left, _ in STAFFING]
    counts = np.array([n + left for *_, n, left in rows])
    dept = np.repeat([r[0] for r in rows], counts)
    team = np.repeat([r[1] for r in rows], counts)
    position = np.repeat([r[2] for r in rows], counts)
    departed = np.concatenate([np.r_[np.zeros(n, bool), np.ones(left, bool)] for *_, n, left in rows])
    return dept, team, position, departed


def _hire_and_leave(rng: np.random.Generator, position: Strs, departed: Bools) -> tuple[Days, Days]:
    """Hire dates, all before the demo year (leaders longer ago), and leave dates for those who left during it.

    Nobody joins during the year on purpose: a coverage check counts everyone on the payroll today, so a person
    hired in March would show as untrained when January is evaluated.
    """
    n = len(position)
    lead = np.isin(position, list(LEADS))
    years = np.where(lead, rng.uniform(4, 14, n), rng.exponential(3.5, n))
    hire = (START - 14 - np.round(years * 365.25).astype(np.int64)).astype("datetime64[D]")
    hire = np.maximum(hire, np.datetime64("2008-03-01"))
    leave_offset = rng.integers(20, 340, n)
    leave = np.where(departed, START + leave_offset, np.datetime64("NaT")).astype("datetime64[D]")
    too_late = departed & (hire > leave - 120)
    hire[too_late] = np.minimum(leave[too_late] - rng.integers(120, 1500, int(too_late.sum())), START - 14)
    return hire, leave


def _north_departures(staff_team: Strs, position: Strs, departed: Bools, leave: Days) -> Days:
    """The north service team lost its people in spring 2026, just before the 618 peak."""
    north = np.flatnonzero((staff_team == "客服北区") & (position == "客服专员") & departed)
    spring = np.array(["2026-03-06", "2026-03-27", "2026-04-17", "2026-05-08", "2026-05-22"], dtype="datetime64[D]")
    leave = leave.copy()
    leave[north] = spring[: len(north)]
    return leave


def _managers(staff_id: Strs, dept: Strs, team: Strs, position: Strs, active: Bools) -> Strs:
    """Each person's manager: the team lead, else the department head, else the general manager."""
    heads = {d: h for d, _, h in DEPARTMENTS}
    leads = {t: lead for t, _, _, lead in TEAMS}
    by_role: dict[tuple[str, str, str], str] = {}
    for i in np.flatnonzero(active & np.isin(position, list(LEADS))):
        by_role[(str(dept[i]), str(team[i]), str(position[i]))] = str(staff_id[i])
    gm = by_role[("总经办", "", "总经理")]
    out = []
    for d, t, p in zip(dept.tolist(), team.tolist(), position.tolist(), strict=True):
        if p == "总经理":
            out.append("")
        elif t and p != leads[t]:
            out.append(by_role[(d, t, leads[t])])
        elif p != heads[d] or d == "总经办":
            out.append(by_role.get((d, "", heads[d]), gm))
        else:
            out.append(gm)
    return np.asarray(out)


def build_staff(rng: np.random.Generator) -> Staff:
    """About 300 employees, numbered in the order they were hired."""
    dept, team, position, departed = _spec_columns()
    hire, leave = _hire_and_leave(rng, position, departed)
    leave = _north_departures(team, position, departed, leave)
    order = np.lexsort((position, hire))
    dept, team, position, departed = dept[order], team[order], position[order], departed[order]
    hire, leave = hire[order], leave[order]
    staff_id = ids("E", len(dept), 4)
    active = ~departed
    names = person_names(rng, len(dept))
    managers = _managers(staff_id, dept, team, position, active)
    return Staff(staff_id, names, dept, team, position, managers, hire, leave, active)


def employees(staff: Staff, rng: np.random.Generator) -> Dataset:
    """The HR master data (员工花名册)."""
    n = len(staff.employee_id)
    phone = np.char.add(
        np.char.add("1", choose(rng, ("3", "5", "7", "8", "9"), n)),
        np.char.zfill(rng.integers(0, 10**9, n).astype(str), 9),
    )
    gender = choose(rng, ("男", "女"), n, (0.55, 0.45))
    data = table(
        {
            "employee_id": staff.employee_id,
            "name": staff.name,
            "gender": gender,
            "department": staff.department,
            "team": nullable(staff.team, staff.team == ""),
            "position": staff.position,
            "manager_id": nullable(staff.manager_id, staff.manager_id == ""),
            "hire_date": staff.hire_date,
            "leave_date": nullable(staff.leave_date, np.isnat(staff.leave_date)),
            "active": staff.active,
            "phone": phone,
            "email": np.char.add(np.char.lower(staff.employee_id), "@shili-demo.cn"),
        }
    )
    return Dataset(
        "employees",
        data,
        key="employee_id",
        title=("员工花名册", "Employees"),
        column_rules={"department": {"values": [d for d, _, _ in DEPARTMENTS]}},
    )


def org_units(staff: Staff) -> Dataset:
    """Company, departments and teams with their heads and planned and actual headcount."""
    plan: dict[str, int] = {}
    for d, t, _, n, _, vacant in STAFFING:
        plan[d] = plan.get(d, 0) + n + vacant
        if t:
            plan[t] = plan.get(t, 0) + n + vacant
    actual_dept = {d: int(((staff.department == d) & staff.active).sum()) for d, _, _ in DEPARTMENTS}
    actual_team = {t: int(((staff.team == t) & staff.active).sum()) for t, *_ in TEAMS}
    rows: list[tuple[str, str, str, str, str, str, int, int]] = [
        (
            "U00",
            COMPANY,
            "Demo Company",
            "公司",
            "",
            staff.head_of("总经办"),
            sum(plan[d] for d, *_ in DEPARTMENTS),
            int(staff.active.sum()),
        ),
    ]
    for i, (d, en, _) in enumerate(DEPARTMENTS, start=1):
        rows.append((f"U{i:02d}", d, en, "部门", "U00", staff.head_of(d), plan[d], actual_dept[d]))
    dept_unit = {r[1]: r[0] for r in rows}
    for j, (t, en, d, lead) in enumerate(TEAMS, start=1):
        head = staff.employee_id[staff.where(team=t, position=lead, active=True)[0]]
        rows.append((f"U{20 + j:02d}", t, en, "团队", dept_unit[d], str(head), plan[t], actual_team[t]))
    cols = list(zip(*rows, strict=True))
    data = table(
        {
            "unit_id": np.asarray(cols[0]),
            "name": np.asarray(cols[1]),
            "name_en": np.asarray(cols[2]),
            "unit_type": np.asarray(cols[3]),
            "parent_id": nullable(np.asarray(cols[4]), np.asarray(cols[4]) == ""),
            "head_employee_id": np.asarray(cols[5]),
            "headcount_plan": np.asarray(cols[6], dtype=np.int64),
            "headcount_actual": np.asarray(cols[7], dtype=np.int64),
        }
    )
    return Dataset(
        "org_units",
        data,
        key="unit_id",
        title=("组织单元", "Org units"),
        column_rules={"unit_type": {"values": ["公司", "部门", "团队"]}},
    )


def positions(staff: Staff) -> Dataset:
    """Positions (岗位) with their department and planned and actual headcount."""
    plan: dict[tuple[str, str], int] = {}
    for d, _, p, n, _, vacant in STAFFING:
        plan[(d, p)] = plan.get((d, p), 0) + n + vacant
    keys = list(plan)
    actual = [int(((staff.department == d) & (staff.position == p) & staff.active).sum()) for d, p in keys]
    leader = np.asarray([p in LEADS for _, p in keys])
    data = table(
        {
            "position_id": ids("P", len(keys), 3),
            "position": np.asarray([p for _, p in keys]),
            "department": np.asarray([d for d, _ in keys]),
            "is_manager": leader,
            "headcount_plan": np.asarray(list(plan.values()), dtype=np.int64),
            "headcount_actual": np.asarray(actual, dtype=np.int64),
        }
    )
    return Dataset("positions", data, key="position_id", title=("岗位", "Positions"))


# (item, process area, assignments "R:position;A:position;..."). Supplier admission has two accountables.
RACI: tuple[tuple[str, str, str], ...] = (
    ("采购申请审批", "采购", "R:采购专员;A:采购经理;C:财务经理;I:生产经理"),
    ("供应商准入审批", "采购", "R:供应商管理专员;A:采购经理;A:质量经理;C:财务经理;I:生产经理"),
    ("供应商绩效评价", "采购", "R:供应商管理专员;A:采购经理;C:质量工程师;I:生产经理"),
    ("付款审批", "财务", "R:会计;A:财务经理;C:采购经理;I:出纳"),
    ("客户投诉处理", "客服", "R:客服专员;A:客服经理;C:质量工程师;I:销售总监"),
    ("客户满意度调查", "客服", "R:客服质检专员;A:客服经理;I:市场经理"),
    ("来料检验", "质量", "R:质检员;A:质量经理;C:采购专员;I:仓储主管"),
    ("过程检验与SPC", "质量", "R:质量工程师;A:质量经理;C:班组长;I:生产经理"),
    ("纠正预防措施管理", "质量", "R:质量工程师;A:质量经理;C:体系专员;I:总经理"),
    ("内部审核", "质量", "R:体系专员;A:质量经理;C:内控专员;I:总经理"),
    ("生产计划排程", "生产", "R:班组长;A:生产经理;C:采购经理;I:销售总监"),
    ("设备维护保养", "生产", "R:机修工;A:维修主管;C:电工;I:安全员"),
    ("特种作业持证管理", "安全", "R:安全员;A:安全环保经理;C:人事专员;I:生产经理"),
    ("安全事故调查", "安全", "R:安全员;A:安全环保经理;C:生产经理;I:总经理"),
    ("员工培训计划", "人力资源", "R:培训专员;A:人力资源经理;C:生产经理;I:总经理"),
    ("绩效考核", "人力资源", "R:人事专员;A:人力资源经理;C:财务经理;I:总经理"),
    ("系统访问权限审查", "信息技术", "R:信息安全专员;A:IT经理;C:内控专员;I:财务经理"),
    ("信息系统维护", "信息技术", "R:IT工程师;A:IT经理;I:数据分析师"),
    ("数据质量管理", "信息技术", "R:数据分析师;A:IT经理;C:销售总监;I:客服经理"),
    ("预算编制与控制", "财务", "R:会计;A:财务经理;C:销售总监;I:总经理"),
    ("内控测试", "财务", "R:内控专员;A:财务经理;C:体系专员;I:总经理"),
    ("风险登记与评估", "风险", "R:内控专员;A:副总经理;C:财务经理;I:总经理"),
    ("合规义务评估", "风险", "R:内控专员;A:副总经理;C:安全环保经理;I:总经理"),
    ("品牌物料审核", "市场", "R:设计师;A:品牌经理;C:市场经理;I:销售总监"),
    ("电商订单发货", "销售", "R:电商运营;A:电商主管;C:仓储主管;I:客服经理"),
    ("经营目标分解", "经营", "R:财务经理;A:总经理;C:销售总监;I:市场经理"),
)


def raci() -> Dataset:
    """The responsibility assignment matrix in long form: one row per item, position and letter."""
    rows = [
        (f"A{i:02d}", item, area, part.split(":")[1], part.split(":")[0])
        for i, (item, area, parts) in enumerate(RACI, start=1)
        for part in parts.split(";")
    ]
    dept_of = {p: d for d, _, p, *_ in STAFFING}
    cols = list(zip(*rows, strict=True))
    data = table(
        {
            "assignment_id": ids("RA", len(rows), 3),
            "item_id": np.asarray(cols[0]),
            "item": np.asarray(cols[1]),
            "process_area": np.asarray(cols[2]),
            "position": np.asarray(cols[3]),
            "department": np.asarray([dept_of[p] for p in cols[3]]),
            "raci": np.asarray(cols[4]),
        }
    )
    return Dataset(
        "raci",
        data,
        key="assignment_id",
        title=("职责分配矩阵 (RACI)", "RACI assignments"),
        column_rules={"raci": {"values": ["R", "A", "C", "I"]}},
    )


def build(staff: Staff, rng: np.random.Generator) -> list[Dataset]:
    """Every organisation dataset."""
    return [org_units(staff), positions(staff), employees(staff, rng), raci()]
