"""Case, CaseEvent, Reply and the rest of a case's rows, and the deadline rules that time it."""

from __future__ import annotations

import enum
from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Boolean, Float, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from minyi.accounts.models import User
from minyi.db.base import ID_LENGTH, Base, IdMixin, StrEnumType, TimestampMixin, utcnow
from minyi.departments.models import Category, Department
from minyi.intake.models import Message


class CaseStatus(enum.StrEnum):
    """Where a case stands (受理 → 派单 → 签收 → 办理 → 答复 → 回访 → 办结)."""

    RECEIVED = "received"
    ACCEPTED = "accepted"
    DISPATCHED = "dispatched"
    SIGNED = "signed"
    IN_PROGRESS = "in_progress"
    REPLIED = "replied"
    FOLLOW_UP = "follow_up"
    CLOSED = "closed"


class AppealKind(enum.StrEnum):
    """The kind of appeal a message makes."""

    INQUIRY = "inquiry"
    HELP = "help"
    COMPLAINT = "complaint"
    SUGGESTION = "suggestion"
    PRAISE = "praise"
    REPORT = "report"
    UNDETERMINED = "undetermined"  # 未能判断: the model was not sure; deadlines use the general rule


class EventAction(enum.StrEnum):
    """What a :class:`CaseEvent` records; every step of the code writes one of these."""

    RECEIVED = "received"  # the case was opened for a message
    ACCEPTED = "accepted"  # 受理
    DISPATCHED = "dispatched"  # 派单
    REASSIGNED = "reassigned"  # dispatched again, to another department
    RETURNED = "returned"  # 退单: the department sends it back
    STATUS = "status"  # a plain status change (sign, start work, follow up, close)
    RECATEGORISED = "recategorised"
    NOTE = "note"  # an internal note
    REPLIED = "replied"  # the public reply that answers the case
    REPLY_ADDED = "reply_added"  # a further public reply
    EXTENSION_REQUESTED = "extension_requested"  # 延期
    EXTENSION_DECIDED = "extension_decided"
    SUPERVISED = "supervised"  # 督办
    REOPENED = "reopened"  # 重办
    RATED = "rated"  # 回访: the citizen's rating
    CLOSED_BY_RATING = "closed_by_rating"
    NOT_REACHED = "not_reached"  # follow-up time ran out; closed
    MERGED = "merged"  # a duplicate message joined the case
    MERGE_CONFIRMED = "merge_confirmed"
    SPLIT = "split"  # a merged message was taken out into a new case
    SPLIT_FROM = "split_from"
    CASES_MERGED = "cases_merged"  # 并案: another case was absorbed into this one
    MERGED_INTO = "merged_into"  # 并案: this case was absorbed and closed
    CONTACT_PURGED = "contact_purged"  # retention deleted the contact details
    DEADLINE_MOVED = "deadline_moved"  # 顺延: off a day that became a holiday (cases.holiday_shift)
    ERASED = "erased"  # a person's data erased at their request (flows.erasure)
    MARKED_URGENT = "marked_urgent"  # an emergency rule hit one of its messages
    SUGGESTION_DECIDED = "suggestion_decided"  # 建议: adopted, partly adopted or not (cases.kinds)
    CALLBACK_FLAGGED = "callback_flagged"  # 求助: flagged for a call back to the citizen
    CALLBACK_DONE = "callback_done"  # the citizen was called back
    KIND_CORRECTED = "kind_corrected"  # a person corrected the kind of appeal (cases.kind_corrections)


ANSWERED_STATUSES = frozenset({CaseStatus.REPLIED, CaseStatus.FOLLOW_UP, CaseStatus.CLOSED})


class Case(IdMixin, TimestampMixin, Base):
    """One matter handled by one department, made of one or more messages."""

    __tablename__ = "cases"
    #: the inbox's newest-first tail: a cursor page of answered cases walks it (cases.inbox_pages)
    __table_args__ = (Index("ix_cases_created_at_id", "created_at", "id"),)

    number: Mapped[str] = mapped_column(String(30), unique=True)
    title: Mapped[str] = mapped_column(String(500))
    status: Mapped[CaseStatus] = mapped_column(
        StrEnumType(CaseStatus, 20), default=CaseStatus.RECEIVED, index=True
    )
    category_id: Mapped[str | None] = mapped_column(
        String(ID_LENGTH), ForeignKey("categories.id", ondelete="SET NULL"), index=True
    )
    category_source: Mapped[str | None] = mapped_column(String(20))
    appeal_kind: Mapped[str | None] = mapped_column(String(20))
    department_id: Mapped[str | None] = mapped_column(
        String(ID_LENGTH), ForeignKey("departments.id", ondelete="SET NULL"), index=True
    )
    is_public: Mapped[bool] = mapped_column(Boolean, default=False)
    accepted_at: Mapped[datetime | None] = mapped_column()
    due_at: Mapped[datetime | None] = mapped_column(index=True)
    #: 签收期限: the department must sign for the case by then (set at dispatch when a rule
    #: sets ``accept_hours``; cleared when it signs for it or sends it back)
    sign_due_at: Mapped[datetime | None] = mapped_column(index=True)
    #: the rules' reply deadline from the first message, for the inbox while the case has no
    #: ``due_at`` of its own (never accepted): stored, so that the inbox sorts and filters by SQL
    #: (``cases.desk_due``); NULL for praise, which has none, and meaningless once ``due_at`` is set
    desk_due_at: Mapped[datetime | None] = mapped_column(index=True)
    supervised: Mapped[bool] = mapped_column(Boolean, default=False, index=True)
    urgent: Mapped[bool] = mapped_column(Boolean, default=False, index=True)  # an emergency: inbox top
    urgent_reason: Mapped[str | None] = mapped_column(String(200))  # the emergency words that made it so
    supervision_note: Mapped[str | None] = mapped_column(Text)
    supervision_due_at: Mapped[datetime | None] = mapped_column()
    reopened_count: Mapped[int] = mapped_column(Integer, default=0)
    follow_up_due_at: Mapped[datetime | None] = mapped_column()
    replied_at: Mapped[datetime | None] = mapped_column()
    closed_at: Mapped[datetime | None] = mapped_column()
    #: Raised by every step (:func:`minyi.cases.events.record`); an UPDATE writes only if it
    #: still holds the value read, so two steps taken at once cannot both win (the second
    #: raises ``StaleDataError``, answered 409: reload and try again).
    version: Mapped[int] = mapped_column(Integer, default=0, server_default="0")

    __mapper_args__ = {"version_id_col": version, "version_id_generator": False}  # noqa: RUF012 - SQLAlchemy's mapping

    category: Mapped[Category | None] = relationship()
    department: Mapped[Department | None] = relationship()
    messages: Mapped[list[Message]] = relationship(back_populates="case", order_by="Message.received_at")
    events: Mapped[list[CaseEvent]] = relationship(
        back_populates="case", order_by="CaseEvent.created_at", cascade="all, delete-orphan"
    )
    replies: Mapped[list[Reply]] = relationship(
        back_populates="case", order_by="Reply.created_at", cascade="all, delete-orphan"
    )

    @property
    def is_answered(self) -> bool:
        """Whether a reply has been given."""
        return self.status in ANSWERED_STATUSES

    @property
    def public_message(self) -> Message | None:
        """The first message whose author agreed to publish it: what a public view shows.

        Not simply the first message: a merge (并案, a group merge, a repeat that joined)
        brings in other citizens' messages, which may be older and whose authors may not
        have agreed. ``None`` when no message of the case may be shown.
        """
        return next((message for message in self.messages if message.is_public), None)

    @property
    def written_at(self) -> datetime:
        """留言时间 of the case's first message: when its author wrote (a file's date), else when it came.

        The earliest of all the case's messages, merged ones included (public or not): when
        the office first heard of the matter, from which the rules' deadline counts and by
        which the scorecard puts the case in its month. Every public surface (``cases.csv``,
        Open311, the public search) dates a case by it: ``cases.csv`` took the first *public*
        message, so a case that absorbed an older message (并案) was in June on the scorecard
        and in November in the open data (twelfth probe, left open). Only the time is
        published, cut to the hour, never the other message. A case with no message left
        falls back on its own creation.
        """
        times = [message.submitted_at or message.received_at for message in self.messages]
        return min(times) if times else self.created_at


class CaseEvent(IdMixin, Base):
    """One step in a case's history. Rows are only ever added, never changed."""

    __tablename__ = "case_events"

    case_id: Mapped[str] = mapped_column(
        String(ID_LENGTH), ForeignKey("cases.id", ondelete="CASCADE"), index=True
    )
    actor: Mapped[str] = mapped_column(String(80))
    actor_user_id: Mapped[str | None] = mapped_column(
        String(ID_LENGTH), ForeignKey("users.id", ondelete="SET NULL")
    )
    action: Mapped[EventAction] = mapped_column(StrEnumType(EventAction, 40))
    from_status: Mapped[CaseStatus | None] = mapped_column(StrEnumType(CaseStatus, 20))
    to_status: Mapped[CaseStatus | None] = mapped_column(StrEnumType(CaseStatus, 20))
    payload: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    created_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)

    case: Mapped[Case] = relationship(back_populates="events")
    actor_user: Mapped[User | None] = relationship()


class Reply(IdMixin, Base):
    """A reply to a case: public (the answer) or internal (a note between staff)."""

    __tablename__ = "replies"

    case_id: Mapped[str] = mapped_column(
        String(ID_LENGTH), ForeignKey("cases.id", ondelete="CASCADE"), index=True
    )
    author_user_id: Mapped[str | None] = mapped_column(
        String(ID_LENGTH), ForeignKey("users.id", ondelete="SET NULL")
    )
    body: Mapped[str] = mapped_column(Text)
    is_public: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    case: Mapped[Case] = relationship(back_populates="replies")
    author: Mapped[User | None] = relationship()


class ExtensionStatus(enum.StrEnum):
    """Where a request for more time stands."""

    PENDING = "pending"
    APPROVED = "approved"
    REJECTED = "rejected"


class ExtensionRequest(IdMixin, Base):
    """A department's request for more time (延期), decided by a supervisor."""

    __tablename__ = "extension_requests"

    case_id: Mapped[str] = mapped_column(
        String(ID_LENGTH), ForeignKey("cases.id", ondelete="CASCADE"), index=True
    )
    requested_by_id: Mapped[str | None] = mapped_column(
        String(ID_LENGTH), ForeignKey("users.id", ondelete="SET NULL")
    )
    working_days: Mapped[int] = mapped_column(Integer)
    reason: Mapped[str] = mapped_column(Text)
    status: Mapped[ExtensionStatus] = mapped_column(
        StrEnumType(ExtensionStatus, 20), default=ExtensionStatus.PENDING, index=True
    )
    decided_by_id: Mapped[str | None] = mapped_column(
        String(ID_LENGTH), ForeignKey("users.id", ondelete="SET NULL")
    )
    decision_note: Mapped[str | None] = mapped_column(Text)
    decided_at: Mapped[datetime | None] = mapped_column()
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    case: Mapped[Case] = relationship()


class Satisfaction(enum.StrEnum):
    """The citizen's verdict on the answer (满意 / 基本满意 / 不满意), or not reached."""

    SATISFIED = "satisfied"
    BASICALLY = "basically_satisfied"
    UNSATISFIED = "unsatisfied"
    NOT_REACHED = "not_reached"


class CaseRating(IdMixin, Base):
    """A follow-up answer (回访): satisfaction, whether the problem was solved, a comment."""

    __tablename__ = "case_ratings"

    case_id: Mapped[str] = mapped_column(
        String(ID_LENGTH), ForeignKey("cases.id", ondelete="CASCADE"), index=True
    )
    message_id: Mapped[str | None] = mapped_column(
        String(ID_LENGTH), ForeignKey("messages.id", ondelete="SET NULL")
    )
    satisfaction: Mapped[Satisfaction] = mapped_column(StrEnumType(Satisfaction, 30))
    solved: Mapped[bool | None] = mapped_column(Boolean)
    comment: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)


class Statement(IdMixin, Base):
    """A public statement (权威发布) that answers several cases at once, e.g. a whole hot issue."""

    __tablename__ = "statements"

    title: Mapped[str] = mapped_column(String(300))
    body: Mapped[str] = mapped_column(Text)
    issue_key: Mapped[str | None] = mapped_column(String(80), index=True)
    department_id: Mapped[str | None] = mapped_column(
        String(ID_LENGTH), ForeignKey("departments.id", ondelete="SET NULL")
    )
    author_user_id: Mapped[str | None] = mapped_column(
        String(ID_LENGTH), ForeignKey("users.id", ondelete="SET NULL")
    )
    published_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)

    department: Mapped[Department | None] = relationship()
    links: Mapped[list[StatementCase]] = relationship(
        back_populates="statement", cascade="all, delete-orphan"
    )


class StatementCase(Base):
    """One case a statement answers, with a note for that case where needed."""

    __tablename__ = "statement_cases"

    statement_id: Mapped[str] = mapped_column(
        String(ID_LENGTH), ForeignKey("statements.id", ondelete="CASCADE"), primary_key=True
    )
    case_id: Mapped[str] = mapped_column(
        String(ID_LENGTH), ForeignKey("cases.id", ondelete="CASCADE"), primary_key=True
    )
    note: Mapped[str | None] = mapped_column(Text)

    statement: Mapped[Statement] = relationship(back_populates="links")
    case: Mapped[Case] = relationship()


class DeadlineRuleRecord(IdMixin, Base):
    """A reply and/or acceptance deadline for a kind of appeal and/or a category (and below it)."""

    __tablename__ = "deadline_rules"

    appeal_kind: Mapped[str | None] = mapped_column(String(20))
    category_id: Mapped[str | None] = mapped_column(
        String(ID_LENGTH), ForeignKey("categories.id", ondelete="CASCADE"), index=True
    )
    reply_working_days: Mapped[int | None] = mapped_column(Integer)
    reply_hours: Mapped[float | None] = mapped_column(Float)
    accept_hours: Mapped[float | None] = mapped_column(Float)  # 签收时限: working hours from dispatch
    urgent: Mapped[bool] = mapped_column(Boolean, default=False)  # applies to urgent cases only
    note: Mapped[str] = mapped_column(String(300), default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    category: Mapped[Category | None] = relationship()
