"""Knowledge articles (知识库条目) with their versions, and which suggestion was used for what.

An article is what a department says, once and for all, about a recurring question
(公积金贷款条件, 人才购房补贴 …): staff curate it, it is valid for a period, and every change
keeps the previous text as a version (who changed what, when). A :class:`KnowledgeUse`
records that a suggestion (an article or an answered case) was used for a reply draft or
for a direct answer, so the knowledge base learns what helps.
"""

from __future__ import annotations

import enum
from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, Date, Float, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from minyi.accounts.models import User
from minyi.db.base import ID_LENGTH, Base, IdMixin, StrEnumType, utcnow
from minyi.departments.models import Category, Department


class KnowledgeArticle(IdMixin, Base):
    """A curated answer to a recurring question; the current text (versions keep the old)."""

    __tablename__ = "knowledge_articles"

    title: Mapped[str] = mapped_column(String(300))
    body: Mapped[str] = mapped_column(Text)
    department_id: Mapped[str | None] = mapped_column(
        String(ID_LENGTH), ForeignKey("departments.id", ondelete="SET NULL"), index=True
    )
    category_id: Mapped[str | None] = mapped_column(
        String(ID_LENGTH), ForeignKey("categories.id", ondelete="SET NULL"), index=True
    )
    valid_from: Mapped[date | None] = mapped_column(Date)
    valid_to: Mapped[date | None] = mapped_column(Date, index=True)
    source_url: Mapped[str | None] = mapped_column(String(500))
    tags: Mapped[list[str]] = mapped_column(JSON, default=list)
    version: Mapped[int] = mapped_column(Integer, default=1)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    updated_by_id: Mapped[str | None] = mapped_column(
        String(ID_LENGTH), ForeignKey("users.id", ondelete="SET NULL")
    )

    department: Mapped[Department | None] = relationship()
    category: Mapped[Category | None] = relationship()
    updated_by: Mapped[User | None] = relationship()
    versions: Mapped[list[ArticleVersion]] = relationship(
        back_populates="article", order_by="ArticleVersion.version", passive_deletes=True
    )

    def valid_on(self, day: date) -> bool:
        """Whether the article is in force on ``day`` (expired articles are hidden)."""
        starts = self.valid_from is None or self.valid_from <= day
        return starts and (self.valid_to is None or day <= self.valid_to)


class ArticleVersion(IdMixin, Base):
    """One saved state of an article: what it said, who saved it, and when."""

    __tablename__ = "knowledge_article_versions"

    article_id: Mapped[str] = mapped_column(
        String(ID_LENGTH), ForeignKey("knowledge_articles.id", ondelete="CASCADE"), index=True
    )
    version: Mapped[int] = mapped_column(Integer)
    title: Mapped[str] = mapped_column(String(300))
    body: Mapped[str] = mapped_column(Text)
    fields: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)  # the other fields, as saved
    changed_by_id: Mapped[str | None] = mapped_column(
        String(ID_LENGTH), ForeignKey("users.id", ondelete="SET NULL")
    )
    changed_at: Mapped[datetime] = mapped_column(default=utcnow)
    note: Mapped[str] = mapped_column(String(300), default="")

    article: Mapped[KnowledgeArticle] = relationship(back_populates="versions")
    changed_by: Mapped[User | None] = relationship()


class UseKind(enum.StrEnum):
    """What a knowledge suggestion was used for."""

    DRAFT = "draft"  # it filled the reply editor ("use as draft")
    DIRECT_ANSWER = "direct_answer"  # 直接答复: the case was answered and closed with it


class KnowledgeUse(IdMixin, Base):
    """A suggestion (article or answered case) used on a case: what helps is counted."""

    __tablename__ = "knowledge_uses"

    case_id: Mapped[str] = mapped_column(
        String(ID_LENGTH), ForeignKey("cases.id", ondelete="CASCADE"), index=True
    )
    source: Mapped[str] = mapped_column(String(20))  # "case" or "article"
    source_id: Mapped[str] = mapped_column(String(ID_LENGTH), index=True)
    kind: Mapped[UseKind] = mapped_column(StrEnumType(UseKind, 20), index=True)
    score: Mapped[float | None] = mapped_column(Float)
    used_by_id: Mapped[str | None] = mapped_column(
        String(ID_LENGTH), ForeignKey("users.id", ondelete="SET NULL")
    )
    used_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
