"""The annual briefing's period (民意年报): the calendar year up to its last day, compared with the year before."""

from __future__ import annotations

from datetime import date
from zoneinfo import ZoneInfo

from minyi.accountability.briefing import period_of
from minyi.cli.report_commands import default_end

TZ = ZoneInfo("Asia/Shanghai")


def test_a_year_is_the_calendar_year_in_local_time_and_its_predecessor_the_year_before():
    year = period_of("year", date(2026, 12, 31), TZ)
    assert (year.first, year.last) == (date(2026, 1, 1), date(2026, 12, 31))
    assert year.start.isoformat() == "2026-01-01T00:00:00+08:00"
    assert year.end.isoformat() == "2027-01-01T00:00:00+08:00"
    before = year.previous(TZ)
    assert (before.first, before.last) == (date(2025, 1, 1), date(2025, 12, 31))


def test_a_year_so_far_is_compared_with_the_same_days_of_the_year_before():
    before = period_of("year", date(2028, 2, 29), TZ).previous(TZ)  # a leap day: 02-28 the year before
    assert (before.first, before.last) == (date(2027, 1, 1), date(2027, 2, 28))
    assert period_of("year", date(2027, 3, 15), TZ).previous(TZ).last == date(2026, 3, 15)


def test_the_last_complete_year_is_last_year_even_on_new_years_day():
    assert default_end("year", date(2027, 1, 1)) == date(2026, 12, 31)
    assert default_end("year", date(2026, 12, 31)) == date(2025, 12, 31)
