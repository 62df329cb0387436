"""Turn cell values from import files into message fields: text, times, counts, numbers.

Each parser takes one cell value (see :data:`minyi.interop.tabular.CellValue`) and returns
the field value, or ``None`` when the cell is blank (the field then keeps its default).
A value that cannot be read raises :class:`CellValueError`, whose text says what was found
and what is expected.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable
from datetime import UTC, datetime, timedelta, tzinfo
from decimal import Decimal, InvalidOperation
from functools import partial

from minyi.core.controls import without_controls
from minyi.interop.tabular import CellValue, cell_text

Parser = Callable[[CellValue], object]

EXCEL_EPOCH = datetime(1899, 12, 30)  # noqa: DTZ001 - Excel serial dates are naive
MAX_EXCEL_SERIAL = 2_958_466  # 10000-01-01
MIN_EPOCH_SECONDS = 1_000_000_000  # 2001-09-09: smaller numbers are Excel serial dates
MIN_EPOCH_MILLIS = 1_000_000_000_000
MAX_EPOCH_MILLIS = 100_000_000_000_000
MAX_COUNT = 2**31 - 1  # the count columns are 32-bit integers
EARLIEST_YEAR, LATEST_YEAR = 1900, 2100  # outside this a year is a typo (and may not convert)
COUNT_MULTIPLIERS = {"万": 10_000, "w": 10_000, "亿": 100_000_000, "k": 1_000}
TRUE_WORDS = frozenset({"1", "true", "yes", "y", "t", "是", "公开", "对"})
FALSE_WORDS = frozenset({"0", "false", "no", "n", "f", "否", "不公开", "不"})
_PREVIEW_CHARS = 40
_DATE_TIME = re.compile(
    r"(?P<y>\d{4})\s*[-/.年]\s*(?P<mo>\d{1,2})\s*[-/.月]\s*(?P<d>\d{1,2})\s*日?"
    r"(?:(?:\s+|T)(?P<h>\d{1,2})\s*[:时]\s*(?P<mi>\d{1,2})"
    r"(?:\s*[:分]\s*(?P<s>\d{1,2})(?:\.(?P<f>\d{1,6}))?\s*秒?)?\s*分?)?"
)
TIME_EXAMPLE = "2019-04-25 09:32:09"


class CellValueError(ValueError):
    """A cell value that does not fit its field; the text says why."""


def _shown(value: object) -> str:
    text = cell_text(value)
    return repr(text if len(text) <= _PREVIEW_CHARS else text[:_PREVIEW_CHARS] + "…")


def parse_text(value: CellValue) -> str | None:
    """Text with its padding (spaces, tabs, newlines, BOMs) removed; ``None`` when blank.

    Text no database can store (a NUL character, an unpaired surrogate) is refused
    rather than altered. The other C0 control characters (tab, LF and CR aside) are dropped:
    they mean nothing in a message, the pages and the API refuse them, and an old system's
    export that holds a few should not lose its rows (nor carry formulas out behind a U+0001).
    """
    text = cell_text(value).replace("\ufeff", "")
    if "\x00" in text:
        raise CellValueError("contains a NUL character (0x00), which cannot be stored")
    text = without_controls(text).strip()
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        raise CellValueError("contains an invalid character (an unpaired UTF-16 surrogate)") from None
    return text or None


def parse_count(value: CellValue) -> int | None:
    """A count: ``1,234``, ``1.2万``, ``3k``, 12.0; ``None`` (so 0) when blank."""
    if value is None or isinstance(value, bool | int):
        return None if value is None else _bounded(int(value))
    if isinstance(value, datetime):
        raise CellValueError(f"expected a whole number, found the date {_shown(value)}")
    text = cell_text(value).replace("\ufeff", "").strip().lower()
    for noise in (",", "，", " ", "_", "+"):
        text = text.replace(noise, "")
    if not text:
        return None
    multiplier = COUNT_MULTIPLIERS.get(text[-1], 1)
    digits = text[:-1] if multiplier != 1 else text
    try:
        number = Decimal(digits) * multiplier
    except InvalidOperation:
        raise CellValueError(f"expected a whole number, found {_shown(value)}") from None
    if not number.is_finite() or (multiplier == 1 and number != number.to_integral_value()):
        raise CellValueError(f"expected a whole number, found {_shown(value)}")
    return _bounded(int(number.to_integral_value()))


def _bounded(count: int) -> int:
    if count > MAX_COUNT:
        raise CellValueError(f"{count} is too large for a count (at most {MAX_COUNT})")
    return count


def parse_float(value: CellValue) -> float | None:
    """A decimal number such as a latitude; ``None`` when blank."""
    if value is None or (isinstance(value, int | float) and not isinstance(value, bool)):
        number = value
    elif isinstance(value, str) and value.strip():
        try:
            number = float(value.strip())
        except ValueError:
            raise CellValueError(f"expected a number, found {_shown(value)}") from None
    elif isinstance(value, str):
        return None
    else:
        raise CellValueError(f"expected a number, found {_shown(value)}")
    if number is not None and math.isnan(number):
        raise CellValueError("expected a number, found NaN")
    return None if number is None else float(number)


def parse_bool(value: CellValue) -> bool | None:
    """Yes or no: ``是/否``, ``true/false``, ``1/0``, ``公开/不公开``; ``None`` when blank."""
    text = parse_text(value)
    if text is None:
        return None
    word = text.casefold()
    if word in TRUE_WORDS:
        return True
    if word in FALSE_WORDS:
        return False
    raise CellValueError(f"expected 是/否 (yes/no), found {_shown(value)}")


def parse_time(value: CellValue, zone: tzinfo) -> datetime | None:
    """A moment, timezone-aware; a time given without an offset is taken to be in ``zone``.

    Reads datetimes (as from Excel cells), ISO 8601 text, ``2019/4/25 9:32:09``,
    ``2019-04-25 09:32``, ``2019年4月25日 9时32分``, Weibo's ``Thu Apr 25 09:32:09 +0800
    2019``, Excel serial day numbers (``43580.397``) and Unix times in seconds or
    milliseconds (which are UTC).
    """
    if value is None or isinstance(value, datetime):
        moment = value
    elif isinstance(value, bool):
        raise CellValueError(f"expected a date and time such as {TIME_EXAMPLE}, found {_shown(value)}")
    elif isinstance(value, int | float):
        moment = _from_number(value)
    else:
        text = value.replace("\ufeff", "").strip()
        moment = _from_text(text) if text else None
    if moment is None:
        return None
    if not EARLIEST_YEAR <= moment.year <= LATEST_YEAR:
        raise CellValueError(f"the year of {_shown(value)} is not between {EARLIEST_YEAR} and {LATEST_YEAR}")
    return moment.replace(tzinfo=zone) if moment.tzinfo is None else moment


def time_parser(zone: tzinfo) -> Parser:
    """:func:`parse_time` with ``zone`` bound, for naive times."""
    return partial(parse_time, zone=zone)


def _from_number(number: float) -> datetime:
    if 0 < number < MAX_EXCEL_SERIAL:
        return EXCEL_EPOCH + timedelta(days=number)
    if MIN_EPOCH_SECONDS <= number < MIN_EPOCH_MILLIS:
        return datetime.fromtimestamp(number, UTC)
    if MIN_EPOCH_MILLIS <= number < MAX_EPOCH_MILLIS:
        return datetime.fromtimestamp(number / 1000, UTC)
    raise CellValueError(
        f"expected a date and time such as {TIME_EXAMPLE}, found the number {_shown(number)}"
    )


def _from_text(text: str) -> datetime:
    try:
        return datetime.fromisoformat(text)
    except ValueError:
        pass
    match = _DATE_TIME.fullmatch(text)
    if match is not None:
        return _from_match(match, text)
    try:
        return datetime.strptime(text, "%a %b %d %H:%M:%S %z %Y")  # Weibo's created_at
    except ValueError:
        pass
    try:
        return _from_number(float(text))
    except ValueError:
        pass
    raise CellValueError(f"expected a date and time such as {TIME_EXAMPLE}, found {_shown(text)}")


def _from_match(match: re.Match[str], text: str) -> datetime:
    parts = match.groupdict()
    fraction = (parts["f"] or "").ljust(6, "0")
    try:
        return datetime(  # noqa: DTZ001 - the caller applies the zone
            int(parts["y"]),
            int(parts["mo"]),
            int(parts["d"]),
            int(parts["h"] or 0),
            int(parts["mi"] or 0),
            int(parts["s"] or 0),
            int(fraction),
        )
    except ValueError as exc:
        raise CellValueError(f"not a real date and time: {_shown(text)} ({exc})") from None
