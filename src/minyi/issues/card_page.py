"""One page of an issue's card, paged by a cursor over its messages (``GET /api/v1/issues/{id}``).

The JSON card gave an issue's first 500 messages and *every* case number: a surge day's
issue of thousands of messages answered with all its cases in one response, and the card
read and sorted every member in Python to give them (thirteenth probe's record, left open).
This page reads only its own messages from the database: ``limit`` of them, earliest first
(the time the citizen wrote, else the time it arrived; then the id), after a ``cursor``
given by the page before (:mod:`minyi.core.keyset`), with the case numbers of those
messages. What the reader may not see is never on a page: department staff get their
department's cases' messages only, the others counted (``hidden_messages``, ``hidden_cases``),
as on the card (:mod:`minyi.issues.card`). A cursor names the issue it was given for: one of
another issue, or of another list, is refused (``InvalidInput`` on ``cursor``).
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Select, distinct, func, select
from sqlalchemy.orm import Session

from minyi.accounts.models import User
from minyi.accounts.permissions import department_filter
from minyi.analysis.models import MessageAnalysis
from minyi.cases.models import Case
from minyi.core import keyset
from minyi.intake.models import Message
from minyi.issues.card import IssueCard, message_line
from minyi.issues.models import HotIssue

__all__ = ["MAX_LIMIT", "PAGE", "CardPage", "card_page"]

#: Messages on a page unless the caller asks (the staff page's 100), and at most.
PAGE, MAX_LIMIT = 100, 500
REPRESENTATIVES = 3  # the earliest messages, when the issue names none the reader may see
REPRESENTATIVES_MAX = 10  # the issue's own representatives read at most
_WHEN = func.coalesce(Message.submitted_at, Message.received_at)
KEYS = (keyset.SortKey(_WHEN, kind=datetime), keyset.SortKey(Message.id))


@dataclass(frozen=True, slots=True)
class CardPage:
    """The card with this page's messages (``card.messages``) and cases (``case_numbers``)."""

    card: IssueCard
    case_numbers: list[str]
    next_cursor: str | None


def _list_name(issue: HotIssue) -> str:
    """The cursor's list: this issue's messages (another issue's cursor starts nowhere sensible)."""
    return f"issue:{issue.id}"


def _members(
    issue: HotIssue, departments: frozenset[str] | None
) -> Select[Message, MessageAnalysis, str, str | None]:
    """The member messages the reader may see, with their analysis, case number and department."""
    query = (
        select(Message, MessageAnalysis, Case.number, Case.department_id)
        .join(MessageAnalysis, MessageAnalysis.message_id == Message.id)
        .outerjoin(Case, Case.id == Message.case_id)
        .where(MessageAnalysis.issue_id == issue.id)
    )
    return query if departments is None else query.where(Case.department_id.in_(sorted(departments)))


def _counts(
    session: Session, issue: HotIssue, departments: frozenset[str] | None
) -> tuple[int, int, int, int]:
    """(messages, cases) the reader may see, then every member message and case of the issue."""
    member = (
        select(
            Message.id.label("message"), Message.case_id.label("case"), Case.department_id.label("department")
        )
        .join(MessageAnalysis, MessageAnalysis.message_id == Message.id)
        .outerjoin(Case, Case.id == Message.case_id)
        .where(MessageAnalysis.issue_id == issue.id)
        .subquery()
    )
    counted = select(func.count(member.c.message), func.count(distinct(member.c.case)))
    everything = session.execute(counted).one()
    if departments is None:
        return everything[0], everything[1], everything[0], everything[1]
    visible = session.execute(counted.where(member.c.department.in_(sorted(departments)))).one()
    return visible[0], visible[1], everything[0], everything[1]


def _categories(session: Session, issue: HotIssue) -> dict[str, int]:
    """The stored category mix, or counted over every member (topic-level, shown to all)."""
    if issue.categories:
        return dict(issue.categories)
    labels = session.scalars(
        select(MessageAnalysis.category_label).where(
            MessageAnalysis.issue_id == issue.id, MessageAnalysis.category_label.is_not(None)
        )
    )
    return dict(Counter(label for label in labels if label).most_common())


def card_page(
    session: Session, issue: HotIssue, reader: User, *, limit: int = PAGE, cursor: str | None = None
) -> CardPage:
    """``limit`` messages of ``issue`` the reader may see, after ``cursor`` (the first page without).

    InvalidInput (``cursor``) for a token this issue's pages did not give.
    """
    departments = department_filter(reader)
    visible = _members(issue, departments)
    query = visible
    if cursor:
        query = query.where(keyset.after(KEYS, keyset.decode(cursor, KEYS, _list_name(issue))))
    rows = list(session.execute(query.order_by(_WHEN, Message.id).limit(limit + 1)))
    page = rows[:limit]
    next_cursor = None
    if len(rows) > limit:
        last = page[-1][0]
        next_cursor = keyset.encode([last.submitted_at or last.received_at, last.id], _list_name(issue))
    wanted = list(issue.representative_ids or [])[:REPRESENTATIVES_MAX]
    chosen = list(session.execute(visible.where(Message.id.in_(wanted)))) if wanted else []
    chosen.sort(key=lambda row: wanted.index(row[0].id))
    if not chosen:
        chosen = list(session.execute(visible.order_by(_WHEN, Message.id).limit(REPRESENTATIVES)))
    messages, cases, all_messages, all_cases = _counts(session, issue, departments)
    card = IssueCard(
        issue=issue,
        categories=_categories(session, issue),
        representatives=[message_line(row[0], row[1], row[2]) for row in chosen],
        messages=[message_line(row[0], row[1], row[2]) for row in page],
        cases=[],
        hidden_cases=all_cases - cases,
        hidden_messages=all_messages - messages,
        message_total=messages,
        case_total=cases,
    )
    numbers = list(dict.fromkeys(row[2] for row in page if row[2]))
    return CardPage(card, numbers, next_cursor)
