"""Safety: incidents and near misses, and the safety training every shop-floor employee needs each year.

Planted: near misses with forklifts in the warehouse grow after the drivers' certificates lapse (see people.py);
a few incidents are reported late.
"""

from __future__ import annotations

import numpy as np

from guifan.demo.common import (
    END,
    EXTRACTED,
    Dataset,
    Days,
    Ints,
    Strs,
    add_months,
    choose,
    clock,
    day_weights,
    ids,
    minutes,
    nullable,
    pick_days,
    table,
)
from guifan.demo.org import Staff

LOCATIONS = {
    "机加一线": "生产部",
    "机加二线": "生产部",
    "装配线": "生产部",
    "仓库": "生产部",
    "质检室": "质量部",
    "办公区": "总经办",
    "危废暂存间": "安全环保部",
}
TYPES = ("未遂事件", "轻伤", "财产损失", "环境事件")
SHOP_HOURS = np.r_[np.zeros(7), np.full(12, 1.0), np.full(3, 0.4), np.zeros(2)]


def safety_incidents(rng: np.random.Generator) -> Dataset:
    """Safety incidents (安全事件): near misses, minor injuries, damage, environment; reported and investigated."""
    n = 46
    occurred = np.sort(
        pick_days(rng, n, day_weights((1.0,) * 12, 0.3)).astype("datetime64[s]") + clock(rng, n, SHOP_HOURS)
    )
    location = choose(rng, tuple(LOCATIONS), n, (0.25, 0.2, 0.2, 0.15, 0.05, 0.1, 0.05))
    kind = choose(rng, TYPES, n, (0.6, 0.25, 0.1, 0.05))
    forklift = np.asarray(
        ["2026-07-09T10:20:00", "2026-08-21T15:05:00", "2026-09-14T09:40:00", "2026-10-19T14:30:00"],
        dtype="datetime64[s]",
    )
    occurred = np.r_[occurred, forklift]
    location = np.r_[location, np.full(len(forklift), "仓库")]
    kind = np.r_[kind, np.asarray(["未遂事件", "财产损失", "未遂事件", "轻伤"])]
    order = np.argsort(occurred, kind="stable")
    occurred, location, kind = occurred[order], location[order], kind[order]
    m = len(occurred)
    late = rng.random(m) < 0.04
    reported = occurred + minutes(np.where(late, rng.uniform(30, 72, m), rng.uniform(0.2, 6, m)) * 60)
    investigated = reported.astype("datetime64[D]") + np.where(
        rng.random(m) < 0.03, rng.integers(9, 20, m), rng.integers(1, 7, m)
    )
    lost = np.where(kind == "轻伤", rng.integers(0, 6, m), 0)
    data = table(
        {
            "incident_id": ids("SI", m, 3),
            "occurred_at": occurred,
            "location": location,
            "department": np.asarray([LOCATIONS[loc] for loc in location.tolist()]),
            "incident_type": kind,
            "description": np.char.add(location, np.char.add("发生", kind)),
            "lost_days": lost.astype(np.int64),
            "reported_at": reported,
            "investigation_closed_on": nullable(investigated, investigated >= EXTRACTED),
        }
    )
    return Dataset(
        "safety_incidents",
        data,
        key="incident_id",
        time="occurred_at",
        title=("安全事件", "Safety incidents"),
        column_rules={"incident_type": {"values": [*TYPES, "重伤", "死亡"]}},
    )


SHOP_FLOOR = ("生产部", "质量部", "安全环保部")


def safety_trainings(staff: Staff, rng: np.random.Generator) -> Dataset:
    """Safety training (安全教育): the yearly refresher in March and induction (三级安全教育) for new people."""
    floor = np.flatnonzero(np.isin(staff.department, SHOP_FLOOR))
    until = np.where(np.isnat(staff.leave_date), END, staff.leave_date).astype("datetime64[D]")
    person: list[Ints] = []
    day: list[Days] = []
    topic: list[Strs] = []
    for start in ("2025-03-10", "2026-03-09"):
        when = np.datetime64(start) + rng.integers(0, 21, len(floor))
        here = (staff.hire_date[floor] < when) & (when < until[floor])
        person.append(floor[here])
        day.append(when[here])
        topic.append(np.full(int(here.sum()), "年度安全生产培训"))
    new = floor[staff.hire_date[floor] >= np.datetime64("2025-03-01")]
    person.append(new)
    day.append(staff.hire_date[new] + rng.integers(0, 3, len(new)))
    topic.append(np.full(len(new), "三级安全教育"))
    who, when, what = np.concatenate(person), np.concatenate(day).astype("datetime64[D]"), np.concatenate(topic)
    order = np.lexsort((who, when))
    who, when, what = who[order], when[order], what[order]
    valid = add_months(when, 13)
    data = table(
        {
            "training_id": ids("ST", len(who), 4),
            "employee_id": staff.employee_id[who],
            "topic": what,
            "trained_on": when,
            "hours": np.where(what == "三级安全教育", 24, 8).astype(np.int64),
            "passed": np.ones(len(who), dtype=bool),
            "valid_until": valid,
        }
    )
    return Dataset(
        "safety_trainings", data, key="training_id", time="trained_on", title=("安全教育记录", "Safety training")
    )


def build(staff: Staff, rng: np.random.Generator) -> list[Dataset]:
    """Every safety dataset."""
    return [safety_incidents(rng), safety_trainings(staff, rng)]
