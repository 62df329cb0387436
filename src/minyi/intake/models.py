"""Message (exactly as received), its private contact details, idempotency keys."""

from __future__ import annotations

import enum
from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy import (
    Boolean,
    Float,
    ForeignKey,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from minyi.db.base import ID_LENGTH, Base, IdMixin, StrEnumType, utcnow

if TYPE_CHECKING:
    from minyi.cases.models import Case


#: What a message's title and body read once erased at its author's request (flows.erasure):
#: no analysis reads it (hot issues skip it; the placeholder is nobody's words).
ERASED_TEXT = "（本留言内容已应留言人要求删除）"


class Channel(enum.StrEnum):
    """Where a message came from."""

    PORTAL = "portal"
    API = "api"
    OPEN311 = "open311"
    IMPORT = "import"


class ProcessingState(enum.StrEnum):
    """How far a stored message has gone through the pipeline."""

    RECEIVED = "received"
    PROCESSED = "processed"
    FAILED = "failed"


class Message(IdMixin, Base):
    """One message as received. Its title and body are never altered."""

    __tablename__ = "messages"
    __table_args__ = (UniqueConstraint("channel", "source", "external_id", name="channel_source_external"),)

    channel: Mapped[str] = mapped_column(String(20), index=True)
    source: Mapped[str] = mapped_column(String(120), default="")
    external_id: Mapped[str | None] = mapped_column(String(200))
    title: Mapped[str] = mapped_column(String(500))
    body: Mapped[str] = mapped_column(Text)
    language: Mapped[str] = mapped_column(String(10), default="zh")
    received_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    submitted_at: Mapped[datetime | None] = mapped_column()
    region: Mapped[str | None] = mapped_column(String(200))
    address: Mapped[str | None] = mapped_column(String(500))
    latitude: Mapped[float | None] = mapped_column(Float)
    longitude: Mapped[float | None] = mapped_column(Float)
    likes: Mapped[int] = mapped_column(Integer, default=0)
    dislikes: Mapped[int] = mapped_column(Integer, default=0)
    reposts: Mapped[int] = mapped_column(Integer, default=0)
    replies_count: Mapped[int] = mapped_column(Integer, default=0)
    author_pseudonym: Mapped[str | None] = mapped_column(String(40), index=True)
    requested_category_id: Mapped[str | None] = mapped_column(
        String(ID_LENGTH), ForeignKey("categories.id", ondelete="SET NULL")
    )
    is_public: Mapped[bool] = mapped_column(Boolean, default=False)
    tracking_code: Mapped[str] = mapped_column(String(20), unique=True)
    tracking_secret_hash: Mapped[str] = mapped_column(String(64))
    state: Mapped[ProcessingState] = mapped_column(
        StrEnumType(ProcessingState, 20), default=ProcessingState.RECEIVED, index=True
    )
    processing_error: Mapped[str | None] = mapped_column(Text)
    case_id: Mapped[str | None] = mapped_column(
        String(ID_LENGTH), ForeignKey("cases.id", ondelete="SET NULL"), index=True
    )

    case: Mapped[Case | None] = relationship(back_populates="messages")
    contact: Mapped[MessageContact | None] = relationship(
        back_populates="message", cascade="all, delete-orphan", uselist=False
    )


class MessageContact(Base):
    """Contact details, kept apart from the text and never shown in public views."""

    __tablename__ = "message_contacts"

    message_id: Mapped[str] = mapped_column(
        String(ID_LENGTH), ForeignKey("messages.id", ondelete="CASCADE"), primary_key=True
    )
    name: Mapped[str | None] = mapped_column(String(120))
    phone: Mapped[str | None] = mapped_column(String(40))
    email: Mapped[str | None] = mapped_column(String(200))

    message: Mapped[Message] = relationship(back_populates="contact")


class IdempotencyKey(Base):
    """Remembers an ``Idempotency-Key`` so a retried submission is stored once."""

    __tablename__ = "idempotency_keys"

    key: Mapped[str] = mapped_column(String(200), primary_key=True)
    request_hash: Mapped[str] = mapped_column(String(64))
    message_id: Mapped[str] = mapped_column(String(ID_LENGTH), ForeignKey("messages.id", ondelete="CASCADE"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
