"""The leadership's small left-open items in plain words (docs/briefings.md, docs/security-probes.md).

A briefing written late forecasts the weeks ahead of its writing, and says which; seven days
that are not Monday to Sunday are not titled 周报.
"""

from __future__ import annotations

import html
import re
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from minyi.accountability import briefing
from minyi.demo import factories
from minyi.web.briefing import render_html, title_of

BEIJING = ZoneInfo("Asia/Shanghai")
WRITTEN_LATE = datetime(2026, 12, 8, 10, 0, tzinfo=BEIJING)  # a Tuesday


def _text(page: str) -> str:
    page = re.sub(r"<style.*?</style>", "", page, flags=re.DOTALL)
    return html.unescape(re.sub(r"<[^>]+>", " ", page))


def _weeks_of_messages(session, world, weeks: int = 8) -> None:
    """Messages on the Wednesday of each of the ``weeks`` weeks before 2026-12-07."""
    for n in range(1, weeks + 1):
        day = date(2026, 12, 9) - timedelta(weeks=n)
        for k in range(3 + n % 3):
            factories.make_case(
                session,
                status="dispatched",
                category=world.road_category,
                key=f"w{n}-{k}",
                submitted_at=datetime.combine(day, datetime.min.time(), BEIJING)
                .replace(hour=9 + k)
                .isoformat(),
            )
    session.flush()


def test_the_forecast_starts_with_the_week_written_in_or_after_the_period() -> None:
    november = briefing.period_of("month", date(2026, 11, 30), BEIJING)
    assert briefing.forecast_from(november, date(2026, 12, 8)) == date(2026, 12, 8)  # late: now
    week = briefing.period_of("week", date(2026, 12, 6), BEIJING)
    assert briefing.forecast_from(week, date(2026, 12, 7)) == date(2026, 12, 7)  # on time: as before
    assert briefing.forecast_from(week, date(2026, 12, 6)) == date(2026, 12, 7)


def test_a_late_briefing_forecasts_the_weeks_ahead_and_says_which(session, world):
    """November's briefing written on 12-08 forecasts 12-07 to 01-03, not the known week of 11-30."""
    _weeks_of_messages(session, world)
    month = briefing.assemble(session, "month", date(2026, 11, 30), BEIJING, now=WRITTEN_LATE)
    assert month.forecast is not None
    assert month.forecast.weeks
    starts = [w.week_start for w in month.forecast.weeks]
    assert starts == [date(2026, 12, 7) + timedelta(weeks=n) for n in range(4)]
    text = _text(render_html(month, "zh", site_name="民意"))
    assert "预测 2026-12-07 至 2027-01-03 这四周（从简报生成时所在的一周算起" in text
    assert "其中第一周在简报生成时已过去 1 天" in text
    english = _text(render_html(month, "en", site_name="Minyi"))
    assert "The forecast covers 2026-12-07 to 2027-01-03" in english
    assert "1 day(s) of the first week had passed" in english


def test_a_briefing_written_on_time_forecasts_from_the_week_after_its_period(session, world):
    _weeks_of_messages(session, world)
    monday = datetime(2026, 12, 7, 8, 0, tzinfo=BEIJING)
    week = briefing.assemble(session, "week", date(2026, 12, 6), BEIJING, now=monday)
    assert week.forecast is not None
    assert week.forecast.weeks[0].week_start == date(2026, 12, 7)
    text = _text(render_html(week, "zh", site_name="民意"))
    assert "预测 2026-12-07 至 2027-01-03 这四周" in text
    assert "已过去" not in text  # nothing of the first week had passed


def test_seven_days_not_monday_to_sunday_are_titled_by_their_dates_not_weekly(session, world):
    wednesday = datetime(2026, 12, 9, 10, 0, tzinfo=BEIJING)
    days = briefing.assemble(session, "week", date(2026, 12, 9), BEIJING, now=wednesday)
    assert title_of(days, "zh") == "民意简报（近 7 日）"
    assert title_of(days, "en") == "Seven-day briefing"
    page = _text(render_html(days, "zh", site_name="民意"))
    assert "民意周报" not in page
    assert "民意简报（近 7 日）" in page
    assert "2026-12-03 — 2026-12-09" in page
    week = briefing.assemble(session, "week", date(2026, 12, 6), BEIJING, now=wednesday)
    assert title_of(week, "zh") == "民意周报"
