"""Administration pages: users, sessions, lock-outs, departments, categories, rules, holidays, templates."""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Annotated

from fastapi import Depends, File, Form, Request, UploadFile
from fastapi.responses import RedirectResponse, Response
from sqlalchemy import select

from minyi.accounts import services as accounts
from minyi.accounts import sessions
from minyi.accounts.models import Role, User
from minyi.accounts.permissions import Action, require
from minyi.accounts.throttle import list_lockouts
from minyi.admin import services as admin
from minyi.admin.models import ReplyTemplate
from minyi.audit import services as audit
from minyi.cases import holiday_shift, holiday_store
from minyi.cases.models import AppealKind, DeadlineRuleRecord
from minyi.core.errors import Conflict, DomainError, NotFound
from minyi.core.localtime import local
from minyi.db.base import utcnow
from minyi.departments import services as departments
from minyi.departments.models import Category, Department
from minyi.departments.services import (
    CategoryImportError,
    NewDepartment,
    import_category_tree,
    list_categories,
    list_departments,
)
from minyi.flows import reanalysis
from minyi.http.deps import (
    SESSION_TOKEN_KEY,
    CsrfChecked,
    DbSession,
    client_address,
    get_throttle,
    require_user,
)
from minyi.http.transactions import Router
from minyi.intake.services import failed_count
from minyi.interop.tabular import ImportFileError, read_rows
from minyi.web.domain_texts import domain_text
from minyi.web.i18n import translate
from minyi.web.templating import flash, language_of, render

FormField = Annotated[str, Form()]


def require_admin(user: Annotated[User, Depends(require_user)]) -> User:
    """The signed-in user, if an administrator."""
    require(user, Action.ADMINISTER)
    return user


AdminUser = Annotated[User, Depends(require_admin)]
router = Router(prefix="/staff/admin", include_in_schema=False, dependencies=[Depends(require_admin)])


def _page(
    request: Request,
    db: DbSession,
    message: str | None = None,
    status: int = 200,
    holiday_form: dict[str, str] | None = None,
    posted: dict[str, str] | None = None,
) -> Response:
    """The page; ``message`` (a refusal) in the reader's language, ``posted`` the refused form's values."""
    context = {
        "users": list(db.scalars(select(User).order_by(User.username))),
        "live_sessions": sessions.count_live(db, utcnow()),
        "failed_messages": failed_count(db),
        "unanalysed_messages": reanalysis.opened_without_analysis_count(db),
        "lockouts": list_lockouts(db, get_throttle(request).now()),
        "departments": list_departments(db),
        "categories": list_categories(db),
        "rules": admin.list_rules(db),
        "templates": list(db.scalars(select(ReplyTemplate).order_by(ReplyTemplate.name))),
        "roles": [r.value for r in Role],
        "kinds": [k.value for k in AppealKind if k is not AppealKind.UNDETERMINED],  # no rule for it
        "placeholders": admin.PLACEHOLDERS,
        "message": domain_text(message, language_of(request)) if message else None,
        "posted": posted or {},
        **_holidays(db, holiday_form),
    }
    return render(request, "staff/admin.html", context, status)


def _holidays(db: DbSession, form: dict[str, str] | None) -> dict[str, object]:
    """What the holidays section shows: the built-in years, the entered ones, the form's values."""
    first, last = holiday_store.statutory_years()
    years = holiday_store.stored_years(db)
    texts = {year: holiday_store.schedule_text(entries) for year, entries in years.items()}
    in_file = holiday_store.file_years()  # the holidays file counts as entered (it was said missing)
    missing = holiday_store.missing_years(db, local(utcnow()).date())  # the office's New Year, not UTC's
    default_year = str(next((y for y in range(last + 1, last + 20) if y not in years), last + 1))
    form = form or {"year": default_year, "schedule": texts.get(int(default_year), "")}
    clashes = holiday_shift.deadlines_to_recount(db)
    return {
        "holiday_known": (first, last),
        "holiday_years": years,
        "holiday_texts": texts,
        "holiday_missing": missing,
        "holiday_file_years": in_file,
        "holiday_form": form,
        "holiday_clashes": clashes,
        "holiday_clashes_key": holiday_shift.listing_key(clashes),  # the shift moves this list only
    }


def _done(request: Request, db: DbSession, said: str = "flash.saved") -> Response:
    db.commit()
    flash(request, said)
    return RedirectResponse("/staff/admin", status_code=303)


@router.get("")
def admin_page(request: Request, db: DbSession, holiday_year: str = "") -> Response:
    """Everything an administrator configures, on one page (``holiday_year``: that year's to edit)."""
    years = holiday_store.stored_years(db)
    chosen = int(holiday_year) if holiday_year.isdigit() and int(holiday_year) in years else None
    if chosen is None:
        return _page(request, db)
    form = {"year": str(chosen), "schedule": holiday_store.schedule_text(years[chosen])}
    return _page(request, db, holiday_form=form)


@router.post("/users")
def create_user(
    request: Request,
    db: DbSession,
    user: AdminUser,
    username: FormField = "",
    display_name: FormField = "",
    role: FormField = "staff",
    department_code: FormField = "",
    password: FormField = "",
    _csrf: CsrfChecked = None,
) -> Response:
    """Add a staff user."""
    try:
        accounts.create_user(
            db,
            username=username.strip(),
            password=password,
            role=role,
            department_code=department_code or None,
            display_name=display_name.strip() or None,
            granted_by=user,
            address=client_address(request),
        )
    except accounts.AccountError as exc:
        db.rollback()
        kept = {"which": "users", "username": username, "display_name": display_name, "role": role}
        return _page(request, db, str(exc), 422, posted=kept | {"department_code": department_code})
    return _done(request, db)


@router.post("/users/{user_id}/active")
def toggle_user(
    request: Request, db: DbSession, user: AdminUser, user_id: str, _csrf: CsrfChecked = None
) -> Response:
    """Deactivate an active user, or reactivate an inactive one."""
    target = db.get(User, user_id)
    if target is None:
        raise NotFound("no such user")
    if target.id == user.id:
        return _page(request, db, "you cannot deactivate yourself", 422)
    accounts.set_active(db, target, not target.is_active, by=user, address=client_address(request))
    return _done(request, db)


@router.post("/users/{user_id}/role")
def change_role(
    request: Request,
    db: DbSession,
    user: AdminUser,
    user_id: str,
    role: FormField = "",
    _csrf: CsrfChecked = None,
) -> Response:
    """Give a user another role (recorded in the audit trail)."""
    target = db.get(User, user_id)
    if target is None:
        raise NotFound("no such user")
    if target.id == user.id:
        return _page(request, db, "you cannot change your own role", 422)
    try:
        accounts.change_role(db, target, role, by=user, address=client_address(request))
    except accounts.AccountError as exc:
        db.rollback()
        return _page(request, db, str(exc), 422)
    return _done(request, db)


@router.post("/users/{user_id}/sessions/end")
def end_sessions(
    request: Request, db: DbSession, user: AdminUser, user_id: str, _csrf: CsrfChecked = None
) -> Response:
    """Log a user out everywhere (the administrator's own current session stays)."""
    target = db.get(User, user_id)
    if target is None:
        raise NotFound("no such user")
    keep = request.session.get(SESSION_TOKEN_KEY) if target.id == user.id else None
    accounts.end_sessions(db, target, utcnow(), by=user, address=client_address(request), keep=keep)
    return _done(request, db, "flash.sessions_ended")


@router.post("/lockouts/lift")
def lift_lockout(
    request: Request,
    db: DbSession,
    user: AdminUser,
    kind: FormField = "",
    key: FormField = "",
    _csrf: CsrfChecked = None,
) -> Response:
    """Lift a lock-out after failed attempts: the account, code or address may try again at once."""
    accounts.lift_lockout(db, kind, key, by=user, address=client_address(request))
    return _done(request, db, "flash.lifted")


@router.post("/departments")
def create_department(
    request: Request,
    db: DbSession,
    user: AdminUser,
    code: FormField = "",
    name: FormField = "",
    contact_phone: FormField = "",
    contact_email: FormField = "",
    _csrf: CsrfChecked = None,
) -> Response:
    """Add a department."""
    kept = {
        "which": "departments",
        "code": code,
        "name": name,
        "phone": contact_phone,
        "email": contact_email,
    }
    if not code.strip() or not name.strip():
        return _page(request, db, "a department needs a code and a name", 422, posted=kept)
    try:
        made = departments.create_department(
            db, NewDepartment(code, name, phone=contact_phone, email=contact_email)
        )
        departments.record_created(db, made, by=user, address=client_address(request))
    except DomainError as exc:
        db.rollback()
        return _page(request, db, exc.message, 422, posted=kept)
    return _done(request, db)


@router.post("/categories")
async def import_categories(
    request: Request,
    db: DbSession,
    user: AdminUser,
    file: Annotated[UploadFile | None, File()] = None,
    _csrf: CsrfChecked = None,
) -> Response:
    """Import a 3-level category tree from CSV or XLSX (一级分类, 二级分类, 三级分类, optional 部门)."""
    if file is None or not file.filename:
        return _page(request, db, translate("error.no_file", language_of(request)), 422)
    suffix = Path(file.filename or "upload.csv").suffix or ".csv"
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / f"categories{suffix}"
        path.write_bytes(await file.read())
        try:
            table = read_rows(path)
            rows = [{k: "" if v is None else str(v) for k, v in row.items()} for _, row in table.rows]
            result = import_category_tree(db, rows)
            departments.record_categories(db, file.filename, result, by=user, address=client_address(request))
        except (ImportFileError, CategoryImportError) as exc:
            db.rollback()
            return _page(request, db, str(exc), 422)
    db.commit()
    said = translate("admin.categories.done", language_of(request))
    return _page(request, db, said.format(created=result.created, existing=result.existing))


@router.post("/rules")
def create_rule(
    request: Request,
    db: DbSession,
    user: AdminUser,
    appeal_kind: FormField = "",
    category_id: FormField = "",
    reply_working_days: FormField = "",
    reply_hours: FormField = "",
    accept_hours: FormField = "",
    note: FormField = "",
    urgent: FormField = "",
    _csrf: CsrfChecked = None,
) -> Response:
    """Add a deadline rule (``urgent``: for urgent cases only; ``accept_hours``: 签收时限)."""
    try:
        accept = admin.parse_accept_hours(accept_hours)
        days = int(reply_working_days) if reply_working_days.strip() else None
        hours = float(reply_hours) if reply_hours.strip() else None
        category = db.get(Category, category_id) if category_id else None
        rule = admin.add_rule(
            db,
            appeal_kind=appeal_kind or None,
            category=category,
            reply_working_days=days,
            reply_hours=hours,
            accept_hours=accept,
            note=note,
            urgent=bool(urgent),
        )
        admin.record_rule(db, audit.RULE_ADDED, rule, by=user, address=client_address(request))
    except (ValueError, admin.AdminError) as exc:
        db.rollback()
        kept = {"which": "rules", "appeal_kind": appeal_kind, "category_id": category_id, "note": note}
        kept |= {"reply_working_days": reply_working_days, "reply_hours": reply_hours, "urgent": urgent}
        kept["accept_hours"] = accept_hours
        return _page(request, db, str(exc), 422, posted=kept)
    return _done(request, db)


@router.post("/rules/{rule_id}/delete")
def delete_rule(
    request: Request, db: DbSession, user: AdminUser, rule_id: str, _csrf: CsrfChecked = None
) -> Response:
    """Remove a deadline rule (deadlines already set stay; the trail keeps what it said)."""
    rule = db.get(DeadlineRuleRecord, rule_id)
    if rule is not None:
        admin.remove_rule(db, rule, by=user, address=client_address(request))
    return _done(request, db, "flash.deleted")


@router.post("/holidays")
def save_holidays(
    request: Request,
    db: DbSession,
    user: AdminUser,
    year: FormField = "",
    schedule: FormField = "",
    _csrf: CsrfChecked = None,
) -> Response:
    """Store one year's holidays and adjusted working days (empty: remove that year's)."""
    try:
        number = holiday_store.check_year(year)
        entries = holiday_store.parse_schedule(schedule, number)
        holiday_store.replace_year(db, number, entries, by=user, address=client_address(request))
    except holiday_store.ScheduleError as exc:
        db.rollback()
        said = domain_text(str(exc), language_of(request))
        return _page(request, db, None, 422, holiday_form={"year": year, "schedule": schedule, "error": said})
    db.commit()
    flash(request, "flash.holidays_saved", year=str(number), n=str(len(entries)))
    few, odd = holiday_store.schedule_doubts(entries)
    if few is not None:
        flash(request, "flash.holidays_few", n=str(few))
    for day in odd:
        flash(request, "flash.holidays_workday_on_holiday", day=day.isoformat())
    return RedirectResponse("/staff/admin#holidays", status_code=303)


@router.post("/holidays/shift")
def shift_deadlines(
    request: Request, db: DbSession, user: AdminUser, listed: FormField = "", _csrf: CsrfChecked = None
) -> Response:
    """Recount the deadlines the page listed (``listed``: its key), and only those."""
    try:
        moved = holiday_shift.shift_to_working_days(db, user, listed=listed, address=client_address(request))
    except Conflict as exc:
        db.rollback()
        return _page(request, db, exc.message, 409)
    db.commit()
    flash(request, "flash.deadlines_moved", n=str(moved))
    return RedirectResponse("/staff/admin#holidays", status_code=303)


@router.post("/templates")
def create_template(
    request: Request,
    db: DbSession,
    user: AdminUser,
    name: FormField = "",
    body: FormField = "",
    department_id: FormField = "",
    _csrf: CsrfChecked = None,
) -> Response:
    """Add a reply template."""
    kept = {"which": "templates", "name": name, "body": body, "department_id": department_id}
    if department_id and db.get(Department, department_id) is None:
        return _page(request, db, f"no department with id {department_id!r}", 422, posted=kept)
    try:
        template = admin.add_template(db, name=name, body=body, department_id=department_id or None)
        admin.record_template(db, audit.TEMPLATE_ADDED, template, by=user, address=client_address(request))
    except admin.AdminError as exc:
        db.rollback()
        return _page(request, db, str(exc), 422, posted=kept)
    return _done(request, db)


@router.post("/templates/{template_id}/delete")
def delete_template(
    request: Request, db: DbSession, user: AdminUser, template_id: str, _csrf: CsrfChecked = None
) -> Response:
    """Remove a reply template (the trail keeps its name)."""
    template = db.get(ReplyTemplate, template_id)
    if template is not None:
        admin.remove_template(db, template, by=user, address=client_address(request))
    return _done(request, db, "flash.deleted")
