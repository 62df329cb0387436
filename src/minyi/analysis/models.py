"""MessageAnalysis (derived fields, each with the version that produced it) and ModelRecord."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Boolean, Float, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from minyi.db.base import ID_LENGTH, Base, IdMixin, utcnow
from minyi.departments.models import Category
from minyi.intake.models import Message


class MessageAnalysis(Base):
    """The pipeline's output for one message. The message itself is never altered."""

    __tablename__ = "message_analyses"

    message_id: Mapped[str] = mapped_column(
        String(ID_LENGTH), ForeignKey("messages.id", ondelete="CASCADE"), primary_key=True
    )
    normalized_title: Mapped[str] = mapped_column(Text, default="")
    normalized_body: Mapped[str] = mapped_column(Text, default="")
    truncated: Mapped[bool] = mapped_column(Boolean, default=False)
    original_length: Mapped[int] = mapped_column(Integer, default=0)
    pii_kinds: Mapped[list[str]] = mapped_column(JSON, default=list)
    category_label: Mapped[str | None] = mapped_column(String(200))
    category_id: Mapped[str | None] = mapped_column(
        String(ID_LENGTH), ForeignKey("categories.id", ondelete="SET NULL"), index=True
    )
    category_confidence: Mapped[float | None] = mapped_column(Float)
    category_top: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    category_model: Mapped[str | None] = mapped_column(String(80), index=True)
    appeal_kind: Mapped[str | None] = mapped_column(String(20))
    appeal_confidence: Mapped[float | None] = mapped_column(Float)
    appeal_reasons: Mapped[list[str]] = mapped_column(JSON, default=list)
    appeal_model: Mapped[str | None] = mapped_column(String(80))
    duplicate_of_id: Mapped[str | None] = mapped_column(
        String(ID_LENGTH), ForeignKey("messages.id", ondelete="SET NULL"), index=True
    )
    duplicate_kind: Mapped[str | None] = mapped_column(String(10))
    duplicate_similarity: Mapped[float | None] = mapped_column(Float)
    duplicate_relation: Mapped[str | None] = mapped_column(String(30))
    duplicate_status: Mapped[str | None] = mapped_column(String(20))
    issue_id: Mapped[str | None] = mapped_column(
        String(ID_LENGTH), ForeignKey("hot_issues.id", ondelete="SET NULL"), index=True
    )
    issue_pinned: Mapped[bool] = mapped_column(Boolean, default=False)
    pipeline_version: Mapped[str] = mapped_column(String(80))
    analysed_at: Mapped[datetime] = mapped_column(default=utcnow)

    message: Mapped[Message] = relationship(foreign_keys=[message_id])
    category: Mapped[Category | None] = relationship()
    duplicate_of: Mapped[Message | None] = relationship(foreign_keys=[duplicate_of_id])


class ModelRecord(IdMixin, Base):
    """A trained model registered with this deployment; one per kind is active."""

    __tablename__ = "ml_models"

    kind: Mapped[str] = mapped_column(String(20), index=True)
    version: Mapped[str] = mapped_column(String(80), unique=True)
    path: Mapped[str] = mapped_column(String(1000))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    is_active: Mapped[bool] = mapped_column(Boolean, default=False)
    activated_at: Mapped[datetime | None] = mapped_column()
    training_size: Mapped[int] = mapped_column(Integer, default=0)
    metrics: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    note: Mapped[str] = mapped_column(String(500), default="")
