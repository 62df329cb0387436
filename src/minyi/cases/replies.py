"""Replies to a case: the public answer, internal notes, and answers given before Minyi.

A public reply is scored before it is sent (:func:`check_reply`); an imported historical
reply (答复意见) is kept as it was given and closes the case at its own time.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from sqlalchemy.orm import Session, object_session

from minyi.accounts.models import User
from minyi.accounts.permissions import Action, require
from minyi.cases import notices
from minyi.cases.calendar import WorkCalendar, default_calendar
from minyi.cases.events import CaseError, record
from minyi.cases.holiday_store import office_calendar
from minyi.cases.models import ANSWERED_STATUSES, Case, CaseStatus, EventAction, Reply
from minyi.core.errors import InvalidInput
from minyi.db.base import new_id, utcnow
from minyi.pipeline.reply_quality import ReplyQuality, ReplyQualityChecker

MAX_REPLY_CHARS = 20_000
#: The default of ``MINYI_REPLY_MIN_SCORE``: a public reply scoring less needs a stated reason.
DEFAULT_REPLY_MIN_SCORE = 60.0
#: A reply scoring at least this is good (shown green); between the threshold and this, amber.
GOOD_REPLY_SCORE = 80.0
MAX_REASON_CHARS = 2000
HISTORICAL_AUTHOR = "历史答复"

_checker: ReplyQualityChecker | None = None


def check_reply(case: Case, body: str) -> ReplyQuality:
    """Score a draft public reply to ``case`` before it is sent, by the office's calendar."""
    global _checker  # noqa: PLW0603 - one checker per process, built on first use
    if _checker is None:
        _checker = ReplyQualityChecker()
    first = case.messages[0] if case.messages else None
    return _checker.check(
        first.title if first else case.title,
        first.body if first else "",
        body,
        received_at=first.received_at if first else case.created_at,
        replied_at=utcnow(),
        due_at=case.due_at,
        calendar=_calendar(case),
    )


def _calendar(case: Case) -> WorkCalendar:
    """The office's calendar (holidays entered by an administrator included)."""
    session = object_session(case)
    return office_calendar(session) if session is not None else default_calendar()


def score_band(score: float, min_score: float = DEFAULT_REPLY_MIN_SCORE) -> str:
    """``low`` below the threshold, ``fair`` below :data:`GOOD_REPLY_SCORE`, else ``good``."""
    if score < min_score:
        return "low"
    return "good" if score >= GOOD_REPLY_SCORE else "fair"


def _quality_payload(case: Case, text: str, reason: str, min_score: float) -> dict[str, Any]:
    """The quality check of a public reply for the event log; InvalidInput without a needed reason."""
    if min_score <= 0:
        return {}
    score = check_reply(case, text).score
    payload: dict[str, Any] = {"quality_score": score, "quality_min_score": min_score}
    if score >= min_score:
        return payload
    why = reason.strip()
    if not why:
        raise InvalidInput(
            f"the reply check scores this reply {score:.0f}, below {min_score:.0f}: "
            "improve it, or give the reason for sending it as it is",
            field="reason",
        )
    if len(why) > MAX_REASON_CHARS:
        raise InvalidInput(f"the reason may have at most {MAX_REASON_CHARS} characters", field="reason")
    payload["low_score_reason"] = why
    return payload


def _reply_text(body: str) -> str:
    """The reply stripped; CaseError when it is empty or too long."""
    text = body.strip()
    if not text:
        raise CaseError("the reply must not be empty")
    if len(text) > MAX_REPLY_CHARS:
        raise CaseError(f"the reply may have at most {MAX_REPLY_CHARS} characters")
    return text


#: The same words from the same person on the same case within this time are one reply sent
#: twice (a client retrying, a second click): it was stored twice, and the citizen told twice.
SAME_REPLY_WINDOW = timedelta(minutes=10)


def _same_reply(case: Case, user: User, text: str, public: bool) -> Reply | None:
    """The reply ``user`` gave ``case`` moments ago with these words, if any.

    A public reply counts as sent twice only while the case stands answered: after a
    reopening (重办) the case waits for an answer, and the same words answer it again.
    """
    if public and case.status not in ANSWERED_STATUSES:
        return None
    since = utcnow() - SAME_REPLY_WINDOW
    for reply in reversed(case.replies):
        same = reply.author_user_id == user.id and reply.body == text and reply.is_public == public
        if same and reply.created_at >= since:
            return reply
    return None


def add_reply(  # noqa: PLR0913 - the reply, then how its check is held
    session: Session,
    user: User,
    case: Case,
    body: str,
    *,
    public: bool,
    min_score: float = DEFAULT_REPLY_MIN_SCORE,
    reason: str = "",
    direct: bool = False,
) -> Reply:
    """Add a public reply (which answers the case) or an internal note.

    ``direct``: a dispatcher's answer at intake (直接答复, ``minyi.knowledge.uses``): a received
    or accepted case is answered without a department, under ``Action.DIRECT_ANSWER``.

    A public reply is scored by :func:`check_reply`; below ``min_score`` (0: no check) it is
    refused with InvalidInput (field ``reason``) unless ``reason`` says why it is sent as it
    is. The score and the reason are kept in the event's payload.
    """
    # The public reply belongs to the case's department (and admins); others add notes.
    needed = Action.DIRECT_ANSWER if direct else Action.REPLY if public else Action.NOTE
    require(user, needed, case.department_id)
    text = _reply_text(body)
    again = _same_reply(case, user, text, public)
    if again is not None:
        return again
    answering = case.status in (CaseStatus.DISPATCHED, CaseStatus.SIGNED, CaseStatus.IN_PROGRESS)
    answering = answering or (direct and public and case.status in (CaseStatus.RECEIVED, CaseStatus.ACCEPTED))
    if public and not answering and case.status not in ANSWERED_STATUSES:
        raise CaseError(f"a case that is {case.status} must be dispatched before it is answered")
    checked = _quality_payload(case, text, reason, min_score) if public else {}
    reply = Reply(
        id=new_id(), case=case, author_user_id=user.id, body=text, is_public=public, created_at=utcnow()
    )
    session.add(reply)
    payload = {"reply_id": reply.id, **checked}
    if not public:
        record(session, case, EventAction.NOTE, user=user, payload=payload)
    elif answering:
        case.replied_at = utcnow()
        event = record(
            session, case, EventAction.REPLIED, user=user, to_status=CaseStatus.REPLIED, payload=payload
        )
        notices.replied(session, case, event)
    else:
        record(session, case, EventAction.REPLY_ADDED, user=user, payload=payload)
    session.flush()
    return reply


def add_historical_reply(session: Session, case: Case, body: str, at: datetime) -> Reply:
    """Record an answer given before Minyi (an imported 答复意见) and close the case.

    The reply is public, has no author user (its events name :data:`HISTORICAL_AUTHOR`),
    is not scored (a historical answer is kept as it was given) and carries the historical
    time: the case moves along the lifecycle to replied, then closed, with ``replied_at``
    and ``closed_at`` set to ``at``, so reply delays show real figures. A case already
    answered gets the reply only. No notice is queued: the author was answered long ago.
    """
    text = _reply_text(body)
    reply = Reply(id=new_id(), case=case, author_user_id=None, body=text, is_public=True, created_at=at)
    session.add(reply)
    payload: dict[str, Any] = {"reply_id": reply.id, "historical": True}
    if case.status in ANSWERED_STATUSES:
        event = record(session, case, EventAction.REPLY_ADDED, payload=payload)
        event.actor, event.created_at = HISTORICAL_AUTHOR, at
    else:
        event = record(session, case, EventAction.REPLIED, to_status=CaseStatus.REPLIED, payload=payload)
        event.actor, event.created_at = HISTORICAL_AUTHOR, at
        case.replied_at = at
        closed = record(session, case, EventAction.STATUS, to_status=CaseStatus.CLOSED, payload=payload)
        closed.actor, closed.created_at = HISTORICAL_AUTHOR, at
        case.closed_at = at
    session.flush()
    return reply
