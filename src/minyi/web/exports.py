"""The staff export page (/staff/export): the filters of ``minyi export``, answering a download.

Department staff export their own department's cases; admins, dispatchers and supervisors
every department's. The full file (personal data in clear) is offered to admins only. The
file is written to a temporary file first (a refusal writes nothing and answers 403/404/422),
recorded in the audit trail, then sent and deleted.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
from datetime import date
from pathlib import Path
from typing import Annotated

from fastapi import Form, Request
from fastapi.responses import FileResponse, Response
from sqlalchemy import select
from starlette.background import BackgroundTask

from minyi.accounts.models import User
from minyi.accounts.permissions import Action, can, department_filter
from minyi.cases.models import CaseStatus
from minyi.core.errors import InvalidInput
from minyi.core.localtime import local_date
from minyi.db.base import utcnow
from minyi.departments.models import Department
from minyi.departments.services import list_categories
from minyi.flows.export import ExportFilters, ExportFormat, plan_export, record_export, write_export
from minyi.http.deps import CsrfChecked, DbSession, StaffUser, client_address
from minyi.http.transactions import Router
from minyi.web.templating import render

router = Router(include_in_schema=False)
FormField = Annotated[str, Form()]


def _departments(db: DbSession, user: User) -> list[Department]:
    allowed = department_filter(user)
    query = select(Department).order_by(Department.code)
    if allowed is not None:
        query = query.where(Department.id.in_(sorted(allowed)))
    return list(db.scalars(query))


@router.get("/staff/export")
def export_page(request: Request, db: DbSession, user: StaffUser) -> Response:
    """The export form: period, department, category, status, format (and full, for admins)."""
    context = {
        "departments": _departments(db, user),
        "categories": list_categories(db),  # chosen from the tree: the filter is a category's id
        "statuses": [status.value for status in CaseStatus],
        "formats": [fmt.value for fmt in ExportFormat],
        "may_full": can(user, Action.ADMINISTER),
    }
    return render(request, "staff/export.html", context)


def _day(value: str, field: str) -> date | None:
    if not value.strip():
        return None
    try:
        return date.fromisoformat(value.strip())
    except ValueError:
        raise InvalidInput("expected a date such as 2026-03-01", field=field) from None


def _format(value: str) -> ExportFormat:
    try:
        return ExportFormat(value)
    except ValueError:
        raise InvalidInput("the format is csv, xlsx or jsonl", field="format") from None


@router.post("/staff/export")
def download(
    request: Request,
    db: DbSession,
    user: StaffUser,
    export_format: Annotated[str, Form(alias="format")] = "csv",
    date_from: Annotated[str, Form(alias="from")] = "",
    date_to: Annotated[str, Form(alias="to")] = "",
    department: FormField = "",
    category: FormField = "",
    status: FormField = "",
    full: FormField = "",
    _csrf: CsrfChecked = None,
) -> Response:
    """Write the export and answer it as a download (403/404/422 before anything is written)."""
    fmt = _format(export_format)
    filters = ExportFilters(
        _day(date_from, "from"), _day(date_to, "to"), department or None, category or None, status or None
    )
    plan = plan_export(db, user, filters, full=bool(full))
    handle, name = tempfile.mkstemp(prefix="minyi-export-", suffix="." + fmt.value)
    path = Path(name)
    try:
        with os.fdopen(handle, "wb") as out:
            cases = write_export(db, plan, out, fmt)
    except BaseException:
        path.unlink(missing_ok=True)
        raise
    record_export(
        db,
        plan,
        actor=user.username,
        user=user,
        export_format=fmt,
        cases=cases,
        address=client_address(request),
    )
    db.commit()
    filename = f"minyi-export-{local_date(utcnow()).isoformat()}.{fmt.value}"
    return FileResponse(
        path, media_type=fmt.media_type, filename=filename, background=BackgroundTask(_remove, path)
    )


def _remove(path: Path) -> None:
    with contextlib.suppress(OSError):
        path.unlink()
