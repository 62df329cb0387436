"""Each kind handled its own way: a suggestion's adoption decision, a help request's callback, praise."""

from __future__ import annotations

import pytest
from tests.conftest import TEST_SECRET
from tests.functional.conftest import bearer, csrf_of, login

from minyi.cases import kinds, rules
from minyi.cases.models import Case
from minyi.db.base import utcnow
from minyi.intake import identity
from minyi.intake.models import Message

TEXT = {"title": "建议在人民路增设公交站", "body": "人民路一带居民多，建议增设公交站点，方便出行。"}


@pytest.fixture
def tokens(session, world):
    return {
        name: bearer(session, getattr(world, attr))
        for name, attr in [("road", "road_staff"), ("school", "school_staff"), ("dispatcher", "dispatcher")]
    }


def new_case(client, session, tokens, kind: str, **extra):
    created = client.post("/api/v1/messages", json=TEXT | extra).json()
    case = session.get(Case, created["case_id"])
    case.appeal_kind = kind
    session.commit()
    url = f"/api/v1/cases/{created['case_id']}"
    dispatched = client.post(f"{url}/dispatch", json={"department": "JTJ"}, headers=tokens["dispatcher"])
    assert dispatched.status_code == 200
    return created, url


def test_a_suggestion_gets_an_adoption_decision_the_citizen_reads(client, session, tokens):
    created, url = new_case(client, session, tokens, "suggestion", is_public=True)
    decision = {"decision": "partly_adopted", "reason": "已将站点纳入明年线网优化方案"}
    assert client.post(f"{url}/adoption", json=decision, headers=tokens["school"]).status_code in {403, 404}
    done = client.post(f"{url}/adoption", json=decision, headers=tokens["road"])
    assert done.status_code == 200
    assert any(e["action"] == "suggestion_decided" for e in done.json()["events"])
    again = client.post(f"{url}/adoption", json=decision | {"decision": "adopted"}, headers=tokens["road"])
    assert again.status_code == 200  # a new decision replaces the old one
    session.expire_all()
    assert kinds.adoption_counts(session) == {"adopted": 1, "partly_adopted": 0, "not_adopted": 0}

    bad = client.post(f"{url}/adoption", json={"decision": "maybe", "reason": "x"}, headers=tokens["road"])
    assert bad.status_code == 422
    message = session.query(Message).filter_by(tracking_code=created["tracking_code"]).one()
    page = client.get("/track")
    secret = identity.tracking_secret(TEST_SECRET, message.id)
    tracked = client.post(
        "/track", data={"code": message.tracking_code, "secret": secret, "csrf_token": csrf_of(page.text)}
    )
    assert "建议采纳情况" in tracked.text
    assert "采纳" in tracked.text
    assert "明年线网优化方案" in tracked.text
    assert "理由：已将站点纳入" in tracked.text
    tracked_en = client.post(
        "/track?lang=en",
        data={"code": message.tracking_code, "secret": secret, "csrf_token": csrf_of(page.text)},
    )
    assert "Reason: 已将站点纳入" in tracked_en.text
    assert "：" not in tracked_en.text.split('class="adoption"')[1].split("</div>")[0]


def test_only_a_suggestion_gets_a_decision(client, session, tokens):
    _, url = new_case(client, session, tokens, "complaint")
    refused = client.post(
        f"{url}/adoption", json={"decision": "adopted", "reason": "好"}, headers=tokens["road"]
    )
    assert refused.status_code == 409


def test_a_help_request_is_flagged_for_a_callback_and_the_call_recorded(client, session, tokens, world):
    created, url = new_case(client, session, tokens, "help")
    flagged = client.post(
        f"{url}/callback", json={"note": "老人独居，请电话联系"}, headers=tokens["dispatcher"]
    )
    assert flagged.status_code == 201
    assert client.post(f"{url}/callback", json={}, headers=tokens["road"]).status_code == 409
    login(client, "road")
    page = client.get(f"/staff/cases/{created['case_id']}")
    assert "待回电" in page.text
    assert (
        client.post(f"{url}/callback/done", json={"outcome": ""}, headers=tokens["road"]).status_code == 422
    )
    done = client.post(
        f"{url}/callback/done", json={"outcome": "已电话联系，安排上门"}, headers=tokens["road"]
    )
    assert done.status_code == 200
    session.expire_all()
    case = session.get(Case, created["case_id"])
    assert kinds.open_callback(session, case) is None
    assert kinds.callbacks_waiting(session, [case.id]) == set()
    assert (
        client.post(f"{url}/callback/done", json={"outcome": "再次"}, headers=tokens["road"]).status_code
        == 409
    )


def test_the_staff_page_form_decides_and_explains_a_missing_reason_in_chinese(client, session, tokens):
    created, _ = new_case(client, session, tokens, "suggestion")
    login(client, "road")
    page = client.get(f"/staff/cases/{created['case_id']}")
    assert "作出采纳决定" in page.text
    form = {"decision": "not_adopted", "reason": "", "csrf_token": csrf_of(page.text)}
    missing = client.post(f"/staff/cases/{created['case_id']}/adoption", data=form)
    assert missing.status_code == 422
    assert "请填写采纳理由" in missing.text
    saved = client.post(
        f"/staff/cases/{created['case_id']}/adoption",
        data=form | {"reason": "与现行规划冲突"},
        follow_redirects=True,
    )
    assert saved.status_code == 200
    assert "采纳决定已保存" in saved.text
    assert "与现行规划冲突" in saved.text
    assert "理由：与现行规划冲突" in saved.text
    english = client.get(f"/staff/cases/{created['case_id']}", params={"lang": "en"})
    assert "Reason: 与现行规划冲突" in english.text  # no full-width colon on the English page
    assert "Reason：" not in english.text


def test_praise_has_no_deadline_unless_urgent(client, session, tokens):
    created, _ = new_case(client, session, tokens, "praise")
    case = session.get(Case, created["case_id"])
    assert rules.reply_due(session, case, utcnow()) is None
    case.urgent = True
    assert rules.reply_due(session, case, utcnow()) is not None
    case.urgent, case.appeal_kind = False, "complaint"
    assert rules.reply_due(session, case, utcnow()) is not None


def test_the_public_dashboard_counts_adoption_decisions(client, session, tokens):
    _, url = new_case(client, session, tokens, "suggestion")
    decision = {"decision": "adopted", "reason": "已纳入规划"}
    assert client.post(f"{url}/adoption", json=decision, headers=tokens["road"]).status_code == 200
    page = client.get("/public/dashboard")
    assert page.status_code == 200
    assert "建议采纳与直接答复" in page.text
    assert 'id="adopted">1<' in page.text
    assert 'id="direct-answers">0<' in page.text


def close_by_reply(client, url, tokens):
    """Answer the case publicly and close it, through the API."""
    reply = {"body": "已联系社区为您办理临时救助，请保持电话畅通。", "reason": "测试答复"}
    assert client.post(f"{url}/replies", json=reply, headers=tokens["road"]).status_code == 201
    closed = client.post(f"{url}/status", json={"status": "closed"}, headers=tokens["dispatcher"])
    assert closed.status_code == 200, closed.text


def test_a_closed_help_request_is_not_flagged_for_a_callback(client, session, tokens):
    created, url = new_case(client, session, tokens, "help")
    close_by_reply(client, url, tokens)
    refused = client.post(f"{url}/callback", json={"note": "再联系一次"}, headers=tokens["dispatcher"])
    assert refused.status_code == 409
    assert "reopen it first" in refused.json()["message"]

    login(client, "road")
    page = client.get(f"/staff/cases/{created['case_id']}")
    assert f'action="/staff/cases/{created["case_id"]}/callback"' not in page.text  # no form offered
    form = {"note": "", "csrf_token": csrf_of(page.text)}
    on_page = client.post(f"/staff/cases/{created['case_id']}/callback", data=form)
    assert on_page.status_code == 409
    assert "已办结的案件不能标记回电" in on_page.text
    session.expire_all()
    case = session.get(Case, created["case_id"])
    assert case.callbacks == []
    assert kinds.callbacks_waiting(session, [case.id]) == set()


def test_a_callback_flagged_before_closing_can_still_be_recorded(client, session, tokens):
    _, url = new_case(client, session, tokens, "help")
    assert client.post(f"{url}/callback", json={}, headers=tokens["road"]).status_code == 201
    close_by_reply(client, url, tokens)
    done = client.post(f"{url}/callback/done", json={"outcome": "已回电"}, headers=tokens["road"])
    assert done.status_code == 200
