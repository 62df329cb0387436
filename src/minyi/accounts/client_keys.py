"""API keys of outside clients (Open311 ``api_key``, JSON API ``X-Api-Key``): issued and revoked by admins.

A key is an :class:`~minyi.accounts.models.ApiToken` row of one service user,
``open311-clients``, which is **inactive** and has no usable password: it cannot sign in,
and its keys are no staff bearer tokens (:func:`minyi.accounts.services.user_for_token`
refuses inactive users, and this user even if someone activated it). Only the hash of a key
is stored; the plain key is shown once. No table of its own: the key's name says which client
(an app, a partner's bridge, an integrator such as a call centre) holds it.

The same key serves Open311 (``api_key``) and the JSON API's intake (``X-Api-Key``, where
:func:`resolve_key` tells a malformed, an unknown and a revoked key apart, and
:mod:`minyi.accounts.quotas` counts the key's messages against its own hourly cap).
"""

from __future__ import annotations

import hashlib
import re
import secrets
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from minyi.accounts.models import ApiToken, Role, User
from minyi.core.errors import DomainError, Forbidden, InvalidInput, NotFound
from minyi.db.base import utcnow

SERVICE_USERNAME = "open311-clients"
KEY_PREFIX = "o311_"
MAX_NAME_CHARS = 120
KEY_SHAPE = re.compile(r"o311_[A-Za-z0-9_-]{43}")  # KEY_PREFIX + secrets.token_urlsafe(32)


class KeyMalformed(DomainError):  # noqa: N818 - reads as what happened
    """The text sent as a key cannot be one (wrong prefix, length or characters).

    401 like an unknown key (a credential that does not authenticate), with its own message.
    """

    status = 401
    code = "invalid_api_key"


class KeyUnknown(DomainError):  # noqa: N818 - reads as what happened
    """No key like this was ever issued (or it was mistyped)."""

    status = 401
    code = "invalid_api_key"


class KeyRevoked(Forbidden):
    """The key was issued and then revoked by an administrator."""

    code = "revoked_api_key"


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


def key_hash(key: str, *, field: str = "api_key") -> str:
    """The stored hash of ``key``; :class:`KeyMalformed` naming ``field`` if it cannot be a key."""
    if KEY_SHAPE.fullmatch(key) is None:
        raise KeyMalformed(
            f"{field}: not a client key (it starts with {KEY_PREFIX} and has 48 characters)", field=field
        )
    return _hash(key)


def key_name(session: Session, key_id: str) -> str:
    """The name of the key ``key_id`` (a key's name never changes: callers may cache it)."""
    return str(session.execute(select(ApiToken.name).where(ApiToken.id == key_id)).scalar_one())


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


@dataclass(frozen=True)
class Integrator:
    """The holder of a valid key: the key's id (counted in quotas) and its name (the source)."""

    id: str
    name: str
    last_used_at: datetime | None


def resolve_key(session: Session, key: str, *, field: str = "api_key") -> Integrator:
    """The client holding ``key``; the refusal names ``field`` (the header or parameter sent).

    Raises :class:`KeyMalformed` (401), :class:`KeyUnknown` (401) or :class:`KeyRevoked` (403).
    Reads only: the caller records the use (:func:`touch_id`) when it wants to.
    """
    hashed = key_hash(key, field=field)
    found = session.execute(
        select(ApiToken.id, ApiToken.name, ApiToken.last_used_at, ApiToken.revoked_at)
        .join(User, User.id == ApiToken.user_id)
        .where(ApiToken.token_hash == hashed, User.username == SERVICE_USERNAME)
    ).first()
    if found is None:
        raise KeyUnknown(f"{field}: unknown key; ask the operator for one", field=field)
    if found.revoked_at is not None:
        raise KeyRevoked(f"{field}: this key was revoked; ask the operator for a new one", field=field)
    return Integrator(found.id, found.name, found.last_used_at)


def touch_id(session: Session, key_id: str) -> None:
    """Record that the key ``key_id`` was used now (the caller commits)."""
    session.execute(update(ApiToken).where(ApiToken.id == key_id).values(last_used_at=utcnow()))
