"""HotIssue: a concrete problem many messages are about, stored with a stable id."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Boolean, Float, ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from minyi.db.base import ID_LENGTH, Base, IdMixin, utcnow


class HotIssue(IdMixin, Base):
    """One concrete problem (e.g. 丽发新城搅拌站噪音), refreshed from the messages about it.

    ``categories`` counts the messages per category label (the department mix);
    ``representative_ids`` are the most central messages. Staff decisions survive a
    refresh: a renamed issue keeps its title (``title_locked``), an issue merged into
    another keeps its row with ``merged_into_id`` so old links still lead somewhere, and
    messages staff placed by hand are pinned (``MessageAnalysis.issue_pinned``). An issue
    with no message for a while is archived (``archived_at``) and leaves the live index.
    """

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
    # Heat by people (see minyi.issues.detect.heat): √n per author's n posts, best-liked post per author.
    posts_counted: Mapped[float | None] = mapped_column(Float)
    people_likes: Mapped[int | None] = mapped_column(Integer)
    timeline: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    categories: Mapped[dict[str, int]] = mapped_column(JSON, default=dict)
    representative_ids: Mapped[list[str]] = mapped_column(JSON, default=list)
    title_locked: Mapped[bool] = mapped_column(Boolean, default=False)
    merged_into_id: Mapped[str | None] = mapped_column(
        String(ID_LENGTH), ForeignKey("hot_issues.id", ondelete="SET NULL"), index=True
    )
    archived_at: Mapped[datetime | None] = mapped_column(index=True)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)
