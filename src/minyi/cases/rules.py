"""The configured deadline rules, read from the database as one DeadlinePolicy.

Admins edit the rules (``minyi.admin``); cases only read them, so the rules' table lives
with the cases and the admin package sits above this one.
"""

from __future__ import annotations

import logging
from datetime import datetime
from typing import Any

from sqlalchemy import Select, func, select, type_coerce
from sqlalchemy.orm import Session

from minyi.cases.deadlines import DeadlinePolicy, DeadlineRule
from minyi.cases.holiday_store import office_calendar
from minyi.cases.models import AppealKind, Case, CaseEvent, CaseStatus, DeadlineRuleRecord, EventAction
from minyi.db.base import UTCDateTime
from minyi.departments.models import Category
from minyi.intake.models import Message

log = logging.getLogger(__name__)


def deadline_policy(session: Session) -> DeadlinePolicy:
    """The policy of the configured rules (else 15 working days; 2 clock hours when urgent).

    A stored rule that the checks now refuse (saved before they existed: 10^8 working days,
    say) is left out with a warning, so that it cannot stop every intake.
    """
    records = session.scalars(select(DeadlineRuleRecord).order_by(DeadlineRuleRecord.created_at))
    rules = []
    for record in records:
        try:
            rules.append(
                DeadlineRule(
                    appeal_kind=record.appeal_kind,
                    category_path_prefix=record.category.path if record.category else None,
                    reply_working_days=record.reply_working_days,
                    reply_hours=record.reply_hours,
                    accept_hours=record.accept_hours,
                    urgent=record.urgent,
                )
            )
        except ValueError as exc:
            log.warning("deadline rule %s left out (%s); an admin should delete it", record.id, exc)
    return DeadlinePolicy(rules, calendar=office_calendar(session))  # with the holidays admins entered


def reply_due(
    session: Session, case: Case, start: datetime, policy: DeadlinePolicy | None = None
) -> datetime | None:
    """When the reply to ``case``, accepted at ``start``, is due under the configured rules.

    Praise (表扬) has no deadline unless it is urgent: it goes to the department's record,
    and a thank-you must never show as an overdue case. ``policy``: the rules read once by a
    caller that asks for many cases (else read here).
    """
    path = case.category.path if case.category else None
    policy = policy or deadline_policy(session)
    return due_by_rules(policy, start, case.appeal_kind, path, urgent=bool(case.urgent))


def due_by_rules(
    policy: DeadlinePolicy,
    start: datetime,
    appeal_kind: str | None,
    category_path: str | None,
    *,
    urgent: bool,
) -> datetime | None:
    """The reply deadline the rules give a case of this kind and category started at ``start``.

    ``None`` for praise that is not urgent. The one place that says so: the scorecard
    judged a case without a deadline of its own by ``policy`` alone, and a thank-you left
    waiting six weeks counted late (twelfth probe).
    """
    if appeal_kind == AppealKind.PRAISE and not urgent:
        return None
    return policy.reply_due(start, appeal_kind, category_path, urgent=urgent)


def rules_deadlines(session: Session, among: Select[Any] | None = None) -> dict[str, datetime]:
    """The rules' deadline of each waiting case with no deadline of its own (never accepted).

    From its first message, as the scorecard counts it; cases the rules give none (praise)
    are left out. ``among``: a query of case ids to look at (else every such case). Computed
    here in Python: not for a request (the inbox reads the stored ``desk_due_at``,
    :mod:`minyi.cases.desk_due`, which writes what this computes), but to check it.
    """
    answered = [status.value for status in (CaseStatus.REPLIED, CaseStatus.FOLLOW_UP, CaseStatus.CLOSED)]
    arrival = type_coerce(func.min(func.coalesce(Message.submitted_at, Message.received_at)), UTCDateTime())
    query = (
        select(Case.id, Case.appeal_kind, Case.urgent, Category.path, arrival)
        .join(Message, Message.case_id == Case.id)
        .outerjoin(Category, Category.id == Case.category_id)
        .where(Case.status.not_in(answered), Case.due_at.is_(None))
        .group_by(Case.id, Case.appeal_kind, Case.urgent, Category.path)
    )
    if among is not None:
        query = query.where(Case.id.in_(among))
    policy = deadline_policy(session)
    found = {}
    for ident, kind, urgent, path, first in session.execute(query):
        due = due_by_rules(policy, first, kind, path, urgent=bool(urgent))
        if due is not None:
            found[str(ident)] = due
    return found


def sign_due(
    session: Session, case: Case, start: datetime, policy: DeadlinePolicy | None = None
) -> datetime | None:
    """When the department must sign for (签收) ``case``, dispatched to it at ``start``.

    ``None`` when no configured rule sets ``accept_hours`` for such a case: there is no
    acceptance deadline by default (a centre sets its own, e.g. 2 working hours for every
    case, as a rule naming neither kind nor category). Praise has none, as it has no reply
    deadline, unless urgent.
    """
    if case.appeal_kind == AppealKind.PRAISE and not case.urgent:
        return None
    path = case.category.path if case.category else None
    policy = policy or deadline_policy(session)
    return policy.accept_due(start, case.appeal_kind, path, urgent=bool(case.urgent))


def recount_sign_due(session: Session, case: Case) -> dict[str, str | None]:
    """Count ``case``'s pending acceptance deadline again after its kind or category changed.

    The rule that sets 签收时限 depends on the kind and the category, as the reply deadline's
    does: a correction recounts it from the latest dispatch (派单 or 改派) under the rule that
    now matches, and clears it when that rule sets none. Only while the department has not
    signed for the case (after, the deadline is history) and not for an urgent case (the
    emergency rule set it, as for the reply deadline). Returns the payload keys for the
    correction's history entry (``sign_due_before``/``sign_due_after``), empty when nothing
    changed. Before this, a complaint corrected to praise kept 超时未签收 (twelfth probe).
    """
    if case.status != CaseStatus.DISPATCHED or case.urgent:
        return {}
    sent = session.scalar(
        select(func.max(CaseEvent.created_at)).where(
            CaseEvent.case_id == case.id,
            CaseEvent.action.in_([EventAction.DISPATCHED.value, EventAction.REASSIGNED.value]),
        )
    )
    if sent is None:
        return {}
    before, after = case.sign_due_at, sign_due(session, case, sent)
    if before == after:
        return {}
    case.sign_due_at = after
    return {
        "sign_due_before": before.isoformat() if before is not None else None,
        "sign_due_after": after.isoformat() if after is not None else None,
    }
