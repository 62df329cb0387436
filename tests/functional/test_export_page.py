"""The staff export page: a download with the filters, department staff limited to their own."""

from __future__ import annotations

import csv
import io

from sqlalchemy import select
from tests.functional.conftest import csrf_of, login

from minyi.audit.models import AuditEvent
from minyi.demo import factories

PHONE = "13912345678"


def _world(session):
    water = factories.make_department(session, code="WATER")
    roads = factories.make_department(session, code="ROADS")
    factories.make_case(session, department=water, title="水管爆裂", body=f"电话{PHONE}，水管爆裂")
    factories.make_case(session, department=roads, title="路面塌陷", body="路面塌陷严重")
    session.flush()
    return water, roads


def _post(client, data):
    page = client.get("/staff/export")
    assert page.status_code == 200
    return client.post("/staff/export", data={"csrf_token": csrf_of(page.text), **data})


def _numbers(response) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"))))


def test_department_staff_download_their_own_cases_masked(client, session):
    water, _ = _world(session)
    factories.make_user(session, username="waterstaff", role="staff", department=water)
    login(client, "waterstaff")
    page = client.get("/staff/export")
    assert "ROADS" not in page.text
    assert 'name="full"' not in page.text
    response = _post(client, {"format": "csv"})
    assert response.status_code == 200
    assert "attachment" in response.headers["content-disposition"]
    rows = _numbers(response)
    assert {row["承办部门"] for row in rows} == {"WATER"}
    assert PHONE not in response.text
    refused = _post(client, {"format": "csv", "department": "ROADS"})
    assert refused.status_code == 403
    refused = _post(client, {"format": "csv", "full": "1"})
    assert refused.status_code == 403
    events = session.scalars(select(AuditEvent).where(AuditEvent.action == "export_masked")).all()
    assert len(events) == 1


def test_admins_may_download_the_full_file_which_is_audited(client, session):
    _world(session)
    factories.make_user(session, username="boss", role="admin")
    login(client, "boss")
    assert 'name="full"' in client.get("/staff/export").text
    response = _post(client, {"format": "xlsx", "department": "WATER", "full": "1"})
    assert response.status_code == 200
    assert response.content.startswith(b"PK")
    event = session.scalars(select(AuditEvent).where(AuditEvent.action == "export_full")).one()
    assert event.actor == "boss"
    assert _post(client, {"format": "pdf"}).status_code == 422
    assert _post(client, {"format": "csv", "status": "lost"}).status_code == 422
    assert _post(client, {"format": "csv", "department": "NOPE"}).status_code == 404
    far = _post(client, {"format": "csv", "to": "9999-12-31"})  # was a 500 (date out of range)
    assert far.status_code == 422
    assert "1900-01-01 至 2999-12-31" in far.text
    assert _post(client, {"format": "csv", "from": "0001-01-01"}).status_code == 422
