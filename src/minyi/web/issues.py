"""Staff pages for hot issues: the ranked list and one issue with its cases."""

from __future__ import annotations

from fastapi import APIRouter, HTTPException, Request
from fastapi.responses import Response

from minyi.cases.models import CaseStatus
from minyi.issues import services as issues
from minyi.issues.models import HotIssue
from minyi.web.deps import DbSession, StaffUser
from minyi.web.templating import render

router = APIRouter(prefix="/staff/issues", include_in_schema=False)


@router.get("")
def hot_list(request: Request, db: DbSession, user: StaffUser) -> Response:  # noqa: ARG001 - login required
    """Hot issues, hottest first."""
    items = issues.hot_list(db)
    peak = max((max(i.timeline.values(), default=0) for i in items), default=0)
    return render(request, "staff/issues.html", {"issues": items, "peak": peak or 1})


@router.get("/{issue_id}")
def issue_page(request: Request, db: DbSession, user: StaffUser, issue_id: str) -> Response:  # noqa: ARG001
    """One issue: its numbers, timeline and cases, and a statement for all of them."""
    issue = db.get(HotIssue, issue_id)
    if issue is None:
        raise HTTPException(404, "no such hot issue")
    cases = issues.cases_of(db, issue)
    open_numbers = [c.number for c in cases if c.status != CaseStatus.CLOSED]
    peak = max(issue.timeline.values(), default=1)
    context = {"issue": issue, "cases": cases, "open_numbers": open_numbers, "peak": peak}
    return render(request, "staff/issue.html", context)
