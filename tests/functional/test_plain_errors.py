"""Invalid input on the pages reads as short sentences in the reader's language (the API keeps English)."""

from __future__ import annotations

from tests.functional.conftest import csrf_of, login

from minyi.demo import factories
from minyi.web.domain_texts import domain_text

RAW = ("String should", "valid email", "Input should", "Field required", "title:", "; ")


def _submit(client, lang: str, **fields):
    page = client.get(f"/?lang={lang}")
    form = {"title": "路灯不亮", "body": "小区东门路灯坏了一周。", "csrf_token": csrf_of(page.text)} | fields
    return client.post("/submit", data=form)


def test_portal_errors_next_to_the_field_in_chinese_and_english(client):
    page = _submit(client, "zh", title="", email="x@")
    assert page.status_code == 422
    assert '<p class="field-error" id="title-error">请填写留言主题。</p>' in page.text
    assert '<p class="field-error" id="email-error">电子邮箱格式不正确。</p>' in page.text
    assert not any(raw in page.text for raw in RAW)
    assert page.text.count('role="alert"') == 1  # the summary is announced, the fields are described
    english = _submit(client, "en", title="", email="x@")
    assert 'id="title-error">Please fill in Subject.</p>' in english.text
    assert 'id="email-error">E-mail is not a valid address.</p>' in english.text
    assert not any(raw in english.text for raw in RAW)


def test_error_page_names_the_field_in_the_readers_language(client, world):
    login(client, "boss")
    page = client.get("/staff?page=abc&lang=zh")
    assert page.status_code == 422
    assert "请检查填写的内容：" in page.text
    assert "<li>页码应为整数。</li>" in page.text
    assert not any(raw in page.text for raw in RAW)
    english = client.get("/staff?page=0&lang=en")
    assert "<li>Page must be at least 1.</li>" in english.text
    api = client.post("/api/v1/messages", json={"title": "", "body": "x"})
    assert api.status_code == 422
    assert api.json()["fields"][0]["message"].startswith("String should")  # integrators keep English


def test_a_refused_staff_step_reads_in_the_readers_language(client, world, session):
    case = factories.make_case(session, department=world.roads)
    session.commit()
    login(client, "road")
    page = client.get(f"/staff/cases/{case.id}?lang=zh")
    refused = client.post(
        f"/staff/cases/{case.id}/return", data={"reason": " ", "csrf_token": csrf_of(page.text)}
    )
    assert "请填写退单理由。" in refused.text
    assert "say why" not in refused.text
    english = client.post(
        f"/staff/cases/{case.id}/return?lang=en", data={"reason": " ", "csrf_token": csrf_of(page.text)}
    )
    assert "Please say why the case is returned." in english.text


def test_domain_texts_fill_in_numbers_and_statuses():
    assert (
        domain_text("a case that is closed can no longer be dispatched") == "案件当前为“已办结”，不能再派单。"
    )
    assert domain_text("ask for 1 to 30 working days", "en") == "Ask for 1 to 30 working days."
    assert domain_text("something new") == "something new"
