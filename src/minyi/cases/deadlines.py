"""Reply deadlines in working days.

This first version counts Monday to Friday as working days; the statutory PRC calendar
(holidays and adjusted working weekends) replaces it in the case-workflow milestone.
"""

from __future__ import annotations

from datetime import datetime, timedelta

DEFAULT_REPLY_WORKING_DAYS = 15
SATURDAY = 5


def add_working_days(start: datetime, days: int) -> datetime:
    """The moment ``days`` working days after ``start`` (weekends skipped)."""
    current = start
    remaining = days
    while remaining > 0:
        current += timedelta(days=1)
        if current.weekday() < SATURDAY:
            remaining -= 1
    return current
