"""Deliver what is due in the outbox, each item in its own transaction.

Guarantee: **at-least-once**. An item is marked sent in the same transaction that
claimed it, after its sender returned. A crash between the send and that commit leaves
the item due, so it is sent again on the next run: at worst twice, never lost. Receivers
can recognise a repeat by the outbox id (``Message-ID`` of an e-mail, the
``X-Minyi-Delivery`` header of a post). The ``dedupe_key`` makes sure that the same event
is never *queued* twice.

Claiming: on PostgreSQL the item is selected ``FOR UPDATE SKIP LOCKED``, so several
workers can run side by side, and a row stays locked while it is sent. On SQLite the
same select is a plain one inside the transaction (SQLite has no row locks and
serialises writers); run one worker per SQLite database.
"""

from __future__ import annotations

import logging
import random
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from minyi.db.base import utcnow
from minyi.db.session import Database
from minyi.notify.models import DUE_STATUSES, OutboxMessage, OutboxStatus
from minyi.notify.senders import Sender

logger = logging.getLogger(__name__)

BASE_DELAY_SECONDS = 30
MAX_DELAY_SECONDS = 6 * 3600
DEFAULT_MAX_ATTEMPTS = 8
MAX_ERROR_CHARS = 2000
JITTER = 0.2  # the delay varies by up to ±20 %, so failed items do not retry in lockstep

SessionSource = Database | Callable[[], Session]


@dataclass
class DeliveryReport:
    """What one :func:`deliver_due` run did."""

    sent: int = 0
    failed: int = 0
    dead: int = 0
    errors: list[str] = field(default_factory=list)

    @property
    def attempted(self) -> int:
        """Items tried in this run."""
        return self.sent + self.failed + self.dead


def retry_delay(attempts: int, jitter: float | None = None) -> timedelta:
    """How long to wait after the ``attempts``-th failed try: 30 s × 2^(attempts-1), up to 6 h.

    ``jitter`` in [-1, 1] scales the ±20 % spread; None draws it at random.
    """
    exponent = max(attempts - 1, 0)
    seconds = min(BASE_DELAY_SECONDS * 2 ** min(exponent, 30), MAX_DELAY_SECONDS)
    spread = random.uniform(-1.0, 1.0) if jitter is None else jitter  # noqa: S311 - jitter, not security
    return timedelta(seconds=min(seconds * (1 + JITTER * spread), MAX_DELAY_SECONDS))


@contextmanager
def _transaction(source: SessionSource) -> Iterator[Session]:
    if isinstance(source, Database):
        with source.transaction() as session:
            yield session
        return
    session = source()
    try:
        yield session
        session.commit()
    except BaseException:
        session.rollback()
        raise
    finally:
        session.close()


def _claim(session: Session, channels: list[str], now: datetime, skip: set[str]) -> OutboxMessage | None:
    """The next due item of a channel we can send, locked where the database can lock."""
    query = (
        select(OutboxMessage)
        .where(
            OutboxMessage.status.in_(DUE_STATUSES),
            OutboxMessage.next_attempt_at <= now,
            OutboxMessage.channel.in_(channels),
        )
        .order_by(OutboxMessage.next_attempt_at, OutboxMessage.id)
        .limit(1)
        .with_for_update(skip_locked=True)  # rendered on PostgreSQL; SQLite has no row locks
    )
    if skip:
        query = query.where(OutboxMessage.id.not_in(skip))
    return session.scalar(query)


def _attempt(item: OutboxMessage, sender: Sender, now: datetime, max_attempts: int) -> str | None:
    """Send ``item`` and record the outcome on it; returns the error text, if any."""
    item.attempts += 1
    try:
        sender.send(item)
    except Exception as exc:  # noqa: BLE001 - any sender failure is recorded and retried
        error = f"{type(exc).__name__}: {exc}"[:MAX_ERROR_CHARS]
        item.last_error = error
        if item.attempts >= max_attempts:
            item.status = OutboxStatus.DEAD
        else:
            item.status = OutboxStatus.FAILED
            item.next_attempt_at = now + retry_delay(item.attempts)
        return error
    item.status = OutboxStatus.SENT
    item.sent_at = now
    item.last_error = None
    return None


def deliver_due(
    database: SessionSource,
    senders: Mapping[str, Sender],
    *,
    batch: int = 100,
    now: datetime | None = None,
    max_attempts: int = DEFAULT_MAX_ATTEMPTS,
) -> DeliveryReport:
    """Send up to ``batch`` due items (pending, or failed and due again); one commit each.

    Each item is claimed, sent and marked in its own transaction, so one failure never
    rolls back another's success. A failed item waits :func:`retry_delay`; after
    ``max_attempts`` tries it is ``dead``. Items of a channel without a sender are left
    alone. ``now`` (for tests) fixes the clock of the whole run.
    """
    report = DeliveryReport()
    channels = sorted(senders)
    if not channels:
        return report
    seen: set[str] = set()
    for _ in range(batch):
        with _transaction(database) as session:
            current = now or utcnow()
            item = _claim(session, channels, current, seen)
            if item is None:
                break
            seen.add(item.id)
            error = _attempt(item, senders[item.channel], current, max_attempts)
            outcome = item.status
            log_line = f"outbox {item.id} ({item.channel}) attempt {item.attempts}: {outcome}"
        _count(report, outcome, error)
        if error is None:
            logger.info(log_line)
        else:
            logger.warning("%s: %s", log_line, error)
    return report


def _count(report: DeliveryReport, outcome: str, error: str | None) -> None:
    if outcome == OutboxStatus.SENT:
        report.sent += 1
    elif outcome == OutboxStatus.DEAD:
        report.dead += 1
    else:
        report.failed += 1
    if error is not None:
        report.errors.append(error)
