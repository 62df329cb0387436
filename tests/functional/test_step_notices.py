"""Each workflow step queues its own notices; recording an event by itself queues none."""

from __future__ import annotations

import pytest

from minyi.cases import services, statements, workflow
from minyi.cases.models import CaseStatus, EventAction
from minyi.demo import factories
from minyi.notify.models import OutboxMessage
from minyi.settings import get_settings

SUPERVISORS = "dubanchu@example.gov.cn"
ROADS = "jtj@example.gov.cn"
SCHOOLS = "jyj@example.gov.cn"


@pytest.fixture
def mail(session, world, monkeypatch):
    monkeypatch.setenv("MINYI_SUPERVISOR_EMAIL", SUPERVISORS)
    get_settings.cache_clear()
    world.roads.contact_email = ROADS
    world.schools.contact_email = SCHOOLS
    yield world
    get_settings.cache_clear()


def recipients(session) -> list[str]:
    return [i.recipient for i in session.query(OutboxMessage).order_by(OutboxMessage.created_at)]


def new_items(session, before: int) -> list[OutboxMessage]:
    return session.query(OutboxMessage).order_by(OutboxMessage.created_at).all()[before:]


def road_case(session, world, status: str, **fields):
    return factories.make_case(
        session, status=status, department=world.roads, category=world.road_category, **fields
    )


def test_recording_an_event_queues_nothing(session, mail):
    case = road_case(session, mail, "signed", contact={"email": "citizen@example.com"})
    before = len(recipients(session))
    for action in (EventAction.DISPATCHED, EventAction.SUPERVISED, EventAction.EXTENSION_REQUESTED):
        services.record(session, case, action, payload={})
    services.record(session, case, EventAction.REPLIED, to_status=CaseStatus.REPLIED, payload={})
    services.record(session, case, EventAction.REOPENED, to_status=CaseStatus.IN_PROGRESS, payload={})
    session.flush()
    assert len(recipients(session)) == before


def test_reassigning_tells_the_new_department(session, mail):
    case = road_case(session, mail, "dispatched")
    before = len(recipients(session))
    services.dispatch(session, mail.dispatcher, case, mail.schools)
    items = new_items(session, before)
    assert [i.recipient for i in items] == [SCHOOLS]
    assert case.status == CaseStatus.DISPATCHED
    assert case.events[-1].action == EventAction.REASSIGNED
    assert case.events[-1].from_status == case.events[-1].to_status == CaseStatus.DISPATCHED
    assert f"{case.events[-1].id}:department" in items[0].payload["keys"]  # in the dispatch digest


def test_supervision_tells_the_department(session, mail):
    case = road_case(session, mail, "signed")
    before = len(recipients(session))
    workflow.supervise(session, mail.supervisor, case, "三日内处理完毕")
    items = new_items(session, before)
    assert [i.recipient for i in items] == [ROADS]
    assert "三日内处理完毕" in items[0].body


def test_an_extension_request_asks_the_supervisors(session, mail):
    case = road_case(session, mail, "signed")
    before = len(recipients(session))
    workflow.request_extension(session, mail.road_staff, case, 5, "需要协调施工单位")
    items = new_items(session, before)
    assert [i.recipient for i in items] == [SUPERVISORS]
    assert "5 个工作日" in items[0].body
    decided_before = len(recipients(session))
    request = workflow.extensions_of(session, case)[0]
    workflow.decide_extension(session, mail.supervisor, request, approve=True)
    decided = new_items(session, decided_before)
    assert [i.recipient for i in decided] == ["jtj@example.gov.cn"]  # the department hears the answer
    assert "已批准" in decided[0].body


def test_a_statement_tells_each_citizen(session, mail):
    first = road_case(session, mail, "signed", contact={"email": "a@example.com"})
    second = road_case(session, mail, "in_progress", contact={"email": "b@example.com"})
    before = len(recipients(session))
    statements.publish(
        session, mail.road_staff, title="道路修复", body="已于本周修复。", cases=[first, second]
    )
    assert sorted(i.recipient for i in new_items(session, before)) == ["a@example.com", "b@example.com"]
    assert first.status == second.status == CaseStatus.REPLIED


def test_a_manual_reopen_tells_supervisors_and_department(session, mail):
    case = road_case(session, mail, "closed")
    before = len(recipients(session))
    workflow.reopen(session, case, "复查发现问题仍在", user=mail.supervisor)
    assert sorted(i.recipient for i in new_items(session, before)) == sorted([ROADS, SUPERVISORS])
    assert case.status == CaseStatus.IN_PROGRESS


def test_merging_closes_an_open_case_through_the_lifecycle(session, mail):
    keep = road_case(session, mail, "dispatched")
    absorb = factories.make_case(session, status="received")
    workflow.merge_cases(session, mail.dispatcher, keep, absorb)
    assert absorb.status == CaseStatus.CLOSED
    merged = absorb.events[-1]
    assert (merged.action, merged.from_status, merged.to_status) == (
        EventAction.MERGED_INTO,
        CaseStatus.RECEIVED,
        CaseStatus.CLOSED,
    )
