"""Every route for every role: anonymous callers are refused, other departments see nothing,
and no combination ends in a server error."""

from __future__ import annotations

import re

import pytest
from tests.functional.conftest import bearer, csrf_of, login

from minyi.demo import factories

PUBLIC_API = {
    ("POST", "/api/v1/messages"),
    ("GET", "/healthz"),
    ("GET", "/api/v1/messages/{message_id}"),
    ("GET", "/api/v1/statements"),
}
BODIES = {
    "dispatch": {"department": "JTJ"},
    "status": {"status": "signed"},
    "replies": {"body": "您好，已处理。", "reason": "已电话告知详情"},
    "return": {"reason": "不属于本单位"},
    "extensions": {"working_days": 3, "reason": "协调"},
    "decision": {"approve": True},
    "supervise": {"comment": "尽快"},
    "reopen": {"reason": "未解决"},
    "merge": {"other": "none"},
    "rating": {"satisfaction": "satisfied"},
    "check": {"body": "您好，已处理。"},
    "adoption": {"decision": "adopted", "reason": "采纳"},
    "kind": {"appeal_kind": "suggestion"},
    "done": {"outcome": "已回电"},
    "follow-up": {"satisfaction": "satisfied", "solved": True},
    "statements": {"title": "t", "body": "b", "cases": [{"case": "x"}]},
}
ROLES = ["admin", "road_staff", "school_staff", "dispatcher", "supervisor"]


def api_routes(app):
    paths = app.openapi()["paths"]
    found = [
        (method.upper(), path) for path, ops in paths.items() if path.startswith("/api/v1") for method in ops
    ]
    assert len(found) > 15, found  # the enumeration itself must not come back empty
    return found


def fill(path, case, message):
    return (
        path.replace("{case_id}", case.id)
        .replace("{message_id}", message.id)
        .replace("{request_id}", "missing-request")
    )


@pytest.fixture
def road_case(session, world):
    case = factories.make_case(
        session, status="dispatched", department=world.roads, category=world.road_category
    )
    session.commit()
    return case


def test_api_routes_refuse_anonymous_callers(client, app, road_case):
    for method, path in api_routes(app):
        if (method, path) in PUBLIC_API or path.endswith("/rating") or path.startswith("/api/v1/public/"):
            continue
        url = fill(path, road_case, road_case.messages[0])
        response = client.request(method, url, json=BODIES.get(path.rsplit("/", 1)[-1], {}))
        assert response.status_code == 401, (method, path, response.status_code)


@pytest.mark.parametrize("role", ROLES)
def test_every_api_route_for_every_role(client, app, session, world, road_case, role):
    headers = bearer(session, getattr(world, role))
    for method, path in api_routes(app):
        url = fill(path, road_case, road_case.messages[0])
        response = client.request(method, url, json=BODIES.get(path.rsplit("/", 1)[-1], {}), headers=headers)
        assert response.status_code < 500, (role, method, path, response.text)
        if role == "school_staff" and "{case_id}" in path:
            assert response.status_code == 404, (method, path, response.status_code)


STAFF_FORMS = [
    "reply",
    "status",
    "dispatch",
    "category",
    "return",
    "extension",
    "supervise",
    "reopen",
    "merge",
]


def test_staff_pages_need_login(client, road_case):
    assert client.get("/staff", follow_redirects=False).status_code == 303
    assert client.get(f"/staff/cases/{road_case.id}", follow_redirects=False).status_code == 303
    token = csrf_of(client.get("/").text)
    for form in STAFF_FORMS:
        response = client.post(
            f"/staff/cases/{road_case.id}/{form}", data={"csrf_token": token}, follow_redirects=False
        )
        assert response.status_code == 303, form
        assert response.headers["location"].startswith("/staff/login")


@pytest.mark.parametrize(
    ("username", "sees"), [("boss", True), ("road", True), ("school", False), ("disp", True), ("sup", True)]
)
def test_every_staff_form_for_every_role(client, road_case, username, sees):
    login(client, username)
    page = client.get(f"/staff/cases/{road_case.id}")
    assert page.status_code == (200 if sees else 404)
    token = csrf_of(client.get("/staff").text)
    for form in STAFF_FORMS:
        response = client.post(
            f"/staff/cases/{road_case.id}/{form}", data={"csrf_token": token, "reason": "x"}
        )
        assert response.status_code < 500, (username, form, response.status_code)
        if not sees:
            assert response.status_code == 404, (username, form, response.status_code)
    assert re.search(r"<h1>", client.get("/staff").text)
