"""批量派单 on the staff pages: the inbox's ticked cases to one department, and what became of each.

The form is the inbox's (``staff/inbox.html``); the work is :mod:`minyi.cases.bulk_dispatch`,
committed once here. The answer is a page, not a redirect: it lists the cases skipped and why,
more than a flash can hold. Sent again (Back, reload), every case reads as already dispatched.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import Form, Request
from fastapi.responses import Response

from minyi.accounts import permissions
from minyi.cases import lifecycle
from minyi.cases.bulk_dispatch import (
    AT_THE_DESK,
    MAX_CASES,
    MAX_NOTE,
    BulkResult,
    Skip,
    Skipped,
    dispatch_many,
)
from minyi.core.errors import InvalidInput
from minyi.departments.models import Department
from minyi.departments.services import list_departments
from minyi.http.deps import CsrfChecked, DbSession, StaffUser, client_address
from minyi.http.transactions import Router
from minyi.web import i18n
from minyi.web.domain_texts import domain_text
from minyi.web.labels import department_label
from minyi.web.templating import language_of, render

router = Router(prefix="/staff", include_in_schema=False)
FormField = Annotated[str, Form()]


def inbox_context(db: DbSession, user: StaffUser) -> dict[str, Any]:
    """What the inbox needs for its ticks and dispatch bar (nothing for department staff)."""
    may = permissions.can(user, permissions.Action.DISPATCH)
    return {
        "can_dispatch": may,
        "desk_statuses": [s.value for s in AT_THE_DESK],
        "dispatch_departments": list_departments(db) if may else [],
        "max_bulk": MAX_CASES,
        "max_bulk_note": MAX_NOTE,
    }


def _back(target: str) -> str:
    """The inbox page the form was sent from (its filters kept), never another site."""
    return target if target.startswith("/staff") and not target.startswith("//") else "/staff"


@router.post("/bulk/dispatch")
def bulk_dispatch(
    request: Request,
    db: DbSession,
    user: StaffUser,
    case_ids: Annotated[list[str] | None, Form()] = None,
    department_id: FormField = "",
    note: FormField = "",
    back: FormField = "/staff",
    _csrf: CsrfChecked = None,
) -> Response:
    """Dispatch the ticked cases to one department in one commit; the page says which went."""
    language = language_of(request)
    department = db.get(Department, department_id) if department_id else None
    context: dict[str, Any] = {"user": user, "back": _back(back), "max_cases": MAX_CASES}
    try:
        result = dispatch_many(db, user, case_ids or [], department, note, address=client_address(request))
    except InvalidInput as exc:
        db.rollback()
        error = domain_text(exc.message, language)
        return render(request, "staff/bulk_result.html", {**context, "error": error}, 422)
    db.commit()
    return render(request, "staff/bulk_result.html", {**context, **_said(db, result, language)})


def _said(db: DbSession, result: BulkResult, language: str) -> dict[str, Any]:
    """The result in the reader's words: the department, the cases sent, each skip and why."""
    names = {d.code: department_label(d, language) for d in list_departments(db)}
    return {
        "error": None,
        "department": department_label(result.department, language),
        "dispatched": result.dispatched,
        "skipped": [(s, _why(s, names, language)) for s in result.skipped],
    }


def _why(skipped: Skipped, names: dict[str, str], language: str) -> str:
    """Why one case was skipped, in the reader's language."""
    text = i18n.translate(f"bulk.skip.{skipped.reason.value}", language)
    if skipped.reason in {Skip.ALREADY_DISPATCHED, Skip.NOT_AT_DESK}:
        return text.format(department=names.get(skipped.detail, skipped.detail))
    if skipped.reason == Skip.MERGED:
        return text.format(number=skipped.detail)
    if skipped.reason == Skip.ANSWERED:
        return text.format(status=lifecycle.label(skipped.detail, language))
    if skipped.reason == Skip.REFUSED:
        return text.format(detail=domain_text(skipped.detail, language))
    return text
