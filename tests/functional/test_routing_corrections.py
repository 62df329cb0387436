"""Automatic routing on record: the badge on the staff pages, dispatchers' corrections as training data."""

from __future__ import annotations

from sqlalchemy import select
from tests.functional.conftest import bearer, csrf_of, login

from minyi.cases.models import Case
from minyi.cases.routing import CaseRouting, RoutingCorrection, correction_rows

NOISE = {
    "title": "投诉道路施工夜间噪音扰民",
    "body": "开元路道路维护工地每天晚上施工到凌晨两点，噪音严重影响休息，请尽快处理。联系电话13812345678。",
}


def post(client, **fields):
    response = client.post("/api/v1/messages", json=NOISE | fields)
    assert response.status_code == 201, response.text
    return response.json()


def test_routed_automatically_is_recorded_and_shown(client, session, world):
    routed = post(client)
    waiting = post(client, title="请问一件事", body="想了解一下有关情况，谢谢。")
    record = session.get(CaseRouting, routed["case_id"])
    assert record.routed_automatically
    assert record.predicted_label == "交通运输"
    assert record.threshold == 0.6  # keyword rules: MINYI_ROUTE_CONFIDENCE
    assert record.confidence >= record.threshold
    assert record.department_code == "JTJ"
    other = session.get(CaseRouting, waiting["case_id"])
    assert other is None or not other.routed_automatically

    login(client, "disp")
    inbox = client.get("/staff").text
    row = next(line for line in inbox.splitlines() if routed["case_id"] in line and "<tr" in line)
    assert "自动分派" in row
    quiet = next(line for line in inbox.splitlines() if waiting["case_id"] in line and "<tr" in line)
    assert "自动分派" not in quiet
    page = client.get(f"/staff/cases/{routed['case_id']}").text
    assert 'id="auto-routed"' in page
    assert "自动分派" in page
    assert 'id="auto-routed"' not in client.get(f"/staff/cases/{waiting['case_id']}").text


def test_a_machine_category_without_a_department_is_not_called_routed(client, session, world):
    """The 自动分派 badge stood on cases still waiting at the dispatch desk (no department)."""
    world.road_category.parent.default_department = None
    world.road_category.default_department = None
    session.commit()
    waiting = post(client)
    record = session.get(CaseRouting, waiting["case_id"])
    assert record is not None
    assert record.predicted_label == "交通运输"
    assert not record.routed_automatically
    assert session.get(Case, waiting["case_id"]).department_id is None


def test_a_dispatcher_s_change_is_kept_as_a_routing_correction(client, session, world):
    routed = post(client)
    login(client, "disp")
    token = csrf_of(client.get(f"/staff/cases/{routed['case_id']}").text)
    response = client.post(
        f"/staff/cases/{routed['case_id']}/category",
        data={"category_id": world.school_category.id, "csrf_token": token},
    )
    assert response.status_code == 200
    response = client.post(
        f"/staff/cases/{routed['case_id']}/dispatch",
        data={"department_id": world.schools.id, "csrf_token": token},
    )
    assert response.status_code == 200
    session.expire_all()
    corrections = list(
        session.scalars(
            select(RoutingCorrection).order_by(RoutingCorrection.created_at, RoutingCorrection.field)
        )
    )
    assert [(c.field, c.predicted, c.corrected) for c in corrections] == [
        ("category", "交通运输", world.school_category.path),
        ("department", "JTJ", "JYJ"),
    ]
    assert {c.corrected_by_id for c in corrections} == {world.dispatcher.id}
    assert corrections[0].message_id == routed["id"]
    assert session.get(Case, routed["case_id"]).department_id == world.schools.id

    rows = correction_rows(session)
    assert len(rows) == 1
    text, label, predicted, _when = rows[0]
    assert label == "教育文体"
    assert predicted == "交通运输"
    assert "13812345678" not in text
    assert "噪音" in text


def test_changing_a_case_a_person_routed_is_no_correction(client, session, world):
    waiting = post(client, title="请问一件事", body="想了解一下有关情况，谢谢。")
    login(client, "disp")
    token = csrf_of(client.get(f"/staff/cases/{waiting['case_id']}").text)
    client.post(
        f"/staff/cases/{waiting['case_id']}/dispatch",
        data={"department_id": world.schools.id, "csrf_token": token},
    )
    client.post(
        f"/staff/cases/{waiting['case_id']}/dispatch",
        data={"department_id": world.roads.id, "csrf_token": token},
    )
    assert session.scalar(select(RoutingCorrection.id)) is None


def test_a_re_dispatch_through_the_api_is_a_correction_too(client, session, world):
    routed = post(client)
    response = client.post(
        f"/api/v1/cases/{routed['case_id']}/dispatch",
        json={"department": "JYJ"},
        headers=bearer(session, world.dispatcher),
    )
    assert response.status_code == 200, response.text
    correction = session.scalar(select(RoutingCorrection))
    assert (correction.field, correction.predicted, correction.corrected) == ("department", "JTJ", "JYJ")
