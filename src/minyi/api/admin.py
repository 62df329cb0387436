"""JSON routes for administrators: departments, users, deadline rules, reply templates, erasures."""

from __future__ import annotations

from dataclasses import asdict
from datetime import datetime
from typing import Annotated

from fastapi import Depends, Request, Response
from pydantic import BaseModel, ConfigDict, Field, StrictBool
from sqlalchemy import select

from minyi.accounts import services as accounts
from minyi.accounts.models import Role, User
from minyi.accounts.permissions import Action, require
from minyi.accounts.throttle import list_lockouts
from minyi.admin import services as admin
from minyi.admin.models import ReplyTemplate
from minyi.api.routes import TokenUser
from minyi.audit import services as audit
from minyi.cases.models import AppealKind, DeadlineRuleRecord
from minyi.core.errors import InvalidInput, NotFound
from minyi.db.base import utcnow
from minyi.departments import services as department_services
from minyi.departments.models import Category, Department
from minyi.departments.services import NewDepartment, list_departments
from minyi.flows import erasure
from minyi.http.deps import AppSettings, DbSession, LoginThrottle, client_address
from minyi.http.transactions import Router


def _admin(user: TokenUser) -> User:
    require(user, Action.ADMINISTER)
    return user


AdminToken = Annotated[User, Depends(_admin)]
router = Router(prefix="/api/v1/admin", tags=["admin"])


class DepartmentIn(BaseModel):
    """A new department."""

    model_config = ConfigDict(extra="forbid")
    code: str = Field(min_length=1, max_length=40)
    name: str = Field(min_length=1, max_length=200)
    name_en: str | None = Field(default=None, max_length=200)
    contact_phone: str | None = Field(default=None, max_length=60)
    contact_email: str | None = Field(default=None, max_length=200)


class DepartmentOut(DepartmentIn):
    """A department."""

    model_config = ConfigDict(from_attributes=True)
    id: str


class UserIn(BaseModel):
    """A new staff user."""

    model_config = ConfigDict(extra="forbid")
    username: str = Field(min_length=1, max_length=80)
    password: str = Field(min_length=1, max_length=200)
    role: Role = Role.STAFF
    department: str | None = Field(default=None, description="Department code")
    display_name: str | None = Field(default=None, max_length=120)


class UserOut(BaseModel):
    """A staff user (never the password hash)."""

    id: str
    username: str
    role: str
    department: str | None
    is_active: bool


class RuleIn(BaseModel):
    """A deadline rule: working days, or hours for emergencies."""

    model_config = ConfigDict(extra="forbid")
    appeal_kind: AppealKind | None = None
    category_id: str | None = Field(default=None, max_length=36)
    reply_working_days: int | None = Field(default=None, ge=0, le=365)
    reply_hours: float | None = Field(default=None, gt=0, le=24 * 60)
    accept_hours: float | None = Field(
        default=None,
        gt=0,
        le=24 * 60,
        description="签收时限: working hours after dispatch for the department to sign for the case "
        "(clock hours in an urgent rule); a rule may set it alone",
    )
    note: str = Field(default="", max_length=300)
    urgent: StrictBool = False  # for urgent cases only (an emergency keyword); hours are clock hours


class RuleOut(BaseModel):
    """A deadline rule."""

    id: str
    appeal_kind: str | None
    category: str | None
    reply_working_days: int | None
    reply_hours: float | None
    accept_hours: float | None = None
    note: str
    urgent: bool = False


class TemplateIn(BaseModel):
    """A reply template with placeholders ({number}, {title}, {department}, {phone}, {date}, {due})."""

    model_config = ConfigDict(extra="forbid")
    name: str = Field(min_length=1, max_length=120)
    body: str = Field(min_length=1, max_length=20_000)
    department_id: str | None = Field(default=None, max_length=36)


class TemplateOut(TemplateIn):
    """A reply template."""

    id: str


class LockoutOut(BaseModel):
    """A key locked now after failed attempts."""

    kind: str = Field(description="account, login_address, tracking_code or tracking_address")
    key: str = Field(description="the user name as typed, the client address or the tracking code")
    locked_until: datetime
    lockouts: int = Field(description="how many lock-outs in a row (each doubles the next)")
    last_failure_at: datetime


class SessionsEnded(BaseModel):
    """How many live sessions were ended."""

    ended: int


def _user_out(user: User) -> UserOut:
    department = user.department.code if user.department else None
    return UserOut(
        id=user.id, username=user.username, role=user.role, department=department, is_active=user.is_active
    )


def _rule_out(rule: DeadlineRuleRecord) -> RuleOut:
    return RuleOut(
        id=rule.id,
        appeal_kind=rule.appeal_kind,
        category=rule.category.path if rule.category else None,
        reply_working_days=rule.reply_working_days,
        reply_hours=rule.reply_hours,
        accept_hours=rule.accept_hours,
        note=rule.note,
        urgent=bool(rule.urgent),
    )


@router.get("/departments", response_model=list[DepartmentOut])
def departments(db: DbSession, _user: AdminToken) -> list[DepartmentOut]:
    """Every department."""
    return [DepartmentOut.model_validate(d) for d in list_departments(db)]


@router.post("/departments", response_model=DepartmentOut, status_code=201)
def create_department(request: Request, db: DbSession, user: AdminToken, data: DepartmentIn) -> DepartmentOut:
    """Add a department (recorded in the audit trail)."""
    new = NewDepartment(
        data.code, data.name, data.name_en, phone=data.contact_phone, email=data.contact_email
    )
    department = department_services.create_department(db, new)
    department_services.record_created(db, department, by=user, address=client_address(request))
    db.commit()
    return DepartmentOut.model_validate(department)


@router.get("/users", response_model=list[UserOut])
def users(db: DbSession, _user: AdminToken) -> list[UserOut]:
    """Every staff user."""
    return [_user_out(u) for u in db.scalars(select(User).order_by(User.username))]


@router.post("/users", response_model=UserOut, status_code=201)
def create_user(request: Request, db: DbSession, user: AdminToken, data: UserIn) -> UserOut:
    """Add a staff user (the role granted is recorded in the audit trail)."""
    created = accounts.create_user(
        db,
        username=data.username,
        password=data.password,
        role=data.role.value,
        department_code=data.department,
        display_name=data.display_name,
        granted_by=user,
        address=client_address(request),
    )
    db.commit()
    return _user_out(created)


@router.post("/users/{user_id}/active", response_model=UserOut)
def toggle_user(request: Request, db: DbSession, user: AdminToken, user_id: str) -> UserOut:
    """Deactivate an active user, or reactivate an inactive one (recorded in the audit trail)."""
    target = db.get(User, user_id)
    if target is None:
        raise NotFound("no such user")
    if target.id == user.id:
        raise InvalidInput("you cannot deactivate yourself")
    accounts.set_active(db, target, not target.is_active, by=user, address=client_address(request))
    db.commit()
    return _user_out(target)


@router.delete("/users/{user_id}/sessions", response_model=SessionsEnded)
def end_sessions(request: Request, db: DbSession, user: AdminToken, user_id: str) -> SessionsEnded:
    """Log the user out everywhere: every server-side staff session ends (API tokens stay)."""
    target = db.get(User, user_id)
    if target is None:
        raise NotFound("no such user")
    ended = accounts.end_sessions(db, target, utcnow(), by=user, address=client_address(request))
    db.commit()
    return SessionsEnded(ended=ended)


@router.get("/lockouts", response_model=list[LockoutOut])
def lockouts(db: DbSession, _user: AdminToken, throttle: LoginThrottle) -> list[LockoutOut]:
    """What is locked now after failed logins or tracking secrets, the longest first."""
    return [LockoutOut(**asdict(lock)) for lock in list_lockouts(db, throttle.now())]


@router.delete("/lockouts/{kind}/{key}", status_code=204)
def lift_lockout(request: Request, db: DbSession, user: AdminToken, kind: str, key: str) -> Response:
    """Lift a lock-out and forget the key's failures; 404 when nothing is counted for it."""
    if not accounts.lift_lockout(db, kind, key, by=user, address=client_address(request)):
        raise NotFound(f"no lock-out of {kind} {key!r}")
    db.commit()
    return Response(status_code=204)


@router.get("/deadline-rules", response_model=list[RuleOut])
def rules(db: DbSession, _user: AdminToken) -> list[RuleOut]:
    """Every deadline rule."""
    return [_rule_out(r) for r in admin.list_rules(db)]


@router.post("/deadline-rules", response_model=RuleOut, status_code=201)
def create_rule(request: Request, db: DbSession, user: AdminToken, data: RuleIn) -> RuleOut:
    """Add a deadline rule; the most specific rule wins."""
    category = db.get(Category, data.category_id) if data.category_id else None
    if data.category_id and category is None:
        raise InvalidInput(f"no category {data.category_id!r}", field="category_id")
    rule = admin.add_rule(
        db,
        appeal_kind=data.appeal_kind.value if data.appeal_kind else None,
        category=category,
        reply_working_days=data.reply_working_days,
        reply_hours=data.reply_hours,
        accept_hours=data.accept_hours,
        note=data.note,
        urgent=data.urgent,
    )
    admin.record_rule(db, audit.RULE_ADDED, rule, by=user, address=client_address(request))
    db.commit()
    return _rule_out(rule)


@router.delete("/deadline-rules/{rule_id}", status_code=204)
def delete_rule(request: Request, db: DbSession, user: AdminToken, rule_id: str) -> Response:
    """Remove a deadline rule (deadlines already set stay; the trail keeps what it said)."""
    rule = db.get(DeadlineRuleRecord, rule_id)
    if rule is None:
        raise NotFound("no such rule")
    admin.remove_rule(db, rule, by=user, address=client_address(request))
    db.commit()
    return Response(status_code=204)


@router.get("/templates", response_model=list[TemplateOut])
def templates(db: DbSession, _user: AdminToken) -> list[TemplateOut]:
    """Every reply template."""
    items = db.scalars(select(ReplyTemplate).order_by(ReplyTemplate.name))
    return [TemplateOut(id=t.id, name=t.name, body=t.body, department_id=t.department_id) for t in items]


@router.post("/templates", response_model=TemplateOut, status_code=201)
def create_template(request: Request, db: DbSession, user: AdminToken, data: TemplateIn) -> TemplateOut:
    """Add a reply template."""
    if data.department_id and db.get(Department, data.department_id) is None:
        raise InvalidInput(f"no department with id {data.department_id!r}", field="department_id")
    template = admin.add_template(db, name=data.name, body=data.body, department_id=data.department_id)
    admin.record_template(db, audit.TEMPLATE_ADDED, template, by=user, address=client_address(request))
    db.commit()
    return TemplateOut(
        id=template.id, name=template.name, body=template.body, department_id=template.department_id
    )


@router.delete("/templates/{template_id}", status_code=204)
def delete_template(request: Request, db: DbSession, user: AdminToken, template_id: str) -> Response:
    """Remove a reply template (the trail keeps its name)."""
    template = db.get(ReplyTemplate, template_id)
    if template is None:
        raise NotFound("no such template")
    admin.remove_template(db, template, by=user, address=client_address(request))
    db.commit()
    return Response(status_code=204)


_MANY = 50  # codes, numbers or addresses of one person in one request


class ErasureIn(BaseModel):
    """One person's erasure request: what they showed (at least one), and what to erase."""

    model_config = ConfigDict(extra="forbid")
    codes: list[str] = Field(default_factory=list, max_length=_MANY, description="Tracking codes")
    case_numbers: list[str] = Field(default_factory=list, max_length=_MANY)
    phones: list[str] = Field(default_factory=list, max_length=_MANY)
    emails: list[str] = Field(default_factory=list, max_length=_MANY)
    text: StrictBool = Field(default=False, description="Also replace the messages' own words")
    dry_run: StrictBool = False


@router.post("/erasures")
def erase(
    request: Request, db: DbSession, settings: AppSettings, user: AdminToken, data: ErasureIn
) -> dict[str, object]:
    """Erase one person's personal data at their request (``minyi retention erase``)."""
    wanted = erasure.ErasureRequest(
        tuple(data.codes), tuple(data.case_numbers), tuple(data.phones), tuple(data.emails), text=data.text
    )
    report = erasure.erase(
        db,
        request.app.state.secret_key,
        wanted,
        actor=user.username,
        actor_user_id=user.id,
        address=client_address(request),
        dry_run=data.dry_run,
    )
    db.commit()
    if not data.dry_run:
        erasure.after_commit(db, settings, report, background=True)
    return {"dry_run": data.dry_run, **report.to_dict()}
