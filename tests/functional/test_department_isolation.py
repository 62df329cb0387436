"""Department isolation: staff of one department read nothing of another's cases and messages,
on any page or API answer; the public reply belongs to the case's department; templates too."""

from __future__ import annotations

import pytest
from tests.functional.conftest import bearer, csrf_of, login
from tests.isolationdata import ROAD_WORDS, SCHOOL_WORDS, Mixed, seed_mixed_issue

from minyi.cases.models import Case
from minyi.demo import factories


@pytest.fixture
def mixed(session, world) -> Mixed:
    made = seed_mixed_issue(session, world.roads, world.schools, world.road_category, world.school_category)
    session.commit()
    return made


def _foreign_free(text: str, mixed: Mixed) -> None:
    """Nothing of the school department's cases or messages is in ``text``."""
    for case in mixed.school_cases:
        assert case.number not in text
        assert case.id not in text
        assert case.messages[0].id not in text
    for word in SCHOOL_WORDS:
        assert word not in text, word


def test_the_issue_page_shows_a_department_only_its_cases_and_counts_the_others(client, mixed):
    login(client, "road")
    page = client.get(f"/staff/issues/{mixed.issue.id}")
    assert page.status_code == 200
    _foreign_free(page.text, mixed)
    for case in mixed.road_cases:
        assert case.number in page.text
    assert "青石路桥面坑洼" in page.text
    assert 'id="issue-hidden-cases">其他部门或待派单 3 件<' in page.text
    assert 'id="issue-hidden-messages"' in page.text
    assert mixed.issue.title in page.text  # the topic itself is for everyone
    # the statement button leads to a form filled in with the department's own open cases only
    form = client.get(f"/staff/statements?issue={mixed.issue.id}")
    assert form.status_code == 200
    _foreign_free(form.text, mixed)
    assert all(c.number in form.text for c in mixed.road_cases)


def test_the_other_department_and_the_dispatcher_read_their_share(client, mixed):
    login(client, "school")
    page = client.get(f"/staff/issues/{mixed.issue.id}").text
    assert all(c.number in page for c in mixed.school_cases)
    assert not any(c.number in page for c in mixed.road_cases)
    assert not any(word in page for word in ROAD_WORDS)
    assert "其他部门或待派单 2 件" in page
    login(client, "disp")
    page = client.get(f"/staff/issues/{mixed.issue.id}").text
    assert all(c.number in page for c in mixed.road_cases + mixed.school_cases)
    assert "其他部门" not in page


def test_the_issue_api_answers_a_department_token_with_its_share(client, session, world, mixed):
    road = bearer(session, world.road_staff)
    detail = client.get(f"/api/v1/issues/{mixed.issue.id}", headers=road)
    assert detail.status_code == 200
    _foreign_free(detail.text, mixed)
    body = detail.json()
    assert sorted(body["case_numbers"]) == sorted(c.number for c in mixed.road_cases)
    assert body["hidden_cases"] == 3
    assert body["hidden_messages"] == 3
    assert len(body["messages"]) == 2
    assert [m["title"] for m in body["representatives"]] == ["青石路桥面坑洼"]
    assert body["size"] == 5  # the issue's own numbers stay topic-level and whole
    listing = client.get("/api/v1/issues", headers=road)
    assert mixed.issue.id in listing.text
    _foreign_free(listing.text, mixed)
    full = client.get(f"/api/v1/issues/{mixed.issue.id}", headers=bearer(session, world.dispatcher)).json()
    assert len(full["case_numbers"]) == 5
    assert full["hidden_cases"] == 0


def test_alerts_keep_the_topic_but_not_another_departments_text(client, session, world, mixed):
    road = bearer(session, world.road_staff)
    answer = client.get("/api/v1/alerts", headers=road)
    assert answer.status_code == 200
    _foreign_free(answer.text, mixed)
    (seen,) = [a for a in answer.json()["alerts"] if a["id"] == mixed.alert.id]
    assert seen["message_ids"] == []
    assert "snippet" not in seen["measured"]
    assert seen["measured"]["keyword"] == "拥堵"
    assert seen["label"].endswith("拥堵")
    school = client.get("/api/v1/alerts", headers=bearer(session, world.school_staff)).json()
    (theirs,) = [a for a in school["alerts"] if a["id"] == mixed.alert.id]
    assert theirs["measured"]["snippet"].startswith("实验二小")
    assert theirs["message_ids"] == [mixed.school_cases[0].messages[0].id]
    login(client, "road")
    page = client.get("/staff/alerts")
    assert page.status_code == 200
    assert f'id="alert-{mixed.alert.id}"' in page.text
    _foreign_free(page.text, mixed)
    login(client, "disp")
    assert "实验二小放学时校门口拥堵" in client.get("/staff/alerts").text


def test_statements_take_only_the_departments_own_cases(client, session, world, mixed):
    login(client, "road")
    token = csrf_of(client.get("/staff/statements").text)
    foreign = mixed.school_cases[0].number
    form = {"title": "统一答复", "body": "已处理。", "case_lines": foreign, "csrf_token": token}
    refused = client.post("/staff/statements", data=form)
    assert refused.status_code == 422
    # the same answer as for a number that does not exist: no oracle of other departments' numbers
    assert f"没有编号为 {foreign} 的案件" in refused.text
    lines = "\n".join(c.number for c in mixed.road_cases)
    assert client.post("/staff/statements", data=form | {"case_lines": lines}).status_code == 200
    road = bearer(session, world.road_staff)
    published = client.get("/api/v1/statements", headers=road).json()[0]
    assert sorted(published["case_numbers"]) == sorted(c.number for c in mixed.road_cases)
    assert published["cases"] == 2
    school = client.get("/api/v1/statements", headers=bearer(session, world.school_staff)).json()[0]
    assert school["case_numbers"] == []
    public = client.get("/api/v1/statements").json()[0]
    assert public["case_numbers"] == []
    assert public["cases"] == 2
    body = {"title": "t", "body": "b", "cases": [{"case": foreign}]}
    assert client.post("/api/v1/statements", json=body, headers=road).status_code == 422


def test_inbox_search_and_counts_hold_only_the_departments_cases(client, session, world, mixed):
    login(client, "road")
    inbox = client.get("/staff?q=护栏")  # a word of a school message only
    assert inbox.status_code == 200
    assert not any(c.number in inbox.text for c in mixed.school_cases)
    assert "实验二小" not in inbox.text
    road = bearer(session, world.road_staff)
    found = client.get("/api/v1/cases", params={"q": "实验二小"}, headers=road).json()
    assert found["total"] == 0
    everything = client.get("/api/v1/cases", headers=road).json()
    assert everything["total"] == 2
    for case in mixed.school_cases:
        assert client.get(f"/api/v1/cases/{case.id}", headers=road).status_code == 404
        message = case.messages[0]
        assert client.get(f"/api/v1/messages/{message.id}", headers=road).status_code == 404


def test_department_staff_without_a_department_see_no_case(client, session, world):
    waiting = factories.make_case(session, status="received")
    loner = factories.make_user(session, username="loner", department=world.roads)
    loner.department = None
    session.commit()
    token = bearer(session, loner)
    assert client.get("/api/v1/cases", headers=token).json()["total"] == 0
    assert client.get(f"/api/v1/cases/{waiting.id}", headers=token).status_code == 404


def test_the_public_reply_belongs_to_the_department(client, session, world, mixed):
    case = mixed.road_cases[0]
    url = f"/api/v1/cases/{case.id}/replies"
    for who in (world.dispatcher, world.supervisor):
        token = bearer(session, who)
        refused = client.post(url, json={"body": "您好，已处理。"}, headers=token)
        assert refused.status_code == 403, who.role
        assert "reply" in refused.json()["message"]
        note = client.post(url, json={"body": "请尽快办理", "public": False}, headers=token)
        assert note.status_code == 201, note.text
    session.expire_all()
    assert session.get(Case, case.id).status == "dispatched"
    login(client, "disp")
    page = client.get(f"/staff/cases/{case.id}")
    assert 'id="reply-department-only"' in page.text
    assert 'value="public"' not in page.text
    token = csrf_of(page.text)
    sent = client.post(
        f"/staff/cases/{case.id}/reply",
        data={"body": "您好，已处理。", "visibility": "public", "csrf_token": token},
    )
    assert sent.status_code == 403
    noted = client.post(
        f"/staff/cases/{case.id}/reply",
        data={"body": "已督促", "visibility": "internal", "csrf_token": token},
        follow_redirects=False,
    )
    assert noted.status_code == 303
    road = bearer(session, world.road_staff)
    reply = {"body": "您好，青石路桥面已修补完毕。", "reason": "已电话告知"}  # past the quality check
    answered = client.post(url, json=reply, headers=road)
    assert answered.status_code == 201
    assert answered.json()["status"] == "replied"


def test_reply_templates_belong_to_their_department(client, mixed):
    case = mixed.road_cases[0]
    login(client, "road")
    page = client.get(f"/staff/cases/{case.id}")
    assert "道路模板" in page.text
    assert "通用模板" in page.text
    assert "学校模板" not in page.text
    token = csrf_of(page.text)
    form = {"action": "template", "body": "", "csrf_token": token}
    stolen = client.post(
        f"/staff/cases/{case.id}/reply", data=form | {"template_id": mixed.school_template.id}
    )
    assert stolen.status_code == 404
    assert "学校专用答复" not in stolen.text
    own = client.post(f"/staff/cases/{case.id}/reply", data=form | {"template_id": mixed.road_template.id})
    assert own.status_code == 200
    assert f"道路答复 {case.number}" in own.text
    login(client, "disp")  # a dispatcher reads the shared templates, not a department's
    page = client.get(f"/staff/cases/{case.id}").text
    assert "通用模板" in page
    assert "道路模板" not in page
    login(client, "boss")
    assert "道路模板" in client.get(f"/staff/cases/{case.id}").text
