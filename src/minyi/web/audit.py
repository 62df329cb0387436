"""The audit trail page for administrators (/staff/admin/audit), and recording case views.

The page reads :mod:`minyi.audit`: who viewed or exported personal data, who changed roles,
who imported files; filtered by action, actor and dates, newest first, paged. Only users
with the ``administer`` permission reach it (:func:`minyi.web.admin.require_admin`).
"""

from __future__ import annotations

import contextlib
import os
import tempfile
from datetime import date, datetime, time, timedelta
from pathlib import Path
from typing import Annotated, Any

from fastapi import Depends, Query, Request
from fastapi.responses import FileResponse, PlainTextResponse, Response
from sqlalchemy.orm import Session
from starlette.background import BackgroundTask

from minyi.accounts.models import User
from minyi.audit import services as audit
from minyi.cases.models import Case
from minyi.core.localtime import local_date, zone
from minyi.db.base import utcnow
from minyi.http.deps import DbSession, client_address
from minyi.http.transactions import Router
from minyi.pipeline.privacy import mask_text
from minyi.web import audit_file, i18n
from minyi.web.admin import AdminUser, require_admin
from minyi.web.templating import language_of, render

router = Router(prefix="/staff/admin/audit", include_in_schema=False, dependencies=[Depends(require_admin)])
PAGE_SIZE = 50
QueryText = Annotated[str, Query(max_length=120)]


#: The dates a filter may name: wide enough for any trail, narrow enough that a day's
#: bounds and their conversion to UTC never overflow (0001-01-01 or 9999-12-31 gave a 500).
FIRST_DAY, LAST_DAY = date(1900, 1, 1), date(2999, 12, 31)


def _day(text: str) -> date | None:
    """A ``YYYY-MM-DD`` filter value; None when empty; ValueError when malformed or out of range."""
    if not text.strip():
        return None
    day = date.fromisoformat(text.strip())
    if not FIRST_DAY <= day <= LAST_DAY:
        raise ValueError(text)
    return day


class BadDayError(ValueError):
    """A malformed date filter; ``key`` names its field (``audit.from`` or ``audit.to``)."""

    def __init__(self, key: str) -> None:
        super().__init__(key)
        self.key = key


def _named_day(text: str, key: str) -> date | None:
    """:func:`_day`, its error naming the field, so that the reader is told which date is wrong."""
    try:
        return _day(text)
    except ValueError as exc:
        raise BadDayError(key) from exc


def _bounds(since: str, until: str) -> tuple[datetime | None, datetime | None]:
    """Local dates → UTC bounds ``[since 00:00, the day after until 00:00)``; BadDayError on a bad one."""
    first, last = _named_day(since, "audit.from"), _named_day(until, "audit.to")
    tz = zone()
    start = datetime.combine(first, time(), tz) if first else None
    end = datetime.combine(last + timedelta(days=1), time(), tz) if last else None
    return start, end


def _wanted(action: str, actor: str, subject: str, since: str, until: str) -> audit.AuditFilter:
    """The filters as typed → the trail's filter; ValueError on a bad date (named by the caller)."""
    start, end = _bounds(since, until)
    return audit.AuditFilter(
        action=action if action in audit.ACTIONS else None,
        actor=actor.strip() or None,
        subject=subject.strip() or None,
        since=start,
        until=end,
    )


def _context(
    found: audit.AuditPage | None, filters: dict[str, str], actors: list[str], error: str | None
) -> dict[str, Any]:
    return {
        "found": found,
        "filters": filters,
        "actions": audit.ACTIONS,
        "actors": actors,
        "error": error,
        "audit_keys": i18n.TEXTS,
    }


@router.get("")
def audit_page(
    request: Request,
    db: DbSession,
    action: QueryText = "",
    actor: QueryText = "",
    subject: Annotated[str, Query(max_length=300)] = "",
    since: QueryText = "",
    until: QueryText = "",
    page: Annotated[int, Query(ge=1, le=1_000_000)] = 1,
) -> Response:
    """The trail, newest first, 50 events a page; a bad date is named, not a 500.

    ``subject`` (a case number, a user name, a file) answers the office's question about one
    case or one account: every recorded action on it.
    """
    filters = {"action": action, "actor": actor, "subject": subject, "since": since, "until": until}
    try:
        wanted = _wanted(action, actor, subject, since, until)
    except ValueError:
        message = i18n.translate("audit.bad_date", language_of(request))
        return render(request, "staff/audit.html", _context(None, filters, [], message), 422)
    found = audit.search(db, wanted, page=page, page_size=PAGE_SIZE)
    return render(request, "staff/audit.html", _context(found, filters, audit.actors(db), None))


@router.get(".csv")
def audit_csv(
    request: Request,
    db: DbSession,
    user: AdminUser,
    action: QueryText = "",
    actor: QueryText = "",
    subject: Annotated[str, Query(max_length=300)] = "",
    since: QueryText = "",
    until: QueryText = "",
) -> Response:
    """The events the page's filters name, oldest first, as a CSV file for the office (audited).

    Headers, actions and details are in the reader's language (Chinese unless English was
    chosen), times in local time; written to a temporary file a batch at a time, so that a
    long trail neither fills memory nor holds a transaction open while it is sent.
    """
    language = language_of(request)
    try:
        wanted = _wanted(action, actor, subject, since, until)
    except BadDayError as bad:
        said = i18n.translate("audit.bad_date", language)
        return PlainTextResponse(f"{i18n.translate(bad.key, language)}: {said}", status_code=422)
    path, rows = _written(db, wanted, language)
    asked = {"action": wanted.action, "actor": wanted.actor, "from": since.strip(), "to": until.strip()}
    details = {key: value for key, value in asked.items() if value}
    audit.record_by(
        db,
        audit.AUDIT_EXPORTED,
        user,
        subject=subject.strip()[:300],
        address=client_address(request),
        details={**details, "rows": rows},
    )
    db.commit()
    filename = f"minyi-audit-{local_date(utcnow()).isoformat()}.csv"
    return FileResponse(
        path,
        media_type="text/csv; charset=utf-8",
        filename=filename,
        background=BackgroundTask(_remove, path),
    )


def _written(db: Session, wanted: audit.AuditFilter, language: str) -> tuple[Path, int]:
    """The CSV file of the events ``wanted`` names, in a temporary file; how many rows it holds."""
    handle, name = tempfile.mkstemp(prefix="minyi-audit-", suffix=".csv")
    path = Path(name)
    try:
        with os.fdopen(handle, "w", encoding="utf-8-sig", newline="") as out:
            rows = audit_file.write_csv(out, audit.every(db, wanted), language)
    except BaseException:
        path.unlink(missing_ok=True)
        raise
    return path, rows


def _remove(path: Path) -> None:
    with contextlib.suppress(OSError):
        path.unlink()


def shows_personal_data(case: Case) -> bool:
    """Whether the staff case page shows personal data in clear (the unmasked original)."""
    return any(mask_text(m.title) != m.title or mask_text(m.body) != m.body for m in case.messages)


def record_case_view(session: Session, request: Request, user: User, case: Case) -> None:
    """Record that ``user`` opened a case whose page carries personal data (commits)."""
    if not shows_personal_data(case):
        return
    audit.record(
        session,
        audit.VIEW_PERSONAL_DATA,
        actor=user.username,
        actor_user_id=user.id,
        subject=case.number,
        address=client_address(request),
        details={"page": "case"},
    )
    session.commit()
