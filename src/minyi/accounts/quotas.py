"""Caps on submitted messages an hour, counted in the database so every server process shares them.

Anyone may write to Minyi without an account, so only a cap stops one machine from filling
the inbox. Three counts, each in fixed clock hours (UTC):

* ``portal`` — messages from one client address on the portal (``MINYI_SUBMIT_PER_ADDRESS``);
* ``api`` — messages from one client address on the JSON API without a key
  (``MINYI_API_SUBMIT_PER_ADDRESS``);
* ``key`` — messages sent with one integrator's client key (``MINYI_API_KEY_PER_HOUR``).

Each count is one row of ``quota_windows`` (kind, subject, hour), raised by one atomic
statement, ``INSERT … ON CONFLICT DO UPDATE … WHERE messages < cap RETURNING messages``
(PostgreSQL, SQLite ≥ 3.35): no row back means the cap is reached, and nothing was counted.
So ``minyi serve --workers N`` enforces one cap, not N, and a restart forgets nothing.
A busy key is counted in blocks per process (:class:`KeyAllowances`), so that a call centre
posting 100 messages a second costs about two statements a second, not 100.

Privacy: an address is stored only as a keyed hash (HMAC-SHA256 with the site key, cut to
32 hex digits) and only for its hour: the first message of a new hour deletes the address
rows of the hours before. A key's rows name the key's id (no person) and are kept
``KEY_HOURS_KEPT`` hours as the integrator's aggregate counts (``minyi open311 key list``).
"""

from __future__ import annotations

import hashlib
import hmac
import math
import threading
from dataclasses import dataclass

from sqlalchemy import Integer, String, delete, func, select, text
from sqlalchemy.orm import Mapped, Session, mapped_column

from minyi.accounts import client_keys
from minyi.accounts.throttle import Throttled
from minyi.db.base import Base, utcnow

HOUR_SECONDS = 3600
KEY_HOURS_KEPT = 90 * 24  # an integrator's hourly counts are kept 90 days
PORTAL = "portal"
API = "api"
KEY = "key"
ADDRESS_KINDS = (PORTAL, API)
UNCAPPED = 2**31 - 1  # a key without a cap is still counted
BLOCK_MAX = 64  # messages of one key a process takes from the count at once, at most
ALLOWANCE_SECONDS = 2.0  # a block not used within this is taken anew (and the key checked again)

_TAKE = text(
    "INSERT INTO quota_windows (kind, subject, hour, messages) VALUES (:kind, :subject, :hour, 1) "
    "ON CONFLICT (kind, subject, hour) DO UPDATE SET messages = quota_windows.messages + 1 "
    "WHERE quota_windows.messages < :cap RETURNING messages"
)


#: Take ``n`` messages (giving ``back`` unused ones) of the key with this hash, if issued and not revoked.
_TAKE_KEY = text(
    "INSERT INTO quota_windows (kind, subject, hour, messages) "
    "SELECT 'key', api_tokens.id, :hour, :n FROM api_tokens JOIN users ON users.id = api_tokens.user_id "
    "WHERE api_tokens.token_hash = :hash AND api_tokens.revoked_at IS NULL AND users.username = :service "
    "ON CONFLICT (kind, subject, hour) DO UPDATE SET messages = quota_windows.messages + :n - :back "
    "WHERE quota_windows.messages + :n - :back <= :cap RETURNING subject, messages"
)
_ASYNC_COMMIT = text("SET LOCAL synchronous_commit TO OFF")
_names: dict[str, str] = {}  # key id -> name (names never change), filled as keys are used


class QuotaWindow(Base):
    """The messages one subject (an address's hash, a key's id) sent in one clock hour."""

    __tablename__ = "quota_windows"

    kind: Mapped[str] = mapped_column(String(10), primary_key=True)
    subject: Mapped[str] = mapped_column(String(64), primary_key=True)
    hour: Mapped[int] = mapped_column(Integer, primary_key=True, index=True)  # hours since 1970 (UTC)
    messages: Mapped[int] = mapped_column(Integer, default=0)


class QuotaExceeded(Throttled):
    """The cap of this address or key is reached for this hour; retry when the hour ends.

    A :class:`Throttled`, so the portal's form and the one error handler answer 429 with
    ``Retry-After``; its message names the cap.
    """

    code = "too_many_messages"

    def __init__(self, retry_after: int, *, cap: int, kind: str) -> None:
        """A refusal for ``retry_after`` seconds by the cap of ``cap`` an hour of ``kind``."""
        super().__init__(retry_after)
        who = "with this key" if kind == KEY else "from this address"
        self.message = f"too many messages {who}: at most {cap} an hour; try again in {self.minutes} min"
        self.args = (self.message,)
        self.cap = cap


@dataclass(frozen=True)
class Counted:
    """What :func:`take` counted: the subject's messages this hour, including this one."""

    messages: int

    @property
    def first_of_hour(self) -> bool:
        """Whether this message opened the hour's row (old rows are then cleaned up)."""
        return self.messages == 1


def counts_only(session: Session) -> None:
    """Mark the session's transaction as one that writes counts alone: commit without waiting for the disk.

    On PostgreSQL (``synchronous_commit`` off for this transaction only) the commit returns
    about 2.5 ms sooner and the counter row is unlocked sooner; a crash may lose the last
    counts, never a message (messages are committed in their own, durable transactions).
    """
    if session.get_bind().dialect.name == "postgresql":
        session.execute(_ASYNC_COMMIT)


def address_subject(secret: str, address: str) -> str:
    """The keyed hash that stands for ``address`` (never stored raw)."""
    digest = hmac.new(secret.encode("utf-8"), f"quota:{address}".encode(), hashlib.sha256)
    return digest.hexdigest()[:32]


def take(session: Session, kind: str, subject: str, cap: int, *, now: float) -> Counted:
    """Count one message of ``subject`` in this hour, or raise :class:`QuotaExceeded` at ``cap``.

    ``now`` is seconds since 1970 (UTC). The caller commits (the row lock lasts until then).
    A refused message is not counted. The first message of an hour removes stale rows.
    """
    hour = math.floor(now / HOUR_SECONDS)
    params = {"kind": kind, "subject": subject, "hour": hour, "cap": cap}
    messages = session.execute(_TAKE, params).scalar_one_or_none()
    if messages is None:
        raise QuotaExceeded(math.ceil((hour + 1) * HOUR_SECONDS - now), cap=cap, kind=kind)
    counted = Counted(int(messages))
    if counted.first_of_hour:
        forget_old(session, hour)
    return counted


def forget_old(session: Session, hour: int) -> None:
    """Delete the address rows of hours before ``hour`` and key rows older than ``KEY_HOURS_KEPT``."""
    stale = (QuotaWindow.kind.in_(ADDRESS_KINDS) & (QuotaWindow.hour < hour)) | (
        (QuotaWindow.kind == KEY) & (QuotaWindow.hour < hour - KEY_HOURS_KEPT)
    )
    session.execute(delete(QuotaWindow).where(stale).execution_options(synchronize_session=False))


def key_counts(session: Session, *, hours: int) -> dict[str, int]:
    """Messages sent with each key (by its id) in the last ``hours`` clock hours, this one included."""
    since = math.floor(utcnow().timestamp() / HOUR_SECONDS) - hours + 1
    query = (
        select(QuotaWindow.subject, func.sum(QuotaWindow.messages))
        .where(QuotaWindow.kind == KEY, QuotaWindow.hour >= since)
        .group_by(QuotaWindow.subject)
    )
    return {subject: int(total or 0) for subject, total in session.execute(query)}


@dataclass(frozen=True)
class ApiCaps:
    """The JSON API's caps an hour: per client address without a key, per key (0: no cap)."""

    per_address: int
    per_key: int


def admit_api(  # noqa: PLR0913 - one submission's facts
    session: Session,
    caps: ApiCaps,
    allowances: KeyAllowances,
    *,
    key: str | None,
    address: str,
    secret: str,
    now: float,
    field: str,
) -> str:
    """Count one JSON API message; the source to record with it (the integrator's name, or "").

    With ``key`` (sent in ``field``) it must be a valid client key, and the message counts
    against that key's cap — always counted, so the integrator's hourly totals exist even
    without a cap — through this process's ``allowances``. Without a key it counts against
    the address's cap. Raises the key's refusals (:mod:`minyi.accounts.client_keys`) or
    :class:`QuotaExceeded`. The caller commits when the session began a transaction (a
    message spent from an allowance touches no database).
    """
    if key is not None:
        hashed = client_keys.key_hash(key, field=field)
        name = allowances.spend(hashed, now)
        if name is not None:
            return name
        counts_only(session)
        cap = caps.per_key if caps.per_key > 0 else UNCAPPED
        return allowances.reserve(session, key, hashed, cap, now=now, field=field)
    if caps.per_address > 0:
        counts_only(session)
        take(session, API, address_subject(secret, address), caps.per_address, now=now)
    return ""


@dataclass
class _Allowance:
    """Messages of one key this process has taken from the key's hourly count and not yet used."""

    key_id: str
    name: str
    hour: int
    left: int
    block: int
    expires: float


class KeyAllowances:
    """Per process: a busy key's messages taken from its hourly count in blocks, not one by one.

    A key's first message takes 1 from the count; each block used up within
    ``ALLOWANCE_SECONDS`` makes the next one twice as large, up to ``BLOCK_MAX`` and a
    hundredth of the cap (a cap under 200 an hour is counted message by message). Unused
    messages are given back with the next block of the same hour; a block not used within
    ``ALLOWANCE_SECONDS`` is taken anew, which also checks the key again. So a server
    process at 100 messages a second with one key writes about two counts a second, not
    100; the cap is never passed (blocks are taken atomically, only within the cap); a
    revoked key is refused within ``ALLOWANCE_SECONDS``; and a key's hourly count may exceed
    its messages by the unused rest of a block when a busy key falls quiet.
    """

    def __init__(self) -> None:
        """No allowance yet."""
        self._held: dict[str, _Allowance] = {}
        self._lock = threading.Lock()
        self._reserving: dict[str, threading.Lock] = {}  # one reservation of a key at a time

    def spend(self, hashed: str, now: float) -> str | None:
        """Use one message of the key with hash ``hashed`` if this process holds one; its name, else None."""
        hour = math.floor(now / HOUR_SECONDS)
        with self._lock:
            held = self._held.get(hashed)
            if held is None or held.left <= 0 or now >= held.expires or held.hour != hour:
                return None
            held.left -= 1
            return held.name

    def reserve(  # noqa: PLR0913 - the key, its hash and cap, the time, the field to name
        self, session: Session, key: str, hashed: str, cap: int, *, now: float, field: str
    ) -> str:
        """Take a block for ``key`` (one statement), use one message of it; the key's name.

        Raises the key's refusal, or :class:`QuotaExceeded` when not even one message is left.
        """
        with self._lock:
            reserving = self._reserving.setdefault(hashed, threading.Lock())
        with reserving:  # concurrent requests wait for one block instead of each taking their own
            name = self.spend(hashed, now)
            if name is not None:
                return name
            try:
                return self._reserve(session, key, hashed, cap, now=now, field=field)
            except Exception:
                with self._lock:  # unknown keys leave nothing behind
                    self._reserving.pop(hashed, None)
                raise

    def _reserve(  # noqa: PLR0913 - as reserve
        self, session: Session, key: str, hashed: str, cap: int, *, now: float, field: str
    ) -> str:
        hour = math.floor(now / HOUR_SECONDS)
        with self._lock:
            old = self._held.pop(hashed, None)
        same_hour = old is not None and old.hour == hour
        back = old.left if old is not None and same_hour else 0
        block = 1
        if old is not None and same_hour and old.left == 0 and now < old.expires:
            block = max(1, min(old.block * 2, BLOCK_MAX, cap // 100))
        params = {
            "hash": hashed,
            "service": client_keys.SERVICE_USERNAME,
            "hour": hour,
            "cap": cap,
            "back": back,
        }
        row = session.execute(_TAKE_KEY, {**params, "n": block}).first()
        if row is None and block > 1:  # near the cap: one message may still fit
            block = 1
            row = session.execute(_TAKE_KEY, {**params, "n": 1}).first()
        if row is None:
            client_keys.resolve_key(session, key, field=field)  # raises for an unknown or revoked key
            raise QuotaExceeded(math.ceil((hour + 1) * HOUR_SECONDS - now), cap=cap, kind=KEY)
        key_id, messages = str(row[0]), int(row[1])
        name = _names.get(key_id)
        if name is None:
            name = _names[key_id] = client_keys.key_name(session, key_id)
        if messages <= block:  # the hour's first block: clean up, and note "last used" once an hour
            forget_old(session, hour)
            client_keys.touch_id(session, key_id)
        with self._lock:
            self._held[hashed] = _Allowance(key_id, name, hour, block - 1, block, now + ALLOWANCE_SECONDS)
        return name
