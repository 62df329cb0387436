"""The outbox end to end: a real SMTP server, a real HTTP server, failures, retries, the CLI."""

from __future__ import annotations

import email
import hashlib
import hmac
import json
import socket
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import timedelta
from email import policy
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest
from aiosmtpd.controller import Controller
from click.testing import CliRunner
from sqlalchemy import select
from tests.conftest import fresh_database_url
from tests.functional.conftest import cli_database

from minyi.cases import staff_notices
from minyi.cli.main import cli
from minyi.db.base import utcnow
from minyi.db.session import Database
from minyi.demo import factories
from minyi.notify import services
from minyi.notify.models import OutboxMessage
from minyi.notify.senders import SmsGatewayWebhook, SmtpSender, WebhookSender
from minyi.notify.worker import deliver_due
from minyi.schema import migrate

HOOK_SECRET = "webhook-secret-for-tests"


def free_port() -> int:
    """A port nothing listens on (so connecting to it is refused)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


# --- a real SMTP server ----------------------------------------------------------------


class Collector:
    """An aiosmtpd handler that keeps every message it receives."""

    def __init__(self) -> None:
        self.received: list[tuple[list[str], email.message.EmailMessage]] = []

    async def handle_DATA(self, _server, _session, envelope) -> str:  # noqa: N802 - aiosmtpd's hook name
        parsed = email.message_from_bytes(envelope.content, policy=policy.default)
        self.received.append((list(envelope.rcpt_tos), parsed))
        return "250 Message accepted for delivery"


@pytest.fixture
def smtp() -> Iterator[tuple[Collector, int]]:
    collector = Collector()
    port = free_port()
    controller = Controller(collector, hostname="127.0.0.1", port=port)
    controller.start()
    yield collector, port
    controller.stop()


def smtp_sender(port: int) -> SmtpSender:
    return SmtpSender("127.0.0.1", port, mail_from="12345@example.gov.cn", timeout=5)


# --- a real HTTP server ----------------------------------------------------------------


@dataclass
class Hook:
    """What the HTTP server received, and how it answers (``fail_when`` in the body → 500)."""

    url: str
    requests: list[tuple[dict[str, str], bytes]] = field(default_factory=list)
    statuses: list[int] = field(default_factory=list)
    fail_when: bytes | None = None


@pytest.fixture
def hook() -> Iterator[Hook]:
    state = Hook(url="")

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers["Content-Length"]))
            state.requests.append((dict(self.headers.items()), body))
            status = state.statuses.pop(0) if state.statuses else 200
            if state.fail_when is not None and state.fail_when in body:
                status = 500
            self.send_response(status)
            self.send_header("Content-Length", "0")
            self.end_headers()

        def log_message(self, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    state.url = f"http://127.0.0.1:{server.server_address[1]}/hook"
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    yield state
    server.shutdown()
    server.server_close()


def _item(session, channel="webhook", recipient="supervisors", body="正文", **fields) -> OutboxMessage:
    item = services.enqueue(
        session, channel=channel, recipient=recipient, subject="通知", body=body, **fields
    )
    assert item is not None
    return item


def _fresh(session, item: OutboxMessage) -> OutboxMessage:
    session.expire_all()
    return session.get(OutboxMessage, item.id)


# --- e-mail ----------------------------------------------------------------------------


def test_a_chinese_email_reaches_the_smtp_server(session, database, settings, smtp):
    collector, port = smtp
    message = factories.make_message(session, contact={"name": "张三", "email": "zhang@example.org"})
    item = services.notify_citizen(
        session,
        message,
        "您的留言已答复：路灯维修",
        "您好！您反映的路灯问题已修复。",
        f"reply:{message.id}",
        settings=settings,
    )
    session.commit()

    report = deliver_due(database, {"email": smtp_sender(port)})

    assert (report.sent, report.failed, report.dead) == (1, 0, 0)
    [(recipients, mail)] = collector.received
    assert recipients == ["zhang@example.org"]
    assert mail["Subject"] == "您的留言已答复：路灯维修"
    assert mail["To"] == "zhang@example.org"
    assert mail["X-Minyi-Outbox-Id"] == item.id
    text = mail.get_content()
    assert "您反映的路灯问题已修复" in text
    assert message.tracking_code in text
    stored = _fresh(session, item)
    assert (stored.status, stored.attempts, stored.last_error) == ("sent", 1, None)
    assert stored.sent_at is not None
    assert deliver_due(database, {"email": smtp_sender(port)}).attempted == 0


def test_an_unreachable_smtp_server_fails_and_is_retried_later(session, database, smtp):
    collector, port = smtp
    item = _item(session, channel="email", recipient="a@example.org")
    session.commit()
    now = utcnow()

    report = deliver_due(database, {"email": smtp_sender(free_port())}, now=now)

    stored = _fresh(session, item)
    assert (report.failed, stored.status, stored.attempts) == (1, "failed", 1)
    assert stored.next_attempt_at > now
    assert stored.last_error
    assert deliver_due(database, {"email": smtp_sender(port)}, now=now).attempted == 0  # not due yet

    later = stored.next_attempt_at + timedelta(seconds=1)
    report = deliver_due(database, {"email": smtp_sender(port)}, now=later)

    stored = _fresh(session, item)
    assert (report.sent, stored.status, stored.attempts, stored.sent_at) == (1, "sent", 2, later)
    assert len(collector.received) == 1


# --- webhooks --------------------------------------------------------------------------


def test_the_webhook_carries_a_verifiable_signature(session, database, settings, hook):
    settings.webhook_url = hook.url
    case = factories.make_case(session)
    [item] = staff_notices.notify_supervisors(
        session, case, "案件超期提醒", "该案件已超过办理期限。", "overdue:1", settings=settings
    )
    session.commit()

    report = deliver_due(database, {"webhook": WebhookSender(hook.url, secret=HOOK_SECRET)})

    assert report.sent == 1
    [(headers, body)] = hook.requests
    expected = "sha256=" + hmac.new(HOOK_SECRET.encode(), body, hashlib.sha256).hexdigest()
    assert hmac.compare_digest(headers["X-Minyi-Signature"], expected)
    assert headers["X-Minyi-Delivery"] == item.id
    document = json.loads(body)
    assert document["subject"] == "案件超期提醒"
    assert case.number in document["body"]
    assert document["payload"]["case_number"] == case.number
    assert document["case_id"] == case.id


def test_the_sms_gateway_receives_to_and_text(session, database, settings, hook):
    message = factories.make_message(session, contact={"phone": "13900001111"})
    services.notify_citizen(session, message, "留言已受理", "您的留言已受理。", "ack:1", settings=settings)
    session.commit()

    deliver_due(database, {"sms": SmsGatewayWebhook(hook.url, secret=HOOK_SECRET)})

    [(headers, body)] = hook.requests
    document = json.loads(body)
    assert document["to"] == "13900001111"
    assert document["text"].startswith("您的留言已受理。")
    assert message.tracking_code in document["text"]
    assert headers["X-Minyi-Signature"].startswith("sha256=")


def test_a_500_fails_then_a_later_run_succeeds(session, database, hook):
    item = _item(session)
    session.commit()
    hook.statuses = [500]
    now = utcnow()
    sender = {"webhook": WebhookSender(hook.url)}

    deliver_due(database, sender, now=now)
    stored = _fresh(session, item)
    assert (stored.status, stored.attempts) == ("failed", 1)
    assert "HTTP 500" in stored.last_error
    assert now + timedelta(seconds=20) <= stored.next_attempt_at <= now + timedelta(seconds=40)

    deliver_due(database, sender, now=stored.next_attempt_at)
    assert _fresh(session, item).status == "sent"
    assert len(hook.requests) == 2


def test_an_item_is_dead_after_max_attempts_and_can_be_queued_again(session, database, hook):
    item = _item(session)
    session.commit()
    sender = {"webhook": WebhookSender(f"http://127.0.0.1:{free_port()}/none")}
    now = utcnow()
    for attempt in range(1, 4):
        report = deliver_due(database, sender, now=now, max_attempts=3)
        stored = _fresh(session, item)
        assert stored.attempts == attempt
        now = stored.next_attempt_at
    assert (report.dead, stored.status) == (1, "dead")
    assert deliver_due(database, sender, now=now + timedelta(days=1), max_attempts=3).attempted == 0

    assert services.retry_dead(session) == 1
    session.commit()
    deliver_due(database, {"webhook": WebhookSender(hook.url)})
    assert _fresh(session, item).status == "sent"


def test_one_failure_neither_blocks_nor_rolls_back_the_others(session, database, hook):
    first = _item(session, body="第一条")
    broken = _item(session, body="FAIL 第二条")
    third = _item(session, body="第三条")
    session.commit()
    hook.fail_when = b"FAIL"

    report = deliver_due(database, {"webhook": WebhookSender(hook.url)})

    assert (report.sent, report.failed) == (2, 1)
    statuses = {i.id: _fresh(session, i).status for i in (first, broken, third)}
    assert statuses == {first.id: "sent", broken.id: "failed", third.id: "sent"}


def test_a_crash_mid_send_keeps_earlier_sends_and_leaves_the_item_due(session, database):
    first = _item(session, body="一")
    second = _item(session, body="二")
    session.commit()

    class Crashing:
        def __init__(self) -> None:
            self.calls = 0

        def send(self, _item: OutboxMessage) -> None:
            self.calls += 1
            if self.calls == 2:
                raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        deliver_due(database, {"webhook": Crashing()})

    assert _fresh(session, first).status == "sent"
    crashed = _fresh(session, second)
    assert (crashed.status, crashed.attempts) == ("pending", 0)


def test_items_of_channels_without_a_sender_wait(session, database, hook):
    item = _item(session, channel="sms", recipient="13900001111")
    session.commit()
    assert deliver_due(database, {"webhook": WebhookSender(hook.url)}).attempted == 0
    assert _fresh(session, item).status == "pending"


def test_the_outbox_is_written_in_the_callers_transaction(session):
    item = _item(session)
    session.rollback()
    assert session.scalar(select(OutboxMessage).where(OutboxMessage.id == item.id)) is None


# --- the command line ------------------------------------------------------------------


@pytest.fixture
def cli_env(tmp_path, monkeypatch, hook):
    with cli_database(
        tmp_path,
        monkeypatch,
        "minyi_test_notify_cli",
        MINYI_WEBHOOK_URL=hook.url,
        MINYI_WEBHOOK_SECRET=HOOK_SECRET,
    ) as database:
        yield database


def run(*args):
    return CliRunner().invoke(cli, list(args), catch_exceptions=False)


def test_notify_commands(cli_env, hook):
    with cli_env.transaction() as session:
        _item(session, body="好")
        _item(session, body="FAIL")
        dead = _item(session, channel="sms", recipient="13900001111")
        dead.status, dead.attempts = "dead", 8
    hook.fail_when = b"FAIL"

    result = run("notify", "run", "--once", "--max-attempts", "1")
    assert result.exit_code == 0, result.output
    assert "sent 1, failed 0 (will retry), dead 1" in result.output
    assert len(hook.requests) == 2

    status = run("notify", "status")
    assert "sent     1" in status.output
    assert "dead     2" in status.output
    assert "oldest waiting since: -" in status.output

    assert "queued 2 dead notifications again" in run("notify", "retry-dead").output
    assert "pending  2" in run("notify", "status").output


# --- several workers on PostgreSQL ------------------------------------------------------


def test_parallel_workers_on_postgresql_send_each_item_once(tmp_path):
    url = fresh_database_url(tmp_path, "minyi_test_notify_workers")
    if not url.startswith("postgresql"):
        pytest.skip("row locks (FOR UPDATE SKIP LOCKED) need PostgreSQL; run one worker on SQLite")
    database = Database(url)
    migrate.upgrade(database.engine)
    try:
        with database.transaction() as session:
            for number in range(20):
                _item(session, body=f"第{number}条")
        sent: list[str] = []
        lock = threading.Lock()

        class Slow:
            def send(self, item: OutboxMessage) -> None:
                threading.Event().wait(0.01)
                with lock:
                    sent.append(item.id)

        workers = [
            threading.Thread(target=deliver_due, args=(database, {"webhook": Slow()})) for _ in range(4)
        ]
        for worker in workers:
            worker.start()
        for worker in workers:
            worker.join()

        assert len(sent) == 20
        assert len(set(sent)) == 20
        with database.transaction() as session:
            assert services.summary(session).counts["sent"] == 20
    finally:
        database.engine.dispose()
