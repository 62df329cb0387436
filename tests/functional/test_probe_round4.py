"""What the fourth probe found (docs/security-probes.md, 2026-12-07): a merge published a message
whose author had not agreed, and sentences and dates that staff could not use."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from tests.functional.conftest import bearer, csrf_of, login
from tests.issuedata import NOISE, make_issue

from minyi.cases import workflow
from minyi.cases.services import add_historical_reply
from minyi.db.base import utcnow
from minyi.demo import factories
from minyi.intake.models import Message
from minyi.knowledge import search as knowledge_search

PRIVATE_WORDS = "食堂后厨老鼠很多"


def _merged_public_case(client, session, world):
    """A public case that absorbed an older private one (并案), then answered in public."""
    private = factories.make_case(
        session,
        department=world.roads,
        title="私密投诉 单位食堂卫生",
        body=f"我单位{PRIVATE_WORDS}，此内容我不同意公开。",
        is_public=False,
        received_at=utcnow() - timedelta(hours=3),
    )
    public = factories.make_case(
        session,
        department=world.roads,
        title="芙蓉路路灯不亮",
        body="芙蓉路路灯连续一周不亮，晚上行人很危险。",
        is_public=True,
    )
    session.commit()
    login(client, "boss")
    token = csrf_of(client.get(f"/staff/cases/{public.id}").text)
    merged = client.post(
        f"/staff/cases/{public.id}/merge",
        data={"other": private.number, "csrf_token": token},
        follow_redirects=False,
    )
    assert merged.status_code == 303, merged.text
    replied = client.post(
        f"/staff/cases/{public.id}/reply",
        data={
            "body": "已安排维修，路灯已恢复。",
            "visibility": "public",
            "action": "send",
            "reason": "已现场核实",
            "csrf_token": token,
        },
        follow_redirects=False,
    )
    assert replied.status_code == 303, replied.text
    client.post("/staff/logout", data={"csrf_token": token})
    return public


def test_a_merge_does_not_publish_a_message_its_author_kept_private(client, session, world):
    case = _merged_public_case(client, session, world)
    pages = {
        "/public": client.get("/public"),
        "/public?code": client.get("/public", params={"code": case.messages[-1].tracking_code}),
        "/public/search": client.get("/public/search", params={"q": "路灯"}),
        "api search": client.get("/api/v1/public/search", params={"q": "路灯"}),
        "cases.csv": client.get("/public/data/cases.csv"),
        "cases.json": client.get("/public/data/cases.json"),
        "open311": client.get(f"/open311/v2/requests/{case.number}.json"),
        "open311 list": client.get("/open311/v2/requests.json"),
        "knowledge": client.get("/api/v1/public/knowledge", params={"q": "路灯 不亮"}),
    }
    for name, page in pages.items():
        assert page.status_code == 200, name
        assert PRIVATE_WORDS not in page.text, name
        assert "食堂" not in page.text, name
    # what is shown is the consenting author's own message
    assert "晚上行人很危险" in pages["/public"].text
    assert "晚上行人很危险" in pages["open311"].text
    assert client.get("/public/search", params={"q": "食堂"}).text.count(case.number) == 0


def test_department_staff_find_other_departments_public_answers_only(client, session, settings, world):
    """The knowledge base reuses answers across departments, but not another department's private cases."""
    public = factories.make_case(
        session,
        department=world.roads,
        title="公积金贷款条件",
        body="请问公积金贷款要什么条件",
        is_public=True,
    )
    add_historical_reply(
        session, public, "连续缴存6个月以上可申请公积金贷款。", datetime(2019, 5, 10, tzinfo=UTC)
    )
    private = factories.make_case(
        session, department=world.roads, title="公积金贷款额度", body="公积金贷款能贷多少", is_public=False
    )
    add_historical_reply(session, private, "私密答复：最高可贷六十万元。", datetime(2019, 5, 11, tzinfo=UTC))
    session.commit()
    knowledge_search.synchronise(session, settings)

    def numbers(user) -> set[str]:
        found = client.get(
            "/api/v1/knowledge/search", params={"q": "公积金贷款", "top": 10}, headers=bearer(session, user)
        )
        assert found.status_code == 200, found.text
        return {hit["number"] for hit in found.json() if hit["source"] == "case"}

    assert numbers(world.admin) == {public.number, private.number}
    assert numbers(world.road_staff) == {public.number, private.number}  # their own department
    assert numbers(world.school_staff) == {public.number}
    login(client, "school")
    page = client.get("/staff/knowledge", params={"q": "公积金贷款"})
    assert public.number in page.text
    assert "私密答复" not in page.text


def test_the_timeline_shows_why_a_case_came_back(client, session, world):
    """A department's reason for returning a case, and the citizen's rating that reopened one."""
    returned = factories.make_case(session, department=world.roads, title="不归我局管的留言")
    workflow.return_case(session, world.road_staff, returned, "不属于我局职责，应由教育局办理")
    rated = factories.make_case(session, status="replied", department=world.roads, title="路口积水")
    workflow.rate(session, rated.messages[0], "unsatisfied", False, "还是堵着，没有人来处理")  # noqa: FBT003
    session.commit()
    login(client, "boss")
    page = client.get(f"/staff/cases/{returned.id}").text
    assert "理由：不属于我局职责，应由教育局办理" in page
    page = client.get(f"/staff/cases/{rated.id}").text
    assert "不满意 · 问题未解决 · 市民意见：还是堵着，没有人来处理" in page
    assert "理由：回访：市民表示问题未解决或不满意" in page
    assert "the citizen says" not in page
    english = client.get(f"/staff/cases/{rated.id}", params={"lang": "en"}).text
    assert 'Not satisfied · solved: no · Citizen&#39;s comment: <span lang="zh-CN">还是堵着' in english


def test_staff_refusals_in_the_readers_language(client, session, world):
    made = [
        factories.make_case(session, department=world.roads, key=f"p4-{n}", title=f"路灯{n}")
        for n in range(2)
    ]
    issue, _ = make_issue(session, NOISE)
    session.commit()
    login(client, "road")
    token = csrf_of(client.get("/staff/statements").text)
    form = {"title": "统一答复", "body": "已处理完毕。", "csrf_token": token}
    wrong = client.post("/staff/statements", data=form | {"case_lines": "20261207-S2985APX"})
    assert wrong.status_code == 422
    assert "没有编号为 20261207-S2985APX 的案件" in wrong.text
    assert "no cases numbered" not in wrong.text
    # two numbers on one line, separated as people separate them
    both = client.post(
        "/staff/statements", data=form | {"case_lines": f"{made[0].number}、{made[1].number.lower()}"}
    )
    assert both.status_code == 200, both.text
    login(client, "boss")
    token = csrf_of(client.get(f"/staff/issues/{issue.id}").text)
    split = client.post(f"/staff/issues/{issue.id}/split", data={"csrf_token": token})
    assert split.status_code == 422
    assert "留言：请至少勾选一条留言" in split.text
    assert "message_ids:" not in split.text
    chinese = {**bearer(session, world.road_staff), "Accept-Language": "zh-CN"}
    refused = client.get("/api/v1/admin/departments", headers=chinese)
    assert refused.status_code == 403
    assert refused.json()["message"] == "您的角色无权管理本站。"
    gone = client.get("/api/v1/cases/nope", headers=chinese)
    assert gone.json()["message"] == "没有该案件，或该案件属于其他部门。"


def test_the_api_takes_iso_8601_times_as_json_sends_them(client, session, world):
    """A crawler sends the author's time as text; a number of seconds is refused, not guessed."""
    sent = client.post(
        "/api/v1/messages",
        json={"title": "积水", "body": "河西路积水", "submitted_at": "2026-11-24T10:00:00+08:00"},
    )
    assert sent.status_code == 201, sent.text
    stored = session.get(Message, sent.json()["id"])
    assert stored.submitted_at.replace(tzinfo=UTC) == datetime(2026, 11, 24, 2, tzinfo=UTC)
    for wrong in (1700000000, "1700000000", "yesterday"):
        refused = client.post(
            "/api/v1/messages", json={"title": "积水", "body": "河西路积水", "submitted_at": wrong}
        )
        assert refused.status_code == 422, wrong
    case = factories.make_case(session, department=world.roads, title="路灯")
    session.commit()
    flagged = client.post(
        f"/api/v1/cases/{case.id}/supervise",
        json={"comment": "请三日内办结", "due_at": "2026-12-31T09:30:00Z"},
        headers=bearer(session, world.supervisor),
    )
    assert flagged.status_code == 200, flagged.text


def test_an_unknown_category_is_refused_in_chinese_for_a_chinese_caller(client):
    zh = {"Accept-Language": "zh-CN"}
    refused = client.post(
        "/api/v1/messages", json={"title": "路灯", "body": "不亮", "category_id": "nope"}, headers=zh
    )
    assert refused.status_code == 422
    assert "没有编号为“nope”的类别" in refused.text
