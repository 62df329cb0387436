"""Hot-issue pages and their JSON twins: the card, the list, rename/merge/split, roles, bad input."""

from __future__ import annotations

import json
import re

import pytest
from tests.functional.conftest import bearer, csrf_of, login
from tests.issuedata import NOISE, PARKING, make_issue

from minyi.analysis.models import MessageAnalysis
from minyi.cases import services as cases
from minyi.db.base import utcnow
from minyi.issues.models import HotIssue


@pytest.fixture
def two_issues(session, world):
    noise, noise_messages = make_issue(session, NOISE)
    parking, parking_messages = make_issue(session, PARKING, title="悦湖湾捆绑车位", author_prefix="p")
    for message in noise_messages:  # the road department's cases: its staff read them on the card
        cases.dispatch(session, world.dispatcher, message.case, world.roads)
    noise.heat, parking.heat = 5.0, 3.0
    session.commit()
    return noise, noise_messages, parking, parking_messages


def test_issue_card_shows_numbers_mix_messages_cases_and_the_chart(client, session, two_issues):
    noise, made, _, _ = two_issues
    noise.categories = {}  # filled in from the messages' categories
    session.commit()
    login(client, "road")
    page = client.get(f"/staff/issues/{noise.id}")
    assert page.status_code == 200
    text = page.text
    assert 'id="issue-size">4<' in text
    assert 'id="issue-authors">3<' in text
    assert 'id="issue-heat-terms">' in text  # heat by people, term by term (issue 16)
    shown = re.search(r'id="issue-heat-terms">([^<]*)<', text).group(1)
    assert "时间衰减" in shown
    assert "近期增长" in shown
    assert "环境保护 <b>2</b>" in text
    assert "城乡建设 <b>2</b>" in text
    assert made[0].case.number in text
    assert 'id="issue-representatives"' in text
    assert 'id="issue-chart"' in text
    assert '<script src="/static/vendor/echarts/echarts.min.js"></script>' in text
    assert "<script>" not in text  # the CSP allows no inline script
    data = re.search(r'id="issue-timeline-data">(.*?)</script>', text, re.DOTALL)
    chart = json.loads(data.group(1))
    assert sum(chart["counts"]) == 4
    assert chart["labels"]["daily"] == "每日留言"
    # privacy: masked text, no contact, no author pseudonym
    assert "13812345678" not in text
    assert "张三" not in text
    assert "13900001111" not in text
    assert all(m.author_pseudonym not in text for m in made)
    # a department's staff reads the card but may not edit it
    assert 'id="issue-edit"' not in text
    assert 'name="message_ids"' not in text
    assert "script-src 'self'" in page.headers["content-security-policy"]


def test_vendored_echarts_and_chart_script_are_served(client):
    echarts = client.get("/static/vendor/echarts/echarts.min.js")
    assert echarts.status_code == 200
    assert "Apache" in echarts.text[:2000]
    assert client.get("/static/issue-chart.js").status_code == 200
    assert client.get("/static/vendor/echarts/LICENSE").status_code == 200


def test_list_hides_merged_issues_and_filters(client, session, two_issues):
    noise, _, parking, _ = two_issues
    gone = HotIssue(title="已合并", first_time=utcnow(), last_time=utcnow(), merged_into_id=noise.id)
    parking.archived_at = utcnow()
    session.add(gone)
    session.commit()
    login(client, "road")
    active = client.get("/staff/issues")
    assert noise.id in active.text
    assert parking.id not in active.text
    assert gone.id not in active.text
    archived = client.get("/staff/issues?status=archived")
    assert parking.id in archived.text
    assert "已归档" in archived.text
    assert noise.id not in archived.text
    assert noise.id in client.get("/staff/issues?status=all&days=30").text
    assert noise.id in client.get("/staff/issues?days=").text
    for bad, field in (
        ("?days=abc", "天数应为 1 到"),
        ("?days=0", "天数应为 1 到"),
        ("?status=weird", "请从列表中选择状态。"),
    ):
        response = client.get("/staff/issues" + bad)
        assert response.status_code == 422
        assert field in response.text
    english = client.get(f"/staff/issues/{parking.id}?lang=en")
    assert "Archived" in english.text
    assert "Category mix" in english.text


def test_dispatcher_renames_merges_and_splits_on_the_page(client, session, two_issues):
    noise, noise_messages, parking, parking_messages = two_issues
    login(client, "disp")
    page = client.get(f"/staff/issues/{noise.id}")
    assert 'id="issue-edit"' in page.text
    assert parking.id in page.text  # offered as a merge target
    token = csrf_of(page.text)

    renamed = client.post(
        f"/staff/issues/{noise.id}/rename", data={"title": "搅拌站夜间噪音", "csrf_token": token}
    )
    assert renamed.status_code == 200
    session.expire_all()
    assert noise.title == "搅拌站夜间噪音"
    assert noise.title_locked

    picked = [m.id for m in noise_messages[:2]]
    split = client.post(
        f"/staff/issues/{noise.id}/split",
        data={"message_ids": picked, "title": "夜间施工", "csrf_token": token},
        follow_redirects=False,
    )
    assert split.status_code == 303
    new_id = split.headers["location"].rsplit("/", 1)[1]
    session.expire_all()
    assert session.get(HotIssue, new_id).size == 2
    assert noise.size == 2

    merged = client.post(
        f"/staff/issues/{new_id}/merge",
        data={"target_id": noise.id, "confirm": "1", "csrf_token": token},
        follow_redirects=False,
    )
    assert merged.status_code == 303
    assert merged.headers["location"] == f"/staff/issues/{noise.id}"
    session.expire_all()
    assert noise.size == 4
    assert {session.get(MessageAnalysis, i).issue_pinned for i in picked} == {True}
    old = client.get(f"/staff/issues/{new_id}", follow_redirects=False)
    assert old.status_code == 302
    assert old.headers["location"] == f"/staff/issues/{noise.id}"
    assert parking_messages[0].id not in client.get(f"/staff/issues/{noise.id}").text


@pytest.mark.parametrize(
    ("action", "data", "field"),
    [
        ("rename", {"title": "  "}, "标题："),
        ("merge", {"target_id": ""}, "并入："),
        ("merge", {"target_id": "nope"}, "并入："),
        ("merge", {"target_id": "SELF"}, "确认合并"),
        ("split", {}, "留言："),
        ("split", {"message_ids": ["nope"]}, "留言："),
    ],
)
def test_bad_edits_are_refused_naming_the_field(client, session, two_issues, action, data, field):
    noise, *_ = two_issues
    login(client, "sup")
    token = csrf_of(client.get(f"/staff/issues/{noise.id}").text)
    if data.get("target_id") == "SELF":  # a real target, but the box not ticked
        data = {"target_id": two_issues[2].id}
    response = client.post(f"/staff/issues/{noise.id}/{action}", data={**data, "csrf_token": token})
    assert response.status_code == 422
    assert field in response.text  # the field named in the reader's words
    session.expire_all()
    assert noise.size == 4


def test_edits_need_the_role_and_the_csrf_token(client, session, two_issues):
    noise, *_ = two_issues
    login(client, "road")
    token = csrf_of(client.get(f"/staff/issues/{noise.id}").text)
    refused = client.post(f"/staff/issues/{noise.id}/rename", data={"title": "x", "csrf_token": token})
    assert refused.status_code == 403
    client.post("/staff/logout", data={"csrf_token": token})
    login(client, "boss")
    assert client.post(f"/staff/issues/{noise.id}/rename", data={"title": "x"}).status_code == 400
    assert (
        client.post(
            "/staff/issues/nope/rename",
            data={"title": "x", "csrf_token": csrf_of(client.get(f"/staff/issues/{noise.id}").text)},
        ).status_code
        == 404
    )
    session.expire_all()
    assert noise.title != "x"


def test_api_lists_and_shows_issues(client, session, world, two_issues):
    noise, made, parking, _ = two_issues
    headers = bearer(session, world.road_staff)
    assert client.get("/api/v1/issues").status_code == 401
    listing = client.get("/api/v1/issues?limit=1", headers=headers)
    assert listing.status_code == 200
    assert [i["id"] for i in listing.json()["items"]] == [noise.id]
    parking.archived_at = utcnow()
    session.commit()
    archived = client.get("/api/v1/issues?status=archived", headers=headers).json()["items"]
    assert [i["id"] for i in archived] == [parking.id]
    detail = client.get(f"/api/v1/issues/{noise.id}", headers=headers)
    assert detail.status_code == 200
    body = detail.json()
    assert body["size"] == 4
    assert body["authors"] == 3
    assert sum(body["timeline"].values()) == 4
    assert body["categories"] == {"环境保护": 2, "城乡建设": 2}
    assert len(body["representatives"]) == 3
    assert made[0].case.number in body["case_numbers"]
    raw = detail.text
    assert "13812345678" not in raw
    assert "张三" not in raw
    assert all(m.author_pseudonym not in raw for m in made)
    assert client.get("/api/v1/issues/nope", headers=headers).status_code == 404
    for query, field in (("limit=0", "limit"), ("status=x", "status"), ("days=-1", "days")):
        bad = client.get(f"/api/v1/issues?{query}", headers=headers)
        assert bad.status_code == 422
        assert bad.json()["fields"][0]["field"] == field


def test_api_edits_with_roles_and_field_errors(client, session, world, two_issues):
    noise, noise_messages, parking, _ = two_issues
    staff = bearer(session, world.road_staff)
    disp = bearer(session, world.dispatcher)
    assert (
        client.post(f"/api/v1/issues/{noise.id}/rename", json={"title": "x"}, headers=staff).status_code
        == 403
    )
    renamed = client.post(f"/api/v1/issues/{noise.id}/rename", json={"title": "夜间噪音"}, headers=disp)
    assert renamed.status_code == 200
    assert renamed.json()["title_locked"] is True
    split = client.post(
        f"/api/v1/issues/{noise.id}/split",
        json={"message_ids": [noise_messages[0].id]},
        headers=disp,
    )
    assert split.status_code == 201
    new_id = split.json()["id"]
    assert split.json()["size"] == 1
    merged = client.post(f"/api/v1/issues/{new_id}/merge", json={"target_id": noise.id}, headers=disp)
    assert merged.status_code == 200
    assert merged.json()["size"] == 4
    assert client.get(f"/api/v1/issues/{new_id}", headers=disp).json()["merged_into_id"] == noise.id
    cases = [
        ("rename", {"title": ""}, "title"),
        ("rename", {"name": "x"}, "title"),
        ("merge", {"target_id": "nope"}, "target_id"),
        ("merge", {"target_id": noise.id}, "target_id"),
        ("split", {"message_ids": []}, "message_ids"),
        ("split", {"message_ids": [m.id for m in noise_messages]}, "message_ids"),
        ("split", {"message_ids": "abc"}, "message_ids"),
    ]
    for action, data, field in cases:
        response = client.post(f"/api/v1/issues/{noise.id}/{action}", json=data, headers=disp)
        assert response.status_code == 422, (action, data, response.text)
        assert field in [f["field"] for f in response.json()["fields"]], (action, data)
    assert (
        client.post("/api/v1/issues/nope/split", json={"message_ids": ["a"]}, headers=disp).status_code == 404
    )
    session.expire_all()
    assert noise.size == 4
    assert parking.size == 3


def test_the_terms_add_up_to_the_heat_shown(client, session, two_issues):
    """Growth and decay were left out: the three terms shown did not make the heat beside them."""
    from minyi.issues import records

    noise, _, _, _ = two_issues
    noise.heat = records.current_heat(noise, noise.updated_at)
    session.commit()
    login(client, "boss")
    text = client.get(f"/staff/issues/{noise.id}").text
    shown = re.search(r'id="issue-heat-terms">([^<]*)<', text).group(1)
    assert f"＝ {noise.heat:.2f}" in shown
