"""The operator's day: urgent cases first, deadlines in order, open counts, groups of one event, 并案."""

from __future__ import annotations

import re
from datetime import timedelta

from sqlalchemy import select
from tests.functional.conftest import bearer, csrf_of, login

from minyi.analysis.models import MessageAnalysis
from minyi.cases import desk_due
from minyi.cases import services as cases
from minyi.cases.models import Case, CaseStatus, DeadlineRuleRecord, EventAction
from minyi.db.base import utcnow
from minyi.demo import factories
from minyi.issues.models import HotIssue


def table_of(html: str) -> str:
    """The inbox's case table (the groups above it name cases too)."""
    return html[html.index('<table class="cases stacked">') :]


def positions(html: str, titles: list[str]) -> list[int]:
    table = table_of(html)
    return [table.index(title) for title in titles]


def analysed(session, case: Case, **fields) -> MessageAnalysis:
    row = MessageAnalysis(message_id=case.messages[0].id, pipeline_version="test", **fields)
    session.add(row)
    session.flush()
    return row


def test_inbox_puts_urgent_cases_first_then_the_earliest_deadline_and_none_last(client, session, world):
    factories.make_case(session, category=world.road_category, title="甲 十五天")
    sooner = factories.make_case(session, category=world.road_category, title="乙 明天到期")
    sooner.due_at = utcnow() + timedelta(days=1)
    # praise: no deadline by the rules either (a message never accepted is sorted by its rules'
    # deadline, cases.queries.inbox_keys)
    praise = factories.make_case(session, status="received", title="丙 待分派无时限")
    praise.appeal_kind = "praise"
    desk_due.recount(session, praise)  # as the services changing a kind do (stored, cases.desk_due)
    answered = factories.make_case(session, category=world.road_category, status="replied", title="丁 已答复")
    answered.due_at = utcnow() - timedelta(days=3)  # an answered case's deadline no longer counts
    urgent = factories.make_case(session, status="received", title="戊 燃气泄漏")
    cases.mark_urgent(session, urgent, "燃气泄漏")
    session.commit()
    login(client, "disp")
    page = client.get("/staff")
    assert page.status_code == 200
    order = positions(page.text, ["戊 燃气泄漏", "乙 明天到期", "甲 十五天", "丙 待分派无时限", "丁 已答复"])
    assert order == sorted(order)
    row = table_of(page.text).split("戊 燃气泄漏")[0].rsplit("<tr", 1)[1]
    assert 'class="urgent"' in row
    assert "紧急" in row
    assert urgent.due_at is not None
    assert urgent.due_at - utcnow() <= timedelta(hours=2)
    assert "收到时间" in page.text or "留言时间" in page.text  # the received-time column


def test_the_to_do_count_leaves_closed_cases_out(client, session, world):
    factories.make_case(session, category=world.road_category, title="待办一")
    factories.make_case(session, status="received", title="待办二")
    factories.make_case(session, category=world.road_category, status="closed", title="已办结")
    session.commit()
    login(client, "disp")
    page = client.get("/staff")
    assert re.search(r'id="open-total">待办 2<', page.text), page.text[:3000]
    login(client, "road")
    assert re.search(r'id="open-total">待办 1<', client.get("/staff").text)


def _issue(session, title: str) -> HotIssue:
    issue = HotIssue(title=title, first_time=utcnow(), last_time=utcnow(), timeline={})
    session.add(issue)
    session.flush()
    return issue


def test_cases_of_one_hot_issue_are_grouped_and_merged_with_one_click(client, session, world):
    issue = _issue(session, "锦绣家园楼道燃气泄漏")
    reports = []
    for n, phone in enumerate(("13800001111", "13900002222", "13700003333")):
        case = factories.make_case(
            session,
            status="received",
            title=f"锦绣家园燃气味{n}",
            body=f"第{n}位居民：楼道燃气味很重",
            contact={"name": f"居民{n}", "phone": phone},
        )
        analysed(session, case, issue_id=issue.id)
        reports.append(case)
    other = factories.make_case(session, status="received", title="别的事")
    codes = {c.messages[0].tracking_code for c in reports}
    session.commit()
    login(client, "disp")
    page = client.get("/staff")
    groups = page.text[page.text.index('id="case-groups"') : page.text.index('<table class="cases stacked">')]
    assert "同一事件 3 件" in groups
    assert "锦绣家园楼道燃气泄漏" in groups
    assert "别的事" not in groups
    assert table_of(page.text).count("同一事件 3 件") == 3  # each row links to its group
    searched = client.get("/staff", params={"q": "燃气"}).text
    assert 'id="case-groups"' not in searched  # a search shows its hits first, no panel above them
    ids = re.findall(r'name="case_ids" value="([^"]+)"', groups)
    assert sorted(ids) == sorted(c.id for c in reports)
    response = client.post(
        "/staff/groups/merge",
        data={"csrf_token": csrf_of(page.text), "case_ids": ids},
        follow_redirects=False,
    )
    assert response.status_code == 303
    keep_id = response.headers["location"].rsplit("/", 1)[1]
    assert keep_id == reports[0].id  # the oldest
    session.expire_all()
    keep = session.get(Case, keep_id)
    assert len(keep.messages) == 3
    assert {m.tracking_code for m in keep.messages} == codes
    for absorbed in reports[1:]:
        fresh = session.get(Case, absorbed.id)
        assert fresh.status == CaseStatus.CLOSED
        assert fresh.events[-1].action == EventAction.MERGED_INTO
    shown = client.get(response.headers["location"])
    assert "已并案：2 件并入" in shown.text
    assert "同一事件" not in client.get("/staff").text  # nothing left to group
    assert session.get(Case, other.id).status == CaseStatus.RECEIVED


def test_urgent_reports_of_one_emergency_at_one_place_are_grouped(client, session, world):
    first = factories.make_case(session, status="received", title="锦绣家园燃气泄漏", body="3栋楼道")
    second = factories.make_case(session, status="received", title="闻到燃气味", body="锦绣家园小区燃气泄漏")
    elsewhere = factories.make_case(session, status="received", title="梅溪郡燃气泄漏", body="5栋")
    for case in (first, second, elsewhere):
        cases.mark_urgent(session, case, "燃气泄漏")
    session.commit()
    login(client, "disp")
    page = client.get("/staff")
    groups = page.text[page.text.index('id="case-groups"') : page.text.index('<table class="cases stacked">')]
    assert "同一事件 2 件" in groups
    assert "紧急" in groups
    assert sorted(re.findall(r'name="case_ids" value="([^"]+)"', groups)) == sorted([first.id, second.id])


def test_a_merge_of_cases_not_in_one_group_is_refused(client, session, world):
    one = factories.make_case(session, status="received", title="甲")
    two = factories.make_case(session, status="received", title="乙")
    session.commit()
    login(client, "disp")
    page = client.get("/staff")
    response = client.post(
        "/staff/groups/merge", data={"csrf_token": csrf_of(page.text), "case_ids": [one.id, two.id]}
    )
    assert response.status_code == 422
    assert "请选择同一事件中的两件或更多案件并案" in response.text
    login(client, "road")
    page = client.get("/staff")
    response = client.post(
        "/staff/groups/merge", data={"csrf_token": csrf_of(page.text), "case_ids": [one.id, two.id]}
    )
    assert response.status_code in {403, 422}
    session.expire_all()
    assert session.get(Case, two.id).status == CaseStatus.RECEIVED


def test_recategorise_starts_empty_and_undetermined_appeals_say_so(client, session, world):
    case = factories.make_case(session, category=world.road_category, title="说不清的留言")
    case.appeal_kind = "inquiry"
    analysed(session, case, appeal_kind="inquiry", appeal_confidence=0.0)
    sure = factories.make_case(session, category=world.road_category, title="明确的投诉")
    sure.appeal_kind = "complaint"
    analysed(session, sure, appeal_kind="complaint", appeal_confidence=0.8)
    session.commit()
    login(client, "disp")
    inbox = table_of(client.get("/staff").text)
    unsure_row = inbox.split("说不清的留言")[1].split("</tr>")[0]
    assert "未能判断" in unsure_row
    assert "咨询" not in unsure_row
    sure_row = inbox.split("明确的投诉")[1].split("</tr>")[0]
    assert "投诉" in sure_row
    page = client.get(f"/staff/cases/{case.id}").text
    assert "未能判断" in page
    assert re.search(r'id="case-appeal">.*未能判断', page)
    select_html = page[page.index('<select id="category_id"') :].split("</select>")[0]
    assert '<option value="" selected>请选择</option>' in select_html
    assert select_html.count("selected") == 1
    assert "未能判断" not in client.get(f"/staff/cases/{sure.id}").text
    english = client.get(f"/staff/cases/{case.id}?lang=en").text
    assert "Undetermined" in english


def test_an_urgent_case_page_shows_the_badge_and_offers_the_suggested_department_at_once(
    client, session, world
):
    case = factories.make_case(session, status="received", title="楼道燃气泄漏")
    cases.mark_urgent(session, case, "燃气泄漏")
    top = [{"label": "交通运输 / 道路维护", "confidence": 0.42, "department": world.roads.code}]
    analysed(session, case, category_top=top, appeal_kind="help", appeal_confidence=0.7)
    session.commit()
    login(client, "disp")
    page = client.get(f"/staff/cases/{case.id}").text
    assert 'id="urgent-badge"' in page
    assert "燃气泄漏" in page.split('id="urgent-reason">')[1][:40]
    urgent = page[page.index('id="urgent-dispatch"') :]
    assert page.index('id="urgent-dispatch"') < page.index("<h2>" + "留言")  # before the messages
    form = urgent.split("</form>")[0]
    assert world.roads.id in form
    assert "交通运输局" in form
    response = client.post(
        f"/staff/cases/{case.id}/dispatch",
        data={"csrf_token": csrf_of(page), "department_id": world.roads.id, "note": "紧急"},
        follow_redirects=False,
    )
    assert response.status_code == 303
    session.expire_all()
    dispatched = session.get(Case, case.id)
    assert dispatched.status == CaseStatus.DISPATCHED
    assert dispatched.due_at - dispatched.created_at <= timedelta(hours=2, minutes=1)  # kept


def test_admins_set_the_urgent_deadline_as_a_rule(client, session, world):
    login(client, "boss")
    page = client.get("/staff/admin")
    assert "2 小时" in page.text
    response = client.post(
        "/staff/admin/rules",
        data={"csrf_token": csrf_of(page.text), "reply_hours": "1", "urgent": "1", "note": "紧急一小时"},
        follow_redirects=False,
    )
    assert response.status_code in {200, 303}
    rule = session.scalar(select(DeadlineRuleRecord).where(DeadlineRuleRecord.note == "紧急一小时"))
    assert rule is not None
    assert rule.urgent is True
    case = factories.make_case(session, status="received", title="塌方")
    cases.mark_urgent(session, case, "塌方")
    assert case.due_at - utcnow() <= timedelta(hours=1)
    assert case.due_at - utcnow() > timedelta(minutes=50)


def test_the_api_lists_urgent_cases_first_and_says_why(client, session, world):
    factories.make_case(session, category=world.road_category, title="普通")
    urgent = factories.make_case(session, status="received", title="小区火灾")
    cases.mark_urgent(session, urgent, "火灾")
    session.commit()
    body = client.get("/api/v1/cases", headers=bearer(session, world.dispatcher)).json()
    first = body["items"][0]
    assert (first["id"], first["urgent"], first["urgent_reason"]) == (urgent.id, True, "火灾")
    assert body["items"][1]["urgent"] is False
