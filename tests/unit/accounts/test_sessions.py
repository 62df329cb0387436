from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from minyi.accounts import services, sessions
from minyi.accounts.sessions import StaffSession
from minyi.demo import factories

T0 = datetime(2026, 12, 1, 8, 0, tzinfo=UTC)
HOURS_8 = timedelta(hours=8)


def test_a_session_lives_until_it_expires_or_is_ended(session):
    user = factories.make_user(session, role="admin")
    token = sessions.start(session, user, now=T0, lifetime=HOURS_8, user_agent="pytest", address="10.0.0.1")
    row = session.get(StaffSession, sessions.token_hash(token))
    assert row is not None
    assert token not in row.id  # only the hash is stored
    assert sessions.resolve(session, token, T0 + timedelta(hours=7)) is row
    assert sessions.resolve(session, token, T0 + HOURS_8) is None  # expired
    assert sessions.resolve(session, "made-up", T0) is None
    assert sessions.resolve(session, "", T0) is None
    assert sessions.end(session, token, T0 + timedelta(minutes=5))
    assert not sessions.end(session, token, T0 + timedelta(minutes=6))  # already ended
    assert sessions.resolve(session, token, T0 + timedelta(minutes=10)) is None


def test_an_inactive_user_has_no_session(session):
    user = factories.make_user(session, role="admin")
    token = sessions.start(session, user, now=T0, lifetime=HOURS_8)
    user.is_active = False
    assert sessions.resolve(session, token, T0) is None


def test_touch_writes_at_most_once_a_minute(session):
    user = factories.make_user(session, role="admin")
    token = sessions.start(session, user, now=T0, lifetime=HOURS_8)
    row = sessions.resolve(session, token, T0)
    assert row is not None
    assert not sessions.touch(row, T0 + timedelta(seconds=30))
    assert sessions.touch(row, T0 + timedelta(seconds=61))
    assert row.last_seen_at == T0 + timedelta(seconds=61)


def test_end_all_keeps_the_named_session_and_spares_other_users(session):
    user = factories.make_user(session, role="admin")
    other = factories.make_user(session, role="dispatcher")
    mine = sessions.start(session, user, now=T0, lifetime=HOURS_8)
    stolen = sessions.start(session, user, now=T0, lifetime=HOURS_8)
    theirs = sessions.start(session, other, now=T0, lifetime=HOURS_8)
    later = T0 + timedelta(minutes=1)
    assert {s.username for s in sessions.live_sessions(session, later)} == {user.username, other.username}
    assert sessions.count_live(session, later) == {user.id: 2, other.id: 1}
    assert sessions.end_all(session, user, later, keep=mine) == 1
    assert sessions.resolve(session, mine, later) is not None
    assert sessions.resolve(session, stolen, later) is None
    assert sessions.resolve(session, theirs, later) is not None
    assert sessions.end_all(session, user, later) == 1
    assert sessions.live_sessions(session, later, user) == []


def test_old_ended_sessions_are_deleted_when_new_ones_start(session):
    user = factories.make_user(session, role="admin")
    old = sessions.start(session, user, now=T0, lifetime=HOURS_8)
    sessions.start(session, user, now=T0 + timedelta(days=40), lifetime=HOURS_8)
    assert session.get(StaffSession, sessions.token_hash(old)) is None


def test_change_password_ends_the_other_sessions(session):
    user = services.create_user(session, username="boss", password="lantern-okra-58", role="admin")
    here = sessions.start(session, user, now=T0, lifetime=HOURS_8)
    elsewhere = sessions.start(session, user, now=T0, lifetime=HOURS_8)
    with pytest.raises(services.AccountError, match="current password"):
        services.change_password(session, user, "quince-ferry-93", now=T0, current_password="nope")
    with pytest.raises(services.AccountError):
        services.change_password(session, user, "password", now=T0, current_password="lantern-okra-58")
    ended = services.change_password(
        session, user, "quince-ferry-93", now=T0, current_password="lantern-okra-58", keep_session=here
    )
    assert ended == 1
    assert services.verify_password(user.password_hash, "quince-ferry-93")
    assert sessions.resolve(session, here, T0) is not None
    assert sessions.resolve(session, elsewhere, T0) is None
    # set by an administrator (no current password): every session ends
    assert services.change_password(session, user, "walnut-harbor-71", now=T0) == 1
    assert sessions.resolve(session, here, T0) is None
