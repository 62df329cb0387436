"""Read labelled messages for training, and check that the file makes sense first.

A training file comes from anywhere: an export of the office's own system, a competition
data set, a spreadsheet somebody typed.  Training on the wrong column (the text as the
label) does not fail by itself: it trains thousands of one-message "classes" and ends in
an error far from the cause.  So this module finds the columns, decides whether the first
row is a header, and refuses a file it cannot make sense of *before* anything is trained,
with a message that lists the columns found and how to name them.

Formats:

* CSV in UTF-8 (with or without BOM) or GB18030/GBK, with or without a header row;
* XLSX (first sheet);
* JSONL (one JSON object per line; the keys are the header).

Columns are found, in this order:

1. by the names given (``--text-col``, ``--label-col``, ``--title-col``);
2. by common names in the first row (``label``/``一级标签``/``一级分类``…,
   ``text``/``tokens``/``留言详情``…, ``title``/``留言主题``…);
3. by content: the label is a column of short values that repeat (few distinct values
   for the rows), the text the column with the longest values.  Without a recognised
   name the first row is taken as a header when it does not look like the rows below
   it (its text cell much shorter than the column's texts, its label cell a value no
   other row holds).

A two-column file without a header whose content does not say otherwise is read as
``label,text`` (the layout of exports such as ``dev.csv``).
"""

from __future__ import annotations

import csv
import io
import json
import statistics
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

__all__ = ["TrainingDataError", "load_labelled", "max_classes"]

LABEL_NAMES = (
    "label",
    "labels",
    "category",
    "class",
    "department",
    "一级分类",
    "一级标签",
    "分类",
    "类别",
    "标签",
    "部门",
)
TEXT_NAMES = (
    "text",
    "content",
    "body",
    "message",
    "tokens",
    "words",
    "留言详情",
    "留言内容",
    "内容",
    "详情",
    "正文",
    "分词",
)
TITLE_NAMES = ("title", "subject", "留言主题", "主题", "标题")
HINT = (
    "name the columns with --text-col and --label-col, or call them text/留言详情 and "
    "label/一级标签 in the first row"
)
_MAX_CLASSES = 200
_MIN_CLASS_LIMIT = 10
_ROWS_PER_CLASS = 5
_LABEL_MAX_CHARS = 30
_PROFILE_ROWS = 2000


class TrainingDataError(ValueError):
    """A labelled file cannot be used for training; the message says where and why."""


Row = tuple[int, list[str]]


def max_classes(rows: int) -> int:
    """How many classes make sense for ``rows`` labelled messages (at least five each, ≤ 200)."""
    return min(_MAX_CLASSES, max(_MIN_CLASS_LIMIT, rows // _ROWS_PER_CLASS))


def _decode(path: Path, data: bytes) -> str:
    """Decode bytes as UTF-8 (BOM optional) or GB18030, or name the first bad line."""
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as utf8_error:
        try:
            return data.decode("gb18030")
        except UnicodeDecodeError:
            line = data.count(b"\n", 0, utf8_error.start) + 1
            raise TrainingDataError(
                f"{path}: line {line} is neither UTF-8 nor GB18030/GBK text; save the file as UTF-8"
            ) from None


def _read_bytes(path: Path) -> bytes:
    try:
        return path.read_bytes()
    except OSError as exc:
        raise TrainingDataError(f"{path}: cannot be read ({exc.strerror or exc})") from None


def _csv_rows(path: Path) -> Iterator[Row]:
    """Rows of a CSV file with their line numbers."""
    data = _read_bytes(path)
    if data.startswith(b"PK\x03\x04"):
        raise TrainingDataError(f"{path}: this is a zip/XLSX file, not CSV; give it the .xlsx extension")
    if b"\x00" in data[:4096]:
        raise TrainingDataError(f"{path}: holds binary data (NUL bytes), not CSV text")
    reader = csv.reader(io.StringIO(_decode(path, data), newline=""))
    try:
        for row in reader:
            if any(cell.strip() for cell in row):
                yield reader.line_num, row
    except csv.Error as exc:
        raise TrainingDataError(f"{path}: line {reader.line_num} is not valid CSV ({exc})") from None


def _xlsx_rows(path: Path) -> Iterator[Row]:
    """Rows of the first sheet of an XLSX file with their row numbers."""
    import openpyxl

    try:
        book = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many types for a broken file
        raise TrainingDataError(f"{path}: not a readable XLSX file ({exc})") from exc
    try:
        sheet = book.worksheets[0]
        for number, values in enumerate(sheet.iter_rows(values_only=True), start=1):
            row = ["" if v is None else str(v) for v in values]
            if any(cell.strip() for cell in row):
                yield number, row
    finally:
        book.close()


def _jsonl_rows(path: Path) -> Iterator[Row]:
    """JSONL objects as rows: a header row of keys first, then values, with line numbers."""
    text = _decode(path, _read_bytes(path))
    keys: list[str] = []
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        try:
            record = json.loads(line)
        except json.JSONDecodeError as exc:
            raise TrainingDataError(f"{path}: line {number} is not valid JSON ({exc.msg})") from None
        if not isinstance(record, dict):
            raise TrainingDataError(f"{path}: line {number} is not a JSON object")
        if not keys:
            keys = [str(k) for k in record]
            yield 0, keys
        yield number, ["" if record.get(k) is None else str(record.get(k)) for k in keys]


def _reader(path: Path) -> Iterator[Row]:
    suffix = path.suffix.lower()
    if suffix in {".xlsx", ".xlsm"}:
        return _xlsx_rows(path)
    if suffix in {".jsonl", ".ndjson"}:
        return _jsonl_rows(path)
    return _csv_rows(path)


def _find(header: list[str], wanted: str | None, aliases: Sequence[str]) -> int | None:
    """Index of column ``wanted`` (or of the first alias found); ``None`` when absent."""
    cleaned = [h.strip().lstrip("\ufeff").lower() for h in header]
    for name in [wanted] if wanted else aliases:
        if name.strip().lower() in cleaned:
            return cleaned.index(name.strip().lower())
    return None


@dataclass(frozen=True)
class _Profile:
    """What a column's values look like (on the rows after the first)."""

    mean_chars: float
    median_chars: float
    distinct: int
    filled: int
    values: frozenset[str]

    @classmethod
    def of(cls, cells: list[str]) -> _Profile:
        filled = [c.strip() for c in cells if c.strip()]
        lengths = [len(c) for c in filled] or [0]
        return cls(
            mean_chars=statistics.fmean(lengths),
            median_chars=statistics.median(lengths),
            distinct=len(set(filled)),
            filled=len(filled),
            values=frozenset(filled),
        )

    def label_like(self) -> bool:
        """Short values that repeat: few distinct values for the rows."""
        if not self.filled or self.mean_chars > _LABEL_MAX_CHARS:
            return False
        return self.distinct <= max_classes(self.filled) and self.distinct < self.filled


@dataclass(frozen=True)
class Columns:
    """Where the text, label and title are, and whether the first row is a header."""

    text: int
    label: int
    title: int | None
    header: bool


def _profiles(rows: list[Row], width: int) -> list[_Profile]:
    sample = [row for _, row in rows[1 : _PROFILE_ROWS + 1]] or [rows[0][1]]
    return [_Profile.of([_cell(row, i) for row in sample]) for i in range(width)]


def _by_content(profiles: list[_Profile], taken: set[int]) -> tuple[int | None, int | None]:
    """(text, label) columns as the content says: the longest free text, the short repeated labels."""
    free = [i for i in range(len(profiles)) if i not in taken and profiles[i].filled]
    labels = sorted((i for i in free if profiles[i].label_like()), key=lambda i: profiles[i].distinct)
    label = labels[0] if labels else None
    texts = sorted((i for i in free if i != label), key=lambda i: -profiles[i].mean_chars)
    text = texts[0] if texts else None
    if label is not None and text is not None and profiles[text].mean_chars <= profiles[label].mean_chars:
        text = None
    return text, label


def _first_row_is_header(first: list[str], profiles: list[_Profile], text: int, label: int) -> bool:
    """A first row unlike the rows below: a short "text" and a label no other row has."""
    text_cell, label_cell = _cell(first, text), _cell(first, label)
    short = len(text_cell) < max(0.5 * profiles[text].median_chars, 1)
    unseen = label_cell not in profiles[label].values
    repeated = profiles[label].distinct < profiles[label].filled
    return short and unseen and repeated


def find_columns(
    path: Path, rows: list[Row], text_col: str | None, label_col: str | None, title_col: str | None
) -> Columns:
    """Resolve the columns (see the module docstring) or refuse, listing the columns found."""
    header = rows[0][1]
    found = f"columns found: {header}"
    text_i, label_i = _find(header, text_col, TEXT_NAMES), _find(header, label_col, LABEL_NAMES)
    title_i = _find(header, title_col, TITLE_NAMES)
    for kind, name, index in (("title", title_col, title_i), ("text", text_col, text_i)):
        if name and index is None:
            raise TrainingDataError(f"{path}: no {kind} column {name!r}; {found}; {HINT}")
    if label_col and label_i is None:
        raise TrainingDataError(f"{path}: no label column {label_col!r}; {found}; {HINT}")
    if text_i is not None and label_i is not None:
        return Columns(text_i, label_i, title_i, header=True)
    width = max(len(row) for _, row in rows)
    profiles = _profiles(rows, width)
    if text_i is not None or label_i is not None:  # one named: the other by content
        taken = {i for i in (text_i, label_i, title_i) if i is not None}
        text_c, label_c = _by_content(profiles, taken)
        text_i = text_i if text_i is not None else text_c
        label_i = label_i if label_i is not None else label_c
        if text_i is None or label_i is None:
            missing = "text" if text_i is None else "label"
            raise TrainingDataError(f"{path}: cannot tell which column holds the {missing}; {found}; {HINT}")
        return Columns(text_i, label_i, title_i, header=True)
    return _unnamed(path, rows, profiles, found)


def _unnamed(path: Path, rows: list[Row], profiles: list[_Profile], found: str) -> Columns:
    """No column recognised by name: the content decides, or the file is refused."""
    text_i, label_i = _by_content(profiles, set())
    if len(profiles) == 2:  # noqa: PLR2004 - the label,text export layout
        if text_i == 0 and label_i == 1:
            return Columns(0, 1, None, header=_first_row_is_header(rows[0][1], profiles, 0, 1))
        return Columns(1, 0, None, header=_first_row_is_header(rows[0][1], profiles, 1, 0))
    if text_i is None or label_i is None:
        raise TrainingDataError(
            f"{path}: cannot tell which column holds the text and which the label; {found}; {HINT}"
        )
    return Columns(text_i, label_i, None, header=_first_row_is_header(rows[0][1], profiles, text_i, label_i))


def _cell(row: list[str], index: int) -> str:
    return row[index].strip() if index < len(row) else ""


def load_labelled(
    path: str | Path, text_col: str | None = None, label_col: str | None = None, title_col: str | None = None
) -> tuple[list[str], list[str]]:
    """Read labelled messages from CSV, XLSX or JSONL.

    Returns:
        ``(texts, labels)``; a text is the title (if any) and the body joined by a newline.

    Raises:
        TrainingDataError: unreadable file or bytes, columns not found (the message lists
            the columns found and how to name them), an empty label or text (the row is
            named), fewer than two distinct labels, or more than :func:`max_classes`.
    """
    source = Path(path)
    if not source.is_file():
        raise TrainingDataError(f"{source}: no such file")
    rows = list(_reader(source))
    if not rows:
        raise TrainingDataError(f"{source}: the file holds no rows")
    columns = find_columns(source, rows, text_col, label_col, title_col)
    texts: list[str] = []
    labels: list[str] = []
    for number, row in rows[1:] if columns.header else rows:
        label = _cell(row, columns.label)
        if not label:
            raise TrainingDataError(f"{source}: row {number} has an empty label")
        body = _cell(row, columns.text)
        title = _cell(row, columns.title) if columns.title is not None else ""
        if not body and not title:
            raise TrainingDataError(f"{source}: row {number} has an empty text")
        texts.append(f"{title}\n{body}" if title else body)
        labels.append(label)
    _check_classes(source, rows[0][1] if columns.header else None, columns, labels)
    return texts, labels


def _check_classes(path: Path, header: list[str] | None, columns: Columns, labels: list[str]) -> None:
    """Refuse a label column with one class, or with more classes than the rows can teach."""
    classes = sorted(set(labels))
    if len(classes) < 2:  # noqa: PLR2004 - a classifier needs two classes
        raise TrainingDataError(f"{path}: need at least two different labels, found {classes}")
    limit = max_classes(len(labels))
    if len(classes) > limit:
        name = repr(header[columns.label]) if header else f"number {columns.label + 1}"
        raise TrainingDataError(
            f"{path}: the label column ({name}) holds {len(classes)} different values for "
            f"{len(labels)} rows; at most {limit} make sense (five messages a class, at most "
            f"{_MAX_CLASSES}). Is it the text column? columns found: "
            f"{header or '(no header row)'}; {HINT}"
        )
