from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest

from minyi.cases.calendar import WorkCalendar
from minyi.cases.deadlines import (
    DEFAULT_REPLY_WORKING_DAYS,
    DeadlinePolicy,
    DeadlineRule,
    add_working_days,
)
from minyi.cases.models import AppealKind
from minyi.departments.models import Category

SH = ZoneInfo("Asia/Shanghai")
ROADS = "城乡建设 / 道路"
LAMPS = "城乡建设 / 道路 / 路灯"


def sh(year, month, day, hour=0, minute=0):
    return datetime(year, month, day, hour, minute, tzinfo=SH)


# --- the module-level function current callers use -------------------------------------


def test_add_working_days_skips_weekends_and_is_due_at_end_of_day():
    friday = datetime(2026, 11, 20, 9, tzinfo=UTC)  # 17:00 in Shanghai
    assert add_working_days(friday, 1) == datetime(2026, 11, 23, 9, 30, tzinfo=UTC)  # Mon 17:30 local
    assert add_working_days(friday, 5) == datetime(2026, 11, 27, 9, 30, tzinfo=UTC)
    assert add_working_days(friday, 0) == datetime(2026, 11, 20, 9, 30, tzinfo=UTC)
    assert add_working_days(friday, 1).tzinfo is UTC


def test_add_working_days_skips_statutory_holidays():
    assert DEFAULT_REPLY_WORKING_DAYS == 15
    accepted = datetime(2026, 9, 30, 8, tzinfo=UTC)  # 16:00 in Shanghai, last day before 国庆节
    assert add_working_days(accepted, 1) == sh(2026, 10, 8, 17, 30)
    assert add_working_days(accepted, DEFAULT_REPLY_WORKING_DAYS) == sh(2026, 10, 27, 17, 30)


# --- rules and their precedence --------------------------------------------------------


@pytest.fixture
def policy():
    return DeadlinePolicy(
        [
            DeadlineRule(appeal_kind=AppealKind.COMPLAINT, reply_working_days=10),
            DeadlineRule(category_path_prefix="城乡建设", reply_working_days=7),
            DeadlineRule(category_path_prefix=ROADS, reply_working_days=5),
            DeadlineRule(appeal_kind="complaint", category_path_prefix=ROADS, reply_working_days=3),
        ]
    )


@pytest.mark.parametrize(
    ("kind", "path", "days"),
    [
        ("complaint", LAMPS, 3),  # longest prefix and the kind
        ("inquiry", LAMPS, 5),  # longest prefix
        ("inquiry", ROADS, 5),  # the prefix itself matches
        ("complaint", "城乡建设 / 供水", 7),  # a category rule beats an appeal-kind rule
        ("complaint", "城乡建设 / 道路交通", 7),  # prefixes match whole levels only
        ("complaint", "教育", 10),  # only the appeal kind matches
        ("complaint", None, 10),
        ("inquiry", "教育", DEFAULT_REPLY_WORKING_DAYS),  # nothing matches: the default
        (None, None, DEFAULT_REPLY_WORKING_DAYS),
        ("inquiry", "城乡建设/道路/路灯", 5),  # separators without spaces
    ],
)
def test_the_most_specific_rule_wins(policy, kind, path, days):
    start = sh(2026, 11, 18, 10)
    assert policy.reply_due(start, kind, path) == policy.calendar.add_working_days(start, days)
    rule = policy.reply_rule(kind, path)
    assert (rule.reply_working_days if rule else DEFAULT_REPLY_WORKING_DAYS) == days


def test_the_separator_is_the_category_trees():
    assert Category.PATH_SEPARATOR.strip() == "/"


def test_among_equal_rules_the_first_wins():
    first = DeadlineRule(category_path_prefix=ROADS, reply_working_days=4)
    second = DeadlineRule(category_path_prefix=ROADS, reply_working_days=6)
    assert DeadlinePolicy([first, second]).reply_rule(None, LAMPS) is first
    assert DeadlinePolicy([second, first]).reply_rule(None, LAMPS) is second


def test_a_catch_all_rule_beats_only_the_default():
    catch_all = DeadlineRule(reply_working_days=20)
    kind_rule = DeadlineRule(appeal_kind="help", reply_working_days=8)
    policy = DeadlinePolicy([catch_all, kind_rule], default_days=30)
    assert policy.reply_rule("inquiry", "教育") is catch_all
    assert policy.reply_rule("help", "教育") is kind_rule
    assert policy.reply_due(sh(2026, 9, 30, 16)) == sh(2026, 11, 3, 17, 30)  # 20, not 30, days


def test_default_days_without_rules():
    policy = DeadlinePolicy(default_days=5)
    assert policy.reply_due(sh(2026, 9, 30, 16), "inquiry", "教育") == sh(2026, 10, 13, 17, 30)


def test_emergency_rules_count_hours():
    rules = [DeadlineRule(category_path_prefix="公共安全", reply_hours=4, accept_hours=0.5)]
    start = sh(2026, 11, 20, 16)  # Friday
    policy = DeadlinePolicy(rules, calendar=WorkCalendar())
    assert policy.reply_due(start, "help", "公共安全 / 燃气") == sh(
        2026, 11, 23, 11, 30
    )  # 1.5 h Fri, 2.5 h Mon
    assert policy.accept_due(start, "help", "公共安全 / 燃气") == sh(2026, 11, 20, 16, 30)
    round_the_clock = DeadlinePolicy(rules, calendar=WorkCalendar(emergency_calendar=True))
    assert round_the_clock.reply_due(start, "help", "公共安全 / 燃气") == sh(2026, 11, 20, 20)


def test_each_deadline_comes_from_the_most_specific_rule_that_sets_it():
    broad = DeadlineRule(category_path_prefix="城乡建设", reply_working_days=7, accept_hours=4)
    narrow = DeadlineRule(category_path_prefix=ROADS, accept_hours=1)
    policy = DeadlinePolicy([broad, narrow])
    start = sh(2026, 11, 18, 10)
    assert policy.reply_rule("inquiry", LAMPS) is broad
    assert policy.reply_due(start, "inquiry", LAMPS) == sh(2026, 11, 27, 17, 30)
    assert policy.accept_due(start, "inquiry", LAMPS) == sh(2026, 11, 18, 11)
    assert policy.accept_due(start, "inquiry", "城乡建设 / 供水") == sh(2026, 11, 18, 15, 30)
    assert policy.accept_due(start, "inquiry", "教育") is None


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"appeal_kind": "rant", "reply_working_days": 3}, "rant"),
        ({"reply_working_days": 3, "reply_hours": 4}, "not both"),
        ({"appeal_kind": "help"}, "sets reply_working_days"),
        ({"reply_working_days": -1}, "not negative"),
        ({"reply_hours": float("nan")}, "finite"),
        ({"category_path_prefix": " ", "reply_working_days": 3}, "category path"),
    ],
)
def test_bad_rules_are_rejected(kwargs, message):
    with pytest.raises(ValueError, match=message):
        DeadlineRule(**kwargs)


def test_negative_default_days_are_rejected():
    with pytest.raises(ValueError, match="not negative"):
        DeadlinePolicy(default_days=-1)


# --- due soon and overdue --------------------------------------------------------------


def test_due_soon_counts_working_days_not_calendar_days():
    policy = DeadlinePolicy()
    due = sh(2026, 10, 13, 17, 30)  # 5 working days after 30 Sep
    assert not policy.due_soon(due, sh(2026, 10, 9, 10))  # 10, 12, 13 Oct: 3 working days
    assert policy.due_soon(due, sh(2026, 10, 9, 10), within_working_days=3)
    assert policy.due_soon(due, sh(2026, 10, 10, 10))  # 12, 13 Oct
    assert policy.due_soon(due, sh(2026, 10, 13, 17))  # today
    assert not policy.due_soon(due, sh(2026, 10, 13, 18))  # overdue, not due soon
    # Eight calendar days away, but only one working day: the holiday week does not count.
    assert policy.due_soon(sh(2026, 10, 8, 17, 30), sh(2026, 9, 30, 16), within_working_days=1)


@pytest.mark.parametrize(
    ("now", "days"),
    [
        (sh(2026, 10, 8, 17), 0),  # before the deadline
        (sh(2026, 10, 8, 17, 30), 0),  # at the deadline
        (sh(2026, 10, 8, 18), 1),  # late on the due day
        (sh(2026, 10, 9, 10), 1),
        (sh(2026, 10, 10, 10), 2),  # the adjusted working Saturday counts
        (sh(2026, 10, 11, 10), 2),  # Sunday does not
        (sh(2026, 10, 12, 10), 3),
        (datetime(2026, 10, 11, 16, tzinfo=UTC), 3),  # Monday 00:00 in Shanghai
    ],
)
def test_overdue_by(now, days):
    policy = DeadlinePolicy()
    due = sh(2026, 10, 8, 17, 30)
    assert policy.overdue_by(due, now) == days
    assert policy.is_overdue(due, now) is (days > 0)


def test_overdue_across_a_holiday():
    policy = DeadlinePolicy()
    due = sh(2026, 9, 30, 17, 30)
    assert policy.overdue_by(due, sh(2026, 10, 7, 12)) == 1  # late, though no working day has passed
    assert policy.overdue_by(due, sh(2026, 10, 8, 12)) == 1
    assert policy.overdue_by(due, sh(2026, 10, 9, 12)) == 2
