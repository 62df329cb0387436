"""HotIssue: a concrete problem many messages are about, stored with a stable id."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Float, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from minyi.db.base import Base, IdMixin, utcnow


class HotIssue(IdMixin, Base):
    """One concrete problem (e.g. 丽发新城搅拌站噪音), refreshed from the messages about it."""

    __tablename__ = "hot_issues"

    title: Mapped[str] = mapped_column(String(300))
    keywords: Mapped[list[str]] = mapped_column(JSON, default=list)
    places: Mapped[list[str]] = mapped_column(JSON, default=list)
    first_time: Mapped[datetime] = mapped_column()
    last_time: Mapped[datetime] = mapped_column(index=True)
    size: Mapped[int] = mapped_column(Integer, default=0)
    authors: Mapped[int] = mapped_column(Integer, default=0)
    likes: Mapped[int] = mapped_column(Integer, default=0)
    dislikes: Mapped[int] = mapped_column(Integer, default=0)
    reposts: Mapped[int] = mapped_column(Integer, default=0)
    replies: Mapped[int] = mapped_column(Integer, default=0)
    heat: Mapped[float] = mapped_column(Float, default=0.0, index=True)
    timeline: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)
