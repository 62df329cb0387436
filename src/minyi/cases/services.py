"""Case services: open cases, list them for a user, change status, reply."""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import ColumnElement, Select, and_, func, or_, select
from sqlalchemy import case as sql_case
from sqlalchemy.orm import Session, selectinload

from minyi.accounts.models import User
from minyi.accounts.permissions import Action, can, can_view_case, department_filter, require
from minyi.analysis.models import MessageAnalysis
from minyi.cases import lifecycle, notices
from minyi.cases.models import ANSWERED_STATUSES, Case, CaseEvent, CaseStatus, EventAction, Reply
from minyi.cases.rules import reply_due
from minyi.core.errors import Conflict, InvalidInput, NotFound
from minyi.core.localtime import local_date
from minyi.db.base import new_id, utcnow
from minyi.departments.models import Category, Department
from minyi.departments.services import department_for_category
from minyi.intake.models import Message
from minyi.pipeline.reply_quality import ReplyQuality, ReplyQualityChecker

SYSTEM = "system"
MAX_REPLY_CHARS = 20_000


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
    TransitionError and records nothing. Recording queues no notice; the step that needs
    one calls :mod:`minyi.cases.notices` itself.
    """
    before = case.status
    after = lifecycle.move(case, to_status) if to_status is not None else before
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


NUMBER_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"


def _new_number(session: Session, now: datetime) -> str:
    """A case number such as ``20261124-7K3QH2XP``: the date, then 8 random characters."""
    for _ in range(5):
        suffix = "".join(secrets.choice(NUMBER_ALPHABET) for _ in range(8))
        number = f"{local_date(now):%Y%m%d}-{suffix}"  # the local date people read
        if session.scalar(select(Case.id).where(Case.number == number)) is None:
            return number
    raise CaseError("could not draw a free case number")  # 31**8 choices a day: never in practice


def _choose_category(
    session: Session, message: Message, analysis: MessageAnalysis | None, threshold: float
) -> tuple[Category | None, str | None]:
    """The citizen's category, else a confident guess of the pipeline, with where it came from."""
    if message.requested_category_id:
        return session.get(Category, message.requested_category_id), "citizen"
    if analysis is None or analysis.category is None or (analysis.category_confidence or 0) < threshold:
        return None, None
    model = analysis.category_model or ""
    return analysis.category, "keywords" if model.startswith("keywords:") else "classifier"


def open_case(
    session: Session,
    message: Message,
    analysis: MessageAnalysis | None = None,
    threshold: float = 0.6,
    *,
    urgent_reason: str | None = None,
) -> Case:
    """A new case for ``message``, routed by its category when the category has a department.

    The category is the citizen's choice, else the pipeline's guess when it is at least
    ``threshold`` confident; otherwise the case waits for a dispatcher. ``urgent_reason``
    (the emergency words found, decided by the caller) makes the case urgent: its reply is
    due within hours, counted from now even while it waits for a dispatcher.
    """
    now = utcnow()
    category, source = _choose_category(session, message, analysis, threshold)
    case = Case(
        number=_new_number(session, now),
        title=message.title,
        category=category,
        category_source=source,
        appeal_kind=analysis.appeal_kind if analysis else None,
        is_public=message.is_public,
        status=CaseStatus.RECEIVED,
        created_at=now,
    )
    session.add(case)
    message.case = case
    record(
        session, case, EventAction.RECEIVED, payload={"message_id": message.id, "channel": message.channel}
    )
    if urgent_reason:
        mark_urgent(session, case, urgent_reason, now=now)
    route_by_category(session, case)
    session.flush()
    return case


MAX_URGENT_REASON = 200


def mark_urgent(session: Session, case: Case, reason: str, *, now: datetime | None = None) -> bool:
    """Make ``case`` urgent because of ``reason`` (the emergency words); False if it already was.

    The reply becomes due by the urgent deadline rules, counted from when the case was
    accepted (or from ``now`` while it waits), unless its deadline is already earlier.
    Answered cases keep their deadline.
    """
    if case.urgent:
        return False
    now = now or utcnow()
    case.urgent = True
    case.urgent_reason = reason.strip()[:MAX_URGENT_REASON] or None
    if case.status not in ANSWERED_STATUSES:
        due = reply_due(session, case, case.accepted_at or now)
        if due is not None and (case.due_at is None or due < case.due_at):
            case.due_at = due
    record(session, case, EventAction.MARKED_URGENT, payload={"reason": case.urgent_reason})
    return True


def _first_due(session: Session, case: Case, accepted_at: datetime) -> datetime | None:
    """The reply deadline set at acceptance; an urgent case keeps the one it got on arrival."""
    if case.urgent and case.due_at is not None:
        return case.due_at
    return reply_due(session, case, accepted_at)


def route_by_category(session: Session, case: Case) -> bool:
    """Accept and dispatch a just-received case to its category's department, if it has one."""
    department = department_for_category(case.category)
    if department is None or case.status != CaseStatus.RECEIVED:
        return False
    now = utcnow()
    case.accepted_at = now
    case.due_at = _first_due(session, case, now)
    record(session, case, EventAction.ACCEPTED, to_status=CaseStatus.ACCEPTED)
    case.department = department
    event = record(
        session,
        case,
        EventAction.DISPATCHED,
        to_status=CaseStatus.DISPATCHED,
        payload={"department": department.code, "rule": case.category_source or "category"},
    )
    notices.dispatched(session, case, event)
    return True


@dataclass(frozen=True)
class CaseFilter:
    """What a staff inbox is narrowed to."""

    status: str | None = None
    category_id: str | None = None
    department_id: str | None = None
    query: str | None = None
    due: str | None = None
    limit: int = 50
    offset: int = 0


DUE_FILTERS = ("overdue", "soon", "supervised")
DUE_SOON = timedelta(days=2)


def _due_filter(query: Select[Case], due: str) -> Select[Case]:
    """Overdue (past the reply deadline, unanswered), due soon (within 2 days), or supervised."""
    if due not in DUE_FILTERS:
        raise CaseError(f"unknown deadline filter {due!r}; choose one of {', '.join(DUE_FILTERS)}")
    if due == "supervised":
        return query.where(Case.supervised.is_(True), Case.status != CaseStatus.CLOSED.value)
    now = utcnow()
    waiting = Case.status.not_in([s.value for s in ANSWERED_STATUSES])
    if due == "overdue":
        return query.where(waiting, Case.due_at < now)
    return query.where(waiting, Case.due_at >= now, Case.due_at < now + DUE_SOON)


def visible_cases(user: User) -> Select[Case]:
    """Cases ``user`` may see: all for admins, dispatchers and supervisors; else their department's.

    A department user without a department sees none (not the undispatched cases).
    """
    query = select(Case)
    departments = department_filter(user)
    if departments is not None:
        query = query.where(Case.department_id.in_(departments))
    return query


def inbox_order() -> tuple[ColumnElement[Any], ...]:
    """Urgent waiting cases first, then the earliest reply deadline (none last), then the newest.

    A deadline counts only while the case waits for its answer; answered cases come last.
    """
    waiting = Case.status.not_in([s.value for s in ANSWERED_STATUSES])
    return (
        sql_case((and_(Case.urgent.is_(True), waiting), 0), else_=1),
        sql_case((and_(waiting, Case.due_at.is_not(None)), 0), (waiting, 1), else_=2),
        sql_case((waiting, Case.due_at), else_=None).asc(),
        Case.created_at.desc(),
        Case.id.desc(),
    )


def list_cases(session: Session, user: User, flt: CaseFilter) -> tuple[list[Case], int]:
    """One page of the cases ``user`` may see in :func:`inbox_order`, and the total count."""
    query = visible_cases(user)
    if flt.status:
        query = query.where(Case.status == flt.status)
    if flt.category_id:
        query = query.where(Case.category_id == flt.category_id)
    if flt.department_id == "none":
        query = query.where(Case.department_id.is_(None))
    elif flt.department_id:
        query = query.where(Case.department_id == flt.department_id)
    if flt.query:
        like = f"%{flt.query.strip()}%"
        code = flt.query.strip().upper()  # a citizen's tracking code, exact (codes are upper case)
        matching = select(Message.case_id).where(
            or_(Message.title.like(like), Message.body.like(like), Message.tracking_code == code)
        )
        query = query.where(or_(Case.title.like(like), Case.number.like(like), Case.id.in_(matching)))
    if flt.due:
        query = _due_filter(query, flt.due)
    total = session.scalar(select(func.count()).select_from(query.subquery())) or 0
    page = query.order_by(*inbox_order()).limit(flt.limit).offset(flt.offset)
    page = page.options(selectinload(Case.department), selectinload(Case.category))
    return list(session.scalars(page)), total


def get_case(session: Session, user: User, case_id: str) -> Case:
    """The case, if ``user`` may see it; CaseAccessError otherwise (also when missing)."""
    case = session.get(Case, case_id)
    if case is None or not can_view(user, case):
        raise CaseAccessError("no such case, or it belongs to another department")
    return case


def can_view(user: User, case: Case) -> bool:
    """Whether ``user`` may see ``case``."""
    return can_view_case(user, case.department_id)


DISPATCHABLE = frozenset({CaseStatus.RECEIVED, CaseStatus.ACCEPTED, CaseStatus.DISPATCHED})


def can_dispatch(user: User) -> bool:
    """Whether ``user`` may send cases to departments (dispatchers and admins)."""
    return can(user, Action.DISPATCH)


def dispatch(session: Session, user: User, case: Case, department: Department, note: str = "") -> Case:
    """Send ``case`` to ``department`` (accepting it first if needed); re-dispatch moves it."""
    require(user, Action.DISPATCH)
    if case.status not in DISPATCHABLE:
        raise CaseError(f"a case that is {case.status} can no longer be dispatched")
    now = utcnow()
    if case.status == CaseStatus.RECEIVED:
        case.accepted_at = now
        case.due_at = _first_due(session, case, now)
        record(session, case, EventAction.ACCEPTED, user=user, to_status=CaseStatus.ACCEPTED)
    payload = {"department": department.code, "from": case.department.code if case.department else None}
    if note:
        payload["note"] = note
    case.department = department
    if case.status == CaseStatus.DISPATCHED:  # to another department: the status stays
        event = record(session, case, EventAction.REASSIGNED, user=user, payload=payload)
    else:
        event = record(
            session, case, EventAction.DISPATCHED, user=user, to_status=CaseStatus.DISPATCHED, payload=payload
        )
    notices.dispatched(session, case, event)
    session.flush()
    return case


_checker: ReplyQualityChecker | None = None


def check_reply(case: Case, body: str) -> ReplyQuality:
    """Score a draft public reply to ``case`` before it is sent."""
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
    )


def recategorise(session: Session, user: User, case: Case, category: Category) -> Case:
    """Staff correct the category; the correction is kept and becomes training data."""
    if not can_view(user, case):
        raise CaseAccessError("no such case, or it belongs to another department")
    before = case.category.path if case.category else None
    case.category = category
    case.category_source = "staff"
    record(session, case, EventAction.RECATEGORISED, user=user, payload={"from": before, "to": category.path})
    session.flush()
    return case


#: The default of ``MINYI_REPLY_MIN_SCORE``: a public reply scoring less needs a stated reason.
DEFAULT_REPLY_MIN_SCORE = 60.0
#: A reply scoring at least this is good (shown green); between the threshold and this, amber.
GOOD_REPLY_SCORE = 80.0
MAX_REASON_CHARS = 2000


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
    text = body.strip()
    if not text:
        raise CaseError("the reply must not be empty")
    if len(text) > MAX_REPLY_CHARS:
        raise CaseError(f"the reply may have at most {MAX_REPLY_CHARS} characters")
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


HISTORICAL_AUTHOR = "历史答复"


def add_historical_reply(session: Session, case: Case, body: str, at: datetime) -> Reply:
    """Record an answer given before Minyi (an imported 答复意见) and close the case.

    The reply is public, has no author user (its events name :data:`HISTORICAL_AUTHOR`),
    is not scored (a historical answer is kept as it was given) and carries the historical
    time: the case moves along the lifecycle to replied, then closed, with ``replied_at``
    and ``closed_at`` set to ``at``, so reply delays show real figures. A case already
    answered gets the reply only. No notice is queued: the author was answered long ago.
    """
    text = body.strip()
    if not text:
        raise CaseError("the reply must not be empty")
    if len(text) > MAX_REPLY_CHARS:
        raise CaseError(f"the reply may have at most {MAX_REPLY_CHARS} characters")
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


def public_cases(session: Session, limit: int, offset: int = 0) -> tuple[list[Case], int]:
    """Answered cases whose authors chose to publish them, newest answer first."""
    query = select(Case).where(
        Case.is_public.is_(True), Case.status.in_([s.value for s in ANSWERED_STATUSES])
    )
    total = session.scalar(select(func.count()).select_from(query.subquery())) or 0
    page = query.order_by(Case.replied_at.desc(), Case.created_at.desc()).limit(limit).offset(offset)
    page = page.options(
        selectinload(Case.messages), selectinload(Case.replies), selectinload(Case.department)
    )
    return list(session.scalars(page)), total


def public_case_by_code(session: Session, code: str) -> Case | None:
    """The answered public case of the message with tracking ``code`` (any case), if it is listed.

    Only a case ``/public`` lists anyway (public, answered) and only through a message whose
    author agreed to publish it; any other code finds nothing, so a code tells no more than
    the public list does.
    """
    wanted = code.strip().upper()
    if not wanted or len(wanted) > 20:  # noqa: PLR2004 - the column's length
        return None
    query = (
        select(Case)
        .join(Message, Message.case_id == Case.id)
        .where(
            Message.tracking_code == wanted,
            Message.is_public.is_(True),
            Case.is_public.is_(True),
            Case.status.in_([s.value for s in ANSWERED_STATUSES]),
        )
        .options(selectinload(Case.messages), selectinload(Case.replies), selectinload(Case.department))
    )
    return session.scalars(query).first()


def due_counts(session: Session, user: User) -> dict[str, int]:
    """How many visible cases are overdue, due soon, and supervised."""
    counts = {}
    for due in DUE_FILTERS:
        query = _due_filter(visible_cases(user), due)
        counts[due] = session.scalar(select(func.count()).select_from(query.subquery())) or 0
    return counts


def open_count(session: Session, user: User) -> int:
    """How many visible cases are still to be done (not closed)."""
    query = visible_cases(user).where(Case.status != CaseStatus.CLOSED.value)
    return int(session.scalar(select(func.count()).select_from(query.subquery())) or 0)


def status_counts(session: Session, user: User) -> dict[str, int]:
    """How many visible cases are in each status."""
    sub = visible_cases(user).subquery()
    rows = session.execute(select(sub.c.status, func.count()).group_by(sub.c.status))
    return {str(status): int(count) for status, count in rows}
