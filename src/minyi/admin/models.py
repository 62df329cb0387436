"""ReplyTemplate (the deadline rules live with the cases they time: minyi.cases.models)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from minyi.db.base import ID_LENGTH, Base, IdMixin, utcnow
from minyi.departments.models import Department


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
