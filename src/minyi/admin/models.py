"""DeadlineRuleRecord and ReplyTemplate."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Float, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from minyi.db.base import ID_LENGTH, Base, IdMixin, utcnow
from minyi.departments.models import Category, Department


class DeadlineRuleRecord(IdMixin, Base):
    """A reply deadline for a kind of appeal and/or a category (and everything below it)."""

    __tablename__ = "deadline_rules"

    appeal_kind: Mapped[str | None] = mapped_column(String(20))
    category_id: Mapped[str | None] = mapped_column(
        String(ID_LENGTH), ForeignKey("categories.id", ondelete="CASCADE"), index=True
    )
    reply_working_days: Mapped[int | None] = mapped_column(Integer)
    reply_hours: Mapped[float | None] = mapped_column(Float)
    note: Mapped[str] = mapped_column(String(300), default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    category: Mapped[Category | None] = relationship()


class ReplyTemplate(IdMixin, Base):
    """A reply text with placeholders such as {number}, {title}, {department}, {phone}, {date}."""

    __tablename__ = "reply_templates"

    name: Mapped[str] = mapped_column(String(120))
    body: Mapped[str] = mapped_column(Text)
    department_id: Mapped[str | None] = mapped_column(
        String(ID_LENGTH), ForeignKey("departments.id", ondelete="CASCADE"), index=True
    )
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    department: Mapped[Department | None] = relationship()
