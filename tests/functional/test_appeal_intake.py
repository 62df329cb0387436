"""The trained appeal model at intake: kind, calibrated confidence and reasons on the staff page."""

from __future__ import annotations

import re

from tests.functional.conftest import login

from minyi.analysis.models import MessageAnalysis
from minyi.cases.models import Case
from minyi.pipeline.appeal_model import default_appeal_classifier


def post(client, title, body):
    response = client.post("/api/v1/messages", json={"title": title, "body": body})
    assert response.status_code == 201, response.text
    return response.json()


def test_a_manhole_cover_is_a_complaint_with_the_models_reasons(client, session, world):
    data = post(client, "开元路井盖丢失", "开元路路口的井盖丢失好几天了，晚上很危险，请尽快处理。")
    analysis = session.get(MessageAnalysis, data["id"])
    assert analysis.appeal_kind == "complaint"
    assert analysis.appeal_confidence > 0.5
    assert analysis.appeal_model == default_appeal_classifier().version_  # the version is stored
    assert analysis.appeal_model.startswith(("appeal-nbsvm-", "appeal-lr-"))
    assert analysis.appeal_reasons[0].startswith("model → complaint")
    login(client, "boss")
    page = client.get(f"/staff/cases/{data['case_id']}").text
    assert re.search(r"投诉 <small>\d+%</small>", page)
    assert "模型判断为投诉" in page


def test_garbled_text_is_undetermined_on_the_staff_page(client, session, world):
    title, body = (
        t.encode("utf-8").decode("gbk", "ignore") for t in ("投诉噪音扰民", "工地每天晚上施工到凌晨。")
    )
    data = post(client, title, body)
    case = session.get(Case, data["case_id"])
    assert case.appeal_kind == "undetermined"
    login(client, "boss")
    page = client.get(f"/staff/cases/{data['case_id']}").text
    assert re.search(r'id="case-appeal">.*未能判断', page)
