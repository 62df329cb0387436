"""Merge duplicate messages into one case, and let staff confirm or undo a merge.

A message that repeats an earlier one (the same author again, or many authors sending
one text: a joint letter, 联名信) joins the earlier message's case while that case is
open. Staff see the link on the case page and may confirm it or split the message off
into a case of its own.
"""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from minyi.accounts.models import User
from minyi.analysis.models import MessageAnalysis
from minyi.cases import desk_due
from minyi.cases.models import Case, CaseStatus, EventAction
from minyi.cases.services import CaseError, open_case, record
from minyi.intake.models import Message

AUTO, CONFIRMED, UNDONE = "auto", "confirmed", "undone"


def attach_duplicate(session: Session, message: Message, analysis: MessageAnalysis | None) -> Case | None:
    """Put ``message`` into the open case of the message it duplicates; None when there is none."""
    if analysis is None or analysis.duplicate_of_id is None:
        return None
    earlier = session.get(Message, analysis.duplicate_of_id)
    case = earlier.case if earlier is not None else None
    if case is None or case.status == CaseStatus.CLOSED:
        return None
    message.case = case
    if case.due_at is None:  # an earlier message (an old one imported late) moves the desk's deadline
        desk_due.recount(session, case)
    record(
        session,
        case,
        EventAction.MERGED,
        payload={
            "message_id": message.id,
            "duplicate_of": analysis.duplicate_of_id,
            "kind": analysis.duplicate_kind,
            "similarity": analysis.duplicate_similarity,
            "relation": analysis.duplicate_relation,
        },
    )
    session.flush()
    return case


def supporters(session: Session, case: Case) -> int:
    """Distinct (pseudonymous) authors among the case's messages; anonymous ones count once each."""
    named = session.scalar(
        select(func.count(func.distinct(Message.author_pseudonym))).where(
            Message.case_id == case.id, Message.author_pseudonym.is_not(None)
        )
    )
    anonymous = session.scalar(
        select(func.count()).where(Message.case_id == case.id, Message.author_pseudonym.is_(None))
    )
    return int(named or 0) + int(anonymous or 0)


def _merged_analysis(session: Session, message: Message) -> MessageAnalysis:
    row = session.get(MessageAnalysis, message.id)
    if row is None or row.duplicate_of_id is None or row.duplicate_status not in {AUTO, CONFIRMED}:
        raise CaseError("this message was not merged as a duplicate")
    return row


def confirm_merge(session: Session, user: User, message: Message) -> None:
    """Staff agree that ``message`` belongs in its case."""
    row = _merged_analysis(session, message)
    row.duplicate_status = CONFIRMED
    if message.case is not None:
        record(
            session, message.case, EventAction.MERGE_CONFIRMED, user=user, payload={"message_id": message.id}
        )
    session.flush()


def undo_merge(session: Session, user: User, message: Message) -> Case:
    """Take ``message`` out of the case it was merged into, into a new case of its own."""
    row = _merged_analysis(session, message)
    old = message.case
    if old is None or len(old.messages) < 2:  # noqa: PLR2004 - a case keeps at least one message
        raise CaseError("the message is the only one in its case")
    if old.messages[0].id == message.id:
        raise CaseError("the first message of a case cannot be split off")
    row.duplicate_status = UNDONE
    message.case = None
    session.flush()
    # public only while an author who agreed is left in it (the one split off may have been it)
    old.is_public = old.is_public and any(m.is_public for m in old.messages if m.id != message.id)
    new = open_case(session, message, row, threshold=1.1)  # routed again by a person, not by the guess
    new.category = old.category
    new.category_source = old.category_source
    if old.due_at is None:
        desk_due.recount(session, old)
    if new.due_at is None:
        desk_due.recount(session, new)
    record(
        session, old, EventAction.SPLIT, user=user, payload={"message_id": message.id, "new_case": new.number}
    )
    record(session, new, EventAction.SPLIT_FROM, user=user, payload={"case": old.number})
    session.flush()
    return new
