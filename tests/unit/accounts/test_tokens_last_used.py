"""A token's last use is written at most once a minute (each write made a request a writer)."""

from __future__ import annotations

from datetime import timedelta

from minyi.accounts import services
from minyi.demo import factories


def test_last_used_is_written_once_a_minute(session):
    user = factories.make_user(session, username="api", role="dispatcher")
    token = services.issue_token(session, user)
    session.commit()
    assert services.user_for_token(session, token) is user
    first = next(t for t in session.identity_map.values() if type(t).__name__ == "ApiToken")
    stamped = first.last_used_at
    assert stamped is not None
    session.commit()
    services.user_for_token(session, token)
    assert not session.dirty  # within the minute: nothing to write
    first.last_used_at = stamped - timedelta(minutes=2)
    session.commit()
    services.user_for_token(session, token)
    assert first.last_used_at > stamped
