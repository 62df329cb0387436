"""A desk case's deadline reads the same in the inbox, its counts, the case page, the API and the portal.

The inbox sorted and filtered a case never accepted by the rules' deadline stored at the desk
(``desk_due_at``), but 即将到期 ignored it, the case page showed no deadline, the API's case
JSON gave ``due_at: null`` alone and the tracking page none, for a case listed as 已超期.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

from sqlalchemy import select
from tests.functional.conftest import bearer, csrf_of, login
from tests.functional.test_open311 import BASE
from tests.functional.test_portal import portal_submit, receipt

from minyi.accountability.open_cases import hour
from minyi.cases.models import Case
from minyi.demo import factories


def _desk(session, key, due):
    case = factories.make_case(session, status="received", category=None, key=key, title=f"井盖松动 {key}")
    case.desk_due_at = due
    session.commit()
    return case


def test_the_desk_deadline_is_the_same_on_every_page(client, session, world):
    now = datetime.now(UTC)
    late, soon = (
        _desk(session, "late", now - timedelta(days=2)),
        _desk(session, "soon", now + timedelta(hours=3)),
    )
    headers = bearer(session, world.admin)
    shown = client.get(f"/api/v1/cases/{late.id}", headers=headers).json()
    assert shown["due_at"] is None
    assert datetime.fromisoformat(shown["desk_due_at"]) == late.desk_due_at
    assert shown["overdue"] is True
    assert client.get(f"/api/v1/cases/{soon.id}", headers=headers).json()["overdue"] is False
    listed = client.get("/api/v1/cases", params={"due": "soon"}, headers=headers).json()
    assert [item["number"] for item in listed["items"]] == [soon.number]
    overdue = client.get("/api/v1/cases", params={"due": "overdue"}, headers=headers).json()
    assert [item["number"] for item in overdue["items"]] == [late.number]

    login(client, "disp")
    inbox = client.get("/staff", params={"due": "soon"})
    assert soon.number in inbox.text
    assert late.number not in inbox.text
    page = client.get(f"/staff/cases/{late.id}").text
    assert re.search(r'id="rules-due"[^>]*>按规定 ', page)
    assert 'id="overdue-badge"' in page
    ahead = client.get(f"/staff/cases/{soon.id}").text
    assert 'id="rules-due"' in ahead
    assert 'id="overdue-badge"' not in ahead


def test_the_author_sees_the_deadline_the_rules_give(client, session):
    page, code, secret = receipt(client, portal_submit(client))
    case = session.scalars(select(Case).order_by(Case.created_at.desc())).first()
    assert case.due_at is None
    assert case.desk_due_at is not None
    tracked = client.post("/track", data={"code": code, "secret": secret, "csrf_token": csrf_of(page.text)})
    assert re.search(
        r'id="track-due">\d{4}-\d{2}-\d{2} <small class="muted">（尚未受理，按规定计算）', tracked.text
    )


def test_open311_expects_a_desk_case_by_the_rules_deadline(client, session):
    case = _desk(session, "public", datetime.now(UTC) + timedelta(days=10))
    case.is_public = True
    session.commit()
    (record,) = client.get(f"{BASE}/requests/{case.number}.json").json()
    assert record["status"] == "open"
    assert record["expected_datetime"] == hour(case.desk_due_at)
