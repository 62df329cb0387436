"""The layout of Minyi's own export (``minyi export``, ``/staff/export``), for whoever reads it back.

One layout for CSV and XLSX, and one for JSONL; the importer recognises it by its headers
(:data:`SIGNATURE`: the case number and status columns together).

**CSV and XLSX: one row per message.** Each row carries its case's fields (repeated on every
message row of the case) and the message's fields, in :data:`COLUMNS` order, with the
headers of :data:`COLUMNS` (the ``header`` of each :class:`Column`). The message columns use
headers the importer already recognises (:data:`minyi.interop.mapping.FIELD_ALIASES`:
留言编号, 留言用户, 留言主题, 留言详情, 留言时间, 点赞数 …), so ``minyi import`` reads the
messages of an export without a ``--map``. The case's replies and events are JSON text
columns, repeated on every row of the case (so a row keeps its case whole when rows are
sorted or filtered in a spreadsheet): :data:`REPLIES_HEADER` (答复记录) holds a JSON list
of :data:`REPLY_KEYS` objects, :data:`EVENTS_HEADER` (办理记录) a JSON list of
:data:`EVENT_KEYS` objects, oldest first. A CSV is UTF-8 with a BOM (Excel opens it); an
XLSX has one worksheet, :data:`SHEET` (留言).

**JSONL: one case per line**, an object with the :data:`COLUMNS` ``key`` of every case
column, and ``messages`` (a list of objects with the ``key`` of every message column),
``replies`` (:data:`REPLY_KEYS`) and ``events`` (:data:`EVENT_KEYS`).

**Values.** Times are ISO 8601 with their offset, in the deployment's timezone
(``2026-03-01T09:30:00+08:00``); booleans are ``1``/``0`` in CSV and XLSX, ``true``/``false``
in JSONL; empty cells are ``""`` (``null`` in JSONL). Status and appeal kind are the codes of
:class:`minyi.cases.models.CaseStatus` and ``AppealKind`` (``replied``, ``complaint``), the
department its code, the category its id (and its name, for people). 留言编号 is the
message's ``external_id`` when it has one, else its internal id: re-importing an export is
idempotent.

**Masked or full.** A masked export (the default) passes titles, bodies, reply texts and
addresses through :func:`minyi.pipeline.privacy.mask_text` and leaves 留言用户 (the author's
pseudonym), 纬度/经度 and the events' ``actor`` and ``note`` empty; no export holds contact
details (name, phone, e-mail). A full export (admins only, audited) holds the texts as stored.
Every text cell of CSV and XLSX goes through :mod:`minyi.interop.safe_cells`: a cell starting
with ``= + - @``, a tab or a CR gets an apostrophe in front, which a reader strips back with
:func:`unescape_cell`.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from minyi.interop.safe_cells import FORMULA_STARTS

__all__ = [
    "CASE_COLUMNS",
    "COLUMNS",
    "EVENTS_HEADER",
    "EVENT_KEYS",
    "HEADERS",
    "MESSAGE_COLUMNS",
    "REPLIES_HEADER",
    "REPLY_KEYS",
    "SHEET",
    "SIGNATURE",
    "Column",
    "is_export",
    "unescape_cell",
]


@dataclass(frozen=True)
class Column:
    """One column: its ``header`` in CSV/XLSX, its ``key`` in JSONL, and what it holds."""

    header: str
    key: str
    about: str


CASE_COLUMNS: tuple[Column, ...] = (
    Column("案件编号", "case_number", "the case's number (Case.number), one per case"),
    Column("案件状态", "case_status", "CaseStatus code: received, accepted, … replied, closed"),
    Column("案件标题", "case_title", "the case's title (masked unless full)"),
    Column("分类编号", "category_id", "the category's id"),
    Column("分类名称", "category_name", "the category's name"),
    Column("承办部门", "department_code", "the department's code"),
    Column("承办部门名称", "department_name", "the department's name"),
    Column("诉求类型", "appeal_kind", "AppealKind code: inquiry, help, complaint …"),
    Column("紧急", "urgent", "1 if the case is urgent"),
    Column("督办", "supervised", "1 if the case is supervised"),
    Column("重办次数", "reopened_count", "how many times the case was reopened"),
    Column("案件公开", "case_is_public", "1 if the case's answer is public"),
    Column("立案时间", "case_created_at", "when the case was opened"),
    Column("受理时间", "accepted_at", "when it was accepted"),
    Column("答复期限", "due_at", "the reply deadline"),
    Column(
        "签收期限",
        "sign_due_at",
        "the acceptance deadline (签收期限) while the department has not signed for it",
    ),
    Column("答复时间", "replied_at", "when it was answered"),
    Column("办结时间", "closed_at", "when it was closed"),
)

MESSAGE_COLUMNS: tuple[Column, ...] = (
    Column("留言编号", "external_id", "the message's external_id, else its internal id"),
    Column("渠道", "channel", "the channel it came by (web, api, open311, import …)"),
    Column("留言用户", "author", "the author's pseudonym (full export only)"),
    Column("留言主题", "title", "the title (masked unless full)"),
    Column("留言详情", "body", "the text (masked unless full)"),
    Column("留言时间", "submitted_at", "when the author wrote it (else when it was received)"),
    Column("接收时间", "received_at", "when Minyi received it"),
    Column("地区", "region", "the region"),
    Column("地址", "address", "the address (masked unless full)"),
    Column("纬度", "latitude", "latitude (full export only)"),
    Column("经度", "longitude", "longitude (full export only)"),
    Column("点赞数", "likes", "likes"),
    Column("反对数", "dislikes", "dislikes"),
    Column("转发数", "reposts", "reposts"),
    Column("评论数", "replies_count", "comments counted at the source"),
    Column("语言", "language", "language code"),
    Column("是否公开", "is_public", "1 if the author agreed to publish"),
)

REPLIES_HEADER = "答复记录"
EVENTS_HEADER = "办理记录"
REPLY_KEYS: tuple[str, ...] = ("at", "public", "body")  # body masked unless full
EVENT_KEYS: tuple[str, ...] = ("at", "action", "from_status", "to_status", "actor", "note")

COLUMNS: tuple[Column, ...] = (
    *CASE_COLUMNS,
    *MESSAGE_COLUMNS,
    Column(REPLIES_HEADER, "replies", f"JSON list of {{{', '.join(REPLY_KEYS)}}}, oldest first"),
    Column(EVENTS_HEADER, "events", f"JSON list of {{{', '.join(EVENT_KEYS)}}}, oldest first"),
)
HEADERS: tuple[str, ...] = tuple(column.header for column in COLUMNS)
SHEET = "留言"
SIGNATURE: frozenset[str] = frozenset({"案件编号", "案件状态", "留言编号"})


def is_export(headers: Iterable[str]) -> bool:
    """Whether a file with these headers is a Minyi export (all of :data:`SIGNATURE` present)."""
    return {str(name).strip().lstrip("\ufeff") for name in headers} >= SIGNATURE


def unescape_cell(value: str) -> str:
    """A text cell as it was before :func:`minyi.interop.safe_cells.safe_cell` (the apostrophe off)."""
    if len(value) > 1 and value[0] == "'" and value[1:].startswith(FORMULA_STARTS):
        return value[1:]
    return value
