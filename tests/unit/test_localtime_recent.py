"""Short dates in lists (core.localtime.format_recent): another year is written out."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from minyi.core.localtime import format_recent, local


def test_this_years_date_is_short_and_another_years_has_its_year():
    now = datetime.now(UTC)
    this_year = local(now).replace(month=1, day=1, hour=12, minute=0)
    other_year = this_year - timedelta(days=2)  # 12-30 of the year before
    assert format_recent(this_year, "%m-%d") == "01-01"
    assert format_recent(other_year, "%m-%d") == f"{other_year.year}-12-30"
    assert format_recent(other_year) == f"{other_year.year}-12-30 12:00"
    assert format_recent(None) == ""


def test_the_year_is_the_offices_not_utcs():
    """16:30 UTC on 12-31 is already 01-01 in Beijing: this year's for an office there in January."""
    year = local(datetime.now(UTC)).year
    new_year_in_beijing = datetime(year - 1, 12, 31, 16, 30, tzinfo=UTC)
    assert format_recent(new_year_in_beijing, "%m-%d %H:%M") == "01-01 00:30"
