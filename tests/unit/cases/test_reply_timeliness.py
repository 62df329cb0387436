"""A reply's 时效 counts the office's working days by local dates (time probe, eighth round)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

from minyi.cases.calendar import WorkCalendar
from minyi.pipeline.reply_quality import ReplyQualityChecker

BEIJING = timezone(timedelta(hours=8))
REPLY = "您好，您反映的问题已安排人员处理，预计本周内修复完毕。感谢您的监督。"


def _check(received: datetime, replied: datetime, due: datetime | None = None):
    calendar = WorkCalendar(timezone="Asia/Shanghai")
    return ReplyQualityChecker().check(
        "路灯不亮", "路灯不亮", REPLY, received, replied, due, calendar=calendar
    )


def test_a_reply_the_morning_after_the_deadline_is_a_day_late():
    due = datetime(2026, 11, 10, 17, 30, tzinfo=BEIJING)
    replied = datetime(2026, 11, 11, 7, 0, tzinfo=BEIJING)  # 23:00 UTC on the 10th
    result = _check(datetime(2026, 11, 2, 9, 0, tzinfo=BEIJING), replied.astimezone(UTC), due.astimezone(UTC))
    assert result.days_late == 1


def test_national_day_is_not_worked_and_the_same_local_day_is_no_day():
    autumn = _check(datetime(2026, 9, 28, 9, 0, tzinfo=BEIJING), datetime(2026, 10, 9, 10, 0, tzinfo=BEIJING))
    assert autumn.working_days == 4  # 9-29, 9-30, 10-08 and 10-09 (国庆 off)
    early = datetime(2026, 11, 9, 6, 30, tzinfo=BEIJING)  # a Monday; Sunday 22:30 in UTC
    same_day = _check(early.astimezone(UTC), datetime(2026, 11, 9, 16, 0, tzinfo=BEIJING).astimezone(UTC))
    assert same_day.working_days == 0
