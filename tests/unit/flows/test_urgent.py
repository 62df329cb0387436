"""The processing flow makes a case urgent when an emergency (keyword) rule hits its message."""

from __future__ import annotations

from datetime import timedelta

import pytest

from minyi.alerts.models import Alert
from minyi.analysis.provider import PipelineProvider
from minyi.cases import services as cases
from minyi.cases.models import CaseStatus, EventAction
from minyi.demo import factories
from minyi.flows import processing
from minyi.intake import services as intake


@pytest.fixture
def pipeline(session):
    return PipelineProvider().get(session)


def _process(session, pipeline, title, body, key="k"):
    accepted = intake.accept(
        session, factories.make_message_in(title=title, body=body), channel="api", key=key
    )
    return processing.process(session, accepted.message, pipeline)


def test_urgent_reason_names_the_emergency_words_of_the_hits():
    hits = [
        Alert(measured={"keyword": "燃气泄漏", "keywords": ["燃气泄漏", "爆炸"]}),
        Alert(measured={"keyword": "爆炸"}),
    ]
    assert processing.urgent_reason(hits) == "燃气泄漏、爆炸"
    assert processing.urgent_reason([]) is None
    assert processing.urgent_reason([Alert(measured={})]) is None


def test_a_gas_leak_makes_an_urgent_case_due_within_two_hours(session, pipeline):
    case = _process(session, pipeline, "楼道燃气泄漏", "锦绣家园3栋楼道燃气泄漏，味道很重，请马上来人")
    assert case.urgent is True
    assert "燃气泄漏" in (case.urgent_reason or "")
    assert case.due_at is not None
    assert timedelta(0) < case.due_at - case.created_at <= timedelta(hours=2, minutes=1)
    assert EventAction.MARKED_URGENT in [e.action for e in case.events]


def test_an_ordinary_message_is_not_urgent(session, pipeline):
    case = _process(session, pipeline, "路灯不亮", "丽景花园小区门口的路灯坏了一个星期")
    assert case.urgent is False
    assert case.urgent_reason is None


def test_dispatch_keeps_the_urgent_deadline(session, pipeline):
    case = _process(session, pipeline, "燃气泄漏", "小区燃气泄漏，请尽快处理")
    due = case.due_at
    if case.status == CaseStatus.RECEIVED:  # routed by the dispatcher
        dispatcher = factories.make_user(session, role="dispatcher")
        cases.dispatch(session, dispatcher, case, factories.make_department(session))
    assert case.status == CaseStatus.DISPATCHED
    assert case.due_at == due


def test_marking_a_case_urgent_again_changes_nothing(session):
    case = factories.make_case(session, status="dispatched")
    assert cases.mark_urgent(session, case, "火灾") is True
    due = case.due_at
    assert cases.mark_urgent(session, case, "爆炸") is False
    assert (case.urgent_reason, case.due_at) == ("火灾", due)
