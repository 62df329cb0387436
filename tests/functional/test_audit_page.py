"""The audit trail page (/staff/admin/audit): recorded views and role changes, filters, pages, admins only."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select
from tests.functional.conftest import bearer, csrf_of, login

from minyi.audit import services as audit
from minyi.audit.models import AuditEvent
from minyi.core.localtime import zone
from minyi.db.base import utcnow
from minyi.demo import factories

PHONE = "13912345678"


def _events(session, action):
    session.expire_all()
    return list(session.scalars(select(AuditEvent).where(AuditEvent.action == action)))


def test_only_admins_read_the_trail(client, world):
    assert client.get("/staff/admin/audit", follow_redirects=False).status_code == 303
    login(client, "disp")
    assert client.get("/staff/admin/audit").status_code == 403


def test_opening_a_case_with_personal_data_is_recorded(client, session, world):
    case = factories.make_case(
        session, category=world.road_category, key="pii", title="路灯坏了", body=f"请打我电话{PHONE}"
    )
    plain = factories.make_case(
        session, category=world.road_category, key="plain", title="路灯", body="路灯不亮"
    )
    session.commit()
    login(client, "road")
    assert client.get(f"/staff/cases/{case.id}").status_code == 200
    assert client.get(f"/staff/cases/{plain.id}").status_code == 200
    [event] = _events(session, audit.VIEW_PERSONAL_DATA)
    assert (event.actor, event.subject, event.actor_user_id) == ("road", case.number, world.road_staff.id)
    assert PHONE not in str(event.details)


def test_role_changes_are_recorded_and_shown(client, session, world):
    login(client, "boss")
    token = csrf_of(client.get("/staff/admin").text)
    changed = client.post(
        f"/staff/admin/users/{world.dispatcher.id}/role", data={"role": "supervisor", "csrf_token": token}
    )
    assert changed.status_code == 200
    session.expire_all()
    assert world.dispatcher.role == "supervisor"
    own = client.post(
        f"/staff/admin/users/{world.admin.id}/role", data={"role": "staff", "csrf_token": token}
    )
    assert own.status_code == 422
    bad = client.post(
        f"/staff/admin/users/{world.dispatcher.id}/role", data={"role": "king", "csrf_token": token}
    )
    assert bad.status_code == 422
    created = client.post(
        "/staff/admin/users",
        data={
            "username": "newdisp",
            "role": "dispatcher",
            "password": "a-long-unusual-passphrase-42",
            "csrf_token": token,
        },
    )
    assert created.status_code == 200
    events = _events(session, audit.ROLE_CHANGED)
    assert {(e.actor, e.subject, e.details["from"], e.details["to"]) for e in events} == {
        ("boss", "disp", "dispatcher", "supervisor"),
        ("boss", "newdisp", None, "dispatcher"),
    }
    page = client.get("/staff/admin/audit", params={"action": "role_changed"})
    assert page.status_code == 200
    assert "审计日志" in page.text
    assert page.text.count('class="audit-event"') == 2
    assert "变更角色" in page.text


def test_api_user_creation_is_recorded(client, session, world):
    headers = bearer(session, world.admin)
    body = {"username": "apiuser", "password": "another-long-passphrase-77", "role": "supervisor"}
    assert client.post("/api/v1/admin/users", json=body, headers=headers).status_code == 201
    [event] = _events(session, audit.ROLE_CHANGED)
    assert (event.actor, event.subject, event.details["to"]) == ("boss", "apiuser", "supervisor")


def test_filters_and_pages(client, session, world):
    now = utcnow()
    for n in range(55):
        audit.record(session, audit.EXPORT_MASKED, actor="road", subject=f"export {n}")
    old = audit.record(session, audit.EXPORT_FULL, actor="boss", subject="old export")
    old.at = now - timedelta(days=40)
    session.commit()
    login(client, "boss")
    first = client.get("/staff/admin/audit", params={"actor": "road"})
    assert first.text.count('class="audit-event"') == 50
    assert "共 2 页" in first.text
    second = client.get("/staff/admin/audit", params={"actor": "road", "page": 2})
    assert second.text.count('class="audit-event"') == 5
    assert 'id="audit-prev"' in second.text
    # The page filters by local days (MINYI_TIMEZONE): from 16:00 UTC, Shanghai is a day ahead.
    day = (now - timedelta(days=40)).astimezone(zone()).date().isoformat()
    dated = client.get("/staff/admin/audit", params={"since": day, "until": day})
    assert dated.text.count('class="audit-event"') == 1
    assert "old export" in dated.text
    full = client.get("/staff/admin/audit", params={"action": "export_full"})
    assert full.text.count('class="audit-event"') == 1
    english = client.get("/staff/admin/audit", params={"action": "export_full", "lang": "en"})
    assert "Audit trail" in english.text
    assert "Export (with personal data)" in english.text


def test_a_bad_date_is_named(client, world):
    login(client, "boss")
    page = client.get("/staff/admin/audit", params={"since": "2019/03/01"})
    assert page.status_code == 422
    assert "YYYY-MM-DD" in page.text
    assert "Traceback" not in page.text


def test_a_date_out_of_range_is_named_not_a_500(client, world):
    """0001-01-01 and 9999-12-31 parse, but their bounds overflowed (a 500) before."""
    login(client, "boss")
    for name, value in (("since", "0001-01-01"), ("until", "9999-12-31"), ("since", "2019-02-30")):
        page = client.get("/staff/admin/audit", params={name: value})
        assert page.status_code == 422, (name, value)
        assert "1900 至 2999 年" in page.text
    english = client.get("/staff/admin/audit", params={"until": "9999-12-31", "lang": "en"})
    assert english.status_code == 422
    assert "years 1900 to 2999" in english.text
