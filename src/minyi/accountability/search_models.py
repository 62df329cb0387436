"""The public search index: one row per listed case, its texts already masked.

A row exists for a case while ``/public`` lists it (the author agreed to publish it and it
is answered); :mod:`minyi.accountability.search_index` writes and removes rows. The row keeps
what the public may read (masked title, first message and public replies), the filters
(department, category, region, status, received time) and the searchable form of the text:

- on PostgreSQL ``search_vector`` is a ``tsvector`` of the space-joined tokens (``simple``
  configuration, positions stripped) under a GIN index;
- on SQLite ``search_vector`` stays empty; the tokens live in the FTS5 table
  ``public_search_fts`` (rowid = :attr:`PublicSearchDoc.id`), which the migration creates,
  with a trigger that removes its row when the index row goes (a case deleted, say).

``id`` is a growing integer: rows are numbered in the order cases were indexed (a rebuild
numbers them by answer time), so "newest first" is "highest id first", which both engines
walk without sorting the matches.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, ForeignKey, Index, Integer, String, Text
from sqlalchemy.dialects import postgresql
from sqlalchemy.orm import Mapped, mapped_column

from minyi.db.base import ID_LENGTH, Base

__all__ = ["FTS_TABLE", "SEARCH_VECTOR_TYPE", "PublicSearchDoc"]

#: The SQLite FTS5 table of the index (not a model: SQLAlchemy cannot describe it).
FTS_TABLE = "public_search_fts"
#: ``tsvector`` on PostgreSQL; plain text (left empty) elsewhere.
SEARCH_VECTOR_TYPE = Text().with_variant(postgresql.TSVECTOR(), "postgresql")
#: A 64-bit counter on PostgreSQL; SQLite's rowid (an ``INTEGER PRIMARY KEY``) there.
ROW_ID_TYPE = BigInteger().with_variant(Integer(), "sqlite")


class PublicSearchDoc(Base):
    """A listed case as the public search reads it (texts masked when indexed)."""

    __tablename__ = "public_search"
    __table_args__ = (
        Index("ix_public_search_search_vector", "search_vector", postgresql_using="gin"),
        # (filter, id): PostgreSQL walks one filter value's rows newest first (search_walk)
        Index("ix_public_search_department_id_id", "department_id", "id"),
        Index("ix_public_search_status_id", "status", "id"),
        Index("ix_public_search_region_id", "region", "id"),
    )

    id: Mapped[int] = mapped_column(ROW_ID_TYPE, primary_key=True, autoincrement=True)
    case_id: Mapped[str] = mapped_column(
        String(ID_LENGTH), ForeignKey("cases.id", ondelete="CASCADE"), unique=True
    )
    number: Mapped[str] = mapped_column(String(30))
    title: Mapped[str] = mapped_column(String(500))
    body: Mapped[str] = mapped_column(Text)
    reply: Mapped[str] = mapped_column(Text)
    department_id: Mapped[str | None] = mapped_column(
        String(ID_LENGTH), ForeignKey("departments.id", ondelete="SET NULL")
    )
    category_id: Mapped[str | None] = mapped_column(
        String(ID_LENGTH), ForeignKey("categories.id", ondelete="SET NULL"), index=True
    )
    region: Mapped[str | None] = mapped_column(String(200))
    status: Mapped[str] = mapped_column(String(20))
    received_at: Mapped[datetime] = mapped_column(index=True)
    replied_at: Mapped[datetime | None] = mapped_column()
    #: When the row was last written: the open data files are rebuilt when this moves.
    indexed_at: Mapped[datetime | None] = mapped_column()
    search_vector: Mapped[str | None] = mapped_column(SEARCH_VECTOR_TYPE)
