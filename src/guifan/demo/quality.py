"""Quality: dimensional inspections on the CNC machines, production lots and the defects found in them.

Planted: the bore (孔径) of the pump body is not capable (Ppk about 0.9, off centre) on every machine; machine
CNC-04 wears its tool from August 2026 and the outer diameter (外径) drifts up until many parts are out of
tolerance in October, which also raises the defect rate of line 2 (机加二线) in the last months. Flatness (平面度)
has only an upper tolerance (a surface cannot be flatter than flat), so its lower limit is empty.
"""

from __future__ import annotations

import numpy as np

from guifan.demo.common import (
    WORKDAYS,
    Dataset,
    Days,
    Floats,
    Ints,
    Strs,
    Times,
    choose,
    clock,
    count,
    ids,
    lookup,
    lookup_number,
    month_index,
    nullable,
    table,
)
from guifan.demo.org import Staff

ONE_SIDED = "平面度"  # its lsl of 0 is only the physical bound: the files leave the lower limit empty
# (part, feature, nominal, lsl, usl, process mean, process sigma)
FEATURES: tuple[tuple[str, str, float, float, float, float, float], ...] = (
    ("PB-100 泵体", "外径", 42.000, 41.950, 42.050, 42.000, 0.0080),
    ("PB-100 泵体", "孔径", 12.009, 12.000, 12.018, 12.0105, 0.0028),
    ("PB-100 泵体", "总长", 85.000, 84.800, 85.200, 85.010, 0.0350),
    ("EC-200 端盖", "厚度", 8.000, 7.950, 8.050, 7.998, 0.0090),
    ("EC-200 端盖", "平面度", 0.010, 0.000, 0.030, 0.0100, 0.0035),
)
MACHINES: tuple[tuple[str, str, str], ...] = (  # (machine, line, part)
    ("CNC-01", "机加一线", "PB-100 泵体"),
    ("CNC-02", "机加一线", "PB-100 泵体"),
    ("CNC-03", "机加二线", "PB-100 泵体"),
    ("CNC-04", "机加二线", "PB-100 泵体"),
    ("CNC-05", "机加二线", "EC-200 端盖"),
    ("CNC-06", "机加二线", "EC-200 端盖"),
)
SUBGROUP_SIZE = 5
DRIFT_START = np.datetime64("2026-08-01T00:00:00")
DRIFT_END = np.datetime64("2026-10-31T23:59:59")
SHIFT_HOURS: Floats = np.array([0] * 8 + [2, 3, 3, 2, 1, 2, 3, 3, 2, 2, 1, 1] + [0] * 4, dtype=np.float64)


def _subgroups(rng: np.random.Generator, scale: float) -> tuple[Strs, Times]:
    """Sampling times of every subgroup on every machine, in time order."""
    per_machine = count(420, scale, 30)
    machine = np.repeat([m for m, _, _ in MACHINES], per_machine)
    days = rng.choice(WORKDAYS, size=len(machine)).astype("datetime64[s]")
    when = days + clock(rng, len(machine), SHIFT_HOURS)
    order = np.argsort(when, kind="stable")
    return machine[order], when[order]


def _drift(machine: Strs, feature: Strs, when: Times) -> Floats:
    """Tool wear on CNC-04: the outer diameter grows from August to 0.06 mm at the end of October."""
    share = (when - DRIFT_START).astype(np.float64) / (DRIFT_END - DRIFT_START).astype(np.float64)
    share = np.clip(share, 0.0, 1.0) ** 1.3
    return np.where((machine == "CNC-04") & (feature == "外径"), 0.06 * share, 0.0)


def _expand(machine: Strs) -> tuple[Ints, Ints, Ints]:
    """Row indices: subgroup, feature and sample number (1..5) for every feature of every sampled part."""
    part_of = {m: p for m, _, p in MACHINES}
    sub_part = lookup(part_of, machine)
    subs, feats, samples = [], [], []
    for part in dict.fromkeys(part_of.values()):
        features = [i for i, f in enumerate(FEATURES) if f[0] == part]
        rows = np.flatnonzero(sub_part == part)
        subs.append(np.repeat(rows, SUBGROUP_SIZE * len(features)))
        samples.append(np.tile(np.repeat(np.arange(1, SUBGROUP_SIZE + 1), len(features)), len(rows)))
        feats.append(np.tile(features, len(rows) * SUBGROUP_SIZE))
    sub, feat, sample = np.concatenate(subs), np.concatenate(feats), np.concatenate(samples)
    order = np.lexsort((feat, sample, sub))
    return sub[order], feat[order], sample[order]


def inspections(staff: Staff, rng: np.random.Generator, scale: float) -> Dataset:
    """Dimensional measurements (尺寸检验记录): subgroups of five parts, every feature measured."""
    sub_machine, sub_when = _subgroups(rng, scale)
    sub, feat, sample = _expand(sub_machine)
    n = len(sub)
    spec = np.asarray([f[2:] for f in FEATURES], dtype=np.float64)
    machine, when = sub_machine[sub], sub_when[sub] + (sample * 40).astype("timedelta64[s]")
    feature = np.asarray([f[1] for f in FEATURES])[feat]
    offset = {m: 0.1 * rng.standard_normal() for m, _, _ in MACHINES}
    machine_shift = lookup_number(offset, machine) * spec[feat, 4]
    value = spec[feat, 3] + machine_shift + spec[feat, 4] * rng.standard_normal(n) + _drift(machine, feature, when)
    value = np.round(np.where(feature == ONE_SIDED, np.maximum(value, 0.001), value), 4)
    inspectors = staff.where(position="质检员", active=True)
    data = table(
        {
            "measurement_id": ids("M", n, 7),
            "part": lookup({m: p for m, _, p in MACHINES}, machine),
            "feature": feature,
            "line": lookup({m: line for m, line, _ in MACHINES}, machine),
            "machine": machine,
            "subgroup": ids("SG", int(sub.max()) + 1, 5)[sub],
            "sample_no": sample.astype(np.int64),
            "sample_time": when,
            "value": nullable(value, rng.random(n) < 0.0001),
            "nominal": spec[feat, 0],
            "lsl": nullable(spec[feat, 1], feature == ONE_SIDED),
            "usl": spec[feat, 2],
            "unit": np.full(n, "mm"),
            "inspector_id": staff.employee_id[inspectors[rng.integers(0, len(inspectors), len(sub_machine))]][sub],
        }
    )
    return Dataset(
        "inspections", data, key="measurement_id", time="sample_time", title=("尺寸检验记录", "Dimensional inspections")
    )


ACCEPT = 5  # GB/T 2828.1, code letter J, n=80, AQL 2.5: Ac=5, Re=6
LOT_PARTS = (
    ("机加一线", "PB-100 泵体", 8),
    ("机加二线", "PB-100 泵体", 8),
    ("机加二线", "EC-200 端盖", 5),
    ("装配线", "PU-300 水泵总成", 12),
)
DEFECT_TYPES = ("尺寸超差", "毛刺", "划伤", "砂眼", "装配不良", "漏装零件")


def _defect_rate(line: Strs, month: Ints) -> Floats:
    """Defects per opportunity; line 2 suffers from the worn tool in September and October."""
    rate = np.full(len(line), 0.0011)
    rate = np.where((line == "机加二线") & (month == 10), 0.0024, rate)
    return np.where((line == "机加二线") & (month == 11), 0.0065, rate)


def production_lots(rng: np.random.Generator, scale: float) -> tuple[Dataset, Dataset]:
    """Production lots with sampling inspection results (GB/T 2828.1, n=80, Ac=5) and the defects found."""
    n = count(1_400, scale, 60)
    which = rng.integers(0, len(LOT_PARTS), n)
    produced = np.sort(rng.choice(WORKDAYS, size=n))
    line = np.asarray([p[0] for p in LOT_PARTS])[which]
    part = np.asarray([p[1] for p in LOT_PARTS])[which]
    opportunities = np.asarray([p[2] for p in LOT_PARTS], dtype=np.int64)[which]
    units = rng.integers(500, 1200, n)
    sample_size = np.full(n, 80)
    defects = rng.poisson(sample_size * opportunities * _defect_rate(line, month_index(produced)))
    defective = np.minimum(defects - rng.binomial(defects, 0.12), sample_size)
    accepted = defective <= ACCEPT
    disposition = np.where(accepted, "放行", choose(rng, ("返工", "让步接收", "报废"), n, (0.6, 0.3, 0.1)))
    lot_id = np.char.add(
        np.char.add("L", np.char.replace(produced.astype(str), "-", "")),
        np.char.add("-", np.char.zfill(np.arange(1, n + 1).astype(str), 4)),
    )
    lots = table(
        {
            "lot_id": lot_id,
            "produced_on": produced,
            "line": line,
            "part": part,
            "units": units.astype(np.int64),
            "sample_size": sample_size.astype(np.int64),
            "defects": defects.astype(np.int64),
            "defective_units": defective.astype(np.int64),
            "opportunities_per_unit": opportunities,
            "accepted": accepted,
            "disposition": disposition,
        }
    )
    return (
        Dataset("production_lots", lots, key="lot_id", time="produced_on", title=("生产批次检验", "Production lots")),
        _defects(rng, lot_id, produced, line, part, defects),
    )


def _defects(rng: np.random.Generator, lot_id: Strs, produced: Days, line: Strs, part: Strs, defects: Ints) -> Dataset:
    """One row per defect found in a lot's sample."""
    lot = np.repeat(np.arange(len(lot_id)), defects)
    m = len(lot)
    late_line2 = (line[lot] == "机加二线") & (month_index(produced[lot]) >= 10)
    kind = np.where(
        late_line2 & (rng.random(m) < 0.7),
        "尺寸超差",
        choose(rng, DEFECT_TYPES, m, (0.25, 0.25, 0.2, 0.1, 0.12, 0.08)),
    )
    found = produced[lot].astype("datetime64[s]") + clock(rng, m, SHIFT_HOURS)
    data = table(
        {
            "defect_id": ids("D", m, 6),
            "lot_id": lot_id[lot],
            "found_at": found,
            "line": line[lot],
            "part": part[lot],
            "defect_type": kind,
            "severity": choose(rng, ("A", "B", "C"), m, (0.1, 0.4, 0.5)),
        }
    )
    return Dataset(
        "defects",
        data,
        key="defect_id",
        time="found_at",
        title=("缺陷记录", "Defects"),
        column_rules={"defect_type": {"values": list(DEFECT_TYPES)}},
    )


def build(staff: Staff, rng: np.random.Generator, scale: float) -> list[Dataset]:
    """Every quality dataset."""
    return [inspections(staff, rng, scale), *production_lots(rng, scale)]
