"""The demo company 示例公司: one year of operational data and the standards pack measured on it."""

from __future__ import annotations

from pathlib import Path

from guifan.demo import finance, grc, it, marketing, org, people, process, quality, safety, sales, service, supply
from guifan.demo.common import Dataset, rng_for
from guifan.demo.pack import write_pack
from guifan.demo.writer import write_dataset

DEFAULT_SEED = 20261101


def build_datasets(*, scale: float = 1.0, seed: int = DEFAULT_SEED) -> list[Dataset]:
    """Every dataset of the demo company, in memory. ``scale`` multiplies the rows of the large tables."""
    if scale <= 0:
        raise ValueError(f"scale must be positive, not {scale}")
    staff = org.build_staff(rng_for(seed, "staff"))
    book = supply.build_suppliers(rng_for(seed, "suppliers"))
    sales_sets, b2b_revenue, online_revenue = sales.build(staff, rng_for(seed, "sales"), scale)
    return [
        *org.build(staff, rng_for(seed, "org")),
        *service.build(staff, rng_for(seed, "service"), scale),
        *quality.build(staff, rng_for(seed, "quality"), scale),
        *process.build(staff, book, rng_for(seed, "process"), scale),
        *supply.build(book, rng_for(seed, "supply")),
        *people.build(staff, rng_for(seed, "people")),
        *sales_sets,
        *marketing.build(staff, rng_for(seed, "marketing"), scale),
        *finance.build(staff, rng_for(seed, "finance"), scale, b2b_revenue, online_revenue),
        *it.build(staff, rng_for(seed, "it"), scale),
        *grc.build(staff, rng_for(seed, "grc")),
        *safety.build(staff, rng_for(seed, "safety")),
    ]


def generate_demo(out_dir: Path, *, scale: float = 1.0, seed: int = DEFAULT_SEED) -> Path:
    """Write a pack folder (pack.yaml + data/) for the demo company into out_dir; return the pack.yaml path."""
    out_dir = Path(out_dir)
    datasets = build_datasets(scale=scale, seed=seed)
    for dataset in datasets:
        write_dataset(dataset, out_dir)
    return write_pack(out_dir, datasets)
