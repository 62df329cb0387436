"""Each kind of appeal handled its own way (建设性意见要吸纳、困难要帮助).

* A **suggestion** (建议) gets an adoption decision — 采纳 / 部分采纳 / 不采纳, with a reason —
  which the citizen sees on the tracking page (and, for a public case, on ``/public``) and
  which the public figures count: a suggestion box that never says what became of a
  suggestion teaches people to stop making them.
* A **help request** (求助) can be flagged for a callback (回电): someone in difficulty is
  better served by a person calling back than by a written answer alone. The flag stays
  open in the inbox until the call is recorded.
* **Praise** (表扬) has no reply deadline (see :func:`minyi.cases.rules.reply_due`): it goes
  to the department's record and never shows as overdue.

Decisions and callbacks are rows of their own (not columns of :class:`Case`), each step is
also a :class:`CaseEvent`, and who may take it is decided in ``minyi.accounts.permissions``.
"""

from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import ForeignKey, String, Text, select
from sqlalchemy.orm import Mapped, Session, backref, mapped_column, relationship

from minyi.accounts.models import User
from minyi.accounts.permissions import Action, require
from minyi.cases.events import record
from minyi.cases.models import AppealKind, Case, CaseEvent, CaseStatus, EventAction
from minyi.core.errors import Conflict, InvalidInput
from minyi.db.base import ID_LENGTH, Base, IdMixin, StrEnumType, new_id, utcnow

MAX_REASON = 1000


class Adoption(enum.StrEnum):
    """What became of a suggestion."""

    ADOPTED = "adopted"  # 采纳
    PARTLY = "partly_adopted"  # 部分采纳
    NOT_ADOPTED = "not_adopted"  # 不采纳


ADOPTION_LABELS: dict[Adoption, tuple[str, str]] = {
    Adoption.ADOPTED: ("采纳", "Adopted"),
    Adoption.PARTLY: ("部分采纳", "Partly adopted"),
    Adoption.NOT_ADOPTED: ("不采纳", "Not adopted"),
}


class SuggestionDecision(IdMixin, Base):
    """The adoption decision on a suggestion; one per case (a new decision replaces it)."""

    __tablename__ = "suggestion_decisions"

    case_id: Mapped[str] = mapped_column(
        String(ID_LENGTH), ForeignKey("cases.id", ondelete="CASCADE"), unique=True
    )
    decision: Mapped[Adoption] = mapped_column(StrEnumType(Adoption, 20), index=True)
    reason: Mapped[str] = mapped_column(Text)
    decided_by_id: Mapped[str | None] = mapped_column(
        String(ID_LENGTH), ForeignKey("users.id", ondelete="SET NULL")
    )
    decided_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)

    # ``case.suggestion_decision`` for the pages, without a column on the case.
    case: Mapped[Case] = relationship(
        backref=backref("suggestion_decision", uselist=False, passive_deletes=True)
    )


class CallbackRequest(IdMixin, Base):
    """A help request flagged for a call back to the citizen (回电), open until done."""

    __tablename__ = "callback_requests"

    case_id: Mapped[str] = mapped_column(
        String(ID_LENGTH), ForeignKey("cases.id", ondelete="CASCADE"), index=True
    )
    note: Mapped[str] = mapped_column(Text, default="")
    requested_by_id: Mapped[str | None] = mapped_column(
        String(ID_LENGTH), ForeignKey("users.id", ondelete="SET NULL")
    )
    requested_at: Mapped[datetime] = mapped_column(default=utcnow)
    done_at: Mapped[datetime | None] = mapped_column(index=True)
    done_by_id: Mapped[str | None] = mapped_column(
        String(ID_LENGTH), ForeignKey("users.id", ondelete="SET NULL")
    )
    outcome: Mapped[str | None] = mapped_column(Text)

    # ``case.callbacks`` for the pages, oldest first.
    case: Mapped[Case] = relationship(
        backref=backref("callbacks", order_by="CallbackRequest.requested_at", passive_deletes=True)
    )


def _text(value: str, field: str, *, required: bool) -> str:
    """``value`` stripped; InvalidInput naming ``field`` when required and empty, or too long."""
    text = value.strip()
    if required and not text:
        raise InvalidInput(f"{field}: say why", field=field)
    if len(text) > MAX_REASON:
        raise InvalidInput(f"{field}: at most {MAX_REASON} characters", field=field)
    return text


def decide_suggestion(
    session: Session, user: User, case: Case, decision: str, reason: str
) -> SuggestionDecision:
    """Record (or change) the adoption decision on a suggestion, with the reason the citizen reads."""
    require(user, Action.DECIDE_SUGGESTION, case.department_id)
    if case.appeal_kind != AppealKind.SUGGESTION:
        raise Conflict("only a suggestion gets an adoption decision")
    try:
        adoption = Adoption(decision)
    except ValueError:
        raise InvalidInput(
            "decision: one of adopted, partly_adopted, not_adopted", field="decision"
        ) from None
    if not reason.strip():  # the form's field is 采纳理由: say which reason is missing
        raise InvalidInput("reason: say why the suggestion is adopted or not", field="reason")
    text = _text(reason, "reason", required=True)
    row = suggestion_decision(session, case)
    if row is None:
        row = SuggestionDecision(id=new_id(), case=case, case_id=case.id, decision=adoption, reason=text)
        session.add(row)
    row.decision, row.reason = adoption, text
    row.decided_by_id, row.decided_at = user.id, utcnow()
    record(
        session,
        case,
        EventAction.SUGGESTION_DECIDED,
        user=user,
        payload={"adoption": adoption.value, "reason": text},
    )
    return row


def suggestion_decision(session: Session, case: Case) -> SuggestionDecision | None:
    """The case's adoption decision, if one was taken."""
    return session.scalar(select(SuggestionDecision).where(SuggestionDecision.case_id == case.id))


def flag_callback(session: Session, user: User, case: Case, note: str = "") -> CallbackRequest:
    """Flag a help request for a call back; a second flag while one is open is refused.

    A closed case is refused too: nobody works on it any more, so the flag would stay open
    in the inbox with no one to make the call. Reopening the case (重办) allows it again.
    A callback flagged before the case closed can still be recorded as done.
    """
    require(user, Action.FLAG_CALLBACK, case.department_id)
    if case.appeal_kind != AppealKind.HELP:
        raise Conflict("only a help request is flagged for a callback")
    if case.status == CaseStatus.CLOSED:
        raise Conflict("a closed case is not flagged for a callback; reopen it first")
    if open_callback(session, case) is not None:
        raise Conflict("a callback for this case is already waiting")
    row = CallbackRequest(
        id=new_id(),
        case=case,
        case_id=case.id,
        note=_text(note, "note", required=False),
        requested_by_id=user.id,
        requested_at=utcnow(),
    )
    session.add(row)
    record(
        session,
        case,
        EventAction.CALLBACK_FLAGGED,
        user=user,
        payload={"callback": "flagged", "note": row.note},
    )
    return row


def complete_callback(session: Session, user: User, case: Case, outcome: str) -> CallbackRequest:
    """Record that the citizen was called back, and what came of it."""
    require(user, Action.FLAG_CALLBACK, case.department_id)
    row = open_callback(session, case)
    if row is None:
        raise Conflict("no callback is waiting for this case")
    row.outcome = _text(outcome, "outcome", required=True)
    row.done_at, row.done_by_id = utcnow(), user.id
    record(
        session,
        case,
        EventAction.CALLBACK_DONE,
        user=user,
        payload={"callback": "done", "outcome": row.outcome},
    )
    return row


def open_callback(session: Session, case: Case) -> CallbackRequest | None:
    """The case's callback that is still waiting, if any."""
    query = select(CallbackRequest).where(
        CallbackRequest.case_id == case.id, CallbackRequest.done_at.is_(None)
    )
    return session.scalar(query)


def callbacks_waiting(session: Session, case_ids: list[str]) -> set[str]:
    """Which of ``case_ids`` have a callback waiting (for the inbox's badge)."""
    if not case_ids:
        return set()
    query = select(CallbackRequest.case_id).where(
        CallbackRequest.case_id.in_(case_ids), CallbackRequest.done_at.is_(None)
    )
    return set(session.scalars(query))


def adoption_counts(
    session: Session, start: datetime | None = None, end: datetime | None = None
) -> dict[str, int]:
    """How many suggestions were adopted, partly adopted and not adopted (decided in [start, end)).

    A case absorbed into another (并案) is counted in that other case only, as every public
    figure is (``accountability.definitions``): two near copies of one suggestion, each
    decided before the merge, were two adopted suggestions on the public dashboard
    (eleventh probe). A case whose kind was corrected away from 建议 after its decision
    (kept, with its history) is no suggestion: the dashboard counted it (twelfth probe).
    """
    merged = select(CaseEvent.case_id).where(CaseEvent.action == EventAction.MERGED_INTO)
    suggestions = select(Case.id).where(Case.appeal_kind == AppealKind.SUGGESTION.value)
    query = select(SuggestionDecision.decision).where(
        SuggestionDecision.case_id.not_in(merged), SuggestionDecision.case_id.in_(suggestions)
    )
    if start is not None:
        query = query.where(SuggestionDecision.decided_at >= start)
    if end is not None:
        query = query.where(SuggestionDecision.decided_at < end)
    counts = {adoption.value: 0 for adoption in Adoption}
    for decision in session.scalars(query):
        counts[Adoption(decision).value] += 1
    return counts
