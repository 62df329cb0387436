"""The reply check holds: a public reply below MINYI_REPLY_MIN_SCORE needs a reason; flash messages."""

from __future__ import annotations

import pytest
from tests.functional.conftest import bearer, csrf_of, login

from minyi.cases import services as cases
from minyi.cases.models import Case
from minyi.core.errors import InvalidInput
from minyi.demo import factories

GOOD = (
    "您好！您反映的丽发新城门口路灯不亮的问题已收悉。经核查，路灯养护单位已派人到现场查看，"
    "更换了损坏的灯具，路灯已恢复照明。如有疑问请致电0731-88001203。感谢您对我们工作的支持与监督。"
)


@pytest.fixture
def case(session, world) -> Case:
    made = factories.make_case(
        session,
        status="signed",
        department=world.roads,
        category=world.road_category,
        title="丽发新城门口路灯不亮",
        body="丽发新城小区门口的路灯坏了一个月，晚上很黑，请尽快修复。",
    )
    session.commit()
    return made


def test_score_bands():
    assert cases.score_band(22) == "low"
    assert cases.score_band(59.9) == "low"
    assert cases.score_band(60) == "fair"
    assert cases.score_band(79.9) == "fair"
    assert cases.score_band(80) == "good"
    assert cases.score_band(50, min_score=40) == "fair"


def test_service_refuses_a_low_reply_without_reason_and_logs_the_reason(session, world, case):
    with pytest.raises(InvalidInput) as refused:
        cases.add_reply(session, world.road_staff, case, "已收到。", public=True, min_score=60)
    assert refused.value.field == "reason"
    assert "reason" in refused.value.message
    assert not case.replies
    cases.add_reply(
        session, world.road_staff, case, "已收到。", public=True, min_score=60, reason="先电话答复"
    )
    event = case.events[-1]
    assert event.action == "replied"
    assert event.payload["low_score_reason"] == "先电话答复"
    assert event.payload["quality_score"] < 60


def test_service_sends_a_good_reply_without_reason_and_notes_without_check(session, world, case):
    cases.add_reply(session, world.road_staff, case, "已联系养护中心", public=False, min_score=60)
    assert "quality_score" not in case.events[-1].payload
    cases.add_reply(session, world.road_staff, case, GOOD, public=True, min_score=60)
    assert case.status == "replied"
    assert case.events[-1].payload["quality_score"] >= 80
    assert "low_score_reason" not in case.events[-1].payload


def test_page_asks_for_a_reason_then_sends_with_a_flash(client, session, world, case):
    login(client, "road")
    token = csrf_of(client.get(f"/staff/cases/{case.id}").text)
    refused = client.post(
        f"/staff/cases/{case.id}/reply",
        data={"body": "已收到。", "visibility": "public", "csrf_token": token},
    )
    assert refused.status_code == 422
    assert 'id="reply-reason"' in refused.text
    assert 'data-band="low"' in refused.text
    assert "已收到。</textarea>" in refused.text
    session.refresh(case)
    assert case.status == "signed"
    sent = client.post(
        f"/staff/cases/{case.id}/reply",
        data={"body": "已收到。", "visibility": "public", "reason": "已电话详细答复", "csrf_token": token},
        follow_redirects=False,
    )
    assert sent.status_code == 303
    page = client.get(sent.headers["location"])
    assert '<p class="flash" role="status">答复已发送</p>' in page.text
    assert "已电话详细答复" in page.text  # the history shows the reason
    assert "答复已发送" not in client.get(f"/staff/cases/{case.id}").text  # shown once


def test_check_colours_by_score(client, session, world, case):
    login(client, "road")
    token = csrf_of(client.get(f"/staff/cases/{case.id}").text)
    url = f"/staff/cases/{case.id}/reply"
    poor = client.post(url, data={"body": "已收到。", "action": "check", "csrf_token": token})
    assert 'data-band="low"' in poor.text
    assert 'id="reply-reason"' in poor.text
    good = client.post(url, data={"body": GOOD, "action": "check", "csrf_token": token})
    assert 'data-band="good"' in good.text
    assert 'id="reply-reason"' not in good.text


def test_api_wants_a_reason_below_the_threshold(client, session, world, case):
    road = bearer(session, world.road_staff)
    url = f"/api/v1/cases/{case.id}/replies"
    refused = client.post(url, json={"body": "已收到。"}, headers=road)
    assert refused.status_code == 422
    assert refused.json()["field"] == "reason"
    sent = client.post(url, json={"body": "已收到。", "reason": "电话已答复"}, headers=road)
    assert sent.status_code == 201
    assert sent.json()["status"] == "replied"


def test_staff_actions_answer_with_a_flash(client, session, world):
    case = factories.make_case(session, status="received", title="路灯不亮")
    session.commit()
    login(client, "disp")
    token = csrf_of(client.get(f"/staff/cases/{case.id}").text)
    done = client.post(
        f"/staff/cases/{case.id}/dispatch", data={"department_id": world.roads.id, "csrf_token": token}
    )
    assert "已派单至 交通运输局" in done.text
    supervised = client.post(
        f"/staff/cases/{case.id}/status?lang=en", data={"status": "signed", "csrf_token": token}
    )
    assert supervised.status_code in {403, 409}  # a dispatcher may not sign: no flash
    assert "Status changed" not in supervised.text


def test_admin_actions_answer_with_a_flash(client, session, world):
    login(client, "boss")
    token = csrf_of(client.get("/staff/admin").text)
    saved = client.post(
        "/staff/admin/templates?lang=en",
        data={"name": "通用", "body": "您好！编号{number}已办结。", "csrf_token": token},
    )
    assert '<p class="flash" role="status">Saved</p>' in saved.text
    assert "Saved" not in client.get("/staff/admin").text


def test_the_check_on_the_case_page_names_the_whole_bus_line(client, session, world):
    # The eleventh probe read 答复未提及留言中的‘路车’ (from 360路车): the page names 360路.
    bus = factories.make_case(
        session,
        status="signed",
        department=world.roads,
        category=world.road_category,
        title="希望A市360路车能够提早发车！",
        body="360路车每天早上发车太晚，上班赶不上，希望提早发车。",
    )
    session.commit()
    login(client, "road")
    token = csrf_of(client.get(f"/staff/cases/{bus.id}").text)
    checked = client.post(
        f"/staff/cases/{bus.id}/reply", data={"body": GOOD, "action": "check", "csrf_token": token}
    )
    assert "答复未提及留言中的" in checked.text
    assert "‘360路’" in checked.text
    assert "‘路车’" not in checked.text
