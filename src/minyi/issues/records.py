"""Reading stored messages and issues for the detector: shared by refresh and the online tracker."""

from __future__ import annotations

import functools
from datetime import UTC, date, datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from minyi.analysis.models import MessageAnalysis
from minyi.core.localtime import local
from minyi.db.base import utcnow
from minyi.intake.models import ERASED_TEXT, Message
from minyi.issues.detect.heat import HeatWeights, heat
from minyi.issues.detect.issue import Issue, IssueMessage
from minyi.issues.models import HotIssue
from minyi.issues.weights import parse_weights
from minyi.settings import get_settings

_MAX_HOPS = 20  # merged-into chains are short; this only stops a cycle


def aware(moment: datetime) -> datetime:
    """``moment`` with UTC assumed when it has no time zone (SQLite drops it)."""
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def when(message: Message) -> datetime:
    """When the citizen wrote: the submitted time if given, else arrival."""
    return aware(message.submitted_at or message.received_at)


def issue_message(message: Message) -> IssueMessage:
    """The detector's view of a stored message (raw title and body: it normalises itself)."""
    return IssueMessage(
        message_id=message.id,
        title=message.title,
        body=message.body,
        when=when(message),
        author=message.author_pseudonym,
        likes=message.likes,
        dislikes=message.dislikes,
        reposts=message.reposts,
        replies=message.replies_count,
    )


def recent(session: Session, days: int) -> list[tuple[IssueMessage, str | None]]:
    """Analysed messages written in the last ``days`` days with their stored issue id, oldest first.

    Written, not only received: an import of two years of history arrives in one day, and
    every old message counted as recent (179 s and 709 MB a refresh at 100k, and "hot"
    issues of 2024). A message is received after it was written, so the received time's
    index still narrows the read.
    """
    since = utcnow() - timedelta(days=days)
    written = func.coalesce(Message.submitted_at, Message.received_at)
    query = (
        select(Message, MessageAnalysis.issue_id)
        .join(MessageAnalysis, MessageAnalysis.message_id == Message.id)
        .where(Message.received_at >= since, written >= since, Message.body != ERASED_TEXT)
        .order_by(Message.received_at)
    )
    return [(issue_message(message), issue_id) for message, issue_id in session.execute(query)]


def received_since(session: Session, moment: datetime) -> list[IssueMessage]:
    """Analysed messages received at or after ``moment``, oldest first."""
    query = (
        select(Message)
        .join(MessageAnalysis, MessageAnalysis.message_id == Message.id)
        .where(Message.received_at >= moment, Message.body != ERASED_TEXT)
        .order_by(Message.received_at)
    )
    return [issue_message(message) for message in session.scalars(query)]


def pinned(session: Session, message_ids: list[str]) -> dict[str, str | None]:
    """Among ``message_ids``, those staff placed by hand, with their issue."""
    query = select(MessageAnalysis.message_id, MessageAnalysis.issue_id).where(
        MessageAnalysis.issue_pinned.is_(True)
    )
    wanted = set(message_ids)
    return {m: i for m, i in session.execute(query) if m in wanted}


def merge_targets(session: Session) -> dict[str, str]:
    """Each merged issue's id → the id of the live issue it ended up in."""
    query = select(HotIssue.id, HotIssue.merged_into_id).where(HotIssue.merged_into_id.is_not(None))
    direct = {source: target for source, target in session.execute(query) if target is not None}
    out = {}
    for source, first in direct.items():
        target, hops = first, 0
        while target in direct and hops < _MAX_HOPS:
            target, hops = direct[target], hops + 1
        if target is not None:
            out[source] = target
    return out


def live_issue(session: Session, issue_id: str) -> HotIssue | None:
    """The stored issue, following merges to where it lives now; ``None`` when gone."""
    issue = session.get(HotIssue, issue_id)
    hops = 0
    while issue is not None and issue.merged_into_id is not None and hops < _MAX_HOPS:
        issue, hops = session.get(HotIssue, issue.merged_into_id), hops + 1
    return issue


def as_issue(stored: HotIssue, number: int = 0) -> Issue:
    """The stored issue as the detector's summary type (for heat and ranking), as ``number``."""
    return Issue(
        id=number,
        title=stored.title,
        keywords=tuple(stored.keywords),
        places=tuple(stored.places),
        first_time=aware(stored.first_time),
        last_time=aware(stored.last_time),
        size=stored.size,
        authors=stored.authors,
        likes=stored.likes,
        dislikes=stored.dislikes,
        reposts=stored.reposts,
        replies=stored.replies,
        timeline={date.fromisoformat(day): int(count) for day, count in stored.timeline.items()},
        representative_ids=tuple(stored.representative_ids),
        message_ids=(),
        weighted_posts=stored.posts_counted,
        people_likes=stored.people_likes,
    )


def configured_weights() -> HeatWeights:
    """The heat weights of this deployment (``MINYI_HEAT_WEIGHTS``), parsed once per value."""
    return _parsed_weights(get_settings().heat_weights)


@functools.lru_cache(maxsize=8)
def _parsed_weights(text: str) -> HeatWeights:
    return parse_weights(text)


def current_heat(
    stored: HotIssue, moment: datetime | None = None, weights: HeatWeights | None = None
) -> float:
    """The heat of a stored issue now (or at ``moment``), rounded as stored; 0 when empty."""
    if stored.size <= 0:
        return 0.0
    moment = moment or utcnow()
    today = local(moment).date()  # the stored timeline counts local dates (stats.recompute)
    return round(heat(as_issue(stored), moment, weights or configured_weights(), today), 4)
