"""A kind or category correction recounts the acceptance deadline (签收期限), read over HTTP.

docs/security-probes.md, twelfth probe: the JSON API and the case page kept the old rule's
签收期限 after a correction (a case corrected to praise stayed 超时未签收).
"""

from __future__ import annotations

from tests.functional.conftest import bearer, csrf_of, login

from minyi.admin import services as admin
from minyi.cases.models import Case

TEXT = {"title": "人民路路灯不亮", "body": "人民路北段路灯坏了一个月，晚上很黑，请尽快修好。"}


def _dispatched(client, session, world, headers) -> str:
    admin.add_rule(
        session, appeal_kind=None, category=None, reply_working_days=None, reply_hours=None, accept_hours=2
    )
    created = client.post("/api/v1/messages", json=TEXT).json()
    case = session.get(Case, created["case_id"])
    case.appeal_kind = "complaint"
    session.commit()
    url = f"/api/v1/cases/{created['case_id']}"
    assert client.post(f"{url}/dispatch", json={"department": "JTJ"}, headers=headers).status_code == 200
    return created["case_id"]


def test_the_api_s_kind_correction_to_praise_clears_the_acceptance_deadline(client, session, world):
    headers = bearer(session, world.dispatcher)
    case_id = _dispatched(client, session, world, headers)
    url = f"/api/v1/cases/{case_id}"
    assert client.get(url, headers=headers).json()["sign_due_at"] is not None
    done = client.post(f"{url}/kind", json={"appeal_kind": "praise"}, headers=headers)
    assert done.status_code == 200, done.text
    assert done.json()["sign_due_at"] is None
    assert done.json()["sign_overdue"] is False


def test_the_case_page_s_category_correction_recounts_it(client, session, world):
    headers = bearer(session, world.dispatcher)
    case_id = _dispatched(client, session, world, headers)
    admin.add_rule(
        session,
        appeal_kind=None,
        category=world.school_category,
        reply_working_days=None,
        reply_hours=None,
        accept_hours=4,
    )
    session.commit()
    before = client.get(f"/api/v1/cases/{case_id}", headers=headers).json()["sign_due_at"]
    login(client, "disp")
    page = client.get(f"/staff/cases/{case_id}")
    form = {"category_id": world.school_category.id, "csrf_token": csrf_of(page.text)}
    saved = client.post(f"/staff/cases/{case_id}/category", data=form, follow_redirects=True)
    assert saved.status_code == 200
    after = client.get(f"/api/v1/cases/{case_id}", headers=headers).json()["sign_due_at"]
    assert after is not None
    assert after != before  # 4 working hours now, not 2
    assert "签收期限" in saved.text
