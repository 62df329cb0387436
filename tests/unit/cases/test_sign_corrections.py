"""A kind or category correction counts a pending acceptance deadline (签收期限) again.

docs/security-probes.md, twelfth probe: the reply deadline followed a corrected kind, the
acceptance deadline kept the old rule's (a complaint corrected to praise stayed 超时未签收).
"""

from __future__ import annotations

from datetime import timedelta

import pytest

from minyi.admin import services as admin
from minyi.cases import kind_corrections, services, workflow
from minyi.cases.calendar import WorkCalendar
from minyi.cases.models import CaseStatus, EventAction
from minyi.demo import factories
from minyi.web.timeline_details import event_details


@pytest.fixture
def world(session):
    """8 working hours for every case, 1 for complaints and for the category 燃气."""
    water = factories.make_department(session, code="SWJ", name="水务局")
    gas = factories.make_category(session, name="燃气", department=water)
    for kind, category, hours in ((None, None, 8), ("complaint", None, 1), (None, gas, 1)):
        admin.add_rule(
            session,
            appeal_kind=kind,
            category=category,
            reply_working_days=None,
            reply_hours=None,
            accept_hours=hours,
        )
    case = factories.make_case(session, status="dispatched", department=water, key="sign-fix")
    case.appeal_kind = "inquiry"
    dispatcher = factories.make_user(session, username="fp", role="dispatcher")
    return {"case": case, "gas": gas, "water": water, "dispatcher": dispatcher}


def _after(case, hours):
    sent = max(e.created_at for e in case.events if e.action == EventAction.DISPATCHED)
    return WorkCalendar().add_working_hours(sent, hours)


def _close(moment, expected) -> bool:
    return moment is not None and abs(moment - expected) < timedelta(seconds=1)


def test_a_kind_correction_recounts_the_pending_acceptance_deadline(session, world):
    case, dispatcher = world["case"], world["dispatcher"]
    assert _close(case.sign_due_at, _after(case, 8))
    kind_corrections.correct_kind(session, dispatcher, case, "complaint")
    assert _close(case.sign_due_at, _after(case, 1))
    assert event_details(case.events[-1], "zh")[-1].startswith("签收期限")
    kind_corrections.correct_kind(session, dispatcher, case, "praise")  # praise: no deadline
    assert case.sign_due_at is None
    assert event_details(case.events[-1], "zh")[-1] == "不设签收期限"
    assert event_details(case.events[-1], "en")[-1] == "no acceptance deadline"
    kind_corrections.correct_kind(session, dispatcher, case, "suggestion")
    assert _close(case.sign_due_at, _after(case, 8))


def test_a_category_correction_recounts_it_by_the_new_category(session, world):
    case, dispatcher = world["case"], world["dispatcher"]
    services.recategorise(session, dispatcher, case, world["gas"])
    assert _close(case.sign_due_at, _after(case, 1))
    assert case.events[-1].action == EventAction.RECATEGORISED
    assert case.events[-1].payload["sign_due_after"] == case.sign_due_at.isoformat()
    services.recategorise(
        session, dispatcher, case, factories.make_category(session, department=world["water"])
    )
    assert _close(case.sign_due_at, _after(case, 8))


def test_a_case_signed_for_or_urgent_keeps_what_it_has(session, world):
    case, dispatcher = world["case"], world["dispatcher"]
    staff = factories.make_user(session, username="swj", role="staff", department=world["water"])
    workflow.change_status(session, staff, case, CaseStatus.SIGNED.value)
    kind_corrections.correct_kind(session, dispatcher, case, "complaint")
    assert case.sign_due_at is None  # signed for: the deadline is history
    assert "sign_due_before" not in case.events[-1].payload
    other = factories.make_case(session, status="dispatched", department=world["water"], key="sign-urgent")
    services.mark_urgent(session, other, "燃气泄漏")
    before = other.sign_due_at
    services.recategorise(session, dispatcher, other, world["gas"])
    assert other.sign_due_at == before  # the emergency rule set it
