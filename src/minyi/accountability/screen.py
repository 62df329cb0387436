"""The figures of the big screen (大屏) on the hotline centre's wall, read live.

Everything here is seen by anyone in the room, so it is aggregate and topic-level only:
counts, rates, region names, hot-issue titles and alert labels with personal data masked
(:func:`minyi.pipeline.privacy.mask_text`). No message text, no author, no contact, no
case number. The queries are bounded (today, the last 7 or 30 days, the top few rows)
and served by indexes, so a wall refreshing every few seconds costs little.

Definitions (local dates in ``MINYI_TIMEZONE``):

* **received today**: messages received since local midnight;
* **in progress**: cases not yet answered (received, accepted, dispatched, signed, in progress);
* **overdue**: of those, the ones past their deadline in force;
* **not signed for in time** (超时未签收): dispatched cases past their acceptance deadline
  (签收期限) that their department has not signed for;
* **closed today**: cases closed since local midnight;
* **on-time reply rate (30 days)**: of the cases answered in the last 30 days (and still
  answered: a reopened case waits again), the share answered by their deadline in force;
* **within deadline (now)**: of the cases in progress, the share not overdue.

"The deadline in force" is the scorecard's (:func:`minyi.accountability.facts.deadline_in_force`):
a case never accepted, or answered before it was, is held to the deadline the rules give a
case of its kind arriving when it did. The screen said 0 overdue beside a dashboard counting
the same unaccepted cases late, and counted a late answer reopened (重办, a new deadline) as
on time (twelfth probe). For a case still waiting at the desk that deadline is stored
(``desk_due_at``): 已超期 is one SQL count of ``COALESCE(due_at, desk_due_at) < now``, as the
inbox's filter; it read every desk case and applied the rules to it in Python on each refresh.
"""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import ColumnElement, and_, func, or_, select
from sqlalchemy.orm import Session

from minyi.accountability import facts, refresh
from minyi.accountability.regions import public_region
from minyi.alerts.models import Alert, AlertStatus
from minyi.alerts.wording import describe_alert
from minyi.cases.inbox_pages import deadline_in_force
from minyi.cases.models import ANSWERED_STATUSES, Case, CaseEvent, CaseStatus, EventAction
from minyi.cases.queries import sign_overdue_clause
from minyi.intake.models import Message
from minyi.issues.models import HotIssue
from minyi.pipeline.privacy import mask_text

__all__ = ["IN_PROGRESS", "screen_data"]

IN_PROGRESS = (
    CaseStatus.RECEIVED,
    CaseStatus.ACCEPTED,
    CaseStatus.DISPATCHED,
    CaseStatus.SIGNED,
    CaseStatus.IN_PROGRESS,
)
REGION_DAYS = 7
RATE_DAYS = 30
TOP_REGIONS = 10
TOP_ISSUES = 6
TOP_ALERTS = 6


def _midnight(now: datetime, zone: ZoneInfo) -> datetime:
    """Local midnight of ``now``'s local date, in UTC."""
    return datetime.combine(now.astimezone(zone).date(), time.min, tzinfo=zone).astimezone(UTC)


def _rate(part: int, whole: int) -> float | None:
    return round(part / whole, 4) if whole else None


def _arrived_since(since: datetime) -> tuple[ColumnElement[bool], ...]:
    """Messages that citizens sent since ``since``: stored since then, and not written long before.

    An import of old messages stores them today with their historical ``submitted_at``;
    they are history, not today's calls. ``received_at`` (indexed) narrows the rows first.
    """
    return (Message.received_at >= since, or_(Message.submitted_at.is_(None), Message.submitted_at >= since))


def _rules(session: Session, now: datetime) -> facts.Rules:
    """The scorecard's judging rules as of ``now`` (the sign-for limit plays no part here)."""
    return refresh.make_rules(session, 24.0, now)


def _answered_late(session: Session, rules: facts.Rules, ids: Any) -> tuple[int, int]:
    """(answered cases of ``ids``, those answered after their deadline in force)."""
    total = late = 0
    for row in facts.stream_facts(session, None, ids=ids):
        deadline = facts.deadline_in_force(row, rules, row.arrival or row.created_at)
        total += 1
        late += int(deadline is not None and row.replied_at > deadline)
    return total, late


def counts(session: Session, now: datetime, zone: ZoneInfo) -> dict[str, int]:
    """Received today, in progress, overdue, not signed for in time, and closed today."""
    today = _midnight(now, zone)
    received = session.scalar(select(func.count(Message.id)).where(*_arrived_since(today))) or 0
    open_cases = session.execute(
        select(func.count(Case.id), func.count(Case.id).filter(deadline_in_force() < now)).where(
            Case.status.in_(IN_PROGRESS)
        )
    ).one()  # never accepted: the rules' deadline stored at the desk, as the inbox's 已超期
    unsigned = session.scalar(select(func.count(Case.id)).where(sign_overdue_clause(now))) or 0
    merged = select(CaseEvent.case_id).where(CaseEvent.action == EventAction.MERGED_INTO)
    done = select(func.count(Case.id)).where(Case.closed_at >= today, Case.id.not_in(merged))
    closed = session.scalar(done) or 0  # a case closed because it was merged into another was not 办结
    return {
        "received_today": int(received),
        "in_progress": int(open_cases[0]),
        "overdue": int(open_cases[1]),
        "unsigned": int(unsigned),
        "closed_today": int(closed),
    }


def rates(session: Session, now: datetime, figures: dict[str, int]) -> dict[str, Any]:
    """The on-time reply rate of the last 30 days and the share of open cases within deadline.

    A case answered after it was accepted is judged by its ``due_at`` in SQL; the others
    (no deadline of their own, or answered before accepted: a statement) by the rules, as
    the scorecard judges them. A case merged into another counts in that other case.
    """
    since = now - timedelta(days=RATE_DAYS)
    merged = select(CaseEvent.case_id).where(CaseEvent.action == EventAction.MERGED_INTO)
    answered = and_(
        Case.replied_at >= since,
        Case.replied_at <= now,
        Case.status.in_([status.value for status in ANSWERED_STATUSES]),
        Case.id.not_in(merged),
    )
    dated = and_(Case.due_at.is_not(None), Case.accepted_at.is_not(None), Case.accepted_at <= Case.replied_at)
    total, on_time = session.execute(
        select(func.count(Case.id), func.count(Case.id).filter(Case.replied_at <= Case.due_at)).where(
            answered, dated
        )
    ).one()
    undated = select(Case.id).where(answered, ~dated)
    others, late = _answered_late(session, _rules(session, now), undated)
    total, on_time = int(total) + others, int(on_time) + others - late
    in_progress = figures["in_progress"]
    return {
        "on_time_reply": _rate(int(on_time), int(total)),
        "replied": int(total),
        "within_deadline": _rate(in_progress - figures["overdue"], in_progress),
    }


def regions(session: Session, now: datetime) -> list[dict[str, Any]]:
    """Messages per region over the last 7 days, the busiest first."""
    region = func.trim(Message.region)
    query = (
        select(region, func.count(Message.id))
        .where(*_arrived_since(now - timedelta(days=REGION_DAYS)), region != "")
        .group_by(region)
        .order_by(func.count(Message.id).desc(), region)
        .limit(TOP_REGIONS * 5)
    )
    # free text: only what reads as an area is shown (a screen may be public, MINYI_SCREEN_PUBLIC)
    shown = [(public_region(name), int(count)) for name, count in session.execute(query)]
    return [{"name": name, "count": count} for name, count in shown if name][:TOP_REGIONS]


def hot_issues(session: Session) -> list[dict[str, Any]]:
    """The hottest live issues: masked title, size and heat."""
    query = (
        select(HotIssue)
        .where(HotIssue.archived_at.is_(None), HotIssue.merged_into_id.is_(None))
        .order_by(HotIssue.heat.desc(), HotIssue.id)
        .limit(TOP_ISSUES)
    )
    return [
        {"title": mask_text(issue.title), "size": issue.size, "heat": round(issue.heat, 1)}
        for issue in session.scalars(query)
    ]


def open_alerts(session: Session, zone: ZoneInfo, language: str) -> tuple[int, list[dict[str, Any]]]:
    """How many alerts are open, and the latest few: masked label, the numbers in words, the time."""
    total = session.scalar(select(func.count(Alert.id)).where(Alert.status == AlertStatus.OPEN)) or 0
    query = (
        select(Alert)
        .where(Alert.status == AlertStatus.OPEN)
        .order_by(Alert.last_seen_at.desc(), Alert.id)
        .limit(TOP_ALERTS)
    )
    shown = []
    for alert in session.scalars(query):
        seen = alert.last_seen_at if alert.last_seen_at.tzinfo else alert.last_seen_at.replace(tzinfo=UTC)
        shown.append(
            {
                "label": mask_text(alert.label),
                "summary": mask_text(describe_alert(alert.kind, alert.measured, language)),
                "time": seen.astimezone(zone).strftime("%H:%M"),
            }
        )
    return int(total), shown


def screen_data(session: Session, *, now: datetime, zone: ZoneInfo, language: str = "zh") -> dict[str, Any]:
    """Every figure of the big screen, JSON-ready (see the module docstring for definitions)."""
    figures = counts(session, now, zone)
    alerts_total, alerts = open_alerts(session, zone, language)
    return {
        "updated": now.astimezone(zone).strftime("%H:%M:%S"),
        "counts": figures,
        "rates": rates(session, now, figures),
        "regions": regions(session, now),
        "issues": hot_issues(session),
        "alerts_open": alerts_total,
        "alerts": alerts,
    }
