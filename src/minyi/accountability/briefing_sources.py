"""The figures a briefing quotes, behind clearly named adapter functions.

The briefing (:mod:`minyi.accountability.briefing`) does not define any rate itself: the
public dashboard's definitions (``accountability.definitions`` / ``scorecard``) and the demand
forecast (``accountability.forecast``) are the one source of the figures. While those modules
are being written, the functions below compute the same figures in the plainest way, from the
case table, with the definitions quoted in each docstring; switching one of them to the
dashboard's module is a one-line change here and nothing else in the briefing moves.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import case, func, select, type_coerce
from sqlalchemy.orm import Session
from sqlalchemy.sql import Subquery

from minyi.accountability.forecast import forecast_weekly
from minyi.cases.models import Case, CaseEvent, CaseRating, EventAction, Satisfaction
from minyi.db.base import UTCDateTime
from minyi.departments.models import Department
from minyi.intake.models import Message

POSITIVE = (Satisfaction.SATISFIED.value, Satisfaction.BASICALLY.value)
RATED = (*POSITIVE, Satisfaction.UNSATISFIED.value)


@dataclass(frozen=True)
class Figures:
    """Counts over one period ``[start, end)``; the rates are derived from them.

    Attributes:
        received: Cases opened (受理) in the period.
        replied: Cases answered (答复) in the period.
        replied_on_time: Of those, answered no later than their deadline.
        replied_with_deadline: Of those, the ones that had a deadline.
        closed: Cases closed (办结) in the period.
        rated: Ratings (回访) given in the period, not counting "not reached".
        satisfied: Of those, 满意 or 基本满意.
        reopened: Reopenings (重办) in the period.
    """

    received: int = 0
    replied: int = 0
    replied_on_time: int = 0
    replied_with_deadline: int = 0
    closed: int = 0
    rated: int = 0
    satisfied: int = 0
    reopened: int = 0

    @property
    def on_time_rate(self) -> float | None:
        """按时答复率: answered on time / answered with a deadline; None without any."""
        return _rate(self.replied_on_time, self.replied_with_deadline)

    @property
    def satisfaction_rate(self) -> float | None:
        """满意率: (满意 + 基本满意) / ratings; None without any rating."""
        return _rate(self.satisfied, self.rated)

    @property
    def reply_rate(self) -> float | None:
        """答复率 of the period: answered / received (may exceed 1 when a backlog is cleared)."""
        return _rate(self.replied, self.received)


def _rate(part: int, whole: int) -> float | None:
    return part / whole if whole else None


def opened_times() -> Subquery:
    """Case id → when it was opened: its first message's time as the citizen sent it.

    ``Case.created_at`` is when Minyi stored the case, which for an imported history (附件4)
    is the day of the import; the message's ``submitted_at`` is the historical time.
    """
    moment = type_coerce(func.min(func.coalesce(Message.submitted_at, Message.received_at)), UTCDateTime())
    return (
        select(Message.case_id.label("case_id"), moment.label("opened_at"))
        .where(Message.case_id.is_not(None))
        .group_by(Message.case_id)
        .subquery("opened")
    )


def _received(session: Session, start: datetime, end: datetime) -> Counter[str | None]:
    """Cases per department opened in ``[start, end)``."""
    opened = opened_times()
    rows = session.execute(
        select(Case.department_id, func.count())
        .select_from(Case)
        .join(opened, opened.c.case_id == Case.id)
        .where(opened.c.opened_at >= start, opened.c.opened_at < end)
        .group_by(Case.department_id)
    )
    return Counter({department: int(count) for department, count in rows})


def _closed(session: Session, start: datetime, end: datetime) -> Counter[str | None]:
    """Cases per department closed in ``[start, end)``."""
    rows = session.execute(
        select(Case.department_id, func.count())
        .where(Case.closed_at >= start, Case.closed_at < end)
        .group_by(Case.department_id)
    )
    return Counter({department: int(count) for department, count in rows})


def _replies(session: Session, start: datetime, end: datetime) -> dict[str | None, tuple[int, int, int]]:
    """Per department: (answered, answered on time, answered with a deadline)."""
    on_time = func.sum(case((Case.replied_at <= Case.due_at, 1), else_=0))
    with_due = func.count(Case.due_at)
    rows = session.execute(
        select(Case.department_id, func.count(), on_time, with_due)
        .where(Case.replied_at >= start, Case.replied_at < end)
        .group_by(Case.department_id)
    )
    return {d: (int(n), int(ok or 0), int(due)) for d, n, ok, due in rows}


def _ratings(session: Session, start: datetime, end: datetime) -> dict[str | None, tuple[int, int]]:
    """Per department: (ratings, of which satisfied)."""
    good = func.sum(case((CaseRating.satisfaction.in_(POSITIVE), 1), else_=0))
    rows = session.execute(
        select(Case.department_id, func.count(), good)
        .select_from(CaseRating)
        .join(Case, Case.id == CaseRating.case_id)
        .where(
            CaseRating.created_at >= start, CaseRating.created_at < end, CaseRating.satisfaction.in_(RATED)
        )
        .group_by(Case.department_id)
    )
    return {d: (int(n), int(ok or 0)) for d, n, ok in rows}


def _reopenings(session: Session, start: datetime, end: datetime) -> Counter[str | None]:
    rows = session.execute(
        select(Case.department_id, func.count())
        .select_from(CaseEvent)
        .join(Case, Case.id == CaseEvent.case_id)
        .where(
            CaseEvent.action == EventAction.REOPENED,
            CaseEvent.created_at >= start,
            CaseEvent.created_at < end,
        )
        .group_by(Case.department_id)
    )
    return Counter({department: int(count) for department, count in rows})


def figures_by_department(session: Session, start: datetime, end: datetime) -> dict[str | None, Figures]:
    """Interim adapter → ``accountability.scorecard``: the period's figures per department id."""
    received = _received(session, start, end)
    closed = _closed(session, start, end)
    replies = _replies(session, start, end)
    ratings = _ratings(session, start, end)
    reopened = _reopenings(session, start, end)
    keys = set(received) | set(closed) | set(replies) | set(ratings) | set(reopened)
    return {
        key: Figures(
            received=received[key],
            replied=replies.get(key, (0, 0, 0))[0],
            replied_on_time=replies.get(key, (0, 0, 0))[1],
            replied_with_deadline=replies.get(key, (0, 0, 0))[2],
            closed=closed[key],
            rated=ratings.get(key, (0, 0))[0],
            satisfied=ratings.get(key, (0, 0))[1],
            reopened=reopened[key],
        )
        for key in keys
    }


def headline_figures(session: Session, start: datetime, end: datetime) -> Figures:
    """Interim adapter → ``accountability.definitions``: the period's figures, all departments."""
    total = Figures()
    for part in figures_by_department(session, start, end).values():
        total = Figures(*(a + b for a, b in zip(_fields(total), _fields(part), strict=True)))
    return total


def _fields(figures: Figures) -> tuple[int, ...]:
    return (
        figures.received,
        figures.replied,
        figures.replied_on_time,
        figures.replied_with_deadline,
        figures.closed,
        figures.rated,
        figures.satisfied,
        figures.reopened,
    )


def reply_days(session: Session, start: datetime, end: datetime) -> list[float]:
    """Interim adapter → ``accountability.definitions``: days from opening to the reply.

    One value per case answered in ``[start, end)``, sorted; the median is the 答复用时 figure.
    """
    opened = opened_times()
    rows = session.execute(
        select(opened.c.opened_at, Case.replied_at)
        .select_from(Case)
        .join(opened, opened.c.case_id == Case.id)
        .where(Case.replied_at >= start, Case.replied_at < end)
    )
    return sorted(max((replied - opened_at).total_seconds(), 0.0) / 86400 for opened_at, replied in rows)


def department_names(session: Session) -> dict[str, str]:
    """Department id → name, for the scorecard's rows."""
    return {d.id: d.name for d in session.scalars(select(Department))}


@dataclass(frozen=True)
class ForecastWeek:
    """One forecast week: its Monday, the expected number of messages and an 80 % range."""

    week_start: date
    expected: float
    low: float
    high: float


@dataclass(frozen=True)
class Forecast:
    """The 4-week demand forecast of all messages and its backtest error beside a baseline's."""

    weeks: tuple[ForecastWeek, ...] = ()
    error_name: str = "MASE"
    error: float | None = None
    baseline_error: float | None = None
    method: str = ""


def demand_forecast(session: Session, after: date) -> Forecast | None:
    """The forecast of the 4 weeks from the week of ``after`` (:mod:`accountability.forecast`).

    The total series only (the dashboard shows the categories); the backtest error is the
    forecast's MASE, beside the seasonal-naive forecast's. None without any history.
    """
    report = forecast_weekly(session, by="category", weeks=4, end=after, limit=0)
    if not report.history_weeks or not report.series:
        return None
    total = report.series[0]
    weeks = tuple(
        ForecastWeek(week, value, low, high)
        for week, value, low, high in zip(
            report.forecast_weeks, total.values, total.lower, total.upper, strict=True
        )
    )
    seasonal = [b.mase for b in total.baselines if b.method == "seasonal-naive"]
    return Forecast(weeks, "MASE", total.error.mase, seasonal[0] if seasonal else None, total.method)
