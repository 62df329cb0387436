"""The acceptance deadline (签收期限) through HTTP: the admin rule, the case page, the inbox, the API."""

from __future__ import annotations

from datetime import timedelta

from tests.functional.conftest import bearer, csrf_of, login

from minyi.cases.models import DeadlineRuleRecord
from minyi.db.base import utcnow
from minyi.demo import factories


def _rule_on_the_admin_page(client, hours: str):
    login(client, "boss")
    token = csrf_of(client.get("/staff/admin").text)
    return client.post("/staff/admin/rules", data={"accept_hours": hours, "csrf_token": token})


def test_an_admin_sets_the_time_to_sign_for_and_a_wrong_one_is_named(client, session, world):
    bad = _rule_on_the_admin_page(client, "0")
    assert bad.status_code == 422
    assert "签收时限（工作小时）须为大于 0 的数" in bad.text
    assert 'value="0"' in bad.text  # the typed value is kept
    english = client.post(
        "/staff/admin/rules?lang=en", data={"accept_hours": "abc", "csrf_token": csrf_of(bad.text)}
    )
    assert english.status_code == 422
    assert "Sign for within (working hours): a number, such as 2." in english.text
    assert session.query(DeadlineRuleRecord).count() == 0
    page = client.post("/staff/admin/rules", data={"accept_hours": "2", "csrf_token": csrf_of(bad.text)})
    assert page.status_code == 200
    assert "sign for within 2 working hours" in page.text  # English since ?lang=en
    assert session.query(DeadlineRuleRecord).one().accept_hours == 2


def test_the_case_page_and_the_inbox_say_not_signed_for_in_time(client, session, world):
    session.add(DeadlineRuleRecord(accept_hours=2.0, note=""))
    session.flush()
    late = factories.make_case(session, category=world.road_category, title="井盖缺失未签收", key="late")
    fine = factories.make_case(session, category=world.road_category, title="路灯不亮", key="fine")
    late.sign_due_at = utcnow() - timedelta(minutes=10)
    session.commit()
    login(client, "road")
    page = client.get(f"/staff/cases/{late.id}")
    assert "签收期限" in page.text
    assert 'id="sign-overdue"' in page.text
    assert "超时未签收" in page.text
    assert 'id="sign-overdue"' not in client.get(f"/staff/cases/{fine.id}").text
    assert "签收期限" in client.get(f"/staff/cases/{fine.id}").text
    inbox = client.get("/staff?due=unsigned")
    assert inbox.status_code == 200
    assert "井盖缺失未签收" in inbox.text
    assert "路灯不亮" not in inbox.text
    assert 'href="/staff?due=unsigned"' in inbox.text
    assert (
        '<a href="/staff?due=unsigned" class="due-unsigned" aria-current="true">超时未签收 <b>1</b>'
        in inbox.text
    )
    token = csrf_of(page.text)
    signed = client.post(
        f"/staff/cases/{late.id}/status",
        data={"status": "signed", "csrf_token": token, "case_version": str(late.version)},
    )
    assert signed.status_code in (200, 303)
    after = client.get(f"/staff/cases/{late.id}").text
    assert "超时签收（签收期限" in after  # the history keeps that it was late
    assert 'id="sign-overdue"' not in after


def test_the_api_gives_the_deadline_filters_by_it_and_documents_it(client, session, world):
    session.add(DeadlineRuleRecord(accept_hours=2.0, note=""))
    session.flush()
    late = factories.make_case(session, category=world.road_category, title="井盖缺失", key="late")
    factories.make_case(session, category=world.road_category, title="路灯不亮", key="fine")
    late.sign_due_at = utcnow() - timedelta(minutes=10)
    session.commit()
    road = bearer(session, world.road_staff)
    one = client.get(f"/api/v1/cases/{late.id}", headers=road).json()
    assert one["sign_overdue"] is True
    assert one["sign_due_at"] is not None
    listed = client.get("/api/v1/cases?due=unsigned", headers=road).json()
    assert [item["id"] for item in listed["items"]] == [late.id]
    assert client.get("/api/v1/cases?due=late", headers=road).status_code == 422
    signed = client.post(f"/api/v1/cases/{late.id}/status", json={"status": "signed"}, headers=road).json()
    assert signed["sign_due_at"] is None
    assert signed["sign_overdue"] is False
    assert signed["events"][-1]["payload"]["sign_late"] is True
    spec = client.get("/openapi.json").json()
    fields = spec["components"]["schemas"]["CaseOut"]["properties"]
    assert "签收期限" in fields["sign_due_at"]["description"]
    assert "超时未签收" in fields["sign_overdue"]["description"]
    boss = bearer(session, world.admin)
    rule = client.post("/api/v1/admin/deadline-rules", json={"accept_hours": 1, "urgent": True}, headers=boss)
    assert rule.status_code == 201
    assert rule.json()["accept_hours"] == 1
    zero = client.post("/api/v1/admin/deadline-rules", json={"accept_hours": 0}, headers=boss)
    assert zero.status_code == 422
    assert "accept_hours" in zero.text


def test_the_big_screen_counts_them_beside_the_overdue(client, session, world):
    session.add(DeadlineRuleRecord(accept_hours=2.0, note=""))
    session.flush()
    late = factories.make_case(session, category=world.road_category, title="井盖缺失", key="late")
    late.sign_due_at = utcnow() - timedelta(minutes=10)
    signed = factories.make_case(session, category=world.road_category, status="signed", key="signed")
    assert signed.sign_due_at is None
    session.commit()
    login(client, "sup")
    assert client.get("/screen/data").json()["counts"]["unsigned"] == 1
    page = client.get("/screen").text
    assert 'id="count-unsigned"' in page
    assert "超时未签收" in page
