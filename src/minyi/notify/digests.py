"""Notices to one recipient folded into one message per time window (a digest).

On a surge day (a storm, two thousand messages in two hours) every automatically
dispatched case told its department by e-mail: hundreds of e-mails to one address, each
naming one case, read by nobody. A digest keeps the first notice of a quiet spell
immediate and folds the next ones into **one** outbox item per window of ``hold``:

* windows are numbered from the epoch (``floor(now / hold)``); the digest of window *w*
  for a recipient has the dedupe key ``digest:<kind>:<recipient hash>:<w>``, found by the
  unique index, so no scan of the outbox;
* the first notice of window *w* opens that item, due at once: a quiet day's notice is not
  delayed;
* a later notice of window *w* is folded into the item of *w* while it is still waiting
  (not yet due), else into the item of *w + 1*, due when that window starts, or, in the last
  :data:`MARGIN` before that start, into the item of *w + 2*: so at most one message per
  window, and a notice waits at most ``hold`` and the margin;
* each item keeps its entries in ``payload["entries"]`` and the keys of the events folded
  into it in ``payload["keys"]`` (a notice queued twice is folded once), and its subject and
  body are written again from the entries by the caller's ``render`` at each fold.

The row being folded into is locked (``FOR UPDATE`` on PostgreSQL; SQLite has one writer),
and only an item due more than :data:`MARGIN` from now is folded into, so the worker never
sends an item while a fold changes it. Like the rest of the outbox, nothing is committed here.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from minyi.db.base import utcnow
from minyi.notify.models import OutboxMessage, OutboxStatus
from minyi.notify.services import enqueue

#: An item due within this is left to the worker: folding into it could race the sending.
MARGIN = timedelta(seconds=5)

#: ``render(entries) -> (subject, body)``: the texts of an item from its entries, oldest first.
Render = Callable[[Sequence[dict[str, Any]]], tuple[str, str]]


def _window(now: datetime, hold: timedelta) -> int:
    return int(now.timestamp() // hold.total_seconds())


def _start(window: int, hold: timedelta) -> datetime:
    return datetime.fromtimestamp(window * hold.total_seconds(), UTC)


def _key(kind: str, recipient: str, window: int) -> str:
    digest = hashlib.sha256(recipient.strip().lower().encode("utf-8")).hexdigest()[:24]
    return f"digest:{kind}:{digest}:{window}"


def _item(session: Session, key: str) -> OutboxMessage | None:
    query = select(OutboxMessage).where(OutboxMessage.dedupe_key == key).with_for_update()
    return session.scalar(query)


def _open(item: OutboxMessage, now: datetime) -> bool:
    """Whether ``item`` still waits for its first try, far enough ahead to be changed."""
    due = item.next_attempt_at
    if due.tzinfo is None:  # as assigned before a reload: stored as UTC
        due = due.replace(tzinfo=UTC)
    return item.status == OutboxStatus.PENDING and item.attempts == 0 and due > now + MARGIN


@dataclass(frozen=True)
class _Notice:
    """One notice to fold: where it goes, its entry, and how an item's texts are written."""

    channel: str
    recipient: str
    entry: dict[str, Any]
    event_key: str
    render: Render
    base_payload: dict[str, Any]
    case_id: str | None

    def payload(self) -> dict[str, Any]:
        return {**self.base_payload, "entries": [self.entry], "keys": [self.event_key]}


def fold(  # noqa: PLR0913 - the notice, then how it is grouped and written
    session: Session,
    *,
    channel: str,
    recipient: str,
    kind: str,
    hold: timedelta,
    entry: dict[str, Any],
    event_key: str,
    render: Render,
    base_payload: dict[str, Any] | None = None,
    case_id: str | None = None,
) -> OutboxMessage | None:
    """Queue ``entry`` for ``recipient``: at once if first in its window, else in the window's digest.

    Returns the item the entry is in (None when ``event_key`` was folded before).
    """
    notice = _Notice(channel, recipient, entry, event_key, render, base_payload or {}, case_id)
    now = utcnow()
    window = _window(now, hold)
    for number in (window, window + 1, window + 2):  # the next one closes within MARGIN of its start
        key = _key(kind, recipient, number)
        item = _item(session, key)
        if item is None:
            return _new(session, notice, key, now if number == window else _start(number, hold))
        if event_key in (item.payload or {}).get("keys", []):
            return None
        if _open(item, now):
            return _append(session, item, notice)
    # every item is due or being sent (a clock far behind the items'): one notice of its own
    return _enqueue(session, notice, event_key)


def _enqueue(session: Session, notice: _Notice, dedupe_key: str) -> OutboxMessage | None:
    subject, body = notice.render([notice.entry])
    return enqueue(
        session, channel=notice.channel, recipient=notice.recipient, subject=subject, body=body,
        payload=notice.payload(), case_id=notice.case_id, dedupe_key=dedupe_key,
    )  # fmt: skip


def _new(session: Session, notice: _Notice, key: str, due: datetime) -> OutboxMessage | None:
    """A new item for the window of ``key``, due at ``due``."""
    item = _enqueue(session, notice, key)
    if item is None:  # another transaction opened this window's item first: fold into it
        found = _item(session, key)
        if found is None or notice.event_key in (found.payload or {}).get("keys", []):
            return found
        return _append(session, found, notice) if _open(found, utcnow()) else found
    item.next_attempt_at = due
    session.flush()
    return item


def _append(session: Session, item: OutboxMessage, notice: _Notice) -> OutboxMessage:
    payload = dict(item.payload or {})
    entries = [*payload.get("entries", []), notice.entry]
    payload.update(entries=entries, keys=[*payload.get("keys", []), notice.event_key])
    subject, body = notice.render(entries)
    item.payload = payload  # a new dict: the JSON column sees the change
    item.subject = " ".join(subject.split())[:300]
    item.body = body
    session.flush()
    return item
