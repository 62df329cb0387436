"""Open data of public cases (``/public/data/cases.*``): CSV, JSON and XLSX, one data dictionary.

The rows come from the public search index (:class:`PublicSearchDoc`), which holds exactly
the cases ``/public`` lists, with their texts masked when indexed; so a download can hold
nothing ``/public`` does not show. Times are cut to the hour (a minute could single out a
person who knows when he wrote), in local time. Rows are read in id-ordered batches
(keyset pagination, plain tuples, not ORM objects) and written as they come, so memory
stays flat whatever the number of cases; every text cell goes through
:mod:`minyi.interop.safe_cells`. Like the scorecard files, the licence is a ``#`` line at the
top of the CSV, a field of the JSON and a sheet of the XLSX.
"""

from __future__ import annotations

import enum
import hashlib
import io
import json
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from typing import IO, Any

from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from minyi.accountability.search_models import PublicSearchDoc
from minyi.core.localtime import local, zone
from minyi.departments.models import Category, Department
from minyi.interop.safe_cells import SafeWriter, safe_row

__all__ = [
    "CASE_COLUMNS",
    "Column",
    "OpenFormat",
    "case_count",
    "hour",
    "iter_case_rows",
    "version",
    "write_cases",
]

BATCH = 1000
SOURCE = "Minyi 民意 · /public/data/cases"
XLSX_CELL_MAX = 32_767


class OpenFormat(enum.StrEnum):
    """The formats of the open data files."""

    CSV = "csv"
    JSON = "json"
    XLSX = "xlsx"

    @property
    def media_type(self) -> str:
        """The file's media type."""
        return {
            "csv": "text/csv; charset=utf-8",
            "json": "application/json",
            "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        }[self.value]


@dataclass(frozen=True)
class Column:
    """One column of an open data file, as the data dictionary describes it."""

    name: str
    type: str
    zh: str
    en: str


CASE_COLUMNS: tuple[Column, ...] = (
    Column("number", "string", "案件编号", "Case number"),
    Column("title", "string", "留言标题（已遮挡个人信息）", "Title of the message (personal data masked)"),
    Column("message", "string", "留言正文（已遮挡个人信息）", "Text of the message (personal data masked)"),
    Column(
        "reply",
        "string",
        "公开答复（已遮挡个人信息，多条以空行分隔）",
        "Public answers (masked; several separated by a blank line)",
    ),
    Column("department", "string", "承办单位", "Department that answered"),
    Column("category", "string", "分类（一级 / 二级 / 三级）", "Category path (level 1 / 2 / 3)"),
    Column(
        "region",
        "string",
        "区域（留言人所填，仅行政区域；其他内容留空）",
        "Region (as the author gave it, an administrative area only; else empty)",
    ),
    Column(
        "status",
        "string",
        "状态：replied 已答复，follow_up 回访中，closed 已办结",
        "Status: replied, follow_up or closed",
    ),
    Column(
        "received_at",
        "datetime",
        "首条留言的留言时间（并案的以其中最早的一条为准，与统计月份相同），取整到小时（本地时间，ISO 8601）",
        "When the first message was written (of a merged case, the earliest; the month the scorecard "
        "counts it in), cut to the hour (local time, ISO 8601)",
    ),
    Column(
        "replied_at",
        "datetime",
        "最近一次答复时间（重办后为新的答复），取整到小时（本地时间，ISO 8601；可为空）；"
        "看板的答复用时按首次答复计",
        "Last answered (after a reopening, the new answer), cut to the hour (local time, "
        "ISO 8601; may be empty); the dashboard's time to reply counts the first answer",
    ),
)
HEADERS = [column.name for column in CASE_COLUMNS]


def hour(value: datetime | None) -> str | None:
    """``value`` in local time, cut to the hour, ISO 8601 (None stays None)."""
    if value is None:
        return None
    return local(value).replace(minute=0, second=0, microsecond=0).isoformat()


def case_count(session: Session) -> int:
    """How many public cases the files hold now."""
    return session.scalar(select(func.count()).select_from(PublicSearchDoc)) or 0


def version(session: Session, licence: str) -> str:
    """A stamp that changes whenever the files would: what was indexed, names, licence, zone.

    A new, rewritten (erased, answered again) or removed index row moves the count, the sum
    of the ids or the last ``indexed_at``; a renamed department or category changes the
    names folded in. Cheap (a few aggregate queries), so it can be asked on every download.
    """
    doc = PublicSearchDoc
    count, id_sum, last = session.execute(
        select(func.count(), func.sum(doc.id), func.max(doc.indexed_at))
    ).one()
    digest = hashlib.sha256(f"{count}|{id_sum}|{last}|{licence}|{zone()}".encode())
    for row in session.execute(select(Department.id, Department.name).order_by(Department.id)):
        digest.update(f"\x1ed{row[0]}\x1f{row[1]}".encode())
    for row in session.execute(select(Category.id, Category.path).order_by(Category.id)):
        digest.update(f"\x1ec{row[0]}\x1f{row[1]}".encode())
    return digest.hexdigest()[:24]


def iter_case_rows(session: Session, batch: int = BATCH) -> Iterator[list[Any]]:
    """Every public case as a row of :data:`CASE_COLUMNS`, in index order, ``batch`` rows a query."""
    doc = PublicSearchDoc
    columns = (doc.id, doc.number, doc.title, doc.body, doc.reply, Department.name, Category.path, doc.region)
    last = 0
    while True:
        query = (
            select(*columns, doc.status, doc.received_at, doc.replied_at)
            .outerjoin(Department, Department.id == doc.department_id)
            .outerjoin(Category, Category.id == doc.category_id)
            .where(doc.id > last)
            .order_by(doc.id)
            .limit(batch)
        )
        rows = session.execute(query).all()
        if not rows:
            return
        for row in rows:
            yield [*row[1:9], hour(row[9]), hour(row[10])]
        last = rows[-1][0]


def _write_csv(rows: Iterator[list[Any]], out: IO[bytes], licence: str) -> int:
    """CSV with a BOM (so Excel reads UTF-8), a ``#`` licence line, the header; every cell made safe."""
    text = io.TextIOWrapper(out, encoding="utf-8-sig", newline="", write_through=True)
    text.write(f"# {SOURCE} · licence: {licence}\n")
    writer = SafeWriter(text, lineterminator="\n")
    writer.writerow(HEADERS)
    count = 0
    for row in rows:
        writer.writerow(row)
        count += 1
    text.flush()
    text.detach()
    return count


def _write_json(rows: Iterator[list[Any]], out: IO[bytes], licence: str) -> int:
    """One object: the licence, the columns, then the rows as objects, written row by row."""
    head = {"source": SOURCE, "licence": licence, "columns": [column.__dict__ for column in CASE_COLUMNS]}
    out.write(json.dumps(head, ensure_ascii=False)[:-1].encode() + b', "rows": [\n')
    count = 0
    for row in rows:
        prefix = b",\n" if count else b""
        out.write(prefix + json.dumps(dict(zip(HEADERS, row, strict=True)), ensure_ascii=False).encode())
        count += 1
    out.write(b"\n]}\n")
    return count


def _xlsx_cell(value: object) -> object:
    """A cell Excel accepts: no control characters, at most 32 767 characters."""
    if isinstance(value, str):
        return ILLEGAL_CHARACTERS_RE.sub("", value)[:XLSX_CELL_MAX]
    return value


def _write_xlsx(rows: Iterator[list[Any]], out: IO[bytes], licence: str) -> int:
    """A write-only workbook (rows streamed to disk): the cases, then a sheet with the licence."""
    book = Workbook(write_only=True)
    sheet = book.create_sheet("cases")
    sheet.append(HEADERS)
    count = 0
    for row in rows:
        sheet.append([_xlsx_cell(value) for value in safe_row(row)])
        count += 1
    about = book.create_sheet("licence")
    about.append(["source", SOURCE])
    about.append(["licence", licence])
    for column in CASE_COLUMNS:
        about.append([column.name, column.type, column.zh, column.en])
    book.save(out)
    return count


def write_cases(session: Session, out: IO[bytes], open_format: OpenFormat, licence: str) -> int:
    """Write the public cases to ``out`` in ``open_format``; returns how many rows."""
    source = iter_case_rows(session)
    if open_format is OpenFormat.CSV:
        return _write_csv(source, out, licence)
    if open_format is OpenFormat.JSON:
        return _write_json(source, out, licence)
    return _write_xlsx(source, out, licence)
