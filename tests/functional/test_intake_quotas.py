"""Caps on submitted messages counted in the database: shared by server processes, per key for integrators.

Two applications on one database stand for two server processes (``minyi serve --workers 2``).
"""

from __future__ import annotations

import time
from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from tests.functional.conftest import csrf_of

from minyi.accounts import client_keys, quotas
from minyi.accounts.quotas import QuotaWindow
from minyi.accounts.throttle import Throttled
from minyi.intake.models import Message
from minyi.server.app import create_app

MESSAGE = {"title": "路灯不亮", "body": "人民路路灯不亮，请尽快修理。"}
ZH = {"Accept-Language": "zh-CN"}
HOUR = 3600.0 * 500_000  # the start of a clock hour (2027)


@pytest.fixture
def pair(settings, database) -> Iterator[tuple[TestClient, TestClient]]:
    """Two applications (two "processes") on one database, caps of 2 an hour, 3 for a key."""
    capped = settings.model_copy(
        update={"submit_per_address": 2, "api_submit_per_address": 2, "api_key_per_hour": 3}
    )
    with TestClient(create_app(capped, database)) as one, TestClient(create_app(capped, database)) as two:
        yield one, two


def _key(database, name: str = "12345 呼叫中心") -> str:
    with database.transaction() as session:
        return client_keys.create_key(session, name)


def test_two_processes_share_the_api_cap_per_address(pair, database):
    one, two = pair
    assert one.post("/api/v1/messages", json=MESSAGE).status_code == 201
    assert two.post("/api/v1/messages", json=MESSAGE).status_code == 201
    refused = one.post("/api/v1/messages", json=MESSAGE)
    assert refused.status_code == 429
    assert 0 < int(refused.headers["Retry-After"]) <= 3600
    body = refused.json()
    assert body["error"] == "too_many_messages"
    assert "at most 2 an hour" in body["message"]
    assert body["retry_after"] == int(refused.headers["Retry-After"])
    chinese = two.post("/api/v1/messages", json=MESSAGE, headers=ZH)
    assert chinese.status_code == 429
    assert "每小时最多提交 2 条留言" in chinese.json()["message"]
    with database.transaction() as session:
        assert session.scalar(select(QuotaWindow.messages).where(QuotaWindow.kind == quotas.API)) == 2
        assert session.scalar(select(Message.id).where(Message.source != "").limit(1)) is None


def test_two_processes_share_the_portal_cap(pair):
    one, two = pair
    for client in (one, two):
        page = client.get("/")
        sent = client.post(
            "/submit", data={**MESSAGE, "csrf_token": csrf_of(page.text)}, follow_redirects=False
        )
        assert sent.status_code == 303, sent.text
    page = one.get("/")
    refused = one.post("/submit", data={**MESSAGE, "csrf_token": csrf_of(page.text)})
    assert refused.status_code == 429
    assert int(refused.headers["Retry-After"]) > 0
    assert "人民路路灯不亮" in refused.text  # the form keeps what was written
    assert one.post("/api/v1/messages", json=MESSAGE).status_code == 201  # the API counts apart


def test_a_key_has_its_own_limit_and_names_its_integrator(pair, database):
    one, two = pair
    key = _key(database)
    for client in (one, two, one):  # 3 > the address cap of 2: the key's own cap counts
        sent = client.post("/api/v1/messages", json=MESSAGE, headers={"X-Api-Key": key})
        assert sent.status_code == 201, sent.text
    refused = two.post("/api/v1/messages", json=MESSAGE, headers={"X-Api-Key": key, **ZH})
    assert refused.status_code == 429
    assert "该接口密钥每小时最多提交 3 条留言" in refused.json()["message"]
    english = one.post("/api/v1/messages", json=MESSAGE, headers={"X-Api-Key": key})
    assert "too many messages with this key: at most 3 an hour" in english.json()["message"]
    assert (
        one.post("/api/v1/messages", json=MESSAGE).status_code == 201
    )  # the address's own count is untouched
    with database.transaction() as session:
        sources = session.scalars(select(Message.source).where(Message.source != "")).all()
        assert sources == ["12345 呼叫中心"] * 3
        [issued] = client_keys.list_keys(session)
        assert quotas.key_counts(session, hours=24) == {issued.id: 3}
        assert issued.last_used_at is not None


def test_a_revoked_key_is_refused_in_both_languages(client, database):
    key = _key(database)
    assert client.post("/api/v1/messages", json=MESSAGE, headers={"X-Api-Key": key}).status_code == 201
    with database.transaction() as session:
        client_keys.revoke_key(session, "12345 呼叫中心")
    english = client.post("/api/v1/messages", json=MESSAGE, headers={"X-Api-Key": key})
    assert english.status_code == 403
    assert english.json()["error"] == "revoked_api_key"
    assert english.json()["message"] == "X-Api-Key: this key was revoked; ask the operator for a new one"
    chinese = client.post("/api/v1/messages", json=MESSAGE, headers={"X-Api-Key": key, **ZH})
    assert chinese.status_code == 403
    assert "该接口密钥已被吊销" in chinese.json()["message"]
    unknown = client.post("/api/v1/messages", json=MESSAGE, headers={"X-Api-Key": "o311_" + "A" * 43})
    assert unknown.status_code == 401
    assert unknown.json()["field"] == "X-Api-Key"


@pytest.mark.parametrize(
    "sent", ["secret", "", "o311_short", "Bearer o311_" + "a" * 43, "o311_" + "a" * 42 + "!"]
)
def test_a_malformed_key_is_refused_naming_the_header(client, sent):
    english = client.post("/api/v1/messages", json=MESSAGE, headers={"X-Api-Key": sent})
    assert english.status_code == 401
    assert english.json()["field"] == "X-Api-Key"
    assert english.json()["message"].startswith("X-Api-Key: not a client key (it starts with o311_")
    chinese = client.post("/api/v1/messages", json=MESSAGE, headers={"X-Api-Key": sent, **ZH})
    assert chinese.json()["message"].startswith("X-Api-Key 不是有效的接口密钥")


def test_addresses_are_stored_hashed_and_only_for_their_hour(session):
    address = "203.0.113.7"
    subject = quotas.address_subject("s" * 40, address)
    quotas.take(session, quotas.API, subject, 5, now=HOUR + 10)
    quotas.take(session, quotas.KEY, "key-id", 5, now=HOUR + 10)
    rows = session.scalars(select(QuotaWindow)).all()
    assert all(address not in row.subject for row in rows)
    assert {row.subject for row in rows} == {subject, "key-id"}
    counted = quotas.take(session, quotas.PORTAL, subject, 5, now=HOUR + 3600 + 1)  # the next hour
    assert counted.first_of_hour
    kept = {(row.kind, row.hour) for row in session.scalars(select(QuotaWindow))}
    assert kept == {(quotas.PORTAL, 500_001), (quotas.KEY, 500_000)}  # a key's hourly counts stay


def test_a_refused_message_is_not_counted(session):
    for _ in range(2):
        quotas.take(session, quotas.API, "a", 2, now=HOUR + 1000)
    with pytest.raises(Throttled) as refused:
        quotas.take(session, quotas.API, "a", 2, now=HOUR + 1000)
    assert refused.value.retry_after == 2600
    assert session.scalar(select(QuotaWindow.messages)) == 2
    assert quotas.take(session, quotas.API, "a", 3, now=HOUR + 1000).messages == 3  # a raised cap counts on


def test_no_cap_when_set_to_zero(settings, database):
    free = settings.model_copy(update={"api_submit_per_address": 0})
    with TestClient(create_app(free, database)) as client:
        for _ in range(3):
            assert client.post("/api/v1/messages", json=MESSAGE).status_code == 201
    with database.transaction() as session:
        assert session.scalar(select(QuotaWindow.messages)) is None  # nothing stored at all


def test_key_list_shows_each_keys_messages_in_24_hours(tmp_path, monkeypatch):
    from click.testing import CliRunner
    from tests.functional.conftest import cli_database

    from minyi.cli.main import cli

    with cli_database(tmp_path, monkeypatch, "minyi_test_keys_cli") as database:
        runner = CliRunner()
        key = runner.invoke(cli, ["open311", "key", "create", "市12345热线"]).output.strip()
        caps = quotas.ApiCaps(per_address=60, per_key=0)  # no cap: still counted
        allowances = quotas.KeyAllowances()  # blocks of 1, 2: 3 messages counted for 3 sent
        with database.transaction() as session:
            for _ in range(3):
                source = quotas.admit_api(
                    session,
                    caps,
                    allowances,
                    key=key,
                    address="10.0.0.9",
                    secret="s" * 40,
                    now=time.time(),
                    field="X-Api-Key",
                )
                assert source == "市12345热线"
        listed = runner.invoke(cli, ["open311", "key", "list"])
        assert listed.exit_code == 0, listed.output
        assert "市12345热线" in listed.output
        assert "3 messages in 24 h" in listed.output
        assert key not in listed.output


def _admit(session, allowances, key: str, cap: int, now: float) -> str:
    caps = quotas.ApiCaps(per_address=60, per_key=cap)
    return quotas.admit_api(
        session, caps, allowances, key=key, address="10.0.0.9", secret="s" * 40, now=now, field="X-Api-Key"
    )


def _key_count(session) -> int:
    return int(session.scalar(select(QuotaWindow.messages).where(QuotaWindow.kind == quotas.KEY)) or 0)


def test_a_busy_key_takes_blocks_and_never_passes_its_cap(session):
    key = client_keys.create_key(session, "busy")
    one, two = quotas.KeyAllowances(), quotas.KeyAllowances()  # two server processes
    sent = 0
    for n in range(2000):
        try:
            _admit(session, one if n % 3 else two, key, 1000, HOUR + 10)
        except Throttled:
            break
        sent += 1
    assert 900 < sent <= 1000  # blocks held unused by the other process are not sent
    assert _key_count(session) == 1000
    with pytest.raises(Throttled):
        _admit(session, quotas.KeyAllowances(), key, 1000, HOUR + 11)


def test_unused_messages_of_a_block_are_given_back(session):
    key = client_keys.create_key(session, "quiet")
    allowances = quotas.KeyAllowances()
    _admit(session, allowances, key, 1000, HOUR + 10)  # takes 1
    _admit(session, allowances, key, 1000, HOUR + 10)  # takes 2, uses 1
    assert _key_count(session) == 3
    _admit(session, allowances, key, 1000, HOUR + 20)  # the block expired: 1 given back, 1 taken
    assert _key_count(session) == 3  # three messages sent, three counted


def test_a_revoked_key_is_refused_within_the_allowance_time(session):
    key = client_keys.create_key(session, "revoked-soon")
    allowances = quotas.KeyAllowances()
    for _ in range(2):  # the second takes a block of 2: one message left in this process
        _admit(session, allowances, key, 1000, HOUR + 10)
    client_keys.revoke_key(session, "revoked-soon")
    assert _admit(session, allowances, key, 1000, HOUR + 11) == "revoked-soon"  # held in this process
    with pytest.raises(client_keys.KeyRevoked):
        _admit(session, allowances, key, 1000, HOUR + 10 + quotas.ALLOWANCE_SECONDS)
