"""Issue 12: throttled logins and tracking secrets, server-side sessions that logout ends."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from click.testing import CliRunner
from fastapi.testclient import TestClient
from tests.functional.conftest import PASSWORD, bearer, cli_database, csrf_of, login

from minyi.accounts import sessions, throttle
from minyi.accounts.models import User
from minyi.accounts.sessions import StaffSession
from minyi.cli.main import cli
from minyi.demo import factories
from minyi.intake import services as intake

SESSION_COOKIE = "minyi_session"
NEW_PASSWORD = "quince-ferry-93"


class Clock:
    def __init__(self) -> None:
        self.now = datetime(2026, 12, 1, 8, 0, tzinfo=UTC)

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **delta: float) -> None:
        self.now += timedelta(**delta)


@pytest.fixture
def clock(app) -> Clock:
    fake = Clock()
    app.state.throttle.clock = fake
    return fake


def try_login(client: TestClient, username: str, password: str):
    page = client.get("/staff/login")
    return client.post(
        "/staff/login",
        data={"username": username, "password": password, "csrf_token": csrf_of(page.text), "next": "/staff"},
        follow_redirects=False,
    )


def lock_account(client: TestClient, username: str) -> None:
    for _ in range(5):
        assert try_login(client, username, "wrong-guess").status_code == 401


# --- throttled logins ----------------------------------------------------------------


def test_six_wrong_passwords_lock_the_account_even_for_the_right_one(client, world, clock):
    lock_account(client, "road")
    sixth = try_login(client, "road", "wrong-guess")
    assert sixth.status_code == 429
    assert sixth.headers["Retry-After"] == "60"
    assert "尝试次数过多，请 1 分钟后再试" in sixth.text
    right = try_login(client, "road", PASSWORD)
    assert right.status_code == 429
    assert client.get("/staff", follow_redirects=False).status_code == 303  # not signed in
    client.get("/lang/en?next=/staff/login")
    english = try_login(client, "road", PASSWORD)
    assert english.status_code == 429
    assert "Too many attempts; try again in 1 min." in english.text
    clock.advance(seconds=61)
    assert try_login(client, "road", PASSWORD).status_code == 303  # the lock lifted by time


def test_lock_outs_grow_and_other_accounts_stay_open(client, world, clock):
    lock_account(client, "road")
    clock.advance(seconds=61)
    lock_account(client, "road")
    again = try_login(client, "road", PASSWORD)
    assert again.headers["Retry-After"] == "120"
    assert "请 2 分钟后再试" in again.text
    assert try_login(client, "school", PASSWORD).status_code == 303


def test_a_locked_address_is_refused_for_every_account(client, world, clock):
    for n in range(20):
        try_login(client, f"nobody{n}", "wrong-guess")
    assert try_login(client, "school", PASSWORD).status_code == 429
    clock.advance(seconds=61)
    assert try_login(client, "school", PASSWORD).status_code == 303


def test_logins_beyond_the_concurrent_checks_are_refused_at_once(client, app, world, session):
    gate = app.state.throttle
    with gate.verification(), gate.verification():
        busy = try_login(client, "road", PASSWORD)
    assert busy.status_code == 429
    assert busy.headers["Retry-After"] == "1"
    assert session.query(throttle.LoginFailure).count() == 0  # not counted as a failure
    assert try_login(client, "road", PASSWORD).status_code == 303


def test_admins_see_and_lift_lockouts(client, app, world, session, clock):
    lock_account(client, "road")
    login(client, "boss")
    page = client.get("/staff/admin")
    assert "lockouts" in page.text
    assert "road" in page.text
    lifted = client.post(
        "/staff/admin/lockouts/lift",
        data={"kind": "account", "key": "road", "csrf_token": csrf_of(page.text)},
        follow_redirects=False,
    )
    assert lifted.status_code == 303
    other = TestClient(app)
    assert try_login(other, "road", PASSWORD).status_code == 303
    lock_account(other, "school")
    headers = bearer(session, world.admin)
    listed = client.get("/api/v1/admin/lockouts", headers=headers)
    assert listed.status_code == 200
    assert [(item["kind"], item["key"]) for item in listed.json()] == [("account", "school")]
    assert listed.json()[0]["locked_until"]
    assert client.delete("/api/v1/admin/lockouts/account/school", headers=headers).status_code == 204
    assert client.delete("/api/v1/admin/lockouts/account/school", headers=headers).status_code == 404
    assert client.get("/api/v1/admin/lockouts", headers=headers).json() == []
    assert client.get("/api/v1/admin/lockouts", headers=bearer(session, world.road_staff)).status_code == 403


# --- tracking secrets ----------------------------------------------------------------


def _submitted(session):
    accepted = intake.accept(session, factories.make_message_in(), channel="web", key="auth-track")
    session.commit()
    return accepted.message, accepted.tracking_secret


def test_track_secrets_are_throttled_on_the_portal_and_the_api(client, session, clock):
    message, secret = _submitted(session)
    token = csrf_of(client.get("/track").text)
    for _ in range(5):
        wrong = client.post(
            "/track", data={"code": message.tracking_code, "secret": "x", "csrf_token": token}
        )
        assert wrong.status_code == 404
    locked = client.post(
        "/track", data={"code": message.tracking_code, "secret": secret, "csrf_token": token}
    )
    assert locked.status_code == 429
    assert "尝试次数过多" in locked.text
    api = client.get(f"/api/v1/messages/{message.id}", headers={"X-Tracking-Secret": secret})
    assert api.status_code == 429
    assert api.headers["Retry-After"] == "60"
    assert api.json()["error"] == "too_many_attempts"
    clock.advance(seconds=61)
    ok = client.get(f"/api/v1/messages/{message.id}", headers={"X-Tracking-Secret": secret})
    assert ok.status_code == 200
    for _ in range(5):
        bad = client.get(f"/api/v1/messages/{message.id}", headers={"X-Tracking-Secret": "nope"})
        assert bad.status_code == 401
    assert (
        client.get(f"/api/v1/messages/{message.id}", headers={"X-Tracking-Secret": secret}).status_code == 429
    )


# --- server-side sessions ------------------------------------------------------------


def _staff_page_status(app, cookie: str) -> int:
    stranger = TestClient(app)
    stranger.cookies.set(SESSION_COOKIE, cookie)
    return stranger.get("/staff", follow_redirects=False).status_code


def test_a_cookie_copied_before_logout_is_worthless_after_it(client, app, world, session):
    login(client, "road")
    copied = client.cookies.get(SESSION_COOKIE)
    assert copied
    assert _staff_page_status(app, copied) == 200
    assert session.query(StaffSession).filter_by(user_id=world.road_staff.id).count() == 1
    token = csrf_of(client.get("/staff").text)
    assert client.post("/staff/logout", data={"csrf_token": token}, follow_redirects=False).status_code == 303
    stranger = TestClient(app)
    stranger.cookies.set(SESSION_COOKIE, copied)
    after = stranger.get("/staff", follow_redirects=False)
    assert after.status_code == 303
    assert after.headers["location"].startswith("/staff/login")


def test_changing_the_password_ends_the_other_sessions(client, app, world, session):
    elsewhere = TestClient(app)
    login(elsewhere, "road")
    login(client, "road")
    page = client.get("/staff/password")
    assert page.status_code == 200
    form = {"current_password": PASSWORD, "new_password": NEW_PASSWORD, "csrf_token": csrf_of(page.text)}
    wrong = client.post(
        "/staff/password", data=form | {"current_password": "nope", "confirm_password": NEW_PASSWORD}
    )
    assert wrong.status_code == 422
    mismatch = client.post("/staff/password", data=form | {"confirm_password": "something-else-7"})
    assert mismatch.status_code == 422
    changed = client.post(
        "/staff/password", data=form | {"confirm_password": NEW_PASSWORD}, follow_redirects=False
    )
    assert changed.status_code == 303
    assert client.get("/staff", follow_redirects=False).status_code == 200  # this session stays
    assert elsewhere.get("/staff", follow_redirects=False).status_code == 303  # the other ended
    assert try_login(TestClient(app), "road", NEW_PASSWORD).status_code == 303


def test_admins_end_a_users_sessions(client, app, world, session):
    road = TestClient(app)
    login(road, "road")
    login(client, "boss")
    page = client.get("/staff/admin")
    ended = client.post(
        f"/staff/admin/users/{world.road_staff.id}/sessions/end",
        data={"csrf_token": csrf_of(page.text)},
        follow_redirects=False,
    )
    assert ended.status_code == 303
    assert road.get("/staff", follow_redirects=False).status_code == 303
    login(road, "road")
    headers = bearer(session, world.admin)
    answer = client.delete(f"/api/v1/admin/users/{world.road_staff.id}/sessions", headers=headers)
    assert answer.status_code == 200
    assert answer.json() == {"ended": 1}
    assert road.get("/staff", follow_redirects=False).status_code == 303
    assert client.delete("/api/v1/admin/users/nobody/sessions", headers=headers).status_code == 404
    assert client.get("/staff", follow_redirects=False).status_code == 200  # the admin's own session


def test_a_deactivated_user_is_logged_out(client, world, session):
    login(client, "road")
    user = session.get(User, world.road_staff.id)
    assert user is not None
    user.is_active = False
    session.commit()
    assert client.get("/staff", follow_redirects=False).status_code == 303


# --- command line --------------------------------------------------------------------


def run(*args: str):
    return CliRunner().invoke(cli, list(args), catch_exceptions=False)


def test_user_commands_for_passwords_sessions_and_lockouts(tmp_path, monkeypatch):
    with cli_database(tmp_path, monkeypatch, "minyi_test_user_cli") as database:
        with database.transaction() as session:
            user = factories.make_user(session, username="road", role="dispatcher")
            token = sessions.start(session, user, now=datetime.now(UTC), lifetime=timedelta(hours=1))
            guard = throttle.Throttle()
            for _ in range(5):
                guard.failed(session, [(throttle.ThrottleKind.ACCOUNT, "road")])
        listed = run("user", "lockouts")
        assert "account\troad\tuntil" in listed.output
        assert run("user", "unlock", "account", "road").exit_code == 0
        assert run("user", "lockouts").output.strip() == "no lock-outs"
        assert run("user", "unlock", "account", "road").exit_code == 1
        weak = CliRunner().invoke(cli, ["user", "password", "road", "--password", "password"])
        assert weak.exit_code == 1
        changed = run("user", "password", "road", "--password", NEW_PASSWORD)
        assert "1 session(s) ended" in changed.output
        with database.transaction() as session:
            assert sessions.resolve(session, token, datetime.now(UTC)) is None
            road = session.get(User, user.id)
            assert road is not None
            again = sessions.start(session, road, now=datetime.now(UTC), lifetime=timedelta(hours=1))
        assert "1 session(s) of road ended" in run("user", "end-sessions", "road").output
        with database.transaction() as session:
            assert sessions.resolve(session, again, datetime.now(UTC)) is None
        assert CliRunner().invoke(cli, ["user", "end-sessions", "nobody"]).exit_code == 1


def test_user_list_and_create_say_what_exists_before_asking_for_a_password(tmp_path, monkeypatch):
    with cli_database(tmp_path, monkeypatch, "minyi_test_user_list") as database:
        with database.transaction() as session:
            factories.make_user(session, username="road", role="dispatcher")
        listed = run("user", "list").output
        assert "road\tdispatcher\t-\tactive\tlast login never" in listed
        again = CliRunner().invoke(cli, ["user", "create", "road", "--role", "dispatcher"], input="")
        assert again.exit_code == 1
        assert "a user 'road' already exists" in again.output
        assert "Password" not in again.output  # not asked for first
        made = CliRunner().invoke(
            cli, ["user", "create", "duty", "--role", "dispatcher"], input=f"{NEW_PASSWORD}\n{NEW_PASSWORD}\n"
        )
        assert made.exit_code == 0, made.output
        assert "created dispatcher duty" in made.output
        assert "duty\tdispatcher" in run("user", "list").output
