"""Arrays of instants as int64 microseconds since the Unix epoch (UTC), the kernel's only time format.

Accepted: numpy ``datetime64`` (any unit; read as UTC), Arrow timestamp arrays (a zone-aware one keeps its
instant; a naive one is read as UTC), and anything Arrow can convert (pandas Series and indexes, lists of
``datetime``). Missing values (NaT, null) become :data:`NAT`.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Any

import numpy as np
import pyarrow as pa
from numpy.typing import NDArray

I64 = NDArray[np.int64]
US = 1_000_000
NAT = np.iinfo(np.int64).min
"""The missing instant (numpy's NaT has the same bit pattern)."""

EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


def to_utc_us(values: Any) -> I64:
    """``values`` as a 1-d int64 array of UTC microseconds, missing values as :data:`NAT`."""
    if isinstance(values, np.ndarray):
        if values.dtype.kind != "M":
            raise TypeError(f"expected datetime64 instants, got an array of {values.dtype}")
        micros = values if values.dtype == np.dtype("datetime64[us]") else values.astype("datetime64[us]")
        out: I64 = micros.view(np.int64).reshape(-1)
        return out
    if isinstance(values, pa.Array | pa.ChunkedArray):
        return arrow_us(values)
    return arrow_us(pa.array(values if hasattr(values, "__arrow_array__") else _listed(values)))


def _listed(values: Any) -> Any:
    """pandas objects convert to Arrow themselves; other iterables become a list Arrow can read."""
    module = type(values).__module__
    return values if module.startswith("pandas") else list(values)


def arrow_us(array: pa.Array | pa.ChunkedArray) -> I64:
    """An Arrow timestamp (or date) array as UTC microseconds; a date means midnight UTC. One copy at most."""
    if pa.types.is_date(array.type):
        array = array.cast(pa.timestamp("us"))
    if not pa.types.is_timestamp(array.type):
        raise TypeError(f"expected timestamps, got {array.type}")
    if array.type.unit != "us":
        array = array.cast(pa.timestamp("us", array.type.tz), safe=False)
    micros = array.to_numpy(zero_copy_only=False)  # datetime64[us], NaT where null
    out: I64 = micros.view(np.int64).reshape(-1)
    return out


def as_datetime(us: int) -> datetime:
    """One instant as an aware UTC datetime."""
    return EPOCH + timedelta(microseconds=int(us))


def epoch_us(moment: datetime) -> int:
    """An aware datetime as UTC microseconds."""
    return (moment - EPOCH) // timedelta(microseconds=1)


def local_date(us: int, zone: Any) -> date:
    """The calendar date, in ``zone``, of an instant."""
    try:
        return as_datetime(us).astimezone(zone).date()
    except OverflowError as exc:
        raise ValueError(f"instant {us} µs after 1970 is outside the years 1-9999") from exc
