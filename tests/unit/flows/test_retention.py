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
    purged = session.query(OutboxMessage).filter(OutboxMessage.recipient == "[deleted]").all()
    assert purged
    assert {m.status for m in purged} <= {"dead", "sent"}  # never sent to "[deleted]"
    from minyi.notify.services import retry_dead

    assert retry_dead(session) == 0


def test_a_purged_contacts_name_stays_masked_in_what_is_kept(session):
    """Public views mask a name because it is the contact's; without the contact it must not show."""
    from minyi.cases import workflow
    from minyi.cases.models import CaseRating
    from minyi.cases.public_text import PublicText

    dept = factories.make_department(session)
    case = factories.make_case(
        session,
        status="replied",
        department=dept,
        title="张建国反映路灯不亮",
        body="张建国反映：翠竹园小区北门路灯一直不亮。",
        contact={"name": "张建国", "phone": "13944447777"},
        reply_body="张建国您好，路灯已修复。",
    )
    workflow.rate(session, case.messages[0], "satisfied", True, "很满意，我的电话13955556666")  # noqa: FBT003
    case.closed_at = utcnow() - timedelta(days=400)
    session.flush()
    shown_before = PublicText.of(session)(case, case.messages[0].body)
    purge_contacts(session, 365)
    session.expire_all()
    message = case.messages[0]
    assert message.contact is None
    for text in (case.title, message.title, message.body, *(r.body for r in case.replies)):
        assert "张建国" not in text
    assert "张**" in message.body
    assert PublicText.of(session)(case, message.body) == shown_before
    assert session.query(CaseRating).one().comment is None
