"""Public statements (权威发布): one answer published for many cases at once.

Each linked case gets the statement as its public reply (plus a note of its own where
needed), moves to ``replied`` and its citizens are told; each case is still followed up
and closed on its own.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from minyi.accounts.models import User
from minyi.accounts.permissions import Action, can, can_view_case, require
from minyi.cases import notices
from minyi.cases.events import CaseError, record
from minyi.cases.models import Case, CaseStatus, EventAction, Reply, Statement, StatementCase
from minyi.cases.queries import normalise_number
from minyi.core import keyset
from minyi.core.keyset import SortKey
from minyi.db.base import new_id, utcnow

MAX_CASES = 5000


class StatementError(CaseError):
    """A statement that cannot be published; the text says why."""


def publish(  # noqa: PLR0913 - the statement and what it answers
    session: Session,
    user: User,
    *,
    title: str,
    body: str,
    cases: Sequence[Case],
    notes: Mapping[str, str] | None = None,
    issue_key: str | None = None,
) -> Statement:
    """Publish a statement answering ``cases`` (notes keyed by case id).

    Forbidden for a role that publishes no statements at all (supervisors); a StatementError
    when the user may not answer one of ``cases`` (another department's).
    """
    require(user, Action.PUBLISH_STATEMENT, user.department_id)
    if not title.strip() or not body.strip():
        raise StatementError("a statement needs a title and a text")
    if not cases or len(cases) > MAX_CASES:
        raise StatementError(f"a statement answers 1 to {MAX_CASES} cases")
    if not all(can(user, Action.PUBLISH_STATEMENT, c.department_id) for c in cases):
        raise StatementError("you may publish statements only for cases your role handles")
    closed = [c.number for c in cases if c.status == CaseStatus.CLOSED]
    if closed:
        raise StatementError(f"these cases are closed already: {', '.join(closed[:10])}")
    again = _same_statement(session, user, title.strip(), body.strip(), cases)
    if again is not None:
        return again
    notes = notes or {}
    statement = Statement(
        id=new_id(),
        title=title.strip(),
        body=body.strip(),
        issue_key=issue_key,
        department_id=user.department_id,
        author_user_id=user.id,
        published_at=utcnow(),
    )
    session.add(statement)
    for case in cases:
        _answer(session, user, statement, case, (notes.get(case.id) or "").strip())
    session.flush()
    return statement


#: A statement sent again within this time with the same words for the same cases is the
#: same statement (a second click): it was published twice, with two replies on each case.
SAME_STATEMENT_WINDOW = timedelta(minutes=10)


def _same_statement(
    session: Session, user: User, title: str, body: str, cases: Sequence[Case]
) -> Statement | None:
    """The statement ``user`` published moments ago with these words for these cases, if any.

    Only while every case stands answered: a case reopened since waits for an answer, and
    the same words answer it again.
    """
    if any(case.status not in (CaseStatus.REPLIED, CaseStatus.FOLLOW_UP) for case in cases):
        return None
    query = select(Statement).where(
        Statement.author_user_id == user.id,
        Statement.title == title,
        Statement.body == body,
        Statement.published_at >= utcnow() - SAME_STATEMENT_WINDOW,
    )
    wanted = {case.id for case in cases}
    for earlier in session.scalars(query):
        if {link.case_id for link in earlier.links} == wanted:
            return earlier
    return None


def _answer(session: Session, user: User, statement: Statement, case: Case, note: str) -> None:
    statement.links.append(StatementCase(case_id=case.id, note=note or None))
    text = f"{statement.title}\n\n{statement.body}" + (f"\n\n{note}" if note else "")
    reply = Reply(
        id=new_id(), case=case, author_user_id=user.id, body=text, is_public=True, created_at=utcnow()
    )
    session.add(reply)
    payload = {"reply_id": reply.id, "statement_id": statement.id}
    if case.status in {CaseStatus.REPLIED, CaseStatus.FOLLOW_UP}:
        record(session, case, EventAction.REPLY_ADDED, user=user, payload=payload)
        return
    case.replied_at = utcnow()
    event = record(
        session, case, EventAction.REPLIED, user=user, to_status=CaseStatus.REPLIED, payload=payload
    )
    notices.replied(session, case, event)


#: The order of the statements (newest first), the id last so that none tie (keyset paging).
STATEMENT_KEYS = (
    SortKey(Statement.published_at, descending=True, kind=datetime),
    SortKey(Statement.id, descending=True, kind=str),
)


def list_statements(session: Session, limit: int = 50, offset: int = 0) -> list[Statement]:
    """Statements, newest first."""
    return statement_page(session, limit, offset)[0]


def statement_page(
    session: Session, limit: int = 50, offset: int = 0, cursor: str | None = None
) -> tuple[list[Statement], str | None]:
    """Statements, newest first, at ``offset`` or after ``cursor``, and the next page's cursor."""
    query = select(Statement).order_by(Statement.published_at.desc(), Statement.id.desc())
    if cursor is not None:
        query = query.where(keyset.where_after(cursor, offset, STATEMENT_KEYS, "statements"))
    else:
        query = query.offset(offset)
    found = list(session.scalars(query.limit(limit + 1)))
    last = found[limit - 1] if len(found) > limit else None
    next_cursor = keyset.encode([last.published_at, last.id], "statements") if last is not None else None
    return found[:limit], next_cursor


def cases_by_number(
    session: Session, numbers: Sequence[str], reader: User | None = None
) -> tuple[list[Case], list[str]]:
    """The cases with these numbers, and the numbers not found.

    With a ``reader``, a case the reader may not see counts as not found (no oracle of
    other departments' case numbers).
    """
    wanted = [normalise_number(n) for n in numbers if n.strip()]
    found = {c.number: c for c in session.scalars(select(Case).where(Case.number.in_(wanted)))}
    if reader is not None:
        found = {n: c for n, c in found.items() if can_view_case(reader, c.department_id)}
    return [found[n] for n in dict.fromkeys(wanted) if n in found], [n for n in wanted if n not in found]


def answerable(user: User, cases: Sequence[Case]) -> list[Case]:
    """The open cases among ``cases`` that ``user`` may answer with a statement (for a form)."""
    return [
        c
        for c in cases
        if c.status != CaseStatus.CLOSED and can(user, Action.PUBLISH_STATEMENT, c.department_id)
    ]


def visible_links(user: User | None, statement: Statement) -> list[Case]:
    """The cases ``statement`` answers that ``user`` may see (none for the public)."""
    if user is None:
        return []
    return [link.case for link in statement.links if can_view_case(user, link.case.department_id)]
