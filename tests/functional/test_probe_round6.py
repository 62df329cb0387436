"""The sixth probe (docs/security-probes.md): a citizen on a phone and English-speaking staff."""

from __future__ import annotations

from tests.functional.conftest import csrf_of, login

from minyi.demo import factories


def test_dispatching_again_to_the_same_department_is_said_in_chinese(client, session, world):
    case = factories.make_case(
        session, status="dispatched", department=world.roads, category=world.road_category
    )
    session.commit()
    login(client, "disp")
    page = client.get(f"/staff/cases/{case.id}")
    form = {"csrf_token": csrf_of(page.text), "department_id": world.roads.id, "note": ""}
    again = client.post(f"/staff/cases/{case.id}/dispatch", data=form, follow_redirects=True)
    assert "案件已派给该单位办理" in again.text
    assert "already dispatched" not in again.text


def _portal(client, **fields):
    page = client.get("/")
    form = {"title": "路灯不亮", "body": "小区东门路灯坏了一周。", "csrf_token": csrf_of(page.text)} | fields
    return client.post("/submit", data=form)


def test_the_portal_asks_again_for_a_phone_it_cannot_call_and_for_words(client):
    for phone in ("12345", "1381234567", "138123456789", "abc"):
        refused = _portal(client, phone=phone)
        assert refused.status_code == 422, phone
        assert 'id="phone-error">联系电话：请填写可以回电的号码' in refused.text
    emoji = _portal(client, title="💡💡", body="😡😡😡", phone="12345")
    assert emoji.status_code == 422
    assert 'id="title-error">留言主题：请用文字描述' in emoji.text
    assert 'id="body-error">留言内容：请用文字描述问题' in emoji.text
    assert 'id="phone-error"' in emoji.text  # every problem at once
    empty = _portal(client, title="", phone="12345")
    assert 'id="title-error"' in empty.text
    assert 'id="phone-error"' in empty.text
    for phone in (
        "138 1234 5678",
        "+86 138-1234-5678",
        "0731-84123456",
        "(0731)84123456",
        "84123456",
        "+852 9123 4567",
    ):
        assert _portal(client, phone=phone).status_code in (200, 303), phone


def test_an_unsatisfied_citizen_is_told_what_happens_next(client, session, world):
    from tests.functional.conftest import TEST_SECRET

    from minyi.intake import identity
    from minyi.intake.models import Message

    assert _portal(client, category_id=world.road_category.id).status_code in (200, 303)
    message = session.query(Message).one()
    factories.drive_case(session, message.case, "replied")
    session.commit()
    token = csrf_of(client.get("/track").text)
    secret = identity.tracking_secret(TEST_SECRET, message.id)
    rating = {"code": message.tracking_code, "secret": secret, "satisfaction": "unsatisfied", "solved": "no"}
    rated = client.post("/track/rate", data=rating | {"csrf_token": token})
    assert rated.status_code == 200
    assert "您的意见已转承办单位重新办理（重办），新的答复时限：" in rated.text
    assert "重新办理（重办）" in rated.text.split("感谢您的评价")[-1]  # the step in the history too
    session.refresh(message.case)
    factories.drive_case(session, message.case, "replied")
    session.commit()
    closed = client.post(
        "/track/rate", data=rating | {"satisfaction": "satisfied", "solved": "yes", "csrf_token": token}
    )
    assert "感谢您的评价，案件已办结。" in closed.text


def test_the_staff_history_credits_the_citizen_and_speaks_english(client, session, world):
    from minyi.cases import workflow

    case = factories.make_case(
        session, status="replied", department=world.roads, category=world.road_category
    )
    workflow.rate(session, case.messages[0], "unsatisfied", solved=False)
    session.commit()
    login(client, "boss")
    english = client.get(f"/staff/cases/{case.id}?lang=en").text
    history = english.split('class="timeline"')[1]
    assert "Rated by the citizen</b> Citizen" in history
    assert "solved: no" in history
    assert "the citizen said the problem is not solved" in history
    assert workflow.REOPENED_BY_RATING not in history
    chinese = client.get(f"/staff/cases/{case.id}?lang=zh").text.split('class="timeline"')[1]
    assert "回访评价</b> 市民" in chinese
    assert workflow.REOPENED_BY_RATING in chinese


def test_an_upload_without_a_file_shows_the_form_again(client, session, world):
    login(client, "boss")
    for page, action in (
        ("/staff/imports", "/staff/imports"),
        ("/staff/admin", "/staff/admin/categories"),
        ("/staff/knowledge", "/staff/knowledge-import"),
    ):
        token = csrf_of(client.get(page).text)
        for files in (None, {"file": ("", b"", "application/octet-stream")}):
            answer = client.post(action, data={"csrf_token": token}, files=files)
            assert answer.status_code == 422, (action, answer.text[:300])
            assert "请先选择要上传的文件" in answer.text, action
            assert (
                'id="staffbar"' in answer.text or "staff-bar" in answer.text or "/staff/logout" in answer.text
            )


def test_errors_speak_chinese_to_a_chinese_caller(client):
    zh = {"Accept-Language": "zh-CN"}
    no_token = client.get("/api/v1/cases", headers=zh)
    assert no_token.status_code == 401
    assert no_token.json()["message"].startswith("需要员工 API 令牌")
    assert client.get("/api/v1/cases").json()["message"] == "this endpoint needs a staff API token"
    wrong_method = client.delete("/api/v1/messages", headers=zh)
    assert wrong_method.status_code == 405
    assert wrong_method.json()["message"] == "此地址不接受这种请求方法。"
    big = client.post(
        "/api/v1/messages", content=b"x" * (2 << 20), headers=zh | {"Content-Type": "application/json"}
    )
    assert big.status_code == 413
    assert "请求内容过大" in big.json()["message"]


def test_an_unexpected_error_is_the_sites_page_in_the_readers_language(settings, database):
    from fastapi.testclient import TestClient

    from minyi.server.app import create_app

    app = create_app(settings, database)

    @app.get("/boom")
    def boom() -> None:
        raise RuntimeError("boom")

    @app.get("/api/v1/boom")
    def api_boom() -> None:
        raise RuntimeError("boom")

    with TestClient(app, raise_server_exceptions=False) as caller:
        page = caller.get("/boom", headers={"Accept-Language": "zh-CN"})
        assert page.status_code == 500
        assert "系统内部错误，已记录" in page.text
        assert "<html" in page.text  # the site's page, not one English line
        english = caller.get("/boom?lang=en")
        assert "Something went wrong on our side" in english.text
        api = caller.get("/api/v1/boom", headers={"Accept-Language": "zh-CN"})
        assert api.json() == {"error": "internal_error", "message": INTERNAL_ZH}
        assert "boom" not in api.text


INTERNAL_ZH = "系统内部错误，已记录；请稍后重试，如一直出错请联系系统管理员。"


def test_the_admin_page_counts_the_holidays_file_as_entered(client, world, tmp_path, monkeypatch):
    from minyi.cases.calendar import default_calendar
    from minyi.db.base import utcnow

    coming = utcnow().year + 1
    listed = tmp_path / "holidays.csv"
    listed.write_text(
        f"date,kind,name\n{coming}-02-08,holiday,春节\n{coming}-02-09,holiday,春节\n", encoding="utf-8"
    )
    login(client, "boss")
    assert f'id="holidays-missing-{coming}"' in client.get("/staff/admin").text
    monkeypatch.setenv("MINYI_HOLIDAYS_FILE", str(listed))
    default_calendar.cache_clear()
    try:
        page = client.get("/staff/admin").text
    finally:
        monkeypatch.delenv("MINYI_HOLIDAYS_FILE")
        default_calendar.cache_clear()
    assert f'id="holidays-missing-{coming}"' not in page  # the file lists it: not said missing
    assert f"{coming} 年 2 天" in page


def test_english_pages_carry_the_english_site_name(client):
    english = client.get("/?lang=en").text
    assert "· Minyi · Public Messages</title>" in english
    assert "民意 · 政务留言" not in english
    assert "民意 · 政务留言" in client.get("/?lang=zh").text


def test_an_answer_the_citizen_disputed_is_marked_on_public(client, session, world):
    from minyi.cases import workflow

    case = factories.make_case(
        session, status="replied", department=world.roads, category=world.road_category, is_public=True
    )
    workflow.rate(session, case.messages[0], "unsatisfied", solved=False, comment="答复说已修好不是事实")
    session.refresh(case)
    factories.drive_case(session, case, "replied", "经复查，路灯线路老化，已于本周更换线路并恢复照明。")
    session.commit()
    page = client.get("/public").text
    assert "市民对此前的答复不满意，案件已重新办理（重办）" in page
    assert page.count("重办前的答复</span>") == 1  # the first answer, not the new one
    assert 'class="reply superseded"' in page
    english = client.get("/public?lang=en").text
    assert "Answer before the case was reopened" in english


def test_english_pages_show_english_category_names(client, session, world):
    world.road_category.parent.name_en = "Transport"
    world.road_category.name_en = "Road maintenance"
    case = factories.make_case(
        session, status="dispatched", department=world.roads, category=world.road_category
    )
    session.commit()
    assert ">　Road maintenance</option>" in client.get("/?lang=en").text
    assert ">　道路维护</option>" in client.get("/?lang=zh").text
    login(client, "boss")
    page = client.get(f"/staff/cases/{case.id}?lang=en").text
    assert "Transport / Road maintenance" in page
    inbox = client.get("/staff?lang=en").text
    assert "Road maintenance" in inbox


def test_a_whole_case_number_of_another_system_is_found_by_its_index(session, world):
    from minyi.cases.queries import CaseFilter, list_cases

    old = factories.make_case(
        session, status="dispatched", department=world.roads, category=world.road_category
    )
    old.number = "20250731-P00032386"
    mention = factories.make_case(
        session,
        status="dispatched",
        department=world.roads,
        body="此前的编号是20250731-P00032386，一直没解决。",
    )
    session.flush()
    found, total = list_cases(session, world.admin, CaseFilter(query="20250731-P00032386"))
    assert [c.id for c in found] == [old.id]  # the number itself, not every text that mentions it
    assert total == 1
    words, _ = list_cases(session, world.admin, CaseFilter(query="P00032386"))
    assert {c.id for c in words} == {old.id, mention.id}  # a part of it still searches the words


def test_the_inbox_lists_the_first_groups_and_the_rest_on_request(client, session, world, monkeypatch):
    from tests.functional.test_inbox_urgent import _issue, analysed

    from minyi.web import staff

    monkeypatch.setattr(staff, "GROUPS_SHOWN", 1)
    for place in ("幸福小区停水", "阳光花园停电"):
        issue = _issue(session, place)
        for n in range(2):
            case = factories.make_case(session, status="received", key=f"g-{place}-{n}", title=f"{place}{n}")
            analysed(session, case, issue_id=issue.id)
    session.commit()
    login(client, "disp")
    page = client.get("/staff").text
    assert page.count('<details class="case-group') == 1
    assert 'id="groups-more">另有 1 组未列出。' in page
    everything = client.get("/staff?groups=all").text
    assert everything.count('<details class="case-group') == 2
    assert 'id="groups-more"' not in everything


def test_another_departments_case_number_is_searched_as_words(session, world):
    """The number's look-up ran over every case: a department's own mention went unfound, and
    its total told other departments' numbers apart (ninth probe's attacker)."""
    from minyi.cases.queries import CaseFilter, list_cases

    other = factories.make_case(session, status="dispatched", department=world.schools)
    other.number = "OLDSYS-12345"
    mine = factories.make_case(
        session, status="dispatched", department=world.roads, body="参见旧系统工单 OLDSYS-12345。"
    )
    session.flush()
    found, total = list_cases(session, world.road_staff, CaseFilter(query="OLDSYS-12345"))
    assert ([c.id for c in found], total) == ([mine.id], 1)
    prefix, _ = list_cases(session, world.road_staff, CaseFilter(query="OLDSYS-1234"))
    assert [c.id for c in prefix] == [mine.id]
    admin, _ = list_cases(session, world.admin, CaseFilter(query="OLDSYS-12345"))
    assert [c.id for c in admin] == [other.id]  # who may see the numbered case gets it alone
