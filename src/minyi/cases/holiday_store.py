"""Holidays and adjusted working days (调休) that admins enter, stored in the database.

The ``chinese-calendar`` package knows the State Council's holiday notices only up to the
year it was released for; each December the notice for the next year appears
(国务院办公厅关于某年部分节假日安排的通知). ``MINYI_HOLIDAYS_FILE`` lets an operator load it
from a file on every server; this module lets an admin type it on ``/staff/admin`` instead,
once, for every web process and worker that shares the database.

A schedule is one entry a line, as the notice reads::

    2027-02-06~2027-02-13,放假,春节
    2027-02-14,上班,春节调休

Dates are ``YYYY-MM-DD``, or a range ``A~B`` (also ``A至B``); the kind is ``holiday``
(放假, 休) or ``workday`` (上班, 班); the name is optional. Separators may be commas
(also ``，``), tabs or spaces; lines starting with ``#`` and a ``date,kind,name`` header
are skipped. Stored entries win over the holidays file and over ``chinese-calendar``.
"""

from __future__ import annotations

import os
import threading
import time
from collections.abc import Mapping
from datetime import date, datetime

import chinese_calendar
from sqlalchemy import Date, String, delete, select
from sqlalchemy.orm import Mapped, Session, mapped_column

from minyi.accounts.models import User
from minyi.audit import services as audit
from minyi.cases.calendar import HOLIDAYS_FILE_ENV, WorkCalendar, default_calendar
from minyi.cases.holiday_lines import FIRST_YEAR, LAST_YEAR, MAX_NAME, HolidayLineError, parse_lines
from minyi.cases.holidays import DayKind, HolidayOverride
from minyi.core.errors import InvalidInput
from minyi.db.base import Base, utcnow
from minyi.settings import current_timezone

#: How long a process keeps the stored entries before it reads them again (seconds):
#: another process's change reaches this one within this time.
REFRESH_SECONDS = 30.0


class HolidayRecord(Base):
    """One date an admin declared a holiday or a working day."""

    __tablename__ = "holiday_overrides"

    day: Mapped[date] = mapped_column(Date, primary_key=True)
    kind: Mapped[str] = mapped_column(String(10))
    name: Mapped[str | None] = mapped_column(String(MAX_NAME))
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)


class ScheduleError(InvalidInput):
    """A schedule line that cannot be read; the text names the line."""


def parse_schedule(text: str, year: int) -> dict[date, HolidayOverride]:
    """The entries of ``text`` (see the module's doc), each date in ``year``.

    Raises:
        ScheduleError: naming the line, for a malformed line, a date of another year or a date twice.
    """
    try:
        return parse_lines(text, year=year)
    except HolidayLineError as exc:
        raise ScheduleError(str(exc)) from None


#: Holidays fixed by date every year (全国年节及纪念日放假办法): a 上班 entry on one is a typo.
FIXED_HOLIDAYS = ((1, 1), (5, 1), (5, 2), (10, 1), (10, 2), (10, 3))
#: The holidays of a State Council notice: 元旦, 春节, 清明节, 劳动节, 端午节, 中秋节, 国庆节.
NOTICE_HOLIDAYS = 7


def schedule_doubts(entries: dict[date, HolidayOverride]) -> tuple[int | None, list[date]]:
    """What looks wrong in a saved year: too few holiday periods, 上班 on a fixed holiday.

    Returns the number of holiday periods if fewer than a notice lists (else None), and the
    上班 days on a holiday fixed by date.

    One entry counted the whole year as entered: the warning about a missing schedule
    stopped with 春节 still unknown; and 2027-01-01 上班 was taken without a word (time
    probe). Both are said, not refused: an office may enter a year in steps.
    """
    days = sorted(day for day, entry in entries.items() if not entry.is_working)
    periods = sum(1 for n, day in enumerate(days) if n == 0 or (day - days[n - 1]).days > 1)
    few = periods if entries and periods < NOTICE_HOLIDAYS else None
    odd = sorted(
        day for day, entry in entries.items() if entry.is_working and (day.month, day.day) in FIXED_HOLIDAYS
    )
    return few, odd


def replace_year(
    session: Session,
    year: int,
    entries: Mapping[date, HolidayOverride],
    *,
    by: User | None = None,
    address: str | None = None,
) -> None:
    """Store ``entries`` as ``year``'s whole schedule (no entries: the year's are removed).

    Recorded in the audit trail, with who (``by``, from ``address``) and how many days
    changed: every deadline is counted on these days, and the recount moves overdue cases
    out of "overdue" for them, yet nothing said who had entered a month of days off
    (eleventh probe).
    """
    before = {day: entry for day, entry in stored_overrides(session).items() if day.year == year}
    changed = {day for day in before.keys() | entries.keys() if before.get(day) != entries.get(day)}
    audit.record(
        session,
        audit.HOLIDAYS_CHANGED,
        actor=by.username if by else "command line",
        actor_user_id=by.id if by else None,
        subject=str(year),
        address=address,
        details={
            "days_before": len(before),
            "days": len(entries),
            "off": sum(1 for entry in entries.values() if entry.kind is DayKind.HOLIDAY),
            "changed": len(changed),
            "first_changed": min(changed).isoformat() if changed else None,
            "last_changed": max(changed).isoformat() if changed else None,
        },
    )
    session.execute(
        delete(HolidayRecord).where(
            HolidayRecord.day >= date(year, 1, 1), HolidayRecord.day <= date(year, 12, 31)
        )
    )
    session.add_all(
        HolidayRecord(day=entry.day, kind=entry.kind.value, name=entry.name) for entry in entries.values()
    )
    session.flush()
    forget_cached()
    from minyi.cases import desk_due  # here: desk_due reads the calendar through this module

    desk_due.recount_waiting_cases(session)  # the cases at the desk count by the new calendar


def stored_overrides(session: Session) -> dict[date, HolidayOverride]:
    """Every stored entry, by date."""
    rows = session.execute(select(HolidayRecord.day, HolidayRecord.kind, HolidayRecord.name))
    return {day: HolidayOverride(day, DayKind(kind), name) for day, kind, name in rows}


def stored_years(session: Session) -> dict[int, list[HolidayOverride]]:
    """The stored entries grouped by year, each year's in date order."""
    years: dict[int, list[HolidayOverride]] = {}
    for day, override in sorted(stored_overrides(session).items()):
        years.setdefault(day.year, []).append(override)
    return years


def file_years() -> dict[int, int]:
    """The years the holidays file (``MINYI_HOLIDAYS_FILE``) lists, with how many days each."""
    counts: dict[int, int] = {}
    for day in default_calendar().overrides:
        counts[day.year] = counts.get(day.year, 0) + 1
    return dict(sorted(counts.items()))


def statutory_years() -> tuple[int, int]:
    """The first and last year the installed ``chinese-calendar`` knows (2004, 2026 in 1.11.0)."""
    years = [day.year for day in chinese_calendar.holidays]
    return min(years), max(years)


def missing_years(session: Session, today: date) -> list[int]:
    """This year and the next (local ``today``), if neither ``chinese-calendar`` nor an entry knows them.

    Said on the admin page and by ``/healthz``: without the schedule, deadlines are counted
    on weekdays only (春节 as working days), and only a log line, once a process, said so.
    """
    last = statutory_years()[1]
    known = stored_years(session).keys() | file_years().keys()  # the file counts as entered
    return [year for year in (today.year, today.year + 1) if year > last and year not in known]


def check_year(text: str) -> int:
    """The year typed on a form, if plausible.

    Raises:
        ScheduleError: for anything but a year from 2000 to 2100.
    """
    try:
        year = int(text.strip())
    except ValueError:
        year = 0
    if not FIRST_YEAR <= year <= LAST_YEAR:
        raise ScheduleError(f"year: a year from {FIRST_YEAR} to {LAST_YEAR}")
    return year


def schedule_text(entries: list[HolidayOverride]) -> str:
    """``entries`` written back as schedule lines (a form shows them for editing)."""
    kinds = {DayKind.HOLIDAY: "放假", DayKind.WORKDAY: "上班"}
    return "\n".join(f"{e.day.isoformat()},{kinds[e.kind]},{e.name or ''}".rstrip(",") for e in entries)


_lock = threading.Lock()
# Per database (its URL): until when the stored entries hold, the entries, and the calendar
# made of them (``None``: nothing stored, the shared default calendar applies).
_cached: dict[str, tuple[float, dict[date, HolidayOverride], WorkCalendar | None]] = {}


def forget_cached() -> None:
    """Read the stored entries again at the next :func:`office_calendar` (after a change here)."""
    with _lock:
        _cached.clear()


def office_calendar(session: Session) -> WorkCalendar:
    """The working calendar with the stored entries, read again at most every 30 seconds.

    Without stored entries it is :func:`~minyi.cases.calendar.default_calendar` itself (the
    holidays file, ``chinese-calendar``, the fallback); stored entries win over those. The
    calendar is made again only when the entries changed: made every 30 seconds, it read the
    holidays file again, lost its cached days, and warned again of a year nobody entered
    (2028 in December 2027: a log line every 30 seconds, not one a process; tenth probe).
    """
    key = str(session.get_bind().engine.url)
    now = time.monotonic()
    with _lock:
        cached = _cached.get(key)
    if cached is None or cached[0] <= now:
        stored = stored_overrides(session)
        if cached is not None and cached[1] == stored:
            calendar = cached[2]
        else:
            calendar = _with_entries(stored) if stored else None
        cached = (now + REFRESH_SECONDS, stored, calendar)
        with _lock:
            _cached[key] = cached
    return cached[2] if cached[2] is not None else default_calendar()


def _with_entries(stored: Mapping[date, HolidayOverride]) -> WorkCalendar:
    """A calendar like the default one (same holidays file and timezone), with ``stored`` on top."""
    holidays_file = os.environ.get(HOLIDAYS_FILE_ENV, "").strip() or None  # as default_calendar reads it
    return WorkCalendar(holidays_file=holidays_file, overrides=stored, timezone=current_timezone())
