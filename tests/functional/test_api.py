"""The JSON API end to end: submit, read back, list, access control, bad input."""

from __future__ import annotations

import json

from tests.functional.conftest import bearer


def submit(client, **fields):
    body = {"title": "道路坑洼", "body": "星沙大道与开元路交叉口有大坑，雨天积水，电话13812345678。"} | fields
    return client.post("/api/v1/messages", json=body)


def test_healthz(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json()["database"] == "ok"
    assert response.json()["schema"] == "current"


def test_round_trip_routes_to_department_inbox(client, session, world):
    created = submit(
        client, category_id=world.road_category.id, contact={"name": "张三", "phone": "13812345678"}
    )
    assert created.status_code == 201, created.text
    data = created.json()
    assert data["tracking_code"].startswith("MY")
    assert data["status"] == "dispatched"
    assert created.headers["Location"] == f"/api/v1/messages/{data['id']}"

    road = bearer(session, world.road_staff)
    listed = client.get("/api/v1/cases", headers=road).json()
    assert [c["id"] for c in listed["items"]] == [data["case_id"]]
    assert listed["items"][0]["department"] == "JTJ"

    case = client.get(f"/api/v1/cases/{data['case_id']}", headers=road).json()
    assert case["status"] == "dispatched"
    assert [e["action"] for e in case["events"]] == ["received", "accepted", "dispatched"]
    message = case["messages"][0]
    assert "138****5678" in message["body"]
    assert message["contact"]["phone"] == "138****5678"

    other = bearer(session, world.school_staff)
    assert client.get("/api/v1/cases", headers=other).json()["total"] == 0
    assert client.get(f"/api/v1/cases/{data['case_id']}", headers=other).status_code == 404
    assert client.get(f"/api/v1/messages/{data['id']}", headers=other).status_code == 404


def test_message_readable_by_its_author_with_secret_only(client):
    data = submit(client).json()
    url = f"/api/v1/messages/{data['id']}"
    assert client.get(url).status_code == 401
    assert client.get(url, headers={"X-Tracking-Secret": "WRONGWRONG"}).status_code == 401
    mine = client.get(url, headers={"X-Tracking-Secret": data["tracking_secret"]})
    assert mine.status_code == 200
    assert mine.json()["contact"] is None


def test_idempotency_key_stores_once(client, session, world):
    headers = {"Idempotency-Key": "abc-123"}
    body = {"title": "噪音", "body": "夜间施工噪音扰民"}
    first = client.post("/api/v1/messages", json=body, headers=headers)
    second = client.post("/api/v1/messages", json=body, headers=headers)
    assert first.status_code == 201
    assert second.status_code == 200
    assert first.json()["id"] == second.json()["id"]
    assert first.json()["tracking_secret"] == second.json()["tracking_secret"]
    admin = bearer(session, world.admin)
    assert client.get("/api/v1/cases", headers=admin).json()["total"] == 1
    clash = client.post("/api/v1/messages", json={"title": "x", "body": "different"}, headers=headers)
    assert clash.status_code == 409
    assert clash.json()["fields"][0]["field"] == "Idempotency-Key"
    # another client (here an integrator's key) sending the same key and body is not the first
    # sender's retry: it never gets the first message or its tracking secret
    from minyi.accounts import client_keys

    integrator = client_keys.create_key(session, "微博抓取")
    session.commit()
    elsewhere = client.post("/api/v1/messages", json=body, headers=headers | {"X-Api-Key": integrator})
    assert elsewhere.status_code == 201
    assert elsewhere.json()["id"] != first.json()["id"]
    assert elsewhere.json()["tracking_secret"] != first.json()["tracking_secret"]
    again = client.post("/api/v1/messages", json=body, headers=headers | {"X-Api-Key": integrator})
    assert (again.status_code, again.json()["id"]) == (200, elsewhere.json()["id"])


def test_cases_need_a_token(client):
    assert client.get("/api/v1/cases").status_code == 401
    bad = client.get("/api/v1/cases", headers={"Authorization": "Bearer nope"})
    assert bad.status_code == 401
    assert "token" in bad.json()["message"]


def test_bad_input_names_the_field(client):
    empty = submit(client, body="   ")
    assert empty.status_code == 422
    assert empty.json()["fields"][0]["field"] == "body"

    missing = client.post("/api/v1/messages", json={"title": "只有标题"})
    assert missing.status_code == 422
    assert {"field": "body", "message": "Field required"} in missing.json()["fields"]

    wrong_type = submit(client, likes="many", is_public="perhaps")
    assert wrong_type.status_code == 422
    assert {f["field"] for f in wrong_type.json()["fields"]} == {"likes", "is_public"}

    extra = submit(client, password="x")
    assert extra.status_code == 422

    bad_category = submit(client, category_id="nope")
    assert bad_category.status_code == 422
    assert bad_category.json()["fields"][0]["field"] == "category_id"


def test_invalid_json(client):
    response = client.post(
        "/api/v1/messages", content=b'{"title": "x", "body": ', headers={"Content-Type": "application/json"}
    )
    assert response.status_code == 422
    assert "JSON" in response.json()["message"]


def test_one_megabyte_body_is_refused_with_a_message(client):
    big = submit(client, body="长" * 1_000_000)
    assert big.status_code == 413
    assert "larger than" in big.json()["message"]
    long_text = submit(client, body="a" * 1_000_000)
    assert long_text.status_code in {413, 422}
    payload = json.dumps({"title": "t", "body": "a" * 200_000})
    too_long = client.post("/api/v1/messages", content=payload, headers={"Content-Type": "application/json"})
    assert too_long.status_code == 422
    assert too_long.json()["fields"][0]["field"] == "body"


def test_openapi_documents_the_api(client):
    spec = client.get("/openapi.json").json()
    assert "/api/v1/messages" in spec["paths"]
    assert "/api/v1/cases/{case_id}" in spec["paths"]
    docs = client.get("/docs")
    assert docs.status_code == 200
    assert "/static/vendor/swagger-ui/swagger-ui-bundle.js" in docs.text
    assert "<script>" not in docs.text  # no inline script: the strict CSP applies to /docs too
    assert "script-src 'self'" in docs.headers["content-security-policy"]
    for asset in (
        "vendor/swagger-ui/swagger-ui-bundle.js",
        "vendor/swagger-ui/swagger-ui.css",
        "docs-init.js",
    ):
        assert client.get(f"/static/{asset}").status_code == 200


VAGUE = {"title": "请问一件事", "body": "想了解一下有关情况，谢谢。"}


def test_case_actions_through_the_api(client, session, world):
    created = submit(client, **VAGUE).json()
    case_url = f"/api/v1/cases/{created['case_id']}"
    admin = bearer(session, world.admin)
    road = bearer(session, world.road_staff)
    assert client.get(case_url, headers=road).status_code == 404  # unassigned: not theirs yet

    refused = client.post(f"{case_url}/dispatch", json={"department": "JTJ"}, headers=road)
    assert refused.status_code == 404
    unknown = client.post(f"{case_url}/dispatch", json={"department": "NOPE"}, headers=admin)
    assert unknown.status_code == 422
    dispatched = client.post(f"{case_url}/dispatch", json={"department": "JTJ"}, headers=admin)
    assert dispatched.status_code == 200, dispatched.text
    assert dispatched.json()["status"] == "dispatched"
    assert dispatched.json()["department"] == "JTJ"

    illegal = client.post(f"{case_url}/status", json={"status": "closed"}, headers=road)
    assert illegal.status_code == 409
    assert "cannot become closed" in illegal.json()["message"]
    signed = client.post(f"{case_url}/status", json={"status": "signed"}, headers=road)
    assert signed.json()["status"] == "signed"
    note = client.post(f"{case_url}/replies", json={"body": "内部备注", "public": False}, headers=road)
    assert note.status_code == 201
    assert note.json()["status"] == "signed"
    answer = client.post(
        f"{case_url}/replies", json={"body": "您好，已处理。", "reason": "电话已说明"}, headers=road
    )
    assert answer.json()["status"] == "replied"
    assert [r["is_public"] for r in answer.json()["replies"]] == [False, True]
    bad = client.post(f"{case_url}/status", json={"status": "nonsense"}, headers=road)
    assert bad.status_code == 422
    assert bad.json()["fields"][0]["field"] == "status"


def test_message_without_case_is_hidden_from_department_tokens(client, session, world):
    created = submit(client, **VAGUE).json()
    assert (
        client.get(f"/api/v1/messages/{created['id']}", headers=bearer(session, world.road_staff)).status_code
        == 404
    )
    assert (
        client.get(f"/api/v1/messages/{created['id']}", headers=bearer(session, world.admin)).status_code
        == 200
    )


def test_load_balancers_may_probe_with_head(client):
    assert client.head("/healthz").status_code == 200
    assert client.head("/").status_code == 200


def test_a_health_probe_whose_database_fails_answers_503_not_500(client, monkeypatch):
    """The first probe after the database went away said 500: its failed transaction was committed."""
    from sqlalchemy import text

    from minyi.schema import migrate

    def broken(connection):
        connection.execute(text("SELECT no_such_column FROM no_such_table"))

    monkeypatch.setattr(migrate, "revision_problem", broken)
    answer = client.get("/healthz")
    assert answer.status_code == 503
    assert answer.json()["database"] == "unreachable"
