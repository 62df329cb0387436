"""The acceptance deadline (签收期限): set at dispatch, met or ended by signing for or 退单.

docs/security-probes.md, tenth probe, left open: ``DeadlineRule.accept_hours`` could be set
in code but nothing stored or checked an acceptance deadline.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from minyi.admin import services as admin
from minyi.cases import notices, queries, services, workflow
from minyi.cases.calendar import WorkCalendar
from minyi.cases.deadlines import DeadlinePolicy, DeadlineRule
from minyi.cases.models import CaseStatus, EventAction
from minyi.db.base import utcnow
from minyi.demo import factories
from minyi.notify.models import OutboxMessage
from minyi.settings import get_settings
from minyi.web.timeline_details import event_details

BEIJING = ZoneInfo("Asia/Shanghai")
FRIDAY_4PM = datetime(2026, 12, 4, 16, 0, tzinfo=BEIJING)


def test_accept_hours_count_working_hours_from_dispatch():
    policy = DeadlinePolicy([DeadlineRule(accept_hours=2)], calendar=WorkCalendar())
    # Friday 16:00 → 17:30 is 1.5 h; the last half hour on Monday morning
    assert policy.accept_due(FRIDAY_4PM) == datetime(2026, 12, 7, 9, 30, tzinfo=BEIJING)


def test_no_rule_no_acceptance_deadline_and_the_most_specific_rule_wins():
    policy = DeadlinePolicy(
        [DeadlineRule(accept_hours=8), DeadlineRule(appeal_kind="complaint", accept_hours=1)],
        calendar=WorkCalendar(),
    )
    assert DeadlinePolicy([DeadlineRule(reply_working_days=5)]).accept_due(FRIDAY_4PM) is None
    monday_10 = datetime(2026, 12, 7, 10, 0, tzinfo=BEIJING)
    assert policy.accept_due(monday_10, "complaint") == monday_10 + timedelta(hours=1)
    # 8 working hours: 2 + 4 on Monday (09:00–12:00, 13:30–17:30), 2 on Tuesday
    assert policy.accept_due(monday_10, "inquiry") == datetime(2026, 12, 8, 11, 0, tzinfo=BEIJING)


def test_urgent_cases_take_only_urgent_rules_in_clock_hours():
    policy = DeadlinePolicy(
        [DeadlineRule(accept_hours=2), DeadlineRule(accept_hours=0.5, urgent=True)], calendar=WorkCalendar()
    )
    saturday_night = datetime(2026, 12, 5, 23, 0, tzinfo=BEIJING)
    assert policy.accept_due(saturday_night, urgent=True) == saturday_night + timedelta(minutes=30)
    assert DeadlinePolicy([DeadlineRule(accept_hours=2)]).accept_due(saturday_night, urgent=True) is None


@pytest.mark.parametrize("hours", [0, -1, float("nan"), 24 * 60 + 1])
def test_a_rule_refuses_accept_hours_out_of_bounds_naming_the_field(hours):
    with pytest.raises(ValueError, match="accept_hours"):
        DeadlineRule(accept_hours=hours)


def test_the_admin_refusals_name_the_field(session):
    with pytest.raises(admin.AdminError, match="accept_hours is more than 0"):
        admin.add_rule(
            session,
            appeal_kind=None,
            category=None,
            reply_working_days=None,
            reply_hours=None,
            accept_hours=0,
        )
    with pytest.raises(admin.AdminError, match="accept_hours is a number of hours"):
        admin.parse_accept_hours("两小时")
    assert admin.parse_accept_hours(" ") is None


@pytest.fixture
def two_hours(session):
    """Every case: sign for within 2 working hours (a rule setting accept_hours alone)."""
    return admin.add_rule(
        session, appeal_kind=None, category=None, reply_working_days=None, reply_hours=None, accept_hours=2
    )


def _dispatched(session, dept, key="sign-1"):
    return factories.make_case(session, status="dispatched", department=dept, key=key)


def test_dispatch_stores_the_deadline_and_signing_for_it_ends_it(session, two_hours):
    dept = factories.make_department(session, code="SWJ", name="水务局")
    case = _dispatched(session, dept)
    assert case.sign_due_at is not None
    expected = WorkCalendar().add_working_hours(case.events[-1].created_at, 2)
    assert abs(case.sign_due_at - expected) < timedelta(seconds=1)
    assert case.due_at is not None  # the reply deadline as before (15 working days)
    staff = factories.make_user(session, username="swj", role="staff", department=dept)
    workflow.change_status(session, staff, case, CaseStatus.SIGNED.value)
    assert case.sign_due_at is None
    signed = case.events[-1]
    assert signed.payload["sign_late"] is False
    assert event_details(signed, "zh")[-1].startswith("按时签收")


def test_signing_late_is_kept_in_the_history(session, two_hours):
    dept = factories.make_department(session, code="SWJ", name="水务局")
    case = _dispatched(session, dept)
    case.sign_due_at = utcnow() - timedelta(minutes=5)
    staff = factories.make_user(session, username="swj", role="staff", department=dept)
    workflow.change_status(session, staff, case, CaseStatus.SIGNED.value)
    assert case.events[-1].payload["sign_late"] is True
    assert event_details(case.events[-1], "en")[-1].startswith("signed for late")


def test_return_ends_it_and_a_reassignment_starts_a_new_one(session, two_hours):
    water = factories.make_department(session, code="SWJ", name="水务局")
    roads = factories.make_department(session, code="JTJ", name="交通局")
    dispatcher = factories.make_user(session, username="fp", role="dispatcher")
    case = _dispatched(session, water)
    case.sign_due_at = utcnow() - timedelta(hours=1)
    services.dispatch(session, dispatcher, case, roads)  # 改派: the new department's clock
    assert case.sign_due_at is not None
    assert case.sign_due_at > utcnow()
    assert case.events[-1].action == EventAction.REASSIGNED
    staff = factories.make_user(session, username="jtj", role="staff", department=roads)
    workflow.return_case(session, staff, case, "不属于本单位职责")
    assert case.sign_due_at is None
    assert case.events[-1].payload["sign_late"] is False


def test_without_a_rule_there_is_none(session):
    dept = factories.make_department(session, code="SWJ", name="水务局")
    assert _dispatched(session, dept).sign_due_at is None  # no rule: off by default


def test_the_inbox_filter_counts_and_lists_cases_not_signed_for_in_time(session, two_hours):
    dept = factories.make_department(session, code="SWJ", name="水务局")
    late, in_time = _dispatched(session, dept, "late"), _dispatched(session, dept, "fine")
    late.sign_due_at = utcnow() - timedelta(minutes=1)
    signed = factories.make_case(session, status="signed", department=dept, key="signed")
    signed.sign_due_at = utcnow() - timedelta(hours=1)  # stale: a signed case is never 超时未签收
    session.flush()
    admin_user = factories.make_user(session, username="boss", role="admin")
    assert queries.due_counts(session, admin_user)["unsigned"] == 1
    items, total = queries.list_cases(session, admin_user, queries.CaseFilter(due="unsigned"))
    assert (items, total) == ([late], 1)
    assert queries.sign_overdue(late)
    assert not queries.sign_overdue(in_time)
    assert not queries.sign_overdue(signed)


def test_the_deadline_job_escalates_once_per_deadline(session, two_hours, monkeypatch):
    monkeypatch.setenv("MINYI_SUPERVISOR_EMAIL", "dubanchu@example.gov.cn")
    get_settings.cache_clear()
    try:
        dept = factories.make_department(session, code="SWJ", name="水务局")
        case = _dispatched(session, dept)
        case.sign_due_at = utcnow() - timedelta(minutes=1)
        session.flush()
        assert notices.remind(session) == (0, 1)
        assert notices.remind(session) == (0, 0)
        [sent] = session.query(OutboxMessage).filter(OutboxMessage.subject.like("超时未签收%")).all()
        assert sent.recipient == "dubanchu@example.gov.cn"
        assert "水务局" in sent.body
        assert case.number in sent.subject
    finally:
        get_settings.cache_clear()


def test_a_holiday_schedule_entered_later_recounts_a_pending_acceptance_deadline(session, two_hours):
    from minyi.cases import holiday_shift, holiday_store

    holiday_store.forget_cached()
    try:
        dept = factories.make_department(session, code="SWJ", name="水务局")
        case = _dispatched(session, dept)
        eve = datetime(2027, 2, 5, 16, 0, tzinfo=BEIJING)  # the Friday before 春节 2027
        [sent] = [e for e in case.events if e.action == EventAction.DISPATCHED]
        sent.created_at = eve
        case.sign_due_at = WorkCalendar().add_working_hours(eve, 2)  # 2027 not known yet: weekdays
        assert case.sign_due_at == datetime(2027, 2, 8, 9, 30, tzinfo=BEIJING)
        session.flush()
        schedule = "2027-02-06~2027-02-13,放假,春节\n2027-02-14,上班,春节调休"
        holiday_store.replace_year(session, 2027, holiday_store.parse_schedule(schedule, 2027))
        holiday_store.forget_cached()
        found = [r for r in holiday_shift.deadlines_to_recount(session, now=eve) if r.sign]
        assert [(r.case, r.due_after) for r in found] == [
            (case, datetime(2027, 2, 14, 9, 30, tzinfo=BEIJING))
        ]
        boss = factories.make_user(session, username="boss", role="admin")
        holiday_shift.shift_to_working_days(session, boss, now=eve)
        assert case.sign_due_at == datetime(2027, 2, 14, 9, 30, tzinfo=BEIJING)
        moved = case.events[-1]
        assert moved.action == EventAction.DEADLINE_MOVED
        assert moved.payload["deadline"] == "sign"
        assert event_details(moved, "zh")[0].startswith("签收期限")
    finally:
        holiday_store.forget_cached()


def test_a_dispatched_case_made_urgent_takes_the_urgent_time_to_sign_for(session, two_hours):
    admin.add_rule(
        session,
        appeal_kind=None,
        category=None,
        reply_working_days=None,
        reply_hours=None,
        accept_hours=0.5,
        urgent=True,
    )
    dept = factories.make_department(session, code="RQB", name="燃气办")
    case = _dispatched(session, dept)
    before = case.sign_due_at
    services.mark_urgent(session, case, "燃气泄漏")
    assert case.sign_due_at is not None
    assert before is not None
    assert case.sign_due_at < before
    assert case.sign_due_at - utcnow() <= timedelta(minutes=30)
