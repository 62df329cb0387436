"""the staff word search reads an index of character pairs, not every message; cases by (created_at, id)

Revision ID: 0027
Revises: 0026
Create Date: 2026-12-07 12:00:00

The staff search found words with ``LIKE`` over every message (1.7–2.1 s at 100k messages,
sixth probe). ``case_words`` holds each case's character pairs (``text[]`` under GIN on
PostgreSQL; an FTS5 table ``case_words_fts`` on SQLite, with a trigger that removes its row
when the index row goes). The upgrade fills it from the cases already there (3–4 ms a
case: about five minutes per 100k cases on a busy 2-CPU host); ``minyi search reindex``
rebuilds it as well. The pair tokens are written here as :mod:`minyi.cases.word_index`
writes them, without importing it: a migration must keep doing what it did when the code
moves on.

The index ``ix_cases_created_at_id`` serves the API's cursor pages: after the urgent and
waiting cases, the inbox lists the answered ones newest first, and a page deep in them
walks this index from the cursor instead of sorting every case (``cases.inbox_pages``).
"""

from __future__ import annotations

import operator

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision = "0027"
down_revision = "0026"
branch_labels = None
depends_on = None

_BATCH = 500
_ASCII_LOWER = str.maketrans("ABCDEFGHIJKLMNOPQRSTUVWXYZ", "abcdefghijklmnopqrstuvwxyz")


def upgrade() -> None:
    """Create the index table and the engine's part, then fill it."""
    op.create_table(
        "case_words",
        sa.Column(
            "id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), autoincrement=True, nullable=False
        ),
        sa.Column("case_id", sa.String(length=36), nullable=False),
        sa.Column("grams", sa.Text().with_variant(postgresql.ARRAY(sa.Text()), "postgresql"), nullable=True),
        sa.ForeignKeyConstraint(
            ["case_id"], ["cases.id"], name=op.f("fk_case_words_case_id_cases"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_case_words")),
        sa.UniqueConstraint("case_id", name=op.f("uq_case_words_case_id")),
    )
    op.create_index("ix_case_words_grams", "case_words", ["grams"], unique=False, postgresql_using="gin")
    if op.get_bind().dialect.name == "sqlite":
        op.execute(
            "CREATE VIRTUAL TABLE case_words_fts USING fts5("
            "grams, detail=none, columnsize=0, tokenize='unicode61')"
        )
        op.execute(
            "CREATE TRIGGER case_words_fts_delete AFTER DELETE ON case_words "
            "BEGIN DELETE FROM case_words_fts WHERE rowid = old.id; END"
        )
    _fill(op.get_bind())
    # keyset pages of the API: the answered cases, newest first, walk this (cases.inbox_pages)
    op.create_index("ix_cases_created_at_id", "cases", ["created_at", "id"], unique=False)


def _token(pair: str) -> str:
    """Two Han characters as they are, any other pair as the hex of both code points."""
    first, second = pair[0], pair[1]
    if "\u4e00" <= first <= "\u9fff" and "\u4e00" <= second <= "\u9fff":
        return pair
    return f"{(ord(first) << 21) | ord(second):x}"


def _grams(*texts: str | None) -> set[str]:
    """The pair tokens of ``texts`` (see :mod:`minyi.cases.word_index`)."""
    found: set[str] = set()
    for text_ in texts:
        folded = (text_ or "").translate(_ASCII_LOWER)
        found |= {_token(pair) for pair in set(map(operator.add, folded, folded[1:]))}
    return found


def _fill(bind: sa.Connection) -> None:
    """Index every case, ``_BATCH`` at a time."""
    cases = sa.table("cases", sa.column("id"), sa.column("title"), sa.column("number"))
    messages = sa.table("messages", sa.column("case_id"), sa.column("title"), sa.column("body"))
    words = sa.table("case_words", sa.column("id"), sa.column("case_id"), sa.column("grams"))
    sqlite = bind.dialect.name == "sqlite"
    last = ""
    while True:
        rows = bind.execute(
            sa.select(cases.c.id, cases.c.title, cases.c.number)
            .where(cases.c.id > last)
            .order_by(cases.c.id)
            .limit(_BATCH)
        ).all()
        if not rows:
            return
        last = rows[-1][0]
        found = {case_id: _grams(title, number) for case_id, title, number in rows}
        texts = sa.select(messages.c.case_id, messages.c.title, messages.c.body)
        for case_id, title, body in bind.execute(texts.where(messages.c.case_id.in_(list(found)))):
            found[case_id] |= _grams(title, body)
        if not sqlite:
            typed = sa.table(
                "case_words", sa.column("case_id"), sa.column("grams", postgresql.ARRAY(sa.Text()))
            )
            bind.execute(typed.insert(), [{"case_id": c, "grams": sorted(g)} for c, g in found.items()])
            continue
        bind.execute(words.insert(), [{"case_id": case_id} for case_id in found])
        ids = bind.execute(sa.select(words.c.case_id, words.c.id).where(words.c.case_id.in_(list(found))))
        fts = [{"id": row_id, "grams": " ".join(sorted(found[case_id]))} for case_id, row_id in ids]
        bind.execute(sa.text("INSERT INTO case_words_fts (rowid, grams) VALUES (:id, :grams)"), fts)


def downgrade() -> None:
    """Drop the index (and on SQLite its FTS5 table and trigger)."""
    if op.get_bind().dialect.name == "sqlite":
        op.execute("DROP TRIGGER IF EXISTS case_words_fts_delete")
        op.execute("DROP TABLE IF EXISTS case_words_fts")
    op.drop_index("ix_cases_created_at_id", table_name="cases")
    op.drop_index("ix_case_words_grams", table_name="case_words", postgresql_using="gin")
    op.drop_table("case_words")
