"""Staff pages for the workflow steps: return, extension, supervision, reopen, merge."""

from __future__ import annotations

from datetime import UTC, datetime, time
from typing import Annotated

from fastapi import Form, Request
from fastapi.responses import RedirectResponse, Response
from sqlalchemy import select

from minyi.accounts.permissions import sees_all_departments
from minyi.cases import follow_up, supervision, workflow
from minyi.cases import services as cases
from minyi.cases.models import Case, ExtensionRequest
from minyi.cases.queries import normalise_number
from minyi.core import localtime
from minyi.core.errors import InvalidInput, NotFound
from minyi.flows import grouping
from minyi.http.deps import CsrfChecked, DbSession, StaffUser
from minyi.http.transactions import Router
from minyi.web.staff import _case_page, act
from minyi.web.templating import flash

router = Router(prefix="/staff", include_in_schema=False)
FormField = Annotated[str, Form()]


@router.post("/cases/{case_id}/return")
def return_case(
    request: Request,
    db: DbSession,
    user: StaffUser,
    case_id: str,
    reason: FormField = "",
    _csrf: CsrfChecked = None,
) -> Response:
    """Send the case back to the dispatchers (退单)."""
    # The case leaves the department: back to the inbox, where it no longer is.
    then = None if sees_all_departments(user) else "/staff"
    return act(
        request,
        db,
        user,
        case_id,
        lambda case: workflow.return_case(db, user, case, reason),
        then,
        done=("flash.returned", {}),
    )


@router.post("/cases/{case_id}/extension")
def request_extension(
    request: Request,
    db: DbSession,
    user: StaffUser,
    case_id: str,
    working_days: FormField = "",
    reason: FormField = "",
    _csrf: CsrfChecked = None,
) -> Response:
    """Ask for more time (延期)."""
    days = int(working_days) if working_days.strip().isdigit() else 0
    return act(
        request,
        db,
        user,
        case_id,
        lambda case: workflow.request_extension(db, user, case, days, reason),
        done=("flash.extension_requested", {"days": str(days)}),
    )


@router.post("/extensions/{request_id}/decision")
def decide_extension(
    request: Request,
    db: DbSession,
    user: StaffUser,
    request_id: str,
    decision: FormField = "",
    note: FormField = "",
    _csrf: CsrfChecked = None,
) -> Response:
    """Approve or reject a request for more time."""
    pending = db.get(ExtensionRequest, request_id)
    if pending is None or decision not in {"approve", "reject"}:
        raise NotFound("no such extension request")
    return act(
        request,
        db,
        user,
        pending.case_id,
        lambda _case: workflow.decide_extension(db, user, pending, approve=decision == "approve", note=note),
        done=(f"flash.extension_{decision}", {}),
    )


def _local_end_of(day: str) -> datetime | None:
    if not day.strip():
        return None
    try:
        date = datetime.strptime(day.strip(), "%Y-%m-%d").replace(tzinfo=localtime.zone()).date()
    except ValueError as exc:
        raise InvalidInput("the date must look like 2026-12-31", field="due_date") from exc
    return datetime.combine(date, time(17, 30), tzinfo=localtime.zone()).astimezone(UTC)


@router.post("/cases/{case_id}/supervise")
def supervise(
    request: Request,
    db: DbSession,
    user: StaffUser,
    case_id: str,
    comment: FormField = "",
    due_date: FormField = "",
    _csrf: CsrfChecked = None,
) -> Response:
    """Flag the case for supervision (督办) with a comment and an own deadline.

    A day off chosen as the deadline moves to the next working day: the page says so.
    """
    due = _local_end_of(due_date)
    moves: list[supervision.Move] = []

    def run(case: Case) -> None:
        workflow.supervise(db, user, case, comment, due)
        moves.extend(move for move in [supervision.last_move(case)] if move is not None)

    answer = act(request, db, user, case_id, run, done=("flash.supervised", {}))
    for move in moves:  # only once the step was committed
        asked, moved_to = localtime.format_time(move.asked, "%Y-%m-%d"), localtime.format_time(move.due)
        flash(request, "flash.supervision_moved", asked=asked, due=moved_to)
    return answer


@router.post("/cases/{case_id}/follow-up")
def follow_up_by_phone(
    request: Request,
    db: DbSession,
    user: StaffUser,
    case_id: str,
    satisfaction: FormField = "",
    solved: FormField = "",
    comment: FormField = "",
    _csrf: CsrfChecked = None,
) -> Response:
    """Take down the citizen's answer to a follow-up call (电话回访)."""
    return act(
        request,
        db,
        user,
        case_id,
        lambda case: follow_up.record_by_phone(db, user, case, satisfaction, solved=solved, comment=comment),
        done=("flash.follow_up.recorded", {}),
    )


@router.post("/cases/{case_id}/reopen")
def reopen(
    request: Request,
    db: DbSession,
    user: StaffUser,
    case_id: str,
    reason: FormField = "",
    _csrf: CsrfChecked = None,
) -> Response:
    """Reopen an answered case (重办)."""
    if not reason.strip():
        return _case_page(request, db, user, case_id, "say why the case is reopened", 422)
    return act(
        request,
        db,
        user,
        case_id,
        lambda case: workflow.reopen(db, case, reason.strip(), user),
        done=("flash.reopened", {}),
    )


@router.post("/cases/{case_id}/merge")
def merge(
    request: Request,
    db: DbSession,
    user: StaffUser,
    case_id: str,
    other: FormField = "",
    _csrf: CsrfChecked = None,
) -> Response:
    """Merge another case (by number) into this one."""
    absorbed = db.scalar(select(Case).where(Case.number == normalise_number(other)))
    if absorbed is None or not cases.can_view(user, absorbed):
        return _case_page(request, db, user, case_id, f"no case numbered {other.strip()!r}", 422)
    return act(
        request,
        db,
        user,
        case_id,
        lambda case: workflow.merge_cases(db, user, case, absorbed),
        done=("flash.merged", {"number": absorbed.number}),
    )


@router.post("/groups/merge")
def merge_group(
    request: Request,
    db: DbSession,
    user: StaffUser,
    case_ids: Annotated[list[str] | None, Form()] = None,
    _csrf: CsrfChecked = None,
) -> Response:
    """Merge the cases of one inbox group (same event) into one case, in one click (并案)."""
    keep, merged = grouping.merge_group(db, user, case_ids or [])
    db.commit()
    flash(request, "flash.group_merged", count=str(merged), number=keep.number)
    return RedirectResponse(f"/staff/cases/{keep.id}", status_code=303)
