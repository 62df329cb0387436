"""Deadlines of urgent cases: hours on the clock, by urgent rules only, 2 hours by default."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from minyi.cases.deadlines import DEFAULT_URGENT_REPLY_HOURS, DeadlinePolicy, DeadlineRule

SH = ZoneInfo("Asia/Shanghai")
GAS = "城乡建设 / 燃气管理"


def test_an_urgent_case_is_due_two_clock_hours_later_even_at_night_and_on_a_sunday():
    assert DEFAULT_URGENT_REPLY_HOURS == 2
    sunday_night = datetime(2026, 11, 22, 23, 30, tzinfo=SH)
    policy = DeadlinePolicy([DeadlineRule(reply_working_days=5)])
    assert policy.reply_due(sunday_night, urgent=True) == sunday_night + timedelta(hours=2)
    assert policy.reply_due(sunday_night) == datetime(2026, 11, 27, 17, 30, tzinfo=SH)  # the ordinary rule


def test_urgent_rules_apply_to_urgent_cases_only_and_the_most_specific_wins():
    start = datetime(2026, 11, 21, 3, 0, tzinfo=SH)  # a Saturday, 03:00
    policy = DeadlinePolicy(
        [
            DeadlineRule(reply_hours=4, urgent=True),
            DeadlineRule(category_path_prefix=GAS, reply_hours=1, urgent=True),
            DeadlineRule(category_path_prefix=GAS, reply_working_days=3),
        ]
    )
    assert policy.reply_due(start, None, f"{GAS} / 燃气安全", urgent=True) == start + timedelta(hours=1)
    assert policy.reply_due(start, "help", "交通运输", urgent=True) == start + timedelta(hours=4)
    ordinary = policy.reply_due(start, None, f"{GAS} / 燃气安全")
    assert ordinary == policy.calendar.add_working_days(start, 3)  # the urgent rules do not apply


def test_an_urgent_rule_in_working_days_counts_working_days():
    start = datetime(2026, 11, 20, 10, 0, tzinfo=SH)
    policy = DeadlinePolicy([DeadlineRule(reply_working_days=1, urgent=True)])
    assert policy.reply_due(start, urgent=True) == policy.calendar.add_working_days(start, 1)
