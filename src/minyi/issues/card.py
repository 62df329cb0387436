"""What staff read about hot issues: the filtered list and one issue's card.

The card shows an issue's numbers, its category mix, representative messages, its
messages and linked cases. Message text is masked (personal data hidden) and no author
identity is ever part of it: authors are only counted (:mod:`minyi.issues.stats`).

A card is made for a reader: department staff see only their department's cases and the
messages of those cases (:func:`minyi.accounts.permissions.department_filter`); the other
departments' cases and messages are only counted (``hidden_cases``, ``hidden_messages``).
The issue's own numbers (title, heat, timeline, category mix) are topic-level and shown to all.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Literal

from sqlalchemy import select
from sqlalchemy.orm import Session

from minyi.accounts.models import User
from minyi.accounts.permissions import department_filter
from minyi.analysis.models import MessageAnalysis
from minyi.cases.models import Case, CaseStatus
from minyi.db.base import utcnow
from minyi.intake.models import Message
from minyi.issues import records, services
from minyi.issues.detect.heat import rank
from minyi.issues.models import HotIssue
from minyi.pipeline.privacy import mask_text

__all__ = [
    "STATUSES",
    "IssueCard",
    "MessageLine",
    "card",
    "listing",
    "merge_targets",
    "message_line",
    "resolve",
]

Status = Literal["active", "archived", "all"]
STATUSES: tuple[Status, ...] = ("active", "archived", "all")
EXCERPT = 160
MESSAGES_SHOWN = 500
PERIOD_CANDIDATES = 5000  # issues active in a period that are re-ranked for it


@dataclass(frozen=True, slots=True)
class MessageLine:
    """One member message as staff see it on the card: masked text, no author."""

    id: str
    title: str
    excerpt: str
    when: datetime
    category: str | None
    case_id: str | None
    case_number: str | None
    likes: int
    dislikes: int
    reposts: int
    replies: int
    pinned: bool


@dataclass(frozen=True, slots=True)
class IssueCard:
    """One issue with everything its page and its JSON twin show."""

    issue: HotIssue
    categories: dict[str, int]
    representatives: list[MessageLine]
    messages: list[MessageLine]
    cases: list[Case]
    hidden_cases: int = 0  # other departments' cases (and undispatched ones), counted only
    hidden_messages: int = 0  # messages of those cases (or of no case), counted only
    message_total: int = 0  # the messages the reader may see, on every page
    case_total: int = 0  # the cases the reader may see, on every page
    open_cases: int = 0  # of those, the cases not closed (a statement can answer them)


def listing(
    session: Session, *, status: Status = "active", days: int | None = None, limit: int = 50
) -> list[HotIssue]:
    """Stored issues not merged away, hottest first.

    With ``days``, only issues with messages in the last ``days`` days, ranked by their heat
    over that period (only the period's messages count, :func:`minyi.issues.detect.heat.rank`).
    """
    query = select(HotIssue).where(HotIssue.merged_into_id.is_(None))
    if status == "active":
        query = query.where(HotIssue.archived_at.is_(None))
    elif status == "archived":
        query = query.where(HotIssue.archived_at.is_not(None))
    if days is None:
        query = query.order_by(HotIssue.heat.desc(), HotIssue.last_time.desc()).limit(limit)
        return list(session.scalars(query))
    now = utcnow()
    since = now - timedelta(days=days)
    found = list(session.scalars(query.where(HotIssue.last_time >= since).limit(PERIOD_CANDIDATES)))
    ranked = rank(
        [records.as_issue(issue, number) for number, issue in enumerate(found)],
        since,
        now,
        weights=records.configured_weights(),
    )
    return [found[issue.id] for issue, _ in ranked[:limit]]


def resolve(session: Session, issue_id: str) -> HotIssue | None:
    """The issue ``issue_id``, or the issue it was merged into (followed to the end)."""
    return records.live_issue(session, issue_id)


def merge_targets(session: Session, issue: HotIssue, limit: int = 200) -> list[HotIssue]:
    """Other live, unarchived issues ``issue`` could be merged into, hottest first."""
    query = (
        select(HotIssue)
        .where(
            HotIssue.id != issue.id,
            HotIssue.merged_into_id.is_(None),
            HotIssue.archived_at.is_(None),
        )
        .order_by(HotIssue.heat.desc())
        .limit(limit)
    )
    return list(session.scalars(query))


_Member = tuple[
    Message, MessageAnalysis, str | None, str | None
]  # message, analysis, case number, department


def _members(session: Session, issue: HotIssue) -> list[_Member]:
    """Every member message of ``issue`` with its case's number and department, earliest first.

    Not masked yet: masking is the card's cost, so only the lines a page shows are masked
    (an issue of a surge day has two thousand members; its page showed them all, masked).
    """
    query = (
        select(Message, MessageAnalysis, Case.number, Case.department_id)
        .join(MessageAnalysis, MessageAnalysis.message_id == Message.id)
        .outerjoin(Case, Case.id == Message.case_id)
        .where(MessageAnalysis.issue_id == issue.id)
    )
    rows: list[_Member] = [(row[0], row[1], row[2], row[3]) for row in session.execute(query)]
    return sorted(rows, key=lambda row: (row[0].submitted_at or row[0].received_at, row[0].id))


def message_line(message: Message, analysis: MessageAnalysis, case_number: str | None) -> MessageLine:
    """A member message as a line of the card: masked title and excerpt, no author."""
    body = mask_text(analysis.normalized_body or message.body)
    return MessageLine(
        id=message.id,
        title=mask_text(analysis.normalized_title or message.title),
        excerpt=body if len(body) <= EXCERPT else body[:EXCERPT] + "…",
        when=message.submitted_at or message.received_at,
        category=analysis.category_label,
        case_id=message.case_id,
        case_number=case_number,
        likes=message.likes or 0,
        dislikes=message.dislikes or 0,
        reposts=message.reposts or 0,
        replies=message.replies_count or 0,
        pinned=bool(analysis.issue_pinned),
    )


def card(  # noqa: PLR0913 - the issue, the reader, then the page
    session: Session,
    issue: HotIssue,
    limit: int = MESSAGES_SHOWN,
    *,
    reader: User | None = None,
    offset: int = 0,
    cases_limit: int | None = None,
) -> IssueCard:
    """``issue``'s card: ``limit`` of its messages from ``offset`` (earliest first), masked.

    With a reader, only what the reader's department may see (see the module's text);
    without one, everything (for the CLI and reports). The category mix is the stored one,
    or counted from the messages when not stored yet. ``cases_limit`` cases are listed from
    ``offset`` likewise (all without it); ``message_total`` and ``case_total`` count them all.
    """
    departments = department_filter(reader) if reader is not None else None
    members = _members(session, issue)
    visible = [row for row in members if departments is None or row[3] in departments]
    by_id = {row[0].id: row for row in visible}
    chosen = [by_id[i] for i in issue.representative_ids or [] if i in by_id] or visible[:3]
    categories = dict(issue.categories or {})
    if not categories:  # a topic-level count over every member
        categories = dict(
            Counter(row[1].category_label for row in members if row[1].category_label).most_common()
        )
    cases = services.cases_of(session, issue)
    shown = [c for c in cases if departments is None or c.department_id in departments]
    return IssueCard(
        issue=issue,
        categories=categories,
        representatives=[message_line(*row[:3]) for row in chosen],
        messages=[message_line(*row[:3]) for row in visible[offset : offset + limit]],
        cases=shown[offset : offset + cases_limit] if cases_limit is not None else shown,
        hidden_cases=len(cases) - len(shown),
        hidden_messages=len(members) - len(visible),
        message_total=len(visible),
        case_total=len(shown),
        open_cases=sum(1 for c in shown if c.status != CaseStatus.CLOSED),
    )
