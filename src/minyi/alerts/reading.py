"""Alerts as a staff member reads them: topic-level for everyone, message text only for its department.

An alert is about a topic (a hot issue, a category, a region, a keyword) and its numbers,
which every staff member may read. A keyword alert also links the messages it is about and
a masked snippet of one: department staff (:func:`minyi.accounts.permissions.department_filter`)
get only the links to their department's messages, and the snippet only when every linked
message is their department's.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from minyi.accounts.models import User
from minyi.accounts.permissions import department_filter
from minyi.alerts import services
from minyi.alerts.models import Alert
from minyi.cases.models import Case
from minyi.core import keyset
from minyi.core.keyset import SortKey
from minyi.intake.models import Message

TEXT_KEYS = frozenset({"snippet"})  # the measured values that quote a message


@dataclass(frozen=True, slots=True)
class AlertView:
    """One alert for one reader: what the reader may see of ``measured`` and ``message_ids``.

    Other attributes (``rule``, ``label``, ``status``…) are the alert's own.
    """

    alert: Alert
    measured: dict[str, Any]
    message_ids: list[str]

    def __getattr__(self, name: str) -> Any:
        """The alert's attribute ``name`` (for templates)."""
        return getattr(self.alert, name)


def _visible_messages(session: Session, departments: frozenset[str], ids: Sequence[str]) -> set[str]:
    if not ids or not departments:
        return set()
    query = (
        select(Message.id)
        .join(Case, Case.id == Message.case_id)
        .where(Message.id.in_(list(ids)), Case.department_id.in_(departments))
    )
    return set(session.scalars(query))


def views(session: Session, reader: User, alerts: Sequence[Alert]) -> list[AlertView]:
    """``alerts`` as ``reader`` may see them."""
    departments = department_filter(reader)
    if departments is None:
        return [AlertView(a, dict(a.measured or {}), list(a.message_ids or [])) for a in alerts]
    linked = [i for a in alerts for i in a.message_ids or []]
    visible = _visible_messages(session, departments, linked)
    shown = []
    for alert in alerts:
        ids = list(alert.message_ids or [])
        mine = [i for i in ids if i in visible]
        measured = dict(alert.measured or {})
        if len(mine) < len(ids):
            measured = {k: v for k, v in measured.items() if k not in TEXT_KEYS}
        shown.append(AlertView(alert, measured, mine))
    return shown


def alerts_for(
    session: Session, reader: User, *, status: str | None = None, limit: int = 50, offset: int = 0
) -> tuple[list[AlertView], int]:
    """A page of alerts (most recently seen first) as ``reader`` may see them, and the total."""
    found, total = services.list_alerts(session, status=status, limit=limit, offset=offset)
    return views(session, reader, found), total


#: The order of the alert list (most recently seen first), the id last so that none tie.
ALERT_KEYS = (
    SortKey(Alert.last_seen_at, descending=True, kind=datetime),
    SortKey(Alert.id, descending=True, kind=str),
)


def alert_page_for(  # noqa: PLR0913 - the reader, then the list's filter and page
    session: Session,
    reader: User,
    *,
    status: str | None = None,
    limit: int = 50,
    offset: int = 0,
    cursor: str | None = None,
) -> tuple[list[AlertView], int, str | None]:
    """As :func:`alerts_for`, also after a ``cursor``, with the next page's cursor (keyset paging)."""
    if cursor is None:
        found, total = services.list_alerts(session, status=status, limit=limit + 1, offset=offset)
    else:
        query = select(Alert).where(keyset.where_after(cursor, offset, ALERT_KEYS, "alerts"))
        if status is not None:
            query = query.where(Alert.status == status)
        query = query.order_by(Alert.last_seen_at.desc(), Alert.id.desc())
        found = list(session.scalars(query.limit(limit + 1)))
        total = services.count_alerts(session, status)
    page = found[:limit]
    last = page[-1] if len(found) > limit else None
    next_cursor = keyset.encode([last.last_seen_at, last.id], "alerts") if last is not None else None
    return views(session, reader, page), total, next_cursor
