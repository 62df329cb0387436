"""Hourly message counts (and likes) per hot issue, category, region or overall, in SQL.

A message counts at the time it was written (``submitted_at``, which imports carry),
else when it was received, so importing last month's posts does not look like a burst
now. The query reads a bounded window: messages received since the window start (an
indexed filter; a message cannot be written after it was received), grouped by scope
key and by hour index (0 = the hour that ended at ``now``). It works on SQLite and
PostgreSQL: only the expression that turns a timestamp into seconds differs.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import ColumnElement, Integer, cast, func, literal, select
from sqlalchemy.orm import InstrumentedAttribute, Session

from minyi.alerts.models import Scope
from minyi.analysis.models import MessageAnalysis
from minyi.intake.models import Message

SECONDS_PER_HOUR = 3600
UNIX_EPOCH_JULIAN_DAY = 2440587.5
SECONDS_PER_DAY = 86400.0
ALL_KEY = "all"


@dataclass
class ScopeSeries:
    """Counts and likes per hour, newest first, for one scope key."""

    counts: list[int]
    likes: list[int]


@dataclass
class SeriesSet:
    """Every scope key's series for one scope kind, ``hours`` long."""

    scope: str
    hours: int
    series: dict[str, ScopeSeries] = field(default_factory=dict)


def _seconds(expression: Any, dialect: str) -> ColumnElement[Any]:
    """Seconds since 1970 of a timestamp column, on this dialect."""
    if dialect == "postgresql":
        return func.extract("epoch", expression)
    return (func.julianday(expression) - UNIX_EPOCH_JULIAN_DAY) * SECONDS_PER_DAY


def _floor(expression: ColumnElement[Any], dialect: str) -> ColumnElement[Any]:
    """The integer part of a non-negative number (PostgreSQL's CAST rounds, so floor first)."""
    if dialect == "postgresql":
        return cast(func.floor(expression), Integer)
    return cast(expression, Integer)


def scope_column(scope: str) -> ColumnElement[Any] | InstrumentedAttribute[Any]:
    """The column a scope groups by."""
    if scope == Scope.ISSUE:
        return MessageAnalysis.issue_id
    if scope == Scope.CATEGORY:
        return MessageAnalysis.category_id
    if scope == Scope.REGION:
        return Message.region
    return literal(ALL_KEY)


def hourly(session: Session, scope: str, now: datetime, hours: int) -> SeriesSet:
    """The last ``hours`` hourly counts and likes of every key of ``scope``, up to ``now``."""
    dialect = session.get_bind().dialect.name
    start = now - timedelta(hours=hours)
    written = func.coalesce(Message.submitted_at, Message.received_at)
    age = (now.timestamp() - _seconds(written, dialect)) / SECONDS_PER_HOUR
    key = scope_column(scope)
    inner = (
        select(key.label("key"), _floor(age, dialect).label("hour"), Message.likes.label("likes"))
        .select_from(Message)
        .where(Message.received_at >= start, written >= start, written <= now)
    )
    if scope in (Scope.ISSUE, Scope.CATEGORY):
        inner = inner.join(MessageAnalysis, MessageAnalysis.message_id == Message.id)
    if scope != Scope.ALL:
        inner = inner.where(key.is_not(None), key != "")
    rows = inner.subquery()
    query = select(rows.c.key, rows.c.hour, func.count(), func.coalesce(func.sum(rows.c.likes), 0)).group_by(
        rows.c.key, rows.c.hour
    )
    found: dict[str, ScopeSeries] = defaultdict(lambda: ScopeSeries([0] * hours, [0] * hours))
    for scope_key, hour, count, likes in session.execute(query):
        index = int(hour)
        if 0 <= index < hours:
            found[str(scope_key)].counts[index] += int(count)
            found[str(scope_key)].likes[index] += int(likes)
    return SeriesSet(scope=scope, hours=hours, series=dict(found))


def first_message_at(session: Session) -> datetime | None:
    """When the oldest stored message was received (the start of the history)."""
    return session.scalar(select(func.min(Message.received_at)))
