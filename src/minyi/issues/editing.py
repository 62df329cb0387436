"""Staff edits of stored hot issues: rename, merge, split.

Every edit is a staff decision that a later refresh keeps: a renamed issue is
``title_locked``; messages moved by hand are pinned (``MessageAnalysis.issue_pinned``);
a merged issue keeps its row with ``merged_into_id`` so its old links lead to the issue
it joined. Each function checks its input and raises :class:`IssueEditError` naming the
field at fault, and records the edit in the audit trail (who, from where, what changed:
ids and masked titles, never a message); none commits (the request does).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from minyi.accounts.models import User
from minyi.accounts.permissions import Action, can
from minyi.analysis.models import MessageAnalysis
from minyi.audit import services as audit
from minyi.core.errors import InvalidInput
from minyi.db.base import new_id, utcnow
from minyi.intake.models import Message
from minyi.issues import records, stats
from minyi.issues.detect.places import extract_places
from minyi.issues.models import HotIssue
from minyi.pipeline.privacy import mask_text

__all__ = ["IssueEditError", "can_edit", "merge", "rename", "split"]

TITLE_MAX = 300
SPLIT_MAX = 1000
PLACES_MAX = 6
KEYWORDS_MAX = 8
#: A title's characters in an audit event: enough to recognise it, short as the trail's details are.
AUDIT_TITLE = 80


class IssueEditError(InvalidInput):
    """An edit that cannot be made; ``field`` names the input at fault."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message, field=field)


def can_edit(user: User) -> bool:
    """Whether ``user`` may rename, merge and split hot issues."""
    return can(user, Action.EDIT_ISSUES)


def _clean_title(title: str | None) -> str:
    text = " ".join((title or "").split())
    if not text:
        raise IssueEditError("title", "title: enter a title")
    if len(text) > TITLE_MAX:
        raise IssueEditError("title", f"title: at most {TITLE_MAX} characters")
    return text


def _lock(session: Session, *issues: HotIssue) -> None:
    """Lock ``issues`` for this transaction (in id order) and read them afresh.

    Two editors merging A into B and B into A at the same moment both passed their checks
    on PostgreSQL and made a cycle (seventh probe: 237 messages in no live issue). With the
    rows locked, the second edit waits for the first and its checks see what it did. SQLite
    takes its write lock when the transaction begins, which serialises edits already.
    """
    query = (
        select(HotIssue)
        .where(HotIssue.id.in_(sorted({issue.id for issue in issues})))
        .order_by(HotIssue.id)
        .with_for_update()
        .execution_options(populate_existing=True)
    )
    list(session.scalars(query))


def _check_live(issue: HotIssue, field: str = "issue") -> None:
    if issue.merged_into_id:
        raise IssueEditError(field, f"{field}: this issue was merged into another one")


def _shown(title: str) -> str:
    """A title as the trail keeps it: masked (a citizen's words may name someone) and short."""
    return mask_text(title or "")[:AUDIT_TITLE]


def rename(
    session: Session, issue: HotIssue, title: str, *, by: audit.Actor | None, address: str | None = None
) -> None:
    """Give ``issue`` a staff title that later refreshes keep (``by``: who; None the command line)."""
    _lock(session, issue)
    _check_live(issue)
    was = issue.title
    issue.title = _clean_title(title)
    issue.title_locked = True
    issue.updated_at = utcnow()
    session.add(issue)
    details = {"title": _shown(issue.title), "was": _shown(was)}
    audit.record_by(session, audit.ISSUE_RENAMED, by, subject=issue.id, address=address, details=details)


def _union(first: Iterable[str], second: Iterable[str], limit: int) -> list[str]:
    return list(dict.fromkeys([*first, *second]))[:limit]


def merge(
    session: Session,
    source: HotIssue,
    target: HotIssue,
    *,
    by: audit.Actor | None,
    address: str | None = None,
) -> None:
    """Move every message of ``source`` into ``target``; ``source`` points to ``target``."""
    _lock(session, source, target)
    _check_live(source)
    if source.id == target.id:
        raise IssueEditError("target_id", "target_id: choose an issue other than this one")
    _check_live(target, "target_id")
    moved = session.scalar(select(func.count()).where(MessageAnalysis.issue_id == source.id)) or 0
    session.execute(
        update(MessageAnalysis)
        .where(MessageAnalysis.issue_id == source.id)
        .values(issue_id=target.id, issue_pinned=True)
    )
    details = {"into": target.id, "title": _shown(target.title), "messages": moved}
    audit.record_by(session, audit.ISSUE_MERGED, by, subject=source.id, address=address, details=details)
    # Issues merged into ``source`` earlier now lead straight to ``target``.
    session.execute(
        update(HotIssue).where(HotIssue.merged_into_id == source.id).values(merged_into_id=target.id)
    )
    source.merged_into_id = target.id
    target.places = _union(target.places or [], source.places or [], PLACES_MAX)
    target.keywords = _union(target.keywords or [], source.keywords or [], KEYWORDS_MAX)
    if source.archived_at is None:
        target.archived_at = None
    stats.recompute(session, source)
    stats.recompute(session, target)
    _reheat(session, [source, target])


def _split_ids(session: Session, issue: HotIssue, message_ids: Iterable[str]) -> list[str]:
    """The chosen ids, checked: some, not all, each a message of ``issue``."""
    chosen = list(dict.fromkeys(m.strip() for m in message_ids if m and m.strip()))
    if not chosen:
        raise IssueEditError("message_ids", "message_ids: choose at least one message")
    if len(chosen) > SPLIT_MAX:
        raise IssueEditError("message_ids", f"message_ids: at most {SPLIT_MAX} messages at once")
    members = set(
        session.scalars(select(MessageAnalysis.message_id).where(MessageAnalysis.issue_id == issue.id))
    )
    strangers = [m for m in chosen if m not in members]
    if strangers:
        shown = ", ".join(strangers[:5])
        raise IssueEditError("message_ids", f"message_ids: not messages of this issue: {shown}")
    if len(chosen) == len(members):
        raise IssueEditError("message_ids", "message_ids: leave at least one message in this issue")
    return chosen


def _places_of(session: Session, message_ids: list[str]) -> list[str]:
    """The named places the messages mention most (administrative units left out)."""
    texts = session.execute(select(Message.title, Message.body).where(Message.id.in_(message_ids)))
    counts: Counter[str] = Counter()
    for title, body in texts:
        counts.update({p.name for p in extract_places(f"{title} {body}") if p.kind != "admin"})
    return [name for name, _ in counts.most_common(3)]


def split(  # noqa: PLR0913 - the issue, the messages, the new title, and who
    session: Session,
    issue: HotIssue,
    message_ids: Iterable[str],
    title: str | None = None,
    *,
    by: audit.Actor | None,
    address: str | None = None,
) -> HotIssue:
    """Move the chosen messages of ``issue`` into a new issue, and return it.

    Without ``title`` the new issue is named after its earliest message (masked) and a
    later refresh may rename it; with one, the title is locked.
    """
    _lock(session, issue)
    _check_live(issue)
    chosen = _split_ids(session, issue, message_ids)
    named = _clean_title(title) if title and title.strip() else None
    now = utcnow()
    created = HotIssue(
        id=new_id(),
        title=named or "",
        title_locked=named is not None,
        keywords=[],
        places=_places_of(session, chosen),
        first_time=now,
        last_time=now,
        categories={},
        representative_ids=[],
        timeline={},
    )
    session.add(created)
    session.flush()
    session.execute(
        update(MessageAnalysis)
        .where(MessageAnalysis.message_id.in_(chosen))
        .values(issue_id=created.id, issue_pinned=True)
    )
    stats.recompute(session, issue)
    stats.recompute(session, created)
    if named is None:
        first = session.get(Message, created.representative_ids[0])
        created.title = mask_text(first.title if first else "")[:TITLE_MAX] or issue.title
    _reheat(session, [issue, created])
    details = {"new_issue": created.id, "title": _shown(created.title), "messages": len(chosen)}
    audit.record_by(session, audit.ISSUE_SPLIT, by, subject=issue.id, address=address, details=details)
    return created


def _reheat(session: Session, changed: list[HotIssue]) -> None:
    """Score the changed issues now, with the deployment's weights, as refresh and intake do."""
    session.flush()
    for issue in changed:
        issue.heat = records.current_heat(issue)
