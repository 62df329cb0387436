"""The staff word index: one row per case, the character pairs of all its texts.

The staff search finds a case by any words typed, in its title, its number or any of its
messages (not only the public ones, unmasked: staff read them so), as a substring. Reading
every message with ``LIKE`` took 2 s at 100k messages. This index holds, per case, the set of
**character pairs** (bigrams) of those texts: a text containing a query of two or more
characters contains every pair of the query, so the cases holding all of the query's pairs
are a small superset of the answer, which ``LIKE`` then checks (see
:mod:`minyi.cases.word_index`). Pairs, not words: Chinese has no spaces, most searches are
two-character words (``路灯``), and a trigram index cannot look those up.

- on PostgreSQL ``grams`` is a ``text[]`` under a GIN index (``grams @> ARRAY[...]``);
- on SQLite ``grams`` stays empty; the pairs live in the FTS5 table ``case_words_fts``
  (rowid = :attr:`CaseWords.id`, ``detail=none``), which the migration creates with a
  trigger that removes its row when the index row goes (a case deleted, say).

A pair is stored as one token that neither engine's tokenizer can split, fold or drop: two
Han characters as they are (``路灯``), any other pair as the hex of both code points.
Permissions are not here: the index only narrows the cases;
:func:`minyi.cases.queries.visible_cases` still decides which a user may see.
"""

from __future__ import annotations

from sqlalchemy import BigInteger, ForeignKey, Index, Integer, String, Text
from sqlalchemy.dialects import postgresql
from sqlalchemy.orm import Mapped, mapped_column

from minyi.db.base import ID_LENGTH, Base

__all__ = ["FTS_TABLE", "GRAMS_TYPE", "CaseWords"]

#: The SQLite FTS5 table of the pairs (not a model: SQLAlchemy cannot describe it).
FTS_TABLE = "case_words_fts"
#: ``text[]`` on PostgreSQL; plain text (left empty) elsewhere.
GRAMS_TYPE = Text().with_variant(postgresql.ARRAY(Text()), "postgresql")
#: A 64-bit counter on PostgreSQL; SQLite's rowid (an ``INTEGER PRIMARY KEY``) there.
ROW_ID_TYPE = BigInteger().with_variant(Integer(), "sqlite")


class CaseWords(Base):
    """The character pairs of a case's title, number and messages (the staff search's index)."""

    __tablename__ = "case_words"
    __table_args__ = (Index("ix_case_words_grams", "grams", postgresql_using="gin"),)

    id: Mapped[int] = mapped_column(ROW_ID_TYPE, primary_key=True, autoincrement=True)
    case_id: Mapped[str] = mapped_column(
        String(ID_LENGTH), ForeignKey("cases.id", ondelete="CASCADE"), unique=True
    )
    grams: Mapped[list[str] | None] = mapped_column(GRAMS_TYPE)
