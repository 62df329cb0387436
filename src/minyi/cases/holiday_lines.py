"""Holiday schedules one entry a line, as the State Council's notice reads them.

Both ways of entering a year's notice read this format: the admin page
(:mod:`minyi.cases.holiday_store`) and the ``MINYI_HOLIDAYS_FILE`` CSV
(:func:`minyi.cases.holidays.load_holiday_file`). They used to differ: the file wanted a
``date,kind,name`` header and English kinds, so a file written as the notice reads
(``2027-02-06~2027-02-13,放假,春节``) took its first line for the header and loaded no day at
all, without a word (operator walk-through). Lines::

    2027-02-06~2027-02-13,放假,春节
    2027-02-14,上班,春节调休

Dates are ``YYYY-MM-DD`` (or ``2027-2-6``), or a range ``A~B`` (also ``A至B``, ``A～B``); the
kind is ``holiday`` (放假, 休, 假) or ``workday`` (上班, 班); the name is optional. Separators
may be commas (also ``，``), tabs or spaces; lines starting with ``#`` and a ``date,kind,name``
header are skipped. Errors name the line of the text.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import date, timedelta

from minyi.cases.holidays import DayKind, HolidayOverride

__all__ = ["FIRST_YEAR", "LAST_YEAR", "MAX_NAME", "MAX_RANGE_DAYS", "HolidayLineError", "parse_lines"]

MAX_RANGE_DAYS = 31
MAX_NAME = 40
FIRST_YEAR, LAST_YEAR = 2000, 2100  # the years the admin page takes
_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")

_KINDS: Mapping[str, DayKind] = {
    "holiday": DayKind.HOLIDAY,
    "放假": DayKind.HOLIDAY,
    "休": DayKind.HOLIDAY,
    "假": DayKind.HOLIDAY,
    "workday": DayKind.WORKDAY,
    "上班": DayKind.WORKDAY,
    "班": DayKind.WORKDAY,
}
_SPLIT = re.compile(r"[,，\t ]+")
_RANGE = re.compile(r"(\d{4}-\d{1,2}-\d{1,2})\s*(?:~|～|至|\.\.)\s*(\d{4}-\d{1,2}-\d{1,2})")


class HolidayLineError(ValueError):
    """A line that cannot be read; the text names the line."""


def parse_lines(text: str, *, year: int | None = None) -> dict[date, HolidayOverride]:
    """The entries of ``text`` by date; with ``year``, every date must be in it.

    Raises:
        HolidayLineError: naming the line, for a malformed line, a date of another year or a date twice.
    """
    entries: dict[date, HolidayOverride] = {}
    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.strip()
        if not line or line.startswith("#") or line.lower().replace(" ", "").startswith("date,kind"):
            continue
        for override in _parse_line(_joined_range(line), number, year):
            if override.day in entries:
                raise HolidayLineError(f"line {number}: {override.day} is listed twice")
            entries[override.day] = override
    return entries


def _joined_range(line: str) -> str:
    """``line`` with a date range written as one token (spaces around ``~`` removed)."""
    return _RANGE.sub(lambda m: f"{m.group(1)}~{m.group(2)}", line)


def _parse_line(line: str, number: int, year: int | None) -> list[HolidayOverride]:
    parts = _SPLIT.split(line, maxsplit=2)
    if len(parts) < 2:  # noqa: PLR2004 - a date and a kind
        raise HolidayLineError(f"line {number}: write a date, then holiday or workday")
    days = _days(parts[0], number)
    kind = _KINDS.get(parts[1].strip().lower())
    if kind is None:
        raise HolidayLineError(
            f"line {number}: kind {parts[1].strip()} is neither holiday (放假) nor workday (上班)"
        )
    name = parts[2].strip() if len(parts) > 2 else ""  # noqa: PLR2004 - the optional name
    if len(name) > MAX_NAME:
        raise HolidayLineError(f"line {number}: the name has more than {MAX_NAME} characters")
    for day in days:
        if year is not None and day.year != year:
            # a notice's 元旦 may begin in the December before (2023's: 2022-12-31~2023-01-02)
            raise HolidayLineError(
                f"line {number}: {day} is not in {year}; enter it under the year {day.year}"
            )
    return [HolidayOverride(day, kind, name or None) for day in days]


def _days(token: str, number: int) -> list[date]:
    first, _, last = token.partition("~")
    start = _day(first, token, number)
    end = _day(last, token, number) if last else start
    if not start <= end <= start + timedelta(days=MAX_RANGE_DAYS - 1):
        raise HolidayLineError(f"line {number}: a range runs forwards, {MAX_RANGE_DAYS} days at most")
    return [start + timedelta(days=n) for n in range((end - start).days + 1)]


def _day(part: str, token: str, number: int) -> date:
    """One date of ``token``, ``YYYY-MM-DD`` in ASCII digits, in the years a calendar is kept for.

    ``date.fromisoformat`` alone also took ISO week dates (``2027W061``), and 9999-12-31 made
    a range's end overflow (a 500 on the admin page, a traceback at start-up: ninth probe).
    """
    padded = _padded(part)
    if not _DATE.fullmatch(padded):
        raise HolidayLineError(f"line {number}: date {token.strip()!r} is not YYYY-MM-DD")
    try:
        day = date.fromisoformat(padded)
    except ValueError:
        raise HolidayLineError(f"line {number}: {token.strip()} is no date of the calendar") from None
    if not FIRST_YEAR <= day.year <= LAST_YEAR:
        raise HolidayLineError(f"line {number}: {day} is not in the years {FIRST_YEAR}–{LAST_YEAR}")
    return day


def _padded(text: str) -> str:
    """``2027-2-6`` as ``2027-02-06`` (the notice's dates are often written short)."""
    pieces = text.strip().split("-")
    if len(pieces) != 3:  # noqa: PLR2004 - year, month, day
        return text
    return f"{pieces[0]}-{pieces[1].zfill(2)}-{pieces[2].zfill(2)}"
