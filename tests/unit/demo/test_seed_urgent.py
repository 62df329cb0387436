"""The demo shows the operator's day: its 燃气泄漏 reports are urgent and grouped in the inbox."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import select

from minyi.accounts.models import User
from minyi.cases.models import ANSWERED_STATUSES, Case
from minyi.demo.seed import seed_demo
from minyi.flows import grouping

KEY = "test-secret-key-0123456789-abcdefghijklmnop"
NOW = datetime(2026, 11, 24, 4, 0, tzinfo=UTC)


def test_the_demo_gas_leak_reports_are_urgent_waiting_cases_grouped_together(session):
    seed_demo(session, key=KEY, now=NOW)
    urgent = list(session.scalars(select(Case).where(Case.urgent.is_(True))))
    gas = [case for case in urgent if "锦绣家园" in case.title]
    assert len(gas) >= 10
    assert all(case.urgent_reason for case in gas)
    assert sum("燃气泄漏" in (case.urgent_reason or "") for case in gas) >= len(gas) // 2
    waiting = [case for case in gas if case.status not in ANSWERED_STATUSES]
    assert len(waiting) >= 2
    assert all(case.due_at is not None for case in waiting)
    dispatcher = session.scalar(select(User).where(User.username == "dispatcher"))
    groups = grouping.open_groups(session, dispatcher)
    assert groups
    assert groups[0].urgent
    assert {case.id for case in waiting} <= {case.id for case in groups[0].cases}


def test_the_demos_praise_has_no_reply_deadline_as_acceptance_gives_it_none(session):
    """Its thank-yous were listed 超期 in the demo's briefing and on its big screen (fourteenth probe)."""
    from minyi.cases.models import AppealKind

    seed_demo(session, key=KEY, now=NOW)
    praise = list(session.scalars(select(Case).where(Case.appeal_kind == AppealKind.PRAISE)))
    assert praise
    assert all(case.due_at is None for case in praise if not case.urgent)
