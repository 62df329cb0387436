"""The forecast, computed at most once per data change and period for public pages.

A forecast with its backtest costs about half a second of CPU; the public JSON and the
dashboard page must not let every visitor spend that. Results are kept in this process
for :data:`TTL_SECONDS`, keyed by the options and a cheap fingerprint of the data (the
number of messages and the newest receipt, both from an index, and the number and last
change of the holidays admins entered), so a new message, an import or a holiday entered
on ``/staff/admin`` gives a fresh forecast at the next request and a test's rolled-back
data never leaks into another's.
"""

from __future__ import annotations

import threading
import time
from collections import OrderedDict
from datetime import date, datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from minyi.accountability.forecast import By, ForecastReport, forecast_weekly
from minyi.cases.holiday_store import HolidayRecord
from minyi.core.localtime import zone
from minyi.intake.models import Message

TTL_SECONDS = 600.0
MAX_ENTRIES = 64

_lock = threading.Lock()
_entries: OrderedDict[tuple[object, ...], tuple[float, ForecastReport]] = OrderedDict()


def _fingerprint(session: Session) -> tuple[object, ...]:
    count, newest = session.execute(select(func.count(Message.id), func.max(Message.received_at))).one()
    days, changed = session.execute(
        select(func.count(HolidayRecord.day), func.max(HolidayRecord.updated_at))
    ).one()
    return (str(session.get_bind().engine.url), int(count), str(newest), int(days), str(changed))


def cached_forecast(
    session: Session, *, by: By, weeks: int, end: date | None, limit: int = 12
) -> ForecastReport:
    """:func:`forecast_weekly`, from this process's cache when the data have not changed."""
    # the office's date, as forecast_weekly's default end: with UTC's, the forecast made just
    # before a Beijing Monday's midnight was served after it, last week's (tenth probe)
    key = (*_fingerprint(session), by, weeks, end, limit, datetime.now(zone()).date())
    now = time.monotonic()
    with _lock:
        found = _entries.get(key)
        if found is not None and now - found[0] < TTL_SECONDS:
            return found[1]
    report = forecast_weekly(session, by=by, weeks=weeks, end=end, limit=limit)
    with _lock:
        _entries[key] = (now, report)
        while len(_entries) > MAX_ENTRIES:
            _entries.popitem(last=False)
    return report


def clear() -> None:
    """Forget every cached forecast (tests, or after a change of the holiday file)."""
    with _lock:
        _entries.clear()
