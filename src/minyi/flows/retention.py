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

from sqlalchemy import Select, delete, func, select, update
from sqlalchemy.orm import Session, selectinload

from minyi.audit import services as audit
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


def _due(days: int) -> Select[str]:
    """The cases closed more than ``days`` ago that still hold a contact."""
    cutoff = utcnow() - timedelta(days=days)
    return (
        select(Case.id)
        .join(Message, Message.case_id == Case.id)
        .join(MessageContact, MessageContact.message_id == Message.id)
        .where(Case.status == CaseStatus.CLOSED.value, Case.closed_at < cutoff)
        .distinct()
    )


def count_due(session: Session, days: int) -> PurgeReport:
    """How many contacts and cases a run would purge now (``--dry-run``, the progress bar's total)."""
    due = _due(days).subquery()
    contacts = (
        select(func.count())
        .select_from(MessageContact)
        .join(Message, Message.id == MessageContact.message_id)
        .where(Message.case_id.in_(select(due.c.id)))
    )
    cases = select(func.count()).select_from(due)
    return PurgeReport(contacts=session.scalar(contacts) or 0, cases=session.scalar(cases) or 0)


def purge_contacts(
    session: Session, days: int, *, dry_run: bool = False, limit: int | None = None
) -> PurgeReport:
    """Delete contact details of messages whose case closed more than ``days`` days ago.

    ``limit`` bounds the cases of one call, one transaction: the command line loops, a
    batch committed at a time, so a year of cases neither holds one transaction for
    minutes nor loses all its work to a crash (it did both before the fourteenth probe); a
    run after a crash finds what is left, since a purged case has no contact any more.
    Each batch is one ``retention_run`` event in the audit trail (counts only). ``None``
    purges every case due at once.
    """
    if dry_run:
        return count_due(session, days)
    case_ids: list[str] = list(session.scalars(_due(days).order_by(Case.id).limit(limit)))
    if not case_ids:
        return PurgeReport(contacts=0, cases=0)
    rows = _contacts_of(session, case_ids)
    addresses = {v for contact, _ in rows for v in (contact.email, contact.phone) if v}
    reason = "the address was deleted by the retention policy"
    forget_addresses(session, addresses, set(case_ids), reason=reason)
    mask_contact_names(session, rows)
    session.execute(update(CaseRating).where(CaseRating.case_id.in_(case_ids)).values(comment=None))
    gone = [contact.message_id for contact, _ in rows]
    session.execute(delete(MessageContact).where(MessageContact.message_id.in_(gone)))
    for contact, _ in rows:
        session.expunge(contact)
    for case_id in case_ids:
        case = session.get(Case, case_id)
        if case is not None:
            record(session, case, EventAction.CONTACT_PURGED, payload={"retention_days": days})
    details = {"days": days, "cases": len(case_ids), "contacts": len(rows)}
    audit.record(session, audit.RETENTION_RUN, actor=audit.COMMAND_LINE, details=details)
    session.flush()
    return PurgeReport(contacts=len(rows), cases=len(case_ids))


def _contacts_of(session: Session, case_ids: list[str]) -> list[tuple[MessageContact, str | None]]:
    """The contacts of ``case_ids``' messages; the cases loaded with their messages and replies.

    Three statements for the batch, where masking the names asked three a case.
    """
    load = select(Case).where(Case.id.in_(case_ids))
    session.scalars(load.options(selectinload(Case.messages), selectinload(Case.replies))).all()
    query = (
        select(MessageContact, Message.case_id)
        .join(Message, Message.id == MessageContact.message_id)
        .where(Message.case_id.in_(case_ids))
    )
    return [(contact, case_id) for contact, case_id in session.execute(query)]


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
