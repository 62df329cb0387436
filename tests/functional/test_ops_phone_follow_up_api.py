"""电话回访 through the JSON API (eleventh probe, a new centre's first week: left open).

A dispatcher took down a citizen's answer to a follow-up call on the staff case page only;
an integrator (the centre's call system) had no endpoint. ``POST /api/v1/cases/{id}/follow-up``
runs the page's service (``cases.follow_up.record_by_phone``): same permission, same checks.
"""

from __future__ import annotations

import pytest
from sqlalchemy import func, select
from tests.functional.conftest import bearer
from tests.functional.test_probe_round11_firstweek import _answered

from minyi.cases.models import Case, CaseEvent, CaseRating, EventAction


def _ratings(session) -> int:
    return session.scalar(select(func.count()).select_from(CaseRating))


def test_a_dispatcher_records_a_satisfied_answer_and_the_case_closes(client, session, world):
    case_id = _answered(client, session, world)
    answer = {"satisfaction": "basically_satisfied", "solved": True, "comment": "已不再施工"}
    done = client.post(
        f"/api/v1/cases/{case_id}/follow-up", json=answer, headers=bearer(session, world.dispatcher)
    )
    assert done.status_code == 201, done.text
    assert done.json()["status"] == "closed"
    session.expire_all()
    rating = session.scalar(select(CaseRating).where(CaseRating.case_id == case_id))
    assert (rating.satisfaction, rating.solved, rating.comment) == ("basically_satisfied", True, "已不再施工")
    rated = session.scalar(
        select(CaseEvent).where(CaseEvent.case_id == case_id, CaseEvent.action == EventAction.RATED)
    )
    assert rated.payload["by_phone"] is True
    assert rated.actor_user_id == world.dispatcher.id
    again = client.post(
        f"/api/v1/cases/{case_id}/follow-up", json=answer, headers=bearer(session, world.admin)
    )
    assert again.status_code == 409  # closed: nothing left to follow up
    assert again.json()["error"] == "conflict"


def test_an_unsatisfied_answer_reopens_the_case(client, session, world):
    case_id = _answered(client, session, world)
    answer = {"satisfaction": "unsatisfied", "solved": False}
    done = client.post(
        f"/api/v1/cases/{case_id}/follow-up", json=answer, headers=bearer(session, world.admin)
    )
    assert done.status_code == 201, done.text
    session.expire_all()
    case = session.get(Case, case_id)
    assert (case.status, case.reopened_count) == ("in_progress", 1)


@pytest.mark.parametrize(
    ("answer", "field"),
    [
        ({}, "satisfaction"),
        ({"satisfaction": ""}, "satisfaction"),
        ({"satisfaction": "not_reached"}, "satisfaction"),  # the system's verdict, not an answer
        ({"satisfaction": "satisfied", "solved": "yes"}, "solved"),
        ({"satisfaction": "satisfied", "comment": "x" * 2001}, "comment"),
        ({"satisfaction": "satisfied", "extra": 1}, "extra"),
    ],
)
def test_a_refused_value_is_422_naming_the_field(client, session, world, answer, field):
    case_id = _answered(client, session, world)
    refused = client.post(
        f"/api/v1/cases/{case_id}/follow-up", json=answer, headers=bearer(session, world.dispatcher)
    )
    assert refused.status_code == 422, refused.text
    assert [e["field"] for e in refused.json()["fields"]] == [field]
    session.expire_all()
    assert _ratings(session) == 0


def test_only_those_who_may_start_follow_ups(client, session, world):
    case_id = _answered(client, session, world)
    answer = {"satisfaction": "satisfied"}
    url = f"/api/v1/cases/{case_id}/follow-up"
    assert client.post(url, json=answer).status_code == 401
    for user, status in (
        (world.road_staff, 403),  # the department does not grade its own answer
        (world.supervisor, 403),
        (world.school_staff, 404),  # another department's case does not exist for it
    ):
        assert client.post(url, json=answer, headers=bearer(session, user)).status_code == status
    session.expire_all()
    assert _ratings(session) == 0


def test_an_unanswered_case_has_no_follow_up(client, session, world):
    created = client.post(
        "/api/v1/messages", json={"title": "路灯不亮", "body": "开元路道路维护路段路灯不亮。"}
    ).json()
    refused = client.post(
        f"/api/v1/cases/{created['case_id']}/follow-up",
        json={"satisfaction": "satisfied"},
        headers=bearer(session, world.dispatcher),
    )
    assert refused.status_code == 409
    assert refused.json()["message"] == "only an answered case (已答复 or 回访中) has a follow-up to record"


def test_the_schema_documents_the_route_and_its_errors(client):
    document = client.get("/openapi.json").json()
    operation = document["paths"]["/api/v1/cases/{case_id}/follow-up"]["post"]
    assert {"201", "401", "403", "404", "409", "422"} <= set(operation["responses"])
    body = operation["requestBody"]["content"]["application/json"]["schema"]["$ref"].rsplit("/", 1)[-1]
    fields = document["components"]["schemas"][body]["properties"]
    assert fields["satisfaction"]["enum"] == ["satisfied", "basically_satisfied", "unsatisfied"]
