"""Notices folded into one outbox item per window (minyi.notify.digests)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import select

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
