"""The outbox: notifications waiting to be sent, sent, or given up on."""

from __future__ import annotations

import enum
from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from minyi.db.base import ID_LENGTH, Base, IdMixin, StrEnumType, utcnow


class NotifyChannel(enum.StrEnum):
    """How a notification travels."""

    EMAIL = "email"
    SMS = "sms"
    WEBHOOK = "webhook"


#: The recipient of a notification whose address the retention policy deleted: never sent.
PURGED_RECIPIENT = "[deleted]"


class OutboxStatus(enum.StrEnum):
    """Where an outbox item stands.

    ``pending`` waits for its first try, ``failed`` waits for a retry at
    ``next_attempt_at``, ``sent`` is done and ``dead`` was given up after too many tries
    (``minyi notify retry-dead`` queues it again).
    """

    PENDING = "pending"
    SENT = "sent"
    FAILED = "failed"
    DEAD = "dead"


DUE_STATUSES = (OutboxStatus.PENDING.value, OutboxStatus.FAILED.value)


class OutboxMessage(IdMixin, Base):
    """One notification, written in the transaction of the change that causes it."""

    __tablename__ = "outbox_messages"

    channel: Mapped[str] = mapped_column(String(20))
    recipient: Mapped[str] = mapped_column(String(300))
    subject: Mapped[str] = mapped_column(String(300))
    body: Mapped[str] = mapped_column(Text)
    payload: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    status: Mapped[OutboxStatus] = mapped_column(
        StrEnumType(OutboxStatus, 20),
        default=OutboxStatus.PENDING,
        server_default=OutboxStatus.PENDING.value,
        index=True,
    )
    attempts: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    next_attempt_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    last_error: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    sent_at: Mapped[datetime | None] = mapped_column()
    dedupe_key: Mapped[str | None] = mapped_column(String(200), unique=True)
    case_id: Mapped[str | None] = mapped_column(
        String(ID_LENGTH), ForeignKey("cases.id", ondelete="SET NULL"), index=True
    )

    def __repr__(self) -> str:
        """Id, channel and status; never the recipient or the text."""
        return f"<OutboxMessage {self.id} {self.channel} {self.status}>"
