"""One error mapping: JSON for /api paths, a page in the reader's language for people."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient
from tests.functional.conftest import bearer, csrf_of, login

from minyi.core.errors import Conflict, DomainError, Forbidden, InvalidInput, NotFound
from minyi.demo import factories


class Busy(DomainError):  # noqa: N818 - like Throttled
    status = 429
    code = "too_many_attempts"
    retry_after = 30


KINDS: dict[str, DomainError] = {
    "not_found": NotFound("no such thing"),
    "forbidden": Forbidden("you may not"),
    "conflict": Conflict("not now"),
    "invalid": InvalidInput("bad value", field="title"),
    "busy": Busy("wait"),
}


@pytest.fixture
def raising_client(app) -> TestClient:
    """The real app with one route per error kind, under /api and for pages."""

    def raise_kind(kind: str) -> None:
        raise KINDS[kind]

    app.add_api_route("/api/v1/test-raise/{kind}", raise_kind)
    app.add_api_route("/test-raise/{kind}", raise_kind)
    return TestClient(app)


@pytest.mark.parametrize("kind", list(KINDS))
def test_each_domain_error_maps_to_its_status_on_both_sides(raising_client, kind):
    error = KINDS[kind]
    api = raising_client.get(f"/api/v1/test-raise/{kind}")
    assert api.status_code == error.status
    assert api.json()["error"] == error.code
    assert api.json()["message"] == error.message
    assert api.json()["field"] == error.field
    page = raising_client.get(f"/test-raise/{kind}")
    assert page.status_code == error.status
    assert page.headers["content-type"].startswith("text/html")
    assert "出错了" in page.text
    if kind in {"not_found", "forbidden"}:  # the reader's words; an untranslated detail only in English
        assert error.message not in page.text
        assert error.message in raising_client.get(f"/test-raise/{kind}?lang=en").text
    else:
        assert error.message in page.text


def test_an_invalid_value_names_its_field_in_json(raising_client):
    body = raising_client.get("/api/v1/test-raise/invalid").json()
    assert body == {
        "error": "invalid_request",
        "message": "bad value",
        "field": "title",
        "fields": [{"field": "title", "message": "bad value"}],
    }


def test_unknown_page_is_a_page_in_the_readers_language(client):
    chinese = client.get("/no/such/page")
    assert chinese.status_code == 404
    assert chinese.headers["content-type"].startswith("text/html")
    assert "页面不存在" in chinese.text
    assert "detail" not in chinese.text
    english = client.get("/no/such/page?lang=en")
    assert english.status_code == 404
    assert "Page not found" in english.text


def test_wrong_method_on_a_page_is_a_page(client):
    response = client.delete("/submit?lang=en")
    assert response.status_code == 405
    assert response.headers["content-type"].startswith("text/html")
    assert "does not take that kind of request" in response.text


def test_unknown_api_url_stays_json(client):
    response = client.get("/api/v1/nope")
    assert response.status_code == 404
    assert response.json()["error"] == "not_found"
    assert client.delete("/api/v1/statements").json()["error"] == "method_not_allowed"


def test_a_form_without_its_csrf_token_is_refused_in_the_readers_language(client, world):
    login(client, "boss")
    response = client.post("/staff/logout?lang=en", data={"csrf_token": "forged"})
    assert response.status_code == 400
    assert "The page expired" in response.text
    assert "页面已过期" in client.post("/staff/logout?lang=zh", data={}).text


def test_case_errors_on_both_sides(client, session, world):
    case = factories.make_case(session, department=world.roads, category=world.road_category)
    session.commit()
    road, school = bearer(session, world.road_staff), bearer(session, world.school_staff)
    url = f"/api/v1/cases/{case.id}"
    assert client.get(url, headers=school).json()["error"] == "not_found"
    forbidden = client.post(f"{url}/dispatch", json={"department": "JTJ"}, headers=road)
    assert (forbidden.status_code, forbidden.json()["error"]) == (403, "forbidden")
    conflict = client.post(
        f"{url}/status", json={"status": "follow_up"}, headers=bearer(session, world.admin)
    )
    assert (conflict.status_code, conflict.json()["error"]) == (409, "conflict")

    login(client, "road")
    token = csrf_of(client.get(f"/staff/cases/{case.id}").text)
    refused = client.post(f"/staff/cases/{case.id}/supervise", data={"comment": "x", "csrf_token": token})
    assert refused.status_code == 403
    assert "无权访问" in refused.text
    assert "may not" not in refused.text  # no English on a Chinese page
    english = client.post(
        f"/staff/cases/{case.id}/supervise?lang=en", data={"comment": "x", "csrf_token": token}
    )
    assert "Your role may not supervise cases." in english.text
    # a conflict shows the case again, with the reason
    again = client.post(f"/staff/cases/{case.id}/status", data={"status": "closed", "csrf_token": token})
    assert again.status_code == 409
    assert 'id="case-status"' in again.text
    assert client.get("/staff/cases/missing").status_code == 404
    assert client.get("/staff?status=lost").status_code == 422


def test_an_error_that_says_when_to_retry_sends_retry_after(raising_client):
    api = raising_client.get("/api/v1/test-raise/busy")
    assert (api.status_code, api.headers["Retry-After"], api.json()["retry_after"]) == (429, "30", 30)
    assert raising_client.get("/test-raise/busy").headers["Retry-After"] == "30"
