"""Where a briefing's figures come from: the public scorecard's definitions, and the forecast.

A briefing defines no figure of its own. Its 诉求量, 签收及时率, 响应率, 按期办结率, 解决率,
满意率, 重办率 and 答复用时中位数 are the scorecard's (:mod:`minyi.accountability.definitions`),
counted case by case with the scorecard's own code (:func:`minyi.accountability.facts.count_case`)
over the cases that **arrived** in the period (dated by their first message, merged cases
counted once). The scorecard table is per month; a briefing of a day or a week, and one asked
before ``minyi stats refresh`` ran, needs the same counts for any period, so they are counted
here from the cases, live, with the same rules. A month's briefing therefore shows the month's
figures of the public dashboard (as of the moment it is written).

The demand forecast is :func:`minyi.accountability.forecast.forecast_weekly`'s.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import date, datetime

from sqlalchemy.orm import Session

from minyi.accountability import facts, refresh, sign_for
from minyi.accountability.forecast import FIRST_END, LAST_END, forecast_weekly
from minyi.accountability.scorecard import Row, names

UNASSIGNED = ("未派单", "Not dispatched")  # as the dashboard names it
FORECAST_WEEKS = 4


def judging_rules(session: Session, sign_for_hours: float, now: datetime) -> facts.Rules:
    """The rules the scorecard judges cases by (limits, deadline rules, time zone), as of ``now``."""
    return refresh.make_rules(session, sign_for_hours, now)


@dataclass
class Tally:
    """The counts of the cases that arrived in one period.

    Attributes:
        departments: Department id ('' for none) → counts in :data:`facts.INDEX` order.
        arrivals: When each counted case arrived (for the per-day chart).
        categories: Top-level category id → cases.
    """

    departments: dict[str, list[int]] = field(default_factory=dict)
    arrivals: list[datetime] = field(default_factory=list)
    categories: Counter[str] = field(default_factory=Counter)


def tally(session: Session, start: datetime, end: datetime, rules: facts.Rules) -> Tally:
    """Count every case that arrived in ``[start, end)`` by the scorecard's definitions."""
    found = Tally()
    for row, held in sign_for.with_holdings(session, facts.stream_facts(session, [(start, end)])):
        key = facts.key_of(row, rules)
        arrival = row.arrival or row.created_at
        if key is None or not start <= arrival < end:
            continue  # merged into another case, or a candidate that arrived outside the period
        facts.count_into(
            row, rules, held, lambda department: found.departments.setdefault(department, [0] * facts.WIDTH)
        )
        found.arrivals.append(arrival)
        found.categories[key[3]] += 1
    return found


def _row(key: str, labels: tuple[str, str], counts: list[int]) -> Row:
    return Row(key, labels[0], labels[1], dict(zip(facts.INDEX, counts, strict=True)))


def total_row(found: Tally) -> Row:
    """The period's figures, all departments together (counts summed, then divided)."""
    summed = [sum(column) for column in zip(*found.departments.values(), strict=True)]
    return _row("", ("合计", "Total"), summed or [0] * facts.WIDTH)


def department_rows(session: Session, found: Tally) -> list[Row]:
    """One row per department, largest volume first; cases without a department last."""
    known = names(session, "department")
    rows = [
        _row(key, known.get(key, (key, key)) if key else UNASSIGNED, counts)
        for key, counts in found.departments.items()
    ]
    return sorted(rows, key=lambda row: (not row.key, -row.volume, row.label_zh))


def category_counts(session: Session, found: Tally, limit: int) -> list[tuple[str, str, int]]:
    """The busiest top-level categories: (Chinese name, English name, cases)."""
    known = names(session, "category")
    ranked = sorted(((n, key) for key, n in found.categories.items() if key), key=lambda p: (-p[0], p[1]))
    return [(*known.get(key, (key, key)), n) for n, key in ranked[:limit]]


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
    forecast's MASE, beside the seasonal-naive forecast's. None without any history, and
    for a period the forecast cannot be cut at (before 2000 or after 2100).
    """
    if not FIRST_END <= after <= LAST_END:
        return None
    report = forecast_weekly(session, by="category", weeks=FORECAST_WEEKS, end=after, limit=0)
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
