"""The forecast counts working days on the office calendar: holidays admins enter count."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta

import pytest

from minyi.accountability import forecast_cache
from minyi.accountability.forecast import forecast_weekly
from minyi.cases import holiday_store
from minyi.demo import factories

CUT = date(2024, 4, 1)  # a Monday; the week has 清明 (4-5 April off, Sunday 7 April worked)


@pytest.fixture(autouse=True)
def _fresh_calendars() -> Iterator[None]:
    """The stored entries roll back with the test; the cached calendar and forecasts must too."""
    holiday_store.forget_cached()
    forecast_cache.clear()
    yield
    holiday_store.forget_cached()
    forecast_cache.clear()


@pytest.fixture
def history(session):
    for weeks_before in range(1, 9):
        for n in range(5):
            day = CUT - timedelta(weeks=weeks_before) + timedelta(days=n)
            factories.make_message(
                session,
                key=f"fh-{weeks_before}-{n}",
                process=False,
                region="A市A1区",
                submitted_at=datetime(day.year, day.month, day.day, 2, tzinfo=UTC),
            )
    session.flush()


def _enter(session, text: str) -> None:
    """What the admin page does with a schedule typed for 2024."""
    holiday_store.replace_year(session, 2024, holiday_store.parse_schedule(text, 2024))


def test_a_holiday_entered_by_an_admin_shortens_the_forecast_week(session, history):
    before = forecast_weekly(session, by="region", weeks=2, end=CUT)
    assert before.working_days == [4, 5]
    _enter(session, "2024-04-08~2024-04-09,放假,台风停工")
    after = forecast_weekly(session, by="region", weeks=2, end=CUT)
    assert after.working_days == [4, 3]


def test_a_workday_entered_by_an_admin_lengthens_it(session, history):
    _enter(session, "2024-04-13,上班,调休")
    assert forecast_weekly(session, by="region", weeks=2, end=CUT).working_days == [4, 6]


def test_the_cached_forecast_sees_an_entered_holiday(session, history):
    first = forecast_cache.cached_forecast(session, by="region", weeks=2, end=CUT)
    _enter(session, "2024-04-08,放假,台风停工")
    again = forecast_cache.cached_forecast(session, by="region", weeks=2, end=CUT)
    assert (first.working_days, again.working_days) == ([4, 5], [4, 4])
