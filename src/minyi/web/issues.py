"""Staff pages for hot issues: the list, one issue's card, and the staff edits.

Renaming, merging and splitting are for dispatchers, supervisors and administrators
(``Action.EDIT_ISSUES`` in :mod:`minyi.accounts.permissions`); every form carries the CSRF token. Message
text on these pages is masked and no author is ever shown.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Annotated, Any

from fastapi import Form, Query, Request
from fastapi.responses import RedirectResponse, Response

from minyi.accounts.models import User
from minyi.accounts.permissions import Action, require
from minyi.core.errors import InvalidInput, NotFound
from minyi.core.localtime import local
from minyi.http.deps import CsrfChecked, DbSession, StaffUser, client_address
from minyi.http.transactions import Router
from minyi.issues import card as cards
from minyi.issues import editing
from minyi.issues.detect.heat import heat_parts
from minyi.issues.models import HotIssue
from minyi.issues.records import as_issue, configured_weights
from minyi.web import i18n
from minyi.web.domain_texts import domain_text
from minyi.web.templating import flash, language_of, render

router = Router(prefix="/staff/issues", include_in_schema=False)
FormField = Annotated[str, Form()]
PERIODS = (7, 30, 90, 365)
CHART_DAYS = 366
MAX_DAYS = 3650
#: Messages and cases on one page of an issue's card: a surge day's issue has thousands.
ISSUE_PAGE = 100


def chart_data(timeline: dict[str, int], language: str) -> dict[str, Any]:
    """The daily timeline with empty days filled in (the last year at most), for the chart."""
    days = sorted(timeline)
    if not days:
        return {"days": [], "counts": [], "labels": {}}
    first, last = date.fromisoformat(days[0]), date.fromisoformat(days[-1])
    first = max(first, last - timedelta(days=CHART_DAYS - 1))
    span = [first + timedelta(days=n) for n in range((last - first).days + 1)]
    labels = {key: i18n.translate(f"issues.chart.{key}", language) for key in ("daily", "total")}
    return {
        "days": [d.isoformat() for d in span],
        "counts": [int(timeline.get(d.isoformat(), 0)) for d in span],
        "labels": labels,
    }


def _days(text: str) -> int | None:
    """The period filter: empty for any time, else a number of days (1 to 3650)."""
    if not text.strip():
        return None
    if not text.strip().isdigit() or not 1 <= int(text) <= MAX_DAYS:
        raise InvalidInput(f"days: a whole number of days from 1 to {MAX_DAYS}", field="days")
    return int(text)


@router.get("")
def hot_list(
    request: Request,
    db: DbSession,
    user: StaffUser,  # noqa: ARG001 - login required
    status: Annotated[cards.Status, Query()] = "active",
    days: Annotated[str, Query(max_length=5)] = "",
) -> Response:
    """Hot issues, hottest first: live or archived, optionally only those active lately."""
    period = _days(days)
    items = cards.listing(db, status=status, days=period)
    peak = max((max(i.timeline.values(), default=0) for i in items), default=0)
    context = {"issues": items, "peak": peak or 1, "status": status, "days": period, "periods": PERIODS}
    return render(request, "staff/issues.html", context)


def _issue_page(
    request: Request,
    db: DbSession,
    user: User,
    issue: HotIssue,
    error: str | None = None,
    status_code: int = 200,
    page: int = 1,
) -> Response:
    """Render one page of an issue's card with its forms (and an error from an edit, if any).

    :data:`ISSUE_PAGE` messages and cases a page: the page of a surge's issue listed every
    case and 500 messages (400 kB, over a second); a page past the last shows the last.
    """
    card = _card_page(db, user, issue, page)
    pages = max(1, -(-max(card.message_total, card.case_total) // ISSUE_PAGE))
    if page > pages:
        page = pages
        card = _card_page(db, user, issue, page)
    allowed = editing.can_edit(user)
    context = {
        "issue": issue,
        "card": card,
        "cases": card.cases,
        "open_cases": card.open_cases,
        "peak": max(issue.timeline.values(), default=1) or 1,
        "chart": chart_data(issue.timeline or {}, language_of(request)),
        "can_edit": allowed,
        "targets": cards.merge_targets(db, issue) if allowed else [],
        "error": error,
        "page": page,
        "pages": pages,
        # at the moment the stored heat was computed (its refresh or the last edit)
        "terms": heat_parts(
            as_issue(issue), issue.updated_at, configured_weights(), local(issue.updated_at).date()
        ),
    }
    return render(request, "staff/issue.html", context, status_code)


def _card_page(db: DbSession, user: User, issue: HotIssue, page: int) -> cards.IssueCard:
    offset = (page - 1) * ISSUE_PAGE
    return cards.card(db, issue, ISSUE_PAGE, reader=user, offset=offset, cases_limit=ISSUE_PAGE)


def _live_issue(db: DbSession, issue_id: str) -> HotIssue:
    issue = db.get(HotIssue, issue_id)
    if issue is None:
        raise NotFound("no such hot issue")
    return issue


@router.get("/{issue_id}")
def issue_page(
    request: Request,
    db: DbSession,
    user: StaffUser,
    issue_id: str,
    page: Annotated[int, Query(ge=1, le=100_000)] = 1,
) -> Response:
    """One page of an issue's card; an issue merged into another leads to that one."""
    issue = _live_issue(db, issue_id)
    if issue.merged_into_id:
        target = cards.resolve(db, issue.id)
        if target is not None and target.id != issue.id:
            return RedirectResponse(f"/staff/issues/{target.id}", status_code=302)
    return _issue_page(request, db, user, issue, page=page)


def _edit(db: DbSession, user: User, issue_id: str) -> HotIssue:
    """The issue an edit form is for, after the role check (the form's CSRF is checked first)."""
    require(user, Action.EDIT_ISSUES)
    return _live_issue(db, issue_id)


def _refused(request: Request, db: DbSession, user: User, issue: HotIssue, exc: Exception) -> Response:
    db.rollback()
    fresh = _live_issue(db, issue.id)
    return _issue_page(request, db, user, fresh, domain_text(str(exc), language_of(request)), 422)


@router.post("/{issue_id}/rename")
def rename(
    request: Request,
    db: DbSession,
    user: StaffUser,
    issue_id: str,
    title: FormField = "",
    _csrf: CsrfChecked = None,
) -> Response:
    """Give the issue a title that later refreshes keep."""
    issue = _edit(db, user, issue_id)
    try:
        editing.rename(db, issue, title, by=user, address=client_address(request))
    except editing.IssueEditError as exc:
        return _refused(request, db, user, issue, exc)
    db.commit()
    flash(request, "flash.issue_renamed")
    return RedirectResponse(f"/staff/issues/{issue.id}", status_code=303)


@router.post("/{issue_id}/merge")
def merge(
    request: Request,
    db: DbSession,
    user: StaffUser,
    issue_id: str,
    target_id: FormField = "",
    confirm: FormField = "",
    _csrf: CsrfChecked = None,
) -> Response:
    """Merge this issue into the chosen one, then show that one.

    The form starts with no issue chosen and asks for a tick: one click on 合并 merged an
    emergency into whichever issue the list showed first.
    """
    issue = _edit(db, user, issue_id)
    target = db.get(HotIssue, target_id.strip()) if target_id.strip() else None
    if target is None:
        missing = editing.IssueEditError("target_id", "target_id: choose the issue to merge into")
        return _refused(request, db, user, issue, missing)
    if not confirm:
        unconfirmed = editing.IssueEditError("confirm", "confirm: tick the box to confirm the merge")
        return _refused(request, db, user, issue, unconfirmed)
    try:
        editing.merge(db, issue, target, by=user, address=client_address(request))
    except editing.IssueEditError as exc:
        return _refused(request, db, user, issue, exc)
    db.commit()
    flash(request, "flash.issue_merged")
    return RedirectResponse(f"/staff/issues/{target.id}", status_code=303)


@router.post("/{issue_id}/split")
def split(
    request: Request,
    db: DbSession,
    user: StaffUser,
    issue_id: str,
    message_ids: Annotated[list[str] | None, Form()] = None,
    title: FormField = "",
    _csrf: CsrfChecked = None,
) -> Response:
    """Move the ticked messages into a new issue, then show the new one."""
    issue = _edit(db, user, issue_id)
    try:
        created = editing.split(
            db, issue, message_ids or [], title or None, by=user, address=client_address(request)
        )
    except editing.IssueEditError as exc:
        return _refused(request, db, user, issue, exc)
    db.commit()
    flash(request, "flash.issue_split")
    return RedirectResponse(f"/staff/issues/{created.id}", status_code=303)
