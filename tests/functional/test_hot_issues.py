"""Stored hot issues: refresh with stable ids, staff pages, the case link, a statement for all."""

from __future__ import annotations

from datetime import timedelta

from tests.functional.conftest import csrf_of, login

from minyi.analysis.models import MessageAnalysis
from minyi.analysis.provider import PipelineProvider
from minyi.db.base import utcnow
from minyi.demo import factories
from minyi.flows.processing import process
from minyi.issues import card
from minyi.issues import services as issues
from minyi.issues.models import HotIssue

NOISE = [
    "滨江新城旁搅拌站夜间施工噪音扰民，严重影响休息",
    "滨江新城小区旁的搅拌站每晚噪音很大，孩子无法入睡",
    "投诉滨江新城附近搅拌站凌晨还在作业，噪音扰民",
    "滨江新城搅拌站噪音问题什么时候能解决",
]
PARKING = [
    "悦湖湾开发商捆绑销售车位，不买车位不给交房",
    "悦湖湾楼盘强制捆绑车位销售，侵害购房者权益",
    "举报悦湖湾开发商捆绑出售车位",
]


def seed_messages(session, world):
    pipeline = PipelineProvider(route_threshold=1.1).get(session)
    made = []
    for i, text in enumerate(NOISE + PARKING):
        message = factories.make_message(
            session,
            title=text[:14],
            body=text + "。",
            author=f"u{i}",
            process=False,
            received_at=utcnow() - timedelta(hours=i),
        )
        process(session, message, pipeline)
        made.append(message)
    session.commit()
    return made


def test_refresh_stores_issues_with_stable_ids(session, world):
    made = seed_messages(session, world)
    first = issues.refresh(session, days=30, min_size=3)
    assert first.issues == 2
    assert first.created == 2
    noise_issue = session.get(MessageAnalysis, made[0].id).issue_id
    parking_issue = session.get(MessageAnalysis, made[-1].id).issue_id
    assert noise_issue
    assert parking_issue
    assert noise_issue != parking_issue
    assert {session.get(MessageAnalysis, m.id).issue_id for m in made[:4]} == {noise_issue}
    again = issues.refresh(session, days=30, min_size=3)
    assert again.created == 0
    assert session.get(MessageAnalysis, made[0].id).issue_id == noise_issue
    hot = card.listing(session)
    assert hot[0].size >= 3
    assert issues.issue_of_case(session, made[0].case).id == noise_issue


def test_issue_pages_and_statement_for_all(client, session, world):
    made = seed_messages(session, world)
    issues.refresh(session, days=30, min_size=3)
    session.commit()
    issue = session.get(HotIssue, session.get(MessageAnalysis, made[0].id).issue_id)
    login(client, "boss")
    listing = client.get("/staff/issues")
    assert listing.status_code == 200
    assert issue.id in listing.text
    page = client.get(f"/staff/issues/{issue.id}")
    assert 'id="issue-size">4<' in page.text
    case_page = client.get(f"/staff/cases/{made[0].case_id}")
    assert 'id="hot-issue"' in case_page.text
    form = client.get(f"/staff/statements?issue={issue.id}")
    assert made[0].case.number in form.text
    token = csrf_of(form.text)
    lines = "\n".join(m.case.number for m in made[:4])
    published = client.post(
        "/staff/statements",
        data={
            "title": "关于滨江新城搅拌站噪音的答复",
            "body": "已责令停止夜间施工。",
            "case_lines": lines,
            "issue_key": issue.id,
            "csrf_token": token,
        },
    )
    assert published.status_code == 200
    session.expire_all()
    assert {m.case.status for m in made[:4]} == {"replied"}
    assert client.get("/staff/issues/nope").status_code == 404


def test_messages_join_a_hot_issue_as_they_arrive(client, session, world):
    ids = []
    for text in NOISE[:3]:
        response = client.post("/api/v1/messages", json={"title": text[:14], "body": text + "。"})
        assert response.status_code == 201
        ids.append(response.json()["id"])
    session.expire_all()
    linked = {session.get(MessageAnalysis, i).issue_id for i in ids}
    assert len(linked) == 1
    (issue_id,) = linked
    assert issue_id is not None
    assert session.get(HotIssue, issue_id).size == 3
    login(client, "boss")
    assert issue_id in client.get("/staff/issues").text


def test_the_issue_page_shows_whole_words_as_keywords(client, session, world):
    # The eleventh probe's hot issue read `a2 · 区丽发` (from A2区丽发新城) on the staff page.
    texts = [
        "A2区丽发新城搅拌站噪音扰民，晚上无法休息",
        "A2区丽发新城附近搅拌站夜间施工噪音大",
        "投诉A2区丽发新城搅拌站凌晨还在作业",
    ]
    ids = []
    for text in texts:
        response = client.post("/api/v1/messages", json={"title": text[:14], "body": text + "。"})
        assert response.status_code == 201
        ids.append(response.json()["id"])
    session.expire_all()
    (issue_id,) = {session.get(MessageAnalysis, i).issue_id for i in ids}
    keywords = session.get(HotIssue, issue_id).keywords
    assert keywords
    assert not {"a2", "区丽发", "丽发"} & set(keywords)
    assert all(any(word in text for text in texts) for word in keywords), keywords
    login(client, "boss")
    page = client.get(f"/staff/issues/{issue_id}").text
    assert " · ".join(keywords) in page
