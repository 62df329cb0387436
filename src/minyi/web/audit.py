"""The audit trail page for administrators (/staff/admin/audit), and recording case views.

The page reads :mod:`minyi.audit`: who viewed or exported personal data, who changed roles,
who imported files; filtered by action, actor and dates, newest first, paged. Only users
with the ``administer`` permission reach it (:func:`minyi.web.admin.require_admin`).
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from typing import Annotated, Any

from fastapi import Depends, Query, Request
from fastapi.responses import Response
from sqlalchemy.orm import Session

from minyi.accounts.models import User
from minyi.audit import services as audit
from minyi.cases.models import Case
from minyi.core.localtime import zone
from minyi.http.deps import DbSession, client_address
from minyi.http.transactions import Router
from minyi.pipeline.privacy import mask_text
from minyi.web import i18n
from minyi.web.admin import require_admin
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


def _bounds(since: str, until: str) -> tuple[datetime | None, datetime | None]:
    """Local dates → UTC bounds ``[since 00:00, the day after until 00:00)``."""
    first, last = _day(since), _day(until)
    tz = zone()
    start = datetime.combine(first, time(), tz) if first else None
    end = datetime.combine(last + timedelta(days=1), time(), tz) if last else None
    return start, end


@router.get("")
def audit_page(
    request: Request,
    db: DbSession,
    action: QueryText = "",
    actor: QueryText = "",
    since: QueryText = "",
    until: QueryText = "",
    page: Annotated[int, Query(ge=1, le=1_000_000)] = 1,
) -> Response:
    """The trail, newest first, 50 events a page; a bad date is named, not a 500."""
    filters = {"action": action, "actor": actor, "since": since, "until": until}
    try:
        start, end = _bounds(since, until)
    except ValueError:
        message = i18n.translate("audit.bad_date", language_of(request))
        context: dict[str, Any] = {
            "found": None,
            "filters": filters,
            "actions": audit.ACTIONS,
            "actors": [],
            "error": message,
            "audit_keys": i18n.TEXTS,
        }
        return render(request, "staff/audit.html", context, 422)
    found = audit.search(
        db,
        action=action if action in audit.ACTIONS else None,
        actor=actor.strip() or None,
        since=start,
        until=end,
        page=page,
        page_size=PAGE_SIZE,
    )
    found_context: dict[str, Any] = {
        "found": found,
        "filters": filters,
        "actions": audit.ACTIONS,
        "actors": audit.actors(db),
        "error": None,
        "audit_keys": i18n.TEXTS,
    }
    return render(request, "staff/audit.html", found_context)


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
