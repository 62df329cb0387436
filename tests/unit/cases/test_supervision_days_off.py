"""A supervision's own deadline (督办期限) on a day off moves to the next working day.

docs/security-probes.md, tenth probe, left open: a Saturday, or 2027-02-10 in 春节, was
taken as given, due 17:30 that day, and escalated in the holiday. 期间届满的最后一日是节假日
的，以节假日后的第一个工作日为期间届满的日期.
"""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest

from minyi.cases import holiday_store, supervision, workflow
from minyi.cases.models import EventAction
from minyi.demo import factories
from minyi.notify.models import OutboxMessage
from minyi.web.timeline_details import event_details

BEIJING = ZoneInfo("Asia/Shanghai")
SPRING_FESTIVAL_2027 = "2027-02-06~2027-02-13,放假,春节\n2027-02-14,上班,春节调休"
NOW = datetime(2027, 1, 20, 9, 0, tzinfo=BEIJING)  # a Wednesday


@pytest.fixture(autouse=True)
def _fresh_calendar(monkeypatch):
    """The office calendar is cached per database; the clock is 2027-01-20."""
    monkeypatch.setattr(workflow, "utcnow", lambda: NOW.astimezone(UTC))
    holiday_store.forget_cached()
    yield
    holiday_store.forget_cached()


@pytest.fixture
def people(session):
    dept = factories.make_department(session, code="CGJ", name="城管局")
    dept.contact_email = "cgj@example.gov.cn"
    return {"dept": dept, "supervisor": factories.make_user(session, username="sup", role="supervisor")}


def _supervise(session, people, due: datetime):
    case = factories.make_case(session, status="signed", department=people["dept"])
    workflow.supervise(session, people["supervisor"], case, "请加快办理", due)
    session.flush()
    return case


def _event(case):
    return [e for e in case.events if e.action == EventAction.SUPERVISED][-1]


def test_a_saturday_moves_to_the_end_of_the_monday(session, people):
    case = _supervise(session, people, datetime(2027, 1, 23, 17, 30, tzinfo=BEIJING))
    assert case.supervision_due_at == datetime(2027, 1, 25, 17, 30, tzinfo=BEIJING)
    move = supervision.last_move(case)
    assert move is not None
    assert move.asked == datetime(2027, 1, 23, 17, 30, tzinfo=BEIJING)
    assert (
        supervision.moved_notice(move)
        == "督办期限 2027-01-23 不是工作日，已顺延至下一个工作日 2027-01-25 17:30。"
    )
    assert supervision.moved_notice(move, "en") == (
        "The supervision deadline 2027-01-23 is not a working day: moved to the next working day, 2027-01-25 17:30."
    )
    assert event_details(_event(case), "zh") == [
        "督办意见：请加快办理",
        "期限至 2027-01-25 17:30",
        "所选 2027-01-23 不是工作日，已顺延",
    ]
    assert event_details(_event(case), "en")[2] == "2027-01-23 is not a working day: moved"
    sent = session.query(OutboxMessage).filter(OutboxMessage.case_id == case.id).all()
    assert any("督办期限：2027-01-25 17:30" in (m.body or "") for m in sent)  # the department's notice


def test_a_day_in_spring_festival_moves_past_it_once_the_schedule_is_entered(session, people):
    holiday_store.replace_year(session, 2027, holiday_store.parse_schedule(SPRING_FESTIVAL_2027, 2027))
    holiday_store.forget_cached()
    case = _supervise(session, people, datetime(2027, 2, 10, 17, 30, tzinfo=BEIJING))
    assert case.supervision_due_at == datetime(2027, 2, 14, 17, 30, tzinfo=BEIJING)  # the 调休 Sunday
    asked_api_style = datetime(2027, 2, 12, 3, 0, tzinfo=UTC)  # 11:00 in Beijing, a moment in 春节
    again = _supervise(session, people, asked_api_style)
    assert again.supervision_due_at == datetime(2027, 2, 14, 17, 30, tzinfo=BEIJING)
    assert _event(again).payload["due_asked"] == asked_api_style.isoformat()


@pytest.mark.parametrize(
    "due",
    [
        datetime(2027, 1, 22, 10, 0, tzinfo=BEIJING),  # a Friday morning: as given
        datetime(2027, 1, 22, 17, 30, tzinfo=BEIJING),
    ],
)
def test_a_working_day_is_taken_as_given(session, people, due):
    case = _supervise(session, people, due)
    assert case.supervision_due_at == due
    assert "due_asked" not in _event(case).payload
    assert supervision.last_move(case) is None


def test_a_make_up_sunday_is_a_working_day(session, people):
    holiday_store.replace_year(session, 2027, holiday_store.parse_schedule(SPRING_FESTIVAL_2027, 2027))
    holiday_store.forget_cached()
    sunday = datetime(2027, 2, 14, 17, 30, tzinfo=BEIJING)
    assert _supervise(session, people, sunday).supervision_due_at == sunday


def test_a_supervision_without_a_deadline_has_no_move(session, people):
    case = factories.make_case(session, status="signed", department=people["dept"])
    workflow.supervise(session, people["supervisor"], case, "请加快办理")
    assert case.supervision_due_at is None
    assert supervision.last_move(case) is None
