"""Staff pages for each kind's own step: a suggestion's adoption decision, a help request's callback."""

from __future__ import annotations

from typing import Annotated

from fastapi import Form, Request
from fastapi.responses import Response

from minyi.cases import kind_corrections, kinds
from minyi.http.deps import CsrfChecked, DbSession, StaffUser
from minyi.http.transactions import Router
from minyi.web import i18n
from minyi.web.staff import act
from minyi.web.templating import language_of

router = Router(prefix="/staff", include_in_schema=False)
FormField = Annotated[str, Form()]


@router.post("/cases/{case_id}/kind")
def correct_kind(
    request: Request,
    db: DbSession,
    user: StaffUser,
    case_id: str,
    appeal_kind: FormField = "",
    _csrf: CsrfChecked = None,
) -> Response:
    """Correct the kind of appeal the model gave (the reply deadline is counted again by it)."""
    label = i18n.translate(f"appeal.{appeal_kind}", language_of(request)) if appeal_kind else ""
    return act(
        request,
        db,
        user,
        case_id,
        lambda case: kind_corrections.correct_kind(db, user, case, appeal_kind),
        done=("flash.kinds.kind_corrected", {"kind": label}),
    )


@router.post("/cases/{case_id}/adoption")
def decide_suggestion(
    request: Request,
    db: DbSession,
    user: StaffUser,
    case_id: str,
    decision: FormField = "",
    reason: FormField = "",
    _csrf: CsrfChecked = None,
) -> Response:
    """Adopt a suggestion, adopt it in part, or not, with the reason the citizen reads."""
    return act(
        request,
        db,
        user,
        case_id,
        lambda case: kinds.decide_suggestion(db, user, case, decision, reason),
        done=("flash.kinds.decided", {}),
    )


@router.post("/cases/{case_id}/callback")
def flag_callback(
    request: Request,
    db: DbSession,
    user: StaffUser,
    case_id: str,
    note: FormField = "",
    _csrf: CsrfChecked = None,
) -> Response:
    """Flag a help request for a call back to the citizen."""
    return act(
        request,
        db,
        user,
        case_id,
        lambda case: kinds.flag_callback(db, user, case, note),
        done=("flash.kinds.callback_flagged", {}),
    )


@router.post("/cases/{case_id}/callback/done")
def complete_callback(
    request: Request,
    db: DbSession,
    user: StaffUser,
    case_id: str,
    outcome: FormField = "",
    _csrf: CsrfChecked = None,
) -> Response:
    """Record that the citizen was called back."""
    return act(
        request,
        db,
        user,
        case_id,
        lambda case: kinds.complete_callback(db, user, case, outcome),
        done=("flash.kinds.callback_done", {}),
    )
