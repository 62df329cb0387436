"""Where the PRC statutory calendar comes from, one date at a time.

Three sources, most authoritative first (:class:`minyi.cases.calendar.WorkCalendar`
asks them in this order):

1. **Override file** (:func:`load_holiday_file`): dates an office declares itself,
   typically the State Council's notice (国务院办公厅关于某年部分节假日安排的通知) for a
   year the installed ``chinese-calendar`` package does not know yet. CSV or JSON, with
   ``date`` (ISO ``YYYY-MM-DD``), ``kind`` (``holiday`` or ``workday``) and an optional
   ``name``. An override wins over every other source, including for covered years.
2. **chinese-calendar** (:func:`statutory_day`): holidays and adjusted working weekends
   (调休) for every year the package covers (2004–2026 in version 1.11.0). It raises
   ``NotImplementedError`` for other years; :func:`statutory_day` turns that into ``None``.
3. **Fallback** (:func:`fallback_day`) for years the package does not cover: Monday to
   Friday are working days, and the fixed-date statutory holidays of the 全国年节及纪念日
   放假办法 (as revised in 2024, in force since 2025) are days off: 元旦 1 January,
   劳动节 1–2 May, 国庆节 1–3 October. The lunar holidays (春节 with 除夕, 清明, 端午, 中秋)
   and every adjusted working weekend are **not known** without an override file: the
   fallback counts those days as ordinary weekdays or weekends, so deadlines across them
   come out too early until the office loads that year's notice.

CSV example (lines starting with ``#`` are comments)::

    date,kind,name
    2027-02-06,holiday,春节
    2027-02-07,workday,春节调休

or, without the header, as the notice reads and the admin page takes it
(:mod:`minyi.cases.holiday_lines`: ranges, 放假/上班)::

    2027-02-06~2027-02-13,放假,春节
    2027-02-14,上班,春节调休

JSON example (a list, or an object whose ``days`` key holds the list)::

    [{"date": "2027-02-06", "kind": "holiday", "name": "春节"}]
"""

from __future__ import annotations

import csv
import enum
import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from pathlib import Path
from typing import Any

import chinese_calendar

SATURDAY = 5

# Fixed-date statutory holidays (month, day) → name, per the 2024 revision of the
# 全国年节及纪念日放假办法. These need no official notice; their 调休 arrangements do.
FIXED_HOLIDAYS: Mapping[tuple[int, int], str] = {
    (1, 1): "元旦",
    (5, 1): "劳动节",
    (5, 2): "劳动节",
    (10, 1): "国庆节",
    (10, 2): "国庆节",
    (10, 3): "国庆节",
}

# chinese-calendar names holidays in English; the office reads Chinese.
_CHINESE_NAMES: Mapping[str, str] = {holiday.value: holiday.chinese for holiday in chinese_calendar.Holiday}


class DaySource(enum.StrEnum):
    """Which source decided whether a date is a working day."""

    OVERRIDE = "override"
    STATUTORY = "statutory"
    FALLBACK = "fallback"


class DayKind(enum.StrEnum):
    """What an override file says about a date."""

    HOLIDAY = "holiday"
    WORKDAY = "workday"


@dataclass(frozen=True, slots=True)
class DayInfo:
    """Whether one date is a working day, why, and the holiday's name if it has one."""

    day: date
    is_working: bool
    name: str | None
    source: DaySource


@dataclass(frozen=True, slots=True)
class HolidayOverride:
    """One line of an override file."""

    day: date
    kind: DayKind
    name: str | None = None

    @property
    def is_working(self) -> bool:
        """Whether the override makes the date a working day."""
        return self.kind is DayKind.WORKDAY


@lru_cache(maxsize=8192)
def statutory_day(day: date) -> DayInfo | None:
    """What ``chinese-calendar`` says about ``day``, or ``None`` for a year it does not cover."""
    try:
        is_holiday, english = chinese_calendar.get_holiday_detail(day)
    except NotImplementedError:
        return None
    name = _CHINESE_NAMES.get(english, english) if english else None
    return DayInfo(day, is_working=not is_holiday, name=name, source=DaySource.STATUTORY)


@lru_cache(maxsize=8192)
def fallback_day(day: date) -> DayInfo:
    """The fallback for uncovered years: weekdays work, fixed-date holidays are off."""
    name = FIXED_HOLIDAYS.get((day.month, day.day))
    is_working = name is None and day.weekday() < SATURDAY
    return DayInfo(day, is_working=is_working, name=name, source=DaySource.FALLBACK)


def load_holiday_file(path: str | Path) -> dict[date, HolidayOverride]:
    """Read an override file (``.csv`` or ``.json``) into a mapping by date.

    Raises:
        ValueError: the file has an unknown suffix, a malformed row or a date twice.
        OSError: the file cannot be read.
    """
    file = Path(path)
    suffix = file.suffix.lower()
    try:
        text = file.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError:
        raise ValueError(f"{file}: not UTF-8 text; save it as UTF-8 (e.g. from Excel: CSV UTF-8)") from None
    if suffix == ".csv":
        lines = [line for line in text.splitlines() if line.strip() and not line.lstrip().startswith("#")]
        if lines and not _is_header(lines[0]):  # written as the notice reads, as on the admin page
            from minyi.cases.holiday_lines import parse_lines  # local: that module builds on this one

            try:
                return parse_lines(text)
            except ValueError as exc:
                raise ValueError(f"{file}, {exc}") from None
        rows: list[Any] = list(csv.DictReader(lines))
    elif suffix == ".json":
        try:
            rows = _json_rows(json.loads(text), file)
        except RecursionError:  # 100,000 '[': a traceback at every start-up (eleventh probe)
            raise ValueError(f"{file}: JSON nested too deeply; write a list of objects") from None
    else:
        raise ValueError(f"{file}: a holiday file is .csv or .json, not {suffix or 'without suffix'}")
    return overrides_from_rows(rows, source=str(file))


def _is_header(line: str) -> bool:
    """Whether a CSV's first line names its columns (``date,kind,name`` in any order)."""
    columns = {column.strip().strip('"').lower() for column in next(csv.reader([line]), [])}
    return {"date", "kind"} <= columns


def _json_rows(data: Any, file: Path) -> list[Any]:
    if isinstance(data, dict):
        data = data.get("days")
    if not isinstance(data, list):
        raise ValueError(f"{file}: expected a list of days, or an object with a 'days' list")  # noqa: TRY004 - file content
    return data


def overrides_from_rows(rows: Iterable[Any], source: str = "overrides") -> dict[date, HolidayOverride]:
    """Validate rows (mappings with ``date``, ``kind``, optional ``name``) into overrides.

    Raises:
        ValueError: naming ``source`` and the row number, for a malformed row or a repeated date.
    """
    overrides: dict[date, HolidayOverride] = {}
    for number, row in enumerate(rows, start=1):
        override = _parse_row(row, f"{source}, row {number}")
        if override.day in overrides:
            raise ValueError(f"{source}, row {number}: {override.day} is listed twice")
        overrides[override.day] = override
    return overrides


def _parse_row(row: Any, where: str) -> HolidayOverride:
    if not isinstance(row, Mapping):
        raise ValueError(f"{where}: expected an object with date, kind and name")  # noqa: TRY004 - file content
    raw_date = str(row.get("date") or "").strip()
    raw_kind = str(row.get("kind") or "").strip().lower()
    raw_name = str(row.get("name") or "").strip()
    try:
        day = date.fromisoformat(raw_date)
    except ValueError:
        raise ValueError(f"{where}: date {raw_date!r} is not YYYY-MM-DD") from None
    try:
        kind = DayKind(raw_kind)
    except ValueError:
        raise ValueError(f"{where}: kind {raw_kind!r} is neither 'holiday' nor 'workday'") from None
    return HolidayOverride(day, kind, raw_name or None)
