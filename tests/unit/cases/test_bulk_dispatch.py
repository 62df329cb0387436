"""批量派单: many cases at the desk to one department in one action (cases.bulk_dispatch).

The surge-day probe (docs/security-probes.md, thirteenth probe) left open that a dispatcher
facing hundreds of cases for 排水 had to open each to dispatch it.
"""

from __future__ import annotations

import pytest
from sqlalchemy import select

from minyi.admin import services as admin
from minyi.audit import services as audit
from minyi.audit.models import AuditEvent
from minyi.cases import bulk_dispatch, workflow
from minyi.cases.bulk_dispatch import Skip
from minyi.cases.models import CaseStatus, EventAction
from minyi.core.errors import Forbidden, InvalidInput
from minyi.demo import factories
from minyi.notify.models import OutboxMessage


@pytest.fixture
def world(session):
    drainage = factories.make_department(
        session, code="PSJ", name="排水管理处", contact_email="psj@example.gov.cn"
    )
    power = factories.make_department(session, code="GDJ", name="供电局")
    dispatcher = factories.make_user(session, username="disp", role="dispatcher")
    admin.add_rule(
        session, appeal_kind=None, category=None, reply_working_days=None, reply_hours=None, accept_hours=2
    )
    return drainage, power, dispatcher


def _desk(session, n, status="received"):
    return [
        factories.make_case(session, status=status, key=f"bulk-{status}-{i}", title=f"积水{i}")
        for i in range(n)
    ]


def test_each_case_is_dispatched_as_a_single_dispatch_would_be(session, world):
    drainage, _, dispatcher = world
    received, accepted = _desk(session, 2), _desk(session, 1, "accepted")
    result = bulk_dispatch.dispatch_many(
        session, dispatcher, [c.id for c in received + accepted], drainage, "  尽快疏通  "
    )
    assert [c.id for c in result.dispatched] == [c.id for c in received + accepted]
    assert result.skipped == []
    for case in received + accepted:
        assert case.status == CaseStatus.DISPATCHED
        assert case.department_id == drainage.id
        assert case.accepted_at is not None
        assert case.due_at is not None
        assert case.sign_due_at is not None  # 签收期限 from the rule
        assert case.desk_due_at is None
        dispatched = case.events[-1]
        assert dispatched.action == EventAction.DISPATCHED
        assert dispatched.payload["note"] == "尽快疏通"
        assert dispatched.actor_user_id == dispatcher.id
    assert [e.action for e in received[0].events][-2:] == [EventAction.ACCEPTED, EventAction.DISPATCHED]
    # the department is told in one digest e-mail listing the three cases
    digests = session.scalars(
        select(OutboxMessage).where(OutboxMessage.recipient == "psj@example.gov.cn")
    ).all()
    entries = [e["number"] for item in digests for e in item.payload["entries"]]
    assert sorted(entries) == sorted(c.number for c in received + accepted)
    assert len(digests) <= 2  # the first at once, the rest folded into the next window's one


def test_partial_success_says_which_were_skipped_and_why(session, world):
    drainage, power, dispatcher = world
    ok = _desk(session, 1)[0]
    elsewhere = factories.make_case(session, status="dispatched", department=power, key="b-d")
    answered = factories.make_case(session, status="replied", department=power, key="b-r")
    signed = factories.make_case(session, status="signed", department=power, key="b-s")
    keep, absorbed = _desk(session, 2, "accepted")
    workflow.merge_cases(session, dispatcher, keep, absorbed)
    ids = [ok.id, elsewhere.id, answered.id, signed.id, absorbed.id, "no-such-case", ok.id]
    result = bulk_dispatch.dispatch_many(session, dispatcher, ids, drainage)
    assert [c.id for c in result.dispatched] == [ok.id]  # the repeat of ok.id counts once
    why = {s.case_id: (s.reason, s.detail) for s in result.skipped}
    assert why == {
        elsewhere.id: (Skip.ALREADY_DISPATCHED, "GDJ"),
        answered.id: (Skip.ANSWERED, "replied"),
        signed.id: (Skip.NOT_AT_DESK, "GDJ"),
        absorbed.id: (Skip.MERGED, keep.number),
        "no-such-case": (Skip.NOT_FOUND, ""),
    }
    assert elsewhere.department_id == power.id
    assert elsewhere.status == CaseStatus.DISPATCHED


def test_one_audit_entry_names_how_many_and_which(session, world):
    drainage, power, dispatcher = world
    cases = _desk(session, 3)
    other = factories.make_case(session, status="dispatched", department=power, key="b-a")
    bulk_dispatch.dispatch_many(session, dispatcher, [c.id for c in cases] + [other.id], drainage, "雨后积水")
    events = session.scalars(select(AuditEvent).where(AuditEvent.action == audit.BULK_DISPATCH)).all()
    assert len(events) == 1
    event = events[0]
    assert event.actor == "disp"
    assert event.subject == "PSJ"
    assert event.details["cases"] == 3
    assert event.details["numbers"] == [c.number for c in cases]
    assert event.details["skipped"] == 1
    assert event.details["skipped_numbers"] == [other.number]
    assert event.details["note"] == "雨后积水"


def test_the_cap_and_the_missing_fields_are_refused_naming_the_field(session, world):
    drainage, _, dispatcher = world
    with pytest.raises(InvalidInput, match="at most 200") as too_many:
        bulk_dispatch.dispatch_many(session, dispatcher, [f"id-{n}" for n in range(201)], drainage)
    assert too_many.value.field == "case_ids"
    with pytest.raises(InvalidInput) as none:
        bulk_dispatch.dispatch_many(session, dispatcher, ["", " "], drainage)
    assert none.value.field == "case_ids"
    case = _desk(session, 1)[0]
    with pytest.raises(InvalidInput) as nowhere:
        bulk_dispatch.dispatch_many(session, dispatcher, [case.id], None)
    assert nowhere.value.field == "department"
    with pytest.raises(InvalidInput) as long_note:
        bulk_dispatch.dispatch_many(session, dispatcher, [case.id], drainage, "长" * 501)
    assert long_note.value.field == "note"
    assert case.status == CaseStatus.RECEIVED
    # exactly the cap goes
    many = [case.id] + [f"missing-{n}" for n in range(bulk_dispatch.MAX_CASES - 1)]
    assert len(bulk_dispatch.dispatch_many(session, dispatcher, many, drainage).dispatched) == 1


@pytest.mark.parametrize("role", ["staff", "supervisor"])
def test_only_dispatchers_and_admins_may(session, world, role):
    drainage, _, _ = world
    user = factories.make_user(session, username=f"u-{role}", role=role, department=drainage)
    case = _desk(session, 1)[0]
    with pytest.raises(Forbidden):
        bulk_dispatch.dispatch_many(session, user, [case.id], drainage)
    assert case.status == CaseStatus.RECEIVED
    boss = factories.make_user(session, username="boss", role="admin")
    assert len(bulk_dispatch.dispatch_many(session, boss, [case.id], drainage).dispatched) == 1


def test_a_second_bulk_action_on_the_same_cases_skips_them(session, world):
    drainage, power, dispatcher = world
    cases = _desk(session, 2)
    bulk_dispatch.dispatch_many(session, dispatcher, [c.id for c in cases], drainage)
    again = bulk_dispatch.dispatch_many(session, dispatcher, [c.id for c in cases], power)
    assert again.dispatched == []
    assert {(s.reason, s.detail) for s in again.skipped} == {(Skip.ALREADY_DISPATCHED, "PSJ")}
    assert all(c.department_id == drainage.id for c in cases)
