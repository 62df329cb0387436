"""The erasure page for administrators (/staff/admin/erasure): one person's data, at their request.

A privacy officer types what the person showed (tracking codes, case numbers, the phone or
e-mail they gave), sees what would be erased (a dry run: how many messages and cases, their
tracking codes, how many leave the public pages), then confirms. The work is
:func:`minyi.flows.erasure.erase`, the same as ``minyi retention erase``; each erasure is in
the audit trail with the administrator's name and address.
"""

from __future__ import annotations

import re
from typing import Annotated

from fastapi import Depends, Form, Request
from fastapi.responses import Response

from minyi.core.errors import DomainError
from minyi.flows import erasure
from minyi.http.deps import AppSettings, CsrfChecked, DbSession, client_address
from minyi.http.transactions import Router
from minyi.web.admin import AdminUser, require_admin
from minyi.web.domain_texts import domain_text
from minyi.web.templating import language_of, render

router = Router(prefix="/staff/admin/erasure", include_in_schema=False, dependencies=[Depends(require_admin)])
FormField = Annotated[str, Form(max_length=5000)]
#: One item a line, or separated by commas or semicolons (also full-width); not by spaces,
#: which people write inside phone numbers (138 1234 5678).
_ITEMS = re.compile(r"[\n\r,;，；、]+")


def _items(text: str) -> tuple[str, ...]:
    return tuple(item.strip() for item in _ITEMS.split(text) if item.strip())


def _page(request: Request, form: dict[str, str], status: int = 200, **context: object) -> Response:
    return render(request, "staff/erasure.html", {"form": form, **context}, status)


@router.get("")
def erasure_page(request: Request) -> Response:
    """The empty form."""
    return _page(request, {})


@router.post("")
def erase(
    request: Request,
    db: DbSession,
    settings: AppSettings,
    user: AdminUser,
    codes: FormField = "",
    case_numbers: FormField = "",
    phones: FormField = "",
    emails: FormField = "",
    text: FormField = "",
    confirm: FormField = "",
    _csrf: CsrfChecked = None,
) -> Response:
    """Preview (a dry run) or, with ``confirm``, erase; the form is kept for the next step."""
    form = {"codes": codes, "case_numbers": case_numbers, "phones": phones, "emails": emails, "text": text}
    wanted = erasure.ErasureRequest(
        _items(codes), _items(case_numbers), _items(phones), _items(emails), text=bool(text)
    )
    dry_run = not confirm
    try:
        report = erasure.erase(
            db,
            request.app.state.secret_key,
            wanted,
            actor=user.username,
            actor_user_id=user.id,
            address=client_address(request),
            dry_run=dry_run,
        )
    except DomainError as exc:
        db.rollback()
        return _page(request, form, message=domain_text(exc.message, language_of(request)), status=422)
    db.commit()
    if not dry_run:
        erasure.after_commit(db, settings, report, background=True)
        form = {}
    return _page(request, form, report=report, dry_run=dry_run)
