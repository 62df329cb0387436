"""Working days and working hours on the PRC statutory calendar.

:class:`WorkCalendar` answers "is this a working day?" from, in order, an optional
override file, the ``chinese-calendar`` package (holidays and adjusted working weekends,
调休, for 2004–2026) and, for years that package does not cover, a fallback of Monday to
Friday minus the fixed-date holidays (元旦 1 Jan, 劳动节 1–2 May, 国庆节 1–3 Oct). The lunar
holidays (春节, 清明, 端午, 中秋) of an uncovered year are **not known** without an override
file; a warning says so once per year and calendar. See :mod:`minyi.cases.holidays`.

Conventions (all counting happens on local dates in ``timezone``, Asia/Shanghai by default):

* **Working days.** ``add_working_days(start, n)`` is due at ``end_of_day`` (17:30 by
  default) local time on the *n*-th working day after the local date of ``start``. The
  time of day of ``start`` does not matter: a case accepted at 08:00 or at 16:00 on a
  Wednesday with one working day is due on Thursday at 17:30; accepted on a Saturday, it
  is due on Monday at 17:30, the same as when accepted on the Friday before.
  ``n = 0`` means the end of the same working day (or of the next working day, when
  ``start`` falls on a day off or after ``end_of_day``: a deadline is never before its start).
* **Working hours.** ``add_working_hours(start, h)`` counts only time inside
  ``working_hours`` (09:00–12:00 and 13:30–17:30 by default) on working days; a start
  outside them begins counting at the next opening. With ``emergency_calendar=True`` it
  counts plain clock hours round the clock instead (a 24-hour emergency line).
* **Between.** ``working_days_between(a, b)`` is the number of working days whose local
  date is after ``a``'s and not after ``b``'s (negative when ``b`` is before ``a``), so
  ``working_days_between(start, add_working_days(start, n)) == n``.
* Inputs must be timezone-aware (``ValueError`` otherwise); results are returned in the
  timezone of the input.
"""

from __future__ import annotations

import logging
import math
import os
import threading
from collections.abc import Mapping, Sequence
from datetime import date, datetime, time, timedelta
from functools import lru_cache
from pathlib import Path
from types import MappingProxyType
from zoneinfo import ZoneInfo

from minyi.cases.holidays import (
    DayInfo,
    DaySource,
    HolidayOverride,
    fallback_day,
    load_holiday_file,
    statutory_day,
)
from minyi.core.localtime import DEFAULT_TIMEZONE
from minyi.settings import current_timezone

logger = logging.getLogger(__name__)

DEFAULT_END_OF_DAY = time(17, 30)
DEFAULT_WORKING_HOURS: tuple[tuple[time, time], ...] = (
    (time(9, 0), time(12, 0)),
    (time(13, 30), time(17, 30)),
)
HOLIDAYS_FILE_ENV = "MINYI_HOLIDAYS_FILE"
# No real calendar goes this long without a working day; a longer scan means a broken override file.
MAX_SCAN_DAYS = 366
ONE_DAY = timedelta(days=1)


class WorkCalendar:
    """The statutory working calendar, with per-date lookups cached.

    Args:
        holidays_file: an override file (CSV or JSON, see :mod:`minyi.cases.holidays`),
            e.g. the State Council notice for a year ``chinese-calendar`` does not cover.
        overrides: overrides given directly (added after, and winning over, the file's).
        timezone: the IANA zone whose local dates are counted.
        end_of_day: the local time at which a working-day deadline falls due.
        working_hours: the (open, close) local periods of a working day, in order.
        emergency_calendar: count :meth:`add_working_hours` as plain clock hours.

    ``day_info(day)`` (cached per calendar, like every per-date lookup) tells whether a date
    is a working day, the holiday's name and which source decided it.
    """

    def __init__(  # noqa: PLR0913 - every argument is a keyword-only setting
        self,
        *,
        holidays_file: str | Path | None = None,
        overrides: Mapping[date, HolidayOverride] | None = None,
        timezone: str = DEFAULT_TIMEZONE,
        end_of_day: time = DEFAULT_END_OF_DAY,
        working_hours: Sequence[tuple[time, time]] = DEFAULT_WORKING_HOURS,
        emergency_calendar: bool = False,
    ) -> None:
        self.timezone = ZoneInfo(timezone)
        self.end_of_day = end_of_day
        self.working_hours = _checked_hours(working_hours)
        self._hours_per_day = sum((_length(period) for period in self.working_hours), timedelta())
        self.emergency_calendar = emergency_calendar
        merged = dict(load_holiday_file(holidays_file)) if holidays_file is not None else {}
        merged.update(overrides or {})
        # Read-only: the per-date cache would not see later changes.
        self.overrides: Mapping[date, HolidayOverride] = MappingProxyType(merged)
        self._warned_years: set[int] = set()
        self._warn_lock = threading.Lock()
        self.day_info = lru_cache(maxsize=8192)(self._day_info)

    def __repr__(self) -> str:
        """A short description, for logs."""
        return (
            f"WorkCalendar(timezone={self.timezone.key!r}, end_of_day={self.end_of_day}, "
            f"overrides={len(self.overrides)}, emergency_calendar={self.emergency_calendar})"
        )

    # --- days ---------------------------------------------------------------------------

    def _day_info(self, day: date) -> DayInfo:
        """Whether ``day`` is a working day and why (cached as :meth:`day_info`)."""
        override = self.overrides.get(day)
        if override is not None:
            return DayInfo(day, override.is_working, override.name, DaySource.OVERRIDE)
        info = statutory_day(day)
        if info is not None:
            return info
        self._warn_uncovered(day.year)
        return fallback_day(day)

    def _warn_uncovered(self, year: int) -> None:
        with self._warn_lock:
            if year in self._warned_years:
                return
            self._warned_years.add(year)
        listed = sum(1 for day in self.overrides if day.year == year)
        if listed:  # the year's schedule was entered (holidays file or /staff/admin): nothing to warn of
            return
        # Chinese first: the operator who reads this enters the State Council's notice
        # (the command line and the server speak Chinese by default); English follows for the rest.
        logger.warning(
            "%d 年的法定节假日与调休尚未录入（所装的 chinese-calendar 不含该年）：期限按周一至周五计算，"
            "只扣除元旦、劳动节、国庆节；春节、清明、端午、中秋和调休未知。请在 /staff/admin 的“节假日”"
            "录入国务院 %d 年的放假通知，或写入节假日文件（%s）。"
            " / No holidays of %d known or entered: Monday-Friday working days, only 元旦, 劳动节 and 国庆节"
            " off; enter the State Council notice on /staff/admin or in %s.",
            year,
            year,
            HOLIDAYS_FILE_ENV,
            year,
            HOLIDAYS_FILE_ENV,
        )

    def is_working_day(self, day: date) -> bool:
        """Whether ``day`` is a working day (weekday not on holiday, or an adjusted working weekend)."""
        return self.day_info(day).is_working

    def next_working_day(self, day: date) -> date:
        """The first working day strictly after ``day``."""
        candidate = day
        for _ in range(MAX_SCAN_DAYS):
            candidate += ONE_DAY
            if self.is_working_day(candidate):
                return candidate
        raise ValueError(f"no working day within {MAX_SCAN_DAYS} days after {day}; check the overrides")

    def nth_working_day(self, day: date, count: int) -> date:
        """The ``count``-th working day after ``day`` (``count=0``: ``day`` itself if it works)."""
        if count < 0:
            raise ValueError(f"a number of working days is not negative, got {count}")
        if count == 0:
            return day if self.is_working_day(day) else self.next_working_day(day)
        current = day
        for _ in range(count):
            current = self.next_working_day(current)
        return current

    def local_date(self, moment: datetime) -> date:
        """The date of ``moment`` in the calendar's timezone."""
        return self._local(moment).date()

    # --- deadlines ----------------------------------------------------------------------

    def add_working_days(self, start: datetime, days: int) -> datetime:
        """The deadline ``days`` working days after ``start``: ``end_of_day`` local on that day.

        Returned in ``start``'s timezone. See the module docstring for the convention.
        """
        due_day = self.nth_working_day(self.local_date(start), days)
        due = self._at(due_day, self.end_of_day)
        if due < start:  # 0 days, started after the day's end: a case was due before it came (tenth probe)
            due = self._at(self.next_working_day(due_day), self.end_of_day)
        return due.astimezone(start.tzinfo)

    def add_working_hours(self, start: datetime, hours: float) -> datetime:
        """The moment ``hours`` working hours after ``start``, in ``start``'s timezone.

        Only time inside ``working_hours`` on working days counts, unless the calendar is an
        ``emergency_calendar``, which counts plain clock hours. ``hours=0`` returns ``start``.
        """
        local = self._local(start)
        if not math.isfinite(hours) or hours < 0:
            raise ValueError(f"a number of working hours is finite and not negative, got {hours}")
        if hours == 0:
            return start
        if self.emergency_calendar:
            return start + timedelta(hours=hours)
        remaining = timedelta(hours=hours)
        day = local.date()
        for _ in range(MAX_SCAN_DAYS + 2 * math.ceil(remaining / self._hours_per_day)):
            if self.is_working_day(day):
                for opens, closes in self.working_hours:
                    begin = max(local, self._at(day, opens))
                    end = self._at(day, closes)
                    if begin >= end:
                        continue
                    if remaining <= end - begin:
                        return (begin + remaining).astimezone(start.tzinfo)
                    remaining -= end - begin
            day += ONE_DAY
        raise ValueError(f"{hours} working hours after {start} do not fit the calendar; check the overrides")

    def add_hours_on_working_days(self, start: datetime, hours: float) -> datetime:
        """The moment ``hours`` clock hours after ``start``, counting only the hours of working days.

        For a limit that runs round the clock on working days but stops over weekends and
        holidays (the sign-for limit, 签收): 24 hours from Friday 16:00 end on Monday at
        16:00, and from the eve of 春节 on the first day back. Returned in ``start``'s timezone.
        """
        if not math.isfinite(hours) or hours < 0:
            raise ValueError(f"a number of hours is finite and not negative, got {hours}")
        moment, remaining = self._local(start), timedelta(hours=hours)
        for _ in range(MAX_SCAN_DAYS + math.ceil(hours / 24)):
            day = moment.date()
            midnight = self._at(day + ONE_DAY, time())
            if self.is_working_day(day):
                if remaining <= midnight - moment:
                    return (moment + remaining).astimezone(start.tzinfo)
                remaining -= midnight - moment
            moment = midnight
        raise ValueError(f"{hours} hours after {start} do not fit the calendar; check the overrides")

    def working_days_between(self, start: datetime, end: datetime) -> int:
        """Working days with a local date after ``start``'s, up to and including ``end``'s.

        Negative when ``end`` is before ``start``; zero on the same local date.
        """
        first, last = self.local_date(start), self.local_date(end)
        sign = 1
        if last < first:
            first, last, sign = last, first, -1
        count = 0
        day = first + ONE_DAY
        while day <= last:
            count += self.is_working_day(day)
            day += ONE_DAY
        return sign * count

    # --- helpers ------------------------------------------------------------------------

    def _local(self, moment: datetime) -> datetime:
        if moment.tzinfo is None or moment.utcoffset() is None:
            raise ValueError(f"a timezone-aware datetime is needed, got naive {moment.isoformat()}")
        return moment.astimezone(self.timezone)

    def _at(self, day: date, moment: time) -> datetime:
        return datetime.combine(day, moment, tzinfo=self.timezone)


def _checked_hours(periods: Sequence[tuple[time, time]]) -> tuple[tuple[time, time], ...]:
    """``periods`` as a tuple, if each opens before it closes and they follow in order."""
    checked = tuple(periods)
    if not checked:
        raise ValueError("working hours need at least one (open, close) period")
    previous_close = time.min
    for opens, closes in checked:
        if not previous_close <= opens < closes:
            raise ValueError(f"working hours must be ordered, non-overlapping periods, got {checked}")
        previous_close = closes
    return checked


def _length(period: tuple[time, time]) -> timedelta:
    """How long an (open, close) period of the same day lasts."""
    opens, closes = period
    return datetime.combine(date.min, closes) - datetime.combine(date.min, opens)


@lru_cache(maxsize=1)
def default_calendar() -> WorkCalendar:
    """The shared calendar: defaults, plus the override file named by ``MINYI_HOLIDAYS_FILE`` if set."""
    holidays_file = os.environ.get(HOLIDAYS_FILE_ENV, "").strip() or None  # = Settings.holidays_file
    return WorkCalendar(holidays_file=holidays_file, timezone=current_timezone())
