"""Notices folded into one outbox item per window (minyi.notify.digests)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import delete, event, select

from minyi.notify import digests
from minyi.notify.models import OutboxMessage, OutboxStatus

HOLD = timedelta(minutes=10)
START = datetime(2026, 12, 8, 2, 0, 30, tzinfo=UTC)  # 30 s into a ten-minute window


def _render(entries: Sequence[dict[str, Any]]) -> tuple[str, str]:
    return f"{len(entries)} 件", "\n".join(e["n"] for e in entries)


class Clock:
    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.now = START
        monkeypatch.setattr(digests, "utcnow", lambda: self.now)


def _fold(session, n: str, recipient: str = "a@example.gov.cn") -> OutboxMessage | None:
    return digests.fold(
        session, channel="email", recipient=recipient, kind="dispatch", hold=HOLD,
        entry={"n": n}, event_key=f"event-{n}", render=_render,
    )  # fmt: skip


def _items(session) -> list[OutboxMessage]:
    return list(session.scalars(select(OutboxMessage).order_by(OutboxMessage.next_attempt_at)))


def test_the_first_notice_goes_at_once_and_the_next_ones_wait_in_one_digest(session, monkeypatch):
    clock = Clock(monkeypatch)
    first = _fold(session, "1")
    for n in range(2, 40):
        clock.now += timedelta(seconds=5)
        _fold(session, str(n))
    items = _items(session)
    assert len(items) == 2
    assert items[0] is first
    assert first.body == "1"
    assert first.next_attempt_at == START
    assert items[1].subject == "38 件"
    assert items[1].body.splitlines() == [str(n) for n in range(2, 40)]
    assert items[1].next_attempt_at == datetime(2026, 12, 8, 2, 10, tzinfo=UTC)  # the next window


def test_a_notice_after_the_digest_went_waits_for_the_window_after(session, monkeypatch):
    clock = Clock(monkeypatch)
    _fold(session, "1")
    _fold(session, "2")
    digest = _items(session)[1]
    clock.now = digest.next_attempt_at + timedelta(seconds=1)  # the digest is due: being sent
    digest.status = OutboxStatus.SENT
    _fold(session, "3")
    items = _items(session)
    assert len(items) == 3
    assert items[2].body == "3"
    assert items[2].next_attempt_at == datetime(2026, 12, 8, 2, 20, tzinfo=UTC)
    assert digest.body == "2"  # never changed once due


def test_a_notice_queued_twice_is_folded_once_and_recipients_are_apart(session, monkeypatch):
    Clock(monkeypatch)
    _fold(session, "1")
    _fold(session, "2")
    assert _fold(session, "2") is None
    _fold(session, "9", recipient="b@example.gov.cn")
    bodies = sorted(item.body for item in _items(session))
    assert bodies == ["1", "2", "9"]


def test_a_quiet_window_later_sends_at_once_again(session, monkeypatch):
    clock = Clock(monkeypatch)
    _fold(session, "1")
    clock.now += timedelta(hours=1)
    later = _fold(session, "2")
    assert later is not None
    assert later.next_attempt_at == clock.now


def test_a_notice_in_the_last_seconds_before_the_digest_is_due_waits_for_the_next(session, monkeypatch):
    """Before: each notice of the last seconds of a window went out on its own (5 s x the rate)."""
    clock = Clock(monkeypatch)
    _fold(session, "1")
    _fold(session, "2")
    clock.now = datetime(2026, 12, 8, 2, 9, 58, tzinfo=UTC)  # the digest of 02:10 is about to go
    for n in range(3, 8):
        _fold(session, str(n))
    items = _items(session)
    assert [item.body for item in items] == ["1", "2", "3\n4\n5\n6\n7"]
    assert items[2].next_attempt_at == datetime(2026, 12, 8, 2, 20, tzinfo=UTC)


def _script(session, clock: Clock) -> None:
    """Notices over two windows and the margin, to two recipients, one of them queued twice."""
    clock.now = START
    for n in range(1, 30):
        clock.now += timedelta(seconds=3)
        _fold(session, str(n), recipient="b@example.gov.cn" if n % 7 == 0 else "a@example.gov.cn")
    _fold(session, "5")
    clock.now = datetime(2026, 12, 8, 2, 9, 57, tzinfo=UTC)  # the digest of 02:10 closes: the next
    for n in range(30, 40):
        _fold(session, str(n))


def _rows(session) -> list[tuple[Any, ...]]:
    items = session.scalars(select(OutboxMessage).order_by(OutboxMessage.dedupe_key))
    return [
        (i.dedupe_key, i.recipient, i.subject, i.body, i.payload, i.next_attempt_at, i.status, i.attempts)
        for i in items
    ]


def test_a_batch_of_folds_leaves_the_same_rows_as_folding_one_by_one(session, monkeypatch):
    """批量派单 folds its notices in a batch (linear): the rows must be those of one by one."""
    clock = Clock(monkeypatch)
    _script(session, clock)
    session.flush()
    one_by_one = _rows(session)
    assert [len(row[4]["entries"]) for row in one_by_one] == [1, 3, 1, 24, 10]
    session.execute(delete(OutboxMessage))
    session.expunge_all()
    with digests.batch(session):
        _script(session, clock)
    session.expire_all()
    assert _rows(session) == one_by_one


def test_a_batch_reads_each_item_once(session, monkeypatch):
    Clock(monkeypatch)
    _fold(session, "0")
    statements: list[str] = []
    listen = lambda *args: statements.append(args[2])  # noqa: E731 - the statement of before_cursor_execute
    event.listen(session.get_bind(), "before_cursor_execute", listen)
    try:
        with digests.batch(session):
            for n in range(1, 101):
                _fold(session, str(n))
    finally:
        event.remove(session.get_bind(), "before_cursor_execute", listen)
    assert len(statements) < 12  # one by one: three a notice
    assert _items(session)[1].body.splitlines() == [str(n) for n in range(1, 101)]


def test_a_batch_that_raises_writes_nothing_more_and_ends(session, monkeypatch):
    Clock(monkeypatch)
    _fold(session, "1")
    _fold(session, "2")

    def fails() -> None:
        with digests.batch(session):
            _fold(session, "3")
            raise RuntimeError

    with pytest.raises(RuntimeError):
        fails()
    assert _items(session)[1].body == "2"
    _fold(session, "4")  # no batch left open: folded and written at once
    assert _items(session)[1].body == "2\n4"
