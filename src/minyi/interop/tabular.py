"""Read CSV/TSV, XLSX and JSONL files as rows of plain values, streaming.

A row's number is the one a person sees: in CSV, TSV and XLSX the header is row 1 and
the first data row is row 2 (blank rows keep their number, as on screen, but are not
returned); in JSONL it is the line number.

Text files are decoded with the encoding given; else as UTF-8 (with or without a BOM);
else as GB18030, which covers GBK and GB2312. A file starting with a UTF-16 byte-order
mark is read as UTF-16. Every problem with a file raises :class:`ImportFileError`, whose
text names the file and, where there is one, the row, line or byte.

Nothing is held in memory beyond one row: :attr:`TabularFile.rows` reads the file afresh
each time it is used, so a caller can validate every row, then walk the file again to
store them. A caller that keeps every row anyway uses :func:`read_rows_once`, which opens
the file once and takes header and rows from that one pass.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable, Generator, Iterable, Iterator, Sequence
from contextlib import closing, contextmanager
from dataclasses import dataclass
from datetime import date, datetime, time
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any

from minyi.interop.text_files import ImportFileError, choose_encoding, decode_error, decoded, open_file
from minyi.interop.zip_guard import check_xlsx

if TYPE_CHECKING:
    from openpyxl.workbook.workbook import Workbook
    from openpyxl.worksheet._read_only import ReadOnlyWorksheet

__all__ = [
    "CellValue",
    "ImportFileError",
    "Record",
    "TabularFile",
    "cell_text",
    "column_list",
    "is_blank",
    "read_rows",
    "read_rows_once",
    "sheet_names",
]

CellValue = str | int | float | datetime | None
Record = dict[str, CellValue]
Row = tuple[int, Record]
Cells = Generator[tuple[int, list[CellValue]], None, None]

DELIMITERS = {"csv": ",", "tsv": "\t"}
SUFFIXES = {
    ".csv": "csv",
    ".tsv": "tsv",
    ".xlsx": "xlsx",
    ".xlsm": "xlsx",
    ".jsonl": "jsonl",
    ".ndjson": "jsonl",
}
OLD_SPREADSHEET_SUFFIXES = (".xls", ".et", ".ods", ".numbers")
_PREVIEW_CHARS = 40
_JSON_KINDS = {list: "an array", str: "a string", int: "a number", float: "a number", bool: "true/false"}


@dataclass(frozen=True)
class TabularFile:
    """An opened table: its header, and its data rows streamed from the file.

    Attributes:
        path: The file.
        format: ``"csv"``, ``"tsv"``, ``"xlsx"`` or ``"jsonl"``.
        columns: The header, stripped of whitespace and BOMs; a blank header cell is named
            ``column 3`` (CSV) or ``column C`` (XLSX) and a repeated name gets ``.1``,
            ``.2``. For JSONL, every key of every object, in order of first appearance,
            with nested objects flattened to dotted keys (``user.id``).
        open_rows: Starts a new pass over the data rows (use :attr:`rows`).
        encoding: The text encoding used (``None`` for XLSX).
        sheet: The worksheet read (XLSX only).
    """

    path: Path
    format: str
    columns: list[str]
    open_rows: Callable[[], Iterator[Row]]
    encoding: str | None = None
    sheet: str | None = None

    @property
    def rows(self) -> Iterator[Row]:
        """A new pass over the data rows, as ``(row_number, {column: value})``.

        Every column is a key of every row (``None`` where the row has no value). CSV and
        TSV values are the text as written; XLSX values are str, int, float or datetime
        (naive, as Excel stores it); JSONL values are JSON scalars, with arrays (and empty
        objects) kept as JSON text.
        """
        return self.open_rows()

    def __iter__(self) -> Iterator[Row]:
        """Same as :attr:`rows`."""
        return self.open_rows()


def read_rows(path: Path, *, sheet: str | None = None, encoding: str | None = None) -> TabularFile:
    """Open a CSV, TSV, XLSX or JSONL file as a :class:`TabularFile`.

    Args:
        path: The file; its extension (``.csv``, ``.tsv``, ``.xlsx``, ``.jsonl``) says how
            to read it.
        sheet: The XLSX worksheet to read (default: the first).
        encoding: The text encoding of a CSV, TSV or JSONL file (default: detected, UTF-8
            else GB18030). Ignored for XLSX.

    Raises:
        ImportFileError: The file is missing, empty, of an unknown kind, cannot be
            decoded or parsed; the message names the file and the row or line.
    """
    path = Path(path)
    kind = _kind(path)
    _check_readable(path)
    if kind == "xlsx":
        return _open_xlsx(path, sheet)
    if sheet is not None:
        raise ImportFileError(f"{path.name}: only an .xlsx file has sheets to choose from")
    chosen = choose_encoding(path, encoding)
    if kind == "jsonl":
        return _open_jsonl(path, chosen)
    return _open_delimited(path, kind, chosen)


def read_rows_once(path: Path, *, sheet: str | None = None, encoding: str | None = None) -> TabularFile:
    """Like :func:`read_rows`, but the file is opened and read once.

    The header and the data rows come from one pass, so :attr:`TabularFile.rows` can be
    walked only once. A text file is read into memory whole (its encoding is detected on
    the bytes read), an XLSX workbook is opened once and streamed.

    Raises:
        ImportFileError: As :func:`read_rows`.
    """
    path = Path(path)
    kind = _kind(path)
    _check_readable(path)
    if kind == "xlsx":
        title: list[str] = []
        return _table_once(
            path, kind, _xlsx_cells(path, sheet, title), _lettered, lambda: {"sheet": title[0]}
        )
    if sheet is not None:
        raise ImportFileError(f"{path.name}: only an .xlsx file has sheets to choose from")
    chosen, text = decoded(path, encoding)
    if kind == "jsonl":
        objects = list(_jsonl_objects(path, chosen, io.StringIO(text)))
        return _open_jsonl(path, chosen, objects)
    stream = io.StringIO(text, newline="")
    cells = _delimited_cells(path, chosen, DELIMITERS[kind], stream)
    return _table_once(path, kind, cells, _numbered, lambda: {"encoding": chosen})


def cell_text(value: object) -> str:
    """A cell value as text: ``""`` for None, ``12`` for 12.0, ISO 8601 for a datetime."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime):
        return value.isoformat(sep=" ")
    return str(value)


def is_blank(value: object) -> bool:
    """Whether a cell holds nothing but whitespace."""
    return value is None or (isinstance(value, str) and not value.replace("\ufeff", "").strip())


# --- files and encodings -------------------------------------------------------------


def _kind(path: Path) -> str:
    suffix = path.suffix.lower()
    if suffix in SUFFIXES:
        return SUFFIXES[suffix]
    hint = "; save it as .xlsx or .csv" if suffix in OLD_SPREADSHEET_SUFFIXES else ""
    shown = suffix or "(no extension)"
    raise ImportFileError(
        f"{path.name}: unknown kind of file {shown}{hint}; Minyi reads .csv, .tsv, .xlsx and .jsonl"
    )


def _check_readable(path: Path) -> None:
    try:
        size = path.stat().st_size
    except FileNotFoundError:
        raise ImportFileError(f"{path}: no such file") from None
    except OSError as exc:
        raise ImportFileError(f"{path}: cannot be read ({exc.strerror})") from None
    if not path.is_file():
        raise ImportFileError(f"{path}: is not a file")
    if size == 0:
        raise ImportFileError(f"{path.name}: the file is empty")


# --- rows common to every format -----------------------------------------------------


def _preview(value: object) -> str:
    text = cell_text(value)
    return repr(text if len(text) <= _PREVIEW_CHARS else text[:_PREVIEW_CHARS] + "…")


def _clean_header(cells: Sequence[object], name_of: Callable[[int], str]) -> list[str]:
    names = [cell_text(cell).replace("\ufeff", "").strip() for cell in cells]
    while names and not names[-1]:
        names.pop()
    columns: list[str] = []
    for index, name in enumerate(names):
        base = name or name_of(index)
        unique, count = base, 0
        while unique in columns:
            count += 1
            unique = f"{base}.{count}"
        columns.append(unique)
    return columns


def _record(
    path: Path, number: int, columns: list[str], cells: Sequence[CellValue], name_of: Callable[[int], str]
) -> Record:
    for index in range(len(columns), len(cells)):
        if not is_blank(cells[index]):
            raise ImportFileError(
                f"{path.name}, row {number}: {name_of(index)} holds {_preview(cells[index])} but has "
                "no header; name that column in the header row (or check the quoting of this row)"
            )
    return {column: cells[i] if i < len(cells) else None for i, column in enumerate(columns)}


def _table(
    path: Path,
    kind: str,
    cells: Callable[[], Cells],
    name_of: Callable[[int], str],
    **extra: str | None,
) -> TabularFile:
    """A table whose header is the first non-blank row of ``cells()``."""
    with closing(cells()) as rows:
        header = next(((n, row) for n, row in rows if not all(map(is_blank, row))), None)
    if header is None:
        raise ImportFileError(f"{path.name}: the file is empty (no header row)")
    header_number, columns = header[0], _clean_header(header[1], name_of)

    def data_rows() -> Iterator[Row]:
        with closing(cells()) as rows:
            for number, row in rows:
                if number > header_number and not all(map(is_blank, row)):
                    yield number, _record(path, number, columns, row, name_of)

    return TabularFile(path, kind, columns, data_rows, **extra)


def _table_once(
    path: Path, kind: str, cells: Cells, name_of: Callable[[int], str], extra: Callable[[], dict[str, str]]
) -> TabularFile:
    """A table whose header is the first non-blank row of ``cells``, and whose rows follow it."""
    header = next(((n, row) for n, row in cells if not all(map(is_blank, row))), None)
    if header is None:
        cells.close()
        raise ImportFileError(f"{path.name}: the file is empty (no header row)")
    columns = _clean_header(header[1], name_of)
    passes = [cells]

    def data_rows() -> Iterator[Row]:
        if not passes:
            msg = f"{path.name}: read once, and its rows were already walked"
            raise RuntimeError(msg)
        with closing(passes.pop()) as rows:
            for number, row in rows:
                if not all(map(is_blank, row)):
                    yield number, _record(path, number, columns, row, name_of)

    return TabularFile(path, kind, columns, data_rows, **extra())


# --- CSV and TSV ---------------------------------------------------------------------


def _numbered(index: int) -> str:
    return f"column {index + 1}"


def _open_delimited(path: Path, kind: str, encoding: str) -> TabularFile:
    def cells() -> Cells:
        return _delimited_cells(path, encoding, DELIMITERS[kind])

    return _table(path, kind, cells, _numbered, encoding=encoding)


def _delimited_cells(path: Path, encoding: str, delimiter: str, source: IO[str] | None = None) -> Cells:
    number = 0
    with source or open_file(path, encoding, newline="") as stream:
        try:
            for number, cells in enumerate(csv.reader(stream, delimiter=delimiter), start=1):
                yield number, list[CellValue](cells)
        except csv.Error as exc:
            raise ImportFileError(f"{path.name}, row {number + 1}: not valid CSV ({exc})") from None
        except UnicodeDecodeError:
            raise decode_error(path, encoding, f"row {number + 1}") from None


# --- JSONL ---------------------------------------------------------------------------


def _open_jsonl(path: Path, encoding: str, objects: list[Row] | None = None) -> TabularFile:
    """The JSONL table, read from the file at each pass (or from ``objects``, already read)."""
    keys: dict[str, None] = {}
    for _, record in objects if objects is not None else _jsonl_objects(path, encoding):
        keys.update(dict.fromkeys(record))
    if not keys:
        raise ImportFileError(f"{path.name}: the file holds no JSON object with any field")
    columns = list(keys)

    def rows() -> Iterator[Row]:
        for number, record in objects if objects is not None else _jsonl_objects(path, encoding):
            yield number, {column: record.get(column) for column in columns}

    return TabularFile(path, "jsonl", columns, rows, encoding=encoding)


def _jsonl_objects(path: Path, encoding: str, source: IO[str] | None = None) -> Iterator[Row]:
    number = 0
    with source or open_file(path, encoding) as stream:
        try:
            for number, line in enumerate(stream, start=1):
                text = line.replace("\ufeff", "", 1).strip() if number == 1 else line.strip()
                if text:
                    yield number, _json_object(path, number, text)
        except UnicodeDecodeError:
            raise decode_error(path, encoding, f"line {number + 1}") from None


def _json_object(path: Path, number: int, text: str) -> Record:
    record: Record = {}
    try:
        value = json.loads(text)
        if isinstance(value, dict):
            _flatten(value, "", record)
    except json.JSONDecodeError as exc:
        raise ImportFileError(
            f"{path.name}, line {number}: not valid JSON ({exc.msg} at column {exc.colno})"
        ) from None
    except RecursionError:
        raise ImportFileError(f"{path.name}, line {number}: JSON nested too deeply") from None
    if not isinstance(value, dict):
        found = "null" if value is None else _JSON_KINDS.get(type(value), type(value).__name__)
        raise ImportFileError(f"{path.name}, line {number}: expected a JSON object {{...}}, found {found}")
    return record


def _flatten(value: dict[str, Any], prefix: str, into: Record) -> None:
    """Nested objects become dotted columns (``user.id``); arrays stay JSON text."""
    for key, item in value.items():
        name = prefix + (key.replace("\ufeff", "").strip() or "(empty key)")
        if isinstance(item, dict) and item:
            _flatten(item, name + ".", into)
        elif isinstance(item, dict | list):
            into[name] = json.dumps(item, ensure_ascii=False)
        else:
            into[name] = item


# --- XLSX ----------------------------------------------------------------------------


def _lettered(index: int) -> str:
    from openpyxl.utils import get_column_letter  # local: openpyxl loads only for XLSX files

    return f"column {get_column_letter(index + 1)}"


@contextmanager
def _workbook(path: Path) -> Iterator[Workbook]:
    from openpyxl import load_workbook  # local: openpyxl loads only for XLSX files

    check_xlsx(path)  # before openpyxl reads the shared strings whole: no zip bomb
    try:
        book = load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # noqa: BLE001 - a damaged file surfaces as many kinds of error
        raise ImportFileError(
            f"{path.name}: cannot be opened as an Excel .xlsx workbook ({type(exc).__name__}: {exc})"
        ) from None
    try:
        yield book
    finally:
        book.close()


def sheet_names(path: Path) -> list[str]:
    """The worksheets of an XLSX workbook, in order (``[]`` for any other file)."""
    if _kind(path) != "xlsx":
        return []
    with _workbook(path) as book:
        return list(book.sheetnames)


def _worksheet(book: Workbook, path: Path, sheet: str | None) -> ReadOnlyWorksheet:
    from openpyxl.worksheet._read_only import ReadOnlyWorksheet  # local: see _workbook

    names = ", ".join(book.sheetnames) or "(none)"
    if sheet is None:
        found = book.worksheets[0] if book.worksheets else None
    elif sheet in book.sheetnames:
        found = book[sheet]
    else:
        raise ImportFileError(f"{path.name}: no sheet named {sheet!r}; its sheets are: {names}")
    if not isinstance(found, ReadOnlyWorksheet):
        raise ImportFileError(
            f"{path.name}: {sheet or 'the first sheet'} is not a worksheet; sheets: {names}"
        )
    return found


def _open_xlsx(path: Path, sheet: str | None) -> TabularFile:
    with _workbook(path) as book:
        title = _worksheet(book, path, sheet).title

    def cells() -> Cells:
        return _xlsx_cells(path, title)

    return _table(path, "xlsx", cells, _lettered, sheet=title)


def _xlsx_cells(path: Path, sheet: str | None, title: list[str] | None = None) -> Cells:
    """The rows of ``sheet`` (default: the first); its name is appended to ``title``."""
    number = 0
    with _workbook(path) as book:
        worksheet = _worksheet(book, path, sheet)
        if title is not None:
            title.append(worksheet.title)
        # The stored dimensions may be wrong (some writers omit or misstate them), and
        # trusting them would silently drop cells: read every row as it is.
        worksheet.reset_dimensions()
        try:
            # types-openpyxl types ReadOnlyWorksheet.iter_rows with Worksheet as self.
            rows = worksheet.iter_rows(min_row=1, values_only=True)  # type: ignore[misc]
            for number, row in enumerate(rows, start=1):
                yield number, [_xlsx_value(value) for value in row]
        except ImportFileError:
            raise
        except Exception as exc:  # noqa: BLE001 - a damaged sheet surfaces as many kinds of error
            raise ImportFileError(
                f"{path.name}, sheet {worksheet.title}, row {number + 1}: "
                f"cannot be read ({type(exc).__name__}: {exc})"
            ) from None


def _xlsx_value(value: object) -> CellValue:
    if value is None or isinstance(value, str | int | float | datetime):
        return value
    if isinstance(value, date):
        return datetime(value.year, value.month, value.day)  # noqa: DTZ001 - Excel dates are naive
    if isinstance(value, time):
        return value.isoformat()
    return str(value)


def column_list(columns: Iterable[str]) -> str:
    """Columns as they are quoted in error messages: ``留言编号, 留言主题``."""
    return ", ".join(columns) or "(none)"
