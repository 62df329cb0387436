"""The rules' deadline of a case waiting at the dispatch desk, stored in ``cases.desk_due_at``.

A case never accepted has no ``due_at`` of its own; the inbox, its 已超期 filter and the
scorecard judge it by the deadline the rules give it from its first message
(:func:`minyi.cases.rules.due_by_rules`). That was computed in Python over every such case
on every inbox request and sent back as two bound parameters a case: after an import of a
million old messages, hundreds of thousands of cases wait at the desk, more than SQLite's
32,766 or PostgreSQL's 65,535 parameters (a 500). It is now stored when an input changes,
and the inbox reads ``COALESCE(due_at, desk_due_at)`` in SQL.

The inputs: the first message's time, the kind of appeal, the category, urgency, and the
rules and holidays themselves. A case's own inputs call :func:`recount`; a change of the
rules or of the calendar calls :func:`recount_waiting` (every case still at the desk, in
batches). Once ``due_at`` is set (acceptance) the stored value no longer counts.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, cast

from sqlalchemy import Connection, Table, bindparam, func, select, type_coerce, update
from sqlalchemy.orm import Session

from minyi.cases.deadlines import DeadlinePolicy
from minyi.cases.models import ANSWERED_STATUSES, Case
from minyi.cases.rules import deadline_policy, due_by_rules
from minyi.db.base import UTCDateTime
from minyi.departments.models import Category
from minyi.intake.models import Message

__all__ = ["BATCH", "arrival_of", "recount", "recount_waiting", "recount_waiting_cases", "set_from"]

#: Cases read and written at a time by :func:`recount_waiting` (a few parameters each).
BATCH = 1000
_ANSWERED = [status.value for status in ANSWERED_STATUSES]


def arrival_of(message: Message) -> datetime | None:
    """When ``message`` reached the office: when the citizen sent it, else when it was received."""
    return message.submitted_at or message.received_at


def recount(session: Session, case: Case, policy: DeadlinePolicy | None = None) -> datetime | None:
    """Set ``case.desk_due_at`` again from its first message under the rules in force; return it.

    Called when the case is opened or its kind, category or messages change. Reads the
    first message's time by SQL (the session's autoflush writes a pending message first);
    a case without a stored message yet counts from its own creation.
    """
    first = session.scalar(select(_first_arrival()).where(Message.case_id == case.id))
    start = first if first is not None else case.created_at
    return None if start is None else set_from(session, case, start, policy)


def set_from(
    session: Session, case: Case, start: datetime, policy: DeadlinePolicy | None = None
) -> datetime | None:
    """Set ``case.desk_due_at`` from ``start``, its first message's arrival, without a query for it.

    For a case being opened (its message not written yet); ``policy``: the rules read once
    by a caller that opens many cases (else read here).
    """
    path = case.category.path if case.category else None
    policy = policy or deadline_policy(session)
    case.desk_due_at = due_by_rules(policy, start, case.appeal_kind, path, urgent=bool(case.urgent))
    return case.desk_due_at


def _first_arrival() -> Any:
    """The earliest arrival among the messages grouped (as a UTC time on both engines)."""
    messages = Message.__table__.c
    return type_coerce(func.min(func.coalesce(messages.submitted_at, messages.received_at)), UTCDateTime())


def recount_waiting(connection: Connection, policy: DeadlinePolicy) -> int:
    """Set ``desk_due_at`` of every case still waiting with no ``due_at`` (never accepted); the count.

    After the rules or the holidays changed, and by migration 0030 for the cases already
    there. In batches of :data:`BATCH` cases by id, reading and writing only the columns
    named here (a migration may call it while later columns do not exist yet).
    """
    cases, messages, categories = Case.__table__.c, Message.__table__.c, Category.__table__.c
    arrival = _first_arrival()
    write = (
        update(cast("Table", Case.__table__))
        .where(cases.id == bindparam("case_id"))
        .values(desk_due_at=bindparam("due"))
        .execution_options(synchronize_session=False)
    )
    last, done = "", 0
    while True:
        query = (
            select(cases.id, cases.appeal_kind, cases.urgent, categories.path, arrival)
            .join(Message.__table__, messages.case_id == cases.id)
            .outerjoin(Category.__table__, categories.id == cases.category_id)
            .where(cases.status.not_in(_ANSWERED), cases.due_at.is_(None), cases.id > last)
            .group_by(cases.id, cases.appeal_kind, cases.urgent, categories.path)
            .order_by(cases.id)
            .limit(BATCH)
        )
        rows = connection.execute(query).all()
        if not rows:
            return done
        params: list[dict[str, Any]] = [
            {"case_id": ident, "due": due_by_rules(policy, first, kind, path, urgent=bool(urgent))}
            for ident, kind, urgent, path, first in rows
        ]
        connection.execute(write, params)
        done += len(rows)
        last = rows[-1][0]


def recount_waiting_cases(session: Session) -> int:
    """:func:`recount_waiting` under the rules and holidays stored now, in ``session``'s transaction."""
    session.flush()
    return recount_waiting(session.connection(), deadline_policy(session))
