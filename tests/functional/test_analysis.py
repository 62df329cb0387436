"""What the pipeline adds at intake: category guesses, appeal kind, masking, duplicates."""

from __future__ import annotations

from tests.functional.conftest import bearer, csrf_of, login

from minyi.analysis.models import MessageAnalysis
from minyi.cases.models import Case
from minyi.intake.models import Message

NOISE = {
    "title": "投诉道路施工夜间噪音扰民",
    "body": "开元路道路维护工地每天晚上施工到凌晨两点，噪音严重影响休息，请相关部门尽快处理。联系电话13812345678。",
}


def post(client, author=None, **fields):
    body = NOISE | fields
    if author:
        body["author"] = author
    response = client.post("/api/v1/messages", json=body)
    assert response.status_code == 201, response.text
    return response.json()


def test_intake_stores_the_analysis_and_routes_by_keywords(client, session, world):
    data = post(client)
    analysis = session.get(MessageAnalysis, data["id"])
    assert analysis.normalized_title == NOISE["title"]
    assert analysis.pii_kinds == ["mobile"]
    assert analysis.category_label == "交通运输"
    assert analysis.category_model.startswith("keywords:")
    assert analysis.category_top[0]["department"] == "JTJ"
    assert analysis.appeal_kind == "complaint"
    assert analysis.appeal_reasons
    assert analysis.pipeline_version
    case = session.get(Case, data["case_id"])
    assert case.department.code == "JTJ"
    assert case.category_source == "keywords"
    assert case.appeal_kind == "complaint"
    assert case.events[-1].payload["rule"] == "keywords"


def test_duplicates_from_many_authors_join_one_case(client, session, world):
    first = post(client, author="u1")
    second = post(client, author="u2", body=NOISE["body"].replace("两点", "三点"))
    third = post(client, author="u3")
    assert first["case_id"] == second["case_id"] == third["case_id"]
    latest = session.get(MessageAnalysis, third["id"])
    assert latest.duplicate_relation == "joint_letter"
    assert latest.duplicate_status == "auto"
    near = session.get(MessageAnalysis, second["id"])
    assert near.duplicate_kind == "near"
    case = session.get(Case, first["case_id"])
    assert [e.action for e in case.events].count("merged") == 2

    login(client, "boss")
    page = client.get(f"/staff/cases/{case.id}")
    assert 'id="supporters">3<' in page.text
    assert "联名留言" in page.text
    assert "13812345678" not in page.text.split("<details")[0]  # masked outside the original
    assert "138****5678" in page.text


def test_staff_undo_and_confirm_a_merge(client, session, world):
    first = post(client, author="u1")
    second = post(client, author="u1")
    third = post(client, author="u2")
    assert first["case_id"] == second["case_id"] == third["case_id"]
    login(client, "boss")
    token = csrf_of(client.get(f"/staff/cases/{first['case_id']}").text)
    confirmed = client.post(
        f"/staff/messages/{third['id']}/merge", data={"decision": "confirm", "csrf_token": token}
    )
    assert confirmed.status_code == 200
    undone = client.post(
        f"/staff/messages/{second['id']}/merge", data={"decision": "undo", "csrf_token": token}
    )
    assert undone.status_code == 200
    session.expire_all()
    moved = session.get(Message, second["id"])
    assert moved.case_id != first["case_id"]
    assert moved.case.category_id == session.get(Case, first["case_id"]).category_id
    assert session.get(MessageAnalysis, second["id"]).duplicate_status == "undone"
    assert session.get(MessageAnalysis, third["id"]).duplicate_status == "confirmed"
    refused = client.post(
        f"/staff/messages/{first['id']}/merge", data={"decision": "undo", "csrf_token": token}
    )
    assert refused.status_code == 409


def test_vague_message_waits_for_a_dispatcher(client, session, world):
    data = post(client, title="请问一件事", body="想了解一下有关情况，谢谢。")
    case = session.get(Case, data["case_id"])
    assert case.department is None
    assert case.status == "received"
    assert case.appeal_kind == "inquiry"


def test_staff_correct_the_category(client, session, world):
    data = post(client)
    login(client, "road")
    token = csrf_of(client.get(f"/staff/cases/{data['case_id']}").text)
    response = client.post(
        f"/staff/cases/{data['case_id']}/category",
        data={"category_id": world.school_category.id, "csrf_token": token},
    )
    assert response.status_code == 200
    case = session.get(Case, data["case_id"])
    session.refresh(case)
    assert case.category_source == "staff"
    assert case.events[-1].action == "recategorised"


def test_api_token_sees_the_analysis_through_the_case(client, session, world):
    data = post(client)
    case = client.get(f"/api/v1/cases/{data['case_id']}", headers=bearer(session, world.road_staff)).json()
    assert case["appeal_kind"] == "complaint"
