"""Deadlines that a newly entered holiday falls on, and moving them to the next working day.

A deadline is set once, from the calendar known then. When the State Council's schedule for
next year is entered (``/staff/admin``, holidays), a case accepted before that may be due on
a day that is now a holiday: nothing said so (a supervisor found 2027-02-09, in 春节). The
admin page lists those cases, and one action moves each to the end of the next working day
(顺延), recording the move in the case's history. A deadline is never moved silently: the
office decides, as for its statutory deadlines.
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from minyi.accounts.models import User
from minyi.cases.events import record
from minyi.cases.holiday_store import office_calendar
from minyi.cases.models import ANSWERED_STATUSES, Case, CaseStatus, EventAction
from minyi.db.base import utcnow

#: Deadlines listed and moved at once, at most (a year's schedule touches a few hundred at most).
LIMIT = 5000


def deadlines_on_days_off(session: Session) -> list[Case]:
    """Cases still waiting whose deadline, still ahead, falls on a day that is not a working day."""
    calendar = office_calendar(session)
    waiting = [status.value for status in CaseStatus if status not in ANSWERED_STATUSES]
    query = (
        select(Case)
        .where(Case.status.in_(waiting), Case.due_at >= utcnow(), Case.urgent.is_(False))
        .order_by(Case.due_at, Case.number)
        .limit(LIMIT)
    )
    return [
        case
        for case in session.scalars(query)
        if case.due_at is not None and not calendar.is_working_day(calendar.local_date(case.due_at))
    ]


def shift_to_working_days(session: Session, user: User) -> int:
    """Move each such deadline to the end of the next working day; returns how many moved."""
    calendar = office_calendar(session)
    moved = 0
    for case in deadlines_on_days_off(session):
        assert case.due_at is not None
        before = case.due_at
        case.due_at = calendar.add_working_days(before, 0)  # that day if it works, else the next one
        payload = {"due_before": before.isoformat(), "due_after": case.due_at.isoformat()}
        record(session, case, EventAction.DEADLINE_MOVED, user=user, payload=payload)
        moved += 1
    session.flush()
    return moved
