"""Reading cases: what a user may see, the staff inbox and its counts, the public list.

Nothing here changes a case; the actions are in :mod:`minyi.cases.services`,
:mod:`minyi.cases.replies` and :mod:`minyi.cases.workflow`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import UTC, datetime, time, timedelta
from typing import Any

from sqlalchemy import ColumnElement, Select, and_, func, or_, select
from sqlalchemy import case as sql_case
from sqlalchemy.orm import Session, selectinload

from minyi.accounts.models import User
from minyi.accounts.permissions import can_view_case, department_filter
from minyi.cases import inbox_pages, word_index
from minyi.cases.events import CaseAccessError, CaseError
from minyi.cases.holiday_store import office_calendar
from minyi.cases.inbox_pages import deadline_in_force
from minyi.cases.models import ANSWERED_STATUSES, Case, CaseEvent, CaseRating, CaseStatus, EventAction
from minyi.core import keyset
from minyi.core.errors import InvalidInput
from minyi.core.keyset import SortKey
from minyi.core.localtime import zone
from minyi.db.base import utcnow
from minyi.intake.identity import normalise_code
from minyi.intake.models import Message


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
    cursor: str | None = None  # a page after the row this token names (keyset paging); else offset


@dataclass(frozen=True)
class CasePage:
    """One page of cases, the count of all that match, and the token of the next page (if any)."""

    items: list[Case]
    total: int
    next_cursor: str | None
    #: the rules' deadline of each listed case never accepted (no ``due_at``), which placed it
    rules_due: dict[str, datetime] = field(default_factory=dict)


TRACKING_CODE = re.compile(r"MY[0-9A-Z]{8}")  # minyi.intake.identity draws 8 of its letters
CASE_NUMBER = re.compile(r"\d{8}-[0-9A-Z]{8}")  # minyi.cases.services: the local date, 8 letters
_NUMBER_UNDASHED = re.compile(r"\d{8}[0-9A-Z]{8}")
DUE_FILTERS = ("overdue", "soon", "supervised", "unsigned")
#: The fewest characters a word search takes: one character (王, 湘) is in too many messages to
#: narrow anything, and the word index, of character pairs, cannot find it (reading every
#: text took 1–2 s at 100k messages).
MIN_SEARCH = word_index.MIN_QUERY
SEARCH_TOO_SHORT = "q: a search needs at least two characters"
DUE_SOON = timedelta(days=2)  # kept for callers that count clock days; the filter counts working days
DUE_SOON_WORKING_DAYS = 2


def _due_filter(session: Session, query: Select[Case], due: str) -> Select[Case]:
    """Cases overdue, due soon, supervised or unsigned.

    Overdue: past the reply deadline, unanswered; due soon: within 2 working days;
    unsigned (超时未签收): dispatched, past the acceptance deadline, not signed for. A case
    never accepted is judged by the rules' deadline stored while it waits at the desk
    (``desk_due_at``) for both 已超期 and 即将到期, as the inbox sorts it: 即将到期 left out the
    desk's cases a day from their deadline while 已超期 counted them the day after.
    """
    if due not in DUE_FILTERS:
        raise CaseError(f"unknown deadline filter {due!r}; choose one of {', '.join(DUE_FILTERS)}")
    if due == "supervised":
        return query.where(Case.supervised.is_(True), Case.status != CaseStatus.CLOSED.value)
    now = utcnow()
    if due == "unsigned":
        return query.where(sign_overdue_clause(now))
    waiting = Case.status.not_in([s.value for s in ANSWERED_STATUSES])
    # a case never accepted: by the rules' deadline, as the scorecard; both columns' indexes
    # serve the OR (a COALESCE would read every waiting case)
    if due == "overdue":
        return query.where(waiting, _due_between(None, now))
    return query.where(waiting, _due_between(now, soon_until(session, now)))


def _due_between(start: datetime | None, end: datetime) -> ColumnElement[bool]:
    """The deadline in force (``due_at``, else ``desk_due_at``) is before ``end`` and not before ``start``."""

    def within(column: Any) -> ColumnElement[bool]:
        return and_(column < end, column >= start) if start is not None else column < end

    return or_(within(Case.due_at), and_(Case.due_at.is_(None), within(Case.desk_due_at)))


def sign_overdue_clause(now: datetime) -> ColumnElement[bool]:
    """Cases 超时未签收: still dispatched (not signed for) and past their acceptance deadline."""
    return and_(Case.status == CaseStatus.DISPATCHED.value, Case.sign_due_at < now)


def sign_overdue(case: Case, now: datetime | None = None) -> bool:
    """Whether ``case`` is 超时未签收 (the same test as :func:`sign_overdue_clause`, in Python)."""
    due = case.sign_due_at
    return case.status == CaseStatus.DISPATCHED and due is not None and (now or utcnow()) > due


def deadline_of(case: Case) -> datetime | None:
    """The deadline ``case`` is sorted and filtered by in the inbox, read in Python.

    Its ``due_at``; for a case never accepted, the rules' deadline stored at the dispatch desk
    (``desk_due_at``), as :func:`minyi.cases.inbox_pages.deadline_in_force` in SQL. The case
    page, the API's case JSON and Open311's ``expected_datetime`` read it: they showed no
    deadline for a case the inbox listed as 已超期 by that one.
    """
    return case.due_at if case.due_at is not None else case.desk_due_at


def rules_due(case: Case) -> datetime | None:
    """The rules' deadline of a case never accepted (the inbox's 按规定), else None."""
    return case.desk_due_at if case.due_at is None else None


def is_overdue(case: Case, now: datetime | None = None) -> bool:
    """Whether ``case`` waits for its answer past :func:`deadline_of` (the inbox's 已超期, in Python)."""
    due = deadline_of(case)
    return due is not None and case.status not in ANSWERED_STATUSES and due < (now or utcnow())


def soon_until(session: Session, now: datetime) -> datetime:
    """Deadlines before this are due soon: within 2 working days of the office's calendar.

    Two clock days (48 hours) said nothing was due soon on the eve of an 8-day holiday,
    while cases due on the first day back had no working day left (time probe).
    """
    calendar = office_calendar(session)
    third = calendar.nth_working_day(calendar.local_date(now), DUE_SOON_WORKING_DAYS + 1)
    return datetime.combine(third, time(), tzinfo=zone()).astimezone(UTC)


def visible_cases(user: User) -> Select[Case]:
    """Cases ``user`` may see: all for admins, dispatchers and supervisors; else their department's.

    A department user without a department sees none (not the undispatched cases).
    """
    query = select(Case)
    departments = department_filter(user)
    if departments is not None:
        query = query.where(Case.department_id.in_(departments))
    return query


def inbox_keys() -> tuple[SortKey, ...]:
    """The inbox order as sort keys, the id last so that no two cases tie (keyset paging needs it).

    Urgent waiting cases first, then the earliest reply deadline (none last), then the newest.
    A deadline counts only while the case waits for its answer; answered cases come last.
    A case never accepted has no deadline of its own and is sorted by its rules' deadline
    (``desk_due_at``, see :func:`deadline_in_force`), as the 已超期 filter judges it: it was listed
    among the cases without a deadline although counted overdue (twelfth probe, left open).
    The deadline key is NULL for every case of the two groups without one, so where an engine
    puts NULLs never matters.
    """
    waiting = Case.status.not_in([s.value for s in ANSWERED_STATUSES])
    due = deadline_in_force()
    return (
        SortKey(sql_case((and_(Case.urgent.is_(True), waiting), 0), else_=1), kind=int),
        SortKey(sql_case((and_(waiting, due.is_not(None)), 0), (waiting, 1), else_=2), kind=int),
        SortKey(sql_case((waiting, due), else_=None), kind=datetime, nullable=True),
        SortKey(Case.created_at, descending=True, kind=datetime),
        SortKey(Case.id, descending=True, kind=str),
    )


def inbox_order() -> tuple[ColumnElement[Any], ...]:
    """The ORDER BY of :func:`inbox_keys`."""
    keys = inbox_keys()
    return tuple(key.expression.desc() if key.descending else key.expression.asc() for key in keys)


def list_cases(session: Session, user: User, flt: CaseFilter) -> tuple[list[Case], int]:
    """One page of the cases ``user`` may see in :func:`inbox_order`, and the total count."""
    page = case_page(session, user, flt)
    return page.items, page.total


def case_page(session: Session, user: User, flt: CaseFilter) -> CasePage:
    """One page of the cases ``user`` may see in :func:`inbox_order`: at an offset or after a cursor.

    The total counts every match whatever the page. A cursor (``next_cursor`` of the page
    before) starts after that page's last case: as fast deep in the list as on page one, and
    no case given twice or skipped when cases arrive meanwhile (see :mod:`minyi.core.keyset`;
    the page is read group by group, :mod:`minyi.cases.inbox_pages`).
    """
    query = _filtered(session, user, flt)
    total = session.scalar(select(func.count()).select_from(query.subquery())) or 0
    query = query.options(selectinload(Case.department), selectinload(Case.category))
    if flt.cursor is not None:
        if flt.offset:
            raise InvalidInput(keyset.BOTH_OFFSET_AND_CURSOR, field="offset")
        values = keyset.decode(flt.cursor, inbox_keys(), "cases")
        found = inbox_pages.page_after(session, query, values, flt.limit)
    else:
        page = query.order_by(*inbox_order()).offset(flt.offset).limit(flt.limit + 1)
        found = list(session.scalars(page))
    items = found[: flt.limit]
    more = len(found) > flt.limit
    next_cursor = keyset.encode(inbox_pages.inbox_key(items[-1]), "cases") if more and items else None
    listed = {case.id: due for case in items if (due := rules_due(case)) is not None}
    return CasePage(items, total, next_cursor, listed)


def _filtered(session: Session, user: User, flt: CaseFilter) -> Select[Case]:
    """The cases ``user`` may see, narrowed by ``flt`` (not yet ordered or paged)."""
    query = visible_cases(user)
    if flt.status:
        query = query.where(Case.status == flt.status)
    if flt.category_id:
        query = query.where(Case.category_id == flt.category_id)
    if flt.department_id == "none":
        query = query.where(Case.department_id.is_(None))
    elif flt.department_id:
        query = query.where(Case.department_id == flt.department_id)
    if flt.query and flt.query.strip():  # blanks are no search (they matched every text)
        query = query.where(_matching(session, flt.query, _exact_number(session, user, flt.query)))
    if flt.due:
        query = _due_filter(session, query, flt.due)
    return query


def normalise_number(typed: str) -> str:
    """A case number as a person types it, in the form it is stored.

    ``20261207S2985APC``, ``20261207 s2985apc`` or full-width characters all read as
    ``20261207-S2985APC``; anything else comes back stripped.
    """
    compact = normalise_code(typed)
    if _NUMBER_UNDASHED.fullmatch(compact):
        return f"{compact[:8]}-{compact[8:]}"
    return typed.strip()


_ONE_TOKEN = re.compile(r"[!-~]{6,60}")  # printable ASCII, no space: a number of another system


def _exact_number(session: Session, user: User, typed: str) -> bool:
    """Whether ``typed`` is the whole number of a case ``user`` may see, in any format (an old system's).

    Such a number (``20250731-P00032386``) is not Minyi's pattern and took the word search
    through every message (2 s at 100k); its index finds it at once. Only among the cases the
    user may see: a number of another department's case made the search that case alone, so a
    department user's own messages naming it went unfound and the total told other
    departments' numbers apart (ninth probe's attacker); for them it is a word search.
    """
    words = typed.strip()
    if not _ONE_TOKEN.fullmatch(words):
        return False
    mine = visible_cases(user).with_only_columns(Case.id).where(Case.number == words).limit(1)
    return session.scalar(mine) is not None


def _matching(session: Session, typed: str, exact: bool = False) -> ColumnElement[bool]:
    """The cases a staff search finds: by a whole tracking code or case number, else by words.

    A whole tracking code (``MY7K3QH2XP``, as a citizen reads it out on the phone) or case
    number is looked up in its index alone. Words are found as typed in a case's title or
    number or any of its messages (``%`` and ``_`` are no wildcards): see :func:`_words`.
    """
    words = typed.strip()
    if exact:  # a whole case number of any format (see _exact_number)
        return Case.number == words
    number = normalise_number(words)
    if CASE_NUMBER.fullmatch(number):
        return Case.number == number
    code = normalise_code(words)
    if TRACKING_CODE.fullmatch(code):
        return Case.id.in_(select(Message.case_id).where(Message.tracking_code == code))
    return _words(session, words)


def search_too_short(typed: str | None) -> bool:
    """Whether ``typed`` is a word search of one character, which is refused (:data:`MIN_SEARCH`).

    A whole case number or tracking code is longer; the page says what to type instead.
    """
    words = (typed or "").strip()
    return 0 < len(words) < MIN_SEARCH


def _words(session: Session, words: str) -> ColumnElement[bool]:
    """The cases whose title, number or a message contains ``words``, through the word index.

    ``LIKE`` over every message took 2 s at 100k messages. The index
    (:mod:`minyi.cases.word_index`) gives the cases holding every character pair of a query
    of two or more characters, a superset that ``LIKE`` then checks on those cases alone
    (a two-character query needs no check: the pair is the query): what ``LIKE`` finds.
    One character has no pair and is refused (:data:`MIN_SEARCH`); see :func:`search_too_short`.
    """

    def like(candidates: Select[str] | None) -> ColumnElement[bool]:
        texts = select(Message.case_id).where(
            or_(Message.title.contains(words, autoescape=True), Message.body.contains(words, autoescape=True))
        )
        if candidates is not None:
            texts = texts.where(Message.case_id.in_(candidates))
        return or_(
            Case.title.contains(words, autoescape=True),
            Case.number.contains(words, autoescape=True),
            Case.id.in_(texts),
        )

    if len(words) < MIN_SEARCH:
        raise InvalidInput(SEARCH_TOO_SHORT, field="q")
    word_index.catch_up(session)
    dialect = session.get_bind().dialect.name
    candidates = word_index.matching_cases(dialect, words)
    if word_index.exact_for(dialect, words):
        return Case.id.in_(candidates)
    return and_(Case.id.in_(candidates), like(candidates))


def get_case(session: Session, user: User, case_id: str) -> Case:
    """The case, if ``user`` may see it; CaseAccessError otherwise (also when missing)."""
    case = session.get(Case, case_id)
    if case is None or not can_view(user, case):
        raise CaseAccessError("no such case, or it belongs to another department")
    return case


def can_view(user: User, case: Case) -> bool:
    """Whether ``user`` may see ``case``."""
    return can_view_case(user, case.department_id)


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


def last_reopened(session: Session, case_ids: list[str]) -> dict[str, datetime]:
    """When each of ``case_ids`` was last reopened (重办), for the cases that were.

    ``/public`` marks the answers given before it: a reply the citizen said was untrue stayed
    on the page, unmarked, above the new one.
    """
    if not case_ids:
        return {}
    query = (
        select(CaseEvent.case_id, func.max(CaseEvent.created_at))
        .where(CaseEvent.case_id.in_(case_ids), CaseEvent.action == EventAction.REOPENED.value)
        .group_by(CaseEvent.case_id)
    )
    return {str(case_id): when for case_id, when in session.execute(query)}


def public_case_by_code(session: Session, code: str) -> Case | None:
    """The answered public case of the message with tracking ``code`` (any case), if it is listed.

    Only a case ``/public`` lists anyway (public, answered) and only through a message whose
    author agreed to publish it; any other code finds nothing, so a code tells no more than
    the public list does.
    """
    wanted = normalise_code(code)  # as staff search reads it: MY-P25S-RDXQ, ｍｙｐ２５… alike
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
    """How many visible cases are overdue, due soon, supervised, and not signed for in time."""
    counts = {}
    for due in DUE_FILTERS:
        query = _due_filter(session, visible_cases(user), due)
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


def rating_comments(session: Session, case: Case) -> dict[str, str]:
    """The citizens' comments on ``case``'s follow-ups, by rating id (none once retention deleted them)."""
    rows = session.execute(
        select(CaseRating.id, CaseRating.comment).where(
            CaseRating.case_id == case.id, CaseRating.comment.is_not(None)
        )
    )
    return {rating_id: comment for rating_id, comment in rows if comment}
