"""Export cases with their messages, replies and events (``minyi export``, ``/staff/export``).

The layout is :mod:`minyi.interop.export_layout`. :func:`plan_export` checks who asks and
what (department staff export their own department's cases only; the full file, with
personal data in clear, is for admins only) and raises before anything is written;
:func:`write_export` then streams the cases in id-ordered batches (keyset pagination, the
batch's messages, replies and events read by ``selectinload``; the session emptied after
each batch), writing rows as it goes: memory stays flat whatever the number of cases.
:func:`record_export` appends the export to the audit trail (``export_full`` or
``export_masked``).
"""

from __future__ import annotations

import enum
import io
import json
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta, tzinfo
from typing import IO, Any

from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from sqlalchemy import Select, select
from sqlalchemy.orm import Session, joinedload, selectinload

from minyi.accounts.models import User
from minyi.accounts.permissions import Action, can, department_filter
from minyi.audit import services as audit
from minyi.cases.models import Case, CaseEvent, CaseStatus, Reply
from minyi.cases.public_text import names_to_hide, official_numbers
from minyi.core.errors import Forbidden, InvalidInput, NotFound
from minyi.core.localtime import local, zone
from minyi.departments.models import Category, Department
from minyi.intake.models import Message
from minyi.interop import export_layout as layout
from minyi.interop.safe_cells import SafeWriter, safe_row
from minyi.pipeline.privacy import mask_names, mask_text

__all__ = ["ExportFilters", "ExportFormat", "ExportPlan", "plan_export", "record_export", "write_export"]

BATCH_CASES = 1000
XLSX_CELL_MAX = 32_767  # characters Excel keeps in one cell


class ExportFormat(enum.StrEnum):
    """The file formats of an export."""

    CSV = "csv"
    XLSX = "xlsx"
    JSONL = "jsonl"

    @property
    def media_type(self) -> str:
        """The file's MIME type."""
        return {
            "csv": "text/csv; charset=utf-8",
            "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            "jsonl": "application/x-ndjson",
        }[self.value]


@dataclass(frozen=True)
class ExportFilters:
    """Which cases: opened from ``date_from`` to ``date_to`` (local dates, inclusive), etc."""

    date_from: date | None = None
    date_to: date | None = None
    department: str | None = None  # a department's code
    category_id: str | None = None
    status: str | None = None

    def to_dict(self) -> dict[str, str]:
        """The filters given, as text (for the audit trail)."""
        values = {
            "from": self.date_from,
            "to": self.date_to,
            "department": self.department,
            "category": self.category_id,
            "status": self.status,
        }
        return {name: str(value) for name, value in values.items() if value}


@dataclass(frozen=True)
class ExportPlan:
    """A checked export: the query's conditions, and whether personal data stays in clear."""

    filters: ExportFilters
    full: bool
    department_ids: frozenset[str] | None  # None: every department
    category_id: str | None
    status: CaseStatus | None
    keep: tuple[str, ...] = field(default=())  # official numbers left readable when masking


#: The days a period may name: a day's bounds and their conversion to UTC never overflow.
FIRST_DAY, LAST_DAY = date(1900, 1, 1), date(2999, 12, 31)


def plan_export(
    session: Session, user: User | None, filters: ExportFilters, *, full: bool = False
) -> ExportPlan:
    """Check an export before anything is written.

    ``user`` None is the operator at the command line (every case; the full file too).

    Raises:
        InvalidInput: a bad status or period.
        NotFound: no such department or category.
        Forbidden: the user may not export these cases, or not in full.
    """
    status = _status(filters.status)
    for day, name in ((filters.date_from, "from"), (filters.date_to, "to")):
        if day is not None and not FIRST_DAY <= day <= LAST_DAY:  # 0001-01-01 or 9999-12-31: a 500
            raise InvalidInput("dates run from 1900-01-01 to 2999-12-31", field=name)
    if filters.date_from and filters.date_to and filters.date_from > filters.date_to:
        raise InvalidInput("the period ends before it starts", field="to")
    category_id = _category_id(session, filters.category_id)
    wanted = _department_ids(session, filters.department)
    allowed = None if user is None else department_filter(user)
    if user is not None and not can(user, Action.VIEW_CASE, user.department_id):
        raise Forbidden(f"{user.role} users may not export cases")
    if full and user is not None and not can(user, Action.ADMINISTER):
        raise Forbidden("only administrators may export personal data in full")
    if allowed is not None and wanted is not None and not wanted <= allowed:
        raise Forbidden("you may export your own department's cases only")
    department_ids = wanted if wanted is not None else allowed
    keep = () if full else official_numbers(session)
    return ExportPlan(filters, full, department_ids, category_id, status, keep)


def _category_id(session: Session, given: str | None) -> str | None:
    """The category named by its id or by the centre's own code (分类编码, e.g. ``010206``).

    An operator knows the codes of the tree the centre imported, not the ids.
    """
    if not given:
        return None
    found = session.get(Category, given) or session.scalar(select(Category).where(Category.code == given))
    if found is None:
        raise NotFound(f"no category {given!r}")
    return found.id


def _status(value: str | None) -> CaseStatus | None:
    if not value:
        return None
    try:
        return CaseStatus(value)
    except ValueError:
        names = ", ".join(status.value for status in CaseStatus)
        raise InvalidInput(f"unknown status {value!r}; the statuses are: {names}", field="status") from None


def _department_ids(session: Session, code: str | None) -> frozenset[str] | None:
    if not code:
        return None
    found = session.scalar(select(Department.id).where(Department.code == code))
    if found is None:
        raise NotFound(f"no department with the code {code!r}")
    return frozenset({found})


def record_export(  # noqa: PLR0913 - the event's fields
    session: Session,
    plan: ExportPlan,
    *,
    actor: str,
    user: User | None,
    export_format: ExportFormat,
    cases: int,
    address: str | None = None,
) -> None:
    """Append the export to the audit trail (the caller commits)."""
    details: dict[str, Any] = {"format": export_format.value, "cases": cases, **plan.filters.to_dict()}
    audit.record(
        session,
        audit.EXPORT_FULL if plan.full else audit.EXPORT_MASKED,
        actor=actor,
        actor_user_id=user.id if user else None,
        subject="cases",
        address=address,
        details=details,
    )


# --- reading ----------------------------------------------------------------------------


def _query(plan: ExportPlan) -> Select[Case]:
    query = select(Case).order_by(Case.id)
    if plan.department_ids is not None:
        query = query.where(Case.department_id.in_(sorted(plan.department_ids)))
    if plan.category_id:
        query = query.where(Case.category_id == plan.category_id)
    if plan.status is not None:
        query = query.where(Case.status == plan.status)
    if plan.filters.date_from:
        query = query.where(Case.created_at >= _utc_start(plan.filters.date_from))
    if plan.filters.date_to:
        query = query.where(Case.created_at < _utc_start(plan.filters.date_to + timedelta(days=1)))
    return query.options(
        joinedload(Case.category),
        joinedload(Case.department),
        selectinload(Case.messages).selectinload(Message.contact),  # the names a masked file hides
        selectinload(Case.replies),
        selectinload(Case.events),
    )


def _utc_start(day: date) -> datetime:
    return datetime.combine(day, time(), tzinfo=zone()).astimezone(UTC)


def iter_cases(session: Session, plan: ExportPlan, batch: int = BATCH_CASES) -> Iterator[Sequence[Case]]:
    """The plan's cases, ``batch`` at a time in id order; the session is emptied after each."""
    last: str | None = None
    while True:
        query = _query(plan).limit(batch)
        if last is not None:
            query = query.where(Case.id > last)
        cases = session.scalars(query).unique().all()
        if not cases:
            return
        yield cases
        last = cases[-1].id
        session.expunge_all()


# --- rows -------------------------------------------------------------------------------


def _time(value: datetime | None, where: tzinfo | None = None) -> str | None:
    """``value`` as ISO 8601 in local time (``where``, else the deployment's timezone)."""
    if value is None:
        return None
    if where is None:
        return local(value).isoformat()
    return (value if value.tzinfo else value.replace(tzinfo=UTC)).astimezone(where).isoformat()


class _Shaper:
    """Turns a case into the layout's values, masked unless the plan is full."""

    def __init__(self, plan: ExportPlan) -> None:
        self.plan = plan
        self.zone = zone()  # looked up once: per value it costs more than the formatting
        self.names: list[str] = []  # the people of the case being shaped (masked export)

    def _enter(self, case: Case) -> None:
        """Start shaping ``case``: a masked file hides its people's names, as the API does.

        The masker alone finds introduced names (我叫…) but not a contact's name written in a
        title or an address (噪音投诉 李秘密): the staff API showed 李**, the masked export 李秘密.
        """
        self.names = [] if self.plan.full else names_to_hide(case)

    def time(self, value: datetime | None) -> str | None:
        return _time(value, self.zone)

    def text(self, value: str | None) -> str | None:
        if value is None:
            return None
        if self.plan.full:
            return value
        return mask_names(mask_text(value, keep=self.plan.keep), self.names)

    def case(self, case: Case) -> dict[str, Any]:
        return {
            "case_number": case.number,
            "case_status": str(case.status),
            "case_title": self.text(case.title),
            "category_id": case.category_id,
            "category_name": case.category.name if case.category else None,
            "department_code": case.department.code if case.department else None,
            "department_name": case.department.name if case.department else None,
            "appeal_kind": case.appeal_kind,
            "urgent": bool(case.urgent),
            "supervised": bool(case.supervised),
            "reopened_count": case.reopened_count or 0,
            "case_is_public": bool(case.is_public),
            "case_created_at": self.time(case.created_at),
            "accepted_at": self.time(case.accepted_at),
            "due_at": self.time(case.due_at),
            "sign_due_at": self.time(case.sign_due_at),
            "replied_at": self.time(case.replied_at),
            "closed_at": self.time(case.closed_at),
        }

    def message(self, message: Message) -> dict[str, Any]:
        full = self.plan.full
        return {
            "external_id": message.external_id or message.id,
            "channel": message.channel,
            "author": message.author_pseudonym if full else None,
            "title": self.text(message.title),
            "body": self.text(message.body),
            "submitted_at": self.time(message.submitted_at or message.received_at),
            "received_at": self.time(message.received_at),
            "region": self.text(message.region),  # free text: a name and a number were typed there
            "address": self.text(message.address),
            "latitude": message.latitude if full else None,
            "longitude": message.longitude if full else None,
            "likes": message.likes,
            "dislikes": message.dislikes,
            "reposts": message.reposts,
            "replies_count": message.replies_count,
            "language": message.language,
            "is_public": bool(message.is_public),
        }

    def reply(self, reply: Reply) -> dict[str, Any]:
        return {
            "at": self.time(reply.created_at),
            "public": bool(reply.is_public),
            "body": self.text(reply.body),
        }

    def event(self, event: CaseEvent) -> dict[str, Any]:
        full = self.plan.full
        payload = event.payload or {}
        note = payload.get("note") or payload.get("reason") or None
        return {
            "at": self.time(event.created_at),
            "action": str(event.action),
            "from_status": str(event.from_status) if event.from_status else None,
            "to_status": str(event.to_status) if event.to_status else None,
            "actor": event.actor if full else None,
            "note": str(note) if full and note else None,
        }

    def document(self, case: Case) -> dict[str, Any]:
        """The case as one JSONL object."""
        self._enter(case)
        return {
            **self.case(case),
            "messages": [self.message(message) for message in case.messages],
            "replies": [self.reply(reply) for reply in case.replies],
            "events": [self.event(event) for event in case.events],
        }

    def rows(self, case: Case) -> Iterator[list[object]]:
        """The case's CSV/XLSX rows, one per message, in the layout's column order."""
        self._enter(case)
        head = self.case(case)
        replies = json.dumps([self.reply(reply) for reply in case.replies], ensure_ascii=False)
        events = json.dumps([self.event(event) for event in case.events], ensure_ascii=False)
        for message in case.messages:
            values = {**head, **self.message(message), "replies": replies, "events": events}
            yield [_cell(values[column.key]) for column in layout.COLUMNS]


def _cell(value: object) -> object:
    if value is None:
        return ""
    if isinstance(value, bool):
        return int(value)
    return value


# --- writing ----------------------------------------------------------------------------


def write_export(
    session: Session, plan: ExportPlan, out: IO[bytes], export_format: ExportFormat, batch: int = BATCH_CASES
) -> int:
    """Write the plan's cases to ``out`` in ``export_format``; returns how many cases."""
    shaper = _Shaper(plan)
    if export_format is ExportFormat.XLSX:
        return _write_xlsx(session, plan, out, shaper, batch)
    encoding = "utf-8-sig" if export_format is ExportFormat.CSV else "utf-8"
    text = io.TextIOWrapper(out, encoding=encoding, newline="")
    try:
        if export_format is ExportFormat.CSV:
            return _write_csv(session, plan, text, shaper, batch)
        return _write_jsonl(session, plan, text, shaper, batch)
    finally:
        text.flush()
        text.detach()


def _write_csv(session: Session, plan: ExportPlan, out: IO[str], shaper: _Shaper, batch: int) -> int:
    writer = SafeWriter(out)
    writer.writerow(layout.HEADERS)
    count = 0
    for cases in iter_cases(session, plan, batch):
        for case in cases:
            writer.writerows(shaper.rows(case))
        count += len(cases)
    return count


def _write_jsonl(session: Session, plan: ExportPlan, out: IO[str], shaper: _Shaper, batch: int) -> int:
    count = 0
    for cases in iter_cases(session, plan, batch):
        for case in cases:
            out.write(json.dumps(shaper.document(case), ensure_ascii=False) + "\n")
        count += len(cases)
    return count


def _xlsx_cell(value: object) -> object:
    if isinstance(value, str):
        return ILLEGAL_CHARACTERS_RE.sub("", value)[:XLSX_CELL_MAX]
    return value


def _write_xlsx(session: Session, plan: ExportPlan, out: IO[bytes], shaper: _Shaper, batch: int) -> int:
    book = Workbook(write_only=True)
    sheet = book.create_sheet(layout.SHEET)
    sheet.append(list(layout.HEADERS))
    count = 0
    for cases in iter_cases(session, plan, batch):
        for case in cases:
            for row in shaper.rows(case):
                sheet.append([_xlsx_cell(value) for value in safe_row(row)])
        count += len(cases)
    book.save(out)
    return count
