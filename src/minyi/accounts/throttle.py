"""Throttled guessing: staff logins and tracking secrets, per account (or code) and per address.

Every failed attempt is counted in the table ``login_failures``, keyed by (kind, key), so the
count holds across server processes. A key that fails ``Limit.failures`` times within
``Limit.window`` is locked for ``Limit.lock``; each further lock-out of the same key doubles
the period, up to ``Limit.max_lock``. Callers check the lock **before** verifying anything
(:meth:`Throttle.guard`), so a locked key is refused without running Argon2 and guessers cannot
burn the server's CPU. A success clears the account's (or tracking code's) failures; an
address is only forgotten when it stays quiet. Each lock-out is logged as a warning, and
:func:`list_lockouts` / :func:`lift` let administrators see and end them.

On top of the counts, :meth:`Throttle.verification` caps the password verifications running
at once in a process (a non-blocking semaphore): an attempt beyond the cap is refused at once
(:class:`Throttled` with ``busy``), so parallel guessers cannot starve the portal.

Times come from :attr:`Throttle.clock`, which tests replace instead of sleeping.
"""

from __future__ import annotations

import enum
import logging
import math
import threading
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlalchemy import Integer, String, delete, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Mapped, Session, mapped_column

from minyi.core.errors import DomainError
from minyi.db.base import Base, utcnow

log = logging.getLogger(__name__)

KEY_LENGTH = 200
FORGET_AFTER = timedelta(days=1)
"""A key quiet this long is forgotten: its next lock-out starts again at the shortest period."""


class ThrottleKind(enum.StrEnum):
    """What a counted key names."""

    ACCOUNT = "account"  # a staff user name, as typed (case-folded)
    LOGIN_ADDRESS = "login_address"  # the client address of login attempts
    TRACKING_CODE = "tracking_code"  # a tracking code tried from one address: "CODE@address"
    TRACKING_ADDRESS = "tracking_address"  # the client address of tracking-secret attempts
    TRACKING_CODE_ALL = "tracking_code_all"  # a tracking code, from every address together


Key = tuple[ThrottleKind, str]


class LoginFailure(Base):
    """Failed attempts of one key, and its lock-out (if any)."""

    __tablename__ = "login_failures"

    kind: Mapped[str] = mapped_column(String(20), primary_key=True)
    key: Mapped[str] = mapped_column(String(KEY_LENGTH), primary_key=True)
    failures: Mapped[int] = mapped_column(Integer, default=0)
    lockouts: Mapped[int] = mapped_column(Integer, default=0)
    first_failure_at: Mapped[datetime] = mapped_column()
    last_failure_at: Mapped[datetime] = mapped_column(index=True)
    locked_until: Mapped[datetime | None] = mapped_column(index=True)


@dataclass(frozen=True)
class Limit:
    """When a key is locked, and for how long."""

    failures: int
    window: timedelta
    lock: timedelta = timedelta(minutes=1)
    max_lock: timedelta = timedelta(hours=1)

    def lock_for(self, lockouts: int) -> timedelta:
        """The period of the lock-out after ``lockouts`` earlier ones: doubling, capped."""
        factor: int = 2 ** min(lockouts, 20)
        return min(self.lock * factor, self.max_lock)


ACCOUNT_LIMIT = Limit(failures=5, window=timedelta(minutes=15))
ADDRESS_LIMIT = Limit(failures=20, window=timedelta(minutes=10))
#: A tracking code guessed from many addresses at once. Five wrong secrets from anyone locked
#: the code for its author too (a denial of tracking by whoever knew the code; probes 6-7):
#: the five now count per address, and only this many from all addresses lock it for all. A
#: secret has about 10^15 values, so neither count is what stops guessing: both stop hammering.
CODE_LIMIT = Limit(failures=50, window=timedelta(hours=1))
DEFAULT_LIMITS: dict[ThrottleKind, Limit] = {
    ThrottleKind.ACCOUNT: ACCOUNT_LIMIT,
    ThrottleKind.LOGIN_ADDRESS: ADDRESS_LIMIT,
    ThrottleKind.TRACKING_CODE: ACCOUNT_LIMIT,
    ThrottleKind.TRACKING_ADDRESS: ADDRESS_LIMIT,
    ThrottleKind.TRACKING_CODE_ALL: CODE_LIMIT,
}


class Throttled(DomainError):  # noqa: N818 - reads as what happened
    """Too many attempts: refused without checking; retry after ``retry_after`` seconds.

    ``busy`` means the process is already verifying as many passwords as it may (not a
    lock-out of this account or address); retrying a second later may succeed.
    """

    status = 429
    code = "too_many_attempts"

    def __init__(self, retry_after: int, *, busy: bool = False) -> None:
        """A refusal for ``retry_after`` seconds (at least 1)."""
        self.retry_after = max(1, retry_after)
        self.busy = busy
        if busy:
            text = "too many logins at this moment; try again in a second"
        else:
            text = f"too many failed attempts; try again in {self.minutes} min"
        super().__init__(text)

    @property
    def minutes(self) -> int:
        """The wait in whole minutes, rounded up (at least 1)."""
        return max(1, math.ceil(self.retry_after / 60))


@dataclass(frozen=True)
class Lockout:
    """A key locked now, for the administrators' list."""

    kind: str
    key: str
    locked_until: datetime
    lockouts: int
    last_failure_at: datetime


def normalise_key(value: str) -> str:
    """A key as counted: stripped, case-folded and cut to the column's length."""
    return value.strip().casefold()[:KEY_LENGTH]


def _row(session: Session, kind: ThrottleKind, key: str, *, for_update: bool = False) -> LoginFailure | None:
    query = select(LoginFailure).where(LoginFailure.kind == kind.value, LoginFailure.key == key)
    if for_update:
        query = query.with_for_update()
    return session.scalar(query)


def seconds_locked(session: Session, keys: Sequence[Key], now: datetime) -> int:
    """Seconds until every one of ``keys`` is free again; 0 when none is locked."""
    wait = 0.0
    for kind, key in keys:
        row = _row(session, kind, normalise_key(key))
        if row is not None and row.locked_until is not None and row.locked_until > now:
            wait = max(wait, (row.locked_until - now).total_seconds())
    return math.ceil(wait)


def record_failure(
    session: Session, kind: ThrottleKind, key: str, now: datetime, limit: Limit
) -> datetime | None:
    """Count a failed attempt of ``key``; the end of its new lock-out if this one locks it."""
    key = normalise_key(key)
    row = _row(session, kind, key, for_update=True)
    if row is None:
        row = _insert(session, kind, key, now)
    if row.locked_until is not None and row.locked_until > now:
        return None  # counted already; a lock is not extended by attempts made during it
    if row.last_failure_at < now - FORGET_AFTER:
        row.lockouts = 0
    if row.failures == 0 or row.first_failure_at < now - limit.window:
        row.failures, row.first_failure_at = 0, now
    row.failures += 1
    row.last_failure_at = now
    if row.failures < limit.failures:
        return None
    period = limit.lock_for(row.lockouts)
    row.locked_until = now + period
    row.lockouts += 1
    row.failures = 0
    log.warning(
        "throttle: %s %r locked for %d s (lock-out %d) after %d failed attempts",
        kind.value,
        key,
        period.total_seconds(),
        row.lockouts,
        limit.failures,
    )
    return row.locked_until


def _insert(session: Session, kind: ThrottleKind, key: str, now: datetime) -> LoginFailure:
    """A new row for ``key``, or the one another process inserted at the same moment."""
    row = LoginFailure(
        kind=kind.value, key=key, failures=0, lockouts=0, first_failure_at=now, last_failure_at=now
    )
    try:
        with session.begin_nested():
            session.add(row)
    except IntegrityError:
        found = _row(session, kind, key, for_update=True)
        if found is None:  # pragma: no cover - deleted again in between
            raise
        return found
    return row


def clear(session: Session, kind: ThrottleKind, key: str) -> None:
    """Forget the failures of ``key`` (after a success)."""
    session.execute(
        delete(LoginFailure).where(LoginFailure.kind == kind.value, LoginFailure.key == normalise_key(key))
    )


def purge(session: Session, now: datetime) -> int:
    """Delete keys that are neither locked nor failed within :data:`FORGET_AFTER`."""
    result = session.execute(
        delete(LoginFailure).where(
            LoginFailure.last_failure_at < now - FORGET_AFTER,
            (LoginFailure.locked_until.is_(None)) | (LoginFailure.locked_until < now),
        )
    )
    return int(getattr(result, "rowcount", 0) or 0)


def list_lockouts(session: Session, now: datetime) -> list[Lockout]:
    """The keys locked now, the longest-locked first."""
    rows = session.scalars(
        select(LoginFailure)
        .where(LoginFailure.locked_until > now)
        .order_by(LoginFailure.locked_until.desc(), LoginFailure.kind, LoginFailure.key)
    )
    return [
        Lockout(
            kind=row.kind,
            key=row.key,
            locked_until=row.locked_until or now,
            lockouts=row.lockouts,
            last_failure_at=row.last_failure_at,
        )
        for row in rows
    ]


def lift(session: Session, kind: str, key: str) -> bool:
    """End the lock-out of ``key`` and forget its failures; whether there was anything to lift."""
    try:
        checked = ThrottleKind(kind)
    except ValueError:
        return False
    row = _row(session, checked, normalise_key(key), for_update=True)
    if row is None:
        return False
    log.warning("throttle: lock-out of %s %r lifted by an administrator", checked.value, row.key)
    session.delete(row)
    session.flush()
    return True


@dataclass
class Throttle:
    """One per process: the limits, the clock and the cap on concurrent verifications."""

    limits: dict[ThrottleKind, Limit] = field(default_factory=lambda: dict(DEFAULT_LIMITS))
    max_verifications: int = 2
    clock: Callable[[], datetime] = utcnow
    _gate: threading.BoundedSemaphore = field(init=False, repr=False)

    def __post_init__(self) -> None:
        """Make the semaphore."""
        self._gate = threading.BoundedSemaphore(max(1, self.max_verifications))

    @classmethod
    def configured(  # noqa: PLR0913 - one argument per setting
        cls,
        *,
        account_failures: int,
        address_failures: int,
        lock: timedelta,
        max_lock: timedelta,
        max_verifications: int,
        clock: Callable[[], datetime] = utcnow,
    ) -> Throttle:
        """A throttle with these limits (``MINYI_LOGIN_*``); the windows are fixed."""
        account = Limit(account_failures, ACCOUNT_LIMIT.window, lock, max(lock, max_lock))
        address = Limit(address_failures, ADDRESS_LIMIT.window, lock, max(lock, max_lock))
        code = Limit(CODE_LIMIT.failures, CODE_LIMIT.window, lock, max(lock, max_lock))
        limits = {
            ThrottleKind.ACCOUNT: account,
            ThrottleKind.LOGIN_ADDRESS: address,
            ThrottleKind.TRACKING_CODE: account,
            ThrottleKind.TRACKING_ADDRESS: address,
            ThrottleKind.TRACKING_CODE_ALL: code,
        }
        return cls(limits=limits, max_verifications=max_verifications, clock=clock)

    def now(self) -> datetime:
        """The throttle's current time."""
        return self.clock()

    def guard(self, session: Session, keys: Sequence[Key]) -> None:
        """Raise :class:`Throttled` if any of ``keys`` is locked; call before verifying."""
        wait = seconds_locked(session, keys, self.now())
        if wait > 0:
            raise Throttled(wait)

    def failed(self, session: Session, keys: Sequence[Key]) -> None:
        """Count a failed attempt against each of ``keys``; forget long-quiet keys."""
        now = self.now()
        for kind, key in keys:
            record_failure(session, kind, key, now, self.limits[kind])
        purge(session, now)
        session.flush()

    def succeeded(self, session: Session, kind: ThrottleKind, key: str) -> None:
        """Forget the failures of ``key`` (the account or tracking code that just succeeded)."""
        clear(session, kind, key)

    def attempt(self, session: Session, keys: Sequence[Key], verify: Callable[[], bool]) -> bool:
        """Guard ``keys``, run ``verify`` in a verification slot, count the outcome; its result.

        A failure counts against every key; a success clears the first key (the account).
        Raises :class:`Throttled` when a key is locked or no slot is free.
        """
        self.guard(session, keys)
        with self.verification():
            ok = verify()
        if ok:
            self.succeeded(session, *keys[0])
        else:
            self.failed(session, keys)
        return ok

    @contextmanager
    def verification(self) -> Iterator[None]:
        """Hold one of the process's verification slots; :class:`Throttled` (busy) if none is free."""
        if not self._gate.acquire(blocking=False):
            raise Throttled(1, busy=True)
        try:
            yield
        finally:
            self._gate.release()
