"""Recording and reading the audit trail (services never commit)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from minyi.audit.models import AuditEvent
from minyi.db.base import new_id, utcnow

# The actions recorded today; a new kind of event adds its name here.
EXPORT_MASKED = "export_masked"
EXPORT_FULL = "export_full"  # personal data in clear: admins only
VIEW_PERSONAL_DATA = "view_personal_data"
ROLE_CHANGED = "role_changed"
IMPORT = "import"
ERASURE = "erasure"  # one person's data erased at their request (flows.erasure)
ERASURE_PREVIEW = "erasure_preview"  # what an erasure would find: a look-up by phone or e-mail
HOLIDAYS_CHANGED = (
    "holidays_changed"  # a year's schedule entered, changed or removed: every deadline counts on it
)
DEADLINES_RECOUNTED = "deadlines_recounted"  # the recount of deadlines that schedule moved (overdue ones too)
ACTIONS = (
    VIEW_PERSONAL_DATA,
    EXPORT_FULL,
    EXPORT_MASKED,
    ROLE_CHANGED,
    IMPORT,
    ERASURE,
    ERASURE_PREVIEW,
    HOLIDAYS_CHANGED,
    DEADLINES_RECOUNTED,
)


def record(  # noqa: PLR0913 - the fields of one event
    session: Session,
    action: str,
    *,
    actor: str,
    actor_user_id: str | None = None,
    subject: str = "",
    address: str | None = None,
    details: dict[str, Any] | None = None,
) -> AuditEvent:
    """Append one event (flushed with the caller's transaction)."""
    event = AuditEvent(
        id=new_id(),
        at=utcnow(),
        actor=actor[:120],
        actor_user_id=actor_user_id,
        action=action[:60],
        subject=subject[:300],
        address=(address or None) and address[:64],
        details=details or {},
    )
    session.add(event)
    return event


def recent(
    session: Session, *, action: str | None = None, since: datetime | None = None, limit: int = 200
) -> Sequence[AuditEvent]:
    """The newest events first, optionally of one action and since a time."""
    query = select(AuditEvent).order_by(AuditEvent.at.desc(), AuditEvent.id.desc()).limit(limit)
    if action:
        query = query.where(AuditEvent.action == action)
    if since is not None:
        query = query.where(AuditEvent.at >= since)
    return list(session.scalars(query))


@dataclass(frozen=True)
class AuditPage:
    """One page of the trail, newest first, and how many events match in all."""

    events: Sequence[AuditEvent]
    total: int
    page: int
    pages: int


def search(  # noqa: PLR0913 - the filters of the admins' page
    session: Session,
    *,
    action: str | None = None,
    actor: str | None = None,
    since: datetime | None = None,
    until: datetime | None = None,
    page: int = 1,
    page_size: int = 50,
) -> AuditPage:
    """The events of one action, by an actor (exact name), in ``[since, until)``, one page of them."""
    query = select(AuditEvent)
    if action:
        query = query.where(AuditEvent.action == action)
    if actor:
        query = query.where(AuditEvent.actor == actor)
    if since is not None:
        query = query.where(AuditEvent.at >= since)
    if until is not None:
        query = query.where(AuditEvent.at < until)
    total = session.scalar(select(func.count()).select_from(query.subquery())) or 0
    pages = max(1, -(-total // page_size))
    page = min(max(page, 1), pages)
    found = session.scalars(
        query.order_by(AuditEvent.at.desc(), AuditEvent.id.desc())
        .offset((page - 1) * page_size)
        .limit(page_size)
    )
    return AuditPage(list(found), int(total), page, pages)


def actors(session: Session, limit: int = 200) -> list[str]:
    """The names that appear in the trail, for the page's actor filter."""
    return list(session.scalars(select(AuditEvent.actor).distinct().order_by(AuditEvent.actor).limit(limit)))
