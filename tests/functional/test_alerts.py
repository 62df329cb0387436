"""Alerts end to end: the API and the staff page by role, keyword alerts from intake delivered
to a real SMTP server and a real webhook receiver (HMAC checked), cool-down, bursts, the CLI."""

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
from sqlalchemy import func, select, update
from tests.functional.conftest import bearer, cli_database, csrf_of, login

from minyi.alerts import rules, services
from minyi.alerts.models import Alert, AlertRule
from minyi.cli.main import cli
from minyi.db.base import utcnow
from minyi.demo import factories
from minyi.notify.models import OutboxMessage
from minyi.notify.senders import SmtpSender, WebhookSender
from minyi.notify.worker import deliver_due

HOOK_SECRET = "alert-webhook-secret"
REGION = "A市A5区"
GAS = {
    "title": "楼道燃气泄漏",
    "body": "我是李四，电话13987654321，A5区幸福小区3栋楼道燃气泄漏，气味很重，请马上派人！",
    "region": REGION,
    "contact": {"name": "李四", "phone": "13987654321", "email": "lisi@example.org"},
}


# --- a real SMTP server and a real webhook receiver ------------------------------------


class Collector:
    """An aiosmtpd handler that keeps every message it receives."""

    def __init__(self) -> None:
        self.received: list[tuple[list[str], email.message.EmailMessage]] = []

    async def handle_DATA(self, _server, _session, envelope) -> str:  # noqa: N802 - aiosmtpd's hook name
        self.received.append(
            (list(envelope.rcpt_tos), email.message_from_bytes(envelope.content, policy=policy.default))
        )
        return "250 Message accepted for delivery"


@pytest.fixture
def smtp() -> Iterator[tuple[Collector, int]]:
    collector = Collector()
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = int(sock.getsockname()[1])
    controller = Controller(collector, hostname="127.0.0.1", port=port)
    controller.start()
    yield collector, port
    controller.stop()


@dataclass
class Receiver:
    """What the webhook receiver accepted: only posts whose HMAC signature verifies."""

    url: str
    accepted: list[dict[str, Any]] = field(default_factory=list)
    rejected: int = 0


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    state = Receiver(url="")

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers["Content-Length"]))
            expected = "sha256=" + hmac.new(HOOK_SECRET.encode(), body, hashlib.sha256).hexdigest()
            good = hmac.compare_digest(self.headers.get("X-Minyi-Signature", ""), expected)
            if good:
                state.accepted.append(json.loads(body))
            else:
                state.rejected += 1
            self.send_response(204 if good else 401)
            self.send_header("Content-Length", "0")
            self.end_headers()

        def log_message(self, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    state.url = f"http://127.0.0.1:{server.server_address[1]}/alerts"
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    yield state
    server.shutdown()
    server.server_close()


def count(session, model) -> int:
    return int(session.scalar(select(func.count()).select_from(model)))


@pytest.fixture
def watched(session, world, receiver) -> AlertRule:
    """The default rules off; one keyword rule delivering to the receiver and an inbox."""
    session.execute(update(AlertRule).values(enabled=False))
    rule = rules.create_rule(
        session,
        name="燃气",
        kind="keyword",
        scope="region",
        params={"keywords": ["燃气泄漏", "火灾"]},
        webhook_urls=[receiver.url],
        emails=["duty@example.gov.cn"],
    )
    session.commit()
    return rule


# --- end to end ------------------------------------------------------------------------


def test_a_gas_leak_message_reaches_the_duty_inbox_and_the_webhook(
    client, session, database, watched, smtp, receiver
):
    collector, port = smtp
    created = client.post("/api/v1/messages", json=GAS)
    assert created.status_code == 201, created.text
    message_id = created.json()["id"]

    [alert] = session.scalars(select(Alert).where(Alert.rule_id == watched.id)).all()
    assert alert.label == f"{REGION} · 燃气泄漏"
    assert alert.message_ids == [message_id]
    items = session.scalars(
        select(OutboxMessage).where(OutboxMessage.dedupe_key.like(f"alert:{alert.id}:%"))
    ).all()
    assert sorted(i.channel for i in items) == ["email", "webhook"]

    senders = {
        "email": SmtpSender("127.0.0.1", port, mail_from="12345@example.gov.cn", timeout=5),
        "webhook": WebhookSender("", secret=HOOK_SECRET),
    }
    report = deliver_due(database, senders)
    assert (report.sent, report.failed) == (2, 0), report.errors

    [(recipients, mail)] = collector.received
    assert recipients == ["duty@example.gov.cn"]
    assert "燃气泄漏" in mail["Subject"]
    text = mail.get_content()
    assert "13987654321" not in text
    assert "139****4321" in text
    assert "李四" not in text
    assert "lisi@example.org" not in text

    assert receiver.rejected == 0
    [posted] = receiver.accepted
    assert posted["payload"]["alert_id"] == alert.id
    assert posted["payload"]["measured"]["keyword"] == "燃气泄漏"
    raw = json.dumps(posted, ensure_ascii=False)
    for private in ("13987654321", "李四", "lisi@example.org"):
        assert private not in raw


def test_a_second_message_in_the_cool_down_is_counted_not_sent_again(client, session, watched):
    assert client.post("/api/v1/messages", json=GAS).status_code == 201
    outbox = count(session, OutboxMessage)
    again = {**GAS, "title": "燃气泄漏还没人管", "contact": None}
    assert client.post("/api/v1/messages", json=again).status_code == 201
    [alert] = session.scalars(select(Alert).where(Alert.rule_id == watched.id)).all()
    session.refresh(alert)
    assert alert.repeat_count == 1
    assert len(alert.message_ids) == 2
    assert count(session, OutboxMessage) == outbox


def test_a_burst_of_messages_in_one_hour_raises_one_alert(client, session, world, settings):
    session.execute(update(AlertRule).values(enabled=False))
    rule = rules.create_rule(
        session, name="区域突增", kind="burst", scope="region", params={"ratio": 3, "min_count": 6}
    )
    session.commit()
    for n in range(7):
        body = {
            "title": f"道路积水{n}",
            "body": f"B8区中山路积水严重，车辆无法通行（{n}）",
            "region": "A市B8区",
        }
        assert client.post("/api/v1/messages", json=body).status_code == 201
    fired = services.check(session, utcnow() + timedelta(seconds=1), settings=settings)
    assert [(a.rule_id, a.scope_key, a.measured["recent"]) for a in fired] == [(rule.id, "A市B8区", 7)]
    again = services.check(session, utcnow() + timedelta(minutes=5), settings=settings)
    assert [a.id for a in again] == [fired[0].id]
    assert count(session, Alert) == 1


# --- the API, by role ------------------------------------------------------------------


@pytest.fixture
def alert(session, world, settings) -> Alert:
    rule = rules.create_rule(session, name="测试突增", kind="burst", scope="region")
    hit = services.Hit(scope_key=REGION, label=REGION, measured={"recent": 9, "baseline": 1.0, "ratio": 9.0})
    stored = services.fire(session, rule, hit, utcnow(), settings)
    session.commit()
    return stored


def test_every_staff_token_lists_alerts(client, session, world, alert):
    assert client.get("/api/v1/alerts").status_code == 401
    answer = client.get("/api/v1/alerts", headers=bearer(session, world.road_staff))
    assert answer.status_code == 200
    body = answer.json()
    assert body["total"] == 1
    assert body["alerts"][0]["label"] == REGION
    assert body["alerts"][0]["measured"]["recent"] == 9
    assert (
        client.get("/api/v1/alerts?status=acknowledged", headers=bearer(session, world.admin)).json()["total"]
        == 0
    )
    bad = client.get("/api/v1/alerts?status=closed", headers=bearer(session, world.admin))
    assert bad.status_code == 422
    assert bad.json()["fields"][0]["field"] == "status"


def test_acknowledging_needs_a_dispatching_or_supervising_role(client, session, world, alert):
    path = f"/api/v1/alerts/{alert.id}/acknowledge"
    assert client.post(path, headers=bearer(session, world.road_staff)).status_code == 403
    done = client.post(path, headers=bearer(session, world.supervisor))
    assert done.status_code == 200
    assert (done.json()["status"], done.json()["acknowledged_by"]) == ("acknowledged", "sup")
    assert client.post(path, headers=bearer(session, world.dispatcher)).status_code == 409
    assert (
        client.post("/api/v1/alerts/nope/acknowledge", headers=bearer(session, world.admin)).status_code
        == 404
    )


def test_admins_list_add_and_switch_rules(client, session, world):
    assert client.get("/api/v1/alerts/rules", headers=bearer(session, world.supervisor)).status_code == 403
    admin = bearer(session, world.admin)
    names = {rule["name"] for rule in client.get("/api/v1/alerts/rules", headers=admin).json()}
    assert "紧急情况关键词" in names
    bad = client.post(
        "/api/v1/alerts/rules", headers=admin, json={"name": "x", "kind": "burst", "params": {"ratio": 0}}
    )
    assert bad.status_code == 422
    assert bad.json()["fields"] == [{"field": "params.ratio", "message": "Input should be greater than 1"}]
    unknown = client.post("/api/v1/alerts/rules", headers=admin, json={"name": "x", "kind": "panic"})
    assert unknown.status_code == 422
    assert unknown.json()["fields"][0]["field"] == "kind"
    created = client.post(
        "/api/v1/alerts/rules",
        headers=admin,
        json={
            "name": "塌方",
            "kind": "keyword",
            "params": {"keywords": ["塌方"]},
            "emails": ["a@example.org"],
        },
    )
    assert created.status_code == 201, created.text
    rule_id = created.json()["id"]
    switched = client.post(f"/api/v1/alerts/rules/{rule_id}/enabled", headers=admin, json={"enabled": False})
    assert switched.json()["enabled"] is False
    assert (
        client.post("/api/v1/alerts/rules/nope/enabled", headers=admin, json={"enabled": True}).status_code
        == 404
    )


# --- the staff page --------------------------------------------------------------------


def test_the_staff_page_lists_alerts_and_acknowledges_with_csrf(client, session, world, alert):
    login(client, "sup")
    page = client.get("/staff/alerts")
    assert page.status_code == 200
    assert REGION in page.text
    assert f"/staff/alerts/{alert.id}/acknowledge" in page.text
    assert 'href="/staff/alerts"' in page.text  # the staff bar links here
    refused = client.post(f"/staff/alerts/{alert.id}/acknowledge", data={"csrf_token": "wrong"})
    assert refused.status_code == 400
    done = client.post(
        f"/staff/alerts/{alert.id}/acknowledge",
        data={"csrf_token": csrf_of(page.text)},
        follow_redirects=False,
    )
    assert done.status_code == 303
    session.refresh(alert)
    assert alert.status == "acknowledged"
    assert REGION not in client.get("/staff/alerts").text
    assert REGION in client.get("/staff/alerts?status=acknowledged").text
    assert "Alerts" in client.get("/staff/alerts?lang=en").text


def test_department_staff_see_alerts_but_neither_acknowledge_nor_rules(client, world, alert):
    login(client, "road")
    page = client.get("/staff/alerts")
    assert REGION in page.text
    assert "/acknowledge" not in page.text
    assert "/staff/alerts/rules/" not in page.text
    forbidden = client.post(f"/staff/alerts/{alert.id}/acknowledge", data={"csrf_token": csrf_of(page.text)})
    assert forbidden.status_code == 403


def test_admins_switch_rules_on_the_page(client, session, world):
    login(client, "boss")
    page = client.get("/staff/alerts")
    rule = session.scalar(select(AlertRule).where(AlertRule.name == "紧急情况关键词"))
    assert f"/staff/alerts/rules/{rule.id}/enabled" in page.text
    assert "燃气泄漏" in page.text
    done = client.post(
        f"/staff/alerts/rules/{rule.id}/enabled",
        data={"csrf_token": csrf_of(page.text)},
        follow_redirects=False,
    )
    assert done.status_code == 303
    session.refresh(rule)
    assert rule.enabled is False


def test_the_page_needs_a_login(client):
    assert client.get("/staff/alerts", follow_redirects=False).status_code == 303


# --- the command line ------------------------------------------------------------------


@pytest.fixture
def cli_env(tmp_path, monkeypatch):
    with cli_database(tmp_path, monkeypatch, "minyi_test_alerts_cli") as database:
        yield database


def run(*args: str):
    return CliRunner().invoke(cli, list(args), catch_exceptions=False)


def test_alert_commands(cli_env):
    assert "[on ] 紧急情况关键词 (keyword/region, 60 min)" in run("alerts", "rules").output
    bad = CliRunner().invoke(cli, ["alerts", "add-rule", "x", "--kind", "burst", "--param", "ratio=0"])
    assert bad.exit_code != 0
    assert "params.ratio" in bad.output
    added = run(
        "alerts",
        "add-rule",
        "全市突增",
        "--kind",
        "burst",
        "--param",
        "min_count=3",
        "--email",
        "a@example.org",
    )
    assert "rule '全市突增' added (burst/all)" in added.output
    assert "rule '类别24小时趋势' disabled" in run("alerts", "disable", "类别24小时趋势").output
    assert CliRunner().invoke(cli, ["alerts", "enable", "nope"]).exit_code != 0
    with cli_env.transaction() as session:
        for n in range(4):
            factories.make_message(session, process=False, title=f"停水{n}", body="全市停水")
    first = run("alerts", "check")
    assert "1 new alerts, 0 repeated" in first.output
    assert "全市突增: 全部留言" in first.output
    again = json.loads(run("alerts", "check", "--json").output)
    assert (again["new"], again["repeated"]) == (0, 1)
    listed = json.loads(run("alerts", "list", "--json").output)
    assert listed["total"] == 1
    assert listed["alerts"][0]["repeat_count"] == 0  # seen again with the same counts: nothing new
    assert "1 alerts (all)" in run("alerts", "list", "--status", "all", "--limit", "5").output
    rules_json = json.loads(run("alerts", "rules", "--json").output)
    assert {r["name"] for r in rules_json} >= {"全市突增", "紧急情况关键词"}
