"""即将到期 and the reminders read a desk case's stored deadline (``desk_due_at``), as 已超期 does.

The inbox's 已超期 counted a case never accepted by the rules' deadline stored at the desk,
while 即将到期 (filter, badge, ``due=soon``) read ``due_at`` alone: a desk case a day from
its deadline was not due soon, and was overdue the day after. ``minyi cases remind`` told
nobody of such cases; now the supervisors hear of them in one digest, not one mail a case.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from minyi.cases import desk_notices, holiday_store, queries
from minyi.cases.notices import remind
from minyi.demo import factories
from minyi.notify.models import OutboxMessage
from minyi.settings import get_settings


@pytest.fixture(autouse=True)
def _fresh(monkeypatch):
    holiday_store.forget_cached()
    get_settings.cache_clear()
    monkeypatch.setenv("MINYI_SUPERVISOR_EMAIL", "dubanchu@example.gov.cn")
    yield
    holiday_store.forget_cached()
    get_settings.cache_clear()


def _at_desk(session, key, due):
    case = factories.make_case(session, status="received", category=None, key=key)
    case.desk_due_at = due
    return case


def _ids(page):
    return {case.id for case in page.items}


def test_a_desk_case_within_the_window_is_due_soon_and_counted(session):
    boss = factories.make_user(session, username="boss", role="admin")
    now = datetime.now(UTC)
    soon = _at_desk(session, "soon", now + timedelta(hours=3))
    late = _at_desk(session, "late", now - timedelta(hours=3))
    far = _at_desk(session, "far", now + timedelta(days=30))
    accepted = factories.make_case(session, status="accepted", key="accepted")
    accepted.due_at, accepted.desk_due_at = (
        now + timedelta(days=30),
        now + timedelta(hours=3),
    )  # due_at counts
    session.flush()
    found = queries.case_page(session, boss, queries.CaseFilter(due="soon", limit=50))
    assert _ids(found) == {soon.id}
    assert _ids(queries.case_page(session, boss, queries.CaseFilter(due="overdue", limit=50))) == {late.id}
    counts = queries.due_counts(session, boss)
    assert (counts["soon"], counts["overdue"]) == (1, 1)
    assert far.id not in _ids(found)
    assert queries.is_overdue(late)
    assert not queries.is_overdue(soon)
    assert queries.deadline_of(accepted) == accepted.due_at
    assert queries.rules_due(accepted) is None


def _desk_items(session):
    return [m for m in session.query(OutboxMessage).all() if (m.dedupe_key or "").startswith("digest:desk:")]


def test_the_supervisors_hear_of_the_desk_in_one_digest(session):
    now = datetime.now(UTC)
    for n in range(30):  # an import left thirty cases at the desk past their deadline
        _at_desk(session, f"old-{n}", now - timedelta(days=n + 1))
    _at_desk(session, "soon", now + timedelta(hours=2))
    session.flush()
    assert remind(session, now=now) == (0, 1)  # one channel told, not thirty-one notices
    items = _desk_items(session)
    assert len(items) == 1
    assert items[0].recipient == "dubanchu@example.gov.cn"
    assert "超期未受理 30 件，即将到期 1 件" in items[0].subject
    assert items[0].body.count("规定时限") == 31
    assert not [m for m in session.query(OutboxMessage).all() if m.subject.startswith("超期")]
    assert remind(session, now=now + timedelta(minutes=5)) == (0, 0)  # nothing new: nothing queued
    assert len(_desk_items(session)) == 1


def test_a_case_newly_past_its_deadline_is_folded_into_the_next_digest(session):
    now = datetime.now(UTC)
    first = _at_desk(session, "first", now - timedelta(days=1))
    second = _at_desk(session, "second", now + timedelta(hours=1))
    session.flush()
    remind(session, now=now, soon_hours=0.5)  # the second is not due soon yet
    later = now + timedelta(hours=2)
    assert remind(session, now=later, soon_hours=0.5) == (0, 1)
    items = sorted(_desk_items(session), key=lambda item: item.next_attempt_at)
    assert len(items) == 2  # the first at once, the next one waits for the next window
    assert items[1].next_attempt_at.replace(tzinfo=UTC) > datetime.now(UTC)
    assert second.number in items[1].body
    assert first.number not in items[1].body
    assert "超期未受理 2 件" in items[1].subject


def test_nothing_is_queued_without_a_supervisor_channel(session, monkeypatch):
    monkeypatch.setenv("MINYI_SUPERVISOR_EMAIL", "")
    get_settings.cache_clear()
    _at_desk(session, "old", datetime.now(UTC) - timedelta(days=3))
    session.flush()
    assert desk_notices.remind_desk(session, datetime.now(UTC), datetime.now(UTC)) == 0
    assert _desk_items(session) == []
