"""A person corrects the kind of appeal, and the reply deadline follows (cases.kind_corrections).

The kind picks the deadline rule and each kind's own step; the model is wrong about one time in
seven, and before this a case the model misread (or could not judge) kept its kind for ever.
"""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from minyi.analysis.models import MessageAnalysis
from minyi.cases import kind_corrections
from minyi.cases.calendar import WorkCalendar
from minyi.cases.models import (
    AppealKind,
    DeadlineRuleRecord,
    EventAction,
    ExtensionRequest,
    ExtensionStatus,
)
from minyi.core.errors import Conflict, Forbidden, InvalidInput
from minyi.demo import factories
from minyi.web.timeline_details import event_details

BEIJING = ZoneInfo("Asia/Shanghai")
ACCEPTED = datetime(2026, 11, 2, 10, 0, tzinfo=BEIJING)  # a Monday


@pytest.fixture
def world(session):
    dept = factories.make_department(session, code="CGJ", name="城管局")
    other = factories.make_department(session, code="JYJ", name="教育局")
    session.add_all(
        [
            DeadlineRuleRecord(appeal_kind="complaint", reply_working_days=5),
            DeadlineRuleRecord(appeal_kind="suggestion", reply_working_days=15),
            DeadlineRuleRecord(reply_working_days=10),
        ]
    )
    session.flush()
    return {
        "dept": dept,
        "staff": factories.make_user(session, username="cg", role="staff", department=dept),
        "stranger": factories.make_user(session, username="jy", role="staff", department=other),
        "dispatcher": factories.make_user(session, username="pd", role="dispatcher"),
    }


def _case(session, world, kind: str = "complaint", status: str = "signed"):
    case = factories.make_case(session, status=status, department=world["dept"])
    case.appeal_kind = kind
    case.accepted_at = ACCEPTED
    case.due_at = WorkCalendar().add_working_days(ACCEPTED, 5 if kind == "complaint" else 10)
    session.flush()
    return case


def test_a_complaint_read_as_such_becomes_a_suggestion_and_gets_its_deadline(session, world):
    case = _case(session, world)
    before = case.due_at
    kind_corrections.correct_kind(session, world["staff"], case, "suggestion")
    assert case.appeal_kind == AppealKind.SUGGESTION
    assert case.due_at == WorkCalendar().add_working_days(ACCEPTED, 15)
    [event] = [e for e in case.events if e.action == EventAction.KIND_CORRECTED]
    assert event.payload["from"] == "complaint"
    assert event.payload["to"] == "suggestion"
    assert datetime.fromisoformat(event.payload["due_before"]) == before
    assert "投诉 → 建议" in event_details(event, "zh")
    assert "complaint → suggestion" in event_details(event, "en")
    assert any(text.startswith("期限至") for text in event_details(event, "zh"))


def test_what_the_model_said_is_kept_for_training_with_the_text_masked(session, world):
    case = _case(session, world)
    session.add(
        MessageAnalysis(
            message_id=case.messages[0].id,
            normalized_title="举报小区违建",
            normalized_body="3栋业主私自加建，电话13812345678",
            appeal_kind="complaint",
            appeal_confidence=0.61,
            appeal_model="appeal-test",
            pipeline_version="test",
        )
    )
    session.flush()
    kind_corrections.correct_kind(session, world["dispatcher"], case, "report")
    [event] = [e for e in case.events if e.action == EventAction.KIND_CORRECTED]
    assert event.payload["model_kind"] == "complaint"
    assert event.payload["model"] == "appeal-test"
    [(title, body, kind, said, _when)] = kind_corrections.correction_rows(session)
    assert (title, kind, said) == ("举报小区违建", "report", "complaint")
    assert "13812345678" not in body  # training files travel: masked
    assert "私自加建" in body


def test_a_case_without_its_analysis_is_corrected_but_not_exported(session, world):
    case = _case(session, world)
    kind_corrections.correct_kind(session, world["staff"], case, "report")
    assert case.appeal_kind == AppealKind.REPORT
    assert kind_corrections.correction_rows(session) == []


def test_praise_takes_the_deadline_away_and_the_timeline_says_so(session, world):
    case = _case(session, world)
    kind_corrections.correct_kind(session, world["staff"], case, "praise")
    assert case.due_at is None
    [event] = [e for e in case.events if e.action == EventAction.KIND_CORRECTED]
    assert "不设答复期限" in event_details(event, "zh")


def test_an_answered_urgent_or_extended_case_keeps_its_deadline(session, world):
    answered = _case(session, world, status="replied")
    due = answered.due_at
    kind_corrections.correct_kind(session, world["staff"], answered, "suggestion")
    assert answered.due_at == due
    extended = _case(session, world)
    session.add(
        ExtensionRequest(
            case_id=extended.id, working_days=5, reason="需要现场勘查", status=ExtensionStatus.APPROVED
        )
    )
    session.flush()
    due = extended.due_at
    kind_corrections.correct_kind(session, world["staff"], extended, "suggestion")
    assert extended.due_at == due


def test_refusals(session, world):
    case = _case(session, world)
    with pytest.raises(Forbidden):
        kind_corrections.correct_kind(session, world["stranger"], case, "suggestion")
    for bad in ("undetermined", "grumble", ""):
        with pytest.raises(InvalidInput, match="appeal_kind: one of"):
            kind_corrections.correct_kind(session, world["staff"], case, bad)
    with pytest.raises(Conflict, match="already has this kind"):
        kind_corrections.correct_kind(session, world["staff"], case, "complaint")
    assert not [e for e in case.events if e.action == EventAction.KIND_CORRECTED]


def test_an_undetermined_case_gets_a_kind(session, world):
    case = _case(session, world, kind="undetermined")
    kind_corrections.correct_kind(session, world["staff"], case, "complaint")
    assert case.due_at == WorkCalendar().add_working_days(ACCEPTED, 5)
    [event] = [e for e in case.events if e.action == EventAction.KIND_CORRECTED]
    assert "未能判断 → 投诉" in event_details(event, "zh")
