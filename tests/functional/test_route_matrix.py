"""Every route × every kind of caller: who may use it, written out route by route.

The table below is the expectation: for each route (method, path) the callers that may use
it. The test walks ``app.routes`` and fails when a route is missing from the table (a new
route must say who may use it) or the table names a route that no longer exists.

A caller who may use a route gets 200 or a redirect that is not to the login form; any
other caller is refused: 401, 403, 404 (a case of another department does not exist for
that caller), or a redirect to the login form. GET routes are checked for every caller;
routes that change something are checked only for the callers who may not use them (a
refusal changes nothing, so one database set-up serves the whole walk).
"""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from fastapi.testclient import TestClient
from starlette.routing import Mount
from tests.functional.conftest import bearer, csrf_of, login
from tests.isolationdata import Mixed, seed_mixed_issue

from minyi.cases import workflow
from minyi.demo import factories
from minyi.intake import identity
from minyi.interop.models import ImportRun
from minyi.knowledge import articles

ANON = "anonymous"
SECRET = "citizen with the tracking secret"
NO_SECRET = "citizen without the tracking secret"
RIGHT = "department staff, right department"
WRONG = "department staff, wrong department"
DISPATCHER = "dispatcher"
SUPERVISOR = "supervisor"
ADMIN = "admin"
CALLERS = (ANON, SECRET, NO_SECRET, RIGHT, WRONG, DISPATCHER, SUPERVISOR, ADMIN)

EVERYONE = frozenset(CALLERS)
STAFF = frozenset({RIGHT, WRONG, DISPATCHER, SUPERVISOR, ADMIN})
SEES_CASE = frozenset({RIGHT, DISPATCHER, SUPERVISOR, ADMIN})  # the case is the right department's
ADMINS = frozenset({ADMIN})
EDITORS = frozenset({DISPATCHER, SUPERVISOR, ADMIN})  # hot-issue edits, alert acknowledgement
DEPARTMENT = frozenset({RIGHT, ADMIN})  # the department's own work: public reply, 退单, 延期
SUPERVISORS = frozenset({SUPERVISOR, ADMIN})  # 督办, extension decisions
DISPATCHERS = frozenset({DISPATCHER, ADMIN})  # 派单, 并案
REOPENERS = frozenset({DISPATCHER, SUPERVISOR, ADMIN})
PUBLISHERS = frozenset({RIGHT, DISPATCHER, ADMIN})  # 权威发布 (supervisors publish none)
CALLBACKERS = frozenset({RIGHT, DISPATCHER, ADMIN})  # 求助回电
AUTHOR = frozenset({SECRET})
KB_WRITERS = frozenset(
    {RIGHT, WRONG, DISPATCHER, ADMIN}
)  # 知识库: staff of a department, dispatchers, admins

#: Who may use each route. Mount("/static") serves public files and is no route of this table.
MAY_USE: dict[tuple[str, str], frozenset[str]] = {
    ("GET", "/openapi.json"): EVERYONE,
    ("GET", "/docs"): EVERYONE,
    ("GET", "/healthz"): EVERYONE,
    # JSON API: intake and the author's view
    ("POST", "/api/v1/messages"): EVERYONE,
    ("GET", "/api/v1/messages/{message_id}"): AUTHOR | SEES_CASE,
    ("POST", "/api/v1/messages/{message_id}/rating"): AUTHOR,
    # JSON API: cases
    ("GET", "/api/v1/cases"): STAFF,
    ("GET", "/api/v1/cases/{case_id}"): SEES_CASE,
    ("POST", "/api/v1/cases/{case_id}/dispatch"): DISPATCHERS,
    ("POST", "/api/v1/cases/bulk-dispatch"): DISPATCHERS,
    ("POST", "/api/v1/cases/{case_id}/status"): SEES_CASE,
    ("POST", "/api/v1/cases/{case_id}/replies"): DEPARTMENT,  # the public reply (notes: SEES_CASE)
    ("POST", "/api/v1/cases/{case_id}/replies/check"): SEES_CASE,
    ("POST", "/api/v1/cases/{case_id}/return"): DEPARTMENT,
    ("GET", "/api/v1/knowledge/search"): STAFF,
    ("GET", "/api/v1/public/knowledge"): EVERYONE,  # public answers and articles only, masked
    ("POST", "/api/v1/public/knowledge"): EVERYONE,  # the same for the portal's draft, sent in a body
    ("GET", "/public/knowledge/{entry_id}"): EVERYONE,
    ("POST", "/staff/cases/{case_id}/knowledge-draft"): SEES_CASE,
    ("POST", "/staff/cases/{case_id}/direct-answer"): DISPATCHERS,  # 直接答复
    ("GET", "/staff/knowledge"): STAFF,
    ("GET", "/staff/knowledge/new"): KB_WRITERS,
    ("POST", "/staff/knowledge/new"): KB_WRITERS,
    ("GET", "/staff/knowledge/{article_id}"): STAFF,
    ("POST", "/staff/knowledge/{article_id}"): KB_WRITERS,
    ("POST", "/staff/knowledge/{article_id}/expire"): KB_WRITERS,
    ("POST", "/staff/knowledge-import"): KB_WRITERS,
    ("POST", "/api/v1/cases/{case_id}/adoption"): DEPARTMENT,
    ("POST", "/api/v1/cases/{case_id}/kind"): SEES_CASE,  # as correcting the category
    ("POST", "/api/v1/cases/{case_id}/callback"): CALLBACKERS,
    ("POST", "/api/v1/cases/{case_id}/callback/done"): CALLBACKERS,
    ("POST", "/api/v1/cases/{case_id}/follow-up"): DISPATCHERS,  # 电话回访, as the page
    ("POST", "/api/v1/cases/{case_id}/extensions"): DEPARTMENT,
    ("POST", "/api/v1/extensions/{request_id}/decision"): SUPERVISORS,
    ("POST", "/api/v1/cases/{case_id}/supervise"): SUPERVISORS,
    ("POST", "/api/v1/cases/{case_id}/reopen"): REOPENERS,
    ("POST", "/api/v1/cases/{case_id}/merge"): DISPATCHERS,
    ("POST", "/api/v1/statements"): PUBLISHERS,
    ("GET", "/api/v1/statements"): EVERYONE,
    # JSON API: administration
    ("GET", "/api/v1/admin/departments"): ADMINS,
    ("POST", "/api/v1/admin/departments"): ADMINS,
    ("GET", "/api/v1/admin/users"): ADMINS,
    ("POST", "/api/v1/admin/users"): ADMINS,
    ("POST", "/api/v1/admin/users/{user_id}/active"): ADMINS,
    ("DELETE", "/api/v1/admin/users/{user_id}/sessions"): ADMINS,
    ("GET", "/api/v1/admin/lockouts"): ADMINS,
    ("DELETE", "/api/v1/admin/lockouts/{kind}/{key}"): ADMINS,
    ("POST", "/api/v1/admin/erasures"): ADMINS,  # one person's data, at their request
    ("GET", "/api/v1/admin/deadline-rules"): ADMINS,
    ("POST", "/api/v1/admin/deadline-rules"): ADMINS,
    ("DELETE", "/api/v1/admin/deadline-rules/{rule_id}"): ADMINS,
    ("GET", "/api/v1/admin/templates"): ADMINS,
    ("POST", "/api/v1/admin/templates"): ADMINS,
    ("DELETE", "/api/v1/admin/templates/{template_id}"): ADMINS,
    # JSON API: alerts and hot issues
    ("GET", "/api/v1/alerts"): STAFF,
    ("GET", "/api/v1/alerts/rules"): ADMINS,
    ("POST", "/api/v1/alerts/rules"): ADMINS,
    ("POST", "/api/v1/alerts/rules/{rule_id}/enabled"): ADMINS,
    ("POST", "/api/v1/alerts/{alert_id}/acknowledge"): EDITORS,
    ("GET", "/api/v1/issues"): STAFF,
    ("GET", "/api/v1/issues/{issue_id}"): STAFF,
    ("POST", "/api/v1/issues/{issue_id}/rename"): EDITORS,
    ("POST", "/api/v1/issues/{issue_id}/merge"): EDITORS,
    ("POST", "/api/v1/issues/{issue_id}/split"): EDITORS,
    # citizen portal
    ("GET", "/"): EVERYONE,
    ("POST", "/submit"): EVERYONE,
    ("GET", "/submitted"): EVERYONE,
    ("POST", "/submitted/clear"): EVERYONE,  # forgets this browser session's receipt
    ("GET", "/favicon.ico"): EVERYONE,
    ("GET", "/track"): EVERYONE,
    ("POST", "/track"): AUTHOR,
    ("POST", "/track/rate"): AUTHOR,
    ("GET", "/public"): EVERYONE,
    ("GET", "/public/statements"): EVERYONE,
    ("GET", "/public/dashboard"): EVERYONE,  # aggregate figures only
    ("GET", "/public/data/scorecard.{fmt}"): EVERYONE,
    ("GET", "/api/v1/public/scorecard"): EVERYONE,
    ("GET", "/public/dashboard/forecast"): EVERYONE,  # aggregate weekly counts only
    ("GET", "/api/v1/public/forecast"): EVERYONE,
    ("GET", "/screen"): STAFF,  # the big screen; MINYI_SCREEN_PUBLIC opens it to everyone
    ("GET", "/screen/data"): STAFF,
    ("GET", "/public/search"): EVERYONE,  # public answers only, masked
    ("GET", "/public/data"): EVERYONE,
    ("GET", "/public/data/cases.{fmt}"): EVERYONE,
    ("GET", "/api/v1/public/search"): EVERYONE,
    ("GET", "/staff/admin/audit"): ADMINS,  # the audit trail
    ("GET", "/staff/admin/audit.csv"): ADMINS,  # the audit trail as a CSV file (thirteenth probe)
    ("GET", "/staff/admin/erasure"): ADMINS,
    ("POST", "/staff/admin/erasure"): ADMINS,
    ("POST", "/staff/admin/holidays/shift"): ADMINS,
    ("POST", "/staff/admin/users/{user_id}/role"): ADMINS,
    ("GET", "/lang/{language}"): EVERYONE,
    # Open311 GeoReport v2: public reads; creating a request needs an Open311 api_key, which
    # no caller here holds (403); any other path under /open311/v2 is unknown (404)
    ("GET", "/open311/v2/discovery.{fmt}"): EVERYONE,
    ("GET", "/open311/v2/services.{fmt}"): EVERYONE,
    ("GET", "/open311/v2/services/{service_code}.{fmt}"): EVERYONE,
    ("GET", "/open311/v2/requests.{fmt}"): EVERYONE,
    ("GET", "/open311/v2/requests/{service_request_id}.{fmt}"): EVERYONE,
    ("GET", "/open311/v2/tokens/{token}.{fmt}"): EVERYONE,
    ("POST", "/open311/v2/requests.{fmt}"): frozenset(),
    ("GET", "/open311/v2/{rest:path}"): frozenset(),
    ("POST", "/open311/v2/{rest:path}"): frozenset(),
    # staff pages
    ("GET", "/staff/login"): EVERYONE,
    ("POST", "/staff/login"): EVERYONE,
    ("POST", "/staff/logout"): EVERYONE,
    ("GET", "/staff/password"): STAFF,
    ("POST", "/staff/password"): STAFF,
    ("GET", "/staff"): STAFF,
    ("GET", "/staff/cases/{case_id}"): SEES_CASE,
    ("POST", "/staff/cases/{case_id}/reply"): DEPARTMENT,  # the public reply (notes: SEES_CASE)
    ("POST", "/staff/cases/{case_id}/dispatch"): DISPATCHERS,
    ("POST", "/staff/cases/{case_id}/status"): SEES_CASE,
    ("POST", "/staff/cases/{case_id}/category"): SEES_CASE,
    ("POST", "/staff/messages/{message_id}/merge"): SEES_CASE,
    ("POST", "/staff/cases/{case_id}/return"): DEPARTMENT,
    ("POST", "/staff/cases/{case_id}/adoption"): DEPARTMENT,
    ("POST", "/staff/cases/{case_id}/kind"): SEES_CASE,
    ("POST", "/staff/cases/{case_id}/callback"): CALLBACKERS,
    ("POST", "/staff/cases/{case_id}/callback/done"): CALLBACKERS,
    ("POST", "/staff/cases/{case_id}/extension"): DEPARTMENT,
    ("POST", "/staff/extensions/{request_id}/decision"): SUPERVISORS,
    ("POST", "/staff/cases/{case_id}/supervise"): SUPERVISORS,
    ("POST", "/staff/cases/{case_id}/reopen"): REOPENERS,
    ("POST", "/staff/cases/{case_id}/follow-up"): DISPATCHERS,  # 电话回访: who may start follow-ups
    ("POST", "/staff/cases/{case_id}/merge"): DISPATCHERS,
    ("POST", "/staff/groups/merge"): DISPATCHERS,
    ("POST", "/staff/bulk/dispatch"): DISPATCHERS,
    ("GET", "/staff/admin"): ADMINS,
    ("POST", "/staff/admin/users"): ADMINS,
    ("POST", "/staff/admin/users/{user_id}/active"): ADMINS,
    ("POST", "/staff/admin/users/{user_id}/sessions/end"): ADMINS,
    ("POST", "/staff/admin/lockouts/lift"): ADMINS,
    ("POST", "/staff/admin/departments"): ADMINS,
    ("POST", "/staff/admin/categories"): ADMINS,
    ("POST", "/staff/admin/rules"): ADMINS,
    ("POST", "/staff/admin/rules/{rule_id}/delete"): ADMINS,
    ("POST", "/staff/admin/holidays"): ADMINS,
    ("POST", "/staff/admin/templates"): ADMINS,
    ("POST", "/staff/admin/templates/{template_id}/delete"): ADMINS,
    ("GET", "/staff/statements"): STAFF,
    ("POST", "/staff/statements"): PUBLISHERS,
    ("GET", "/staff/export"): STAFF,
    ("POST", "/staff/export"): STAFF,
    ("GET", "/staff/imports"): ADMINS,
    ("POST", "/staff/imports"): ADMINS,
    ("GET", "/staff/imports/{run_id}"): ADMINS,
    ("POST", "/staff/imports/{run_id}/dry-run"): ADMINS,
    ("POST", "/staff/imports/{run_id}/sheet"): ADMINS,
    ("POST", "/staff/imports/{run_id}/start"): ADMINS,
    ("GET", "/staff/imports/{run_id}/progress"): ADMINS,
    ("GET", "/staff/issues"): STAFF,
    ("GET", "/staff/issues/{issue_id}"): STAFF,
    ("POST", "/staff/issues/{issue_id}/rename"): EDITORS,
    ("POST", "/staff/issues/{issue_id}/merge"): EDITORS,
    ("POST", "/staff/issues/{issue_id}/split"): EDITORS,
    ("GET", "/staff/alerts"): STAFF,
    ("POST", "/staff/alerts/{alert_id}/acknowledge"): EDITORS,
    ("GET", "/staff/alerts/rules/new"): ADMINS,
    ("POST", "/staff/alerts/rules"): ADMINS,
    ("GET", "/staff/alerts/rules/{rule_id}"): ADMINS,
    ("POST", "/staff/alerts/rules/{rule_id}"): ADMINS,
    ("POST", "/staff/alerts/rules/{rule_id}/enabled"): ADMINS,
}

#: Refusals that answer 422 rather than 404, by design.
ALSO_REFUSED: dict[tuple[str, str], frozenset[int]] = {
    # Another department's case is an unknown case there, named in the field at fault.
    ("POST", "/api/v1/statements"): frozenset({422}),
    ("POST", "/staff/statements"): frozenset({422}),
    # Without an X-Tracking-Secret header the request lacks a required field.
    ("POST", "/api/v1/messages/{message_id}/rating"): frozenset({422}),
    # Wrong tracking secrets are throttled: after five for one code, it is locked (429).
    ("POST", "/track"): frozenset({429}),
    ("POST", "/track/rate"): frozenset({429}),
}


#: Query strings a GET needs to be a valid request (without one it answers 422).
QUERIES: dict[tuple[str, str], str] = {
    ("GET", "/api/v1/knowledge/search"): "?q=路灯",
}


def app_routes(app) -> set[tuple[str, str]]:
    """(method, path) of every route of ``app``, the included routers' too."""

    def walk(routes):
        for route in routes:
            if hasattr(route, "original_router"):  # a router included by FastAPI
                yield from walk(route.original_router.routes)
            elif not isinstance(route, Mount):
                yield route

    found = set()
    for route in walk(app.routes):
        for method in route.methods or ():
            if method != "HEAD":
                found.add((method, route.path))
    assert len(found) > 50, found  # the walk itself must not come back empty
    return found


def test_every_route_is_in_the_table(app):
    found = app_routes(app)
    missing = sorted(found - set(MAY_USE))
    assert not missing, f"routes with no entry in MAY_USE (say who may use them): {missing}"
    gone = sorted(set(MAY_USE) - found)
    assert not gone, f"MAY_USE names routes that no longer exist: {gone}"


@dataclass
class Caller:
    client: TestClient
    headers: dict[str, str]
    csrf: str
    secret: str | None = None


@pytest.fixture
def mixed(session, world) -> Mixed:
    made = seed_mixed_issue(session, world.roads, world.schools, world.road_category, world.school_category)
    session.commit()
    return made


def _callers(app, client, session, world) -> dict[str, Caller]:
    callers = {}
    for name in (ANON, SECRET, NO_SECRET):
        plain = client if name == ANON else TestClient(app)
        callers[name] = Caller(plain, {}, csrf_of(plain.get("/staff/login").text))
    staff = {
        RIGHT: world.road_staff,
        WRONG: world.school_staff,
        DISPATCHER: world.dispatcher,
        SUPERVISOR: world.supervisor,
        ADMIN: world.admin,
    }
    for name, user in staff.items():
        signed_in = TestClient(app)
        login(signed_in, user.username)
        callers[name] = Caller(signed_in, bearer(session, user), csrf_of(signed_in.get("/staff").text))
    return callers


def _values(session, world, mixed: Mixed) -> dict[str, str]:
    case = mixed.road_cases[0]
    pending = workflow.request_extension(session, world.road_staff, case, 3, "需要协调")
    open311 = factories.make_message(
        session, channel="open311", is_public=True, category_id=world.road_category.id
    )
    run = ImportRun(file_name="old.csv", status="done", report={})
    session.add(run)
    article = articles.save_article(
        session, world.admin, articles.ArticleIn(title="落户办理", body="携带身份证办理。")
    )
    session.commit()
    return {
        "run_id": run.id,
        "article_id": article.id,
        "entry_id": article.id,
        "case_id": case.id,
        "message_id": case.messages[0].id,
        "request_id": pending.id,
        "issue_id": mixed.issue.id,
        "alert_id": mixed.alert.id,
        "template_id": mixed.road_template.id,
        "user_id": world.school_staff.id,
        "department_id": world.roads.id,
        "language": "zh",
        "number": case.number,
        "other": mixed.road_cases[1].number,
        "code": case.messages[0].tracking_code,
        "fmt": "json",
        "service_code": world.road_category.id,
        "service_request_id": open311.case.number,
        "token": open311.id,
        "rest:path": "nothing.json",
    }


def _fill(path: str, values: dict[str, str], alert_rule: str) -> str:
    if "{rule_id}" in path:  # an alert rule's id; the deadline rules are only refused (by role)
        path = path.replace("{rule_id}", alert_rule if "/alerts/" in path else "no-such-rule")
    for key, value in values.items():
        path = path.replace("{" + key + "}", value)
    return path


def _payload(method: str, path: str, values: dict[str, str], caller: Caller) -> dict:
    """The JSON body or form fields a minimal valid request carries."""
    last = path.rstrip("/").rsplit("/", 1)[-1]
    if path.startswith("/api/"):
        bodies = {
            "dispatch": {"department": "JTJ"},
            "bulk-dispatch": {"department": "JTJ", "case_ids": [values["case_id"]]},
            "status": {"status": "signed"},
            "replies": {"body": "您好，已处理。"},
            "check": {"body": "您好，已处理。"},
            "return": {"reason": "不属于本单位"},
            "extensions": {"working_days": 3, "reason": "协调"},
            "decision": {"approve": True},
            "supervise": {"comment": "尽快办理"},
            "reopen": {"reason": "未解决"},
            "merge": {"target_id": values["issue_id"]} if "/issues/" in path else {"other": values["other"]},
            "rating": {"satisfaction": "satisfied"},
            "statements": {"title": "统一答复", "body": "已处理。", "cases": [{"case": values["number"]}]},
            "rename": {"title": "新标题"},
            "split": {"message_ids": [values["message_id"]]},
            "adoption": {"decision": "adopted", "reason": "采纳"},
            "kind": {"appeal_kind": "suggestion"},
            "done": {"outcome": "已回电"},
            "follow-up": {"satisfaction": "satisfied", "solved": True},
        }
        return {"json": bodies.get(last, {})}
    fields = {
        "reply": {"body": "您好，已处理。", "visibility": "public"},
        "dispatch": {"department_id": values["department_id"]},
        "status": {"status": "signed"},
        "decision": {"decision": "approve"},
        "supervise": {"comment": "尽快办理"},
        "reopen": {"reason": "未解决"},
        "return": {"reason": "不属于本单位"},
        "extension": {"working_days": "3", "reason": "协调"},
        "merge": {"other": values["other"], "decision": "confirm", "case_ids": [values["case_id"]]},
        "statements": {"title": "统一答复", "body": "已处理。", "case_lines": values["number"]},
        "track": {"code": values["code"], "secret": caller.secret or "WRONGSECRET"},
        "rate": {
            "code": values["code"],
            "secret": caller.secret or "WRONGSECRET",
            "satisfaction": "satisfied",
        },
        "rename": {"title": "新标题"},
        "adoption": {"decision": "adopted", "reason": "采纳"},
        "kind": {"appeal_kind": "suggestion"},
        "done": {"outcome": "已回电"},
        "follow-up": {"satisfaction": "satisfied", "solved": "yes"},
        "knowledge-draft": {"source": "case", "id": values["case_id"]},
        "direct-answer": {"source": "case", "id": values["case_id"]},
    }
    return {"data": {"csrf_token": caller.csrf, **fields.get(last, {})}}


def _refused(response, extra: frozenset[int]) -> bool:
    if response.status_code in {401, 403, 404} | extra:
        return True
    location = response.headers.get("location", "")
    return response.is_redirect and location.startswith("/staff/login")


def _allowed(response) -> bool:
    location = response.headers.get("location", "")
    return response.status_code == 200 or (response.is_redirect and not location.startswith("/staff/login"))


def test_every_route_for_every_caller(app, client, session, world, mixed):
    values = _values(session, world, mixed)
    callers = _callers(app, client, session, world)
    secret = identity.tracking_secret("test-key", values["message_id"])
    callers[SECRET].secret = secret
    callers[SECRET].headers = {"X-Tracking-Secret": secret}
    callers[NO_SECRET].headers = {"X-Tracking-Secret": "WRONGSECRET"}
    wrong = []
    for (method, path), may in sorted(MAY_USE.items()):
        url = _fill(path, values, mixed.alert.rule_id) + QUERIES.get((method, path), "")
        for name in CALLERS:
            if method != "GET" and name in may:
                continue  # changes are checked for refusal only
            caller = callers[name]
            kwargs = _payload(method, path, values, caller) if method != "GET" else {}
            response = caller.client.request(
                method, url, headers=caller.headers, follow_redirects=False, **kwargs
            )
            if name in may:
                ok = _allowed(response)
            else:
                ok = _refused(response, ALSO_REFUSED.get((method, path), frozenset()))
            if not ok:
                where = response.headers.get("location", "")
                wrong.append(f"{method} {path} as {name}: {response.status_code} {where}")
    assert not wrong, "\n".join(wrong)
