"""The citizen portal: submit, receipt, tracking with code + secret, public answers."""

from __future__ import annotations

import re

from tests.functional.conftest import csrf_of

from minyi.demo import factories


def portal_submit(client, **fields):
    page = client.get("/")
    form = {"title": "路灯不亮", "body": "小区东门路灯坏了一周。", "csrf_token": csrf_of(page.text)} | fields
    return client.post("/submit", data=form, follow_redirects=False)


def receipt(client, response):
    assert response.status_code == 303, response.text
    page = client.get(response.headers["location"])
    code = re.search(r'id="tracking-code">([A-Z0-9]+)<', page.text).group(1)
    secret = re.search(r'id="tracking-secret">([A-Z0-9]+)<', page.text).group(1)
    return page, code, secret


def test_home_is_chinese_with_english_switch(client):
    page = client.get("/")
    assert page.status_code == 200
    assert 'lang="zh-CN"' in page.text
    assert "我要留言" in page.text
    english = client.get("/?lang=en")
    assert 'lang="en"' in english.text
    assert "Write to us" in english.text
    assert client.get("/track").text.count("Track") >= 1  # the cookie remembers English
    switched = client.get("/lang/zh?next=/track", follow_redirects=False)
    assert switched.headers["location"] == "/track"
    assert client.get("/lang/en?next=//evil.example", follow_redirects=False).headers["location"] == "/"
    # the switch comes back to the same search, without the lang= that would undo it
    searched = client.get("/public/search", params={"q": "路灯", "page": 2, "lang": "zh"}).text
    link = re.search(r'class="lang" href="([^"]+)"', searched).group(1).replace("&amp;", "&")
    back = client.get(link, follow_redirects=False).headers["location"]
    assert back.startswith("/public/search?")
    assert "q=%E8%B7%AF%E7%81%AF" in back
    assert "page=2" in back
    assert "lang=" not in back


def test_submit_then_track(client, world):
    response = portal_submit(client, category_id=world.road_category.id, phone="13912345678", is_public="1")
    page, code, secret = receipt(client, response)
    assert "留言已提交" in page.text
    reloaded = client.get("/submitted", follow_redirects=False)  # a reload keeps the receipt
    assert reloaded.status_code == 200
    assert code in reloaded.text
    assert secret in reloaded.text
    assert reloaded.headers["cache-control"] == "no-store"

    tracked = client.post("/track", data={"code": code, "secret": secret, "csrf_token": csrf_of(page.text)})
    assert tracked.status_code == 200
    assert "路灯不亮" in tracked.text
    assert "交通运输局" in tracked.text
    assert "已派单" in tracked.text

    lower = client.post(
        "/track", data={"code": code.lower(), "secret": secret.lower(), "csrf_token": csrf_of(page.text)}
    )
    assert lower.status_code == 200


def test_tracking_needs_the_secret(client):
    page, code, _ = receipt(client, portal_submit(client))
    token = csrf_of(page.text)
    wrong = client.post("/track", data={"code": code, "secret": "AAAAAAAAAA", "csrf_token": token})
    assert wrong.status_code == 404
    assert "路灯不亮" not in wrong.text
    assert client.post("/track", data={"code": code, "secret": "", "csrf_token": token}).status_code == 422
    assert client.get(f"/track?code={code}").status_code == 200  # the form only, nothing revealed


def test_form_errors_are_shown_and_kept(client):
    response = portal_submit(client, title="我的标题", body="   ")
    assert response.status_code == 422
    assert "留言详情" in response.text
    assert 'value="我的标题"' in response.text
    assert 'aria-invalid="true"' in response.text


def test_missing_csrf_token_is_refused(client):
    client.get("/")
    response = client.post("/submit", data={"title": "t", "body": "b", "csrf_token": "forged"})
    assert response.status_code == 400


def test_script_in_text_is_escaped(client):
    page, code, secret = receipt(
        client, portal_submit(client, title="<script>alert(1)</script>", body="<b>粗体</b>")
    )
    tracked = client.post("/track", data={"code": code, "secret": secret, "csrf_token": csrf_of(page.text)})
    assert "<script>alert(1)</script>" not in tracked.text
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in tracked.text
    assert "&lt;b&gt;粗体&lt;/b&gt;" in tracked.text
    assert "script-src 'self'" in tracked.headers["content-security-policy"]


def test_public_page_shows_only_public_answered_cases_masked(client, session, world):
    public = factories.make_case(
        session,
        status="replied",
        department=world.roads,
        category=world.road_category,
        title="公开的问题",
        body="请联系我13812345678，身份证430102199003071234",
        is_public=True,
    )
    factories.make_case(
        session, status="replied", department=world.roads, title="私密的问题", is_public=False
    )
    factories.make_case(
        session, status="dispatched", department=world.roads, title="未答复的问题", is_public=True
    )
    session.commit()
    page = client.get("/public")
    assert page.status_code == 200
    assert "公开的问题" in page.text
    assert "私密的问题" not in page.text
    assert "未答复的问题" not in page.text
    assert "13812345678" not in page.text
    assert "138****5678" in page.text
    assert "430102199003071234" not in page.text
    assert public.number in page.text
    assert client.get("/public?page=99").status_code == 404
    assert client.get("/public?page=0").status_code == 422


def test_a_resubmitted_form_stores_one_message_with_one_receipt(client, session):
    from minyi.intake.models import Message

    page = client.get("/")
    key = re.search(r'name="submission_key" value="([A-Za-z0-9_-]+)"', page.text).group(1)
    form = {"title": "井盖缺失", "body": "人民路口井盖丢了，很危险。", "csrf_token": csrf_of(page.text)}
    first = client.post("/submit", data=form | {"submission_key": key}, follow_redirects=False)
    _, code, secret = receipt(client, first)
    again = client.post(
        "/submit", data=form | {"submission_key": key}, follow_redirects=False
    )  # double click
    _, code_again, secret_again = receipt(client, again)
    assert (code_again, secret_again) == (code, secret)
    assert session.query(Message).filter(Message.title == "井盖缺失").count() == 1
    fresh = re.search(r'name="submission_key" value="([A-Za-z0-9_-]+)"', client.get("/").text).group(1)
    assert fresh != key  # each form shown gets its own key
