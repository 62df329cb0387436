"""Retention: contact details are kept only as long as a case needs them.

Contact details of messages whose case was closed more than ``days`` ago are deleted,
and so are the addresses on the notifications sent to them and the citizens' comments on
the follow-up; the message text, the case and its public answer stay (their personal data
is masked in every public view). Each purge is recorded in the case's event log, without
the data.

A contact's name is masked in the texts that stay (the case's title, its messages, its
replies) before the contact is deleted: public views mask a name wherever it recurs
*because* it is the contact's (张建国反映… or a reply greeting 张建国您好), so deleting the
contact alone would have shown the name in full afterwards, on every public page and file.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from minyi.cases.models import Case, CaseRating, CaseStatus, EventAction
from minyi.cases.services import record
from minyi.db.base import utcnow
from minyi.intake.models import Message, MessageContact
from minyi.notify.models import PURGED_RECIPIENT, OutboxMessage, OutboxStatus
from minyi.pipeline.privacy import mask_names

PURGED = PURGED_RECIPIENT


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
    case_ids: set[str] = {case_id for _, case_id in rows if case_id}
    if dry_run:
        return PurgeReport(contacts=len(rows), cases=len(case_ids))
    addresses = {v for contact, _ in rows for v in (contact.email, contact.phone) if v}
    forget_addresses(session, addresses, case_ids, reason="the address was deleted by the retention policy")
    mask_contact_names(session, [(contact, case_id) for contact, case_id in rows])
    session.execute(update(CaseRating).where(CaseRating.case_id.in_(case_ids)).values(comment=None))
    for contact, _ in rows:
        session.delete(contact)
    for case_id in case_ids:
        case = session.get(Case, case_id)
        if case is not None:
            record(session, case, EventAction.CONTACT_PURGED, payload={"retention_days": days})
    session.flush()
    return PurgeReport(contacts=len(rows), cases=len(case_ids))


def forget_addresses(session: Session, addresses: set[str], case_ids: set[str], *, reason: str) -> None:
    """Blank ``addresses`` on the notifications of ``case_ids``; those still waiting are given up.

    Never sent to "[deleted]" (an SMS gateway retried it eight times): a waiting one is
    marked dead with ``reason``, which ``minyi notify retry-dead`` leaves alone.
    """
    if not addresses or not case_ids:
        return
    session.execute(
        update(OutboxMessage)
        .where(OutboxMessage.recipient.in_(addresses), OutboxMessage.case_id.in_(case_ids))
        .values(recipient=PURGED)
    )
    waiting = (OutboxStatus.PENDING.value, OutboxStatus.FAILED.value)
    session.execute(
        update(OutboxMessage)
        .where(
            OutboxMessage.recipient == PURGED,
            OutboxMessage.case_id.in_(case_ids),
            OutboxMessage.status.in_(waiting),
        )
        .values(status=OutboxStatus.DEAD, last_error=reason)
    )


def mask_contact_names(session: Session, rows: Sequence[tuple[MessageContact, str | None]]) -> None:
    """Mask each case's contact names in its title, messages and replies, for good (see above)."""
    names: dict[str, list[str]] = {}
    for contact, case_id in rows:
        if case_id and contact.name and len(contact.name.strip()) > 1:
            names.setdefault(case_id, []).append(contact.name.strip())
    for case_id, hidden in names.items():
        case = session.get(Case, case_id)
        if case is None:
            continue
        case.title = mask_names(case.title, hidden)
        for message in case.messages:
            message.title = mask_names(message.title, hidden)
            message.body = mask_names(message.body, hidden)
            if message.address:
                message.address = mask_names(message.address, hidden)
        for reply in case.replies:
            reply.body = mask_names(reply.body, hidden)
