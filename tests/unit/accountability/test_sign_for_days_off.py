"""The sign-for limit (签收) stops over weekends and holidays (docs/security-probes.md, tenth probe)."""

from __future__ import annotations

from datetime import datetime, timedelta
from types import SimpleNamespace
from zoneinfo import ZoneInfo

from minyi.accountability.facts import Rules, sign_counts
from minyi.accountability.sign_for import Holding
from minyi.cases.calendar import WorkCalendar
from minyi.cases.deadlines import DeadlinePolicy

BEIJING = ZoneInfo("Asia/Shanghai")


def _rules(now: datetime) -> Rules:
    policy = DeadlinePolicy(calendar=WorkCalendar())
    return Rules(now=now, sign_for=timedelta(hours=24), policy=policy, zone=BEIJING, roots={}, paths={})


def _counts(dispatched, signed, now) -> tuple[int, int]:
    """(counted, on time) of one dispatch to one department, signed for at ``signed`` (or not)."""
    row = SimpleNamespace(
        dispatched=dispatched,
        signed=signed,
        first_reply=None,
        appeal_kind="complaint",
        urgent=False,
        category_id=None,
    )
    held = [Holding("D", dispatched, end=signed, acted=signed is not None)]
    [(department, due, on_time)] = sign_counts(row, _rules(now), held)
    assert department == "D"
    return due, on_time


def test_a_friday_afternoon_dispatch_signed_on_monday_morning_is_on_time():
    friday = datetime(2026, 12, 11, 16, 0, tzinfo=BEIJING)
    monday = datetime(2026, 12, 14, 9, 0, tzinfo=BEIJING)
    assert _counts(friday, monday, monday) == (1, 1)
    tuesday = datetime(2026, 12, 15, 9, 0, tzinfo=BEIJING)
    assert _counts(friday, tuesday, tuesday) == (1, 0)


def test_an_unsigned_case_turns_late_only_after_24_hours_of_working_days():
    friday = datetime(2026, 12, 11, 16, 0, tzinfo=BEIJING)
    dispatched = friday.replace(tzinfo=None) - timedelta(hours=8)  # naive: read as UTC
    assert _counts(dispatched, None, datetime(2026, 12, 13, 20, 0, tzinfo=BEIJING)) == (
        0,
        0,
    )  # Sunday: not yet
    assert _counts(dispatched, None, datetime(2026, 12, 14, 16, 1, tzinfo=BEIJING)) == (1, 0)
