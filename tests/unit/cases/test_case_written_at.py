"""A case is dated by its first message, merged ones included (``Case.written_at``).

docs/security-probes.md, twelfth probe, left open: ``cases.csv`` dated a merged case by its
first *public* message, the scorecard by its first message.
"""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from minyi.cases import workflow
from minyi.demo import factories

BEIJING = ZoneInfo("Asia/Shanghai")


def test_a_merged_case_is_dated_by_its_earliest_message_public_or_not(session):
    dept = factories.make_department(session, code="SWJ", name="水务局")
    dispatcher = factories.make_user(session, username="fp", role="dispatcher")
    june = datetime(2026, 6, 1, 9, 30, tzinfo=BEIJING)
    november = datetime(2026, 11, 2, 10, 0, tzinfo=BEIJING)
    kept = factories.make_case(
        session, department=dept, key="kept", submitted_at=november.isoformat(), is_public=True
    )
    older = factories.make_case(
        session, department=dept, key="older", submitted_at=june.isoformat(), is_public=False
    )
    assert kept.written_at == november
    workflow.merge_cases(session, dispatcher, kept, older)
    assert kept.public_message is not None
    assert kept.public_message.submitted_at == november  # what cases.csv read before
    assert kept.written_at == june  # the scorecard's month: the earliest message
