"""Account services: create users, check passwords (throttled), change them, API tokens."""

from __future__ import annotations

import hashlib
import secrets
from datetime import datetime, timedelta

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import select
from sqlalchemy.orm import Session

from minyi.accounts import client_keys, sessions
from minyi.accounts.models import ApiToken, Role, User
from minyi.accounts.passwords import WeakPasswordError, check_password
from minyi.accounts.throttle import Throttle, ThrottleKind
from minyi.accounts.throttle import lift as throttle_lift
from minyi.audit import services as audit
from minyi.core.errors import InvalidInput
from minyi.db.base import utcnow
from minyi.departments.models import Department

_hasher = PasswordHasher()


class AccountError(InvalidInput):
    """A request about accounts that cannot be carried out; the text says why."""


def hash_password(password: str) -> str:
    """An Argon2id hash of ``password``."""
    return _hasher.hash(password)


def verify_password(password_hash: str, password: str) -> bool:
    """Whether ``password`` matches ``password_hash``."""
    try:
        return _hasher.verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


def create_user(  # noqa: PLR0913 - every argument is a field of the new user
    session: Session,
    *,
    username: str,
    password: str,
    role: str = Role.STAFF.value,
    department_code: str | None = None,
    display_name: str | None = None,
    granted_by: User | None = None,
    address: str | None = None,
) -> User:
    """Add a staff user. Department staff must belong to a department.

    The password must pass :func:`minyi.accounts.passwords.check_password` (long enough,
    not common, not the user name, not a keyboard pattern, not easy to guess). The role
    granted is recorded in the audit trail, with ``granted_by`` (None: the command line).
    """
    if not username.strip():  # named first: an empty form was told only about its department
        raise AccountError("username: enter a user name")
    if role not in {r.value for r in Role}:
        raise AccountError(f"unknown role {role!r}; choose one of {', '.join(r.value for r in Role)}")
    try:
        check_password(password, username=username, extra_words=[display_name] if display_name else ())
    except WeakPasswordError as exc:
        raise AccountError(str(exc)) from exc
    if session.scalar(select(User).where(User.username == username)) is not None:
        raise AccountError(f"user {username!r} already exists")
    department = None
    if department_code:
        department = session.scalar(select(Department).where(Department.code == department_code))
        if department is None:
            raise AccountError(f"no department with code {department_code!r}")
    if role == Role.STAFF and department is None:
        raise AccountError("department staff need a department (--department CODE)")
    user = User(
        username=username,
        display_name=display_name or username,
        password_hash=hash_password(password),
        role=role,
        department=department,
    )
    session.add(user)
    session.flush()
    _record_role(session, user, None, role, by=granted_by, address=address)
    return user


def _record_role(  # noqa: PLR0913 - the change and who made it
    session: Session, target: User, old: str | None, new: str, *, by: User | None, address: str | None
) -> None:
    """Add a ``role_changed`` event: who gave ``target`` which role (from which one)."""
    audit.record(
        session,
        audit.ROLE_CHANGED,
        actor=by.username if by else "command line",
        actor_user_id=by.id if by else None,
        subject=target.username,
        address=address,
        details={"from": old, "to": new},
    )


def change_role(
    session: Session, target: User, role: str, *, by: User | None, address: str | None = None
) -> User:
    """Give ``target`` another role (recorded in the audit trail); staff keep needing a department."""
    if role not in {r.value for r in Role}:
        raise AccountError(f"unknown role {role!r}; choose one of {', '.join(r.value for r in Role)}")
    if role == target.role:
        return target
    if role == Role.STAFF and target.department_id is None:
        raise AccountError("department staff need a department")
    old = target.role
    target.role = role
    session.flush()
    _record_role(session, target, old, role, by=by, address=address)
    return target


def authenticate(session: Session, username: str, password: str) -> User | None:
    """The active user with these credentials, or None."""
    user = session.scalar(select(User).where(User.username == username))
    if user is None:
        verify_password(_DUMMY_HASH, password)  # same work whether or not the user exists
        return None
    if not user.is_active or not verify_password(user.password_hash, password):
        return None
    user.last_login_at = utcnow()
    return user


def login(session: Session, throttle: Throttle, username: str, password: str, address: str) -> User | None:
    """The active user with these credentials, or None; throttled per account and per address.

    A locked account or address raises :class:`~minyi.accounts.throttle.Throttled` before
    the password is verified (no Argon2 work), as does a process already verifying as many
    passwords as it may. A failure counts against both; a success clears the account's count.

    The read transaction is ended (rolled back: nothing is written yet) before the slow
    Argon2 check, so that no lock is held meanwhile; on SQLite every transaction that may
    write holds the database's write lock, and a login would otherwise stall the portal.
    """
    keys = [(ThrottleKind.ACCOUNT, username), (ThrottleKind.LOGIN_ADDRESS, address or "unknown")]
    throttle.guard(session, keys)
    user = session.scalar(select(User).where(User.username == username))
    password_hash = user.password_hash if user is not None and user.is_active else _DUMMY_HASH
    session.rollback()
    with throttle.verification():
        ok = verify_password(password_hash, password) and password_hash is not _DUMMY_HASH
    if user is None or not ok:
        throttle.failed(session, keys)
        return None
    throttle.succeeded(session, ThrottleKind.ACCOUNT, username)
    user.last_login_at = utcnow()
    return user


def change_password(  # noqa: PLR0913 - the change and who asks it
    session: Session,
    user: User,
    new_password: str,
    *,
    now: datetime,
    current_password: str | None = None,
    keep_session: str | None = None,
    by: User | None = None,
    address: str | None = None,
) -> int:
    """Set ``user``'s password and end their other sessions; how many were ended.

    Recorded in the audit trail (never the password): by ``by``, or the command line.

    With ``current_password`` (a user changing their own), it must match. The new one must
    pass the password policy. The session of token ``keep_session`` (the one making the
    change) stays; every other login of the user is ended.
    """
    if current_password is not None and not current_password:
        raise AccountError("current_password: enter your current password")
    if current_password is not None and not verify_password(user.password_hash, current_password):
        raise AccountError("the current password is wrong")
    try:
        check_password(new_password, username=user.username, extra_words=[user.display_name])
    except WeakPasswordError as exc:
        raise AccountError(str(exc)) from exc
    user.password_hash = hash_password(new_password)
    ended = sessions.end_all(session, user, now, keep=keep_session)
    details = {"own": by is not None and by.id == user.id, "sessions": ended}
    audit.record_by(
        session, audit.PASSWORD_CHANGED, by, subject=user.username, address=address, details=details
    )
    return ended


def set_active(
    session: Session, target: User, active: bool, *, by: User | None, address: str | None = None
) -> User:
    """Deactivate (lock out) or reactivate ``target``; recorded in the audit trail.

    A deactivated user's sessions and tokens stop working at their next request.
    """
    if target.is_active == active:
        return target
    target.is_active = active
    audit.record_by(
        session,
        audit.ACCOUNT_ACTIVE,
        by,
        subject=target.username,
        address=address,
        details={"active": active},
    )
    return target


def end_sessions(  # noqa: PLR0913 - the target, when, and who asks from where
    session: Session,
    target: User,
    now: datetime,
    *,
    by: User | None,
    address: str | None = None,
    keep: str | None = None,
) -> int:
    """Log ``target`` out everywhere (but the session ``keep``); recorded; how many ended."""
    ended = sessions.end_all(session, target, now, keep=keep)
    audit.record_by(
        session,
        audit.SESSIONS_ENDED,
        by,
        subject=target.username,
        address=address,
        details={"sessions": ended},
    )
    return ended


def lift_lockout(
    session: Session, kind: str, key: str, *, by: User | None, address: str | None = None
) -> bool:
    """Lift a lock-out early (:func:`throttle.lift`); a lifted one is recorded, with its kind."""
    lifted = throttle_lift(session, kind, key)
    if lifted:
        audit.record_by(
            session, audit.LOCKOUT_LIFTED, by, subject=key[:300], address=address, details={"kind": kind}
        )
    return lifted


def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def issue_token(session: Session, user: User, name: str = "api", *, by: User | None = None) -> str:
    """Create an API token for ``user``; the plain token is returned once, only its hash kept.

    Recorded in the audit trail (its name, never the token): by ``by``, or the command line.
    """
    token = "my_" + secrets.token_urlsafe(32)
    session.add(ApiToken(user_id=user.id, name=name, token_hash=_token_hash(token)))
    session.flush()
    audit.record_by(session, audit.TOKEN_ISSUED, by, subject=user.username, details={"name": name})
    return token


#: How stale a token's ``last_used_at`` may be. Written on every request, it made each request
#: a writer: parallel requests with one token queued on its row (PostgreSQL) and every API read
#: took the write lock (SQLite). A minute is precise enough to see which tokens are in use.
LAST_USED_EVERY = timedelta(minutes=1)


def user_for_token(session: Session, token: str) -> User | None:
    """The active user a bearer token belongs to, or None (never for an Open311 client's key)."""
    row = session.scalar(select(ApiToken).where(ApiToken.token_hash == _token_hash(token)))
    if row is None or row.revoked_at is not None or not row.user.is_active:
        return None
    if row.user.username == client_keys.SERVICE_USERNAME:  # even if someone activated that user
        return None
    now = utcnow()
    if row.last_used_at is None or now - row.last_used_at >= LAST_USED_EVERY:
        row.last_used_at = now
    return row.user


_DUMMY_HASH = hash_password("minyi-timing-equaliser")
