"""Every bad input is a 4xx naming the field, never a 500 (issue 12 item 1).

NUL cannot be stored in PostgreSQL text; these requests gave 500 there. Run on both
databases (the suite runs twice).
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from tests.functional.conftest import bearer, csrf_of, login

from minyi.demo import factories

MESSAGE = {"title": "道路坑洼", "body": "星沙大道有大坑。"}


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("language", "z\x00h"),
        ("region", "\x00"),
        ("address", "人民路\x00"),
        ("external_id", "x\x00"),
        ("category_id", "\x00"),
        ("author", "a\x00"),
        ("title", "标题\x07"),
        ("body", "正文\x1b[31m"),
    ],
)
def test_control_characters_in_a_message_are_a_422_naming_the_field(client, field, value):
    response = client.post("/api/v1/messages", json=MESSAGE | {field: value})
    assert response.status_code == 422, response.text
    assert response.json()["field"] == field
    assert "control characters" in response.json()["message"]


def test_tab_and_line_breaks_are_text(client):
    response = client.post("/api/v1/messages", json=MESSAGE | {"body": "第一行\r\n第二行\t完"})
    assert response.status_code == 201, response.text


def test_contact_name_with_nul_names_the_nested_field(client):
    response = client.post("/api/v1/messages", json=MESSAGE | {"contact": {"name": "张\x00三"}})
    assert response.status_code == 422
    assert response.json()["field"] == "contact.name"


def test_staff_inputs_with_nul(client, session, world):
    admin = bearer(session, world.admin)
    case = factories.make_case(session, department=world.roads)
    session.commit()
    reply = client.post(f"/api/v1/cases/{case.id}/replies", json={"body": "已处理\x00"}, headers=admin)
    assert (reply.status_code, reply.json()["field"]) == (422, "body")
    department = client.post(
        "/api/v1/admin/departments", json={"code": "X\x00", "name": "部门"}, headers=admin
    )
    assert (department.status_code, department.json()["field"]) == (422, "code")
    template = client.post(
        "/api/v1/admin/templates", json={"name": "模板", "body": "您好\x00"}, headers=admin
    )
    assert (template.status_code, template.json()["field"]) == (422, "body")
    statement = client.post(
        "/api/v1/statements",
        json={"title": "t", "body": "b", "cases": [{"case": case.number, "note": "\x00"}]},
        headers=admin,
    )
    assert (statement.status_code, statement.json()["field"]) == (422, "cases.0.note")
    query = client.get("/api/v1/cases", params={"q": "路\x00"}, headers=admin)
    assert (query.status_code, query.json()["field"]) == (422, "q")
    path = client.get("/api/v1/cases/%00", headers=admin)
    assert (path.status_code, path.json()["field"]) == (422, "case_id")


def test_template_for_an_unknown_department_is_a_422(client, session, world):
    admin = bearer(session, world.admin)
    response = client.post(
        "/api/v1/admin/templates",
        json={"name": "模板", "body": "您好", "department_id": "no-such-department"},
        headers=admin,
    )
    assert response.status_code == 422, response.text
    assert response.json()["field"] == "department_id"


def test_huge_offsets_are_refused(client, session, world):
    admin = bearer(session, world.admin)
    huge = "10000000000000000000"
    statements = client.get("/api/v1/statements", params={"offset": huge})
    assert statements.status_code == 422
    assert statements.json()["fields"][0]["field"] == "offset"
    cases = client.get("/api/v1/cases", params={"offset": huge}, headers=admin)
    assert cases.status_code == 422
    assert client.get("/api/v1/statements", params={"offset": "1000000"}).status_code == 200


def test_strict_types_in_bodies(client, session, world):
    admin = bearer(session, world.admin)
    case = factories.make_case(session, department=world.roads)
    session.commit()
    supervise = client.post(
        f"/api/v1/cases/{case.id}/supervise", json={"comment": "快办", "due_at": 1_800_000_000}, headers=admin
    )
    assert supervise.status_code == 422
    assert client.post("/api/v1/messages", json=MESSAGE | {"is_public": "yes"}).status_code == 422


def test_portal_form_with_nul_is_a_422_page(client):
    page = client.get("/")
    form = {"title": "路灯\x00不亮", "body": "坏了", "csrf_token": csrf_of(page.text)}
    response = client.post("/submit", data=form, follow_redirects=False)
    assert response.status_code == 422
    assert "title" in response.text
    assert "<html" in response.text.lower()


def test_staff_form_with_nul_is_a_422_page(client, session, world):
    case = factories.make_case(session, department=world.roads)
    session.commit()
    login(client, "boss")
    page = client.get(f"/staff/cases/{case.id}")
    response = client.post(
        f"/staff/cases/{case.id}/reply",
        data={"body": "答复\x00", "csrf_token": csrf_of(page.text)},
        follow_redirects=False,
    )
    assert response.status_code == 422


def test_chunked_body_over_the_limit_is_413(client):
    def chunks() -> Iterator[bytes]:
        yield b'{"title": "t", "body": "'
        for _ in range(1200):
            yield b"x" * 1000
        yield b'"}'

    response = client.post("/api/v1/messages", content=chunks(), headers={"content-type": "application/json"})
    assert response.status_code == 413
    assert response.json()["error"] == "request_too_large"
