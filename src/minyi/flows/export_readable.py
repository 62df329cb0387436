"""The reader's version of an export (``minyi export --readable``): words, local times, for Excel.

The export (:mod:`minyi.flows.export`) is the file ``minyi restore`` reads: statuses, kinds
and channels as codes (``closed``, ``complaint``, ``import``), times in ISO form, replies and
events as JSON, under Chinese headers. An office opening it in Excel read codes and JSON
(eleventh probe, left open). This version writes the same cases and rows (one per message,
masked unless full, through the same plan and permission checks) for people: headers in
the reader's language, statuses, kinds, channels and events in words, times as the pages
write them (``2026-12-08 02:12``, the office's timezone), 是/否 for flags, and the replies
and history as lines of text. It is **not restorable**: its headers are not the export's
(``minyi restore`` refuses it as no Minyi export), and the words cannot be read back.

The words are the interface's (the pages' labels): the caller passes them as :class:`Words`,
so this module, below the interfaces, names no page.
"""

from __future__ import annotations

import io
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import IO, Any

from openpyxl import Workbook
from sqlalchemy.orm import Session

from minyi.cases.models import Case
from minyi.core.localtime import format_time
from minyi.flows.export import ExportFormat, ExportPlan, _Shaper, _xlsx_cell, iter_cases
from minyi.interop.export_layout import COLUMNS
from minyi.interop.safe_cells import SafeWriter, safe_row

__all__ = ["READABLE_HEADERS", "Words", "write_readable"]

#: The columns of the reader's version (the export's, but the category's id) with their
#: headers in Chinese and English. 办理状态 is not the export's 案件状态: ``minyi restore``
#: and ``minyi import`` do not take this file for an export.
READABLE_HEADERS: dict[str, tuple[str, str]] = {
    "case_number": ("案件编号", "Case number"),
    "case_status": ("办理状态", "Status"),
    "case_title": ("案件标题", "Case title"),
    "category_name": ("分类", "Category"),
    "department_code": ("承办部门代码", "Department code"),
    "department_name": ("承办部门", "Department"),
    "appeal_kind": ("诉求类型", "Kind of appeal"),
    "urgent": ("紧急", "Urgent"),
    "supervised": ("督办", "Supervised"),
    "reopened_count": ("重办次数", "Times reopened"),
    "case_is_public": ("答复公开", "Answer public"),
    "case_created_at": ("立案时间", "Opened"),
    "accepted_at": ("受理时间", "Accepted"),
    "due_at": ("答复期限", "Reply due"),
    "sign_due_at": ("签收期限", "Sign for by"),
    "replied_at": ("答复时间", "Replied"),
    "closed_at": ("办结时间", "Closed"),
    "external_id": ("留言编号", "Message number"),
    "channel": ("渠道", "Channel"),
    "author": ("留言用户", "Author"),
    "title": ("留言主题", "Message title"),
    "body": ("留言详情", "Message"),
    "submitted_at": ("留言时间", "Written"),
    "received_at": ("接收时间", "Received"),
    "region": ("地区", "Region"),
    "address": ("地址", "Address"),
    "latitude": ("纬度", "Latitude"),
    "longitude": ("经度", "Longitude"),
    "likes": ("点赞数", "Likes"),
    "dislikes": ("反对数", "Dislikes"),
    "reposts": ("转发数", "Reposts"),
    "replies_count": ("评论数", "Comments"),
    "language": ("语言", "Language"),
    "is_public": ("同意公开", "Author agreed to publish"),
    "replies": ("答复", "Replies"),
    "events": ("办理经过", "History"),
}
KEYS: tuple[str, ...] = tuple(column.key for column in COLUMNS if column.key in READABLE_HEADERS)
_FLAGS = {"zh": ("是", "否"), "en": ("yes", "no")}
_PUBLIC = {"zh": ("公开答复", "内部备注"), "en": ("public reply", "internal note")}


@dataclass(frozen=True)
class Words:
    """How codes read in the reader's language: the interface's labels, passed down."""

    language: str
    status: Callable[[str], str]
    kind: Callable[[str], str]
    channel: Callable[[str], str]
    event: Callable[[str], str]

    def headers(self) -> list[str]:
        """The header row."""
        index = 1 if self.language == "en" else 0
        return [READABLE_HEADERS[key][index] for key in KEYS]


class _Reader(_Shaper):
    """The export's shaper, its codes turned into words and its times into the pages' form."""

    def __init__(self, plan: ExportPlan, words: Words) -> None:
        super().__init__(plan)
        self.words = words
        self.flags = _FLAGS["en" if words.language == "en" else "zh"]
        self.public = _PUBLIC["en" if words.language == "en" else "zh"]

    def time(self, value: Any) -> str | None:
        return format_time(value) or None

    def _flag(self, value: object) -> str:
        return self.flags[0] if value else self.flags[1]

    def _history(self, case: Case) -> tuple[str, str]:
        """The replies and the events, one line each, oldest first."""
        replies = [
            f"{item['at']} {self.public[0] if item['public'] else self.public[1]}：{item['body'] or ''}"
            for item in (self.reply(reply) for reply in case.replies)
        ]
        events = []
        for event in case.events:
            item = self.event(event)
            line = f"{item['at']} {self.words.event(item['action'])}"
            if item["from_status"] or item["to_status"]:
                moved = [self.words.status(s) if s else "—" for s in (item["from_status"], item["to_status"])]
                line += f"（{moved[0]} → {moved[1]}）"
            if item["actor"]:
                line += f" · {item['actor']}"
            if item["note"]:
                line += f" · {item['note']}"
            events.append(line)
        return "\n".join(replies), "\n".join(events)

    def readable_rows(self, case: Case) -> Iterator[list[object]]:
        """The case's rows, one per message, in :data:`KEYS` order."""
        self._enter(case)
        head = self.case(case)
        head["case_status"] = self.words.status(head["case_status"])
        head["appeal_kind"] = self.words.kind(head["appeal_kind"]) if head["appeal_kind"] else None
        for key in ("urgent", "supervised", "case_is_public"):
            head[key] = self._flag(head[key])
        replies, events = self._history(case)
        for message in case.messages:
            values: dict[str, Any] = {**head, **self.message(message), "replies": replies, "events": events}
            values["channel"] = self.words.channel(values["channel"]) if values["channel"] else None
            values["is_public"] = self._flag(values["is_public"])
            yield ["" if values[key] is None else values[key] for key in KEYS]


def write_readable(
    session: Session, plan: ExportPlan, out: IO[bytes], export_format: ExportFormat, words: Words
) -> int:
    """Write the plan's cases to ``out`` as the reader's CSV or XLSX; returns how many cases."""
    if export_format is ExportFormat.JSONL:
        raise ValueError("the reader's version is a CSV or XLSX file")
    reader = _Reader(plan, words)
    if export_format is ExportFormat.XLSX:
        book = Workbook(write_only=True)
        sheet = book.create_sheet("Messages" if words.language == "en" else "留言（阅读版）")
        sheet.append(words.headers())
        count = _each(session, plan, reader, lambda row: sheet.append([_xlsx_cell(v) for v in safe_row(row)]))
        book.save(out)
        return count
    text = io.TextIOWrapper(out, encoding="utf-8-sig", newline="")  # the BOM: Excel reads UTF-8
    try:
        writer = SafeWriter(text)
        writer.writerow(words.headers())
        return _each(session, plan, reader, writer.writerow)
    finally:
        text.flush()
        text.detach()


def _each(
    session: Session, plan: ExportPlan, reader: _Reader, write: Callable[[list[object]], object]
) -> int:
    """Write every row of the plan's cases, a batch at a time; returns how many cases."""
    count = 0
    for cases in iter_cases(session, plan):
        for case in cases:
            for row in reader.readable_rows(case):
                write(row)
        count += len(cases)
    return count
