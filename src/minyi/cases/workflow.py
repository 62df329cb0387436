"""The 12345 chain beyond dispatch: return, extension, supervision, follow-up, reopen.

Return (退单), extension (延期), supervision (督办), follow-up (回访) with the citizen's
rating, reopen (重办), and merging whole cases.

Every step is a :class:`CaseEvent`; a step the lifecycle or the user's role does not
allow raises :class:`WorkflowError` with a message a person can act on.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from minyi.accounts.models import User
from minyi.accounts.permissions import Action, require
from minyi.cases import desk_due, lifecycle, notices, supervision
from minyi.cases.events import CaseError, record
from minyi.cases.holiday_store import office_calendar
from minyi.cases.models import (
    ANSWERED_STATUSES,
    Case,
    CaseRating,
    CaseStatus,
    EventAction,
    ExtensionRequest,
    ExtensionStatus,
    Satisfaction,
)
from minyi.cases.rules import reply_due
from minyi.core.errors import Forbidden, InvalidInput
from minyi.db.base import new_id, utcnow
from minyi.intake.models import Message
from minyi.settings import get_settings

MAX_EXTENSION_DAYS = 30
MAX_REASON = 1000  # a reason, comment or note of a step: the API's limit, for the pages too
MAX_SUPERVISION_DAYS = 366  # a supervision deadline further ahead is a typing error
#: The statuses in which the department works on the case (and may need more time).
_WORKING = frozenset({CaseStatus.DISPATCHED, CaseStatus.SIGNED, CaseStatus.IN_PROGRESS})


class WorkflowError(CaseError):
    """A workflow step that is not allowed now."""


def _text(value: str, field: str) -> str:
    """``value`` stripped, if within :data:`MAX_REASON` (the web forms took 5,000 characters)."""
    text = value.strip()
    if len(text) > MAX_REASON:
        raise InvalidInput(f"{field}: at most {MAX_REASON} characters", field=field)
    return text


class WorkflowForbidden(Forbidden, WorkflowError):  # noqa: N818 - reads as what happened
    """A workflow step this user's role may not take."""


#: The reason a reopen by the citizen's rating records (Chinese first: staff read it as written).
REOPENED_BY_RATING = "回访：市民表示问题未解决或不满意"


def _require(user: User, case: Case, action: Action) -> None:
    """Nothing if ``user`` may take ``action`` on ``case``; else WorkflowForbidden."""
    try:
        require(user, action, case.department_id)
    except Forbidden as exc:
        raise WorkflowForbidden(exc.message) from exc


def change_status(session: Session, user: User, case: Case, target: str, note: str = "") -> Case:
    """A plain status change (accept, sign, start work, follow up, close), checked by role."""
    status = lifecycle.check_transition(case.status, target)
    action = lifecycle.STATUS_CHANGES.get((CaseStatus(case.status), status))
    if action is None:  # a move of its own step (dispatch, return, reply, reopen, merge)
        plain = ", ".join(s.value for s in lifecycle.allowed_targets(case.status)) or "none"
        raise lifecycle.TransitionError(
            f"a case that is {case.status} cannot become {status.value} by a plain status change"
            f" (allowed: {plain}; dispatch, return, reply, reopen and merge have their own actions)"
        )
    _require(user, case, action)
    now = utcnow()
    if status == CaseStatus.ACCEPTED and case.accepted_at is None:
        case.accepted_at = now
        case.due_at = reply_due(session, case, now)
        case.desk_due_at = None  # accepted: its own deadline counts (cases.desk_due)
    if status == CaseStatus.FOLLOW_UP:
        case.follow_up_due_at = now + timedelta(days=get_settings().follow_up_days)
    if status == CaseStatus.CLOSED:
        case.closed_at = now
    payload: dict[str, object] = {"note": note} if note else {}
    if status == CaseStatus.SIGNED:
        payload |= sign_for_record(case, now)
    record(session, case, EventAction.STATUS, user=user, to_status=status, payload=payload or None)
    session.flush()
    return case


def sign_for_record(case: Case, now: datetime) -> dict[str, object]:
    """What the history keeps of the acceptance deadline (签收期限) a department meets or ends.

    Signing for the case (签收) or sending it back (退单) ends the department's deadline
    (:func:`~minyi.cases.events.record` clears it); the event keeps when it was due and
    whether it had passed (``sign_late``: 超时签收), so the history and the statistics still
    tell it. Nothing when the case had no acceptance deadline.
    """
    if case.sign_due_at is None:
        return {}
    return {"sign_due_at": case.sign_due_at.isoformat(), "sign_late": now > case.sign_due_at}


def return_case(session: Session, user: User, case: Case, reason: str) -> Case:
    """The department sends the case back to the dispatchers (退单), with a reason."""
    _require(user, case, Action.RETURN)
    reason = _text(reason, "reason")
    if not reason:
        raise WorkflowError("say why the case is returned")
    lifecycle.check_transition(case.status, CaseStatus.ACCEPTED)  # before the department is cleared
    previous = case.department
    case.department = None
    event = record(
        session,
        case,
        EventAction.RETURNED,
        user=user,
        to_status=CaseStatus.ACCEPTED,
        payload={"reason": reason.strip(), "department": previous.code if previous else None}
        | sign_for_record(case, utcnow()),
    )
    session.flush()
    notices.returned(session, case, event, previous.name if previous else None)
    return case


def request_extension(
    session: Session, user: User, case: Case, working_days: int, reason: str
) -> ExtensionRequest:
    """The department asks for more time (延期); a supervisor decides."""
    _require(user, case, Action.REQUEST_EXTENSION)
    if case.status not in _WORKING:
        raise WorkflowError(f"a case that is {case.status} needs no extension")
    if not 1 <= working_days <= MAX_EXTENSION_DAYS:
        raise WorkflowError(f"ask for 1 to {MAX_EXTENSION_DAYS} working days")
    reason = _text(reason, "reason")
    if not reason:
        raise WorkflowError("say why more time is needed")
    pending = session.scalar(
        select(ExtensionRequest).where(
            ExtensionRequest.case_id == case.id, ExtensionRequest.status == ExtensionStatus.PENDING.value
        )
    )
    if pending is not None:
        raise WorkflowError("an extension request for this case is already waiting for a decision")
    request = ExtensionRequest(
        case=case, requested_by_id=user.id, working_days=working_days, reason=reason.strip()
    )
    session.add(request)
    session.flush()
    event = record(
        session,
        case,
        EventAction.EXTENSION_REQUESTED,
        user=user,
        payload={"request_id": request.id, "working_days": working_days, "reason": reason.strip()},
    )
    notices.extension_requested(session, case, event)
    session.flush()
    return request


def decide_extension(
    session: Session, user: User, request: ExtensionRequest, *, approve: bool, note: str = ""
) -> ExtensionRequest:
    """A supervisor approves (the deadline moves) or rejects a pending extension request."""
    case = request.case
    _require(user, case, Action.DECIDE_EXTENSION)
    if request.status != ExtensionStatus.PENDING:
        raise WorkflowError(f"this request was already {request.status}")
    if request.requested_by_id == user.id:
        raise WorkflowForbidden("whoever asked for an extension cannot decide on it")
    if case.status not in _WORKING:  # answered, closed or returned since: the request lapsed
        raise WorkflowError(f"a case that is {case.status} needs no extension; the request lapsed")
    request.status = ExtensionStatus.APPROVED if approve else ExtensionStatus.REJECTED
    request.decided_by_id = user.id
    request.decided_at = utcnow()
    request.decision_note = note.strip() or None
    payload: dict[str, object] = {"request_id": request.id, "approved": approve}
    payload["working_days"] = request.working_days
    if note.strip():
        payload["note"] = note.strip()
    if approve and case.due_at is not None:
        before = case.due_at
        # the office's calendar: with the holidays admins entered (2027's schedule, say)
        case.due_at = office_calendar(session).add_working_days(case.due_at, request.working_days)
        payload |= {"due_before": before.isoformat(), "due_after": case.due_at.isoformat()}
    event = record(session, case, EventAction.EXTENSION_DECIDED, user=user, payload=payload)
    notices.extension_decided(session, case, event)  # the department waits for the answer
    session.flush()
    return request


def extensions_of(session: Session, case: Case) -> list[ExtensionRequest]:
    """The case's extension requests, oldest first."""
    query = (
        select(ExtensionRequest)
        .where(ExtensionRequest.case_id == case.id)
        .order_by(ExtensionRequest.created_at)
    )
    return list(session.scalars(query))


def supervise(session: Session, user: User, case: Case, comment: str, due_at: datetime | None = None) -> Case:
    """A supervisor flags the case for supervision (督办), with a comment and an own deadline.

    A deadline on a day off moves to the end of the next working day (``cases.supervision``);
    :func:`supervision.last_move` tells the caller, and the event keeps the day asked.
    """
    _require(user, case, Action.SUPERVISE)
    if case.status == CaseStatus.CLOSED:
        raise WorkflowError("a closed case cannot be supervised; reopen it first")
    comment = _text(comment, "comment")
    if not comment:
        raise WorkflowError("write what the department must do")
    now = utcnow()
    if due_at is not None and not now <= due_at <= now + timedelta(days=MAX_SUPERVISION_DAYS):
        raise InvalidInput("due_at: a time from now to a year ahead", field="due_at")
    due = supervision.on_working_day(office_calendar(session), due_at) if due_at is not None else None
    case.supervised = True
    case.supervision_note = comment.strip()
    case.supervision_due_at = due
    payload = {"comment": comment.strip(), "due_at": due.isoformat() if due else None}
    if due_at is not None and due != due_at:  # a day off, moved (see cases.supervision): never silently
        payload["due_asked"] = due_at.isoformat()
    event = record(session, case, EventAction.SUPERVISED, user=user, payload=payload)
    notices.supervised(session, case, event)
    session.flush()
    return case


def reopen(session: Session, case: Case, reason: str, user: User | None = None) -> Case:
    """Reopen an answered case (重办): back to its department, a new deadline, supervisors see it."""
    if user is not None:
        _require(user, case, Action.REOPEN)
        if not _text(reason, "reason"):
            raise WorkflowError("say why the case is reopened")
    if case.status not in ANSWERED_STATUSES:
        raise WorkflowError(f"a case that is {case.status} has not been answered; nothing to reopen")
    lifecycle.check_transition(case.status, CaseStatus.IN_PROGRESS)  # before the case is changed
    now = utcnow()
    case.reopened_count += 1
    case.closed_at = None
    before = case.due_at
    case.due_at = reply_due(session, case, now)
    payload = {"reason": reason, "due_after": case.due_at.isoformat() if case.due_at else None}
    payload["due_before"] = before.isoformat() if before else None  # the history says what moved
    event = record(
        session, case, EventAction.REOPENED, user=user, to_status=CaseStatus.IN_PROGRESS, payload=payload
    )
    notices.reopened(session, case, event)
    session.flush()
    return case


def rate(  # noqa: PLR0913 - the answer's fields, and who took it down
    session: Session,
    message: Message,
    satisfaction: str,
    solved: bool | None,
    comment: str = "",
    *,
    taken_by: User | None = None,
) -> CaseRating:
    """The citizen's follow-up answer; unsolved or unsatisfied reopens.

    Through the tracking link, or by telephone (电话回访, ``taken_by`` the staff member who
    called: :mod:`minyi.cases.follow_up`), the answer counts the same in every figure.
    """
    case = message.case
    if case is None or case.status not in {CaseStatus.REPLIED, CaseStatus.FOLLOW_UP}:
        raise WorkflowError("this message has no answer waiting for your rating")
    try:
        verdict = Satisfaction(satisfaction)
    except ValueError as exc:
        raise WorkflowError("choose 满意, 基本满意 or 不满意") from exc
    if verdict == Satisfaction.NOT_REACHED:
        raise WorkflowError("choose 满意, 基本满意 or 不满意")
    rating = CaseRating(
        id=new_id(),
        case_id=case.id,
        message_id=message.id,
        satisfaction=verdict,
        solved=solved,
        comment=comment.strip()[:2000] or None,
    )
    session.add(rating)
    record(
        session,
        case,
        EventAction.RATED,
        # The rating, not its comment: the comment is the citizen's free text, which the
        # retention policy deletes (events are never changed); the timeline reads it by id.
        payload={
            "satisfaction": verdict.value,
            "solved": solved,
            "message_id": message.id,
            "rating_id": rating.id,
            **({"by_phone": True} if taken_by is not None else {}),
        },
        user=taken_by,
    )
    if verdict == Satisfaction.UNSATISFIED or solved is False:
        reopen(session, case, reason=REOPENED_BY_RATING)
    elif len(case.messages) <= 1 or case.status == CaseStatus.FOLLOW_UP:
        case.closed_at = utcnow()
        record(session, case, EventAction.CLOSED_BY_RATING, to_status=CaseStatus.CLOSED)
    session.flush()
    return rating


def sweep_follow_ups(session: Session, now: datetime | None = None) -> int:
    """Close follow-ups nobody answered in time, recording them as not reached; returns how many."""
    now = now or utcnow()
    query = select(Case).where(Case.status == CaseStatus.FOLLOW_UP.value, Case.follow_up_due_at < now)
    closed = 0
    for case in session.scalars(query):
        session.add(CaseRating(case_id=case.id, satisfaction=Satisfaction.NOT_REACHED, solved=None))
        case.closed_at = now
        record(session, case, EventAction.NOT_REACHED, to_status=CaseStatus.CLOSED)
        closed += 1
    session.flush()
    return closed


def merge_cases(session: Session, user: User, keep: Case, absorb: Case) -> Case:
    """Move every message of ``absorb`` into ``keep`` and close ``absorb`` as merged."""
    _require(user, keep, Action.MERGE)
    if keep.id == absorb.id:
        raise WorkflowError("a case cannot be merged into itself")
    if CaseStatus.CLOSED in {keep.status, absorb.status}:
        raise WorkflowError("closed cases cannot be merged")
    moved = [m.id for m in absorb.messages]
    for message in list(absorb.messages):
        message.case = keep
    absorb.closed_at = utcnow()
    # No message is left to have agreed to publish it: its title and reply (naming the
    # citizen, whose contact moved with the message) must not stay on the public pages.
    absorb.is_public = False
    record(
        session,
        keep,
        EventAction.CASES_MERGED,
        user=user,
        payload={"absorbed": absorb.number, "messages": moved},
    )
    record(
        session,
        absorb,
        EventAction.MERGED_INTO,
        user=user,
        to_status=CaseStatus.CLOSED,
        payload={"into": keep.number},
    )
    if keep.due_at is None:  # at the desk: the absorbed case's first message may be older
        desk_due.recount(session, keep)
    session.flush()
    return keep
