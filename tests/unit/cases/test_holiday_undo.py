"""A holiday schedule entered by mistake, recounted, then corrected: the recount can be undone.

docs/security-probes.md, eleventh probe, left open: a recount never moved a deadline
earlier, so a month of days off entered by mistake and recounted kept every moved case's
later deadline (overdue ones out of "overdue") after the schedule was removed.
"""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from minyi.admin import services as admin
from minyi.cases import holiday_shift, holiday_store
from minyi.cases.calendar import WorkCalendar
from minyi.cases.models import EventAction
from minyi.demo import factories
from minyi.web.timeline_details import event_details

BEIJING = ZoneInfo("Asia/Shanghai")
MISTAKE = "2027-03-08~2027-03-12,放假,误录"  # a week of March typed as days off
ACCEPTED = datetime(2027, 3, 1, 10, 0, tzinfo=BEIJING)
ORIGINAL = WorkCalendar().add_working_days(ACCEPTED, 15)
#: The recount, the correction and its recount: all on 03-03, the deadlines still ahead.
EARLY = datetime(2027, 3, 3, 10, 0, tzinfo=BEIJING)


@pytest.fixture(autouse=True)
def _fresh_calendar():
    holiday_store.forget_cached()
    yield
    holiday_store.forget_cached()


@pytest.fixture
def people(session):
    dept = factories.make_department(session, code="CGJ", name="城管局")
    return {"dept": dept, "admin": factories.make_user(session, username="boss", role="admin")}


def _case(session, dept):
    case = factories.make_case(session, status="signed", department=dept)
    case.accepted_at, case.due_at = ACCEPTED, ORIGINAL
    session.flush()
    return case


def _schedule(session, text: str) -> None:
    holiday_store.replace_year(session, 2027, holiday_store.parse_schedule(text, 2027) if text else {})
    holiday_store.forget_cached()


def _recounted_by_mistake(session, people):
    case = _case(session, people["dept"])
    _schedule(session, MISTAKE)
    assert holiday_shift.shift_to_working_days(session, people["admin"], now=EARLY) == 1
    assert case.due_at == WorkCalendar().add_working_days(ORIGINAL, 5)  # five days later
    return case


def test_removing_the_year_offers_the_moved_case_earlier_and_the_recount_takes_it_back(session, people):
    case = _recounted_by_mistake(session, people)
    mistaken = case.due_at
    _schedule(session, "")  # the year's entries removed on the page
    [found] = holiday_shift.deadlines_to_recount(session, now=EARLY)
    assert (found.case, found.earlier, found.due_before, found.due_after) == (case, True, mistaken, ORIGINAL)
    listed = holiday_shift.listing_key([found])
    assert holiday_shift.shift_to_working_days(session, people["admin"], now=EARLY, listed=listed) == 1
    assert case.due_at == ORIGINAL
    moved = [e for e in case.events if e.action == EventAction.DEADLINE_MOVED][-1]
    assert (moved.payload["earlier"], moved.payload["overdue_again"]) == (True, False)
    assert event_details(moved, "zh") == [
        f"期限至 {ORIGINAL:%Y-%m-%d %H:%M}",
        f"节假日安排更正后期限提前（原期限 {mistaken:%Y-%m-%d %H:%M}）",
    ]
    assert holiday_shift.deadlines_to_recount(session, now=EARLY) == []  # once


def test_a_case_whose_original_deadline_has_passed_is_overdue_again_and_says_so(session, people):
    case = _recounted_by_mistake(session, people)
    _schedule(session, "")
    later = datetime(2027, 3, 23, 9, 0, tzinfo=BEIJING)  # after the original deadline, before the moved one
    assert ORIGINAL < later < case.due_at
    assert holiday_shift.shift_to_working_days(session, people["admin"], now=later) == 1
    moved = [e for e in case.events if e.action == EventAction.DEADLINE_MOVED][-1]
    assert moved.payload["overdue_again"] is True
    assert event_details(moved, "en")[-1] == "overdue again"


def test_a_corrected_schedule_takes_back_only_the_days_it_no_longer_has(session, people):
    case = _recounted_by_mistake(session, people)
    _schedule(session, "2027-03-08,放假,误录")  # one day of the five was right
    [found] = holiday_shift.deadlines_to_recount(session, now=EARLY)
    assert found.earlier
    assert found.due_after == WorkCalendar().add_working_days(ORIGINAL, 1)
    assert case.due_at > found.due_after


def test_a_deadline_something_else_set_since_is_left_alone(session, people):
    case = _recounted_by_mistake(session, people)
    case.due_at = WorkCalendar().add_working_days(case.due_at, 3)  # an extension approved since
    _schedule(session, "")
    assert holiday_shift.deadlines_to_recount(session, now=EARLY) == []


def test_an_answered_case_is_left_alone(session, people):
    case = _recounted_by_mistake(session, people)
    case.status = "replied"
    session.flush()
    _schedule(session, "")
    assert holiday_shift.deadlines_to_recount(session, now=EARLY) == []


def test_never_before_the_deadline_the_case_had_before_its_first_recount(session, people):
    """A shorter rule added since would replay earlier still: that is not the schedule's doing."""
    case = _recounted_by_mistake(session, people)
    admin.add_rule(session, appeal_kind=None, category=None, reply_working_days=5, reply_hours=None)
    _schedule(session, "")
    [found] = holiday_shift.deadlines_to_recount(session, now=EARLY)
    assert (found.case, found.due_after) == (case, ORIGINAL)


def test_a_case_never_recounted_is_never_moved_earlier(session, people):
    case = _case(session, people["dept"])
    admin.add_rule(session, appeal_kind=None, category=None, reply_working_days=5, reply_hours=None)
    assert holiday_shift.deadlines_to_recount(session, now=EARLY) == []
    assert case.due_at == ORIGINAL


def test_a_case_whose_deadline_was_taken_away_since_is_left_alone(session, people):
    """A kind corrected to praise (表扬) has no deadline: the page must still open."""
    case = _recounted_by_mistake(session, people)
    case.due_at = None
    session.flush()
    _schedule(session, "")
    assert holiday_shift.deadlines_to_recount(session, now=EARLY) == []
