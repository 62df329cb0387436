"""Stored hot issues: refreshed from recent messages, with ids that stay stable.

:func:`refresh` runs the :class:`IssueDetector` over the messages of the last ``days``
days and stores every issue with at least ``min_size`` messages. An issue found again
keeps the id most of its messages had (so statements and links keep working); messages
no longer in any stored issue lose their link.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from minyi.analysis.models import MessageAnalysis
from minyi.cases.models import Case
from minyi.db.base import utcnow
from minyi.intake.models import Message
from minyi.issues import records, stats
from minyi.issues.detect.cluster import IssueDetector
from minyi.issues.detect.heat import HeatWeights, rank
from minyi.issues.detect.issue import Issue
from minyi.issues.models import HotIssue

_CHUNK = 500  # message ids per UPDATE (bound parameters stay well under SQLite's limit)


@dataclass(frozen=True)
class RefreshReport:
    """What a refresh did."""

    messages: int
    issues: int
    created: int
    archived: int = 0


def _store(session: Session, issue: Issue, heat: float, stored: HotIssue) -> None:
    if not stored.title_locked:
        stored.title = issue.title[:300]
    stored.keywords = list(issue.keywords)
    stored.places = list(issue.places)
    stored.first_time, stored.last_time = issue.first_time, issue.last_time
    stored.size, stored.authors = issue.size, issue.authors
    stored.likes, stored.dislikes = issue.likes, issue.dislikes
    stored.reposts, stored.replies = issue.reposts, issue.replies
    stored.heat = round(heat, 4)
    stored.timeline = {day.isoformat(): count for day, count in sorted(issue.timeline.items())}
    stored.representative_ids = list(issue.representative_ids)
    stored.archived_at = None
    stored.updated_at = utcnow()
    session.add(stored)


def _link(session: Session, issue_id: str | None, message_ids: list[str]) -> None:
    """Point the unpinned messages among ``message_ids`` at ``issue_id``."""
    for start in range(0, len(message_ids), _CHUNK):
        session.execute(
            update(MessageAnalysis)
            .where(
                MessageAnalysis.message_id.in_(message_ids[start : start + _CHUNK]),
                MessageAnalysis.issue_pinned.is_(False),
            )
            .values(issue_id=issue_id)
        )


def _archive_missing(session: Session, kept: set[str], now: datetime) -> int:
    """Archive stored issues not found again (and not merged, not holding pinned messages)."""
    holding = set(
        session.scalars(
            select(MessageAnalysis.issue_id).where(
                MessageAnalysis.issue_pinned.is_(True), MessageAnalysis.issue_id.is_not(None)
            )
        )
    )
    query = select(HotIssue).where(HotIssue.archived_at.is_(None), HotIssue.merged_into_id.is_(None))
    archived = 0
    for issue in session.scalars(query):
        if issue.id not in kept and issue.id not in holding:
            issue.archived_at = now
            archived += 1
    return archived


def refresh(
    session: Session, *, days: int = 90, min_size: int = 3, weights: HeatWeights | None = None
) -> RefreshReport:
    """Detect issues among recent messages and store those with ``min_size`` messages or more.

    Staff decisions hold: messages placed by hand stay where they are, a renamed issue
    keeps its title, and votes for an issue merged away go to the issue it was merged into.
    Stored issues not found again are archived (their old messages keep their link).
    Heat uses ``weights``, by default the deployment's (``MINYI_HEAT_WEIGHTS``).
    """
    now = utcnow()
    weights = weights or records.configured_weights()
    recent = records.recent(session, days)
    redirect = records.merge_targets(session)
    previous = {item.message_id: redirect.get(i, i) for item, i in recent if i}
    hand_placed = records.pinned(session, [item.message_id for item, _ in recent])
    detector = IssueDetector().fit([item for item, _ in recent])
    ranked = rank(detector.issues(), period_end=now, weights=weights)
    kept = [(issue, h) for issue, h in ranked if issue.size >= min_size]
    claimed: set[str] = set()
    created = 0
    _link(session, None, [m for m in previous if m not in hand_placed])
    for issue, heat in kept:
        free = [m for m in issue.message_ids if m not in hand_placed]
        votes = Counter(previous[m] for m in free if m in previous and previous[m] not in claimed)
        stored = session.get(HotIssue, votes.most_common(1)[0][0]) if votes else None
        if stored is None:
            stored = HotIssue()
            created += 1
        _store(session, issue, heat, stored)
        session.flush()
        claimed.add(stored.id)
        _link(session, stored.id, free)
    session.flush()
    for stored_id in claimed:
        stored = session.get(HotIssue, stored_id)
        if stored is not None:
            stats.recompute(session, stored)  # counts pinned members too; category mix
            # the heat of what the issue holds now: staff's splits and merges (pinned members)
            # changed it, and the detector's heat of its own grouping brought the old one back
            stored.heat = records.current_heat(stored, now, weights)
    archived = _archive_missing(session, claimed, now)
    session.flush()
    return RefreshReport(messages=len(recent), issues=len(kept), created=created, archived=archived)


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
