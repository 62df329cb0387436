"""Demand forecast: weekly message volume per category or region for the next weeks.

The API other parts use (the CLI, ``/api/v1/public/forecast``, the dashboard page and the
briefing) is one function::

    report = forecast_weekly(session, by="category", weeks=4, end=date(2020, 1, 1))
    report.series[0].values       # the total first, then the busiest keys
    report.as_dict()              # JSON-ready

Weeks run Monday to Sunday in local time (``MINYI_TIMEZONE``). A message counts in the
week it was written (``submitted_at``, which imports carry), else received. The history is
the complete weeks before the week of ``end``; the forecast covers that week and the
following ones. A category is the case's, else the classifier's, else the one the citizen
chose, rolled up to the top level of the tree; a region is the message's region field.
Counts only, never who wrote: the result is aggregate and topic-level, safe to publish.

The method, its baselines and error measures are in
:mod:`minyi.accountability.forecast_methods` (pure functions on the weekly counts); the
working days of each week come from the office calendar the reply deadlines use
(:func:`minyi.cases.holiday_store.office_calendar`: the statutory calendar, the holidays
file, and the holidays and 调休 days admins enter on ``/staff/admin``), so a week an admin
declares a holiday is forecast as the shorter week it will be.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta, tzinfo
from typing import Any, Literal

import numpy as np
from sqlalchemy import ColumnElement, Integer, cast, func, literal_column, select
from sqlalchemy import case as sql_case
from sqlalchemy.orm import Session

from minyi.accountability import forecast_methods as methods
from minyi.accountability.regions import public_region
from minyi.analysis.models import MessageAnalysis
from minyi.cases.calendar import WorkCalendar, default_calendar
from minyi.cases.holiday_store import office_calendar
from minyi.cases.models import Case
from minyi.core.errors import InvalidInput
from minyi.departments.models import Category
from minyi.intake.models import Message

__all__ = ["BYS", "By", "ForecastReport", "SeriesForecast", "default_end", "forecast_weekly", "weekly_counts"]

By = Literal["category", "region"]
BYS: tuple[By, ...] = ("category", "region")
MAX_WEEKS = 12
FIRST_END, LAST_END = date(2000, 1, 1), date(2100, 12, 31)  # dates a forecast can be cut at
HISTORY_WEEKS = 156  # three years: enough for the yearly index, bounded for speed
STALE_WEEKS = 8  # no message for this long: the default end follows the history
TOTAL_KEY = "all"
SECONDS_PER_DAY = 86400
EPOCH = date(1970, 1, 1)
INTERVAL_ORIGINS = 4  # backtest origins needed before the interval comes from backtest errors
INTERVAL_QUANTILE = 80


@dataclass(frozen=True, slots=True)
class SeriesForecast:
    """One series: its weekly history, the forecast with an 80 % interval, and its backtest."""

    key: str
    label: str
    history: list[int]
    values: list[float]
    lower: list[float]
    upper: list[float]
    method: str
    error: methods.Backtest
    baselines: list[methods.Backtest]
    note: str | None = None

    def as_dict(self, history_weeks: list[date], forecast_weeks: list[date]) -> dict[str, Any]:
        """JSON-ready, each week by its Monday."""
        return {
            "key": self.key,
            "label": self.label,
            "method": self.method,
            "note": self.note,
            "history": [
                {"week": w.isoformat(), "count": c} for w, c in zip(history_weeks, self.history, strict=True)
            ],
            "forecast": [
                {"week": w.isoformat(), "value": v, "lower": lo, "upper": hi}
                for w, v, lo, hi in zip(forecast_weeks, self.values, self.lower, self.upper, strict=True)
            ],
            "error": _error_dict(self.error),
            "baselines": [_error_dict(b) for b in self.baselines],
        }


def _error_dict(result: methods.Backtest) -> dict[str, Any]:
    return {"method": result.method, "mase": result.mase, "mape": result.mape, "origins": result.origins}


@dataclass(frozen=True, slots=True)
class ForecastReport:
    """Every series' forecast for one grouping and period."""

    by: By
    end: date
    history_weeks: list[date]
    forecast_weeks: list[date]
    working_days: list[int]
    series: list[SeriesForecast] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        """JSON-ready: the weeks, their working days and every series."""
        return {
            "by": self.by,
            "end": self.end.isoformat(),
            "weeks": [w.isoformat() for w in self.forecast_weeks],
            "working_days": self.working_days,
            "history_weeks": len(self.history_weeks),
            "series": [s.as_dict(self.history_weeks, self.forecast_weeks) for s in self.series],
        }


def monday(day: date) -> date:
    """The Monday of ``day``'s week."""
    return day - timedelta(days=day.weekday())


def working_days(calendar: WorkCalendar, weeks: list[date]) -> list[int]:
    """How many working days each week (by its Monday) has on ``calendar`` (调休 included)."""
    return [sum(calendar.is_working_day(w + timedelta(days=d)) for d in range(7)) for w in weeks]


def _offset_at(zone: tzinfo, instant: datetime) -> int:
    """The zone's UTC offset at ``instant``, in seconds."""
    return int((instant.astimezone(zone).utcoffset() or timedelta()).total_seconds())


def offset_spans(zone: tzinfo, since: datetime, until: datetime) -> list[tuple[int, int]]:
    """The zone's UTC offsets from ``since`` to ``until``: (from this epoch second, offset) pairs.

    One pair for a zone without daylight saving time (Asia/Shanghai); for one with it, a pair
    more at each change (Europe/Berlin: two a year), found to the second by halving the day
    it falls in. The first pair starts at ``since``.
    """
    spans = [(int(since.timestamp()), _offset_at(zone, since))]
    day = since
    while day < until:
        following = min(day + timedelta(days=1), until)
        if _offset_at(zone, following) != spans[-1][1]:
            low, high = int(day.timestamp()), int(following.timestamp())  # offset changes in (low, high]
            while high - low > 1:
                middle = (low + high) // 2
                if _offset_at(zone, datetime.fromtimestamp(middle, UTC)) == spans[-1][1]:
                    low = middle
                else:
                    high = middle
            spans.append((high, _offset_at(zone, following)))
        day = following
    return spans


def _local_day(written: Any, dialect: str, spans: list[tuple[int, int]]) -> ColumnElement[Any]:
    """Days since 1970-01-01 of a UTC timestamp column, in the local time of ``spans``.

    The offset is the one in force at each message's own time (a ``CASE`` over the zone's
    changes, :func:`offset_spans`), the same on both databases: one fixed offset (the cut's)
    put an hour of messages on the wrong day half the year in a zone with daylight saving
    time (tenth probe). Without changes the expression is the plain offset, as before. The
    ``CASE`` compares the stored time itself (a string on SQLite: cheap), and SQLite's seconds
    are whole (``strftime('%s')``): ``julianday`` is a float, and a message at local midnight
    read 1711295999.99998 s, the day before. Measured on 500,000 rows of SQLite (a busy
    2-core host): 1.9–2.5 s before, 2.8–3.3 s now, Asia/Shanghai and Europe/Berlin alike
    (``strftime`` costs more than ``julianday``; the ``CASE`` almost nothing); the forecast
    is cached per process.
    """
    if dialect == "postgresql":
        seconds: Any = func.extract("epoch", written)
    else:
        seconds = cast(func.strftime("%s", written), Integer)
    offset: Any = literal_column(str(int(spans[0][1])))
    if len(spans) > 1:
        changes: list[tuple[Any, Any]] = [
            (written < datetime.fromtimestamp(start, UTC), literal_column(str(int(before))))
            for (start, _), (_, before) in zip(spans[1:], spans, strict=False)
        ]
        offset = sql_case(*changes, else_=literal_column(str(int(spans[-1][1]))))
    if dialect == "postgresql":
        return cast(func.floor((seconds + offset) / SECONDS_PER_DAY), Integer)
    return cast((seconds + offset) / SECONDS_PER_DAY, Integer)


def _key_column(by: By) -> Any:
    if by == "region":
        return func.trim(Message.region)
    return func.coalesce(Case.category_id, MessageAnalysis.category_id, Message.requested_category_id)


def weekly_counts(
    session: Session, *, by: By, start: date, cut: date, calendar: WorkCalendar
) -> dict[str, dict[date, int]]:
    """Messages per key and week (by Monday), for weeks from ``start`` up to before ``cut``.

    Aggregated in SQL by local day, so that a large history returns few rows.
    """
    zone = calendar.timezone
    since = datetime.combine(start, datetime.min.time(), tzinfo=zone).astimezone(UTC)
    until = datetime.combine(cut, datetime.min.time(), tzinfo=zone).astimezone(UTC)
    written = func.coalesce(Message.submitted_at, Message.received_at)
    spans = offset_spans(zone, since, until)
    day = _local_day(written, session.get_bind().dialect.name, spans).label("day")
    key = _key_column(by).label("key")
    inner = (
        select(key, day)
        .select_from(Message)
        .outerjoin(Case, Case.id == Message.case_id)
        .outerjoin(MessageAnalysis, MessageAnalysis.message_id == Message.id)
        .where(Message.received_at >= since, written >= since, written < until)
    ).subquery()
    query = select(inner.c.key, inner.c.day, func.count()).group_by(inner.c.key, inner.c.day)
    found: dict[str, dict[date, int]] = defaultdict(lambda: defaultdict(int))
    for raw_key, day_number, count in session.execute(query):
        week = monday(EPOCH + timedelta(days=int(day_number)))
        found[str(raw_key) if raw_key else ""][week] += int(count)
    return found


def _top_categories(session: Session) -> dict[str, tuple[str, str]]:
    """Category id → (its top-level category's id, that one's name)."""
    rows = session.execute(select(Category.id, Category.parent_id, Category.name)).all()
    parents = {row.id: row.parent_id for row in rows}
    names = {row.id: row.name for row in rows}
    tops = {}
    for category_id in parents:
        top, seen = category_id, 0
        while parents.get(top) and seen < len(parents):
            top, seen = parents[top], seen + 1
        tops[category_id] = (top, names[top])
    return tops


def _grouped(
    session: Session, by: By, raw: dict[str, dict[date, int]]
) -> tuple[dict[str, dict[date, int]], dict[str, str]]:
    """Raw keys rolled up (categories to the top level); labels by key. No key: none counted apart."""
    labels: dict[str, str] = {}
    grouped: dict[str, dict[date, int]] = defaultdict(lambda: defaultdict(int))
    tops = _top_categories(session) if by == "category" else {}
    for found_key, weeks in raw.items():
        # a region is shown only if it reads as an area (never a private message's free text)
        raw_key = public_region(found_key) if by == "region" else found_key
        if not raw_key:
            continue
        key, label = tops.get(raw_key, (raw_key, raw_key))
        labels[key] = label
        for week, count in weeks.items():
            grouped[key][week] += count
    return grouped, labels


def default_end(session: Session, today: date) -> date:
    """``today``, or the week after the last message when none came for :data:`STALE_WEEKS` weeks.

    An imported history (e.g. 2019's messages) then gets a forecast from where it ends,
    not a row of zeros since.
    """
    written = func.coalesce(Message.submitted_at, Message.received_at)
    latest = session.scalar(select(func.max(written)))
    if latest is None:
        return today
    if latest.tzinfo is None:
        latest = latest.replace(tzinfo=UTC)
    last_day = latest.astimezone(default_calendar().timezone).date()
    if last_day >= today - timedelta(weeks=STALE_WEEKS):
        return today
    return monday(last_day) + timedelta(weeks=1)


def forecast_weekly(  # noqa: PLR0913 - keyword-only options of the one API
    session: Session,
    *,
    by: By = "category",
    weeks: int = 4,
    end: date | None = None,
    limit: int = 12,
    calendar: WorkCalendar | None = None,
) -> ForecastReport:
    """Forecast the next ``weeks`` weeks of the total and of the ``limit`` busiest keys of ``by``.

    ``end`` (default: :func:`default_end` of today) sets the cut: complete weeks before the
    week of ``end`` are the history, that week and the following are forecast. Each series
    carries its rolling-origin backtest beside the naive and seasonal-naive baselines.

    Raises:
        InvalidInput: ``by``, ``weeks`` or ``end`` out of range (naming the field).
    """
    if by not in BYS:
        raise InvalidInput(f"by: one of {', '.join(BYS)}", field="by")
    if not 1 <= weeks <= MAX_WEEKS:
        raise InvalidInput(f"weeks: a whole number from 1 to {MAX_WEEKS}", field="weeks")
    if end is not None and not FIRST_END <= end <= LAST_END:
        raise InvalidInput(f"end: a date from {FIRST_END} to {LAST_END}", field="end")
    calendar = calendar or office_calendar(session)  # with the holidays admins entered
    end = end or default_end(session, datetime.now(calendar.timezone).date())
    cut = monday(end)
    raw = weekly_counts(
        session, by=by, start=cut - timedelta(weeks=HISTORY_WEEKS), cut=cut, calendar=calendar
    )
    grouped, labels = _grouped(session, by, raw)
    first = min((w for series in raw.values() for w in series), default=cut)
    history_weeks = [first + timedelta(weeks=n) for n in range((cut - first).days // 7)]
    future_weeks = [cut + timedelta(weeks=n) for n in range(weeks)]
    past_wd, future_wd = working_days(calendar, history_weeks), working_days(calendar, future_weeks)
    total: dict[date, int] = defaultdict(int)
    for series in raw.values():
        for week, count in series.items():
            total[week] += count
    ranked = sorted(grouped, key=lambda k: (-sum(grouped[k].values()), labels[k]))[:limit]
    chosen = [(TOTAL_KEY, "", total), *((k, labels[k], grouped[k]) for k in ranked)]
    forecasts = [
        _one(
            key,
            label,
            [series.get(w, 0) for w in history_weeks],
            history_weeks,
            past_wd,
            future_weeks,
            future_wd,
        )
        for key, label, series in chosen
    ]
    return ForecastReport(by, end, history_weeks, future_weeks, future_wd, forecasts)


def _one(  # noqa: PLR0913, PLR0917 - one series and its calendar
    key: str,
    label: str,
    counts: list[int],
    weeks: list[date],
    working: list[int],
    future_weeks: list[date],
    future_working: list[int],
) -> SeriesForecast:
    """Fit, backtest and bound one series."""
    horizon = len(future_weeks)
    result = methods.fit(counts, working, future_working, weeks, future_weeks)
    error = methods.backtest(counts, working, weeks, method="wd-holt", horizon=horizon)
    baselines = [
        methods.backtest(counts, working, weeks, method=m, horizon=horizon)
        for m in ("naive", "seasonal-naive")
    ]
    lower, upper = result.lower, result.upper
    if error.origins >= INTERVAL_ORIGINS:
        own = [u - v for u, v in zip(result.upper, result.values, strict=True)]
        spread = [
            float(np.percentile(errors, INTERVAL_QUANTILE)) if errors else fallback
            for errors, fallback in zip(error.abs_errors_by_horizon, own, strict=True)
        ]
        lower = [round(max(v - s, 0.0), 2) for v, s in zip(result.values, spread, strict=True)]
        upper = [round(v + s, 2) for v, s in zip(result.values, spread, strict=True)]
    note = "short_history" if result.method == "mean" else None
    return SeriesForecast(
        key, label, counts, result.values, lower, upper, result.method, error, baselines, note
    )
