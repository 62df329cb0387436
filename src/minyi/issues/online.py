"""Online issue assignment: every new message joins its hot issue as it is processed.

One :class:`IssueTracker` per server process holds a live :class:`IssueDetector` built
from the stored messages of the last ``days`` days. Each processed message is assigned
in about a millisecond (``bench/bench_issues.py`` measures it): if its group already is a
stored :class:`HotIssue`, the message is linked and the issue's numbers are updated in
place; when an unstored group reaches ``min_size`` messages it is stored as a new issue
with all its messages linked.

The detector never consolidates inside a request. Instead the tracker rebuilds itself
from the database every ``rebuild_seconds`` (in a background thread when it owns its
database, else on the request that finds it stale), which also picks up the merges,
splits and archiving done by ``minyi issues refresh`` and by staff. Messages staff
placed by hand (``issue_pinned``) are never moved.
"""

from __future__ import annotations

import logging
import threading
import time
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import select, text, update
from sqlalchemy.orm import Session

from minyi.analysis.models import MessageAnalysis
from minyi.core import localtime
from minyi.db.base import utcnow
from minyi.db.session import Database
from minyi.intake.models import Message
from minyi.issues import records, stats
from minyi.issues.detect.cluster import IssueDetector
from minyi.issues.detect.issue import Issue, people_counts
from minyi.issues.models import HotIssue

log = logging.getLogger(__name__)
RETRY_SECONDS = 5.0  # when another process of the deployment is rebuilding
_ADVISORY_KEY = 0x4D494E59_49535355  # "MINYISSU": the tracker rebuild's advisory lock
_NEVER = 1e12  # consolidation "every this many days": never inside a request


def deployment_lock(session: Session) -> bool:
    """Take the deployment-wide rebuild lock for this session's transaction (PostgreSQL).

    ``pg_try_advisory_xact_lock`` never waits and is released when the transaction ends.
    SQLite serves one machine, where the per-process lock is enough: always True there.
    """
    if session.get_bind().dialect.name != "postgresql":
        return True
    return bool(
        session.execute(text("SELECT pg_try_advisory_xact_lock(:key)"), {"key": _ADVISORY_KEY}).scalar()
    )


Member = tuple[datetime, str, str | None, int]  # an issue member: (when, message id, author, likes)


@dataclass
class BatchPlan:
    """Where the messages of a worker's batch go, decided before anything is written.

    :meth:`IssueTracker.plan` assigns the whole batch in the detector first (in order,
    as one message at a time would), so the stored issues the batch will update are
    known and can be locked up front in id order: two workers storing batches then
    never wait on each other's issues in opposite orders (no deadlock), and each issue
    is read once a batch, not once a message.
    """

    groups: dict[str, tuple[int, str | None, Issue | None]] = field(default_factory=dict)
    created: dict[int, str] = field(default_factory=dict)  # detector group → issue stored by the batch
    members: dict[str, list[Member]] = field(default_factory=dict)  # issue id → its members so far
    issues: list[HotIssue] = field(default_factory=list)  # the issues locked (the session holds them weakly)


def online_detector() -> IssueDetector:
    """A detector with the default settings that never consolidates by itself.

    Archived summaries are not kept: the tracker is rebuilt from the database anyway.
    """
    return IssueDetector(consolidate_every=0, consolidate_days=_NEVER, keep_archived=False)


class IssueTracker:
    """Assigns processed messages to stored hot issues, one message at a time.

    Args:
        days: Messages of this many days make up the live detector.
        min_size: An unstored group is stored as an issue once it has this many messages.
        rebuild_seconds: Rebuild the detector from the database this often.
        database: When given, rebuilds run in a background thread with their own
            session (a server); without it they run on the calling session (tests, CLI).
    """

    def __init__(
        self,
        *,
        days: int = 90,
        min_size: int = 3,
        rebuild_seconds: float = 3600.0,
        database: Database | None = None,
    ) -> None:
        self.days = days
        self.min_size = min_size
        self.rebuild_seconds = rebuild_seconds
        self.database = database
        self.lock_ = threading.Lock()
        self.detector_: IssueDetector | None = None
        self.stored_: dict[int, str] = {}
        self.built_at_ = float("-inf")
        self._building = threading.Lock()  # held while a rebuild runs: one at a time per process

    @property
    def ready(self) -> bool:
        """Whether a detector has been built."""
        return self.detector_ is not None

    # --- building -----------------------------------------------------------------------------

    def rebuild(self, session: Session) -> None:
        """Build a fresh detector from the stored messages and map its groups to stored issues."""
        started = utcnow()
        recent = records.recent(session, self.days)
        detector = online_detector().fit([item for item, _ in recent])
        previous = {item.message_id: stored for item, stored in recent if stored}
        redirect = records.merge_targets(session)
        stored = {}
        for issue in detector.issues(include_archived=False):
            linked = (previous[m] for m in issue.message_ids if m in previous)
            votes = Counter(redirect.get(i, i) for i in linked)
            if votes:
                stored[issue.id] = votes.most_common(1)[0][0]
        late = [item for item in records.received_since(session, started) if item.message_id not in previous]
        with self.lock_:
            detector.partial_fit(late)
            self.detector_, self.stored_ = detector, stored
            self.built_at_ = time.monotonic()
        log.info("issue tracker rebuilt: %d messages, %d stored issues", len(recent), len(stored))

    def _stale(self) -> bool:
        return time.monotonic() - self.built_at_ >= self.rebuild_seconds

    def _rebuild_in_background(self) -> None:
        """Start a rebuild in a thread unless one is running; never waits.

        The check and the claim are one atomic step (a non-blocking lock), so concurrent
        requests that find the tracker stale start one rebuild between them, not one each.
        Across processes, a PostgreSQL advisory lock lets one process of a deployment
        rebuild at a time; the others try again a little later.
        """
        database = self.database
        if database is None or not self._building.acquire(blocking=False):
            return

        def run() -> None:
            try:
                with database.read_session() as session:
                    if deployment_lock(session):
                        self.rebuild(session)
                    else:
                        self.built_at_ = time.monotonic() - self.rebuild_seconds + RETRY_SECONDS
            except Exception:  # a failed rebuild keeps the old detector; the next one retries
                log.exception("rebuilding the issue tracker failed")
                self.built_at_ = time.monotonic()
            finally:
                self._building.release()

        threading.Thread(target=run, name="minyi-issue-tracker", daemon=True).start()

    def _ensure(self, session: Session) -> bool:
        """Build or rebuild when due; whether a detector is ready to use."""
        if not self._stale():
            return True
        if self.database is not None:
            self._rebuild_in_background()
            return self.ready
        self.rebuild(session)
        return True

    # --- a batch of messages (workers) -------------------------------------------------------

    def plan(
        self, session: Session, messages: Sequence[Message], *, pinned: set[str] | None = None
    ) -> BatchPlan:
        """Assign ``messages`` in the detector and lock the stored issues they will join.

        For each message this records what :meth:`_observe` would decide at its turn:
        its group, the stored issue of the group, or the summary of a group that
        reaches ``min_size`` with it (a later message of the same group then joins the
        issue that message stores). Messages staff placed by hand are left out, as
        :meth:`_observe` leaves them (``pinned``: their ids, read here when not given). The
        issues are locked in id order (``SELECT … FOR NO KEY UPDATE ORDER BY id`` on
        PostgreSQL: the lock their ``UPDATE`` takes, which still lets other transactions
        insert rows that refer to them) and kept in the session.
        """
        plan = BatchPlan()
        detector = self.detector_ if self._ensure(session) else None
        if detector is None or not messages:
            return plan
        if pinned is None:
            query = select(MessageAnalysis.message_id).where(
                MessageAnalysis.message_id.in_([message.id for message in messages]),
                MessageAnalysis.issue_pinned.is_(True),
            )
            pinned = set(session.scalars(query))
        making: set[int] = set()  # groups an earlier message of the batch stores as an issue
        with self.lock_:
            for message in messages:
                if message.id in pinned:
                    continue
                group = detector.resolve(detector.assign(records.issue_message(message)))
                stored_id = self.stored_.get(group)
                summary = None
                if stored_id is None and group not in making:
                    summary = detector.summary(group, min_size=self.min_size)
                    if summary is not None:
                        making.add(group)
                plan.groups[message.id] = (group, stored_id, summary)
        wanted = sorted({stored for _, stored, _ in plan.groups.values() if stored is not None})
        if wanted:
            locking = (
                select(HotIssue)
                .where(HotIssue.id.in_(wanted))
                .order_by(HotIssue.id)
                .with_for_update(key_share=True)
            )
            plan.issues = list(session.scalars(locking))  # held: the identity map keeps them, no re-read
            plan.members = _members(session, wanted)
        return plan

    def observe_planned(
        self, session: Session, message: Message, analysis: MessageAnalysis, plan: BatchPlan
    ) -> str | None:
        """Put ``message`` where :meth:`plan` decided; without a savepoint, so a failure raises.

        The worker then rolls its whole batch back and stores the messages one by one,
        through :meth:`observe`, where a failure leaves only that message unassigned.
        """
        if analysis.issue_pinned:
            return analysis.issue_id
        decided = plan.groups.get(message.id)
        if decided is None:
            return None
        group, stored_id, summary = decided
        stored_id = plan.created.get(group, stored_id)
        if stored_id is not None:
            joined = join(session, stored_id, message, analysis, plan.members)
            if joined is not None:
                return joined
            with self.lock_:
                summary = self.detector_.summary(group, min_size=self.min_size) if self.detector_ else None
        if summary is None:
            return None
        issue = create(session, summary, analysis)
        with self.lock_:
            self.stored_[group] = issue.id
        plan.created[group] = issue.id
        return issue.id

    # --- one message --------------------------------------------------------------------------

    def observe(self, session: Session, message: Message, analysis: MessageAnalysis) -> str | None:
        """Assign a processed ``message``; returns the stored issue id it joined, if any.

        A failure here is logged and leaves the message without an issue (the next
        refresh groups it): it never fails the processing of the message itself.
        """
        try:
            with session.begin_nested():
                return self._observe(session, message, analysis)
        except Exception:
            log.exception("assigning message %s to a hot issue failed", message.id)
            return None

    def _observe(self, session: Session, message: Message, analysis: MessageAnalysis) -> str | None:
        if analysis.issue_pinned:
            return analysis.issue_id
        detector = self.detector_ if self._ensure(session) else None
        if detector is None:
            return None  # the first build is still running; the next rebuild includes this message
        with self.lock_:
            group = detector.resolve(detector.assign(records.issue_message(message)))
            stored_id = self.stored_.get(group)
            summary = None if stored_id else detector.summary(group, min_size=self.min_size)
        if stored_id is not None:
            joined = join(session, stored_id, message, analysis)
            if joined is not None:
                return joined
            summary = detector.summary(group, min_size=self.min_size)
        if summary is None:
            return None
        issue = create(session, summary, analysis)
        with self.lock_:
            self.stored_[group] = issue.id
        return issue.id


def join(
    session: Session,
    issue_id: str,
    message: Message,
    analysis: MessageAnalysis,
    members: dict[str, list[Member]] | None = None,
) -> str | None:
    """Link ``message`` to the stored issue (or where it was merged) and update its numbers.

    ``members`` (issue id → members) keeps each issue's members across the joins of one
    transaction (a worker's batch), so they are read once an issue, not once a message.
    """
    issue = records.live_issue(session, issue_id)
    if issue is None:
        return None
    author = message.author_pseudonym
    analysis.issue_id = issue.id  # before the members are read: a flush then writes it with the row
    known, posts = _posts(session, issue.id, message, members)
    # The issue's numbers change after the read above, so its row is written by one UPDATE.
    when = records.when(message)
    issue.size += 1
    issue.authors += 0 if known or author is None else 1
    issue.likes += message.likes
    issue.dislikes += message.dislikes
    issue.reposts += message.reposts
    issue.replies += message.replies_count
    issue.first_time = min(records.aware(issue.first_time), when)
    issue.last_time = max(records.aware(issue.last_time), when)
    issue.timeline = _bump(issue.timeline, localtime.local_date(when).isoformat())  # the local day
    if analysis.category_label:
        issue.categories = _bump(issue.categories, analysis.category_label)
    issue.archived_at = None
    issue.posts_counted, issue.people_likes = people_counts(posts)
    issue.heat = records.current_heat(issue)
    issue.updated_at = utcnow()
    return issue.id


def _members(session: Session, issue_ids: list[str]) -> dict[str, list[Member]]:
    """The members of each of ``issue_ids``, read in one query (what :func:`_posts` reads for one)."""
    query = (
        select(
            MessageAnalysis.issue_id,
            Message.id,
            Message.submitted_at,
            Message.received_at,
            Message.author_pseudonym,
            Message.likes,
        )
        .join(MessageAnalysis, MessageAnalysis.message_id == Message.id)
        .where(MessageAnalysis.issue_id.in_(issue_ids))
    )
    members: dict[str, list[Member]] = {issue_id: [] for issue_id in issue_ids}
    for issue_id, mid, at, received, who, likes in session.execute(query):
        members[str(issue_id)].append((records.aware(at or received), mid, who, likes or 0))
    return members


def _posts(
    session: Session, issue_id: str, message: Message, members: dict[str, list[Member]] | None = None
) -> tuple[bool, list[tuple[str | None, int]]]:
    """Whether the author already wrote in the issue, and each member's ``(author, likes)``.

    The members include ``message`` and come earliest first, as :func:`stats.members`
    orders them (so the sums are the same to the last bit).
    One query of two short columns instead of an ``exists`` query, a flush and the whole
    member rows: the join runs for every message a worker processes. With ``members``
    the rows read are kept, and ``message`` added to them, for the next join.
    """
    rows = members.get(issue_id) if members is not None else None
    if rows is None:
        query = (
            select(
                Message.id, Message.submitted_at, Message.received_at, Message.author_pseudonym, Message.likes
            )
            .join(MessageAnalysis, MessageAnalysis.message_id == Message.id)
            .where(MessageAnalysis.issue_id == issue_id, Message.id != message.id)
        )
        rows = [
            (records.aware(at or received), mid, who, likes or 0)
            for mid, at, received, who, likes in session.execute(query)
        ]
    rows = [row for row in rows if row[1] != message.id]
    author = message.author_pseudonym
    known = author is not None and any(row[2] == author for row in rows)
    rows.append((records.when(message), message.id, author, message.likes or 0))
    rows.sort(key=lambda row: (row[0], row[1]))
    if members is not None:
        members[issue_id] = rows
    return known, [(row[2], row[3]) for row in rows]


def _bump(counts: dict[str, int], key: str) -> dict[str, int]:
    """A new dict (so the JSON column sees the change) with ``key`` counted once more."""
    out = dict(counts)
    out[key] = int(out.get(key, 0)) + 1
    return out


def create(session: Session, summary: Issue, analysis: MessageAnalysis) -> HotIssue:
    """Store a new issue from a detector group and link its unlinked, unpinned messages."""
    issue = HotIssue(
        title=summary.title[:300],
        keywords=list(summary.keywords),
        places=list(summary.places),
        first_time=summary.first_time,
        last_time=summary.last_time,
        size=summary.size,
        authors=summary.authors,
        likes=summary.likes,
        dislikes=summary.dislikes,
        reposts=summary.reposts,
        replies=summary.replies,
        timeline={day.isoformat(): count for day, count in sorted(summary.timeline.items())},
        representative_ids=list(summary.representative_ids),
        categories={},
        updated_at=utcnow(),
    )
    session.add(issue)
    session.flush()
    analysis.issue_id = issue.id
    session.execute(
        update(MessageAnalysis)
        .where(
            MessageAnalysis.message_id.in_(list(summary.message_ids)),
            MessageAnalysis.issue_id.is_(None),
            MessageAnalysis.issue_pinned.is_(False),
        )
        .values(issue_id=issue.id)
        .execution_options(synchronize_session="fetch")
    )
    session.flush()
    stats.recompute(session, issue)  # only the messages actually linked count
    issue.heat = records.current_heat(issue)
    return issue
