"""Account services: create users, check passwords, issue and resolve API tokens."""

from __future__ import annotations

import hashlib
import secrets

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import select
from sqlalchemy.orm import Session

from minyi.accounts.models import ApiToken, Role, User
from minyi.accounts.passwords import WeakPasswordError, check_password
from minyi.db.base import utcnow
from minyi.departments.models import Department

_hasher = PasswordHasher()


class AccountError(ValueError):
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
) -> User:
    """Add a staff user. Department staff must belong to a department.

    The password must pass :func:`minyi.accounts.passwords.check_password` (long enough,
    not common, not the user name, not a keyboard pattern, not easy to guess).
    """
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
    return user


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


def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def issue_token(session: Session, user: User, name: str = "api") -> str:
    """Create an API token for ``user``; the plain token is returned once, only its hash kept."""
    token = "my_" + secrets.token_urlsafe(32)
    session.add(ApiToken(user_id=user.id, name=name, token_hash=_token_hash(token)))
    session.flush()
    return token


def user_for_token(session: Session, token: str) -> User | None:
    """The active user a bearer token belongs to, or None."""
    row = session.scalar(select(ApiToken).where(ApiToken.token_hash == _token_hash(token)))
    if row is None or row.revoked_at is not None or not row.user.is_active:
        return None
    row.last_used_at = utcnow()
    return row.user


_DUMMY_HASH = hash_password("minyi-timing-equaliser")
