"""A citizen's tracking code finds his case: staff search (exact, any case) and /public (listed cases only)."""

from __future__ import annotations

from datetime import UTC, datetime

from tests.functional.conftest import login

from minyi.cases import services as cases
from minyi.demo import factories


def test_staff_search_finds_a_case_by_tracking_code_in_any_case(client, session, world):
    wanted = factories.make_case(session, department=world.roads, title="甲小区路灯不亮")
    other = factories.make_case(session, department=world.roads, title="乙小区路灯不亮")
    session.commit()
    code = wanted.messages[0].tracking_code
    login(client, "road")
    for query in (code, code.lower(), f"  {code.lower()} "):
        page = client.get("/staff", params={"q": query})
        assert wanted.number in page.text
        assert other.number not in page.text
    assert wanted.number not in client.get("/staff", params={"q": code[:-1] + "Z0"}).text
    login(client, "school")  # another department's staff find nothing by the code
    assert wanted.number not in client.get("/staff", params={"q": code}).text


def test_case_number_uses_the_local_date(session):
    # 06:47 on 6 December in Beijing is 22:47 on 5 December in UTC.
    number = cases.new_case_number(session, datetime(2026, 12, 5, 22, 47, tzinfo=UTC))
    assert number.startswith("20261206-")


def test_public_search_by_code_shows_only_that_listed_case(client, session, world):
    listed = factories.make_case(
        session,
        status="replied",
        department=world.roads,
        title="公开的问题",
        body="请联系我13812345678",
        is_public=True,
    )
    other = factories.make_case(
        session, status="replied", department=world.roads, title="另一件", is_public=True
    )
    private = factories.make_case(
        session, status="replied", department=world.roads, title="私密", is_public=False
    )
    waiting = factories.make_case(
        session, status="dispatched", department=world.roads, title="未答复", is_public=True
    )
    session.commit()
    found = client.get("/public", params={"code": listed.messages[0].tracking_code.lower()})
    assert found.status_code == 200
    assert listed.number in found.text
    assert other.number not in found.text
    assert "138****5678" in found.text
    assert "13812345678" not in found.text
    assert 'id="public-code"' in found.text
    nothing = client.get("/public", params={"code": "MYNOSUCH2"})
    assert 'id="public-empty"' in nothing.text
    for hidden in (private, waiting):  # a code of an unlisted case looks exactly like a wrong one
        page = client.get("/public", params={"code": hidden.messages[0].tracking_code})
        assert page.status_code == nothing.status_code == 200
        assert hidden.number not in page.text
        assert page.text.replace(hidden.messages[0].tracking_code, "MYNOSUCH2") == nothing.text


def test_staff_search_finds_a_case_by_its_whole_number_or_a_part(client, session, world):
    wanted = factories.make_case(session, department=world.roads, title="丙小区路灯不亮")
    other = factories.make_case(session, department=world.roads, title="丁小区路灯不亮")
    session.commit()
    login(client, "road")
    for query in (wanted.number, f" {wanted.number.lower()} ", wanted.number[-8:]):
        page = client.get("/staff", params={"q": query})
        assert wanted.number in page.text
        assert other.number not in page.text


def _full_width(text: str) -> str:
    return "".join(chr(ord(c) + 0xFEE0) if "!" <= c <= "~" else c for c in text)


def test_codes_and_numbers_typed_with_a_chinese_input_method_or_without_the_dash(client, session, world):
    wanted = factories.make_case(
        session, status="replied", department=world.roads, title="丙小区路灯不亮", is_public=True
    )
    session.commit()
    code, number = wanted.messages[0].tracking_code, wanted.number
    login(client, "road")
    typed = (
        _full_width(code),
        f"{code[:2]}-{code[2:6]}　{code[6:]}",
        _full_width(number),
        number.replace("-", ""),
        number.replace("-", " ").lower(),
    )
    for query in typed:
        assert number in client.get("/staff", params={"q": query}).text, query
    assert number in client.get("/public", params={"code": f"{code[:2]}-{code[2:6]}-{code[6:]}"}).text
    assert number in client.get("/public", params={"code": _full_width(code)}).text
