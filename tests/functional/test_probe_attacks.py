"""What an attacker's probe found: bodies that broke the server, and a department taking over
another department's knowledge article. Each refusal names its field; none is a 500."""

from __future__ import annotations

import re

from tests.functional.conftest import bearer, csrf_of, login

from minyi.demo import factories
from minyi.knowledge.models import KnowledgeArticle

DEEP_ARRAY = b"[" * 50_000 + b"]" * 50_000
DEEP_OBJECT = b'{"a":' * 5_000 + b"1" + b"}" * 5_000


def test_json_nested_too_deep_is_refused_naming_the_body(client, session, world):
    headers = {**bearer(session, world.admin), "content-type": "application/json"}
    for body in (DEEP_ARRAY, DEEP_OBJECT):
        # a route without a body of its own: the input check reads the JSON
        gone = client.request("DELETE", "/api/v1/admin/templates/x", content=body, headers=headers)
        assert gone.status_code == 422, gone.text
        assert gone.json()["field"] == "body"
        # a route with a body: the framework's parser refuses it
        sent = client.post("/api/v1/messages", content=body, headers={"content-type": "application/json"})
        assert sent.status_code == 400, sent.text
        assert sent.json()["error"] == "invalid_request"
        assert sent.json()["fields"][0]["field"] == "body"


def test_json_that_is_not_utf8_names_the_body(client):
    sent = client.post(
        "/api/v1/messages",
        content=b'{"title": "\xff\xfe", "body": "x"}',
        headers={"content-type": "application/json"},
    )
    assert sent.status_code == 400
    assert sent.json()["field"] == "body"


def test_a_broken_form_body_is_explained_in_the_readers_language(client):
    headers = {"content-type": "multipart/form-data; boundary=x"}
    page = client.post("/submit", content=b"{not multipart", headers=headers)
    assert page.status_code == 400
    assert "提交的内容无法读取" in page.text
    assert "multipart" not in page.text
    english = client.post("/submit?lang=en", content=b"{not multipart", headers=headers)
    assert "could not be read" in english.text


def test_department_staff_cannot_take_over_another_departments_article(client, session, world):
    login(client, "boss")
    token = csrf_of(client.get("/staff/knowledge/new").text)
    created = client.post(
        "/staff/knowledge/new",
        data={"csrf_token": token, "title": "入学报名须知", "body": "凭户口簿报名。", "department": "JYJ"},
        follow_redirects=False,
    )
    assert created.status_code == 303, created.text
    article_id = created.headers["location"].rsplit("/", 1)[-1]
    client.post("/staff/logout", data={"csrf_token": token})

    login(client, "road")  # 交通运输局 staff: writes its own department's articles only
    token = csrf_of(client.get("/staff/knowledge").text)
    taken = client.post(
        f"/staff/knowledge/{article_id}",
        data={"csrf_token": token, "title": "改写", "body": "改写的内容", "department": "JTJ"},
        follow_redirects=False,
    )
    assert taken.status_code == 403
    expired = client.post(f"/staff/knowledge/{article_id}/expire", data={"csrf_token": token})
    assert expired.status_code == 403
    session.expire_all()
    article = session.get(KnowledgeArticle, article_id)
    assert (article.title, article.department_id, article.version) == ("入学报名须知", world.schools.id, 1)
    assert article.valid_to is None


def test_public_search_for_words_with_punctuation_is_no_500(client, session, world):
    case = factories.make_case(
        session,
        status="replied",
        department=world.roads,
        title="e-mail 地址 1.5 公里外的路灯",
        body="路灯坏了，离小区 1.5 公里，网址 www.example.cn",
        is_public=True,
    )
    session.commit()
    for q in ("e-mail", "1.5", "a_b", "x.y", "2026-13-45", "www.example.cn"):
        found = client.get("/api/v1/public/search", params={"q": q})
        assert found.status_code in (200, 422), (q, found.text)
        assert client.get("/public/search", params={"q": q}).status_code in (200, 422)
    hits = client.get("/api/v1/public/search", params={"q": "1.5 公里"}).json()["hits"]
    assert [hit["number"] for hit in hits] == [case.number]


def test_the_tracking_view_does_not_give_the_authors_pseudonym(client, session, world):
    sent = client.post(
        "/api/v1/messages",
        json={"title": "路灯不亮", "body": "人民路路灯不亮", "author": "weibo:12345"},
    ).json()
    mine = client.get(
        f"/api/v1/messages/{sent['id']}", headers={"X-Tracking-Secret": sent["tracking_secret"]}
    )
    assert mine.status_code == 200
    assert mine.json()["author_pseudonym"] is None
    assert mine.json()["contact"] is None
    staff = client.get(f"/api/v1/messages/{sent['id']}", headers=bearer(session, world.admin))
    assert staff.json()["author_pseudonym"]


def test_the_portal_refuses_a_flood_from_one_address(settings, database, world):
    from fastapi.testclient import TestClient

    from minyi.server.app import create_app

    app = create_app(settings.model_copy(update={"submit_per_address": 2}), database)
    with TestClient(app) as client:
        form = {"title": "路灯不亮", "body": "人民路路灯不亮，请修理"}
        for _ in range(2):
            page = client.get("/")
            sent = client.post(
                "/submit", data={**form, "csrf_token": csrf_of(page.text)}, follow_redirects=False
            )
            assert sent.status_code == 303, sent.text
        page = client.get("/")
        refused = client.post("/submit", data={**form, "csrf_token": csrf_of(page.text)})
        assert refused.status_code == 429
        assert int(refused.headers["Retry-After"]) > 0
        assert "尚未提交" in refused.text  # not the login's 尝试次数过多 (thirteenth probe)
        assert "人民路路灯不亮" in refused.text  # the form keeps what was written
        api = client.post("/api/v1/messages", json=form)  # systems feeding the API are not capped here
        assert api.status_code == 201


def test_the_submission_cap_counts_clock_hours_in_the_database(database):
    import pytest

    from minyi.accounts.throttle import Throttled
    from minyi.http.submissions import SubmissionLimit

    now = [3600.0 * 500_000 + 1000]  # 1,000 s into a clock hour
    limit = SubmissionLimit(2, database=database, secret="s" * 40, clock=lambda: now[0])
    limit.check("10.0.0.1")
    now[0] += 600
    limit.check("10.0.0.1")
    with pytest.raises(Throttled) as refused:
        limit.check("10.0.0.1")
    assert refused.value.retry_after == 2000  # the clock hour ends then
    limit.check("10.0.0.2")  # another address has its own count
    now[0] += 2000
    limit.check("10.0.0.1")  # a new hour
    SubmissionLimit(0, database=database, secret="s" * 40).check("10.0.0.1")  # 0: no cap


def test_pages_follow_the_browsers_language_unless_one_was_chosen(client):
    english = {"Accept-Language": "en-US,en;q=0.9,zh-CN;q=0.5"}
    url = "/public/search?from=2019-02-30"
    wrong = client.get(url, headers=english)
    assert wrong.status_code == 422
    assert '<html lang="en">' in wrong.text
    assert "Received from" in wrong.text
    chinese = client.get(url, headers={"Accept-Language": "zh-CN,en;q=0.5"})
    assert '<html lang="zh-CN">' in chinese.text
    assert "留言日期自" in chinese.text
    assert '<html lang="zh-CN">' in client.get(url).text  # no header: the site default
    client.get("/lang/zh")  # a chosen language (the cookie) wins over the browser's
    assert '<html lang="zh-CN">' in client.get(url, headers=english).text


def test_rating_an_unanswered_message_is_refused_in_the_readers_language(client):
    sent = client.post("/api/v1/messages", json={"title": "路灯不亮", "body": "人民路路灯不亮"}).json()
    form = {"code": sent["tracking_code"], "secret": sent["tracking_secret"], "satisfaction": "satisfied"}
    token = csrf_of(client.get("/track").text)
    refused = client.post("/track/rate", data={**form, "solved": "yes", "csrf_token": token})
    assert refused.status_code == 409
    assert "该留言目前没有待评价的答复" in refused.text
    assert "waiting for your rating" not in refused.text


def test_inbox_search_takes_percent_and_underscore_as_text(client, session, world):
    plain = factories.make_case(session, department=world.roads, title="路灯不亮", body="人民路路灯不亮")
    percent = factories.make_case(session, department=world.roads, title="涨价100%", body="水费涨了100%")
    session.commit()
    headers = bearer(session, world.admin)
    for q, expected in (("0%", {percent.id}), ("%_", set()), ("100%", {percent.id}), ("路灯", {plain.id})):
        found = client.get("/api/v1/cases", params={"q": q}, headers=headers).json()
        assert {item["id"] for item in found["items"]} == expected, q


def test_open311_names_a_field_once(client):
    answer = client.get("/open311/v2/services/%01.json")
    assert answer.status_code == 400
    description = answer.json()[0]["description"]
    assert description.startswith("service_code: ")
    assert not description.startswith("service_code: service_code")


def test_a_form_too_large_gets_a_page_people_read(client, settings):
    big = "x" * (settings.max_request_bytes + 1)
    page = client.post("/submit", data={"title": "t", "body": big})
    assert page.status_code == 413
    assert page.headers["content-type"].startswith("text/html")
    assert "提交的内容过大" in page.text
    assert "What you sent is larger than" in page.text
    assert page.headers["x-frame-options"] == "DENY"
    api = client.post("/api/v1/messages", json={"title": "t", "body": big})
    assert api.status_code == 413
    assert api.json()["error"] == "request_too_large"


def test_private_answers_are_not_stored_public_ones_may_be(client, session, world):
    login(client, "road")
    assert client.get("/staff").headers["cache-control"] == "no-store"
    assert client.get("/track").headers["cache-control"] == "no-store"
    token = bearer(session, world.road_staff)
    assert client.get("/api/v1/cases", headers=token).headers["cache-control"] == "no-store"
    public = client.get("/public")
    assert "cache-control" not in public.headers
    assert public.headers["x-frame-options"] == "DENY"
    assert client.get("/api/v1/statements").headers.get("cache-control") is None


def test_page_errors_carry_no_untranslated_english(client, world):
    missing = client.get("/public/knowledge/x")
    assert missing.status_code == 404
    assert "页面不存在" in missing.text
    assert "no such public answer" not in missing.text
    assert "no such page" not in client.get("/public?page=999").text
    login(client, "road")
    for params, words in (({"status": "x"}, "没有这个状态"), ({"due": "x"}, "没有这个时限筛选")):
        page = client.get("/staff", params=params)
        assert page.status_code == 422
        assert words in page.text
        assert "unknown" not in page.text
    assert "no such public answer" in client.get("/public/knowledge/x?lang=en").text  # English: the detail


def test_case_page_refusals_are_in_the_readers_language(client, session, world):
    case = factories.make_case(session, department=world.roads, title="路灯不亮", body="人民路路灯不亮")
    session.commit()
    login(client, "boss")
    token = csrf_of(client.get(f"/staff/cases/{case.id}").text)
    for step, form, words in (
        ("reopen", {}, "请填写重办理由"),
        ("dispatch", {}, "请选择承办单位"),
        ("category", {}, "请选择类别"),
        ("merge", {"other": "nope"}, "没有编号为"),
    ):
        page = client.post(f"/staff/cases/{case.id}/{step}", data={**form, "csrf_token": token})
        assert page.status_code in (409, 422), step
        assert words in page.text, step


def test_https_only_sites_send_hsts(settings, database, client):
    from fastapi.testclient import TestClient

    from minyi.server.app import create_app

    assert "strict-transport-security" not in client.get("/public").headers
    app = create_app(settings.model_copy(update={"cookie_secure": True}), database)
    with TestClient(app, base_url="https://testserver") as secure:
        assert secure.get("/public").headers["strict-transport-security"] == "max-age=31536000"


def test_a_notification_subject_with_a_line_break_stays_one_line(session):
    from minyi.notify.services import enqueue

    item = enqueue(
        session, channel="email", recipient="duty@example.cn", subject="路灯\r\nBcc: x@y.cn", body="b"
    )
    assert item is not None
    assert item.subject == "路灯 Bcc: x@y.cn"


def test_api_errors_in_chinese_for_a_caller_that_prefers_it(client, session, world):
    bad = {"title": 1}
    plain = client.post("/api/v1/messages", json=bad).json()
    assert {f["field"] for f in plain["fields"]} == {"title", "body"}
    assert "Field required" in plain["message"]  # programs: unchanged
    english = client.post("/api/v1/messages", json=bad, headers={"Accept-Language": "en"}).json()
    assert english["fields"] == plain["fields"]
    chinese = client.post("/api/v1/messages", json=bad, headers={"Accept-Language": "zh-CN"}).json()
    assert {f["field"] for f in chinese["fields"]} == {"title", "body"}
    assert all(re.search(r"[\u4e00-\u9fff]", f["message"]) for f in chinese["fields"])
    headers = {**bearer(session, world.road_staff), "Accept-Language": "zh-CN"}
    case = factories.make_case(session, department=world.roads, title="路灯", body="路灯不亮")
    session.commit()
    refused = client.post(f"/api/v1/cases/{case.id}/return", json={"reason": " "}, headers=headers)
    assert refused.status_code in (409, 422)
    assert re.search(r"[\u4e00-\u9fff]", refused.json()["message"]), refused.json()


def test_an_https_only_site_reached_over_http_says_to_use_https(settings, database, session, world):
    """Login over http with secure cookies said 页面已过期 for ever (operator walk-through)."""
    from fastapi.testclient import TestClient
    from tests.functional.conftest import PASSWORD, csrf_of

    from minyi.server.app import create_app

    app = create_app(settings.model_copy(update={"cookie_secure": True}), database)
    for base, expected in (
        ("http://testserver", "请改用 https:// 开头的地址访问"),
        ("https://testserver", None),
    ):
        with TestClient(app, base_url=base) as browser:
            page = browser.get("/staff/login")
            answer = browser.post(
                "/staff/login",
                data={"username": "boss", "password": PASSWORD, "csrf_token": csrf_of(page.text)},
                follow_redirects=False,
            )
            if expected is None:
                assert answer.status_code == 303
            else:
                assert answer.status_code == 400
                assert expected in answer.text
                assert "页面已过期" not in answer.text
