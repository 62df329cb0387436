from __future__ import annotations

import logging
import threading
from datetime import UTC, datetime, timedelta

import pytest

from minyi.accounts import services, throttle
from minyi.accounts.throttle import Limit, LoginFailure, Throttle, Throttled, ThrottleKind
from minyi.demo import factories
from minyi.intake import services as intake
from minyi.intake import tracking

T0 = datetime(2026, 12, 1, 8, 0, tzinfo=UTC)
ACCOUNT = ThrottleKind.ACCOUNT
ADDRESS = ThrottleKind.LOGIN_ADDRESS


class Clock:
    def __init__(self) -> None:
        self.now = T0

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **delta: float) -> None:
        self.now += timedelta(**delta)


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def guard(clock: Clock) -> Throttle:
    return Throttle(clock=clock)


def _fail(session, guard: Throttle, key: str, times: int, address: str = "10.0.0.1") -> None:
    for _ in range(times):
        guard.failed(session, [(ACCOUNT, key), (ADDRESS, address)])


def _login(session, guard: Throttle, username: str, password: str, address: str):
    """A login as a request makes it: committed at the end (failures count)."""
    user = services.login(session, guard, username, password, address)
    session.commit()
    return user


def test_lock_for_doubles_and_is_capped():
    limit = Limit(failures=5, window=timedelta(minutes=15))
    assert [limit.lock_for(n).total_seconds() / 60 for n in range(8)] == [1, 2, 4, 8, 16, 32, 60, 60]
    assert limit.lock_for(10_000) == timedelta(hours=1)


def test_five_failures_lock_the_account_and_log(session, guard, clock, caplog):
    _fail(session, guard, "Boss", 4)
    guard.guard(session, [(ACCOUNT, "boss")])  # four: still free
    with caplog.at_level(logging.WARNING, logger="minyi.accounts.throttle"):
        _fail(session, guard, "boss", 1)
    assert "account 'boss' locked for 60 s" in caplog.text
    with pytest.raises(Throttled) as info:
        guard.guard(session, [(ACCOUNT, " BOSS ")])  # the same key, however typed
    assert info.value.retry_after == 60
    assert info.value.minutes == 1
    assert info.value.status == 429
    clock.advance(seconds=59)
    with pytest.raises(Throttled) as info:
        guard.guard(session, [(ACCOUNT, "boss")])
    assert info.value.retry_after == 1
    clock.advance(seconds=1)
    guard.guard(session, [(ACCOUNT, "boss")])  # lifted by time


def test_each_new_lockout_doubles_until_quiet_for_a_day(session, guard, clock):
    for expected_minutes in (1, 2, 4):
        _fail(session, guard, "boss", 5)
        assert throttle.seconds_locked(session, [(ACCOUNT, "boss")], clock()) == expected_minutes * 60
        clock.advance(minutes=expected_minutes)
    clock.advance(days=1, seconds=1)
    _fail(session, guard, "boss", 5)
    assert throttle.seconds_locked(session, [(ACCOUNT, "boss")], clock()) == 60


def test_old_failures_are_forgotten_after_the_window(session, guard, clock):
    _fail(session, guard, "boss", 4)
    clock.advance(minutes=16)
    _fail(session, guard, "boss", 4)
    guard.guard(session, [(ACCOUNT, "boss")])
    row = session.get(LoginFailure, ("account", "boss"))
    assert row is not None
    assert row.failures == 4


def test_success_resets_the_account_but_not_the_address(session, guard, clock):
    factories.make_user(session, username="boss", role="admin", password="lantern-okra-58")
    session.commit()  # login ends the read transaction before verifying
    for _ in range(4):
        assert _login(session, guard, "boss", "wrong", "10.0.0.9") is None
    assert _login(session, guard, "boss", "lantern-okra-58", "10.0.0.9") is not None
    assert _login(session, guard, "nobody", "lantern-okra-58", "10.0.0.9") is None
    assert session.get(LoginFailure, ("account", "boss")) is None
    address = session.get(LoginFailure, ("login_address", "10.0.0.9"))
    assert address is not None
    assert address.failures == 5  # four for boss, one for nobody
    for _ in range(4):
        _login(session, guard, "boss", "wrong", "10.0.0.9")
    guard.guard(session, [(ACCOUNT, "boss")])  # 4 since the success: not locked


def test_a_locked_account_refuses_even_the_right_password_without_verifying(session, guard, monkeypatch):
    factories.make_user(session, username="boss", role="admin", password="lantern-okra-58")
    session.commit()  # login ends the read transaction before verifying
    for _ in range(5):
        _login(session, guard, "boss", "wrong", "10.0.0.9")
    verified: list[str] = []
    monkeypatch.setattr(services, "verify_password", lambda _h, p: verified.append(p) or True)
    with pytest.raises(Throttled):
        _login(session, guard, "boss", "lantern-okra-58", "10.0.0.10")
    assert verified == []  # no Argon2 work for a locked account


def test_an_address_is_locked_after_twenty_failures_on_many_accounts(session, guard, clock):
    for n in range(19):
        guard.failed(session, [(ACCOUNT, f"user{n}"), (ADDRESS, "10.0.0.7")])
    guard.guard(session, [(ADDRESS, "10.0.0.7")])
    guard.failed(session, [(ACCOUNT, "user19"), (ADDRESS, "10.0.0.7")])
    with pytest.raises(Throttled):
        guard.guard(session, [(ACCOUNT, "someone-else"), (ADDRESS, "10.0.0.7")])
    guard.guard(session, [(ACCOUNT, "someone-else"), (ADDRESS, "10.0.0.8")])
    clock.advance(minutes=1)
    guard.guard(session, [(ADDRESS, "10.0.0.7")])


def test_list_and_lift_lockouts(session, guard, clock):
    _fail(session, guard, "boss", 5, address="10.0.0.1")
    _fail(session, guard, "road", 3, address="10.0.0.1")
    locked = throttle.list_lockouts(session, clock())
    assert [(lock.kind, lock.key) for lock in locked] == [("account", "boss")]
    assert locked[0].locked_until == T0 + timedelta(minutes=1)
    assert throttle.lift(session, "account", "boss")
    assert not throttle.lift(session, "account", "boss")
    assert not throttle.lift(session, "nonsense", "boss")
    assert throttle.list_lockouts(session, clock()) == []
    guard.guard(session, [(ACCOUNT, "boss")])


def test_quiet_keys_are_purged(session, guard, clock):
    _fail(session, guard, "boss", 2)
    clock.advance(days=2)
    _fail(session, guard, "road", 1, address="10.0.0.2")
    assert session.get(LoginFailure, ("account", "boss")) is None
    assert session.get(LoginFailure, ("account", "road")) is not None


def test_the_verification_gate_refuses_beyond_its_slots():
    guard = Throttle(max_verifications=2)
    with guard.verification(), guard.verification():
        with pytest.raises(Throttled) as info, guard.verification():
            pass  # pragma: no cover - never entered
        assert info.value.busy
        assert info.value.retry_after == 1
    with guard.verification():
        pass  # the slots are free again


def test_the_gate_holds_across_threads():
    guard = Throttle(max_verifications=1)
    inside, release = threading.Event(), threading.Event()

    def hold() -> None:
        with guard.verification():
            inside.set()
            release.wait(5)

    worker = threading.Thread(target=hold)
    worker.start()
    assert inside.wait(5)
    with pytest.raises(Throttled):
        guard.verification().__enter__()
    release.set()
    worker.join()


def test_tracking_secrets_are_throttled_per_code_and_address(session, guard, clock):
    """A guesser locks the code for its own address only; its author tracks on (probes 6-7)."""
    accepted = intake.accept(session, factories.make_message_in(), channel="web", key="k1")
    code, secret = accepted.message.tracking_code, accepted.tracking_secret
    for _ in range(5):
        assert tracking.track(session, guard, code, "WRONG-SECRET", "10.0.0.3") is None
    with pytest.raises(Throttled):
        tracking.track(session, guard, code.lower(), secret, "10.0.0.3")
    assert tracking.track(session, guard, code, secret, "10.0.0.4") is accepted.message  # the author
    assert tracking.author_secret_ok(session, guard, accepted.message, secret, "10.0.0.4")
    clock.advance(minutes=1)
    assert tracking.track(session, guard, code, secret, "10.0.0.3") is accepted.message
    assert session.get(LoginFailure, ("tracking_code", f"{code}@10.0.0.3".casefold())) is None
    assert not tracking.author_secret_ok(session, guard, accepted.message, "nope", "10.0.0.4")
    assert tracking.author_secret_ok(session, guard, accepted.message, secret, "10.0.0.4")


def test_a_code_guessed_from_many_addresses_is_locked_for_all(session, guard, clock):
    accepted = intake.accept(session, factories.make_message_in(), channel="web", key="k1")
    code, secret = accepted.message.tracking_code, accepted.tracking_secret
    for n in range(50):  # four from each of 13 addresses: no address reaches its own five
        assert tracking.track(session, guard, code, "WRONG-SECRET", f"10.0.1.{n // 4}") is None
    with pytest.raises(Throttled):
        tracking.track(session, guard, code, secret, "10.0.0.9")
    clock.advance(minutes=2)
    assert tracking.track(session, guard, code, secret, "10.0.0.9") is accepted.message


def test_configured_limits(session, clock):
    guard = Throttle.configured(
        account_failures=2,
        address_failures=3,
        lock=timedelta(minutes=5),
        max_lock=timedelta(minutes=1),  # never below the first lock
        max_verifications=1,
        clock=clock,
    )
    assert guard.limits[ThrottleKind.TRACKING_CODE].failures == 2
    assert guard.limits[ThrottleKind.TRACKING_ADDRESS].failures == 3
    _fail(session, guard, "boss", 2)
    assert throttle.seconds_locked(session, [(ACCOUNT, "boss")], clock()) == 300


def test_attempt_guards_verifies_in_a_slot_and_counts(session, guard, clock):
    keys = [(ACCOUNT, "boss"), (ADDRESS, "10.0.0.5")]
    for _ in range(4):
        assert not guard.attempt(session, keys, lambda: False)
    assert guard.attempt(session, keys, lambda: True)
    assert session.get(LoginFailure, ("account", "boss")) is None
    for _ in range(5):
        guard.attempt(session, keys, lambda: False)
    calls: list[int] = []
    with pytest.raises(Throttled):
        guard.attempt(session, keys, lambda: calls.append(1) or True)
    assert calls == []
