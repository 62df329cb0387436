"""签收及时率 after 退单 and 改派, on the public scorecard (docs/security-probes.md, twelfth probe).

A case held days by one department, sent back and signed for at once by the second: late
for the first, on time for the second (it was counted once, late, for the second).
"""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import update

from minyi.accountability import refresh, scorecard
from minyi.accountability.scorecard import Filter
from minyi.cases import services, workflow
from minyi.cases.models import CaseEvent, CaseStatus, EventAction
from minyi.core.localtime import zone
from minyi.db.base import utcnow
from minyi.demo import factories


def _sign(session, month, department_id) -> tuple[int, int]:
    counts = dict(
        scorecard.totals(session, Filter(start=month, end=month, department_id=department_id)).counts
    )
    return counts["sign_due"], counts["signed_on_time"]


def test_each_department_answers_for_its_own_sign_for(session, world):
    case = factories.make_case(session, category=world.road_category, key="held")
    session.flush()
    held_since = utcnow() - timedelta(days=10)  # 24 working hours passed long ago
    session.execute(
        update(CaseEvent)
        .where(CaseEvent.case_id == case.id, CaseEvent.action == EventAction.DISPATCHED)
        .values(created_at=held_since)
    )
    session.expire_all()
    workflow.return_case(session, world.road_staff, case, "不属于本单位职责")
    services.dispatch(session, world.dispatcher, case, world.schools)
    workflow.change_status(session, world.school_staff, case, CaseStatus.SIGNED.value)
    refresh.refresh(session, full=True)
    session.flush()
    month = min(m.submitted_at or m.received_at for m in case.messages).astimezone(zone()).strftime("%Y-%m")
    assert _sign(session, month, world.roads.id) == (1, 0)  # held ten days, then sent back
    assert _sign(session, month, world.schools.id) == (1, 1)  # signed for at once
    assert _sign(session, month, None) == (2, 1)  # the whole office: two dispatches
