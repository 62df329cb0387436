"""Recording and reading the audit trail (services never commit)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from minyi.audit.models import AuditEvent
from minyi.db.base import new_id, utcnow

# The actions recorded today; a new kind of event adds its name here.
EXPORT_MASKED = "export_masked"
EXPORT_FULL = "export_full"  # personal data in clear: admins only
VIEW_PERSONAL_DATA = "view_personal_data"
ROLE_CHANGED = "role_changed"
IMPORT = "import"


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
