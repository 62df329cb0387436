"""The fourth probe's leftovers closed (docs/security-probes.md): a body that is not JSON, the
Host header in Open311 discovery."""

from __future__ import annotations

from fastapi.testclient import TestClient

from minyi.server.app import create_app


def test_a_body_that_is_not_json_gets_415_and_names_no_field(client):
    form = client.post(
        "/api/v1/messages",
        content="title=x&body=y",
        headers={"Content-Type": "application/x-www-form-urlencoded"},
    )
    assert form.status_code == 415
    assert form.json()["error"] == "unsupported_media_type"
    assert "application/json" in form.json()["message"]
    assert form.json()["fields"] == []  # not "body", which is also the message text's field

    chinese = client.post(
        "/api/v1/messages", content="x", headers={"Content-Type": "text/plain", "Accept-Language": "zh-CN"}
    )
    assert chinese.status_code == 415
    assert "请以 JSON 格式发送" in chinese.json()["message"]

    a_list = client.post("/api/v1/messages", json=[{"title": "x", "body": "y"}])
    assert a_list.status_code == 422
    assert "one JSON object" in a_list.json()["message"]

    field = client.post("/api/v1/messages", json={"title": "道路坑洼"})
    assert field.status_code == 422
    assert [item["field"] for item in field.json()["fields"]] == ["body"]  # a field stays named


def test_open311_discovery_names_the_configured_address_not_the_callers_host(settings, database, client):
    echoed = client.get("/open311/v2/discovery.json", headers={"Host": "evil.example"})
    assert "evil.example" in echoed.json()["endpoints"][0]["url"]  # unset: the request's address
    configured = settings.model_copy(update={"public_url": "https://12345.example.gov.cn"})
    with TestClient(create_app(configured, database)) as pinned:
        found = pinned.get("/open311/v2/discovery.json", headers={"Host": "evil.example"})
    assert found.json()["endpoints"][0]["url"] == "https://12345.example.gov.cn/open311/v2"


def test_a_forecast_ending_far_ahead_says_why_it_is_empty(client, session):
    from minyi.demo import factories

    factories.make_case(session)
    session.commit()
    far = client.get("/public/dashboard/forecast?end=2030-01-01")
    assert far.status_code == 200
    assert "2030-01-01 之前三年内没有留言" in far.text
    assert "还没有留言" not in far.text


def test_a_written_time_no_message_can_have_is_refused_naming_the_field(client):
    body = {"title": "路灯不亮", "body": "人民路的路灯不亮了。"}
    for moment in ("0001-01-01T00:00:00+00:00", "2099-06-15T10:00:00+08:00", "9999-12-31T23:59:59+08:00"):
        refused = client.post("/api/v1/messages", json=body | {"submitted_at": moment})
        assert refused.status_code == 422, moment
        assert [item["field"] for item in refused.json()["fields"]] == ["submitted_at"]
    chinese = client.post(
        "/api/v1/messages",
        json=body | {"submitted_at": "2099-06-15T10:00:00+08:00"},
        headers={"Accept-Language": "zh-CN"},
    )
    assert "不能晚于现在" in chinese.json()["message"]
    taken = client.post("/api/v1/messages", json=body | {"submitted_at": "2019-03-01T08:00:00+08:00"})
    assert taken.status_code == 201


def test_an_unknown_department_or_category_in_the_dashboard_is_refused(client):
    page = client.get("/public/dashboard?department=xyz")
    assert page.status_code == 422
    api = client.get("/api/v1/public/scorecard?category=nope")
    assert api.status_code == 422
    assert api.json()["field"] == "category"
    data = client.get("/public/data/scorecard.csv?department=xyz")
    assert data.status_code == 422
    assert client.get("/public/dashboard?department=-").status_code == 200  # "not dispatched" stays


def test_the_big_screen_does_not_count_a_merge_as_closed(session):
    from zoneinfo import ZoneInfo

    from minyi.accountability.screen import counts
    from minyi.cases import workflow
    from minyi.db.base import utcnow
    from minyi.demo import factories

    dept = factories.make_department(session)
    admin = factories.make_user(session, username="boss", role="admin")
    keep = factories.make_case(session, department=dept)
    absorbed = factories.make_case(session, department=dept)
    workflow.merge_cases(session, admin, keep, absorbed)
    session.flush()
    assert counts(session, utcnow(), ZoneInfo("Asia/Shanghai"))["closed_today"] == 0


def test_tracking_with_an_empty_field_asks_to_fill_it_in(client):
    from tests.functional.conftest import csrf_of

    token = csrf_of(client.get("/track").text)
    empty = client.post("/track", data={"csrf_token": token, "code": "MY2345", "secret": ""})
    assert empty.status_code == 422
    assert "请填写查询码和查询密码" in empty.text
    assert 'id="secret" name="secret"' in empty.text
    assert 'aria-invalid="true"' in empty.text
    assert "查询码或查询密码不正确" not in empty.text


def test_the_admin_page_lists_deadlines_on_a_new_holiday_and_moves_them(client, session, world):
    from datetime import datetime
    from zoneinfo import ZoneInfo

    from tests.functional.conftest import csrf_of, login

    from minyi.demo import factories

    case = factories.make_case(session, status="dispatched", department=world.roads)
    case.due_at = datetime(2027, 2, 9, 17, 30, tzinfo=ZoneInfo("Asia/Shanghai"))
    session.commit()
    login(client, "boss")
    token = csrf_of(client.get("/staff/admin").text)
    saved = client.post(
        "/staff/admin/holidays",
        data={"csrf_token": token, "year": "2027", "schedule": "2027-02-06~2027-02-13,放假,春节"},
    )
    assert "这一年只有 1 段放假" in saved.text  # one entry does not make a year's schedule
    page = client.get("/staff/admin")
    assert "1 件在办案件的答复期限按现在的节假日安排应重新计算" in page.text
    assert case.number in page.text
    import re

    listed = re.search(r'name="listed" value="([0-9a-f]+)"', page.text).group(1)  # the list confirmed
    moved = client.post("/staff/admin/holidays/shift", data={"csrf_token": token, "listed": listed})
    assert "已按节假日安排重新计算 1 件案件的期限" in moved.text
    assert 'id="holiday-clashes"' not in moved.text
    from minyi.cases import holiday_store

    holiday_store.forget_cached()  # the entries roll back with the test; the cache must not keep them


def test_broken_json_says_where_not_a_field_named_by_a_number(client):
    broken = client.post(
        "/api/v1/messages", content=b'{"title": "x", "body": ', headers={"Content-Type": "application/json"}
    )
    assert broken.status_code == 422
    assert broken.json()["fields"] == []
    assert "not valid JSON (near character 23)" in broken.json()["message"]


def test_the_staff_api_masks_a_case_title_naming_its_contact(client, session, world):
    from tests.functional.conftest import bearer

    created = client.post(
        "/api/v1/messages",
        json={
            "title": "王小明反映芙蓉路小区门口噪音扰民",
            "body": "芙蓉路小区门口夜间施工噪音很大。",
            "contact": {"name": "王小明", "phone": "13812345678"},
        },
    )
    case_id = created.json()["case_id"]
    admin = bearer(session, world.admin)
    detail = client.get(f"/api/v1/cases/{case_id}", headers=admin).json()
    assert detail["title"].startswith("王**")
    listed = client.get("/api/v1/cases", headers=admin).json()["items"]
    assert all("王小明" not in item["title"] for item in listed)
