"""Chinese data on English pages is marked lang="zh-CN" (WCAG 3.1.2): a screen reader reads it in Chinese."""

from __future__ import annotations

from tests.functional.conftest import login

from minyi.demo import factories

MARK = '<span lang="zh-CN">'


def _case(session, world):
    case = factories.make_case(
        session,
        status="replied",
        department=world.roads,
        category=world.road_category,
        title="路灯不亮",
        body="幸福路路灯坏了一周 <b>",
        is_public=True,
    )
    session.commit()
    return case


def test_public_pages_mark_chinese_data_on_english_pages_only(client, session, world):
    _case(session, world)
    english = client.get("/public?lang=en").text
    assert f"{MARK}路灯不亮</span>" in english
    assert f"{MARK}幸福路路灯坏了一周 &lt;b&gt;</span>" in english  # still escaped
    chinese = client.get("/public?lang=zh").text
    assert MARK not in chinese
    assert "路灯不亮" in chinese
    found = client.get("/public/search?q=路灯&lang=en").text
    assert f"{MARK}<mark>路灯</mark>不亮</span>" in found


def test_staff_case_page_marks_title_messages_and_replies(client, session, world):
    case = _case(session, world)
    login(client, "boss")
    page = client.get(f"/staff/cases/{case.id}?lang=en").text
    assert f"{MARK}路灯不亮</span></h1>" in page
    assert page.count(MARK) >= 3  # the title, the message, the reply
    assert MARK not in client.get(f"/staff/cases/{case.id}?lang=zh").text
