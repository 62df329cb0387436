"""Retention: contact details are kept only as long as a case needs them.

Contact details of messages whose case was closed more than ``days`` ago are deleted,
and so are the addresses on the notifications sent to them;
the message text, the case and its public answer stay (their personal data is masked in
every public view). Each purge is recorded in the case's event log, without the data.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from minyi.cases.models import Case, CaseStatus, EventAction
from minyi.cases.services import record
from minyi.db.base import utcnow
from minyi.intake.models import Message, MessageContact
from minyi.notify.models import OutboxMessage

PURGED = "[deleted]"


@dataclass(frozen=True)
class PurgeReport:
    """What a retention run deleted (or would delete, in a dry run)."""

    contacts: int
    cases: int


def purge_contacts(session: Session, days: int, *, dry_run: bool = False) -> PurgeReport:
    """Delete contact details of messages whose case closed more than ``days`` days ago."""
    cutoff = utcnow() - timedelta(days=days)
    query = (
        select(MessageContact, Message.case_id)
        .join(Message, Message.id == MessageContact.message_id)
        .join(Case, Case.id == Message.case_id)
        .where(Case.status == CaseStatus.CLOSED.value, Case.closed_at < cutoff)
    )
    rows = session.execute(query).all()
    case_ids = {case_id for _, case_id in rows}
    if dry_run:
        return PurgeReport(contacts=len(rows), cases=len(case_ids))
    addresses = {v for contact, _ in rows for v in (contact.email, contact.phone) if v}
    if addresses:
        session.execute(
            update(OutboxMessage)
            .where(OutboxMessage.recipient.in_(addresses), OutboxMessage.case_id.in_(case_ids))
            .values(recipient=PURGED)
        )
    for contact, _ in rows:
        session.delete(contact)
    for case_id in case_ids:
        case = session.get(Case, case_id)
        if case is not None:
            record(session, case, EventAction.CONTACT_PURGED, payload={"retention_days": days})
    session.flush()
    return PurgeReport(contacts=len(rows), cases=len(case_ids))
