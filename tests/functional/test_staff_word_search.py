"""Staff word search through the index, and keyset paging of ``GET /api/v1/cases``."""

from __future__ import annotations

import base64
from datetime import UTC, datetime

import pytest
from tests.functional.conftest import bearer, login

from minyi.core import keyset
from minyi.demo import factories


def test_a_department_user_cannot_find_another_departments_case_by_word(client, session, world):
    mine = factories.make_case(session, department=world.roads, title="人民路井盖松动", body="井盖响")
    theirs = factories.make_case(session, department=world.schools, title="学校门口井盖丢失", body="井盖没了")
    session.commit()
    road = bearer(session, world.road_staff)
    for words in ("井盖", "井盖丢失", "门口井"):
        found = client.get("/api/v1/cases", params={"q": words}, headers=road).json()
        assert theirs.id not in [item["id"] for item in found["items"]], words
    assert [
        i["id"] for i in client.get("/api/v1/cases", params={"q": "井盖"}, headers=road).json()["items"]
    ] == [mine.id]
    admin = bearer(session, world.admin)
    everyone = client.get("/api/v1/cases", params={"q": "井盖"}, headers=admin).json()
    assert {item["id"] for item in everyone["items"]} == {mine.id, theirs.id}
    login(client, "road")
    assert theirs.number not in client.get("/staff", params={"q": "井盖丢失"}).text


def test_an_erased_message_is_no_longer_found_by_its_words(client, session, world):
    created = client.post(
        "/api/v1/messages",
        json={
            "title": "楼道堆放杂物",
            "body": "三单元楼道里堆满纸箱，消防隐患。",
            "contact": {"phone": "13812345678"},
        },
    )
    assert created.status_code == 201, created.text
    admin = bearer(session, world.admin)
    assert client.get("/api/v1/cases", params={"q": "堆满纸箱"}, headers=admin).json()["total"] == 1
    done = client.post(
        "/api/v1/admin/erasures",
        json={"codes": [created.json()["tracking_code"]], "text": True},
        headers=admin,
    )
    assert done.status_code == 200, done.text
    for words in ("堆满纸箱", "消防隐患", "楼道"):
        assert client.get("/api/v1/cases", params={"q": words}, headers=admin).json()["total"] == 0, words


def _all_pages(client, headers, limit, between=None, **params):
    """Every case through next_cursor, calling ``between`` after each page."""
    seen, cursor = [], None
    while True:
        query = {"limit": limit, **params} | ({"cursor": cursor} if cursor else {})
        page = client.get("/api/v1/cases", params=query, headers=headers)
        assert page.status_code == 200, page.text
        body = page.json()
        seen += [item["id"] for item in body["items"]]
        cursor = body["next_cursor"]
        if cursor is None:
            return seen
        if between is not None:
            between()


def _mixed_inbox(session, world):
    """Urgent, waiting with and without a deadline, answered: every group of the inbox order."""
    made = [factories.make_case(session, department=world.roads, title=f"案件{n}") for n in range(7)]
    made[0].urgent = True
    made[1].due_at = None
    made[2].due_at = None
    made += [factories.make_case(session, status="replied", department=world.roads) for _ in range(3)]
    session.commit()
    return made


def test_cursor_pages_give_every_case_once_in_the_offset_order(client, session, world):
    _mixed_inbox(session, world)
    admin = bearer(session, world.admin)
    whole = client.get("/api/v1/cases", params={"limit": 200}, headers=admin).json()
    assert whole["next_cursor"] is None
    for limit in (1, 3, 4):
        assert _all_pages(client, admin, limit) == [item["id"] for item in whole["items"]]


def test_cursor_pages_have_no_duplicates_or_gaps_while_cases_arrive(client, session, world):
    before = _mixed_inbox(session, world)
    admin = bearer(session, world.admin)
    arrived = []

    def arrive():
        case = factories.make_case(session, department=world.roads, title="新来的")
        case.urgent = True  # ahead of every page already read: OFFSET would give a case twice
        session.commit()
        arrived.append(case.id)

    seen = _all_pages(client, admin, 2, between=arrive)
    assert len(seen) == len(set(seen))
    assert {case.id for case in before} <= set(seen)
    assert arrived  # the inserts happened between the pages


def test_cursor_pages_keep_the_filter_and_the_word_search(client, session, world):
    for n in range(5):
        factories.make_case(session, department=world.roads, title=f"路灯不亮{n}", body="晚上很黑")
    factories.make_case(session, department=world.roads, title="别的事", body="垃圾没有清运")
    session.commit()
    admin = bearer(session, world.admin)
    seen = _all_pages(client, admin, 2, q="路灯")
    assert len(seen) == len(set(seen)) == 5


def test_a_bad_cursor_is_a_422_naming_the_field_in_the_readers_language(client, session, world):
    admin = bearer(session, world.admin)
    forged = base64.urlsafe_b64encode(b'[1,"x",2]').decode()
    now = datetime.now(UTC)
    impossible = [
        keyset.encode([0, 2, None, now, "x"], "cases"),
        keyset.encode([1, 0, None, now, "x"], "cases"),
    ]
    for bad in ("nonsense!", "e30", forged, "W10", "a" * 999, *impossible):
        answer = client.get("/api/v1/cases", params={"cursor": bad}, headers=admin)
        assert answer.status_code == 422, (bad, answer.text)
        assert answer.json()["field"] == "cursor"
        assert "next_cursor" in answer.json()["message"]
    chinese = client.get(
        "/api/v1/cases", params={"cursor": "nonsense"}, headers=admin | {"Accept-Language": "zh-CN"}
    )
    assert chinese.status_code == 422
    assert chinese.json()["field"] == "cursor"
    assert "翻页令牌" in chinese.json()["message"]
    factories.make_case(session, department=world.roads)
    factories.make_case(session, department=world.roads)
    session.commit()
    cursor = client.get("/api/v1/cases", params={"limit": 1}, headers=admin).json()["next_cursor"]
    both = client.get("/api/v1/cases", params={"cursor": cursor, "offset": 5}, headers=admin)
    assert both.status_code == 422
    assert both.json()["field"] == "offset"


def test_alerts_page_with_a_cursor_too(client, session, world, settings):
    from datetime import timedelta

    from minyi.alerts import rules, services
    from minyi.db.base import utcnow

    rule = rules.create_rule(session, name="测试突增", kind="burst", scope="region")
    now = utcnow()
    for n in range(5):
        hit = services.Hit(scope_key=f"A市A{n}区", label=f"A市A{n}区", measured={"recent": 9})
        services.fire(session, rule, hit, now - timedelta(minutes=n % 3), settings)  # ties on the time
    session.commit()
    admin = bearer(session, world.admin)
    whole = client.get("/api/v1/alerts", params={"limit": 50}, headers=admin).json()
    seen, cursor = [], None
    while True:
        params = {"limit": 2} | ({"cursor": cursor} if cursor else {})
        page = client.get("/api/v1/alerts", params=params, headers=admin).json()
        assert page["total"] == 5
        seen += [alert["id"] for alert in page["alerts"]]
        cursor = page["next_cursor"]
        if cursor is None:
            break
    assert seen == [alert["id"] for alert in whole["alerts"]]
    assert len(set(seen)) == 5
    bad = client.get("/api/v1/alerts", params={"cursor": "x"}, headers=admin)
    assert (bad.status_code, bad.json()["field"]) == (422, "cursor")


def test_statements_page_with_a_cursor_in_a_header(client, session, world):
    from minyi.cases import statements

    for n in range(5):
        case = factories.make_case(session, department=world.roads)
        statements.publish(session, world.admin, title=f"答复{n}", body="已处理。", cases=[case])
    session.commit()
    whole = [s["id"] for s in client.get("/api/v1/statements", params={"limit": 50}).json()]
    assert len(whole) == 5
    seen, cursor = [], None
    while True:
        page = client.get("/api/v1/statements", params={"limit": 2} | ({"cursor": cursor} if cursor else {}))
        assert page.status_code == 200, page.text
        seen += [s["id"] for s in page.json()]
        cursor = page.headers.get("X-Next-Cursor")
        if cursor is None:
            break
    assert seen == whole
    bad = client.get("/api/v1/statements", params={"cursor": "nope"})
    assert (bad.status_code, bad.json()["field"]) == (422, "cursor")


@pytest.mark.parametrize(
    "values",
    [
        [2, "statements", "0001-01-01T00:00:00+14:00", "x"],  # out of range in UTC: was a 500
        [2, "statements", "2026-12-01T00:00:00+00:00", "a\u0000b"],  # PostgreSQL refuses NUL in text
        [2, "statements", "2026-12-01T00:00:00+00:00", "\ud800"],  # a lone surrogate cannot be encoded
    ],
)
def test_a_cursor_the_database_cannot_take_is_a_422_on_the_public_list(client, values):
    """The statements' cursor (their time, their id), read without a login (ninth probe)."""
    import json

    token = base64.urlsafe_b64encode(json.dumps(values).encode()).decode().rstrip("=")
    answer = client.get("/api/v1/statements", params={"cursor": token})
    assert (answer.status_code, answer.json()["field"]) == (422, "cursor")


def test_another_lists_cursor_of_the_same_shape_is_a_422(client):
    """An alerts cursor (a time and an id, as the statements') no longer pages the statements."""
    alerts_cursor = keyset.encode([datetime.now(UTC), "01"], "alerts")
    answer = client.get("/api/v1/statements", params={"cursor": alerts_cursor})
    assert (answer.status_code, answer.json()["field"]) == (422, "cursor")
    own = keyset.encode([datetime.now(UTC), "01"], "statements")
    assert client.get("/api/v1/statements", params={"cursor": own}).status_code == 200


def test_a_one_character_search_is_not_run_and_the_page_says_to_type_two(client, session, world):
    # 王 (a surname) or 湘 is in too many messages to find anything, and the index of character
    # pairs cannot look it up: the page says so instead of reading every text.
    case = factories.make_case(
        session, department=world.roads, title="湘江风光带路灯不亮", body="湘江边路灯坏了"
    )
    session.commit()
    login(client, "boss")
    page = client.get("/staff", params={"q": " 湘 "})
    assert page.status_code == 200
    assert 'id="search-short"' in page.text
    assert "请至少输入两个字" in page.text
    assert case.number not in page.text
    assert case.number in client.get("/staff", params={"q": "湘江"}).text
    page = client.get("/staff", params={"q": "湘"}, headers={"Accept-Language": "en"})
    assert "Type at least two characters" in page.text
    admin = bearer(session, world.admin)
    refused = client.get("/api/v1/cases", params={"q": "湘"}, headers=admin)
    assert refused.status_code == 422
    assert refused.json()["field"] == "q"
    assert "two characters" in refused.json()["message"]
    chinese = client.get("/api/v1/cases", params={"q": "湘"}, headers=admin | {"Accept-Language": "zh-CN"})
    assert "两个字" in chinese.json()["message"]
    assert client.get("/api/v1/cases", params={"q": "湘江"}, headers=admin).json()["total"] == 1
