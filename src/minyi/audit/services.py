"""Recording and reading the audit trail (services never commit)."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Protocol

from sqlalchemy import Select, and_, func, or_, select
from sqlalchemy.orm import Session

from minyi.audit.models import AuditEvent
from minyi.db.base import new_id, utcnow

# The actions recorded today; a new kind of event adds its name here.
EXPORT_MASKED = "export_masked"
EXPORT_FULL = "export_full"  # personal data in clear: admins only
VIEW_PERSONAL_DATA = "view_personal_data"
ROLE_CHANGED = "role_changed"
IMPORT = "import"
ERASURE = "erasure"  # one person's data erased at their request (flows.erasure)
RETENTION_RUN = "retention_run"  # a batch of contact details deleted by the retention policy (counts only)
ERASURE_PREVIEW = "erasure_preview"  # what an erasure would find: a look-up by phone or e-mail
HOLIDAYS_CHANGED = (
    "holidays_changed"  # a year's schedule entered, changed or removed: every deadline counts on it
)
DEADLINES_RECOUNTED = "deadlines_recounted"  # the recount of deadlines that schedule moved (overdue ones too)
# Thirteenth probe: every other change an administrator (or the command line) makes to who may
# do what, and to the rules every case is handled by, leaves an event too.
ACCOUNT_ACTIVE = "account_active"  # an account deactivated (locked out by an admin) or reactivated
PASSWORD_CHANGED = "password_changed"  # noqa: S105 - one's own, or set by the command line (never the password)
SESSIONS_ENDED = "sessions_ended"  # a user logged out everywhere by an administrator
LOCKOUT_LIFTED = "lockout_lifted"  # a lock-out after failed attempts lifted early
TOKEN_ISSUED = "token_issued"  # noqa: S105 - an API token for a staff user (never the token)
CLIENT_KEY_CREATED = "client_key_created"  # an Open311 client's key (never the key)
CLIENT_KEY_REVOKED = "client_key_revoked"
DEPARTMENT_CREATED = "department_created"
CATEGORIES_IMPORTED = "categories_imported"
RULE_ADDED = "deadline_rule_added"  # a deadline rule: every new case's deadline counts on them
RULE_REMOVED = "deadline_rule_removed"
TEMPLATE_ADDED = "template_added"  # a reply template
TEMPLATE_REMOVED = "template_removed"
MODEL_ACTIVATED = "model_activated"  # the classifier that sorts every new message
RESTORE = "restore"  # an export's statuses and replies restored (minyi restore)
ALERT_RULE_SAVED = "alert_rule_saved"  # an alert rule added or changed: who is warned of what, where
ALERT_RULE_SWITCHED = "alert_rule_switched"  # an alert rule turned on or off
AUDIT_EXPORTED = "audit_exported"  # this trail downloaded as CSV (it names staff and their addresses)
# The thirteenth probe's left-open items: staff edits of hot issues (what the public figures and
# briefings say the city is talking about) and of knowledge articles (the answers staff give).
ISSUE_RENAMED = "issue_renamed"  # subject: the hot issue's id; details: the masked titles
ISSUE_MERGED = "issue_merged"  # subject: the issue merged away; details: the one it joined
ISSUE_SPLIT = "issue_split"  # subject: the issue split; details: the new issue, messages moved
ARTICLE_CREATED = "article_created"  # subject: the knowledge article's id
ARTICLE_CHANGED = "article_changed"  # a new version of it (a file's import too)
ARTICLE_EXPIRED = "article_expired"  # taken out of force (search stops offering it)
BULK_DISPATCH = "bulk_dispatch"  # 批量派单: many cases to one department (details: how many, which numbers)
ACTIONS = (
    VIEW_PERSONAL_DATA,
    EXPORT_FULL,
    EXPORT_MASKED,
    ROLE_CHANGED,
    IMPORT,
    ERASURE,
    ERASURE_PREVIEW,
    RETENTION_RUN,
    HOLIDAYS_CHANGED,
    DEADLINES_RECOUNTED,
    ACCOUNT_ACTIVE,
    PASSWORD_CHANGED,
    SESSIONS_ENDED,
    LOCKOUT_LIFTED,
    TOKEN_ISSUED,
    CLIENT_KEY_CREATED,
    CLIENT_KEY_REVOKED,
    DEPARTMENT_CREATED,
    CATEGORIES_IMPORTED,
    RULE_ADDED,
    RULE_REMOVED,
    TEMPLATE_ADDED,
    TEMPLATE_REMOVED,
    MODEL_ACTIVATED,
    RESTORE,
    ALERT_RULE_SAVED,
    ALERT_RULE_SWITCHED,
    AUDIT_EXPORTED,
    ISSUE_RENAMED,
    ISSUE_MERGED,
    ISSUE_SPLIT,
    ARTICLE_CREATED,
    ARTICLE_CHANGED,
    ARTICLE_EXPIRED,
    BULK_DISPATCH,
)

#: How the command line signs its events (``minyi user create``, ``minyi model activate`` …).
COMMAND_LINE = "command line"


class Actor(Protocol):
    """Whoever acts: a staff user (this package knows no accounts, only these two fields)."""

    @property
    def id(self) -> str: ...  # noqa: D102 - the user's id

    @property
    def username(self) -> str: ...  # noqa: D102 - the name the trail shows


def record(  # noqa: PLR0913 - the fields of one event
    session: Session,
    action: str,
    *,
    actor: str,
    actor_user_id: str | None = None,
    subject: str = "",
    address: str | None = None,
    details: dict[str, Any] | None = None,
) -> AuditEvent:
    """Append one event (flushed with the caller's transaction)."""
    event = AuditEvent(
        id=new_id(),
        at=utcnow(),
        actor=actor[:120],
        actor_user_id=actor_user_id,
        action=action[:60],
        subject=subject[:300],
        address=(address or None) and address[:64],
        details=details or {},
    )
    session.add(event)
    return event


def record_by(  # noqa: PLR0913 - the fields of one event
    session: Session,
    action: str,
    by: Actor | None,
    *,
    subject: str = "",
    address: str | None = None,
    details: dict[str, Any] | None = None,
) -> AuditEvent:
    """Append one event done by ``by`` (None: the command line), from ``address``."""
    return record(
        session,
        action,
        actor=by.username if by is not None else COMMAND_LINE,
        actor_user_id=by.id if by is not None else None,
        subject=subject,
        address=address,
        details=details,
    )


def recent(
    session: Session, *, action: str | None = None, since: datetime | None = None, limit: int = 200
) -> Sequence[AuditEvent]:
    """The newest events first, optionally of one action and since a time."""
    query = select(AuditEvent).order_by(AuditEvent.at.desc(), AuditEvent.id.desc()).limit(limit)
    if action:
        query = query.where(AuditEvent.action == action)
    if since is not None:
        query = query.where(AuditEvent.at >= since)
    return list(session.scalars(query))


@dataclass(frozen=True)
class AuditPage:
    """One page of the trail, newest first, and how many events match in all."""

    events: Sequence[AuditEvent]
    total: int
    page: int
    pages: int


@dataclass(frozen=True)
class AuditFilter:
    """What the office asks of the trail: one action, one actor, one subject, a time range.

    ``actor`` and ``subject`` match exactly (a user name; a case number, user name or file);
    ``since`` and ``until`` bound ``[since, until)`` in UTC.
    """

    action: str | None = None
    actor: str | None = None
    subject: str | None = None
    since: datetime | None = None
    until: datetime | None = None

    def query(self) -> Select[AuditEvent]:
        """The matching events, unordered."""
        query = select(AuditEvent)
        if self.action:
            query = query.where(AuditEvent.action == self.action)
        if self.actor:
            query = query.where(AuditEvent.actor == self.actor)
        if self.subject:
            query = query.where(AuditEvent.subject == self.subject)
        if self.since is not None:
            query = query.where(AuditEvent.at >= self.since)
        if self.until is not None:
            query = query.where(AuditEvent.at < self.until)
        return query


def search(session: Session, wanted: AuditFilter, *, page: int = 1, page_size: int = 50) -> AuditPage:
    """One page of the events ``wanted`` names, newest first, and how many there are."""
    query = wanted.query()
    total = session.scalar(select(func.count()).select_from(query.subquery())) or 0
    pages = max(1, -(-total // page_size))
    page = min(max(page, 1), pages)
    found = session.scalars(
        query.order_by(AuditEvent.at.desc(), AuditEvent.id.desc())
        .offset((page - 1) * page_size)
        .limit(page_size)
    )
    return AuditPage(list(found), int(total), page, pages)


def every(session: Session, wanted: AuditFilter, *, batch: int = 500) -> Iterator[AuditEvent]:
    """Every event ``wanted`` names, oldest first, read ``batch`` at a time (for the CSV file).

    Keyset on ``(at, id)``: a trail of a million events is written without holding it in memory.
    """
    after: tuple[datetime, str] | None = None
    while True:
        query = wanted.query().order_by(AuditEvent.at, AuditEvent.id).limit(batch)
        if after is not None:
            at, last = after
            query = query.where(or_(AuditEvent.at > at, and_(AuditEvent.at == at, AuditEvent.id > last)))
        rows = list(session.scalars(query))
        yield from rows
        if len(rows) < batch:
            return
        after = (rows[-1].at, rows[-1].id)


def actors(session: Session, limit: int = 200) -> list[str]:
    """The names that appear in the trail, for the page's actor filter."""
    return list(session.scalars(select(AuditEvent.actor).distinct().order_by(AuditEvent.actor).limit(limit)))
