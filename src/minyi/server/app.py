"""The ASGI application: pages, JSON API, middleware and error handling."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import timedelta
from typing import Any

from fastapi import Depends, FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse, Response
from fastapi.staticfiles import StaticFiles
from sqlalchemy.exc import OperationalError
from sqlalchemy.exc import TimeoutError as PoolTimeout
from sqlalchemy.orm.exc import StaleDataError
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.middleware.sessions import SessionMiddleware
from starlette.types import Scope

import minyi
from minyi.accounts.quotas import ApiCaps
from minyi.accounts.throttle import Throttle
from minyi.analysis.provider import PipelineProvider
from minyi.api import admin as api_admin
from minyi.api import alerts as api_alerts
from minyi.api import bulk as api_bulk
from minyi.api import forecast as api_forecast
from minyi.api import issues as api_issues
from minyi.api import kinds as api_kinds
from minyi.api import knowledge as api_knowledge
from minyi.api import public_search as api_public_search
from minyi.api import routes as api_routes
from minyi.api import scorecard as api_scorecard
from minyi.api import workflow as api_workflow
from minyi.api.openapi import install_openapi
from minyi.core.errors import Conflict, DomainError
from minyi.db.session import Database
from minyi.flows.workers import Processing, ProcessingContext, build_processing
from minyi.http.deps import SESSION_TOKEN_KEY, LoginRequired
from minyi.http.errors import (
    CHANGED_MEANWHILE,
    DATABASE_BUSY,
    INTERNAL,
    Unavailable,
    domain_error_json,
    error_body,
    http_error_json,
    retry_headers,
    wants_json,
)
from minyi.http.inputs import clean_input
from minyi.http.security import BodySizeLimit, SecurityHeaders
from minyi.http.submissions import ApiSubmissions, SubmissionLimit
from minyi.http.transactions import RequestSessions, note_stale_read
from minyi.issues.online import IssueTracker
from minyi.open311 import routes as open311_routes
from minyi.schema import migrate
from minyi.server.docs import install_docs
from minyi.settings import Settings, get_settings
from minyi.web import (
    admin,
    alert_rules,
    alerts,
    case_kinds,
    dashboard,
    exports,
    imports,
    issues,
    portal,
    staff,
    staff_bulk,
    staff_workflow,
    statements,
)
from minyi.web import audit as web_audit
from minyi.web import erasure as web_erasure
from minyi.web import forecast as web_forecast
from minyi.web import public_knowledge as web_public_knowledge
from minyi.web import public_search as web_public_search
from minyi.web import screen as web_screen
from minyi.web import staff_knowledge as web_staff_knowledge
from minyi.web.domain_texts import domain_text
from minyi.web.errors import domain_error_page, http_error_page, internal_error_page, validation_error_page
from minyi.web.i18n import accepted_language
from minyi.web.templating import TEMPLATES_DIR
from minyi.web.validation import plain_message

log = logging.getLogger(__name__)
STATIC_DIR = TEMPLATES_DIR.parent / "static"


def field_errors(exc: RequestValidationError, language: str | None = None) -> list[dict[str, str]]:
    """Validation errors as ``{"field", "message"}`` pairs, naming each field.

    Programs get pydantic's English; a caller whose ``Accept-Language`` prefers Chinese
    (``language="zh"``) gets the sentences the pages show.
    """
    out = []
    for err in exc.errors():
        loc = [str(p) for p in err.get("loc", ()) if p not in ("body", "query", "path", "header")]
        field = ".".join(loc) or "body"
        message = plain_message(err, "zh") if language == "zh" else str(err.get("msg", "invalid"))
        out.append({"field": field, "message": message})
    return out


def _json_language(request: Request) -> str | None:
    """The language a JSON caller's ``Accept-Language`` prefers (None: English, for programs)."""
    return accepted_language(request.headers.get("accept-language"))


def _domain_json(request: Request, exc: DomainError) -> Response:
    """A domain error as JSON; in the pages' Chinese words when the caller prefers Chinese."""
    answer = domain_error_json(exc)
    if _json_language(request) != "zh" or not exc.message:
        return answer
    body = error_body(exc)
    body["message"] = domain_text(exc.message, "zh")
    for item in body.get("fields", []):
        item["message"] = body["message"]
    headers = retry_headers(exc)
    if headers is not None:
        body["retry_after"] = int(headers["Retry-After"])
    return JSONResponse(body, status_code=exc.status, headers=headers)


#: A JSON route given no JSON object: the body's whole is wrong, not a field called "body"
#: (a message's text is a field of that name, so "body: Input should be a valid dictionary"
#: sent integrators looking at the wrong thing).
_WHOLE_BODY: dict[str, tuple[str, str]] = {
    "not_json": (
        "请以 JSON 格式发送请求内容（Content-Type: application/json）。",
        "send the request body as JSON (Content-Type: application/json)",
    ),
    "not_object": (
        "请求内容应为一个 JSON 对象（{...}）。",
        "the request body must be one JSON object ({...})",
    ),
    "bad_json": (
        "请求内容不是有效的 JSON（第 {at} 个字符附近）。",
        "the request body is not valid JSON (near character {at})",
    ),
}


def _whole_body_error(request: Request, exc: RequestValidationError) -> Response | None:
    """415 for a body that is not JSON, 422 for JSON that is not an object; None for field errors."""
    errors = exc.errors()
    if len(errors) == 1 and errors[0].get("type") == "json_invalid":  # loc: ("body", offset)
        at = next((str(part) for part in errors[0].get("loc", ())[1:]), "?")
        chinese, english = _WHOLE_BODY["bad_json"]
        message = (chinese if _json_language(request) == "zh" else english).format(at=at)
        return JSONResponse({"error": "invalid_request", "message": message, "fields": []}, status_code=422)
    if len(errors) != 1 or tuple(errors[0].get("loc", ())) != ("body",):
        return None
    media = request.headers.get("content-type", "").split(";")[0].strip().lower()
    is_json = media == "application/json" or media.endswith("+json")
    kind, status = ("not_object", 422) if is_json else ("not_json", 415)
    chinese, english = _WHOLE_BODY[kind]
    message = chinese if _json_language(request) == "zh" else english
    error = "invalid_request" if is_json else "unsupported_media_type"
    return JSONResponse({"error": error, "message": message, "fields": []}, status_code=status)


def _invalid_json(request: Request, exc: RequestValidationError) -> Response:
    """A JSON caller's validation error: each field named, or the whole body's problem."""
    whole = _whole_body_error(request, exc)
    if whole is not None:
        return whole
    errors = field_errors(exc, _json_language(request))
    text = "; ".join(f"{e['field']}: {e['message']}" for e in errors)
    return JSONResponse({"error": "invalid_request", "message": text, "fields": errors}, status_code=422)


def _install_error_handlers(app: FastAPI) -> None:
    """One mapping of errors to answers: JSON for ``/api`` paths, a page in the reader's language."""

    @app.exception_handler(DomainError)
    async def domain_error(request: Request, exc: DomainError) -> Response:
        if wants_json(request):
            return _domain_json(request, exc)
        return domain_error_page(request, exc)

    @app.exception_handler(RequestValidationError)
    async def invalid(request: Request, exc: RequestValidationError) -> Response:
        if wants_json(request):
            return _invalid_json(request, exc)
        return validation_error_page(request, exc.errors())

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException) -> Response:
        if wants_json(request):
            return http_error_json(exc, _json_language(request))
        return http_error_page(request, exc)

    @app.exception_handler(LoginRequired)
    async def login_required(request: Request, _exc: LoginRequired) -> Response:
        return RedirectResponse(f"/staff/login?next={request.url.path}", status_code=303)

    _install_database_handlers(app)

    @app.exception_handler(Exception)
    async def unexpected(request: Request, exc: Exception) -> Response:
        log.error("unhandled error on %s", request.url.path, exc_info=exc)
        return _unexpected_answer(request)


def _install_database_handlers(app: FastAPI) -> None:
    """A step that lost a race answers 409; a database out of reach or saturated, 503 (not 500)."""

    def answer(request: Request, exc: DomainError) -> Response:
        return _domain_json(request, exc) if wants_json(request) else domain_error_page(request, exc)

    @app.exception_handler(StaleDataError)
    async def changed_meanwhile(request: Request, _exc: StaleDataError) -> Response:
        return answer(request, Conflict(CHANGED_MEANWHILE))

    @app.exception_handler(OperationalError)
    @app.exception_handler(PoolTimeout)
    async def database_unavailable(request: Request, exc: Exception) -> Response:
        if _deadlock(exc):  # two steps locking the same cases in opposite orders: one lost
            return answer(request, Conflict(CHANGED_MEANWHILE))
        if _locked(exc) and note_stale_read(request.scope):  # a GET runs again as a writer
            return answer(request, Unavailable(DATABASE_BUSY))
        log.warning("database unavailable on %s: %s", request.url.path, type(exc).__name__)
        return answer(request, Unavailable(DATABASE_BUSY))


def _locked(exc: Exception) -> bool:
    """Whether ``exc`` is SQLite's "database is locked" (busy, or a reader's stale snapshot)."""
    text = str(getattr(exc, "orig", exc))
    return "locked" in text or "busy" in text


def _deadlock(exc: Exception) -> bool:
    """Whether ``exc`` is PostgreSQL's deadlock (SQLSTATE 40P01), which it resolves by failing one."""
    return getattr(getattr(exc, "orig", None), "sqlstate", None) == "40P01"


def _unexpected_answer(request: Request) -> Response:
    """A 500 in the reader's language: JSON for programs, the site's page for people."""
    if wants_json(request):
        message = INTERNAL[1] if _json_language(request) == "zh" else INTERNAL[0]
        return JSONResponse({"error": "internal_error", "message": message}, status_code=500)
    try:  # the site's error page, if the page itself can be drawn
        return internal_error_page(request)
    except Exception:  # noqa: BLE001 - the last resort must answer
        return HTMLResponse(f"<h1>{INTERNAL[1]}</h1><p>{INTERNAL[0]}</p>", status_code=500)


def _issue_tracker(settings: Settings, database: Database, *, owned: bool) -> IssueTracker | None:
    """The online hot-issue tracker; it rebuilds in the background when the app owns its database."""
    if not settings.issue_tracking:
        return None
    return IssueTracker(
        days=settings.issue_window_days,
        min_size=settings.issue_min_size,
        rebuild_seconds=settings.issue_rebuild_minutes * 60.0,
        database=database if owned else None,
    )


def _throttle(settings: Settings) -> Throttle:
    """The login throttle of this process (``MINYI_LOGIN_*``); its counts live in the database."""
    return Throttle.configured(
        account_failures=settings.login_max_failures,
        address_failures=settings.login_address_max_failures,
        lock=timedelta(minutes=settings.login_lock_minutes),
        max_lock=timedelta(minutes=settings.login_max_lock_minutes),
        max_verifications=settings.login_concurrency,
    )


@asynccontextmanager
async def _lifespan(app: FastAPI) -> AsyncIterator[None]:
    """Start the workers and the sweeper with the server; let them finish at shutdown."""
    processing: Processing = app.state.processing
    processing.start()
    try:
        yield
    finally:
        await asyncio.to_thread(processing.stop)


def _has_session(scope: Scope) -> bool:
    """Whether the (signed, verified) session cookie names a staff session: only staff upload."""
    session = scope.get("session")
    return isinstance(session, dict) and bool(session.get(SESSION_TOKEN_KEY))


def _install_middleware(app: FastAPI, settings: Settings) -> None:
    """Body limits inside the cookie session, security headers, then each request's sessions.

    The last one added is the outermost: :class:`RequestSessions` gives every request the
    list in which its database sessions are noted, so that routes end their transactions.
    """
    app.add_middleware(  # inside the session middleware: the larger upload limit needs a session
        BodySizeLimit,
        max_bytes=settings.max_request_bytes,
        larger={("POST", "/staff/imports"): settings.max_upload_bytes},  # the import page's files
        signed_in=_has_session,
    )
    app.add_middleware(
        SessionMiddleware,
        secret_key=app.state.secret_key,
        session_cookie="minyi_session",
        max_age=settings.session_max_age_seconds,
        same_site="lax",
        https_only=settings.cookie_secure,
    )
    app.add_middleware(SecurityHeaders, https_only=settings.cookie_secure)
    app.add_middleware(RequestSessions)


def create_app(settings: Settings | None = None, database: Database | None = None) -> FastAPI:
    """Build the application for ``settings`` (from the environment when omitted)."""
    settings = settings or get_settings()
    settings.check_safe()
    app = FastAPI(
        lifespan=_lifespan,
        title="Minyi 民意 API",
        version=minyi.__version__,
        description="Intake, cases and public answers. Staff endpoints take `Authorization: Bearer <token>`.",
        docs_url=None,
        redoc_url=None,
        dependencies=[Depends(clean_input)],
    )
    app.state.settings = settings
    app.state.db = database or Database(settings.effective_database_url)
    app.state.secret_key = settings.effective_secret_key
    app.state.pipelines = PipelineProvider(settings)
    app.state.issues = _issue_tracker(settings, app.state.db, owned=database is None)
    app.state.throttle = _throttle(settings)
    app.state.submissions = SubmissionLimit(  # the portal's cap per address, counted in the database
        settings.submit_per_address, database=app.state.db, secret=app.state.secret_key
    )
    app.state.api_submissions = ApiSubmissions(  # the JSON API's caps per address and per integrator key
        ApiCaps(settings.api_submit_per_address, settings.api_key_per_hour), secret=app.state.secret_key
    )
    app.state.processing = build_processing(
        settings, ProcessingContext(app.state.db, app.state.pipelines, app.state.issues)
    )
    _install_middleware(app, settings)
    _install_error_handlers(app)
    install_docs(app)
    install_openapi(app)
    app.mount("/static", StaticFiles(directory=str(STATIC_DIR)), name="static")
    app.include_router(api_routes.router)
    app.include_router(api_workflow.router)
    app.include_router(api_bulk.router)
    app.include_router(api_admin.router)
    app.include_router(api_alerts.router)
    app.include_router(api_issues.router)
    app.include_router(api_scorecard.router)
    app.include_router(api_public_search.router)
    app.include_router(api_kinds.router)
    app.include_router(api_knowledge.router)
    app.include_router(portal.router)
    app.include_router(dashboard.router)
    app.include_router(web_public_search.router)
    app.include_router(staff.router)
    app.include_router(staff_workflow.router)
    app.include_router(staff_bulk.router)
    app.include_router(case_kinds.router)
    app.include_router(admin.router)
    app.include_router(web_audit.router)
    app.include_router(web_erasure.router)
    app.include_router(statements.router)
    app.include_router(exports.router)
    app.include_router(issues.router)
    app.include_router(alerts.router)
    app.include_router(alert_rules.router)
    app.include_router(imports.router)
    app.include_router(open311_routes.router)
    app.include_router(api_forecast.router)
    app.include_router(web_forecast.router)
    app.include_router(web_screen.router)
    app.include_router(web_staff_knowledge.router)
    app.include_router(web_public_knowledge.router)
    return app


def app_factory() -> Any:
    """Entry point for ``uvicorn --factory minyi.server.app:app_factory``.

    Refuses a database whose schema is not this release's, as `minyi serve` does (it does
    not migrate: several workers would race): served anyway, pages that read a new column
    answered 500 while `/healthz` said ok (eighth probe).
    """
    settings = get_settings()
    probe = Database(settings.effective_database_url)
    try:
        problem = migrate.schema_problem(probe.engine)
    finally:
        probe.engine.dispose()
    if problem is not None:
        raise SystemExit(f"minyi: {problem}")
    return create_app(settings)
