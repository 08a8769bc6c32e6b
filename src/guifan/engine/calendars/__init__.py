"""Work calendars and business time: the vectorised kernel and the built-in holiday sets.

from guifan.engine.calendars import WorkCalendar
cal = WorkCalendar.from_spec({"week": {"mon": ["09:00-12:00", "13:30-18:00"]}, "builtin": "cn"},
                             default_timezone="Asia/Shanghai")
seconds = cal.business_seconds(created_at, resolved_at)      # numpy float64 seconds
due = cal.add_business_time(created_at, 24 * 3600)            # numpy datetime64[us], UTC
"""

from guifan.engine.calendars.builtin import HolidaySet, builtin_names, builtin_set
from guifan.engine.calendars.instants import NAT, to_utc_us
from guifan.engine.calendars.kernel import Spans, WorkCalendar, parse_spans

__all__ = [
    "NAT",
    "HolidaySet",
    "Spans",
    "WorkCalendar",
    "builtin_names",
    "builtin_set",
    "parse_spans",
    "to_utc_us",
]
