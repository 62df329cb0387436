"""A supervision's own deadline (督办期限) on the office calendar, and what to tell of its move.

A supervisor picks a day (the page) or a moment (the API) for the department to answer by.
A day off was taken as given: due 17:30 on a Saturday, or on 2027-02-10 in 春节, and
escalated in the holiday (tenth probe, left open). Chinese rules for time limits move such a
deadline (期间届满的最后一日是节假日的，以节假日后的第一个工作日为期间届满的日期): it is due at
the end of the next working day of the office calendar, the calendar and end of day the
cases' own deadlines use (the holidays admins entered included). A deadline on a working day
stays as given. The move is never silent: the supervision's event keeps the day asked
(``due_asked``), and the page, the API and the history say it was moved and to when.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from minyi.cases.calendar import WorkCalendar
from minyi.cases.models import Case, EventAction
from minyi.core.localtime import format_time

#: What the supervisor reads when the day asked was a day off: Chinese, English.
MOVED_NOTICE = (
    "督办期限 {asked} 不是工作日，已顺延至下一个工作日 {due}。",
    "The supervision deadline {asked} is not a working day: moved to the next working day, {due}.",
)


@dataclass(frozen=True, slots=True)
class Move:
    """A supervision deadline asked on a day off, and the deadline set instead."""

    asked: datetime
    due: datetime


def on_working_day(calendar: WorkCalendar, asked: datetime) -> datetime:
    """``asked`` if its local date is a working day, else the end of the next working day.

    Returned in ``asked``'s timezone, as the cases' deadlines are.
    """
    day = calendar.local_date(asked)
    if calendar.is_working_day(day):
        return asked
    return calendar.add_working_days(asked, 0)  # 0 days: that day if it works, else the next one's end


def last_move(case: Case) -> Move | None:
    """The move of the case's latest supervision deadline, if it was asked on a day off."""
    supervised = [event for event in case.events if event.action == EventAction.SUPERVISED]
    if not supervised:
        return None
    payload = supervised[-1].payload or {}  # the events are in the order they happened
    asked, due = payload.get("due_asked"), payload.get("due_at")
    if not isinstance(asked, str) or not isinstance(due, str):
        return None
    return Move(datetime.fromisoformat(asked), datetime.fromisoformat(due))


def moved_notice(move: Move, language: str = "zh") -> str:
    """What the supervisor reads of ``move``, in Chinese, or in English for ``language="en"``."""
    zh, en = MOVED_NOTICE
    asked = format_time(move.asked, "%Y-%m-%d")
    return (en if language == "en" else zh).format(asked=asked, due=format_time(move.due))
