"""The configured deadline rules, read from the database as one DeadlinePolicy.

Admins edit the rules (``minyi.admin``); cases only read them, so the rules' table lives
with the cases and the admin package sits above this one.
"""

from __future__ import annotations

import logging
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from minyi.cases.deadlines import DeadlinePolicy, DeadlineRule
from minyi.cases.holiday_store import office_calendar
from minyi.cases.models import AppealKind, Case, DeadlineRuleRecord

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
    if case.appeal_kind == AppealKind.PRAISE and not case.urgent:
        return None
    path = case.category.path if case.category else None
    policy = policy or deadline_policy(session)
    return policy.reply_due(start, case.appeal_kind, path, urgent=bool(case.urgent))


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
