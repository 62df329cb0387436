"""Deadlines, reminders and the calendar at the year end (docs/security-probes.md, tenth probe)."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest

from minyi.cases import holiday_store
from minyi.cases.notices import remind
from minyi.demo import factories
from minyi.notify.models import OutboxMessage
from minyi.settings import get_settings

BEIJING = ZoneInfo("Asia/Shanghai")
SPRING_FESTIVAL_2027 = "2027-02-06~2027-02-13,放假,春节\n2027-02-14,上班,春节调休"


@pytest.fixture(autouse=True)
def _fresh_calendar():
    """The office calendar is cached per database; each test's entries roll back with it."""
    holiday_store.forget_cached()
    get_settings.cache_clear()
    yield
    holiday_store.forget_cached()
    get_settings.cache_clear()


@pytest.fixture
def roads(session, monkeypatch):
    monkeypatch.setenv("MINYI_SUPERVISOR_EMAIL", "dubanchu@example.gov.cn")
    dept = factories.make_department(session, code="JTJ", name="交通运输局")
    dept.contact_email = "jtj@example.gov.cn"
    return dept


def _reminders(session, case):
    return [m for m in session.query(OutboxMessage).all() if m.subject == f"即将到期：{case.number}"]


def test_a_monday_deadline_is_reminded_on_the_friday(session, roads):
    """48 clock hours reminded nobody on Friday: the reminder went out on Saturday at 17:30."""
    case = factories.make_case(session, status="signed", department=roads)
    case.due_at = datetime(2026, 12, 14, 17, 30, tzinfo=BEIJING)  # a Monday
    friday_morning = datetime(2026, 12, 11, 9, 0, tzinfo=BEIJING)
    assert remind(session, now=friday_morning) == (1, 0)
    assert len(_reminders(session, case)) == 1
    assert remind(session, now=friday_morning) == (0, 0)  # once per deadline


def test_the_first_day_after_spring_festival_is_reminded_before_it(session, roads):
    """Due on the first day back: reminded on the last working day before 春节, not during it."""
    holiday_store.replace_year(session, 2027, holiday_store.parse_schedule(SPRING_FESTIVAL_2027, 2027))
    case = factories.make_case(session, status="signed", department=roads)
    case.due_at = datetime(2027, 2, 15, 17, 30, tzinfo=BEIJING)
    assert remind(session, now=datetime(2027, 2, 4, 9, 0, tzinfo=BEIJING)) == (
        0,
        0,
    )  # three working days ahead
    assert remind(session, now=datetime(2027, 2, 5, 9, 0, tzinfo=BEIJING)) == (1, 0)  # 5th, 14th (调休), 15th


def test_clock_hours_still_work_when_asked(session, roads):
    case = factories.make_case(session, status="signed", department=roads)
    case.due_at = datetime(2026, 12, 14, 17, 30, tzinfo=BEIJING)
    assert remind(session, now=datetime(2026, 12, 11, 9, 0, tzinfo=BEIJING), soon_hours=48) == (0, 0)
    assert remind(session, now=datetime(2026, 12, 12, 18, 0, tzinfo=BEIJING), soon_hours=48) == (1, 0)


def test_a_same_day_deadline_is_never_before_the_case_came():
    """0 working days from 23:30 gave 17:30 that day: overdue six hours before it arrived."""
    from minyi.cases.calendar import WorkCalendar

    calendar = WorkCalendar()
    late_evening = datetime(2026, 12, 30, 23, 30, tzinfo=BEIJING)  # a Wednesday
    assert calendar.add_working_days(late_evening, 0) == datetime(2026, 12, 31, 17, 30, tzinfo=BEIJING)
    morning = datetime(2026, 12, 30, 9, 0, tzinfo=BEIJING)
    assert calendar.add_working_days(morning, 0) == datetime(2026, 12, 30, 17, 30, tzinfo=BEIJING)
    assert calendar.add_working_days(late_evening, 1) == datetime(2026, 12, 31, 17, 30, tzinfo=BEIJING)
    new_years_eve = datetime(2026, 12, 31, 18, 0, tzinfo=BEIJING)  # 元旦 next: due the Monday
    assert calendar.add_working_days(new_years_eve, 0) == datetime(2027, 1, 4, 17, 30, tzinfo=BEIJING)


def test_a_schedule_in_the_holidays_file_is_offered_for_recount(session, roads, tmp_path, monkeypatch):
    """A year put in MINYI_HOLIDAYS_FILE recounted nothing: 春节 deadlines got only 顺延, a day early."""
    from minyi.cases import holiday_shift
    from minyi.cases.calendar import WorkCalendar, default_calendar

    accepted = datetime(2027, 1, 20, 10, 0, tzinfo=BEIJING)
    case = factories.make_case(session, status="signed", department=roads)
    case.accepted_at = accepted
    case.due_at = WorkCalendar().add_working_days(accepted, 15)  # counted before the file: weekdays only
    assert case.due_at == datetime(2027, 2, 10, 17, 30, tzinfo=BEIJING)  # in 春节
    session.flush()
    schedule = tmp_path / "holidays.csv"
    schedule.write_text(SPRING_FESTIVAL_2027 + "\n", encoding="utf-8")
    monkeypatch.setenv("MINYI_HOLIDAYS_FILE", str(schedule))
    default_calendar.cache_clear()
    holiday_store.forget_cached()
    try:
        found = {r.case.id: r for r in holiday_shift.deadlines_to_recount(session)}
    finally:
        monkeypatch.delenv("MINYI_HOLIDAYS_FILE")
        default_calendar.cache_clear()
    # Jan 21-22, 25-29, Feb 1-5 (12), 14 (调休), 15, 16: not the 14th, the first day back
    assert found[case.id].due_after == datetime(2027, 2, 16, 17, 30, tzinfo=BEIJING)


def test_hours_on_working_days_skip_weekends_and_spring_festival():
    """The sign-for limit (签收): 24 hours stop over days off."""
    from minyi.cases.calendar import WorkCalendar
    from minyi.cases.holiday_lines import parse_lines

    calendar = WorkCalendar(overrides=parse_lines(SPRING_FESTIVAL_2027))
    friday = datetime(2026, 12, 11, 16, 0, tzinfo=BEIJING)
    assert calendar.add_hours_on_working_days(friday, 24) == datetime(2026, 12, 14, 16, 0, tzinfo=BEIJING)
    assert calendar.add_hours_on_working_days(friday, 2) == datetime(2026, 12, 11, 18, 0, tzinfo=BEIJING)
    saturday = datetime(2026, 12, 12, 10, 0, tzinfo=BEIJING)
    assert calendar.add_hours_on_working_days(saturday, 24) == datetime(2026, 12, 15, 0, 0, tzinfo=BEIJING)
    eve = datetime(2027, 2, 5, 16, 0, tzinfo=BEIJING)  # the 14th is a make-up working Sunday
    assert calendar.add_hours_on_working_days(eve, 24) == datetime(2027, 2, 14, 16, 0, tzinfo=BEIJING)
    utc_in = friday.astimezone(ZoneInfo("UTC"))
    assert calendar.add_hours_on_working_days(utc_in, 24).tzinfo == utc_in.tzinfo
    with pytest.raises(ValueError, match="not negative"):
        calendar.add_hours_on_working_days(friday, -1)


def test_the_office_calendar_is_kept_while_the_entries_are_the_same(session, monkeypatch, caplog):
    """Made again every 30 s, it warned again of an unentered year each time (log spam)."""
    from minyi.cases.calendar import WorkCalendar

    holiday_store.replace_year(session, 2027, holiday_store.parse_schedule(SPRING_FESTIVAL_2027, 2027))
    monkeypatch.setattr(holiday_store, "REFRESH_SECONDS", 0.0)  # every call reads the entries again
    first = holiday_store.office_calendar(session)
    assert isinstance(first, WorkCalendar)
    with caplog.at_level("WARNING", logger="minyi.cases.calendar"):
        for _ in range(3):
            calendar = holiday_store.office_calendar(session)
            assert calendar is first
            calendar.is_working_day(date(2028, 3, 1))
    assert len([r for r in caplog.records if "2028" in r.getMessage()]) == 1
    holiday_store.replace_year(session, 2027, holiday_store.parse_schedule("2027-02-06,放假,春节", 2027))
    assert holiday_store.office_calendar(session) is not first  # changed entries: a new calendar
