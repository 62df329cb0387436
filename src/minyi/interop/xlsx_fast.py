"""Read the common kind of .xlsx sheet quickly, with the standard library only.

openpyxl builds an object per cell and per shared string and costs ≈ 0.2 s just to
import; for the 4,326 rows of 附件3 it needed ≈ 0.5 s in all. An .xlsx file is a zip of
XML parts, and a table of messages uses few of them: ``xl/workbook.xml`` (sheet names),
its relationships (where each part lives), ``sharedStrings.xml`` (the text), ``styles.xml``
(which cells are dates) and the sheet. This module reads exactly those with
:mod:`zipfile` and :mod:`xml.etree.ElementTree` and gives the values openpyxl gives in
read-only, ``data_only`` mode (as :func:`minyi.interop.tabular.read_rows_once` turns them
into cell values: str, int, float, bool, naive datetime; times as ISO text).

Anything it does not handle the same way — a chart sheet, a 1904 date system, ISO date
cells, a missing part, damaged XML, a sheet name not found — makes :func:`read_sheet`
return ``None``, and the caller reads the file with openpyxl as before, so odd files and
the error messages for bad files stay what they were. The sheet is read whole before any
row is returned, so a fall-back never follows half a file; the rows of a table of
messages are held by the caller anyway.
"""

from __future__ import annotations

import posixpath
import re
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from xml.etree.ElementTree import XML, Element, ParseError

from minyi.interop.tabular import (
    SUFFIXES,
    Cells,
    CellValue,
    TabularFile,
    _lettered,
    _table_once,
    read_rows_once,
)
from minyi.interop.text_files import ImportFileError
from minyi.interop.zip_guard import check_archive

__all__ = ["read_sheet", "read_table"]

_MAIN = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
_REL = "{http://schemas.openxmlformats.org/package/2006/relationships}"
_R_ID = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}id"
_OFFICE_DOCUMENT = "/officeDocument"
_ROW, _CELL, _V, _T, _R, _IS = (f"{_MAIN}{tag}" for tag in ("row", "c", "v", "t", "r", "is"))
_SI = f"{_MAIN}si"
_WINDOWS_EPOCH = datetime(1899, 12, 30)  # noqa: DTZ001 - Excel dates are naive
_MS_PER_DAY = 86_400_000
_FIRST_MARCH_1900 = 60  # Excel's serial 60 is the 29 February 1900 that never was

# The built-in number formats that openpyxl reads as dates (is_date_format) and as
# durations (is_timedelta_format); the other built-ins are numbers. Tested against openpyxl.
_BUILTIN_DATES = frozenset((*range(14, 23), 45, 46, 47))
_BUILTIN_DURATIONS = frozenset((46,))
# openpyxl's tests of a custom format code (openpyxl.styles.numbers), copied.
_STRIP = re.compile(r'".*?"|\[(?!hh?\]|mm?\]|ss?\])[^\]]*\]')
_DATE_LETTER = re.compile(r"(?<![_\\])[dmhysDMHYS]")
_DURATION = re.compile(r"\[hh?\](:mm(:ss(\.0*)?)?)?|\[mm?\](:ss(\.0*)?)?|\[ss?\](\.0*)?", re.IGNORECASE)
_COORDINATE = re.compile(r"\$?([A-Za-z]{1,3})\$?(\d+)")
_DIGITS = "0123456789"
_COLUMNS: dict[str, int] = {}  # letters of a cell reference → column number
#: A part larger than this (uncompressed) is left to openpyxl, which streams it.
MAX_PART_BYTES = 64 * 1024 * 1024


class _UnsupportedError(Exception):
    """Something openpyxl should read instead (see the module's docstring)."""


@dataclass(frozen=True)
class _Styles:
    """Style indexes (``s=`` of a cell) whose numbers are dates, and those that are durations."""

    dates: frozenset[int] = frozenset()
    durations: frozenset[int] = frozenset()


def read_table(path: Path, *, sheet: str | None = None, encoding: str | None = None) -> TabularFile:
    """Like :func:`~minyi.interop.tabular.read_rows_once`, reading an .xlsx quickly when it can.

    Raises:
        ImportFileError: As :func:`~minyi.interop.tabular.read_rows_once` (the errors come
            from it: a file this module cannot read the same way is read by openpyxl).
    """
    path = Path(path)
    if SUFFIXES.get(path.suffix.lower()) == "xlsx" and path.is_file():
        found = read_sheet(path, sheet)
        if found is not None:
            title, rows = found
            return _table_once(path, "xlsx", _each(rows), _lettered, lambda: {"sheet": title})
    return read_rows_once(path, sheet=sheet, encoding=encoding)


def _each(rows: list[tuple[int, list[CellValue]]]) -> Cells:
    yield from rows


def read_sheet(path: Path, sheet: str | None = None) -> tuple[str, list[tuple[int, list[CellValue]]]] | None:
    """The name and the non-empty rows ``(row number, values)`` of ``sheet`` (default: the first).

    ``None`` when the file is not a plain workbook this module reads as openpyxl does.
    """
    try:
        with zipfile.ZipFile(path) as archive:
            check_archive(archive, path.name)  # a zip bomb is refused before a part is inflated
            title, part, strings, styles = _workbook(archive, sheet)
            return title, list(_rows(_read(archive, part), strings, styles))
    except ImportFileError:
        raise  # refused as a zip bomb: a ValueError, but not one for openpyxl to try
    except (_UnsupportedError, ParseError, KeyError, ValueError, IndexError, OSError, zipfile.BadZipFile):
        return None
    except (EOFError, RuntimeError, NotImplementedError, zipfile.LargeZipFile):
        return None  # damaged, encrypted or oddly compressed members: openpyxl says what


# --- the workbook's parts ------------------------------------------------------------


def _relations(archive: zipfile.ZipFile, part: str) -> dict[str, tuple[str, str]]:
    """Relationship id → (type, part path) of ``part``'s relationships."""
    folder, name = posixpath.split(part)
    rels = posixpath.join(folder, "_rels", f"{name}.rels")
    found = {}
    for relation in XML(archive.read(rels)).iter(f"{_REL}Relationship"):
        target = relation.get("Target", "")
        if relation.get("TargetMode") == "External":
            continue
        path = target.lstrip("/") if target.startswith("/") else posixpath.join(folder, target)
        found[relation.get("Id", "")] = (relation.get("Type", ""), posixpath.normpath(path))
    return found


def _workbook(archive: zipfile.ZipFile, sheet: str | None) -> tuple[str, str, list[str], _Styles]:
    """The chosen sheet's name and part, the shared strings and the date styles."""
    roots = [path for kind, path in _relations(archive, "").values() if kind.endswith(_OFFICE_DOCUMENT)]
    if len(roots) != 1:
        raise _UnsupportedError
    book = XML(archive.read(roots[0]))
    properties = book.find(f"{_MAIN}workbookPr")
    if properties is not None and properties.get("date1904", "0").lower() not in {"0", "false"}:
        raise _UnsupportedError
    relations = _relations(archive, roots[0])
    sheets = [(s.get("name", ""), relations[s.get(_R_ID, "")]) for s in book.iter(f"{_MAIN}sheet")]
    if not sheets or any(not kind.endswith("/worksheet") for _, (kind, _) in sheets):
        raise _UnsupportedError  # chart or dialog sheets: openpyxl decides what "first" means
    chosen = [(name, part) for name, (_, part) in sheets if sheet is None or name == sheet]
    if not chosen:
        raise _UnsupportedError  # openpyxl's error names the sheets
    parts = {kind.rsplit("/", 1)[-1]: part for kind, part in relations.values()}
    strings = _shared_strings(archive, parts["sharedStrings"]) if "sharedStrings" in parts else []
    styles = _styles(archive, parts["styles"]) if "styles" in parts else _Styles()
    return chosen[0][0], chosen[0][1], strings, styles


def _text(element: Element) -> str:
    """The text of a shared or inline string (``t``, or the ``t`` of each run; not phonetics)."""
    plain, runs = None, []
    for child in element:
        if child.tag == _T:
            plain = child.text if plain is None else plain
        elif child.tag == _R:
            runs.append(child.findtext(_T))
    if not runs:
        return plain or ""
    return (plain or "") + "".join(text for text in runs if text is not None)


def _shared_strings(archive: zipfile.ZipFile, part: str) -> list[str]:
    table = XML(_read(archive, part))
    strings = []
    for element in table:
        if element.tag == _SI:
            text = _text(element)
            strings.append(text.replace("x005F_", "") if "x005F_" in text else text)  # as openpyxl
    return strings


def _read(archive: zipfile.ZipFile, part: str) -> bytes:
    """A part, whole: parsed at once it costs half as much CPU as parsed as a stream."""
    if archive.getinfo(part).file_size > MAX_PART_BYTES:
        raise _UnsupportedError  # openpyxl streams it in less memory
    return archive.read(part)


def _styles(archive: zipfile.ZipFile, part: str) -> _Styles:
    root = XML(archive.read(part))
    custom = {int(f.get("numFmtId", "-1")): f.get("formatCode", "") for f in root.iter(f"{_MAIN}numFmt")}
    cell_formats = root.find(f"{_MAIN}cellXfs")
    dates, durations = set(), set()
    for index, xf in enumerate(cell_formats.iterfind(f"{_MAIN}xf") if cell_formats is not None else ()):
        number = int(xf.get("numFmtId", "0"))
        if number in custom:
            code = custom[number].split(";")[0]
            is_date = _DATE_LETTER.search(_STRIP.sub("", code)) is not None
            is_duration = _DURATION.search(code) is not None
        else:
            is_date, is_duration = number in _BUILTIN_DATES, number in _BUILTIN_DURATIONS
        if is_date:
            dates.add(index)
        if is_duration:
            durations.add(index)
    return _Styles(frozenset(dates), frozenset(durations))


# --- the sheet -----------------------------------------------------------------------


def _column(reference: str) -> int:
    """The column number of a cell reference such as ``AB12`` (remembered by its letters)."""
    found = _COORDINATE.fullmatch(reference)
    if found is None:
        raise _UnsupportedError
    number = 0
    for letter in found.group(1).upper():
        number = number * 26 + ord(letter) - 64
    _COLUMNS[reference.rstrip(_DIGITS)] = number
    return number


def _rows(sheet: bytes, strings: list[str], styles: _Styles) -> Iterator[tuple[int, list[CellValue]]]:
    """The rows in order, numbered as openpyxl numbers them (rows out of order are dropped)."""
    expected, counter = 1, 0
    for element in XML(sheet).iter(_ROW):
        number = element.get("r")
        counter = int(number) if number is not None else counter + 1
        if counter >= expected:
            cells = _cells(element, strings, styles)
            expected = counter + 1
            if cells:
                yield counter, cells


def _cells(row: Element, strings: list[str], styles: _Styles) -> list[CellValue]:
    values: dict[int, CellValue] = {}
    column = 0  # openpyxl's width is the column of the row's last cell, even out of order
    for cell in row:
        reference = cell.get("r")
        if reference:
            found = _COLUMNS.get(reference.rstrip(_DIGITS))
            if found is None:
                found = _column(reference)
            column = found
        else:
            column += 1
        values[column] = _value(cell, strings, styles)
    if not values:
        return []
    return [values.get(index) for index in range(1, column + 1)]


def _value(cell: Element, strings: list[str], styles: _Styles) -> CellValue:
    """A cell's value as openpyxl gives it with ``data_only`` (the cached result of a formula)."""
    kind = cell.get("t", "n")
    if kind == "inlineStr":
        inline = cell.find(_IS)
        return _text(inline) if inline is not None else None
    text = cell.findtext(_V) or None  # openpyxl: an empty <v/> is no value
    if text is None or kind in {"str", "e"}:
        return text
    if kind == "s":
        return strings[int(text)]
    if kind == "b":
        return bool(int(text))
    if kind != "n":
        raise _UnsupportedError  # "d" (ISO dates) and anything unknown
    return _number(text, int(cell.get("s") or 0), styles)


def _number(text: str, style: int, styles: _Styles) -> CellValue:
    number: int | float = float(text) if "." in text or "e" in text or "E" in text else int(text)
    if style in styles.dates:
        return _date(number, duration=style in styles.durations)
    return number


def _date(value: float, *, duration: bool) -> CellValue:
    """An Excel serial number as openpyxl's ``from_excel`` reads it, then as a cell value."""
    if duration:
        span = timedelta(days=value)
        if span.microseconds:
            span = timedelta(seconds=span.total_seconds() // 1, microseconds=round(span.microseconds, -3))
        return str(span)
    day, fraction = divmod(value, 1)
    diff = timedelta(milliseconds=round(fraction * _MS_PER_DAY))
    if 0 <= value < 1 and diff.days == 0:
        raise _UnsupportedError  # a time of day without a date: rare, openpyxl reads it
    if 0 < value < _FIRST_MARCH_1900:
        day += 1
    try:
        return _WINDOWS_EPOCH + timedelta(days=day) + diff
    except OverflowError:
        raise _UnsupportedError from None  # openpyxl warns and calls the cell an error
