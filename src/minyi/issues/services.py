"""Stored hot issues: refreshed from recent messages, with ids that stay stable.

:func:`refresh` runs the :class:`IssueDetector` over the messages of the last ``days``
days and stores every issue with at least ``min_size`` messages. An issue found again
keeps the id most of its messages had (so statements and links keep working); messages
no longer in any stored issue lose their link.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from minyi.analysis.models import MessageAnalysis
from minyi.cases.models import Case
from minyi.db.base import utcnow
from minyi.intake.models import Message
from minyi.issues.cluster import IssueDetector
from minyi.issues.heat import rank
from minyi.issues.issue import Issue, IssueMessage
from minyi.issues.models import HotIssue


@dataclass(frozen=True)
class RefreshReport:
    """What a refresh did."""

    messages: int
    issues: int
    created: int


def _recent(session: Session, days: int) -> list[tuple[IssueMessage, str | None]]:
    since = utcnow() - timedelta(days=days)
    query = (
        select(Message, MessageAnalysis.issue_id)
        .join(MessageAnalysis, MessageAnalysis.message_id == Message.id)
        .where(Message.received_at >= since)
        .order_by(Message.received_at)
    )
    out = []
    for message, issue_id in session.execute(query):
        item = IssueMessage(
            message_id=message.id,
            title=message.title,
            body=message.body,
            when=message.submitted_at or message.received_at,
            author=message.author_pseudonym,
            likes=message.likes,
            dislikes=message.dislikes,
            reposts=message.reposts,
            replies=message.replies_count,
        )
        out.append((item, issue_id))
    return out


def _store(session: Session, issue: Issue, heat: float, stored: HotIssue) -> None:
    stored.title = issue.title[:300]
    stored.keywords = list(issue.keywords)
    stored.places = list(issue.places)
    stored.first_time, stored.last_time = issue.first_time, issue.last_time
    stored.size, stored.authors = issue.size, issue.authors
    stored.likes, stored.dislikes = issue.likes, issue.dislikes
    stored.reposts, stored.replies = issue.reposts, issue.replies
    stored.heat = round(heat, 4)
    stored.timeline = {day.isoformat(): count for day, count in sorted(issue.timeline.items())}
    stored.updated_at = utcnow()
    session.add(stored)


def refresh(session: Session, *, days: int = 90, min_size: int = 3) -> RefreshReport:
    """Detect issues among recent messages and store those with ``min_size`` messages or more."""
    recent = _recent(session, days)
    previous = {item.message_id: issue_id for item, issue_id in recent}
    detector = IssueDetector().fit([item for item, _ in recent])
    kept = [(issue, heat) for issue, heat in rank(detector.issues()) if issue.size >= min_size]
    claimed: set[str] = set()
    created = 0
    session.execute(
        update(MessageAnalysis).where(MessageAnalysis.message_id.in_(list(previous))).values(issue_id=None)
    )
    for issue, heat in kept:
        votes = Counter(
            previous[m] for m in issue.message_ids if previous.get(m) and previous[m] not in claimed
        )
        stored = session.get(HotIssue, votes.most_common(1)[0][0]) if votes else None
        if stored is None:
            stored = HotIssue()
            created += 1
        _store(session, issue, heat, stored)
        session.flush()
        claimed.add(stored.id)
        session.execute(
            update(MessageAnalysis)
            .where(MessageAnalysis.message_id.in_(list(issue.message_ids)))
            .values(issue_id=stored.id)
        )
    session.flush()
    return RefreshReport(messages=len(recent), issues=len(kept), created=created)


def hot_list(session: Session, limit: int = 50) -> list[HotIssue]:
    """Stored issues, hottest first."""
    return list(session.scalars(select(HotIssue).order_by(HotIssue.heat.desc()).limit(limit)))


def cases_of(session: Session, issue: HotIssue) -> list[Case]:
    """The cases whose messages belong to ``issue``, newest first."""
    query = (
        select(Case)
        .join(Message, Message.case_id == Case.id)
        .join(MessageAnalysis, MessageAnalysis.message_id == Message.id)
        .where(MessageAnalysis.issue_id == issue.id)
        .distinct()
        .order_by(Case.created_at.desc())
    )
    return list(session.scalars(query))


def issue_of_case(session: Session, case: Case) -> HotIssue | None:
    """The hot issue the case's messages belong to (most of them), if any."""
    ids = [m.id for m in case.messages]
    if not ids:
        return None
    query = select(MessageAnalysis.issue_id).where(
        MessageAnalysis.message_id.in_(ids), MessageAnalysis.issue_id.is_not(None)
    )
    votes = Counter(session.scalars(query))
    return session.get(HotIssue, votes.most_common(1)[0][0]) if votes else None
