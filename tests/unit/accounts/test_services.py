from __future__ import annotations

import pytest

from minyi.accounts import services
from minyi.demo import factories


def test_password_hash_round_trip():
    hashed = services.hash_password("correct horse")
    assert hashed.startswith("$argon2id$")
    assert services.verify_password(hashed, "correct horse")
    assert not services.verify_password(hashed, "wrong")
    assert not services.verify_password("not a hash", "x")


def test_create_user_checks_role_department_and_password(session):
    dept = factories.make_department(session, code="X1")
    with pytest.raises(services.AccountError, match="department"):
        services.create_user(session, username="a", password="lantern-okra-58")
    with pytest.raises(services.AccountError, match="at least"):
        services.create_user(session, username="a", password="short", department_code="X1")
    with pytest.raises(services.AccountError, match="unknown role"):
        services.create_user(session, username="a", password="lantern-okra-58", role="king")
    user = services.create_user(session, username="a", password="lantern-okra-58", department_code="X1")
    assert user.department is dept
    with pytest.raises(services.AccountError, match="already exists"):
        services.create_user(session, username="a", password="lantern-okra-58", department_code="X1")
    admin = services.create_user(session, username="root", password="lantern-okra-58", role="admin")
    assert admin.sees_all_departments
    assert not user.sees_all_departments


def test_authenticate(session):
    services.create_user(session, username="admin", password="lantern-okra-58", role="admin")
    assert services.authenticate(session, "admin", "lantern-okra-58") is not None
    assert services.authenticate(session, "admin", "password2") is None
    assert services.authenticate(session, "nobody", "lantern-okra-58") is None


def test_tokens_are_stored_hashed_and_revocable(session):
    user = services.create_user(session, username="admin", password="lantern-okra-58", role="admin")
    token = services.issue_token(session, user)
    assert services.user_for_token(session, token) is user
    assert services.user_for_token(session, token + "x") is None
    from minyi.accounts.models import ApiToken
    from minyi.db.base import utcnow

    row = session.query(ApiToken).one()
    assert token not in row.token_hash
    row.revoked_at = utcnow()
    assert services.user_for_token(session, token) is None
