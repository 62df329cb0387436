"""The briefing (简报): what one day, week or month looked like, as one typed structure.

:func:`assemble` reads the database and returns a :class:`Briefing`; it renders nothing and
commits nothing. ``minyi report`` turns it into HTML or PDF (``minyi.web.briefing``), and
``minyi report send`` e-mails it. Everything in it is aggregate or topic-level: the case lists
(overdue, reopened) carry case numbers, departments and masked titles, never a person.

The figures come from :mod:`minyi.accountability.briefing_sources`, the one place that names
where each figure is defined.
"""

from __future__ import annotations

from calendar import monthrange
from collections import Counter
from dataclasses import dataclass, field, replace
from datetime import date, datetime, time, timedelta
from typing import Any, Literal
from zoneinfo import ZoneInfo

from sqlalchemy import and_, func, or_, select
from sqlalchemy.orm import Session, joinedload

from minyi.accountability import briefing_sources as sources
from minyi.accountability import facts
from minyi.accountability.briefing_sources import Forecast, Tally
from minyi.accountability.scorecard import Row
from minyi.alerts.models import Alert
from minyi.cases.inbox_pages import deadline_in_force
from minyi.cases.models import ANSWERED_STATUSES, Case, CaseEvent, CaseStatus, EventAction
from minyi.cases.public_text import public_text
from minyi.core.errors import InvalidInput
from minyi.issues.models import HotIssue
from minyi.pipeline.privacy import mask_text

PeriodKind = Literal["day", "week", "month", "year"]
PERIODS: tuple[PeriodKind, ...] = ("day", "week", "month", "year")
TOP_ISSUES = 10
EMERGING_ISSUES = 5
CASE_LIST_LIMIT = 50
ALERT_LIMIT = 30

_ANSWERED = [status.value for status in ANSWERED_STATUSES]


@dataclass(frozen=True)
class Period:
    """Local dates ``first`` to ``last`` (inclusive) and their UTC bounds ``[start, end)``.

    A day is the date; a week the seven days ending on the date; a month the calendar
    month of the date up to the date (a month briefing on the 31st covers the whole month);
    a year the calendar year of the date up to the date (年报: fourteenth probe).
    """

    kind: PeriodKind
    first: date
    last: date
    start: datetime
    end: datetime

    @property
    def key(self) -> str:
        """A stable name of the period (``month:2019-03-01..2019-03-31``), used to send it once."""
        return f"{self.kind}:{self.first.isoformat()}..{self.last.isoformat()}"

    def previous(self, tz: ZoneInfo) -> Period:
        """The period this one is compared with (环比): the same kind, just before it.

        A month that ends before its last day (``--end 2027-02-15``) is compared with the
        same days of the month before (01-01 to 01-15), clipped at that month's end (03-30
        with 02-01 to 02-28): fifteen days against a whole month read as a fall by half
        (tenth probe). A whole month is compared with the whole month before.
        """
        before = self.first - timedelta(days=1)  # the last day of the month (or day, week, year) before
        if self.kind == "month" and (self.last + timedelta(days=1)).month == self.last.month:
            before = before.replace(day=min(self.last.day, before.day))
        if self.kind == "year":  # 同比: the same days of the year before (02-29 → 02-28)
            day = min(self.last.day, monthrange(before.year, self.last.month)[1])
            before = before.replace(month=self.last.month, day=day)
        return period_of(self.kind, before, tz)


#: The last days a briefing may end on: any real period, far from date's overflow.
FIRST_DAY, LAST_DAY = date(1900, 1, 1), date(2999, 12, 31)


def period_of(kind: str, last: date, tz: ZoneInfo) -> Period:
    """The period of ``kind`` ending on local date ``last``; InvalidInput names a bad kind."""
    if kind not in PERIODS:
        raise InvalidInput(f"period: choose one of {', '.join(PERIODS)}, not {kind!r}")
    checked: PeriodKind = kind  # type: ignore[assignment,unused-ignore] # checked just above
    first = {
        "day": last,
        "week": last - timedelta(days=6),
        "month": last.replace(day=1),
        "year": last.replace(month=1, day=1),
    }[checked]
    start = datetime.combine(first, time(), tz)
    end = datetime.combine(last + timedelta(days=1), time(), tz)
    return Period(checked, first, last, start, end)


def forecast_from(period: Period, today: date) -> date:
    """The day whose week the briefing's forecast starts with: the week written in, at the latest.

    The forecast used to start after the period's end, so November's briefing written on
    12-08 forecast the week of 11-30, already known (fourteenth probe). A reader of a
    briefing wants the weeks ahead: the forecast starts with the week after the period or,
    if the briefing is written later, with the week it is written in, from every complete
    week before it. The page names the four weeks (``brief.forecast_span``).
    """
    return max(period.last + timedelta(days=1), today)


@dataclass(frozen=True)
class IssueLine:
    """A hot issue as the briefing names it (masked title, size, heat, when it started)."""

    title: str
    size: int
    heat: float
    first_time: datetime
    keywords: tuple[str, ...] = ()


@dataclass(frozen=True)
class AlertLine:
    """An alert fired in the period: its kind, scope, topic label and what was measured."""

    kind: str
    scope_kind: str
    label: str
    fired_at: datetime
    measured: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class CaseLine:
    """A case in a list: number, department and masked title (nothing about the citizen)."""

    number: str
    department: str
    title: str
    due_at: datetime | None = None
    reopened: int = 0


@dataclass(frozen=True)
class Briefing:
    """Everything a briefing shows, ready to render in any language."""

    period: Period
    generated_at: datetime
    figures: Row
    previous: Row
    scorecard: tuple[Row, ...]
    volume: tuple[tuple[str, int], ...]
    categories: tuple[tuple[str, str, int], ...]
    top_issues: tuple[IssueLine, ...]
    emerging_issues: tuple[IssueLine, ...]
    alerts: tuple[AlertLine, ...]
    overdue_total: int
    overdue: tuple[CaseLine, ...]
    reopened: tuple[CaseLine, ...]
    forecast: Forecast | None
    #: The period ``previous`` counts (环比), which the briefing names beside its own.
    compared_with: Period
    #: How many alerts fired and how many cases were reopened in the period: the lists stop
    #: at :data:`ALERT_LIMIT` and :data:`CASE_LIST_LIMIT`, and 30 rows read as "30 alerts".
    alerts_total: int = 0
    reopened_total: int = 0

    @property
    def volume_change(self) -> float | None:
        """Change of the number of cases against the previous period (0.25 = 25 % more)."""
        before = self.previous.volume
        return (self.figures.volume - before) / before if before else None


def _volume(found: Tally, period: Period, tz: ZoneInfo) -> tuple[tuple[str, int], ...]:
    """Cases arrived per local day (per hour for a day, per month for a year), every bucket present."""
    if period.kind == "day":
        hours = Counter(moment.astimezone(tz).hour for moment in found.arrivals)
        return tuple((f"{hour:02d}", hours[hour]) for hour in range(24))
    if period.kind == "year":
        months = Counter(moment.astimezone(tz).month for moment in found.arrivals)
        return tuple((f"{month}月", months[month]) for month in range(1, period.last.month + 1))
    days = Counter(moment.astimezone(tz).date() for moment in found.arrivals)
    count = (period.last - period.first).days + 1
    dates = [period.first + timedelta(days=n) for n in range(count)]
    return tuple((f"{d.month}/{d.day}", days[d]) for d in dates)


def _issue_line(issue: HotIssue) -> IssueLine:
    return IssueLine(
        mask_text(issue.title), issue.size, round(issue.heat, 1), issue.first_time, tuple(issue.keywords[:5])
    )


def _issues(session: Session, period: Period) -> tuple[tuple[IssueLine, ...], tuple[IssueLine, ...]]:
    """The hottest issues alive in the period, and those that first appeared in it."""
    alive = select(HotIssue).where(
        HotIssue.merged_into_id.is_(None),
        HotIssue.last_time >= period.start,
        HotIssue.first_time < period.end,
    )
    top = session.scalars(alive.order_by(HotIssue.heat.desc(), HotIssue.id).limit(TOP_ISSUES))
    new = session.scalars(
        alive.where(HotIssue.first_time >= period.start)
        .order_by(HotIssue.size.desc(), HotIssue.heat.desc(), HotIssue.id)
        .limit(EMERGING_ISSUES)
    )
    return tuple(_issue_line(i) for i in top), tuple(_issue_line(i) for i in new)


def _alerts(session: Session, period: Period) -> tuple[int, tuple[AlertLine, ...]]:
    """How many alerts fired in the period, and the first :data:`ALERT_LIMIT` of them."""
    fired = (Alert.fired_at >= period.start, Alert.fired_at < period.end)
    total = session.scalar(select(func.count(Alert.id)).where(*fired)) or 0
    found = session.scalars(select(Alert).where(*fired).order_by(Alert.fired_at, Alert.id).limit(ALERT_LIMIT))
    lines = tuple(
        AlertLine(a.kind, a.scope_kind, mask_text(a.label), a.fired_at, dict(a.measured)) for a in found
    )
    return int(total), lines


def _case_line(case: Case) -> CaseLine:
    department = case.department.name if case.department else ""
    return CaseLine(case.number, department, public_text(case, case.title), case.due_at, case.reopened_count)


def _waiting_at(at: datetime) -> tuple[Any, ...]:
    """Cases still unanswered at ``at`` (and not closed before it).

    A reopened case (重办) keeps the time of its first answer: it counts while it waits again.
    """
    waiting = [status.value for status in CaseStatus if status not in ANSWERED_STATUSES]
    return (
        or_(Case.replied_at.is_(None), Case.replied_at >= at, Case.status.in_(waiting)),
        or_(Case.closed_at.is_(None), Case.closed_at >= at),
    )


def _overdue_query(at: datetime) -> Any:
    """Cases open at ``at`` whose reply deadline had passed (超期未答复).

    Their ``due_at``; for a case still waiting at the dispatch desk (never accepted), the
    rules' deadline stored there (``desk_due_at``), as the inbox's 已超期 counts it.
    """
    at_desk = and_(Case.due_at.is_(None), Case.status.not_in(_ANSWERED), Case.desk_due_at < at)
    return select(Case).where(or_(Case.due_at < at, at_desk), *_waiting_at(at))


def _overdue(session: Session, period: Period, rules: facts.Rules) -> tuple[int, tuple[CaseLine, ...]]:
    """How many cases were overdue at the end of the period, and the first of them by deadline.

    At the end of the period, or now for a period not over yet (today's briefing): a case
    due at 17:30 was 超期 in a briefing written at 09:00 (twelfth probe). A case never
    accepted has no ``due_at``: it is overdue once the rules' deadline has passed, as on
    the scorecard, the big screen and the inbox. While it waits at the desk that deadline
    is stored and counted in SQL; one answered since ``at`` without ever being accepted
    (few) is judged by the rules (:func:`facts.overdue_without_due`).
    """
    at = min(period.end, rules.now)
    query = _overdue_query(at)
    total = session.scalar(select(func.count()).select_from(query.subquery())) or 0
    answered = (Case.due_at.is_(None), Case.status.in_(_ANSWERED))
    answered_since = select(Case.id).where(*answered, *_waiting_at(at))
    deadlines = facts.overdue_without_due(session, rules, answered_since, at)
    due = deadline_in_force()
    found = session.scalars(
        query.options(joinedload(Case.department)).order_by(due, Case.number).limit(CASE_LIST_LIMIT)
    )
    lines = [replace(_case_line(c), due_at=c.due_at or c.desk_due_at) for c in found]
    earliest = sorted(deadlines, key=lambda ident: (deadlines[ident], ident))[:CASE_LIST_LIMIT]
    undated_cases = session.scalars(select(Case).where(Case.id.in_(earliest)))
    lines.extend(replace(_case_line(case), due_at=deadlines[case.id]) for case in undated_cases)
    lines.sort(key=lambda line: (line.due_at or at, line.number))
    return int(total) + len(deadlines), tuple(lines[:CASE_LIST_LIMIT])


def _reopened(session: Session, period: Period) -> tuple[int, tuple[CaseLine, ...]]:
    """How many cases were reopened (重办) in the period, whenever they arrived, and the first of them."""
    ids = select(CaseEvent.case_id).where(
        CaseEvent.action == EventAction.REOPENED,
        CaseEvent.created_at >= period.start,
        CaseEvent.created_at < period.end,
    )
    total = session.scalar(select(func.count(Case.id)).where(Case.id.in_(ids))) or 0
    found = session.scalars(
        select(Case)
        .where(Case.id.in_(ids))
        .options(joinedload(Case.department))
        .order_by(Case.number)
        .limit(CASE_LIST_LIMIT)
    )
    return int(total), tuple(_case_line(c) for c in found.unique())


def assemble(  # noqa: PLR0913 - the period, then the judging rules
    session: Session, kind: str, last: date, tz: ZoneInfo, *, now: datetime, sign_for_hours: float = 24.0
) -> Briefing:
    """The briefing of the ``kind`` period ending on local date ``last``, figures as of ``now``.

    InvalidInput names an ``end`` outside :data:`FIRST_DAY`..:data:`LAST_DAY`: near year 1
    or 9999 the period's bounds overflow (``--end 9999-12-31`` was a traceback).
    """
    if not FIRST_DAY <= last <= LAST_DAY:
        raise InvalidInput(f"end: a date from {FIRST_DAY} to {LAST_DAY}, not {last}", field="end")
    today = now.astimezone(tz).date()
    if last > today:  # its overdue cases would be today's, beside a period that has not happened
        raise InvalidInput(f"end: a date up to today ({today}), not {last}", field="end")
    period = period_of(kind, last, tz)
    before = period.previous(tz)
    rules = sources.judging_rules(session, sign_for_hours, now)
    found = sources.tally(session, period.start, period.end, rules)
    earlier = sources.tally(session, before.start, before.end, rules)
    top, emerging = _issues(session, period)
    overdue_total, overdue = _overdue(session, period, rules)
    alerts_total, alerts = _alerts(session, period)
    reopened_total, reopened = _reopened(session, period)
    return Briefing(
        period=period,
        generated_at=now,
        figures=sources.total_row(found),
        previous=sources.total_row(earlier),
        scorecard=tuple(sources.department_rows(session, found)),
        volume=_volume(found, period, tz),
        categories=tuple(sources.category_counts(session, found, TOP_ISSUES)),
        top_issues=top,
        emerging_issues=emerging,
        alerts=alerts,
        overdue_total=overdue_total,
        overdue=overdue,
        reopened=reopened,
        forecast=sources.demand_forecast(session, forecast_from(period, today)),
        compared_with=before,
        alerts_total=alerts_total,
        reopened_total=reopened_total,
    )
