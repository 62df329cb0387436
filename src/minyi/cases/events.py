"""The case event log: who did what to a case, and the errors case actions raise.

Every other case module records through :func:`record`, so this one sits below them all
(it imports only the models and the lifecycle) and none of them needs another to log.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from minyi.accounts.models import User
from minyi.cases import lifecycle
from minyi.cases.models import Case, CaseEvent, CaseStatus, EventAction
from minyi.core.errors import Conflict, NotFound
from minyi.db.base import new_id, utcnow

SYSTEM = "system"


class CaseError(Conflict, ValueError):
    """A case action that cannot be carried out now; the text says why."""


class CaseAccessError(NotFound, PermissionError):
    """No such case, or the user may not see it."""


def actor_name(user: User | None) -> str:
    """How an actor is written in the event log."""
    return f"user:{user.username}" if user is not None else SYSTEM


def record(  # noqa: PLR0913 - the fields of one event
    session: Session,
    case: Case,
    action: EventAction,
    *,
    user: User | None = None,
    to_status: CaseStatus | None = None,
    payload: dict[str, Any] | None = None,
) -> CaseEvent:
    """Append an event to the case's log, moving the case to ``to_status`` if one is given.

    The move goes through :func:`lifecycle.move`: one the lifecycle does not allow raises
    TransitionError and records nothing. A case that is no longer ``dispatched`` has no
    acceptance deadline (签收期限) left, whichever step moved it. Recording queues no notice;
    the step that needs one calls :mod:`minyi.cases.notices` itself.
    """
    before = case.status
    after = lifecycle.move(case, to_status) if to_status is not None else before
    if after != CaseStatus.DISPATCHED:  # signed for, sent back, answered or merged: no more 签收期限
        case.sign_due_at = None
    case.version = (case.version or 0) + 1  # a step taken at the same time by someone else fails
    event = CaseEvent(
        id=new_id(),
        case=case,
        actor=actor_name(user),
        actor_user_id=user.id if user else None,
        action=action,
        from_status=before,
        to_status=after,
        payload=payload or {},
        created_at=utcnow(),
    )
    session.add(event)
    return event
