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
