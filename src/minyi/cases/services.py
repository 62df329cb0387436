"""Case actions: open a case, make it urgent, route and dispatch it, correct its category.

This module is also the cases package's front door: the event log
(:mod:`minyi.cases.events`), the queries (:mod:`minyi.cases.queries`) and the replies
(:mod:`minyi.cases.replies`) live in their own modules but are re-exported here, so
``from minyi.cases import services as cases`` keeps giving callers the whole set.
"""

from __future__ import annotations

import secrets
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from minyi.accounts.models import User
from minyi.accounts.permissions import Action, can, require
from minyi.analysis.models import MessageAnalysis
from minyi.cases import desk_due, notices
from minyi.cases.deadlines import DeadlinePolicy
from minyi.cases.events import SYSTEM, CaseAccessError, CaseError, actor_name, record
from minyi.cases.models import ANSWERED_STATUSES, Case, CaseStatus, EventAction
from minyi.cases.queries import (
    DUE_FILTERS,
    DUE_SOON,
    CaseFilter,
    CasePage,
    can_view,
    case_page,
    deadline_of,
    due_counts,
    get_case,
    inbox_order,
    is_overdue,
    last_reopened,
    list_cases,
    open_count,
    public_case_by_code,
    public_cases,
    rating_comments,
    rules_due,
    search_too_short,
    sign_overdue,
    status_counts,
    visible_cases,
)
from minyi.cases.replies import (
    DEFAULT_REPLY_MIN_SCORE,
    GOOD_REPLY_SCORE,
    HISTORICAL_AUTHOR,
    MAX_REASON_CHARS,
    MAX_REPLY_CHARS,
    add_historical_reply,
    add_reply,
    check_reply,
    score_band,
)
from minyi.cases.rules import recount_sign_due, reply_due, sign_due
from minyi.core.localtime import local_date
from minyi.db.base import new_id, utcnow
from minyi.departments.models import Category, Department
from minyi.departments.services import department_for_category
from minyi.intake.models import Message

__all__ = [
    "DEFAULT_REPLY_MIN_SCORE",
    "DISPATCHABLE",
    "DUE_FILTERS",
    "DUE_SOON",
    "GOOD_REPLY_SCORE",
    "HISTORICAL_AUTHOR",
    "MAX_REASON_CHARS",
    "MAX_REPLY_CHARS",
    "MAX_URGENT_REASON",
    "NUMBER_ALPHABET",
    "SYSTEM",
    "CaseAccessError",
    "CaseError",
    "CaseFilter",
    "CasePage",
    "actor_name",
    "add_historical_reply",
    "add_reply",
    "can_dispatch",
    "can_view",
    "case_page",
    "check_reply",
    "deadline_of",
    "dispatch",
    "due_counts",
    "get_case",
    "inbox_order",
    "is_overdue",
    "last_reopened",
    "list_cases",
    "mark_urgent",
    "open_case",
    "open_count",
    "public_case_by_code",
    "public_cases",
    "rating_comments",
    "recategorise",
    "record",
    "route_by_category",
    "rules_due",
    "score_band",
    "search_too_short",
    "sign_overdue",
    "status_counts",
    "visible_cases",
]

NUMBER_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"


def _draw_number(now: datetime) -> str:
    """A case number such as ``20261124-7K3QH2XP``: the date, then 8 random characters."""
    suffix = "".join(secrets.choice(NUMBER_ALPHABET) for _ in range(8))
    return f"{local_date(now):%Y%m%d}-{suffix}"  # the local date people read


def new_case_number(session: Session, now: datetime) -> str:
    """A case number (:func:`_draw_number`) no other case has."""
    for _ in range(5):
        number = _draw_number(now)
        with session.no_autoflush:  # pending rows cannot hold a fresh number; the caller flushes once
            taken = session.scalar(select(Case.id).where(Case.number == number))
        if taken is None:
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


def open_case(  # noqa: PLR0913 - the message, its analysis and how the case is opened
    session: Session,
    message: Message,
    analysis: MessageAnalysis | None = None,
    threshold: float = 0.6,
    *,
    urgent_reason: str | None = None,
    batch: bool = False,
) -> Case:
    """A new case for ``message``, routed by its category when the category has a department.

    The category is the citizen's choice, else the pipeline's guess when it is at least
    ``threshold`` confident; otherwise the case waits for a dispatcher. ``urgent_reason``
    (the emergency words found, decided by the caller) makes the case urgent: its reply is
    due within hours, counted from now even while it waits for a dispatcher.
    In a worker's ``batch`` the case is written with the batch's one flush and its number
    is not looked up (31**8 a day: a clash fails the unique index, and the worker then
    stores the batch's messages one at a time, here with the look-up).
    """
    now = utcnow()
    category, source = _choose_category(session, message, analysis, threshold)
    case = Case(
        id=new_id(),  # known before the flush: a routing row names it
        number=_draw_number(now) if batch else new_case_number(session, now),
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
    if case.due_at is None:  # waits at the desk: the rules' deadline from its message (cases.desk_due)
        desk_due.set_from(session, case, desk_due.arrival_of(message) or now)
    if not batch:
        session.flush()
    return case


MAX_URGENT_REASON = 200


def mark_urgent(session: Session, case: Case, reason: str, *, now: datetime | None = None) -> bool:
    """Make ``case`` urgent because of ``reason`` (the emergency words); False if it already was.

    The reply becomes due by the urgent deadline rules, counted from when the case was
    accepted (or from ``now`` while it waits), unless its deadline is already earlier.
    Answered cases keep their deadline. A case dispatched but not signed for takes the urgent
    rules' time to sign for (签收时限) from ``now``, if that is earlier than its own.
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
    if case.status == CaseStatus.DISPATCHED:  # not signed for yet: the urgent rules' 签收时限, from now
        sign = sign_due(session, case, now)
        if sign is not None and (case.sign_due_at is None or sign < case.sign_due_at):
            case.sign_due_at = sign
    record(session, case, EventAction.MARKED_URGENT, payload={"reason": case.urgent_reason})
    return True


def _first_due(
    session: Session, case: Case, accepted_at: datetime, policy: DeadlinePolicy | None = None
) -> datetime | None:
    """The reply deadline set at acceptance; an urgent case keeps the one it got on arrival."""
    if case.urgent and case.due_at is not None:
        return case.due_at
    return reply_due(session, case, accepted_at, policy)


def categorise_waiting(
    session: Session, case: Case, message: Message, analysis: MessageAnalysis, threshold: float
) -> bool:
    """Give a case still at the dispatch desk what its message's late analysis says; True if routed.

    A case opened without its analysis (processing failed) waits with no category, kind of
    appeal or routing. When the analysis is done later (``minyi process``), the case gets
    what intake would have given it, unless a person acted meanwhile: its kind (which picks
    the deadline rule at acceptance) and a confident category, which dispatches it. A merged
    duplicate's message does not decide its case (as at intake), nor does a case that left
    the desk or was sorted by hand.
    """
    if case.status != CaseStatus.RECEIVED or (case.messages and case.messages[0].id != message.id):
        return False
    if case.appeal_kind is None:
        case.appeal_kind = analysis.appeal_kind
    if case.category_id is None and case.category_source is None:
        category, source = _choose_category(session, message, analysis, threshold)
        if category is not None:
            case.category = category
            case.category_source = source
            if route_by_category(session, case):
                return True
    desk_due.recount(session, case)  # still at the desk: its kind or category may have changed
    return False


def route_by_category(session: Session, case: Case) -> bool:
    """Accept and dispatch a just-received case to its category's department, if it has one."""
    department = department_for_category(case.category)
    if department is None or case.status != CaseStatus.RECEIVED:
        return False
    now = utcnow()
    case.accepted_at = now
    case.due_at = _first_due(session, case, now)
    case.desk_due_at = None  # accepted: its own deadline counts (cases.desk_due)
    record(session, case, EventAction.ACCEPTED, to_status=CaseStatus.ACCEPTED)
    case.department = department
    event = record(
        session,
        case,
        EventAction.DISPATCHED,
        to_status=CaseStatus.DISPATCHED,
        payload={"department": department.code, "rule": case.category_source or "category"},
    )
    case.sign_due_at = sign_due(session, case, now)
    notices.dispatched(session, case, event)
    return True


DISPATCHABLE = frozenset({CaseStatus.RECEIVED, CaseStatus.ACCEPTED, CaseStatus.DISPATCHED})


def can_dispatch(user: User) -> bool:
    """Whether ``user`` may send cases to departments (dispatchers and admins)."""
    return can(user, Action.DISPATCH)


def dispatch(  # noqa: PLR0913 - the step's fields, and the rules read once by a bulk caller
    session: Session,
    user: User,
    case: Case,
    department: Department,
    note: str = "",
    *,
    policy: DeadlinePolicy | None = None,
) -> Case:
    """Send ``case`` to ``department`` (accepting it first if needed); re-dispatch moves it.

    Either way the department's acceptance deadline (签收期限) is counted from now.
    ``policy``: the deadline rules, read once by a caller that dispatches many cases
    (:mod:`minyi.cases.bulk_dispatch`); else read here.
    """
    require(user, Action.DISPATCH)
    if case.status not in DISPATCHABLE:
        raise CaseError(f"a case that is {case.status} can no longer be dispatched")
    if case.status == CaseStatus.DISPATCHED and case.department_id == department.id:
        # a double submit, or a second click: "reassigned TST → TST" and a second notice
        raise CaseError(f"the case is already dispatched to {department.code}")
    now = utcnow()
    if case.status == CaseStatus.RECEIVED:
        case.accepted_at = now
        case.due_at = _first_due(session, case, now, policy)
        case.desk_due_at = None  # accepted: its own deadline counts (cases.desk_due)
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
    case.sign_due_at = sign_due(session, case, now, policy)  # the new department's clock starts now
    notices.dispatched(session, case, event)
    session.flush()
    return case


def recategorise(session: Session, user: User, case: Case, category: Category) -> Case:
    """Staff correct the category; the correction is kept and becomes training data.

    A pending acceptance deadline is counted again under the rule of the new category
    (:func:`minyi.cases.rules.recount_sign_due`); the reply deadline stays as it was set.
    """
    if not can_view(user, case):
        raise CaseAccessError("no such case, or it belongs to another department")
    before = case.category.path if case.category else None
    case.category = category
    case.category_source = "staff"
    payload = {"from": before, "to": category.path} | recount_sign_due(session, case)
    if case.due_at is None:  # still at the desk: the rules' deadline of the new category
        desk_due.recount(session, case)
    record(session, case, EventAction.RECATEGORISED, user=user, payload=payload)
    session.flush()
    return case
