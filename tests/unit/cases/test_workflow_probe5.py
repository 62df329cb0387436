"""The 12345 workflow as the supervisor's probe found it (docs/security-probes.md, fifth probe)."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from minyi.cases import holiday_store, workflow
from minyi.cases.events import CaseError
from minyi.cases.models import CaseEvent, EventAction
from minyi.cases.notices import remind
from minyi.cases.replies import add_reply
from minyi.cases.services import dispatch
from minyi.core.errors import InvalidInput
from minyi.db.base import utcnow
from minyi.demo import factories
from minyi.notify.models import OutboxMessage
from minyi.web.timeline_details import event_details

BEIJING = ZoneInfo("Asia/Shanghai")


@pytest.fixture(autouse=True)
def _fresh_calendar():
    """The office calendar is cached per database; each test's entries roll back with it."""
    holiday_store.forget_cached()
    yield
    holiday_store.forget_cached()


@pytest.fixture
def people(session):
    dept = factories.make_department(session, code="CGJ", name="城管局")
    return {
        "dept": dept,
        "staff": factories.make_user(session, username="cgj", department=dept),
        "supervisor": factories.make_user(session, username="sup", role="supervisor"),
        "admin": factories.make_user(session, username="boss", role="admin"),
        "dispatcher": factories.make_user(session, username="disp", role="dispatcher"),
    }


def test_an_approved_extension_counts_the_holidays_an_admin_entered(session, people):
    schedule = "2027-02-06~2027-02-13,放假,春节\n2027-02-14,上班,春节调休"
    holiday_store.replace_year(session, 2027, holiday_store.parse_schedule(schedule, 2027))
    case = factories.make_case(session, status="signed", department=people["dept"])
    case.due_at = datetime(2027, 2, 4, 17, 30, tzinfo=BEIJING)  # a Thursday
    request = workflow.request_extension(session, people["staff"], case, 3, "需要协调多个部门")
    workflow.decide_extension(session, people["supervisor"], request, approve=True, note="同意")
    # Fri 5 (1), 6–13 off, Sun 14 a make-up workday (2), Mon 15 (3); it said the 9th, a holiday
    assert case.due_at.astimezone(BEIJING) == datetime(2027, 2, 15, 17, 30, tzinfo=BEIJING)
    decided = [e for e in case.events if e.action == EventAction.EXTENSION_DECIDED][-1]
    assert event_details(decided, "zh") == ["批准", "3 个工作日", "期限至 2027-02-15 17:30"]
    assert decided.payload["note"] == "同意"


def test_whoever_asked_cannot_decide_and_a_lapsed_request_cannot_be_approved(session, people):
    case = factories.make_case(session, status="signed", department=people["dept"])
    asked_by_admin = workflow.request_extension(session, people["admin"], case, 2, "等待检测结果")
    with pytest.raises(workflow.WorkflowForbidden):
        workflow.decide_extension(session, people["admin"], asked_by_admin, approve=True)
    add_reply(
        session, people["staff"], case, "您好，问题已处理完毕，感谢您的反映。", public=True, min_score=0
    )
    with pytest.raises(workflow.WorkflowError, match="lapsed"):
        workflow.decide_extension(session, people["supervisor"], asked_by_admin, approve=True)


def test_a_supervision_deadline_in_the_past_or_years_ahead_is_refused(session, people):
    case = factories.make_case(session, status="signed", department=people["dept"])
    for due in (utcnow() - timedelta(days=1), datetime(9999, 12, 31, tzinfo=BEIJING)):
        with pytest.raises(InvalidInput) as refused:
            workflow.supervise(session, people["supervisor"], case, "请加快办理", due)
        assert refused.value.field == "due_at"
    due = utcnow() + timedelta(days=3)
    workflow.supervise(session, people["supervisor"], case, "请加快办理", due)
    supervised = [e for e in case.events if e.action == EventAction.SUPERVISED][-1]
    assert event_details(supervised, "zh")[0] == "督办意见：请加快办理"
    assert event_details(supervised, "en")[1].startswith("due ")


def test_a_reopen_by_staff_needs_a_reason(session, people):
    case = factories.make_case(session, status="replied", department=people["dept"])
    with pytest.raises(workflow.WorkflowError, match="why"):
        workflow.reopen(session, case, "   ", user=people["admin"])


def test_dispatching_to_the_same_department_again_is_refused(session, people):
    case = factories.make_case(session, status="dispatched", department=people["dept"])
    before = len(case.events)
    with pytest.raises(CaseError, match="already dispatched"):
        dispatch(session, people["dispatcher"], case, people["dept"])
    assert len(case.events) == before


def test_an_overdue_case_still_at_the_dispatch_desk_is_escalated(session, people, monkeypatch):
    monkeypatch.setenv("MINYI_SUPERVISOR_EMAIL", "duban@gov.example")
    from minyi.settings import get_settings

    get_settings.cache_clear()
    try:
        case = factories.make_case(session, status="accepted")
        case.due_at = utcnow() - timedelta(hours=1)
        session.flush()
        _, escalations = remind(session)
        assert escalations >= 1
        sent = session.query(OutboxMessage).filter(OutboxMessage.case_id == case.id).all()
        assert any("超期未派单" in (m.subject or "") for m in sent)
        assert session.query(CaseEvent).filter(CaseEvent.case_id == case.id).count() >= 1
    finally:
        get_settings.cache_clear()


def test_deadlines_on_a_newly_entered_holiday_are_listed_and_moved_on_request(session, people):
    from minyi.cases import holiday_shift

    case = factories.make_case(session, status="signed", department=people["dept"])
    case.due_at = datetime(2027, 2, 9, 17, 30, tzinfo=BEIJING)  # set before 2027 was entered
    session.flush()
    assert case not in holiday_shift.deadlines_on_days_off(session)  # the built-in calendar: a Tuesday
    schedule = "2027-02-06~2027-02-13,放假,春节\n2027-02-14,上班,春节调休"
    holiday_store.replace_year(session, 2027, holiday_store.parse_schedule(schedule, 2027))
    assert holiday_shift.deadlines_on_days_off(session) == [case]
    assert holiday_shift.shift_to_working_days(session, people["admin"]) == 1
    assert case.due_at.astimezone(BEIJING) == datetime(2027, 2, 14, 17, 30, tzinfo=BEIJING)  # 调休 Sunday
    moved = [e for e in case.events if e.action == EventAction.DEADLINE_MOVED][-1]
    assert event_details(moved, "zh") == ["期限至 2027-02-14 17:30"]
    assert holiday_shift.deadlines_on_days_off(session) == []


def test_entering_the_schedule_recounts_a_deadline_that_spans_the_new_holidays(session, people):
    """12-28 + 30 working days: 02-09 on the fallback calendar, 02-15 on the State Council's."""
    from minyi.cases import holiday_shift
    from minyi.cases.models import DeadlineRuleRecord
    from minyi.cases.rules import reply_due

    session.add(DeadlineRuleRecord(reply_working_days=30))
    case = factories.make_case(session, status="signed", department=people["dept"])
    case.accepted_at = datetime(2026, 12, 28, 9, 0, tzinfo=BEIJING)
    case.due_at = reply_due(session, case, case.accepted_at)  # as acceptance set it, before 2027 was entered
    session.flush()
    assert case.due_at.astimezone(BEIJING) == datetime(2027, 2, 9, 17, 30, tzinfo=BEIJING)
    schedule = "2027-02-06~2027-02-13,放假,春节\n2027-02-14,上班,春节调休"
    holiday_store.replace_year(session, 2027, holiday_store.parse_schedule(schedule, 2027))
    holiday_store.forget_cached()
    [found] = holiday_shift.deadlines_to_recount(session)
    assert found.case is case
    assert found.due_after.astimezone(BEIJING) == datetime(2027, 2, 15, 17, 30, tzinfo=BEIJING)  # not 02-14
    assert holiday_shift.shift_to_working_days(session, people["admin"]) == 1
    assert case.due_at.astimezone(BEIJING) == datetime(2027, 2, 15, 17, 30, tzinfo=BEIJING)
    assert holiday_shift.deadlines_to_recount(session) == []  # a second recount changes nothing


def test_a_reason_has_the_apis_limit_on_every_page(session, people):
    case = factories.make_case(session, status="signed", department=people["dept"])
    with pytest.raises(InvalidInput) as refused:
        workflow.return_case(session, people["staff"], case, "退" * 5000)
    assert refused.value.field == "reason"
    with pytest.raises(InvalidInput):
        workflow.supervise(session, people["supervisor"], case, "督" * 1001)


def test_the_department_hears_the_extension_decision_and_the_supervision_deadline(session, people):
    people["dept"].contact_email = "cgj@gov.example"
    case = factories.make_case(session, status="signed", department=people["dept"])
    request = workflow.request_extension(session, people["staff"], case, 2, "等待检测结果")
    workflow.decide_extension(session, people["supervisor"], request, approve=False, note="请按期办理")
    due = utcnow() + timedelta(days=2)
    workflow.supervise(session, people["supervisor"], case, "请加快办理", due)
    session.flush()
    sent = {m.subject: m.body for m in session.query(OutboxMessage).filter(OutboxMessage.case_id == case.id)}
    decided = sent[f"延期审批：{case.number}"]
    assert "未获批准" in decided
    assert "请按期办理" in decided
    assert "督办期限" in sent[f"督办：{case.number}"]


def test_due_soon_counts_working_days_across_a_holiday(session):
    """On the eve of 春节, a case due on the second day back is due soon (48 hours said no)."""
    from minyi.cases.queries import soon_until

    schedule = "2027-02-06~2027-02-13,放假,春节\n2027-02-14,上班,春节调休"
    holiday_store.replace_year(session, 2027, holiday_store.parse_schedule(schedule, 2027))
    holiday_store.forget_cached()
    eve = datetime(2027, 2, 5, 10, 0, tzinfo=BEIJING)
    until = soon_until(session, eve)
    assert until.astimezone(BEIJING) == datetime(2027, 2, 16, 0, 0, tzinfo=BEIJING)  # 14th, 15th back
    assert datetime(2027, 2, 15, 17, 30, tzinfo=BEIJING) < until
    ordinary = datetime(2026, 12, 7, 10, 0, tzinfo=BEIJING)  # a Monday: Tuesday and Wednesday
    assert soon_until(session, ordinary).astimezone(BEIJING) == datetime(2026, 12, 10, 0, 0, tzinfo=BEIJING)


def test_a_schedule_that_looks_incomplete_or_wrong_is_said():
    entries = holiday_store.parse_schedule("2027-01-01,上班\n2027-02-06~2027-02-13,放假,春节", 2027)
    few, odd = holiday_store.schedule_doubts(entries)
    assert few == 1
    assert [day.isoformat() for day in odd] == ["2027-01-01"]
    notice = "\n".join(
        f"2027-{m:02d}-{d:02d},放假" for m, d in ((1, 1), (2, 6), (4, 5), (5, 1), (6, 9), (9, 15), (10, 1))
    )
    assert holiday_store.schedule_doubts(holiday_store.parse_schedule(notice, 2027)) == (None, [])
