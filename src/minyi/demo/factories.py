"""Small factories for departments, categories, users, messages and cases.

The tests and the demo seed share them. Each takes a Session first and keyword
overrides, creates its rows through the real services where there is one, and flushes,
never commits: the caller owns the transaction.
"""

from __future__ import annotations

import functools
import itertools
from collections.abc import Callable
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import InstrumentedAttribute, Session

from minyi.accounts.models import Role, User
from minyi.accounts.services import hash_password
from minyi.cases import services as cases
from minyi.cases import workflow
from minyi.cases.models import Case, CaseStatus
from minyi.departments.models import Category, Department
from minyi.departments.services import department_for_category
from minyi.flows import processing
from minyi.intake import services as intake
from minyi.intake.models import Message
from minyi.intake.schemas import MessageIn

MAX_CATEGORY_LEVEL = 3
DEFAULT_TITLE = "A市A3区丽景花园小区门口路灯损坏多日无人维修"
DEFAULT_BODY = (
    "您好！我是A3区丽景花园小区的居民，小区南门外人民路上的三盏路灯已经坏了两个多星期，"
    "晚上出行很不安全，老人孩子摔倒过好几次，希望相关部门尽快安排维修。谢谢！"
)
DEFAULT_REPLY = (
    "您好！您反映的问题已收悉。经核查，相关单位已安排人员到现场处理，问题已整改到位。"
    "感谢您的监督。联系电话：0731-88001200。"
)
UNROUTED_STATUSES = frozenset({CaseStatus.RECEIVED, CaseStatus.ACCEPTED})
"""Statuses a case holds before it has a department."""

_NEXT_STATUS: dict[CaseStatus, CaseStatus] = {
    CaseStatus.RECEIVED: CaseStatus.ACCEPTED,
    CaseStatus.DISPATCHED: CaseStatus.SIGNED,
    CaseStatus.SIGNED: CaseStatus.IN_PROGRESS,
    CaseStatus.IN_PROGRESS: CaseStatus.REPLIED,
    CaseStatus.REPLIED: CaseStatus.FOLLOW_UP,
    CaseStatus.FOLLOW_UP: CaseStatus.CLOSED,
}
"""The step :func:`drive_case` takes from each status on the way forward."""

_serial = itertools.count(1)


def _free_value(session: Session, column: InstrumentedAttribute[str], make: Callable[[int], str]) -> str:
    """``make(n)`` for the next serial number ``n`` whose value no row holds yet in ``column``."""
    while True:
        value = make(next(_serial))
        if session.scalar(select(column).where(column == value).limit(1)) is None:
            return value


@functools.cache
def _password_hash(password: str) -> str:
    """One Argon2 hash per password string: hashing is slow on purpose, tests need not be."""
    return hash_password(password)


def make_department(
    session: Session, *, code: str | None = None, name: str | None = None, **fields: str | None
) -> Department:
    """A department with a unique code (``D001``, ``D002``…) unless one is given."""
    code = code or _free_value(session, Department.code, "D{:03d}".format)
    department = Department(code=code, name=name or f"测试部门{code}", **fields)
    session.add(department)
    session.flush()
    return department


def make_category(
    session: Session,
    *,
    name: str | None = None,
    parent: Category | None = None,
    department: Department | None = None,
) -> Category:
    """A category under ``parent`` (level and path follow it), answered by ``department``."""
    level = 1 if parent is None else parent.level + 1
    if level > MAX_CATEGORY_LEVEL:
        raise ValueError(f"the category tree has {MAX_CATEGORY_LEVEL} levels; {parent!r} is a leaf")
    prefix = "" if parent is None else parent.path + Category.PATH_SEPARATOR
    if name is None:
        name = _free_value(session, Category.path, lambda n: f"{prefix}分类{n:03d}").removeprefix(prefix)
    category = Category(
        name=name, level=level, path=prefix + name, parent=parent, default_department=department
    )
    session.add(category)
    session.flush()
    return category


def make_user(  # noqa: PLR0913 - every argument is a field of the new user
    session: Session,
    *,
    username: str | None = None,
    password: str = "password123",  # noqa: S107 - a test account's password, never a real one
    role: str = Role.STAFF.value,
    department: Department | None = None,
    display_name: str | None = None,
) -> User:
    """An active user; department staff get a new department when none is given."""
    checked = Role(role)
    if checked == Role.STAFF and department is None:
        department = make_department(session)
    username = username or _free_value(session, User.username, "user{:03d}".format)
    user = User(
        username=username,
        display_name=display_name or username,
        password_hash=_password_hash(password),
        role=checked.value,
        department=department,
        is_active=True,
    )
    session.add(user)
    session.flush()
    return user


def make_message_in(**overrides: Any) -> MessageIn:
    """A valid submission about a broken street light; ``overrides`` replace any field."""
    data: dict[str, Any] = {
        "title": DEFAULT_TITLE,
        "body": DEFAULT_BODY,
        "region": "A市A3区",
        "address": "A市A3区丽景花园小区",
    }
    data.update(overrides)
    return MessageIn.model_validate(data)


def make_message(
    session: Session,
    *,
    key: str = "test-key",
    channel: str = "api",
    process: bool = True,
    received_at: datetime | None = None,
    **overrides: Any,
) -> Message:
    """A message stored by :func:`intake.services.accept`, then processed into a case.

    ``received_at`` (timezone-aware) back-dates the message before it is processed;
    other ``overrides`` are fields of :class:`MessageIn`.
    """
    accepted = intake.accept(session, make_message_in(**overrides), channel=channel, key=key)
    message = accepted.message
    if received_at is not None:
        message.received_at = received_at
    if process:
        processing.process(session, message)
    else:
        session.flush()
    return message


def _routing_category(
    session: Session, target: CaseStatus, department: Department | None, category: Category | None
) -> Category | None:
    """The category that gives a new case the department ``target`` needs (or none)."""
    routed = department_for_category(category)
    if target in UNROUTED_STATUSES:
        if department is not None or routed is not None:
            msg = f"a {target.value} case has no department: pass no department and no routed category"
            raise ValueError(msg)
        return category
    if category is None:
        return make_category(session, department=department or make_department(session))
    if routed is None:
        msg = f"category {category.path!r} routes to no department; a {target.value} case needs one"
        raise ValueError(msg)
    if department is not None and routed.id != department.id:
        raise ValueError(f"category {category.path!r} routes to {routed.code}, not {department.code}")
    return category


def _first_user(session: Session, role: Role, department: Department | None = None) -> User:
    """An active user with ``role`` (in ``department``), created when there is none."""
    query = select(User).where(User.role == role.value, User.is_active.is_(True))
    if department is not None:
        query = query.where(User.department_id == department.id)
    user = session.scalar(query.order_by(User.username).limit(1))
    return user or make_user(session, role=role.value, department=department)


def drive_case(session: Session, case: Case, status: str, reply_body: str = DEFAULT_REPLY) -> Case:
    """Move ``case`` forward to ``status`` through the case services, step by step.

    The dispatcher accepts, follows up and closes; the department's staff sign, work on
    and answer the case (the public reply is what makes it ``replied``).
    """
    target = CaseStatus(status)
    order = list(CaseStatus)
    while case.status != target:
        current = CaseStatus(case.status)
        step = _NEXT_STATUS.get(current)
        if step is None or order.index(current) > order.index(target):
            raise ValueError(f"cannot drive a {current.value} case forward to {target.value}")
        if step in {CaseStatus.ACCEPTED, CaseStatus.FOLLOW_UP, CaseStatus.CLOSED}:
            workflow.change_status(session, _first_user(session, Role.DISPATCHER), case, step.value)
            continue
        staff = _first_user(session, Role.STAFF, case.department)
        if step == CaseStatus.REPLIED:
            cases.add_reply(session, staff, case, reply_body, public=True, min_score=0)  # data, not a check
        else:
            workflow.change_status(session, staff, case, step.value)
    return case


def make_case(  # noqa: PLR0913 - the case's routing, then the message's fields
    session: Session,
    *,
    status: str = CaseStatus.DISPATCHED.value,
    department: Department | None = None,
    category: Category | None = None,
    key: str = "test-key",
    reply_body: str = DEFAULT_REPLY,
    **message_overrides: Any,
) -> Case:
    """A case in ``status``, made from a new message by the real intake and case services.

    ``received`` and ``accepted`` cases have no department; any later status needs one,
    given by ``category`` (routed to its default department) or ``department`` (a new
    category routed to it is made), else a new department. ``message_overrides`` go to
    :func:`make_message` (``channel``, ``received_at`` and the fields of MessageIn).
    """
    target = CaseStatus(status)
    routing = _routing_category(session, target, department, category)
    if routing is not None:
        message_overrides["category_id"] = routing.id
    message = make_message(session, key=key, process=False, **message_overrides)
    case = processing.process(session, message)
    return drive_case(session, case, target.value, reply_body)
