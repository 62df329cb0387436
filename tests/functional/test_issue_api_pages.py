"""``GET /api/v1/issues/{id}`` pages its messages (the thirteenth probe's record, left open).

An issue of thousands of messages answered with its first 500 messages and every case
number in one response. Now ``limit`` messages a page, earliest first, and ``next_cursor``
for the next: every message once, in order, with the case numbers of that page; the
first page keeps the card's fields. Bad limits and cursors are 422s naming the field; a
department's token pages through its department's messages only.
"""

from __future__ import annotations

import pytest
from tests.functional.conftest import bearer
from tests.issuedata import NOISE, PARKING, make_issue

from minyi.cases import services as cases

TEXTS = [f"{NOISE[i % len(NOISE)]}（第{i}次反映）" for i in range(9)]


@pytest.fixture
def big_issue(session, world):
    """Nine messages: six of the road department's cases, three of the schools'; two at one time."""
    issue, made = make_issue(session, TEXTS)
    made[3].received_at = made[2].received_at  # a tie: the id decides
    for number, message in enumerate(made):
        cases.dispatch(
            session, world.dispatcher, message.case, world.schools if number % 3 == 2 else world.roads
        )
    other, _ = make_issue(session, PARKING, title="悦湖湾捆绑车位", author_prefix="p")
    session.commit()
    ordered = sorted(made, key=lambda m: (m.received_at, m.id))
    return issue, ordered, other


def _pages(client, issue_id: str, headers, limit: int) -> list[dict]:
    pages, cursor = [], None
    while True:
        params = {"limit": limit, **({"cursor": cursor} if cursor else {})}
        answer = client.get(f"/api/v1/issues/{issue_id}", params=params, headers=headers)
        assert answer.status_code == 200, answer.text
        pages.append(answer.json())
        cursor = pages[-1]["next_cursor"]
        if cursor is None:
            return pages


def test_pages_give_every_message_once_in_order_with_their_cases(client, session, world, big_issue):
    issue, ordered, _ = big_issue
    pages = _pages(client, issue.id, bearer(session, world.dispatcher), 4)
    assert [len(p["messages"]) for p in pages] == [4, 4, 1]
    assert [m["id"] for p in pages for m in p["messages"]] == [m.id for m in ordered]
    assert {p["message_total"] for p in pages} == {9}
    assert {p["case_total"] for p in pages} == {9}
    assert pages[1]["case_numbers"] == [m.case.number for m in ordered[4:8]]
    assert all(p["hidden_messages"] == 0 for p in pages)
    assert "13900001111" not in str(pages)  # masked as before


def test_the_first_page_keeps_the_cards_fields(client, session, world, big_issue):
    issue, ordered, _ = big_issue
    body = client.get(f"/api/v1/issues/{issue.id}", headers=bearer(session, world.dispatcher)).json()
    for field in ("id", "title", "heat", "size", "timeline", "categories", "representatives", "messages"):
        assert field in body
    assert [m["id"] for m in body["messages"]] == [m.id for m in ordered]  # 100 a page unless asked
    assert body["case_numbers"] == [m.case.number for m in ordered]
    assert body["next_cursor"] is None
    assert len(body["representatives"]) == 3
    empty = client.get(f"/api/v1/issues/{issue.id}?cursor=", headers=bearer(session, world.dispatcher))
    assert empty.json()["messages"] == body["messages"]  # an empty cursor is the first page


def test_a_department_pages_through_its_own_messages_only(client, session, world, big_issue):
    issue, ordered, _ = big_issue
    pages = _pages(client, issue.id, bearer(session, world.road_staff), 2)
    roads = [m for m in ordered if m.case.department_id == world.roads.id]
    assert [m["id"] for p in pages for m in p["messages"]] == [m.id for m in roads]
    assert {(p["message_total"], p["hidden_messages"], p["hidden_cases"]) for p in pages} == {(6, 3, 3)}
    schools = {m.case.number for m in ordered} - {m.case.number for m in roads}
    assert not schools & {n for p in pages for n in p["case_numbers"]}
    assert not {m["id"] for m in pages[0]["representatives"]} - {m.id for m in roads}


@pytest.mark.parametrize("limit", ["0", "501", "x"])
def test_a_bad_limit_is_a_422_naming_it(client, session, world, big_issue, limit):
    issue, _, _ = big_issue
    bad = client.get(f"/api/v1/issues/{issue.id}?limit={limit}", headers=bearer(session, world.dispatcher))
    assert bad.status_code == 422
    assert bad.json()["fields"][0]["field"] == "limit"


def test_a_bad_cursor_is_a_422_naming_it_in_the_readers_language(client, session, world, big_issue):
    issue, _, other = big_issue
    headers = bearer(session, world.dispatcher)
    first = client.get(f"/api/v1/issues/{issue.id}?limit=2", headers=headers).json()
    others = client.get(f"/api/v1/issues/{other.id}?limit=1", headers=headers).json()["next_cursor"]
    alerts_like = "WzIsImFsZXJ0cyIsIjIwMjYtMDEtMDFUMDA6MDA6MDArMDA6MDAiLCJ4Il0"
    for bad in ("x", first["next_cursor"][:-3], others, alerts_like, "A" * 1001):
        answer = client.get(f"/api/v1/issues/{issue.id}", params={"cursor": bad}, headers=headers)
        assert answer.status_code == 422, bad
        said = answer.json()
        assert said.get("field") == "cursor" or said["fields"][0]["field"] == "cursor"
    chinese = client.get(
        f"/api/v1/issues/{issue.id}", params={"cursor": "x"}, headers={**headers, "Accept-Language": "zh-CN"}
    )
    assert "翻页令牌" in chinese.text


def test_an_edit_answers_with_the_first_page(client, session, world, big_issue):
    issue, ordered, _ = big_issue
    renamed = client.post(
        f"/api/v1/issues/{issue.id}/rename",
        json={"title": "夜间噪音"},
        headers=bearer(session, world.dispatcher),
    )
    assert renamed.status_code == 200
    assert renamed.json()["message_total"] == len(ordered)
    assert renamed.json()["next_cursor"] is None
