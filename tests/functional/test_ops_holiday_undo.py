"""A schedule entered by mistake and recounted is undone on the admin page (eleventh probe, left open).

The administrator removes (or corrects) the year's entries; the page lists the cases the
recount had moved later, marked 提前, and the same confirmed recount brings them back,
in the audit trail and each case's history.
"""

from __future__ import annotations

import re
from datetime import datetime
from zoneinfo import ZoneInfo

from sqlalchemy import select
from tests.functional.conftest import csrf_of, login

from minyi.audit.models import AuditEvent
from minyi.cases import holiday_store
from minyi.cases.models import Case
from minyi.demo import factories

SHANGHAI = ZoneInfo("Asia/Shanghai")
DUE = datetime(2027, 3, 10, 17, 30, tzinfo=SHANGHAI)


def _listed(page: str) -> str:
    found = re.search(r'name="listed" value="([0-9a-f]+)"', page)
    assert found, "the page lists no recount"
    return found.group(1)


def _save(client, token: str, schedule: str):
    form = {"csrf_token": token, "year": "2027", "schedule": schedule}
    return client.post("/staff/admin/holidays", data=form)


def test_a_mistaken_month_is_entered_recounted_removed_and_recounted_back(client, session, world):
    case = factories.make_case(session, status="dispatched", department=world.roads)
    case.due_at = DUE
    session.commit()
    holiday_store.forget_cached()
    try:
        login(client, "boss")
        token = csrf_of(client.get("/staff/admin").text)
        _save(client, token, "2027-03-01~2027-03-31,放假")  # March typed as days off
        page = client.get("/staff/admin").text
        assert (
            client.post(
                "/staff/admin/holidays/shift", data={"csrf_token": token, "listed": _listed(page)}
            ).status_code
            == 200
        )
        session.expire_all()
        mistaken = session.get(Case, case.id).due_at
        assert mistaken > DUE

        edit = client.get("/staff/admin?holiday_year=2027").text
        assert "2027-03-01~2027-03-31" in edit or "2027-03-01,放假" in edit  # the year, to correct
        assert _save(client, token, "").status_code == 200  # saved empty: the year removed
        page = client.get("/staff/admin").text
        listed = page[page.find('id="holiday-clashes"') :]
        assert case.number in listed
        assert "（提前：此前按节假日安排推后，现已更正）" in listed
        assert "其中 1 件的期限将提前" in listed
        done = client.post("/staff/admin/holidays/shift", data={"csrf_token": token, "listed": _listed(page)})
        assert done.status_code == 200
        assert "已按节假日安排重新计算 1 件案件的期限" in done.text
        session.expire_all()
        assert session.get(Case, case.id).due_at == DUE

        recounts = session.scalars(
            select(AuditEvent).where(AuditEvent.action == "deadlines_recounted").order_by(AuditEvent.at)
        ).all()
        assert [event.details.get("moved_earlier") for event in recounts] == [None, 1]
        trail = client.get("/staff/admin/audit").text
        assert "其中期限提前：1" in trail
        history = client.get(f"/staff/cases/{case.id}").text
        assert f"节假日安排更正后期限提前（原期限 {mistaken.astimezone(SHANGHAI):%Y-%m-%d %H:%M}）" in history
        assert "按节假日安排重新计算期限" in history
    finally:
        holiday_store.forget_cached()


def test_only_an_admin_may_recount_back(client, session, world):
    login(client, "disp")
    token = csrf_of(client.get("/staff").text)
    refused = client.post("/staff/admin/holidays/shift", data={"csrf_token": token, "listed": ""})
    assert refused.status_code == 403
