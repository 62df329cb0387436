"""The thirteenth probe: a surge day (docs/security-probes.md, thirteenth probe).

A storm floods one district and a few hundred messages about the same few problems arrive
within the hour (``tests/surgedata.py``). Each test checks one thing the dispatcher, the
department or the citizen needs to stay usable at that volume.
"""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select
from tests.surgedata import surge

from minyi.cases import services
from minyi.cases.staff_notices import DISPATCH_DIGEST_HOLD
from minyi.demo import factories
from minyi.notify import digests
from minyi.notify.models import OutboxMessage

ROADS = "jtj@example.gov.cn"


def _department_mail(session) -> list[OutboxMessage]:
    query = select(OutboxMessage).where(OutboxMessage.recipient == ROADS).order_by(OutboxMessage.created_at)
    return list(session.scalars(query))


def test_a_surge_of_dispatches_sends_the_department_one_digest_not_one_mail_a_case(session, world):
    world.roads.contact_email = ROADS
    texts = [item for item in surge(40) if item.get("region") == "A市A5区"][:30]
    cases = [
        factories.make_case(
            session, status="dispatched", category=world.road_category, title=t["title"], body=t["body"]
        )
        for t in texts
    ]
    mail = _department_mail(session)
    # before: 30 e-mails 新派单：<number>, one a case
    assert len(mail) == 2, [m.subject for m in mail]
    first, digest = mail
    assert first.subject == f"新派单：{cases[0].number}"
    assert first.next_attempt_at <= digest.next_attempt_at
    assert digest.subject.startswith(f"新派单 {len(cases) - 1} 件")
    for case in cases[1:]:
        assert case.number in digest.body
    assert digest.next_attempt_at - first.created_at <= DISPATCH_DIGEST_HOLD + digests.MARGIN


def test_an_urgent_dispatch_is_told_at_once_on_its_own(session, world):
    world.roads.contact_email = ROADS
    factories.make_case(session, status="dispatched", category=world.road_category)
    factories.make_case(session, status="dispatched", category=world.road_category)
    urgent = factories.make_case(session, status="accepted")
    urgent.urgent = True
    urgent.urgent_reason = "被困"
    services.dispatch(session, world.dispatcher, urgent, world.roads)
    session.flush()
    mail = _department_mail(session)
    alone = [m for m in mail if m.subject == f"新派单：{urgent.number}"]
    assert len(alone) == 1
    assert alone[0].next_attempt_at <= alone[0].created_at + timedelta(seconds=1)
