"""The sixth probe (docs/security-probes.md): a citizen on a phone and English-speaking staff."""

from __future__ import annotations

from tests.functional.conftest import csrf_of, login

from minyi.demo import factories


def test_dispatching_again_to_the_same_department_is_said_in_chinese(client, session, world):
    case = factories.make_case(
        session, status="dispatched", department=world.roads, category=world.road_category
    )
    session.commit()
    login(client, "disp")
    page = client.get(f"/staff/cases/{case.id}")
    form = {"csrf_token": csrf_of(page.text), "department_id": world.roads.id, "note": ""}
    again = client.post(f"/staff/cases/{case.id}/dispatch", data=form, follow_redirects=True)
    assert "案件已派给该单位办理" in again.text
    assert "already dispatched" not in again.text
