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
  body are written again from the entries by the caller's ``render`` at each fold, or once
  at the end of a :func:`batch` of folds (a bulk action: linear, not quadratic, in its notices).

The row being folded into is locked (``FOR UPDATE`` on PostgreSQL; SQLite has one writer),
and only an item due more than :data:`MARGIN` from now is folded into, so the worker never
sends an item while a fold changes it. Like the rest of the outbox, nothing is committed here.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
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


@dataclass
class _Held:
    """An item locked in this transaction, its entries and keys as folded so far (in memory)."""

    item: OutboxMessage
    entries: list[dict[str, Any]]
    keys: list[str]
    seen: set[str]
    render: Render | None = None  # set when an entry was added and the texts are not written yet

    @classmethod
    def of(cls, item: OutboxMessage) -> _Held:
        payload = item.payload or {}
        keys = list(payload.get("keys", []))
        return cls(item, list(payload.get("entries", [])), keys, set(keys))

    def append(self, notice: _Notice) -> OutboxMessage:
        self.entries.append(notice.entry)
        self.keys.append(notice.event_key)
        self.seen.add(notice.event_key)
        self.render = notice.render  # the last notice's, as when each fold wrote the texts
        return self.item

    def write(self) -> None:
        """The payload, subject and body from all the entries: once a batch, not once a notice."""
        if self.render is None:
            return
        payload = dict(self.item.payload or {})
        payload.update(entries=list(self.entries), keys=list(self.keys))
        subject, body = self.render(self.entries)
        self.item.payload = payload  # a new dict: the JSON column sees the change
        self.item.subject = " ".join(subject.split())[:300]
        self.item.body = body
        self.render = None


@dataclass
class _Batch:
    """The digest items this batch folded into, by dedupe key."""

    held: dict[str, _Held] = field(default_factory=dict)

    def find(self, session: Session, key: str) -> _Held | None:
        """The item of ``key``: read and locked once a transaction, then kept."""
        held = self.held.get(key)
        if held is None:
            item = _item(session, key)
            if item is None:
                return None
            held = self.held[key] = _Held.of(item)
        return held


_BATCH = "minyi.notify.digests.batch"


@contextmanager
def batch(session: Session) -> Iterator[None]:
    """Fold the notices of the block in linear time; each item is written once, at the end.

    Folding one by one reads the item again and writes its payload, subject and body from all
    its entries at each notice: n notices to one department in one transaction (批量派单, 200
    cases) cost n² work. In a batch an item is read and locked (``FOR UPDATE``) once, the
    entries are added in memory and the texts written once when the block ends: the same rows
    as one by one. Items stay locked until the commit, as before, so the worker cannot send
    one meanwhile. If the block raises, nothing more is written (the caller rolls back); a
    savepoint rolled back inside the block must not contain a fold. Nested batches are one.
    """
    if _BATCH in session.info:
        yield
        return
    state = session.info[_BATCH] = _Batch()
    try:
        yield
        changed = [held for held in state.held.values() if held.render is not None]
        for held in changed:
            held.write()
        if changed:
            session.flush()
    finally:
        session.info.pop(_BATCH, None)


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

    Returns the item the entry is in (None when ``event_key`` was folded before). Inside
    :func:`batch` the item's texts and payload are written when the batch ends.
    """
    notice = _Notice(channel, recipient, entry, event_key, render, base_payload or {}, case_id)
    state = session.info.get(_BATCH)
    if isinstance(state, _Batch):
        return _fold(session, state, notice, kind, hold)
    with batch(session):
        return _fold(session, session.info[_BATCH], notice, kind, hold)


def _fold(
    session: Session, state: _Batch, notice: _Notice, kind: str, hold: timedelta
) -> OutboxMessage | None:
    """Fold ``notice`` into this window's item, else the next ones' (see the module's rules)."""
    now = utcnow()
    window = _window(now, hold)
    for number in (window, window + 1, window + 2):  # the next one closes within MARGIN of its start
        key = _key(kind, notice.recipient, number)
        held = state.find(session, key)
        if held is None:
            item = _new(session, state, notice, key, now if number == window else _start(number, hold))
            if item is not None:
                return item
            held = state.find(session, key)  # another transaction opened it first: fold into it
            if held is None:
                return None
        if notice.event_key in held.seen:
            return None
        if _open(held.item, now):
            return held.append(notice)
    # every item is due or being sent (a clock far behind the items'): one notice of its own
    return _enqueue(session, notice, notice.event_key)


def _enqueue(session: Session, notice: _Notice, dedupe_key: str) -> OutboxMessage | None:
    subject, body = notice.render([notice.entry])
    return enqueue(
        session, channel=notice.channel, recipient=notice.recipient, subject=subject, body=body,
        payload=notice.payload(), case_id=notice.case_id, dedupe_key=dedupe_key,
    )  # fmt: skip


def _new(session: Session, state: _Batch, notice: _Notice, key: str, due: datetime) -> OutboxMessage | None:
    """A new item for the window of ``key``, due at ``due``; None when another transaction has it.

    That one is then folded into like any other (before, when it was already due, this
    notice was dropped: two bulk actions at once lost the first notice of the second).
    """
    item = _enqueue(session, notice, key)
    if item is None:
        return None
    item.next_attempt_at = due
    session.flush()
    state.held[key] = _Held.of(item)
    return item
