"""The inbox and ``GET /api/v1/cases`` list a case never accepted by its rules' deadline.

docs/security-probes.md, twelfth probe, left open: a message left at the dispatch desk for
weeks was counted 已超期 by the filter but listed below every case with a deadline. Keyset
pages must still give every case once.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from tests.functional.conftest import bearer, login

from minyi.demo import factories


def _desk(session, world):
    """Cases accepted (deadlines in 1 to 300 days), never accepted (0 to 80 days old), answered."""
    now = datetime.now(UTC)
    made = {}
    for n in range(6):
        case = factories.make_case(session, department=world.roads, key=f"due-{n}")
        case.due_at = now + timedelta(days=1 + 60 * n)
        made[f"due-{n}"] = case
    for n in range(6):
        made[f"desk-{n}"] = factories.make_case(
            session,
            status="received",
            category=None,
            key=f"desk-{n}",
            received_at=now - timedelta(days=16 * n),
        )
    for n in range(2):
        made[f"done-{n}"] = factories.make_case(
            session, status="replied", department=world.roads, key=f"done-{n}"
        )
    session.commit()
    return made


def _all_pages(client, headers, limit, **params):
    seen, cursor = [], None
    while True:
        query = {"limit": limit, **params} | ({"cursor": cursor} if cursor else {})
        body = client.get("/api/v1/cases", params=query, headers=headers).json()
        seen += [item["id"] for item in body["items"]]
        cursor = body["next_cursor"]
        if cursor is None:
            return seen


def test_the_api_lists_the_overdue_desk_cases_first_and_pages_give_each_once(client, session, world):
    made = _desk(session, world)
    admin = bearer(session, world.admin)
    whole = [
        item["id"]
        for item in client.get("/api/v1/cases", params={"limit": 200}, headers=admin).json()["items"]
    ]
    assert sorted(whole) == sorted(case.id for case in made.values())
    overdue = client.get("/api/v1/cases", params={"due": "overdue", "limit": 200}, headers=admin).json()
    late = [item["id"] for item in overdue["items"]]
    assert late  # the desk's oldest messages are past the rules' 15 working days
    assert whole[: len(late)] == late  # listed first, as the filter counts them, in the same order
    assert whole.index(made["desk-0"].id) < whole.index(made["due-1"].id)  # today's: due in ~3 weeks
    assert whole.index(made["due-0"].id) < whole.index(made["desk-0"].id)  # due tomorrow
    for limit in (1, 2, 5):
        assert _all_pages(client, admin, limit) == whole, limit


def test_the_staff_inbox_lists_them_in_the_same_order(client, session, world):
    made = _desk(session, world)
    login(client, "disp")
    page = client.get("/staff", params={"limit": 200}).text
    oldest, tomorrow = made["desk-5"].number, made["due-0"].number
    assert page.index(oldest) < page.index(tomorrow)
    row = page.split(oldest, 1)[1].split("</tr>", 1)[0]
    assert 'class="rules-due overdue"' in row  # its deadline shown, marked overdue
    assert "按规定" in row
    english = client.get("/staff", params={"limit": 200, "lang": "en"}).text
    assert "by the rules" in english.split(oldest, 1)[1].split("</tr>", 1)[0]
