"""Staff side: login, department inbox, case page with reply and status change."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Annotated, Any

from fastapi import Form, Query, Request
from fastapi.responses import RedirectResponse, Response

from minyi.accounts import permissions, sessions
from minyi.accounts import services as accounts
from minyi.accounts.throttle import Throttled, ThrottleKind
from minyi.admin import services as admin
from minyi.analysis.services import analyses_of, undetermined_appeals
from minyi.cases import lifecycle, merging, routing, workflow
from minyi.cases import services as cases
from minyi.cases.models import Case, CaseStatus
from minyi.core.errors import DomainError, InvalidInput, NotFound
from minyi.db.base import utcnow
from minyi.departments.models import Category, Department
from minyi.departments.services import list_categories, list_departments
from minyi.flows import grouping
from minyi.http.deps import (
    SESSION_TOKEN_KEY,
    AppSettings,
    CsrfChecked,
    DbSession,
    LoginThrottle,
    StaffCase,
    StaffUser,
    client_address,
    run_case_action,
)
from minyi.http.security import CSRF_SESSION_KEY
from minyi.http.transactions import Router
from minyi.intake.models import Message
from minyi.issues.models import HotIssue
from minyi.issues.services import issue_of_case
from minyi.knowledge import suggest
from minyi.pipeline.reply_quality import ReplyQuality
from minyi.web import i18n, staff_bulk
from minyi.web.audit import record_case_view
from minyi.web.domain_texts import domain_text
from minyi.web.errors import throttled_page
from minyi.web.templating import flash, language_of, render

router = Router(prefix="/staff", include_in_schema=False)
FormField = Annotated[str, Form()]
PAGE_SIZE = 30
MESSAGES_SHOWN = 30  # a case's messages on its page; a case of many repeats links to the rest


def _safe_next(target: str) -> str:
    return target if target.startswith("/staff") else "/staff"


@router.get("/login")
def login_form(request: Request, next: str = "/staff") -> Response:  # noqa: A002 - the query name
    """The login form."""
    return render(request, "staff/login.html", {"next": _safe_next(next), "error": None})


@router.post("/login")
def login(
    request: Request,
    db: DbSession,
    settings: AppSettings,
    throttle: LoginThrottle,
    username: FormField = "",
    password: FormField = "",
    next: FormField = "/staff",  # noqa: A002 - the form field name
    _csrf: CsrfChecked = None,
) -> Response:
    """Check credentials (throttled per account and address) and start a server-side session."""
    context = {"next": _safe_next(next)}
    address = client_address(request)
    try:
        user = accounts.login(db, throttle, username.strip(), password, address)
    except Throttled as exc:
        return throttled_page(request, "staff/login.html", context, exc)
    if user is None:
        db.commit()  # the failure counts
        error = i18n.translate("login.failed", language_of(request))
        return render(request, "staff/login.html", {**context, "error": error}, 401)
    token = sessions.start(
        db,
        user,
        now=utcnow(),
        lifetime=timedelta(seconds=settings.session_max_age_seconds),
        user_agent=request.headers.get("user-agent"),
        address=address,
    )
    db.commit()
    request.session.clear()  # a new cookie for the signed-in user (no fixation)
    request.session[SESSION_TOKEN_KEY] = token
    return RedirectResponse(_safe_next(next), status_code=303)


@router.post("/logout")
def logout(request: Request, db: DbSession, _csrf: CsrfChecked = None) -> Response:
    """End the staff session, on the server too: a copy of the cookie no longer works."""
    token = request.session.pop(SESSION_TOKEN_KEY, None)
    if token:
        sessions.end(db, str(token), utcnow())
        db.commit()
    request.session.pop(CSRF_SESSION_KEY, None)
    return RedirectResponse("/staff/login", status_code=303)


@router.get("/password")
def password_form(request: Request, user: StaffUser) -> Response:
    """The form to change one's own password."""
    return render(request, "staff/password.html", {"user": user, "error": None})


@router.post("/password")
def change_password(
    request: Request,
    db: DbSession,
    user: StaffUser,
    throttle: LoginThrottle,
    current_password: FormField = "",
    new_password: FormField = "",
    confirm_password: FormField = "",
    _csrf: CsrfChecked = None,
) -> Response:
    """Change one's own password; every other session of the user ends."""
    language = language_of(request)
    context: dict[str, Any] = {"user": user}
    if new_password != confirm_password:
        error = i18n.translate("password.mismatch", language)
        return render(request, "staff/password.html", {**context, "error": error}, 422)
    keys = [(ThrottleKind.ACCOUNT, user.username), (ThrottleKind.LOGIN_ADDRESS, client_address(request))]
    try:
        right = throttle.attempt(
            db, keys, lambda: accounts.verify_password(user.password_hash, current_password)
        )
    except Throttled as exc:
        return throttled_page(request, "staff/password.html", context, exc)
    if not right:
        db.commit()  # the failure counts
        error = i18n.translate("password.wrong", language)
        return render(request, "staff/password.html", {**context, "error": error}, 422)
    try:
        accounts.change_password(
            db,
            user,
            new_password,
            now=utcnow(),
            keep_session=request.session.get(SESSION_TOKEN_KEY),
            by=user,
            address=client_address(request),
        )
    except accounts.AccountError as exc:
        db.rollback()
        error = domain_text(str(exc), language)  # the policy says why in both languages: the reader's
        return render(request, "staff/password.html", {**context, "error": error}, 422)
    db.commit()
    flash(request, "flash.password_changed")
    return RedirectResponse("/staff/password", status_code=303)


@router.get("")
def inbox(
    request: Request,
    db: DbSession,
    user: StaffUser,
    status: str = "",
    category: str = "",
    department: str = "",
    q: Annotated[str, Query(max_length=200)] = "",
    due: str = "",
    page: Annotated[int, Query(ge=1, le=100_000)] = 1,
    groups: str = "",
) -> Response:
    """The cases this user may see, filtered by status, deadline, category, department and text."""
    if status and status not in {s.value for s in CaseStatus}:
        raise InvalidInput(f"unknown status {status!r}", field="status")
    if due and due not in cases.DUE_FILTERS:
        raise InvalidInput(f"unknown deadline filter {due!r}", field="due")
    short = cases.search_too_short(q)  # one character: said on the page, no search run
    flt = cases.CaseFilter(
        status=status or None,
        category_id=category or None,
        department_id=(department or None) if user.sees_all_departments else None,
        query=q or None,
        due=due or None,
        limit=PAGE_SIZE,
        offset=(page - 1) * PAGE_SIZE,
    )
    page_found = None if short else cases.case_page(db, user, flt)
    items, total = (page_found.items, page_found.total) if page_found else ([], 0)
    # The "same event" panel is about every open case: above a search's result it hides the hit.
    found = grouping.open_groups(db, user) if page == 1 and not (q or status or due) else []
    # the first groups (urgent, then largest); all on request: 124 groups made page 1 219 KB
    shown = found if groups == "all" else found[:GROUPS_SHOWN]
    context = {
        "cases": items,
        "rules_due": page_found.rules_due if page_found else {},  # never accepted: the rules' deadline
        "search_short": short,
        "total": total,
        "open_total": cases.open_count(db, user),
        "groups": shown,
        "groups_hidden": len(found) - len(shown),
        "group_cases_shown": GROUP_CASES_SHOWN,
        "group_of": {case.id: group for group in found for case in group.cases},
        "issue_titles": _issue_titles(db, shown),
        "can_merge": permissions.can(user, permissions.Action.MERGE),
        "undetermined": undetermined_appeals(db, [case.id for case in items]),
        "auto_routed": routing.automatic_case_ids(db, [case.id for case in items]),
        "page": page,
        "pages": max(1, -(-total // PAGE_SIZE)),
        "filters": {"status": status, "category": category, "department": department, "q": q, "due": due},
        "due_counts": cases.due_counts(db, user),
        "now": utcnow(),
        "statuses": list(CaseStatus),
        "counts": cases.status_counts(db, user),
        "categories": list_categories(db, max_level=1),
        "departments": list_departments(db) if user.sees_all_departments else [],
        **staff_bulk.inbox_context(db, user),
    }
    return render(request, "staff/inbox.html", context)


GROUPS_SHOWN = 10  # "same event" groups shown above the inbox before 显示全部
#: The cases a group lists by name; the rest are counted (a surge's group had 175: the page
#: listed them all). The merge button still merges every case of the group.
GROUP_CASES_SHOWN = 20


def _issue_titles(db: DbSession, groups: list[grouping.CaseGroup]) -> dict[str, str]:
    """The titles of the hot issues the groups are about."""
    titles = {}
    for group in groups:
        issue = db.get(HotIssue, group.issue_id) if group.issue_id else None
        if issue is not None:
            titles[issue.id] = issue.title
    return titles


#: Refusals shown on the case page itself: a conflict with the case's state, a refused value.
_SHOWN_ON_THE_CASE = frozenset({409, 422})


def act(
    request: Request,
    db: DbSession,
    user: StaffUser,
    case_id: str,
    action: Callable[[Case], Any],
    then: str | None = None,
    done: tuple[str, dict[str, str]] | None = None,
) -> Response:
    """Run one action on a case the user may see, commit, and show the case.

    ``done`` is the ``flash.*`` text (and its values) the next page says once. A conflict
    (409: the case's state does not allow it) or a refused value (422: a reason left empty)
    shows the case page with the reason, where the form is; every other refusal (403, 404)
    goes to the one error handler. A bare error page for an empty 采纳理由 left the staff
    member on a page with no case and no form.
    """
    try:
        run_case_action(db, user, case_id, action, getattr(request.state, "case_version", None))
    except DomainError as exc:
        if exc.status not in _SHOWN_ON_THE_CASE:
            raise
        return _case_page(request, db, user, case_id, exc.message, exc.status)
    if done is not None:
        flash(request, done[0], **done[1])
    return RedirectResponse(then or f"/staff/cases/{case_id}", status_code=303)


@router.get("/cases/{case_id}")
def case_page(request: Request, db: DbSession, user: StaffUser, case_id: str, messages: str = "") -> Response:
    """One case: its messages, history, replies, and the forms to act on it.

    A page that carries personal data in clear (the original text) is recorded in the audit trail.
    ``messages=all`` shows every message; else the first :data:`MESSAGES_SHOWN`.
    """
    record_case_view(db, request, user, cases.get_case(db, user, case_id))
    return _case_page(request, db, user, case_id, all_messages=messages == "all")


def _case_page(
    request: Request,
    db: DbSession,
    user: StaffUser,
    case_id: str,
    error: str | None = None,
    status: int = 200,
    *,
    draft: str = "",
    quality: ReplyQuality | None = None,
    reason: str = "",
    all_messages: bool = False,
) -> Response:
    case = cases.get_case(db, user, case_id)
    shown = case.messages if all_messages else case.messages[:MESSAGES_SHOWN]
    min_score = float(request.app.state.settings.reply_min_score)
    actions = permissions.actions_of(user, case.department_id)
    may_dispatch = permissions.Action.DISPATCH in actions
    context = {
        "case": case,
        "shown_messages": shown,
        "hidden_messages": len(case.messages) - len(shown),
        "targets": lifecycle.allowed_targets(case.status, actions),
        "error": error,
        "can_dispatch": may_dispatch and case.status in cases.DISPATCHABLE,
        "departments": list_departments(db) if may_dispatch else [],
        "categories": list_categories(db),
        "analyses": {a.message_id: a for a in analyses_of(db, case)},
        "appeal_undetermined": bool(undetermined_appeals(db, [case.id])),
        "routing": routing.routing_of(db, case),
        "supporters": merging.supporters(db, case),
        "hot_issue": issue_of_case(db, case),
        "actions": actions,
        "extensions": workflow.extensions_of(db, case),
        "draft": draft,
        "templates": admin.templates_for(db, user, case),
        "quality": quality,
        "quality_band": cases.score_band(quality.score, min_score) if quality else None,
        "min_score": min_score,
        "needs_reason": quality is not None and min_score > 0 and quality.score < min_score,
        "reason": reason,
        "knowledge": suggest.suggestions_for(db, request.app.state.settings, case, user),
        "rating_comments": cases.rating_comments(db, case),
        "sign_overdue": cases.sign_overdue(case),
        "rules_due": cases.rules_due(case),  # never accepted: the rules' deadline, as the inbox's 按规定
        "overdue": cases.is_overdue(case),
    }
    return render(request, "staff/case.html", context, status)


@router.post("/cases/{case_id}/reply")
def reply(
    request: Request,
    db: DbSession,
    user: StaffUser,
    case: StaffCase,
    case_id: str,
    body: FormField = "",
    visibility: FormField = "public",
    action: FormField = "send",
    template_id: FormField = "",
    reason: FormField = "",
    _csrf: CsrfChecked = None,
) -> Response:
    """Check a draft reply's quality, or add a public reply or an internal note.

    A public reply the check scores below ``MINYI_REPLY_MIN_SCORE`` is sent only with a
    reason; without one the page comes back with the score and the reason field.
    """
    if action == "template":
        template = admin.template_for(db, user, template_id) if template_id else None
        draft = admin.render_template(template, case, utcnow()) if template else body
        return _case_page(request, db, user, case_id, draft=draft)
    if action == "check":
        quality = cases.check_reply(case, body) if body.strip() else None
        return _case_page(request, db, user, case_id, draft=body, quality=quality)
    public = visibility != "internal"
    min_score = float(request.app.state.settings.reply_min_score)
    try:
        cases.add_reply(db, user, case, body, public=public, min_score=min_score, reason=reason)
    except cases.CaseError as exc:
        db.rollback()
        return _case_page(request, db, user, case_id, str(exc), 422, draft=body, reason=reason)
    except InvalidInput as exc:
        db.rollback()
        quality = cases.check_reply(case, body) if exc.field == "reason" else None
        return _case_page(
            request, db, user, case_id, exc.message, 422, draft=body, quality=quality, reason=reason
        )
    db.commit()
    flash(request, "flash.replied" if public else "flash.noted")
    return RedirectResponse(f"/staff/cases/{case_id}", status_code=303)


@router.post("/cases/{case_id}/dispatch")
def dispatch(
    request: Request,
    db: DbSession,
    user: StaffUser,
    case_id: str,
    department_id: FormField = "",
    note: FormField = "",
    _csrf: CsrfChecked = None,
) -> Response:
    """Send the case to a department (dispatchers and admins)."""
    department = db.get(Department, department_id)

    def send(case: Case) -> None:
        if department is None:
            raise cases.CaseError("choose a department")
        routing.note_correction(db, user, case, department=department)  # kept when it overrides the machine
        cases.dispatch(db, user, case, department, note.strip())

    name = (department.name_en or department.name) if department and language_of(request) == "en" else ""
    done = ("flash.dispatched", {"department": name or (department.name if department else "")})
    return act(request, db, user, case_id, send, done=done)


@router.post("/cases/{case_id}/status")
def change_status(
    request: Request,
    db: DbSession,
    user: StaffUser,
    case_id: str,
    status: FormField = "",
    note: FormField = "",
    _csrf: CsrfChecked = None,
) -> Response:
    """Move the case to another status."""
    known = status in {s.value for s in CaseStatus}
    done = ("flash.status", {"status": lifecycle.label(status, language_of(request)) if known else status})
    return act(
        request,
        db,
        user,
        case_id,
        lambda case: workflow.change_status(db, user, case, status, note.strip()),
        done=done,
    )


@router.post("/cases/{case_id}/category")
def recategorise(
    request: Request,
    db: DbSession,
    user: StaffUser,
    case: StaffCase,
    case_id: str,
    category_id: FormField = "",
    _csrf: CsrfChecked = None,
) -> Response:
    """Correct the case's category (kept as a staff correction, used for training)."""
    category = db.get(Category, category_id)
    if category is None:
        return _case_page(request, db, user, case_id, "choose a category", 422)
    routing.note_correction(db, user, case, category=category)  # kept when it overrides the machine
    cases.recategorise(db, user, case, category)
    db.commit()
    flash(request, "flash.recategorised", category=category.path)
    return RedirectResponse(f"/staff/cases/{case_id}", status_code=303)


@router.post("/messages/{message_id}/merge")
def merge_decision(
    request: Request,
    db: DbSession,
    user: StaffUser,
    message_id: str,
    decision: FormField = "",
    _csrf: CsrfChecked = None,
) -> Response:
    """Confirm that a merged duplicate belongs to its case, or split it off into a new case."""
    message = db.get(Message, message_id)
    if message is None or message.case is None or not cases.can_view(user, message.case):
        raise NotFound("no such message")
    case_id = message.case.id
    try:
        if decision == "confirm":
            merging.confirm_merge(db, user, message)
            target = case_id
        elif decision == "undo":
            target = merging.undo_merge(db, user, message).id
        else:
            raise InvalidInput("decision must be confirm or undo", field="decision")
    except cases.CaseError as exc:
        db.rollback()
        return _case_page(request, db, user, case_id, str(exc), 409)
    db.commit()
    flash(request, f"flash.merge_{decision}")
    return RedirectResponse(f"/staff/cases/{target}", status_code=303)
