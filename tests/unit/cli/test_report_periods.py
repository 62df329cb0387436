"""``minyi report``'s default period at the year end (docs/security-probes.md, tenth probe)."""

from __future__ import annotations

from datetime import date

import pytest

from minyi.cli.report_commands import default_end


@pytest.mark.parametrize(
    ("today", "end"),
    [
        (date(2027, 1, 4), date(2027, 1, 3)),  # Monday: 2026-12-28 .. 2027-01-03 (ISO 2026-W53)
        (date(2027, 1, 5), date(2027, 1, 3)),  # a timer that fired late still sends that week
        (date(2027, 1, 10), date(2027, 1, 3)),  # Sunday: the week is not complete yet
        (date(2027, 1, 11), date(2027, 1, 10)),
    ],
)
def test_a_week_is_the_last_complete_monday_to_sunday(today, end):
    assert default_end("week", today) == end


def test_a_day_and_a_month_at_the_year_end():
    assert default_end("day", date(2027, 1, 1)) == date(2026, 12, 31)
    assert default_end("month", date(2027, 1, 1)) == date(2026, 12, 31)
    assert default_end("month", date(2027, 3, 1)) == date(2027, 2, 28)
    assert default_end("month", date(2028, 3, 1)) == date(2028, 2, 29)
