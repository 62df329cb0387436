"""forecast_weekly on a real database: weekly counts by local week, categories rolled up, regions."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from minyi.accountability.forecast import default_end, forecast_weekly
from minyi.core.errors import InvalidInput
from minyi.demo import factories

# Mondays of four complete weeks, then the cut (2024-04-01 is a Monday).
CUT = date(2024, 4, 1)


def _at(day: date, hour: int) -> datetime:
    """``hour`` o'clock Beijing time on ``day``, as UTC."""
    return datetime(day.year, day.month, day.day, hour, tzinfo=UTC) - timedelta(hours=8)


@pytest.fixture
def history(session):
    roads = factories.make_category(session, name="交通运输")
    potholes = factories.make_category(session, name="道路坑洼", parent=roads)
    schools = factories.make_category(session, name="教育文体")
    plan = [  # (weeks before the cut, category, region, how many)
        (4, potholes, "A市A1区", 3),
        (3, roads, "A市A1区", 2),
        (3, schools, "A市A2区", 1),
        (2, potholes, "A市A2区", 4),
        (1, schools, "A市A1区", 2),
    ]
    number = 0
    for weeks_before, category, region, count in plan:
        for _ in range(count):
            number += 1
            monday = CUT - timedelta(weeks=weeks_before)
            factories.make_message(
                session,
                key=f"fc-{number}",
                process=False,
                category_id=category.id,
                region=region,
                submitted_at=_at(monday + timedelta(days=number % 7), 10),
            )
    # 01:00 Beijing time on the cut's Monday is still Sunday in UTC: it belongs to the cut's week.
    factories.make_message(session, key="fc-late", process=False, region="A市A1区", submitted_at=_at(CUT, 1))
    session.flush()
    return roads, schools


def test_weekly_counts_by_category_rolled_up_to_the_top_level(session, history):
    roads, _schools = history
    report = forecast_weekly(session, by="category", weeks=3, end=CUT + timedelta(days=2))
    assert report.history_weeks == [CUT - timedelta(weeks=n) for n in (4, 3, 2, 1)]
    assert report.forecast_weeks == [CUT, CUT + timedelta(weeks=1), CUT + timedelta(weeks=2)]
    total, *by_key = report.series
    assert total.key == "all"
    assert total.history == [3, 3, 4, 2]
    assert {(s.label, tuple(s.history)) for s in by_key} == {
        ("交通运输", (3, 2, 4, 0)),
        ("教育文体", (0, 1, 0, 2)),
    }
    assert by_key[0].key == roads.id  # the busiest first
    assert total.method == "mean"
    assert total.note == "short_history"
    assert all(v >= 0 for s in report.series for v in s.values)
    document = report.as_dict()
    assert document["weeks"] == ["2024-04-01", "2024-04-08", "2024-04-15"]
    assert document["series"][0]["history"][0] == {"week": "2024-03-04", "count": 3}
    assert set(document["series"][0]["error"]) == {"method", "mase", "mape", "origins"}


def test_by_region_and_the_working_days_of_the_forecast_weeks(session, history):
    report = forecast_weekly(session, by="region", weeks=2, end=CUT)
    regions = {s.label: s.history for s in report.series[1:]}
    assert regions == {"A市A1区": [3, 2, 0, 2], "A市A2区": [0, 1, 4, 0]}
    # The week of 1 April 2024 has 清明 (4-5 April off, Sunday 7 April worked): 4 working days.
    assert report.working_days == [4, 5]


def test_bad_options_name_the_field(session):
    with pytest.raises(InvalidInput) as caught:
        forecast_weekly(session, by="department", weeks=4)  # type: ignore[arg-type]
    assert caught.value.field == "by"
    with pytest.raises(InvalidInput) as caught:
        forecast_weekly(session, weeks=0)
    assert caught.value.field == "weeks"


def test_default_end_follows_a_stale_history(session, history):
    assert default_end(session, CUT + timedelta(days=3)) == CUT + timedelta(days=3)
    assert default_end(session, date(2025, 1, 1)) == CUT + timedelta(weeks=1)


def test_no_messages_forecasts_zero(session):
    report = forecast_weekly(session, by="category", weeks=2, end=CUT)
    assert [s.key for s in report.series] == ["all"]
    assert report.series[0].values == [0.0, 0.0]
