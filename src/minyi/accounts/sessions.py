"""Server-side staff sessions: a login is a row, so logging out really ends it.

The signed session cookie carries only a random token; the table ``staff_sessions`` keeps
its SHA-256 hash (the row's id), the user, when it started, was last seen and expires, and
when it was revoked. Every request resolves the token (:func:`resolve`): a revoked, expired
or unknown token, or one of an inactive user, is no session, so a cookie copied before a
logout is worthless afterwards. Logging out revokes the row (:func:`end`), an administrator
can end all of a user's sessions (:func:`end_all`), and changing a password ends the user's
other sessions (``minyi.accounts.services.change_password``).
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import ForeignKey, String, delete, func, select, update
from sqlalchemy.orm import Mapped, Session, mapped_column, relationship

from minyi.accounts.models import User
from minyi.db.base import ID_LENGTH, Base

TOKEN_HASH_LENGTH = 64
TOUCH_EVERY = timedelta(minutes=1)
"""``last_seen_at`` is written at most this often per session (not on every request)."""
KEEP_ENDED = timedelta(days=30)
"""Ended (revoked or expired) sessions are kept this long for the record, then deleted."""


class StaffSession(Base):
    """One staff login; ``id`` is the hash of the token in the user's session cookie."""

    __tablename__ = "staff_sessions"

    id: Mapped[str] = mapped_column(String(TOKEN_HASH_LENGTH), primary_key=True)
    user_id: Mapped[str] = mapped_column(
        String(ID_LENGTH), ForeignKey("users.id", ondelete="CASCADE"), index=True
    )
    created_at: Mapped[datetime] = mapped_column()
    last_seen_at: Mapped[datetime] = mapped_column()
    expires_at: Mapped[datetime] = mapped_column(index=True)
    revoked_at: Mapped[datetime | None] = mapped_column()
    user_agent: Mapped[str | None] = mapped_column(String(200))
    address: Mapped[str | None] = mapped_column(String(64))

    user: Mapped[User] = relationship()

    def is_live(self, now: datetime) -> bool:
        """Neither revoked nor expired, and the user still active."""
        return self.revoked_at is None and self.expires_at > now and self.user.is_active


@dataclass(frozen=True)
class SessionInfo:
    """A live session, as administrators see it (never the token)."""

    id: str
    username: str
    created_at: datetime
    last_seen_at: datetime
    expires_at: datetime
    user_agent: str | None
    address: str | None


def token_hash(token: str) -> str:
    """The stored form of a session token."""
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def start(  # noqa: PLR0913 - the session's fields
    session: Session,
    user: User,
    *,
    now: datetime,
    lifetime: timedelta,
    user_agent: str | None = None,
    address: str | None = None,
) -> str:
    """Open a session for ``user``; returns the token for the cookie (only its hash is stored)."""
    token = secrets.token_urlsafe(32)
    session.add(
        StaffSession(
            id=token_hash(token),
            user_id=user.id,
            created_at=now,
            last_seen_at=now,
            expires_at=now + lifetime,
            user_agent=(user_agent or None) and user_agent[:200],
            address=(address or None) and address[:64],
        )
    )
    session.execute(delete(StaffSession).where(StaffSession.expires_at < now - KEEP_ENDED))
    session.flush()
    return token


def resolve(session: Session, token: str, now: datetime) -> StaffSession | None:
    """The live session of ``token``, or None (unknown, revoked, expired, user inactive)."""
    if not token:
        return None
    row = session.get(StaffSession, token_hash(token))
    if row is None or not row.is_live(now):
        return None
    return row


def touch(row: StaffSession, now: datetime) -> bool:
    """Note that the session was used now, at most once per :data:`TOUCH_EVERY`; whether it wrote."""
    if now - row.last_seen_at < TOUCH_EVERY:
        return False
    row.last_seen_at = now
    return True


def end(session: Session, token: str, now: datetime) -> bool:
    """Revoke the session of ``token`` (logout); whether a live one was ended."""
    row = session.get(StaffSession, token_hash(token)) if token else None
    if row is None or row.revoked_at is not None:
        return False
    row.revoked_at = now
    session.flush()
    return True


def end_all(session: Session, user: User, now: datetime, *, keep: str | None = None) -> int:
    """Revoke every live session of ``user`` except the one of token ``keep``; how many."""
    query = update(StaffSession).where(
        StaffSession.user_id == user.id,
        StaffSession.revoked_at.is_(None),
        StaffSession.expires_at > now,
    )
    if keep:
        query = query.where(StaffSession.id != token_hash(keep))
    result = session.execute(query.values(revoked_at=now).execution_options(synchronize_session="fetch"))
    session.flush()
    return int(getattr(result, "rowcount", 0) or 0)


def live_sessions(session: Session, now: datetime, user: User | None = None) -> list[SessionInfo]:
    """The live sessions (of ``user``, or of everyone), the most recently seen first."""
    query = (
        select(StaffSession, User.username)
        .join(User, StaffSession.user_id == User.id)
        .where(StaffSession.revoked_at.is_(None), StaffSession.expires_at > now, User.is_active.is_(True))
        .order_by(StaffSession.last_seen_at.desc())
    )
    if user is not None:
        query = query.where(StaffSession.user_id == user.id)
    return [
        SessionInfo(
            id=row.id,
            username=username,
            created_at=row.created_at,
            last_seen_at=row.last_seen_at,
            expires_at=row.expires_at,
            user_agent=row.user_agent,
            address=row.address,
        )
        for row, username in session.execute(query)
    ]


def count_live(session: Session, now: datetime) -> dict[str, int]:
    """Live sessions per user id (for the administrators' user list)."""
    rows = session.execute(
        select(StaffSession.user_id, func.count())
        .where(StaffSession.revoked_at.is_(None), StaffSession.expires_at > now)
        .group_by(StaffSession.user_id)
    )
    return {user_id: int(count) for user_id, count in rows}
