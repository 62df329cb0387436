"""Citizen portal: write a message, track it with code + secret, read public answers."""

from __future__ import annotations

import re
import secrets
import time
from datetime import UTC, datetime
from typing import Annotated, Any

from fastapi import Form, HTTPException, Query, Request
from fastapi.responses import RedirectResponse, Response
from pydantic import ValidationError

from minyi.accounts.quotas import QuotaExceeded
from minyi.accounts.throttle import Throttled
from minyi.cases import lifecycle, workflow
from minyi.cases import services as cases
from minyi.cases.models import Case, CaseStatus, EventAction
from minyi.cases.public_text import PublicText
from minyi.core.localtime import format_time
from minyi.departments.services import list_categories
from minyi.flows import processing
from minyi.http.deps import PUBLIC_VIEW, AppSettings, DbSession, LoginThrottle, client_address
from minyi.http.security import csrf_ok
from minyi.http.transactions import Router
from minyi.intake import form_checks, services, tracking
from minyi.intake.models import Channel, Message
from minyi.intake.schemas import MessageIn
from minyi.web import i18n
from minyi.web.domain_texts import domain_text
from minyi.web.errors import csrf_text_key, throttled_page, throttled_text
from minyi.web.templating import language_of, render
from minyi.web.validation import plain_errors

router = Router(include_in_schema=False)
RECEIPT_KEY = "receipt"
#: Set once the citizen cleared the receipt: /submitted then says it was sent, without the secret.
RECEIPT_CLEARED_KEY = "receipt_cleared"
#: How long this browser session keeps its receipt (a reload shows it again), in seconds: long
#: enough to print or copy it, short for a service hall's kiosk, whose next user could open
#: /submitted (docs/security-probes.md, eleventh probe, privacy); the page offers to clear it.
RECEIPT_SECONDS = 10 * 60
SUBMISSION_KEY = re.compile(r"[A-Za-z0-9_-]{16,64}")  # the one-time key of a portal form
OptionalField = Annotated[str, Form()]


def _form_errors(exc: ValidationError, language: str) -> dict[str, str]:
    """Short messages in the page's language, one per field, shown next to it."""
    return plain_errors(exc.errors(), language)


def _typed_problems(title: str, body: str, phone: str, language: str) -> dict[str, str]:
    """What the form asks again beyond the schema (:mod:`minyi.intake.form_checks`), by field."""
    problems = {}
    if form_checks.wordless(title):
        problems["title"] = i18n.translate("error.wordless.title", language)
    if form_checks.wordless(body):
        problems["body"] = i18n.translate("error.wordless.body", language)
    if form_checks.phone_problem(phone):
        problems["phone"] = i18n.translate("error.phone", language)
    return problems


def _submit_form(
    request: Request, db: DbSession, values: dict[str, Any], errors: dict[str, str], status: int = 200
) -> Response:
    # A one-time key per form: a resubmission of the same form (a double click, a retry after
    # an error) stores one message; a form shown again after an error keeps its key.
    values.setdefault("submission_key", secrets.token_urlsafe(18))
    context = {"values": values, "errors": errors, "categories": list_categories(db, max_level=2)}
    return render(request, "portal/submit.html", context, status_code=status)


@router.api_route("/", methods=["GET", "HEAD"])
def home(request: Request, db: DbSession) -> Response:
    """The front page: the message form (HEAD too: load balancers' checks use it)."""
    return _submit_form(request, db, {}, {})


@router.post("/submit")
def submit(
    request: Request,
    db: DbSession,
    title: OptionalField = "",
    body: OptionalField = "",
    category_id: OptionalField = "",
    region: OptionalField = "",
    address: OptionalField = "",
    name: OptionalField = "",
    phone: OptionalField = "",
    email: OptionalField = "",
    is_public: OptionalField = "",
    csrf_token: OptionalField = "",
    submission_key: OptionalField = "",
) -> Response:
    """Store a message from the portal form and show its receipt."""
    values = {
        "title": title,
        "body": body,
        "category_id": category_id,
        "region": region,
        "address": address,
        "name": name,
        "phone": phone,
        "email": email,
        "is_public": is_public,
        "submission_key": submission_key if SUBMISSION_KEY.fullmatch(submission_key) else "",
    }
    if not csrf_ok(request, csrf_token):  # the form is shown again with what was typed, a new key
        return _submit_form(request, db, values, {"form": _expired_text(request, "submit.expired")}, 400)
    contact = {k: v for k, v in (("name", name), ("phone", phone), ("email", email)) if v.strip()}
    errors = _typed_problems(title, body, phone, language_of(request))
    try:
        data = MessageIn(
            title=title,
            body=body,
            category_id=category_id or None,
            region=region or None,
            address=address or None,
            is_public=bool(is_public),
            contact=contact or None,
            language=language_of(request),
        )
    except ValidationError as exc:
        errors = _form_errors(exc, language_of(request)) | errors
    if errors:
        return _submit_form(request, db, values, errors, 422)
    try:  # a flood from one address is refused (MINYI_SUBMIT_PER_ADDRESS an hour)
        request.app.state.submissions.check(client_address(request))
    except Throttled as exc:
        response = _submit_form(request, db, values, {"form": _refused_text(exc, language_of(request))}, 429)
        response.headers["Retry-After"] = str(exc.retry_after)
        return response
    try:
        accepted = processing.receive(
            db,
            data,
            channel=Channel.PORTAL.value,
            key=request.app.state.secret_key,
            processor=request.app.state.processing.processor,
            idempotency_key=f"portal:{values['submission_key']}" if values["submission_key"] else None,
        )
    except services.IntakeError as exc:
        return _submit_form(request, db, values, {exc.field or "form": str(exc)}, exc.status)
    request.session[RECEIPT_KEY] = {
        "code": accepted.message.tracking_code,
        "secret": accepted.tracking_secret,
        "at": int(time.time()),
        "received": received_stamp(accepted.message.received_at),
    }
    request.session.pop(RECEIPT_CLEARED_KEY, None)
    return RedirectResponse("/submitted", status_code=303)


def _refused_text(exc: Throttled, language: str) -> str:
    """Why the portal refused a message for now, and what the citizen can do.

    At the cap of an address the login's words (尝试次数过多) were shown: a citizen in a
    surge, behind an estate's shared connection, read neither that nothing was sent nor
    that 12345 answers urgent matters (thirteenth probe).
    """
    if isinstance(exc, QuotaExceeded):
        return i18n.translate("submit.quota", language).format(cap=exc.cap, n=exc.minutes)
    return throttled_text(exc, language)


def _expired_text(request: Request, key: str) -> str:
    """Why a kept form was refused: expired (press the button again), or 'use HTTPS'.

    "Reload and try again" was wrong advice on a page that keeps what was typed: a reload
    sends the old form with its old key again, and is refused again (twelfth probe).
    """
    refused = csrf_text_key(request)
    return i18n.translate(key if refused == "error.csrf" else refused, language_of(request))


def fresh_receipt(session: dict[str, Any], now: float) -> dict[str, Any] | None:
    """This browser session's receipt while it is at most :data:`RECEIPT_SECONDS` old; else dropped."""
    receipt = session.get(RECEIPT_KEY)
    if isinstance(receipt, dict) and 0 <= now - float(receipt.get("at", 0)) <= RECEIPT_SECONDS:
        return receipt
    session.pop(RECEIPT_KEY, None)
    return None


def received_stamp(value: datetime) -> str:
    """A message's reception time for the session (ISO 8601, UTC; naive values are UTC)."""
    aware = value if value.tzinfo else value.replace(tzinfo=UTC)
    return aware.astimezone(UTC).isoformat()


def receipt_received(receipt: dict[str, Any]) -> datetime:
    """When the receipt's message was received (a receipt kept before this was stored: when it was given)."""
    try:
        return datetime.fromisoformat(str(receipt["received"]))
    except (KeyError, ValueError):
        return datetime.fromtimestamp(float(receipt.get("at", 0)), UTC)


@router.get("/submitted")
def submitted(request: Request) -> Response:
    """The receipt: tracking code and secret, for this browser session only, for 10 minutes.

    A reload shows it again (it is printed or copied from here); the page is never cached.
    Once the citizen cleared it, the page says the message was sent, without code or secret.
    """
    receipt = fresh_receipt(request.session, time.time())
    if not receipt and not request.session.get(RECEIPT_CLEARED_KEY):
        return RedirectResponse("/track", status_code=303)
    context = {"receipt": receipt, "received_at": receipt_received(receipt) if receipt else None}
    response = render(request, "portal/submitted.html", context)
    response.headers["Cache-Control"] = "no-store"
    return response


@router.post("/submitted/clear")
def clear_receipt(request: Request, csrf_token: OptionalField = "") -> Response:
    """Forget this browser session's receipt (我已记下，清除).

    The next user of a shared computer finds no code or secret at /submitted, and the
    session cookie holds them no more.
    """
    if not csrf_ok(request, csrf_token):
        raise HTTPException(
            status_code=400, detail=i18n.translate(csrf_text_key(request), language_of(request))
        )
    if request.session.pop(RECEIPT_KEY, None) is not None:
        request.session[RECEIPT_CLEARED_KEY] = True
    return RedirectResponse("/submitted", status_code=303)


@router.get("/favicon.ico")
def favicon() -> Response:
    """Browsers that ask for the old name get the SVG icon."""
    return RedirectResponse("/static/favicon.svg", status_code=301)


@router.get("/track")
def track_form(request: Request) -> Response:
    """The form asking for tracking code and secret."""
    return render(request, "portal/track.html", {"values": {}, "error": None})


@router.post("/track", dependencies=[PUBLIC_VIEW])
def track(
    request: Request,
    db: DbSession,
    throttle: LoginThrottle,
    code: OptionalField = "",
    secret: OptionalField = "",
    csrf_token: OptionalField = "",
) -> Response:
    """A message's status, history and reply, for whoever holds code and secret."""
    language = language_of(request)
    values = {"code": code}
    if not csrf_ok(request, csrf_token):
        return render(
            request,
            "portal/track.html",
            {"values": values, "error": _expired_text(request, "track.expired")},
            400,
        )
    missing = [name for name, value in (("code", code), ("secret", secret)) if not value.strip()]
    if missing:  # nothing to look up: say what to fill in, not "wrong code or secret"
        error = i18n.translate("track.fill_in", language)
        return render(
            request, "portal/track.html", {"values": values, "error": error, "missing": missing}, 422
        )
    try:  # throttled per tracking code and address: a locked one is refused unchecked
        message = tracking.track(db, throttle, code, secret, client_address(request))
    except Throttled as exc:
        return throttled_page(request, "portal/track.html", {"values": values}, exc)
    db.commit()  # a wrong secret counts; a right one clears the code's count
    if message is None:
        return render(
            request,
            "portal/track.html",
            {"values": values, "error": i18n.translate("track.not_found", language)},
            404,
        )
    return _tracked(request, message, secret)


PUBLIC_ACTIONS = frozenset(
    {
        "received",
        "accepted",
        "dispatched",
        "status",
        "replied",
        "reopened",
        "rated",
        "closed_by_rating",
        "not_reached",
    }
)


def _timeline(case: Case, language: str) -> list[tuple[datetime, str]]:
    """The public steps of ``case``: a status it reached, or what happened (a rating) when none."""
    steps = []
    for event in case.events:
        if event.action not in PUBLIC_ACTIONS:
            continue
        if event.action == EventAction.RATED:
            verdict = i18n.translate(f"rate.{event.payload.get('satisfaction', '')}", language)
            text = i18n.translate("track.rated", language).format(verdict=verdict)
        elif event.action == EventAction.REOPENED:  # 重办, not the status it returns to (办理中)
            text = i18n.translate("track.reopened", language)
        elif event.to_status and event.action == EventAction.RECEIVED:
            text = lifecycle.label(event.to_status, language)  # the first step: received as is
        elif event.to_status and event.from_status != event.to_status:
            text = lifecycle.label(event.to_status, language)
        else:
            continue  # nothing the citizen would see changed
        steps.append((event.created_at, text))
    return steps


def _not_found(request: Request, code: str, key: str, status: int) -> Response:
    error = i18n.translate(key, language_of(request))
    return render(request, "portal/track.html", {"values": {"code": code}, "error": error}, status)


def _tracked(
    request: Request,
    message: Message,
    secret: str,
    notice: str | None = None,
    status: int = 200,
    rating: dict[str, str] | None = None,
) -> Response:
    """The author's view of ``message``; ``rating`` is an answer refused, shown again to send."""
    case = message.case
    context = {
        "rating": rating or {},
        "message": message,
        "case": case,
        "events": _timeline(case, language_of(request)) if case else [],
        "replies": [r for r in case.replies if r.is_public] if case else [],
        "secret": secret,
        "can_rate": case is not None and case.status in {"replied", "follow_up"},
        "notice": notice,
        # not accepted yet: the deadline the rules give, which the office is held to in public
        "due": cases.deadline_of(case) if case else None,
        "rules_due": cases.rules_due(case) if case else None,
    }
    return render(request, "portal/tracked.html", context, status)


@router.post("/track/rate", dependencies=[PUBLIC_VIEW])
def rate(
    request: Request,
    db: DbSession,
    throttle: LoginThrottle,
    code: OptionalField = "",
    secret: OptionalField = "",
    satisfaction: OptionalField = "",
    solved: OptionalField = "",
    comment: OptionalField = "",
    csrf_token: OptionalField = "",
) -> Response:
    """The citizen rates the answer (回访); not solved or not satisfied reopens the case.

    A refused answer (an expired page, a missing choice) is shown again as it was given, so
    that a long comment written slowly is never lost.
    """
    try:
        message = (
            tracking.track(db, throttle, code, secret, client_address(request)) if code and secret else None
        )
    except Throttled as exc:
        return throttled_page(request, "portal/track.html", {"values": {"code": code}}, exc)
    if message is None:
        db.commit()  # the wrong secret counts
        return _not_found(request, code, "track.not_found", 404)
    given = {"satisfaction": satisfaction, "solved": solved, "comment": comment[:2000]}
    if not csrf_ok(request, csrf_token):
        db.commit()  # the right secret cleared the code's count
        return _tracked(request, message, secret, _expired_text(request, "rate.expired"), 400, given)
    verdict = {"yes": True, "no": False}.get(solved)
    try:
        workflow.rate(db, message, satisfaction, verdict, comment[:2000])
    except workflow.WorkflowError as exc:
        db.rollback()
        notice = domain_text(str(exc), language_of(request))
        return _tracked(request, message, secret, notice, 409, given)
    db.commit()
    return _tracked(request, message, secret, _after_rating(message.case, language_of(request)))


def _after_rating(case: Case | None, language: str) -> str:
    """What happens next, said to the citizen: the case is closed, or reopened with a new deadline."""
    if case is not None and case.status == CaseStatus.CLOSED:
        return i18n.translate("rate.thanks.closed", language)
    if case is not None and case.status == CaseStatus.IN_PROGRESS:
        due = format_time(case.due_at, "%Y-%m-%d %H:%M") if case.due_at else "—"
        return i18n.translate("rate.thanks.reopened", language).format(due=due)
    return i18n.translate("rate.thanks", language)


@router.get("/public", dependencies=[PUBLIC_VIEW])
def public(
    request: Request,
    db: DbSession,
    settings: AppSettings,
    page: Annotated[int, Query(ge=1, le=10_000)] = 1,
    code: Annotated[str, Query(max_length=40)] = "",
) -> Response:
    """Answered cases that their authors agreed to publish, personal data masked.

    ``?code=`` finds the one listed case of a tracking code; any other code finds nothing.
    """
    if code.strip():
        found = cases.public_case_by_code(db, code)
        context = {"cases": [found] if found else [], "total": int(found is not None), "page": 1, "pages": 1}
        reopened = cases.last_reopened(db, [found.id] if found else [])
        return render(request, "portal/public.html", {**context, "code": code.strip(), "reopened": reopened})
    size = settings.public_page_size
    items, total = cases.public_cases(db, limit=size, offset=(page - 1) * size)
    pages = max(1, -(-total // size))
    if page > pages and total:
        raise HTTPException(404, "no such page")
    reopened = cases.last_reopened(db, [c.id for c in items])
    masker: PublicText | None = getattr(request.state, "public_text", None)
    if masker is not None:  # PUBLIC_VIEW made it: the page's names in two queries
        masker.prefetch(db, [c.id for c in items])
    context = {"cases": items, "total": total, "page": page, "pages": pages, "reopened": reopened}
    return render(request, "portal/public.html", context)


@router.get("/lang/{language}")
def switch_language(language: str, next: str = "/") -> Response:  # noqa: A002 - the query name
    """Remember the chosen interface language and go back."""
    target = next if next.startswith("/") and not next.startswith("//") else "/"
    response = RedirectResponse(target, status_code=303)
    if language in i18n.LANGUAGES:
        response.set_cookie(i18n.COOKIE, language, max_age=365 * 86400, samesite="lax")
    return response
