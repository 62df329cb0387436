"""The inbox and ``GET /api/v1/cases`` read the stored rules' deadline of the desk's cases.

They bound two SQL parameters for each case never accepted (its rules' deadline, computed
in Python on every request): after an import of old messages, hundreds of thousands wait
at the desk, past the engines' parameter limits, and every inbox page failed. The number of
parameters no longer grows with the desk (cases.desk_due).
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import event
from sqlalchemy.engine import Engine
from tests.functional.conftest import bearer, login

from minyi.cases.rules import rules_deadlines
from minyi.demo import factories


def _desk(session, prefix, count):
    now = datetime.now(UTC)
    for n in range(count):
        factories.make_case(
            session,
            status="received",
            category=None,
            key=f"{prefix}-{n}",
            received_at=now - timedelta(days=7 * n),
        )
    session.commit()


def _most_parameters(client, headers):
    """The most parameters a statement of the API's pages (of two cases) and its filter bound.

    (The staff page also groups the newest open cases, up to ``flows.grouping.MAX_OPEN_CASES``.)
    """
    counts = []

    def seen(conn, cursor, statement, parameters, context, executemany):
        counts.append(len(parameters or ()))

    event.listen(Engine, "before_cursor_execute", seen)
    try:
        first = client.get("/api/v1/cases", params={"limit": 2}, headers=headers).json()
        after = client.get(
            "/api/v1/cases", params={"limit": 2, "cursor": first["next_cursor"]}, headers=headers
        )
        overdue = client.get("/api/v1/cases", params={"due": "overdue", "limit": 2}, headers=headers)
    finally:
        event.remove(Engine, "before_cursor_execute", seen)
    assert [after.status_code, overdue.status_code] == [200, 200]
    return max(counts)


def test_the_desk_does_not_add_parameters_and_overdue_is_what_the_rules_say(client, session, world):
    admin = bearer(session, world.admin)
    login(client, "disp")
    _desk(session, "few", 3)
    few = _most_parameters(client, admin)
    _desk(session, "many", 12)
    assert _most_parameters(client, admin) == few
    listed = client.get("/api/v1/cases", params={"due": "overdue", "limit": 200}, headers=admin).json()
    overdue = [item["id"] for item in listed["items"]]
    now = datetime.now(UTC)
    late = sorted(rules_deadlines(session).items(), key=lambda item: item[1])
    assert overdue == [ident for ident, due in late if due < now]  # oldest deadline first
    assert len(overdue) > 5  # most of the 15 are past 15 working days
    page = client.get("/staff", params={"due": "overdue", "limit": 200})
    assert page.status_code == 200
    assert "按规定" in page.text
    assert "按规定" in page.text
