"""The thirteenth probe: the record — who did what, when (docs/security-probes.md).

A supervision office asks of the system who changed an account, a deadline rule, a
template, the model; of a case who erased or reopened it. Each test drives one way in
(page, API, command line) and reads the audit trail or the case history: one entry,
naming the actor, saying what changed. Before the probe most of these left nothing.
"""

from __future__ import annotations

import csv
import io
from datetime import timedelta

from click.testing import CliRunner
from sqlalchemy import select
from tests.functional.conftest import bearer, csrf_of, login

from minyi.accounts import throttle
from minyi.accounts.throttle import Limit, ThrottleKind
from minyi.audit import services as audit
from minyi.audit.models import AuditEvent
from minyi.cases import workflow
from minyi.cases.models import CaseEvent, DeadlineRuleRecord, EventAction
from minyi.db.base import utcnow
from minyi.demo import factories
from minyi.flows import erasure

PHONE = "13912345678"


def _events(session, action: str) -> list[AuditEvent]:
    session.expire_all()
    return list(session.scalars(select(AuditEvent).where(AuditEvent.action == action)))


def _one(session, action: str) -> AuditEvent:
    events = _events(session, action)
    assert len(events) == 1, [(e.actor, e.subject, e.details) for e in events]
    return events[0]


def _post(client, path: str, **data: str):
    token = csrf_of(client.get("/staff/admin").text)
    return client.post(path, data={**data, "csrf_token": token}, follow_redirects=False)


def test_the_admin_page_records_account_changes(client, session, world):
    login(client, "boss")
    assert _post(client, f"/staff/admin/users/{world.road_staff.id}/active").status_code == 303
    event = _one(session, audit.ACCOUNT_ACTIVE)
    assert (event.actor, event.actor_user_id, event.subject) == ("boss", world.admin.id, "road")
    assert event.details == {"active": False}
    assert event.address
    assert _post(client, f"/staff/admin/users/{world.school_staff.id}/sessions/end").status_code == 303
    assert _one(session, audit.SESSIONS_ENDED).subject == "school"
    throttle.record_failure(session, ThrottleKind.ACCOUNT, "sup", utcnow(), Limit(1, timedelta(hours=1)))
    session.commit()
    assert _post(client, "/staff/admin/lockouts/lift", kind="account", key="sup").status_code == 303
    lifted = _one(session, audit.LOCKOUT_LIFTED)
    assert (lifted.actor, lifted.subject, lifted.details) == ("boss", "sup", {"kind": "account"})


def test_the_admin_page_records_rules_templates_and_departments(client, session, world):
    login(client, "boss")
    added = _post(client, "/staff/admin/rules", appeal_kind="complaint", reply_working_days="5", note="投诉")
    assert added.status_code == 303
    rule_id = session.scalars(select(DeadlineRuleRecord.id)).one()
    event = _one(session, audit.RULE_ADDED)
    assert event.actor == "boss"
    assert event.details["appeal_kind"] == "complaint"
    assert event.details["reply_working_days"] == 5
    assert _post(client, f"/staff/admin/rules/{rule_id}/delete").status_code == 303
    removed = _one(session, audit.RULE_REMOVED)
    assert (removed.subject, removed.details["reply_working_days"]) == (rule_id, 5)  # what it said stays
    assert _post(client, "/staff/admin/templates", name="路灯答复", body="您好").status_code == 303
    assert _one(session, audit.TEMPLATE_ADDED).subject == "路灯答复"
    made = _post(client, "/staff/admin/departments", code="SWJ", name="水务局")
    assert made.status_code == 303
    assert (_one(session, audit.DEPARTMENT_CREATED).subject, "boss") == ("SWJ", "boss")


def test_a_password_change_is_recorded_without_the_password(client, session, world):
    login(client, "road")
    page = client.get("/staff/password")
    new = "a-long-unusual-passphrase-42"
    changed = client.post(
        "/staff/password",
        data={
            "current_password": "password123",
            "new_password": new,
            "confirm_password": new,
            "csrf_token": csrf_of(page.text),
        },
        follow_redirects=False,
    )
    assert changed.status_code == 303
    event = _one(session, audit.PASSWORD_CHANGED)
    assert (event.actor, event.subject, event.details["own"]) == ("road", "road", True)
    assert new not in str(event.details)


def test_the_admin_api_records_what_the_page_records(client, session, world):
    headers = bearer(session, world.admin)
    toggled = client.post(f"/api/v1/admin/users/{world.road_staff.id}/active", headers=headers)
    assert toggled.status_code == 200
    assert _one(session, audit.ACCOUNT_ACTIVE).actor == "boss"
    assert (
        client.delete(f"/api/v1/admin/users/{world.school_staff.id}/sessions", headers=headers).status_code
        == 200
    )
    assert _one(session, audit.SESSIONS_ENDED).subject == "school"
    rule = client.post("/api/v1/admin/deadline-rules", json={"reply_working_days": 7}, headers=headers)
    assert rule.status_code == 201
    assert (
        client.delete(f"/api/v1/admin/deadline-rules/{rule.json()['id']}", headers=headers).status_code == 204
    )
    assert _one(session, audit.RULE_ADDED).details["reply_working_days"] == 7
    assert _one(session, audit.RULE_REMOVED).actor == "boss"
    template = client.post("/api/v1/admin/templates", json={"name": "模板", "body": "您好"}, headers=headers)
    assert template.status_code == 201
    assert (
        client.delete(f"/api/v1/admin/templates/{template.json()['id']}", headers=headers).status_code == 204
    )
    assert _one(session, audit.TEMPLATE_REMOVED).subject == "模板"
    made = client.post("/api/v1/admin/departments", json={"code": "SWJ", "name": "水务局"}, headers=headers)
    assert made.status_code == 201
    assert _one(session, audit.DEPARTMENT_CREATED).subject == "SWJ"


def test_the_trail_is_a_csv_file_in_chinese_filtered_by_case(client, session, world):
    case = factories.make_case(session, category=world.road_category, title="路灯", body=f"电话{PHONE}")
    other = factories.make_case(session, category=world.road_category, title="路面", body=f"电话{PHONE}")
    session.commit()
    login(client, "boss")
    assert client.get(f"/staff/cases/{case.id}").status_code == 200
    assert client.get(f"/staff/cases/{other.id}").status_code == 200
    audit.record(session, audit.IMPORT, actor="=cmd|' /C calc'!A0", subject="=HYPERLINK()")
    session.commit()
    page = client.get("/staff/admin/audit", params={"subject": case.number})
    assert page.status_code == 200
    assert page.text.count('class="audit-event"') == 1
    assert "/staff/admin/audit.csv?" in page.text
    answer = client.get("/staff/admin/audit.csv", params={"subject": case.number})
    assert answer.status_code == 200
    assert answer.headers["content-type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(answer.content.decode("utf-8-sig"))))
    assert rows[0][:3] == ["时间（北京时间）", "操作人", "操作"]
    assert [row[1:4] for row in rows[1:]] == [["boss", "查看个人信息", case.number]]
    assert PHONE not in answer.text
    everything = client.get("/staff/admin/audit.csv").content.decode("utf-8-sig")
    assert "'=cmd" in everything  # never a formula
    assert "'=HYPERLINK()" in everything
    exported = _events(session, audit.AUDIT_EXPORTED)
    assert [(e.actor, e.subject, e.details["rows"]) for e in exported] == [
        ("boss", case.number, 1),
        ("boss", "", 4),
    ]


def test_the_trail_file_refuses_bad_filters_and_other_roles(client, session, world):
    login(client, "boss")
    bad = client.get("/staff/admin/audit.csv", params={"since": "2026-13-01"})
    assert bad.status_code == 422
    assert "YYYY-MM-DD" in bad.text
    assert bad.text.startswith("起始日期:")  # the wrong one is named, not both
    late = client.get("/staff/admin/audit.csv", params={"since": "2026-01-01", "until": "abc"})
    assert late.status_code == 422
    assert late.text.startswith("截止日期:")
    assert client.get("/staff/admin/audit.csv", params={"subject": "x" * 301}).status_code == 422
    assert client.get("/staff/admin/audit", params={"subject": "x" * 301}).status_code == 422
    login(client, "disp")
    assert client.get("/staff/admin/audit.csv").status_code == 403
    login(client, "road")
    assert client.get("/staff/admin/audit.csv").status_code == 403


def test_nothing_can_change_or_remove_the_record(app):
    for route in app.routes:
        path = getattr(route, "path", "")
        if "audit" in path or "events" in path:
            assert getattr(route, "methods", {"GET"}) <= {"GET", "HEAD"}, path


def test_an_erasure_names_who_erased_in_the_case_history(client, session, world):
    case = factories.make_case(session, category=world.road_category, title="路灯", body=f"电话{PHONE}")
    session.commit()
    wanted = erasure.ErasureRequest(case_numbers=(case.number,))
    erasure.erase(session, "k" * 32, wanted, actor="boss", actor_user_id=world.admin.id)
    erasure.erase(session, "k" * 32, wanted, actor="王科长", actor_user_id=None)  # the command line's --by
    session.commit()
    erased = session.scalars(
        select(CaseEvent).where(CaseEvent.case_id == case.id, CaseEvent.action == EventAction.ERASED)
    ).all()
    assert sorted(e.actor for e in erased) == ["user:boss", "王科长"]
    assert {e.actor_user_id for e in erased} == {world.admin.id, None}
    login(client, "boss")
    page = client.get(f"/staff/cases/{case.id}")
    assert "王科长" in page.text


def test_a_reopening_says_how_it_moved_the_deadline(session, world):
    case = factories.make_case(session, status="replied", category=world.road_category)
    before = utcnow() - timedelta(days=3)
    case.due_at = before
    workflow.reopen(session, case, "没有解决", world.dispatcher)
    session.flush()
    [event] = [e for e in case.events if e.action == EventAction.REOPENED]
    assert event.actor == "user:disp"
    assert event.payload["due_before"] == before.isoformat()
    assert event.payload["due_after"] == case.due_at.isoformat()


def test_the_command_line_signs_tokens_keys_and_passwords(tmp_path, monkeypatch):
    from tests.functional.conftest import cli_database

    from minyi.cli.main import cli

    with cli_database(tmp_path, monkeypatch, "round13") as database:
        with database.session() as session:
            factories.make_user(session, username="boss", role="admin")
            session.commit()
        runner = CliRunner()
        for args in (
            ["user", "token", "boss", "--name", "nightly"],
            ["open311", "key", "create", "街道App"],
            ["open311", "key", "revoke", "街道App"],
            ["user", "password", "boss", "--password", "a-long-unusual-passphrase-42"],
            ["department", "create", "SWJ", "水务局"],
        ):
            result = runner.invoke(cli, args)
            assert result.exit_code == 0, result.output
        with database.session() as session:
            events = {e.action: e for e in session.scalars(select(AuditEvent))}
    assert events[audit.TOKEN_ISSUED].subject == "boss"
    assert events[audit.TOKEN_ISSUED].details == {"name": "nightly"}
    assert events[audit.CLIENT_KEY_CREATED].subject == "街道App"
    assert events[audit.CLIENT_KEY_REVOKED].details == {"keys": 1}
    assert events[audit.PASSWORD_CHANGED].details["own"] is False
    assert events[audit.DEPARTMENT_CREATED].subject == "SWJ"
    assert {e.actor for e in events.values()} == {"command line"}
    assert not any("my_" in str(e.details) for e in events.values())


def test_who_redirects_or_silences_an_alert_rule_is_recorded(client, session, world):
    admin = bearer(session, world.admin)
    created = client.post(
        "/api/v1/alerts/rules",
        headers=admin,
        json={
            "name": "塌方",
            "kind": "keyword",
            "params": {"keywords": ["塌方"]},
            "webhook_urls": ["https://hooks.example.org/secret-path-123"],
        },
    )
    assert created.status_code == 201, created.text
    rule_id = created.json()["id"]
    off = client.post(f"/api/v1/alerts/rules/{rule_id}/enabled", headers=admin, json={"enabled": False})
    assert off.status_code == 200
    saved = _one(session, audit.ALERT_RULE_SAVED)
    assert (saved.actor, saved.subject, saved.details["webhooks"]) == ("boss", "塌方", ["hooks.example.org"])
    assert "secret-path" not in str(saved.details)
    switched = _one(session, audit.ALERT_RULE_SWITCHED)
    assert (switched.actor, switched.details["enabled"]) == ("boss", False)
