from __future__ import annotations

from datetime import UTC, datetime

from minyi.cases.deadlines import add_working_days


def test_weekends_are_skipped():
    friday = datetime(2026, 11, 20, 9, tzinfo=UTC)
    assert add_working_days(friday, 1) == datetime(2026, 11, 23, 9, tzinfo=UTC)
    assert add_working_days(friday, 5) == datetime(2026, 11, 27, 9, tzinfo=UTC)
    assert add_working_days(friday, 0) == friday
