"""The 12345 chain through the API and the pages: every path, refusal and role."""

from __future__ import annotations

from datetime import timedelta

import pytest
from tests.conftest import TEST_SECRET
from tests.functional.conftest import bearer, csrf_of, login

from minyi.cases import workflow
from minyi.cases.models import Case, CaseRating, ExtensionRequest
from minyi.db.base import utcnow
from minyi.demo import factories
from minyi.intake import identity
from minyi.intake.models import Message

VAGUE = {"title": "请问一件事", "body": "想了解一下有关情况，谢谢。"}


@pytest.fixture
def tokens(session, world):
    return {
        name: bearer(session, getattr(world, attr))
        for name, attr in [
            ("admin", "admin"),
            ("road", "road_staff"),
            ("school", "school_staff"),
            ("dispatcher", "dispatcher"),
            ("supervisor", "supervisor"),
        ]
    }


def new_case(client, tokens, **fields):
    created = client.post("/api/v1/messages", json=VAGUE | fields).json()
    url = f"/api/v1/cases/{created['case_id']}"
    assert (
        client.post(f"{url}/dispatch", json={"department": "JTJ"}, headers=tokens["dispatcher"]).status_code
        == 200
    )
    return created, url


def test_the_whole_chain_through_the_api(client, session, tokens):
    created, url = new_case(client, tokens)
    post = client.post
    assert (
        post(f"{url}/status", json={"status": "signed"}, headers=tokens["road"]).json()["status"] == "signed"
    )

    returned = post(f"{url}/return", json={"reason": "不属于本单位职责"}, headers=tokens["road"]).json()
    assert (returned["status"], returned["department"]) == ("accepted", None)
    assert (
        post(f"{url}/dispatch", json={"department": "JTJ"}, headers=tokens["dispatcher"]).status_code == 200
    )
    post(f"{url}/status", json={"status": "signed"}, headers=tokens["road"])

    before = session.get(Case, created["case_id"]).due_at
    asked = post(f"{url}/extensions", json={"working_days": 5, "reason": "需要协调"}, headers=tokens["road"])
    assert asked.status_code == 201
    again = post(f"{url}/extensions", json={"working_days": 5, "reason": "再次"}, headers=tokens["road"])
    assert again.status_code == 409
    request_id = next(
        e["payload"]["request_id"] for e in asked.json()["events"] if e["action"] == "extension_requested"
    )
    assert (
        post(
            f"/api/v1/extensions/{request_id}/decision", json={"approve": True}, headers=tokens["road"]
        ).status_code
        == 403
    )
    approved = post(
        f"/api/v1/extensions/{request_id}/decision", json={"approve": True}, headers=tokens["supervisor"]
    )
    assert approved.status_code == 200
    session.expire_all()
    assert session.get(Case, created["case_id"]).due_at > before
    assert (
        post(
            f"/api/v1/extensions/{request_id}/decision", json={"approve": False}, headers=tokens["supervisor"]
        ).status_code
        == 409
    )

    supervised = post(f"{url}/supervise", json={"comment": "三日内办结"}, headers=tokens["supervisor"])
    assert supervised.status_code == 200
    assert post(f"{url}/supervise", json={"comment": "x"}, headers=tokens["road"]).status_code == 403

    assert (
        post(
            f"{url}/replies", json={"body": "您好，已处理。", "reason": "已电话说明"}, headers=tokens["road"]
        ).json()["status"]
        == "replied"
    )
    assert post(f"{url}/status", json={"status": "follow_up"}, headers=tokens["road"]).status_code == 403
    assert (
        post(f"{url}/status", json={"status": "follow_up"}, headers=tokens["dispatcher"]).json()["status"]
        == "follow_up"
    )

    secret = {"X-Tracking-Secret": created["tracking_secret"]}
    rated = post(
        f"/api/v1/messages/{created['id']}/rating",
        json={"satisfaction": "unsatisfied", "solved": False},
        headers=secret,
    )
    assert rated.status_code == 201
    assert rated.json()["case_status"] == "in_progress"
    assert session.get(Case, created["case_id"]).reopened_count == 1

    post(
        f"{url}/replies", json={"body": "您好，已重新处理。", "reason": "已电话说明"}, headers=tokens["road"]
    )
    final = post(
        f"/api/v1/messages/{created['id']}/rating",
        json={"satisfaction": "satisfied", "solved": True},
        headers=secret,
    )
    assert final.json()["case_status"] == "closed"
    assert (
        post(
            f"/api/v1/messages/{created['id']}/rating", json={"satisfaction": "satisfied"}, headers=secret
        ).status_code
        == 409
    )
    actions = [e["action"] for e in client.get(url, headers=tokens["admin"]).json()["events"]]
    for action in [
        "returned",
        "extension_requested",
        "extension_decided",
        "supervised",
        "rated",
        "reopened",
        "closed_by_rating",
    ]:
        assert action in actions


def test_refusals(client, tokens):
    created, url = new_case(client, tokens)
    post = client.post
    assert post(f"{url}/status", json={"status": "signed"}, headers=tokens["school"]).status_code == 404
    assert post(f"{url}/status", json={"status": "closed"}, headers=tokens["dispatcher"]).status_code == 409
    assert post(f"{url}/status", json={"status": "signed"}, headers=tokens["supervisor"]).status_code == 403
    assert post(f"{url}/return", json={"reason": "x"}, headers=tokens["dispatcher"]).status_code == 403
    too_long = post(f"{url}/extensions", json={"working_days": 99, "reason": "x"}, headers=tokens["road"])
    assert too_long.status_code == 422
    assert too_long.json()["fields"][0]["field"] == "working_days"
    assert post(f"{url}/reopen", json={"reason": "x"}, headers=tokens["supervisor"]).status_code == 409
    assert post(f"{url}/reopen", json={"reason": "x"}, headers=tokens["road"]).status_code == 403
    rating = post(
        f"/api/v1/messages/{created['id']}/rating",
        json={"satisfaction": "satisfied"},
        headers={"X-Tracking-Secret": created["tracking_secret"]},
    )
    assert rating.status_code == 409
    wrong = post(
        f"/api/v1/messages/{created['id']}/rating",
        json={"satisfaction": "satisfied"},
        headers={"X-Tracking-Secret": "WRONG"},
    )
    assert wrong.status_code == 404
    assert post(f"{url}/merge", json={"other": "nope"}, headers=tokens["dispatcher"]).status_code == 422


def test_merge_cases(client, session, tokens):
    _first, url = new_case(client, tokens)
    second, _ = new_case(client, tokens, body="另外一件事情，想咨询办理流程。")
    other = session.get(Case, second["case_id"]).number
    assert client.post(f"{url}/merge", json={"other": other}, headers=tokens["road"]).status_code == 403
    merged = client.post(f"{url}/merge", json={"other": other}, headers=tokens["dispatcher"])
    assert merged.status_code == 200
    assert len(merged.json()["messages"]) == 2
    session.expire_all()
    assert session.get(Case, second["case_id"]).status == "closed"


def test_unanswered_follow_up_is_recorded_as_not_reached(session, world):
    case = factories.make_case(
        session, status="follow_up", department=world.roads, category=world.road_category
    )
    case.follow_up_due_at = utcnow() - timedelta(days=1)
    assert workflow.sweep_follow_ups(session) == 1
    assert case.status == "closed"
    assert session.query(CaseRating).one().satisfaction == "not_reached"


def test_workflow_pages(client, session, world):
    case = factories.make_case(session, status="signed", department=world.roads, category=world.road_category)
    session.commit()
    login(client, "road")
    token = csrf_of(client.get(f"/staff/cases/{case.id}").text)
    asked = client.post(
        f"/staff/cases/{case.id}/extension", data={"working_days": "3", "reason": "协调", "csrf_token": token}
    )
    assert asked.status_code == 200
    assert "待审批" in asked.text
    returned = client.post(f"/staff/cases/{case.id}/return", data={"reason": "", "csrf_token": token})
    assert returned.status_code == 409
    client.post("/staff/logout", data={"csrf_token": token})

    login(client, "sup")
    page = client.get(f"/staff/cases/{case.id}")
    token = csrf_of(page.text)
    request_id = session.query(ExtensionRequest).one().id
    decided = client.post(
        f"/staff/extensions/{request_id}/decision", data={"decision": "reject", "csrf_token": token}
    )
    assert "未批准" in decided.text
    supervised = client.post(
        f"/staff/cases/{case.id}/supervise",
        data={"comment": "尽快", "due_date": "2026-12-31", "csrf_token": token},
    )
    assert supervised.status_code == 200
    assert 'class="supervised"' in supervised.text
    bad_date = client.post(
        f"/staff/cases/{case.id}/supervise", data={"comment": "x", "due_date": "31/12", "csrf_token": token}
    )
    assert bad_date.status_code == 422


def test_citizen_rates_on_the_tracking_page(client, session, world):
    page = client.get("/")
    token = csrf_of(page.text)
    form = {
        "title": "路灯不亮",
        "body": "东门路灯坏了。",
        "csrf_token": token,
        "category_id": world.road_category.id,
    }
    assert client.post("/submit", data=form, follow_redirects=False).status_code == 303
    message = session.query(Message).one()
    factories.drive_case(session, message.case, "replied")
    session.commit()
    secret = identity.tracking_secret(TEST_SECRET, message.id)
    tracked = client.post(
        "/track", data={"code": message.tracking_code, "secret": secret, "csrf_token": token}
    )
    assert "评价办理结果" in tracked.text
    rating = {"code": message.tracking_code, "secret": secret, "satisfaction": "satisfied", "solved": "yes"}
    rated = client.post("/track/rate", data=rating | {"csrf_token": token})
    assert rated.status_code == 200
    assert "感谢您的评价" in rated.text
    session.refresh(message.case)
    assert message.case.status == "closed"
    assert (
        client.post("/track/rate", data=rating | {"secret": "WRONG", "csrf_token": token}).status_code == 404
    )


def test_overdue_soon_and_supervised_lists(client, session, world, tokens):
    late = factories.make_case(
        session, status="signed", department=world.roads, category=world.road_category, title="超期的"
    )
    late.due_at = utcnow() - timedelta(days=1)
    soon = factories.make_case(
        session, status="signed", department=world.roads, category=world.road_category, title="快到期的"
    )
    soon.due_at = utcnow() + timedelta(hours=20)
    factories.make_case(
        session, status="signed", department=world.roads, category=world.road_category, title="不急的"
    )
    answered = factories.make_case(
        session, status="replied", department=world.roads, category=world.road_category, title="已答复的"
    )
    answered.due_at = utcnow() - timedelta(days=3)
    late.supervised = True
    session.commit()
    overdue = client.get("/api/v1/cases?due=overdue", headers=tokens["road"]).json()
    assert [c["title"] for c in overdue["items"]] == ["超期的"]
    assert [
        c["title"] for c in client.get("/api/v1/cases?due=soon", headers=tokens["road"]).json()["items"]
    ] == ["快到期的"]
    assert client.get("/api/v1/cases?due=later", headers=tokens["road"]).status_code == 422
    login(client, "road")
    page = client.get("/staff?due=supervised")
    assert "超期的" in page.text
    assert "快到期的" not in page.text
    assert 'class="overdue"' in client.get("/staff").text
    assert client.get("/staff?due=bogus").status_code == 422


def test_one_click_dispatch_from_suggestions(client, session, world):
    created = client.post(
        "/api/v1/messages", json={"title": "道路坑洼", "body": "开元路道路维护不到位，路面坑洼。"}
    ).json()
    case = session.get(Case, created["case_id"])
    case.department = None
    case.status = "received"
    session.commit()
    login(client, "disp")
    page = client.get(f"/staff/cases/{case.id}")
    assert "派单建议" in page.text
    assert 'class="btn suggestion"' in page.text


def test_reply_quality_check_before_sending(client, session, world, tokens):
    case = factories.make_case(
        session,
        status="signed",
        department=world.roads,
        category=world.road_category,
        title="丽发新城搅拌站噪音扰民",
        body="丽发新城小区旁的搅拌站夜间施工，噪音扰民。",
    )
    session.commit()
    checked = client.post(
        f"/api/v1/cases/{case.id}/replies/check", json={"body": "已收悉。"}, headers=tokens["road"]
    )
    assert checked.status_code == 200
    result = checked.json()
    assert result["score"] < 60
    codes = {
        f["code"]
        for component in ("relevance", "completeness", "issues")
        for f in result[component]["findings"]
    }
    assert "too_short" in codes or "missing_result" in codes
    login(client, "road")
    token = csrf_of(client.get(f"/staff/cases/{case.id}").text)
    page = client.post(
        f"/staff/cases/{case.id}/reply", data={"body": "已收悉。", "action": "check", "csrf_token": token}
    )
    assert page.status_code == 200
    assert 'id="reply-quality"' in page.text
    assert "已收悉。</textarea>" in page.text
    session.refresh(case)
    assert case.status == "signed"  # checking sends nothing
