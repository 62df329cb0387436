"""The twelfth probe (docs/security-probes.md): an older citizen on a phone.

What the HTTP side owes a citizen who types slowly and reads a receipt aloud: a tracking
secret typed in groups, in lower case or full-width is still his secret; a page that expired
while he wrote keeps what he wrote and tells him to press the button again (a reload sends
the old, refused form again); a rating refused for any reason is shown again as given.
"""

from __future__ import annotations

import re

from tests.conftest import TEST_SECRET
from tests.functional.conftest import csrf_of
from tests.functional.test_portal import portal_submit, receipt

from minyi.demo import factories
from minyi.intake import identity
from minyi.intake.models import Message

LONG_TEXT = "我家楼道的灯坏了一个月了，晚上上下楼看不见，老人容易摔倒。" * 20


def _full_width(text: str) -> str:
    return "".join(chr(ord(c) + 0xFEE0) for c in text)


def test_a_secret_typed_in_groups_or_full_width_opens_the_message(client):
    _, code, secret = receipt(client, portal_submit(client))
    token = csrf_of(client.get("/track").text)
    for typed in (
        secret.lower(),
        f"{secret[:5]} {secret[5:]}",
        f"{secret[:5]}-{secret[5:]}",
        _full_width(secret),
    ):
        page = client.post("/track", data={"code": code, "secret": typed, "csrf_token": token})
        assert page.status_code == 200, typed
        assert "<h1>路灯不亮</h1>" in page.text
    wrong = client.post("/track", data={"code": code, "secret": secret[:-1] + " ", "csrf_token": token})
    assert wrong.status_code == 404


def test_a_message_written_past_the_session_keeps_its_words_and_says_press_again(client):
    token = csrf_of(client.get("/").text)
    client.cookies.clear()  # the session ended while he wrote
    form = {"title": "楼道灯坏了", "body": LONG_TEXT, "phone": "13812345678", "csrf_token": token}
    expired = client.post("/submit", data=form)
    assert expired.status_code == 400
    assert "您填写的内容仍在下面，请核对后再点一次“提交留言”" in expired.text
    assert "刷新" not in expired.text  # a reload sends the refused form once more
    assert LONG_TEXT in expired.text
    assert 'value="13812345678"' in expired.text
    again = client.post("/submit", data=form | {"csrf_token": csrf_of(expired.text)}, follow_redirects=False)
    assert again.status_code == 303
    english = client.post("/submit?lang=en", data=form | {"csrf_token": "stale"})
    assert "press “Send” once more" in english.text


def test_the_tracking_form_after_expiry_asks_for_the_secret_again(client):
    _, code, _ = receipt(client, portal_submit(client))
    expired = client.post("/track", data={"code": code, "secret": "X", "csrf_token": "stale"})
    assert expired.status_code == 400
    assert "请再输入一次查询密码" in expired.text
    assert code in expired.text


def _replied(client, session, world):
    assert portal_submit(client, category_id=world.road_category.id).status_code == 303
    message = session.query(Message).order_by(Message.received_at.desc()).first()
    factories.drive_case(session, message.case, "replied")
    session.commit()
    return message.tracking_code, identity.tracking_secret(TEST_SECRET, message.id)


def test_a_rating_refused_is_shown_again_as_given(client, session, world):
    code, secret = _replied(client, session, world)
    comment = "答复说已经修好了，但是到现在灯还是不亮，" * 30
    rating = {
        "code": code,
        "secret": secret,
        "satisfaction": "unsatisfied",
        "solved": "no",
        "comment": comment,
    }
    expired = client.post("/track/rate", data=rating | {"csrf_token": "stale"})
    assert expired.status_code == 400
    assert "您的评价仍在下面" in expired.text
    assert comment in expired.text
    assert re.search(r'id="solved-no" name="solved" value="no" checked', expired.text)
    assert re.search(r'name="satisfaction" value="unsatisfied" required checked', expired.text)
    missing = client.post(
        "/track/rate", data=rating | {"satisfaction": "", "csrf_token": csrf_of(expired.text)}
    )
    assert missing.status_code == 409
    assert comment in missing.text
    assert re.search(r'id="solved-no" name="solved" value="no" checked', missing.text)
    sent = client.post("/track/rate", data=rating | {"csrf_token": csrf_of(missing.text)})
    assert sent.status_code == 200
    assert "重新办理（重办）" in sent.text


def test_an_expired_rating_with_a_wrong_secret_shows_nothing(client, session, world):
    code, _ = _replied(client, session, world)
    wrong = client.post(
        "/track/rate",
        data={"code": code, "secret": "AAAAAAAAAA", "satisfaction": "satisfied", "csrf_token": "x"},
    )
    assert wrong.status_code == 404
    assert "路灯不亮" not in wrong.text


def test_the_english_search_names_departments_and_categories_in_english(client, session):
    department = factories.make_department(session, code="SWJ", name="水务局", name_en="Water Authority")
    category = factories.make_category(session, name="供水", department=department)
    category.name_en = "Water supply"
    factories.make_case(
        session,
        status="replied",
        department=department,
        category=category,
        is_public=True,
        title="自来水发黄",
        body="幸福小区的自来水这几天一直发黄。",
        region="A市A1区",
    )
    session.commit()
    english = client.get("/public/search?q=自来水&lang=en").text
    assert "Water Authority" in english
    assert "Water supply" in english
    assert "水务局" not in english
    assert '<span lang="zh-CN">A市A1区</span>' in english  # data left in Chinese is marked so
    chinese = client.get("/public/search?q=自来水&lang=zh").text
    assert "水务局 · 供水" in chinese
    api = client.get("/api/v1/public/search?q=自来水").json()
    assert "department_en" not in api["hits"][0]


def test_the_english_forecast_names_its_categories_in_english(client, session):
    from datetime import UTC, datetime, timedelta

    from minyi.accountability import forecast_cache

    forecast_cache.clear()
    water = factories.make_category(session, name="供水")
    water.name_en = "Water supply"
    for number in range(30):
        factories.make_message(
            session,
            key=f"mobile-{number}",
            process=False,
            category_id=water.id,
            title="停水",
            submitted_at=datetime(2024, 1, 8, 2, tzinfo=UTC) + timedelta(days=2 * number),
        )
    session.commit()
    try:
        english = client.get("/public/dashboard/forecast", params={"end": "2024-04-01", "lang": "en"}).text
        chinese = client.get("/public/dashboard/forecast", params={"end": "2024-04-01", "lang": "zh"}).text
    finally:
        forecast_cache.clear()
    table = english.split('id="forecast-table"')[1].split("</table>")[0]
    assert "Water supply" in table
    assert "供水" not in table
    assert '"label": "Water supply"' in english  # the chart's series picker
    assert "供水" in chinese.split('id="forecast-table"')[1]
