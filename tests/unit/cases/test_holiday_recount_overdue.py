"""A holiday schedule entered late recounts the deadlines that already passed in it.

docs/security-probes.md, tenth probe, left open: a schedule entered during 春节 left the
cases due in it overdue (and escalated) although the office did not work those days; the
recount on /staff/admin looked only at deadlines still ahead.
"""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from minyi.cases import holiday_shift, holiday_store
from minyi.cases.calendar import WorkCalendar
from minyi.cases.models import EventAction
from minyi.demo import factories
from minyi.web.timeline_details import event_details

BEIJING = ZoneInfo("Asia/Shanghai")
SPRING_FESTIVAL_2027 = "2027-02-06~2027-02-13,放假,春节\n2027-02-14,上班,春节调休"
#: The schedule is entered on the fourth day of 春节, the day after a deadline in it.
ENTERED = datetime(2027, 2, 11, 10, 0, tzinfo=BEIJING)


@pytest.fixture(autouse=True)
def _fresh_calendar():
    """The office calendar is cached per database; each test's entries roll back with it."""
    holiday_store.forget_cached()
    yield
    holiday_store.forget_cached()


@pytest.fixture
def people(session):
    dept = factories.make_department(session, code="CGJ", name="城管局")
    return {"dept": dept, "admin": factories.make_user(session, username="boss", role="admin")}


def _accepted(session, dept, when: datetime, due: datetime | None = None):
    """A signed case accepted at ``when``, its deadline counted before 2027 was entered."""
    case = factories.make_case(session, status="signed", department=dept)
    case.accepted_at = when
    case.due_at = due or WorkCalendar().add_working_days(when, 15)  # the weekdays-only fallback
    session.flush()
    return case


def _enter_2027(session):
    holiday_store.replace_year(session, 2027, holiday_store.parse_schedule(SPRING_FESTIVAL_2027, 2027))
    holiday_store.forget_cached()


def test_a_deadline_passed_in_the_holiday_is_recounted_and_no_longer_overdue(session, people):
    case = _accepted(session, people["dept"], datetime(2027, 1, 20, 10, 0, tzinfo=BEIJING))
    assert case.due_at == datetime(2027, 2, 10, 17, 30, tzinfo=BEIJING)  # in 春节, passed when entered
    _enter_2027(session)
    [found] = holiday_shift.deadlines_to_recount(session, now=ENTERED)
    assert found.case is case
    assert found.was_overdue
    # Jan 21-22, 25-29, Feb 1-5 (12), 14 (调休), 15, 16: as if it had been entered in December
    assert found.due_after == datetime(2027, 2, 16, 17, 30, tzinfo=BEIJING)
    assert holiday_shift.shift_to_working_days(session, people["admin"], now=ENTERED) == 1
    assert case.due_at > ENTERED  # no longer overdue
    moved = [e for e in case.events if e.action == EventAction.DEADLINE_MOVED][-1]
    assert moved.payload["was_overdue"] is True
    assert datetime.fromisoformat(moved.payload["due_before"]) == datetime(
        2027, 2, 10, 17, 30, tzinfo=BEIJING
    )
    assert event_details(moved, "zh") == ["期限至 2027-02-16 17:30", "原已超期，按节假日安排重新计算"]
    assert event_details(moved, "en")[1] == "was overdue; recounted with the holidays"
    assert holiday_shift.deadlines_to_recount(session, now=ENTERED) == []  # once


def test_an_overdue_case_whose_period_has_no_entered_day_off_stays_overdue(session, people):
    before_the_holiday = _accepted(session, people["dept"], datetime(2027, 1, 13, 10, 0, tzinfo=BEIJING))
    assert before_the_holiday.due_at == datetime(2027, 2, 3, 17, 30, tzinfo=BEIJING)
    on_a_weekend = _accepted(
        session,
        people["dept"],
        datetime(2027, 1, 4, 10, 0, tzinfo=BEIJING),
        due=datetime(2027, 1, 16, 17, 30, tzinfo=BEIJING),  # a Saturday, set by hand: not the schedule's
    )
    _enter_2027(session)
    listed = [found.case for found in holiday_shift.deadlines_to_recount(session, now=ENTERED)]
    assert before_the_holiday not in listed
    assert on_a_weekend not in listed


def test_deadlines_ahead_are_recounted_as_before(session, people):
    case = _accepted(session, people["dept"], datetime(2027, 1, 20, 10, 0, tzinfo=BEIJING))
    _enter_2027(session)
    december = datetime(2026, 12, 20, 10, 0, tzinfo=BEIJING)
    [found] = holiday_shift.deadlines_to_recount(session, now=december)
    assert (found.case, found.due_after, found.was_overdue) == (
        case,
        datetime(2027, 2, 16, 17, 30, tzinfo=BEIJING),
        False,
    )
    holiday_shift.shift_to_working_days(session, people["admin"], now=december)
    moved = [e for e in case.events if e.action == EventAction.DEADLINE_MOVED][-1]
    assert "was_overdue" not in moved.payload
    assert event_details(moved, "zh") == ["期限至 2027-02-16 17:30"]


def test_an_overdue_case_is_not_recounted_for_a_rule_lengthened_since(session, people):
    """20 working days now, 15 when it was counted: the schedule only moves it off 春节 (顺延)."""
    from minyi.cases.models import DeadlineRuleRecord

    case = _accepted(session, people["dept"], datetime(2027, 1, 20, 10, 0, tzinfo=BEIJING))
    session.add(DeadlineRuleRecord(reply_working_days=20))
    _enter_2027(session)
    [found] = holiday_shift.deadlines_to_recount(session, now=ENTERED)
    assert found.case is case
    assert found.due_after == datetime(2027, 2, 14, 17, 30, tzinfo=BEIJING)  # the day back, not 02-23
