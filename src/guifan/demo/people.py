"""People: training records, certificates and performance appraisals.

Planted: in 生产部 five forklift drivers' and three electricians' certificates expire between May and July 2026
and nobody renews them; about one employee in twenty-five misses the 2026 information security course; a few
appraisal grades do not match their scores (a manager's override).
"""

from __future__ import annotations

import numpy as np

from guifan.demo.common import (
    END,
    START,
    Dataset,
    Days,
    Floats,
    Ints,
    Strs,
    add_months,
    ids,
    nullable,
    table,
)
from guifan.demo.org import Staff

# (course id, name, positions it is for ("" = everyone), months a completion stays valid (0 = for good))
COURSES: tuple[tuple[str, str, str, int], ...] = (
    ("ONB-001", "新员工入职培训", "", 0),
    ("SEC-100", "信息安全意识培训", "", 12),
    ("CS-101", "客户服务基础", "客服专员 客服主管", 0),
    ("QA-201", "SPC与测量系统分析", "质检员 质量工程师", 24),
    ("SAL-110", "产品知识与销售技巧", "销售代表 电商运营 大区经理", 12),
    ("FIN-120", "反舞弊与内部控制", "会计 出纳 内控专员 财务经理", 12),
    ("LEAN-101", "精益生产基础", "操作工 班组长", 0),
)
PASS_MARK = 70


def _audience(staff: Staff, positions: str) -> Ints:
    """Employees a course is for."""
    if not positions:
        return np.arange(len(staff.employee_id))
    return np.flatnonzero(np.isin(staff.position, positions.split()))


def _employed_until(staff: Staff) -> Days:
    return np.where(np.isnat(staff.leave_date), END, staff.leave_date).astype("datetime64[D]")


def _at_hire(staff: Staff, people: Ints, rng: np.random.Generator) -> tuple[Ints, Days]:
    """Completion within two weeks of joining."""
    return people, staff.hire_date[people] + rng.integers(2, 14, len(people))


def _campaigns(
    staff: Staff, people: Ints, rng: np.random.Generator, starts: tuple[str, ...], skip: float
) -> tuple[Ints, Days]:
    """Campaigns: everyone employed completes within six weeks, except a share ``skip`` during the demo year;
    people who join after the first campaign take the course within a month of joining."""
    joined = people[staff.hire_date[people] > np.datetime64(starts[0])]
    who: list[Ints] = [joined]
    when: list[Days] = [staff.hire_date[joined] + rng.integers(5, 30, len(joined))]
    slot = rng.integers(0, 42, len(people))  # everyone takes the course at the same point of each campaign
    for start in starts:
        day = np.datetime64(start) + slot
        employed = (staff.hire_date[people] < day) & (day < _employed_until(staff)[people])
        done = employed & (rng.random(len(people)) >= (skip if day.min() >= START else 0.0))
        who.append(people[done])
        when.append(day[done])
    return np.concatenate(who), np.concatenate(when).astype("datetime64[D]")


def _sessions(staff: Staff, people: Ints, rng: np.random.Generator, share: float) -> tuple[Ints, Days]:
    """Classes spread over the year for a share of the audience employed at the time."""
    chosen = people[rng.random(len(people)) < share]
    day = START + rng.integers(0, 360, len(chosen))
    ok = (staff.hire_date[chosen] < day) & (day < _employed_until(staff)[chosen])
    return chosen[ok], day[ok].astype("datetime64[D]")


def _completions(staff: Staff, rng: np.random.Generator) -> tuple[Ints, Ints, Days]:
    """(course index, employee index, completion day) of every first attempt."""
    plans = {
        "ONB-001": lambda p: _at_hire(staff, p, rng),
        "SEC-100": lambda p: _campaigns(staff, p, rng, ("2025-03-03", "2026-03-02"), 0.04),
        "CS-101": lambda p: _at_hire(staff, p, rng),
        "QA-201": lambda p: _campaigns(staff, p, rng, ("2024-11-04", "2026-09-07"), 0.0),
        "SAL-110": lambda p: _campaigns(staff, p, rng, ("2025-06-02", "2026-06-01"), 0.05),
        "FIN-120": lambda p: _campaigns(staff, p, rng, ("2024-11-10", "2025-11-10"), 0.0),
        "LEAN-101": lambda p: _sessions(staff, p, rng, 0.8),
    }
    courses, people, days = [], [], []
    for index, (course_id, _, positions, _) in enumerate(COURSES):
        who, when = plans[course_id](_audience(staff, positions))
        courses.append(np.full(len(who), index))
        people.append(who)
        days.append(when)
    return np.concatenate(courses), np.concatenate(people), np.concatenate(days).astype("datetime64[D]")


def training_records(staff: Staff, rng: np.random.Generator) -> Dataset:
    """Training records (培训记录): exam score, passed, and until when a completion counts."""
    course, person, day = _completions(staff, rng)
    score = np.clip(np.round(85 + 7 * rng.standard_normal(len(course))), 35, 100)
    failed = score < PASS_MARK
    # whoever failed retakes the exam one to three weeks later and passes
    course = np.r_[course, course[failed]]
    person = np.r_[person, person[failed]]
    day = np.r_[day, day[failed] + rng.integers(7, 21, int(failed.sum()))].astype("datetime64[D]")
    score = np.r_[score, np.clip(np.round(80 + 6 * rng.standard_normal(int(failed.sum()))), PASS_MARK, 100)]
    order = np.lexsort((person, day))
    course, person, day, score = course[order], person[order], day[order], score[order]
    months = np.asarray([c[3] for c in COURSES])[course]
    valid = np.where(months > 0, add_months(day, months) + 14, day)
    data = table(
        {
            "record_id": ids("TR", len(course), 5),
            "employee_id": staff.employee_id[person],
            "course_id": np.asarray([c[0] for c in COURSES])[course],
            "course": np.asarray([c[1] for c in COURSES])[course],
            "completed_on": day,
            "score": score.astype(np.int64),
            "passed": score >= PASS_MARK,
            "valid_until": nullable(valid, months == 0),
        }
    )
    return Dataset(
        "training_records",
        data,
        key="record_id",
        time="completed_on",
        title=("培训记录", "Training records"),
        column_rules={"score": {"min": 0, "max": 100}},
    )


# (certificate, issuer, positions, years valid)
CERTIFICATES: tuple[tuple[str, str, str, int], ...] = (
    ("叉车司机证(N1)", "上海市市场监督管理局", "叉车司机", 4),
    ("低压电工作业证", "上海市应急管理局", "电工", 6),
    ("安全生产管理人员证", "上海市应急管理局", "安全员 安全环保经理", 3),
    ("ISO 9001 内审员证", "中国质量认证中心", "体系专员 质量工程师", 3),
)
LAPSING = {"叉车司机证(N1)": 5, "低压电工作业证": 3}  # how many lapse in mid-2026 without renewal


def _lapse_dates(rng: np.random.Generator, k: int) -> Days:
    return np.datetime64("2026-05-18") + np.sort(rng.choice(np.arange(0, 60), size=k, replace=False))


def _certificate_rows(staff: Staff, rng: np.random.Generator) -> tuple[Ints, Ints, Days, Days]:
    """(certificate index, employee index, issued, expires): a current one per holder, renewals where due."""
    kinds, people, issued, expires = [], [], [], []
    for index, (_, _, positions, years) in enumerate(CERTIFICATES):
        holders = np.flatnonzero(np.isin(staff.position, positions.split()) & staff.active)
        expiry = np.datetime64("2027-01-15") + rng.integers(0, 365 * years - 400, len(holders))
        lapse = LAPSING.get(CERTIFICATES[index][0], 0)
        expiry[:lapse] = _lapse_dates(rng, lapse)
        span = np.asarray(years * 365, dtype="timedelta64[D]")
        start = expiry - span
        # a certificate that expired during the year and was renewed leaves two records
        renewed = (start > START) & (np.arange(len(holders)) >= lapse)
        old_expiry = start[renewed] + rng.integers(1, 20, int(renewed.sum()))
        kinds += [np.full(len(holders), index), np.full(int(renewed.sum()), index)]
        people += [holders, holders[renewed]]
        issued += [start.astype("datetime64[D]"), (old_expiry - span).astype("datetime64[D]")]
        expires += [expiry.astype("datetime64[D]"), old_expiry.astype("datetime64[D]")]
    return np.concatenate(kinds), np.concatenate(people), np.concatenate(issued), np.concatenate(expires)


def certificates(staff: Staff, rng: np.random.Generator) -> Dataset:
    """Certificates (资质证书) with issue and expiry dates."""
    kind, person, issued, expires = _certificate_rows(staff, rng)
    order = np.lexsort((person, issued))
    kind, person, issued, expires = kind[order], person[order], issued[order], expires[order]
    n = len(kind)
    data = table(
        {
            "certificate_id": ids("C", n, 4),
            "employee_id": staff.employee_id[person],
            "certificate": np.asarray([c[0] for c in CERTIFICATES])[kind],
            "certificate_no": np.char.add("31", np.char.zfill(rng.integers(0, 10**10, n).astype(str), 10)),
            "issuer": np.asarray([c[1] for c in CERTIFICATES])[kind],
            "issued_on": issued,
            "expires_on": expires,
        }
    )
    return Dataset("certificates", data, key="certificate_id", time="issued_on", title=("资质证书", "Certificates"))


CYCLES = (("2025年度", "2026-01-12", "2025-10-01"), ("2026上半年", "2026-07-06", "2026-04-01"))
WEIGHTS = {"客服部": (0.3, 0.3, 0.4), "生产部": (0.5, 0.4, 0.1), "销售部": (0.5, 0.2, 0.3)}


def _weights(department: Strs) -> Floats:
    """KPI weights (efficiency, quality, satisfaction) per person, by department."""
    distinct, inverse = np.unique(department, return_inverse=True)
    return np.asarray([WEIGHTS.get(str(d), (0.4, 0.4, 0.2)) for d in distinct])[inverse]


def _grades(total: Floats) -> Strs:
    return np.select([total >= 90, total >= 80, total >= 70, total >= 60], ["S", "A", "B", "C"], "D")


def appraisals(staff: Staff, rng: np.random.Generator) -> Dataset:
    """Performance appraisals (绩效考核): three KPI scores, weighted total, grade and the employee's sign-off."""
    parts: list[tuple[str, Ints, Days]] = []
    for name, opens, hired_by in CYCLES:
        start = np.datetime64(opens)
        due = np.flatnonzero((staff.hire_date <= np.datetime64(hired_by)) & (_employed_until(staff) > start + 20))
        parts.append((name, due, start + rng.integers(0, 18, len(due))))
    cycle = np.concatenate([np.full(len(w), c) for c, w, _ in parts])
    person = np.concatenate([w for _, w, _ in parts])
    day = np.concatenate([d for *_, d in parts]).astype("datetime64[D]")
    n = len(person)
    ability = rng.normal(0, 5, len(staff.employee_id))[person]
    scores = np.clip(np.round(78 + ability[:, None] + 6 * rng.standard_normal((n, 3)), 1), 40, 100)
    total = np.round((_weights(staff.department[person]) * scores).sum(axis=1), 1)
    grade = _grades(total)
    override = rng.random(n) < 0.012
    grade = np.where(override, np.select([grade == "A", grade == "B", grade == "C"], ["S", "A", "B"], grade), grade)
    unsigned = rng.random(n) < 0.03
    confirmed = day + rng.integers(1, 12, n)
    data = table(
        {
            "appraisal_id": ids("PA", n, 4),
            "cycle": cycle,
            "employee_id": staff.employee_id[person],
            "department": staff.department[person],
            "efficiency_score": scores[:, 0],
            "quality_score": scores[:, 1],
            "satisfaction_score": scores[:, 2],
            "total_score": total,
            "grade": grade,
            "appraised_on": day,
            "reviewer_id": staff.manager_id[person],
            "confirmed_on": nullable(confirmed.astype("datetime64[D]"), unsigned),
        }
    )
    return Dataset(
        "appraisals",
        data,
        key="appraisal_id",
        time="appraised_on",
        title=("绩效考核", "Appraisals"),
        column_rules={"grade": {"values": ["S", "A", "B", "C", "D"]}},
    )


def build(staff: Staff, rng: np.random.Generator) -> list[Dataset]:
    """Training, certificates and appraisals."""
    return [training_records(staff, rng), certificates(staff, rng), appraisals(staff, rng)]
