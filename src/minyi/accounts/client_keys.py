"""API keys of outside clients (Open311 GeoReport v2 ``api_key``): issued and revoked by admins.

A key is an :class:`~minyi.accounts.models.ApiToken` row of one service user,
``open311-clients``, which is **inactive** and has no usable password: it cannot sign in,
and its keys are no staff bearer tokens (:func:`minyi.accounts.services.user_for_token`
refuses inactive users, and this user even if someone activated it). Only the hash of a key
is stored; the plain key is shown once. No table of its own: the key's name says which client
(an app, a partner's bridge) holds it.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from minyi.accounts.models import ApiToken, Role, User
from minyi.core.errors import InvalidInput, NotFound
from minyi.db.base import utcnow

SERVICE_USERNAME = "open311-clients"
KEY_PREFIX = "o311_"
MAX_NAME_CHARS = 120


@dataclass(frozen=True)
class ClientKey:
    """One issued key as admins see it (never the key itself)."""

    id: str
    name: str
    created_at: datetime
    last_used_at: datetime | None
    revoked_at: datetime | None


def _hash(key: str) -> str:
    return hashlib.sha256(key.encode("utf-8")).hexdigest()


def service_user(session: Session) -> User:
    """The inactive user that holds the client keys, created on first use."""
    user = session.scalar(select(User).where(User.username == SERVICE_USERNAME))
    if user is None:
        user = User(
            username=SERVICE_USERNAME,
            display_name="Open311 clients",
            password_hash="!",  # noqa: S106 - no Argon2 hash: no password ever matches
            role=Role.STAFF.value,
            is_active=False,
        )
        session.add(user)
        session.flush()
    return user


def _rows(session: Session) -> list[ApiToken]:
    query = (
        select(ApiToken)
        .join(User, User.id == ApiToken.user_id)
        .where(User.username == SERVICE_USERNAME)
        .order_by(ApiToken.created_at, ApiToken.id)
    )
    return list(session.scalars(query))


def create_key(session: Session, name: str) -> str:
    """Issue a key for the client ``name``; the plain key is returned once, only its hash kept."""
    name = name.strip()
    if not name or len(name) > MAX_NAME_CHARS:
        raise InvalidInput(f"a key needs a name of 1 to {MAX_NAME_CHARS} characters", field="name")
    if any(row.name == name and row.revoked_at is None for row in _rows(session)):
        raise InvalidInput(f"a key named {name!r} is in use; revoke it first", field="name")
    key = KEY_PREFIX + secrets.token_urlsafe(32)
    session.add(ApiToken(user_id=service_user(session).id, name=name, token_hash=_hash(key)))
    session.flush()
    return key


def revoke_key(session: Session, name_or_id: str) -> int:
    """Revoke the key(s) named ``name_or_id`` (or with that id); how many were revoked.

    NotFound when no key in use has that name or id.
    """
    now = utcnow()
    found = [
        row for row in _rows(session) if row.revoked_at is None and name_or_id.strip() in (row.name, row.id)
    ]
    if not found:
        raise NotFound(f"no key in use named {name_or_id!r}")
    for row in found:
        row.revoked_at = now
    session.flush()
    return len(found)


def list_keys(session: Session) -> list[ClientKey]:
    """Every key issued, oldest first, revoked ones too."""
    return [
        ClientKey(row.id, row.name, row.created_at, row.last_used_at, row.revoked_at)
        for row in _rows(session)
    ]


def check_key(session: Session, key: str) -> str | None:
    """The name of the client holding ``key`` if it is issued and not revoked; else None.

    Records when the key was last used (the caller commits).
    """
    if not key.startswith(KEY_PREFIX):
        return None
    row = session.scalar(
        select(ApiToken)
        .join(User, User.id == ApiToken.user_id)
        .where(ApiToken.token_hash == _hash(key), User.username == SERVICE_USERNAME)
    )
    if row is None or row.revoked_at is not None:
        return None
    row.last_used_at = utcnow()
    return row.name
