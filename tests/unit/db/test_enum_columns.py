"""Status-like columns are VARCHARs that load as their enums and refuse unknown values."""

from __future__ import annotations

import pytest
from sqlalchemy import String, select, text
from sqlalchemy.exc import StatementError

from minyi.cases.models import Case, CaseEvent, CaseStatus, EventAction
from minyi.db.base import StrEnumType
from minyi.demo import factories
from minyi.intake.models import Message, ProcessingState


def test_the_type_is_a_plain_varchar():
    kind = StrEnumType(CaseStatus, 20)
    assert isinstance(kind.impl_instance, String)
    assert kind.impl_instance.length == 20
    assert kind.python_type is CaseStatus
    assert repr(kind) == "StrEnumType(CaseStatus, 20)"


def test_a_value_longer_than_the_column_is_refused_at_once():
    with pytest.raises(ValueError, match="longer than 5"):
        StrEnumType(CaseStatus, 5)


def test_columns_load_as_enums(session):
    case = factories.make_case(session, status="replied")
    session.expire_all()
    loaded = session.get(Case, case.id)
    assert loaded is not None
    assert type(loaded.status) is CaseStatus
    assert loaded.status is CaseStatus.REPLIED
    actions = [e.action for e in loaded.events]
    assert all(type(a) is EventAction for a in actions)
    assert EventAction.REPLIED in actions
    assert all(type(e.to_status) is CaseStatus for e in loaded.events)
    assert type(loaded.messages[0].state) is ProcessingState
    stored = session.execute(text("SELECT status FROM cases WHERE id = :id"), {"id": case.id}).scalar()
    assert stored == "replied"


def test_queries_take_members_or_values(session):
    case = factories.make_case(session, status="received")
    found = session.scalars(select(Case.id).where(Case.status == "received")).all()
    assert case.id in found
    assert case.id in session.scalars(select(Case.id).where(Case.status == CaseStatus.RECEIVED)).all()
    assert (
        session.scalar(select(Message.state).where(Message.case_id == case.id)) is ProcessingState.PROCESSED
    )


def test_unknown_values_are_refused(session):
    case = factories.make_case(session, status="received")
    case.status = "lost"  # type: ignore[assignment]
    with pytest.raises(StatementError, match="'lost' is not a valid CaseStatus"):
        session.flush()
    session.rollback()


def test_unknown_actions_are_refused(session):
    case = factories.make_case(session, status="received")
    session.add(CaseEvent(case=case, actor="system", action="vanished", payload={}))
    with pytest.raises(StatementError, match="'vanished' is not a valid EventAction"):
        session.flush()
    session.rollback()
