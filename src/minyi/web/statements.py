"""Statements (权威发布): the staff form that publishes one, and the public list."""

from __future__ import annotations

import re
from typing import Annotated

from fastapi import Form, Query, Request
from fastapi.responses import RedirectResponse, Response

from minyi.cases import statements
from minyi.cases.queries import CASE_NUMBER, normalise_number
from minyi.http.deps import PUBLIC_VIEW, CsrfChecked, DbSession, StaffUser
from minyi.http.transactions import Router
from minyi.issues import services as issues
from minyi.issues.models import HotIssue
from minyi.web.domain_texts import domain_text
from minyi.web.templating import flash, language_of, render

router = Router(include_in_schema=False)
FormField = Annotated[str, Form()]


#: One case number on a line and what separates it from the next: spaces, commas, 、 or ；.
_NUMBER = re.compile(r"([^\s,，、;；]+)[\s,，、;；]*")


def parse_lines(text: str) -> tuple[list[str], dict[str, str]]:
    """Case numbers, one or more per line, the line's rest a note for its numbers.

    ``20261207-S2985APC 已修复`` gives one number and its note; ``A, B`` or ``A、B`` two
    numbers (every word that reads as a case number is one; the first word always is).
    """
    numbers: list[str] = []
    notes: dict[str, str] = {}
    for typed in text.splitlines():
        taken: list[str] = []
        position = 0
        line = typed.strip()
        while (match := _NUMBER.match(line, position)) is not None:
            word = normalise_number(match.group(1))
            if taken and not CASE_NUMBER.fullmatch(word):
                break
            taken.append(word)
            position = match.end()
        numbers += taken
        note = line[position:].strip()
        if note:
            notes.update(dict.fromkeys(taken, note))
    return numbers, notes


def _form(
    request: Request,
    db: DbSession,
    error: str | None = None,
    values: dict[str, str] | None = None,
    status: int = 200,
) -> Response:
    context = {"statements": statements.list_statements(db), "error": error, "values": values or {}}
    return render(request, "staff/statements.html", context, status)


@router.get("/staff/statements")
def statement_page(request: Request, db: DbSession, user: StaffUser, issue: str = "") -> Response:
    """Published statements and the form for a new one (filled in for a hot issue's open cases).

    The form is filled in only with the cases the user may answer (their department's).
    """
    hot = db.get(HotIssue, issue) if issue else None
    if hot is None:
        return _form(request, db)
    numbers = [c.number for c in statements.answerable(user, issues.cases_of(db, hot))]
    values = {"title": f"关于“{hot.title}”的答复", "case_lines": "\n".join(numbers), "issue_key": hot.id}
    return _form(request, db, values=values)


@router.post("/staff/statements")
def publish(
    request: Request,
    db: DbSession,
    user: StaffUser,
    title: FormField = "",
    body: FormField = "",
    case_lines: FormField = "",
    issue_key: FormField = "",
    _csrf: CsrfChecked = None,
) -> Response:
    """Publish a statement answering the listed cases."""
    values = {"title": title, "body": body, "case_lines": case_lines, "issue_key": issue_key}
    numbers, notes = parse_lines(case_lines)
    found, missing = statements.cases_by_number(db, numbers, reader=user)
    if missing:
        said = domain_text(f"no cases numbered {', '.join(missing[:10])}", language_of(request))
        return _form(request, db, said, values, 422)
    try:
        statements.publish(
            db,
            user,
            title=title,
            body=body,
            cases=found,
            notes={c.id: notes[c.number] for c in found if c.number in notes},
            issue_key=issue_key.strip() or None,
        )
    except statements.StatementError as exc:
        db.rollback()
        return _form(request, db, domain_text(str(exc), language_of(request)), values, 422)
    db.commit()
    flash(request, "flash.statement", count=str(len(found)))
    return RedirectResponse("/staff/statements", status_code=303)


@router.get("/public/statements", dependencies=[PUBLIC_VIEW])
def public_statements(
    request: Request, db: DbSession, page: Annotated[int, Query(ge=1, le=10_000)] = 1
) -> Response:
    """Published statements, newest first."""
    items = statements.list_statements(db, limit=20, offset=(page - 1) * 20)
    return render(request, "portal/statements.html", {"statements": items, "page": page})
