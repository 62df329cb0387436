from __future__ import annotations

from datetime import timedelta

from minyi.db.base import utcnow
from minyi.demo import factories
from minyi.flows.retention import purge_contacts
from minyi.intake.models import MessageContact


def test_contacts_of_long_closed_cases_are_deleted(session):
    dept = factories.make_department(session)
    old = factories.make_case(session, status="closed", department=dept, contact={"phone": "13800001111"})
    from minyi.notify.models import OutboxMessage

    recent = factories.make_case(session, status="closed", department=dept, contact={"phone": "13800002222"})
    open_case = factories.make_case(
        session, status="dispatched", department=dept, contact={"phone": "13800003333"}
    )
    old.closed_at = utcnow() - timedelta(days=400)
    session.flush()

    assert purge_contacts(session, 365, dry_run=True).contacts == 1
    assert session.query(MessageContact).count() == 3
    report = purge_contacts(session, 365)
    assert (report.contacts, report.cases) == (1, 1)
    session.expire_all()
    assert old.messages[0].contact is None
    assert recent.messages[0].contact is not None
    assert open_case.messages[0].contact is not None
    assert old.events[-1].action == "contact_purged"
    assert "138" not in str(old.events[-1].payload)
    recipients = {m.recipient for m in session.query(OutboxMessage)}
    assert "13800001111" not in recipients  # the reply notice to the old case was blanked
    assert "13800002222" in recipients
