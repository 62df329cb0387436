"""Local time: the deployment's timezone (``MINYI_TIMEZONE``), for display and local dates.

Times are stored in UTC; people read and count them in local time (a message at 06:47
Beijing time on 12-06 belongs to 12-06, whatever the UTC date says).
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from functools import lru_cache
from zoneinfo import ZoneInfo

DEFAULT_TIMEZONE = "Asia/Shanghai"


@lru_cache(maxsize=8)
def _zone(name: str) -> ZoneInfo:
    return ZoneInfo(name)


def zone() -> ZoneInfo:
    """The deployment's timezone (read once per name from the settings)."""
    from minyi.settings import current_timezone  # the settings module is light; no cycle

    return _zone(current_timezone())


def local(value: datetime) -> datetime:
    """``value`` (naive values are UTC) in the deployment's timezone."""
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    return value.astimezone(zone())


def local_date(value: datetime) -> date:
    """The local calendar date of ``value``."""
    return local(value).date()


def format_time(value: datetime | None, fmt: str = "%Y-%m-%d %H:%M") -> str:
    """A timestamp in local time for display ("" for none)."""
    if value is None:
        return ""
    return local(value).strftime(fmt)


def format_recent(value: datetime | None, fmt: str = "%m-%d %H:%M") -> str:
    """As :func:`format_time` with a format without the year, the year put first when it is not this one.

    Lists show ``12-30`` to save room; in January a case of 12-30 last month and one of
    12-30 the year before would read alike (tenth probe), so another year is written out.
    """
    if value is None:
        return ""
    moment = local(value)
    if moment.year != datetime.now(zone()).year:
        fmt = "%Y-" + fmt
    return moment.strftime(fmt)
