"""Editing the deadline rules (read by :mod:`minyi.cases.rules`) and the reply templates."""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from minyi.accounts.models import User
from minyi.accounts.permissions import can_use_template
from minyi.admin.models import ReplyTemplate
from minyi.audit import services as audit
from minyi.cases import desk_due
from minyi.cases.deadlines import DeadlineRule
from minyi.cases.models import Case, DeadlineRuleRecord
from minyi.core.errors import InvalidInput, NotFound
from minyi.core.localtime import format_time
from minyi.departments.models import Category, Department

PLACEHOLDER = re.compile(r"\{(\w+)\}")


class AdminError(InvalidInput):
    """A configuration that cannot be saved; the text says why."""


def add_rule(  # noqa: PLR0913 - the fields of one rule
    session: Session,
    *,
    appeal_kind: str | None,
    category: Category | None,
    reply_working_days: int | None,
    reply_hours: float | None,
    note: str = "",
    urgent: bool = False,
    accept_hours: float | None = None,
) -> DeadlineRuleRecord:
    """Add a deadline rule after checking it makes sense; ``urgent`` rules time urgent cases only.

    ``accept_hours`` (签收时限): working hours from dispatch for the department to sign for
    the case (clock hours in an urgent rule); a rule may set it alone.
    """
    try:
        DeadlineRule(
            appeal_kind=appeal_kind,
            category_path_prefix=category.path if category else None,
            reply_working_days=reply_working_days,
            reply_hours=reply_hours,
            accept_hours=accept_hours,
            urgent=urgent,
        )
    except (TypeError, ValueError) as exc:
        raise AdminError(f"invalid deadline rule: {exc}") from exc
    record = DeadlineRuleRecord(
        appeal_kind=appeal_kind,
        category=category,
        reply_working_days=reply_working_days,
        reply_hours=reply_hours,
        accept_hours=accept_hours,
        urgent=urgent,
        note=note.strip()[:300],
    )
    session.add(record)
    session.flush()
    desk_due.recount_waiting_cases(session)  # the cases at the desk count by the rules now
    return record


def rule_facts(rule: DeadlineRuleRecord) -> dict[str, object]:
    """What a rule says, for the audit trail: an added or removed rule named in full."""
    return {
        "appeal_kind": rule.appeal_kind,
        "category": rule.category.path if rule.category else None,
        "reply_working_days": rule.reply_working_days,
        "reply_hours": rule.reply_hours,
        "accept_hours": rule.accept_hours,
        "urgent": bool(rule.urgent),
        "note": rule.note or "",
    }


def record_rule(
    session: Session, action: str, rule: DeadlineRuleRecord, *, by: User | None, address: str | None
) -> None:
    """A deadline rule added or removed, in the audit trail (every new deadline counts on them)."""
    audit.record_by(session, action, by, subject=rule.id, address=address, details=rule_facts(rule))


def remove_rule(session: Session, rule: DeadlineRuleRecord, *, by: User | None, address: str | None) -> None:
    """Remove a deadline rule (deadlines already set stay); the trail keeps what it said."""
    record_rule(session, audit.RULE_REMOVED, rule, by=by, address=address)
    session.delete(rule)
    desk_due.recount_waiting_cases(session)  # the cases at the desk count by the rules left


def record_template(
    session: Session, action: str, template: ReplyTemplate, *, by: User | None, address: str | None
) -> None:
    """A reply template added or removed, in the audit trail (its name and department)."""
    department = session.get(Department, template.department_id) if template.department_id else None
    details = {"department": department.code if department else None}
    audit.record_by(session, action, by, subject=template.name, address=address, details=details)


def remove_template(
    session: Session, template: ReplyTemplate, *, by: User | None, address: str | None
) -> None:
    """Remove a reply template; the trail keeps its name."""
    record_template(session, audit.TEMPLATE_REMOVED, template, by=by, address=address)
    session.delete(template)


def parse_accept_hours(typed: str) -> float | None:
    """The 签收时限 an admin typed (blank: none), or AdminError naming the field."""
    if not typed.strip():
        return None
    try:
        return float(typed)
    except ValueError:
        raise AdminError(
            f"invalid deadline rule: accept_hours is a number of hours, got {typed[:20]!r}"
        ) from None


def list_rules(session: Session) -> Sequence[DeadlineRuleRecord]:
    """Every deadline rule, oldest first."""
    return list(session.scalars(select(DeadlineRuleRecord).order_by(DeadlineRuleRecord.created_at)))


def add_template(
    session: Session, *, name: str, body: str, department_id: str | None = None
) -> ReplyTemplate:
    """Add a reply template (for one department, or for all)."""
    if not name.strip() or not body.strip():
        raise AdminError("a template needs a name and a text")
    unknown = set(PLACEHOLDER.findall(body)) - set(PLACEHOLDERS)
    if unknown:
        raise AdminError(f"unknown placeholders {sorted(unknown)}; use {', '.join(PLACEHOLDERS)}")
    template = ReplyTemplate(name=name.strip()[:120], body=body.strip(), department_id=department_id or None)
    session.add(template)
    session.flush()
    return template


def templates_for(session: Session, user: User, case: Case) -> Sequence[ReplyTemplate]:
    """The templates ``user`` may use on ``case``: the shared ones and the case's department's.

    A department's templates are its own (:func:`~minyi.accounts.permissions.can_use_template`).
    """
    query = select(ReplyTemplate).where(
        or_(ReplyTemplate.department_id.is_(None), ReplyTemplate.department_id == case.department_id)
    )
    found = session.scalars(query.order_by(ReplyTemplate.name))
    return [t for t in found if can_use_template(user, t.department_id)]


def template_for(session: Session, user: User, template_id: str) -> ReplyTemplate:
    """The template ``template_id`` if ``user`` may read it; NotFound otherwise (also when missing)."""
    template = session.get(ReplyTemplate, template_id) if template_id else None
    if template is None or not can_use_template(user, template.department_id):
        raise NotFound("no such reply template")
    return template


PLACEHOLDERS = ("number", "title", "department", "phone", "date", "due")


def render_template(template: ReplyTemplate, case: Case, now: datetime) -> str:
    """The template's text with the case's values in its placeholders."""
    department = case.department
    values = {
        "number": case.number,
        "title": case.title,
        "department": department.name if department else "",
        "phone": (department.contact_phone or "") if department else "",
        "date": format_time(now, "%Y年%m月%d日"),
        "due": format_time(case.due_at, "%Y年%m月%d日") if case.due_at else "",
    }
    return PLACEHOLDER.sub(lambda m: values.get(m.group(1), m.group(0)), template.body)
