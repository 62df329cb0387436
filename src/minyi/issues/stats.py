"""A stored hot issue's numbers, recalculated from the messages that belong to it now.

:func:`recompute` is the one place that turns an issue's member messages
(``MessageAnalysis.issue_id``) into its stored counts: size, distinct authors (a count,
never who), the by-people counts of the heat (``posts_counted``, ``people_likes``),
engagement sums, first and last time, the daily timeline, the category mix
and the representative messages. Staff edits (:mod:`minyi.issues.editing`), the refresh
and online assignment call it after moving messages; it flushes nothing and never commits.

Title, keywords, places and heat are not touched: they come from the detector (or from
staff) and the heat from the ranking.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from minyi.analysis.models import MessageAnalysis
from minyi.core import localtime
from minyi.db.base import utcnow
from minyi.intake.models import Message
from minyi.issues.detect.issue import people_counts
from minyi.issues.models import HotIssue

__all__ = ["REPRESENTATIVES", "Member", "members", "recompute"]

#: How many representative messages an issue keeps when none of its old ones remain.
REPRESENTATIVES = 3


@dataclass(frozen=True, slots=True)
class Member:
    """What the numbers need of one member message (no text, no author identity)."""

    message_id: str
    when: datetime
    author: str | None
    likes: int
    dislikes: int
    reposts: int
    replies: int
    category: str | None


def members(session: Session, issue_id: str) -> list[Member]:
    """The messages of issue ``issue_id``, earliest first (ties by id)."""
    query = (
        select(
            Message.id,
            Message.submitted_at,
            Message.received_at,
            Message.author_pseudonym,
            Message.likes,
            Message.dislikes,
            Message.reposts,
            Message.replies_count,
            MessageAnalysis.category_label,
        )
        .join(MessageAnalysis, MessageAnalysis.message_id == Message.id)
        .where(MessageAnalysis.issue_id == issue_id)
    )
    out = [
        Member(
            message_id=row[0],
            when=row[1] or row[2],
            author=row[3],
            likes=row[4] or 0,
            dislikes=row[5] or 0,
            reposts=row[6] or 0,
            replies=row[7] or 0,
            category=row[8],
        )
        for row in session.execute(query)
    ]
    return sorted(out, key=lambda m: (m.when, m.message_id))


def _representatives(kept: list[str], rows: list[Member]) -> list[str]:
    """The old representatives that are still members, else the earliest members."""
    ids = {m.message_id for m in rows}
    still = [message_id for message_id in kept if message_id in ids]
    return still or [m.message_id for m in rows[:REPRESENTATIVES]]


def recompute(session: Session, issue: HotIssue) -> None:
    """Recalculate ``issue``'s counts, times, timeline, category mix and representatives.

    An issue left without messages gets zero counts and an empty timeline; its first and
    last time stay as they were (they are required columns).
    """
    rows = members(session, issue.id) if issue.id else []
    issue.size = len(rows)
    issue.authors = len({m.author for m in rows if m.author})
    issue.likes = sum(m.likes for m in rows)
    issue.dislikes = sum(m.dislikes for m in rows)
    issue.reposts = sum(m.reposts for m in rows)
    issue.replies = sum(m.replies for m in rows)
    issue.posts_counted, issue.people_likes = people_counts((m.author, m.likes) for m in rows)
    if rows:
        issue.first_time = rows[0].when
        issue.last_time = max(m.when for m in rows)
    # Days as people live them: a message at 07:00 Beijing time is that day's, not the day before (UTC).
    days = Counter(localtime.local_date(m.when).isoformat() for m in rows)
    issue.timeline = dict(sorted(days.items()))
    labels = Counter(m.category for m in rows if m.category)
    issue.categories = dict(labels.most_common())
    issue.representative_ids = _representatives(list(issue.representative_ids or []), rows)
    issue.updated_at = utcnow()
    session.add(issue)
