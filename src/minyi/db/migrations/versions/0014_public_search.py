"""public search and open data (issue 14)

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-06 03:00:00

The public search index (``public_search``, one row per listed case, texts masked). On
PostgreSQL its ``search_vector`` is a ``tsvector`` under a GIN index; on SQLite the tokens
live in the FTS5 table ``public_search_fts`` (rowid = ``public_search.id``), kept clean by a
trigger when an index row is deleted. The index starts empty: ``minyi search reindex`` fills
it from the cases already answered.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision = "0014"
down_revision = "0013"
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Create the index table, then the engine's full-text part."""
    op.create_table(
        "public_search",
        sa.Column(
            "id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), autoincrement=True, nullable=False
        ),
        sa.Column("case_id", sa.String(length=36), nullable=False),
        sa.Column("number", sa.String(length=30), nullable=False),
        sa.Column("title", sa.String(length=500), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("reply", sa.Text(), nullable=False),
        sa.Column("department_id", sa.String(length=36), nullable=True),
        sa.Column("category_id", sa.String(length=36), nullable=True),
        sa.Column("region", sa.String(length=200), nullable=True),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("received_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("replied_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column(
            "search_vector", sa.Text().with_variant(postgresql.TSVECTOR(), "postgresql"), nullable=True
        ),
        sa.ForeignKeyConstraint(
            ["case_id"], ["cases.id"], name=op.f("fk_public_search_case_id_cases"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["category_id"],
            ["categories.id"],
            name=op.f("fk_public_search_category_id_categories"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["department_id"],
            ["departments.id"],
            name=op.f("fk_public_search_department_id_departments"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_public_search")),
        sa.UniqueConstraint("case_id", name=op.f("uq_public_search_case_id")),
    )
    with op.batch_alter_table("public_search", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_public_search_category_id"), ["category_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_public_search_department_id"), ["department_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_public_search_received_at"), ["received_at"], unique=False)
        batch_op.create_index(batch_op.f("ix_public_search_region"), ["region"], unique=False)
        batch_op.create_index(batch_op.f("ix_public_search_status"), ["status"], unique=False)
        batch_op.create_index(
            "ix_public_search_search_vector", ["search_vector"], unique=False, postgresql_using="gin"
        )
    if op.get_bind().dialect.name == "sqlite":
        op.execute(
            "CREATE VIRTUAL TABLE public_search_fts USING fts5(tokens, detail=none, tokenize='unicode61')"
        )
        op.execute(
            "CREATE TRIGGER public_search_fts_delete AFTER DELETE ON public_search "
            "BEGIN DELETE FROM public_search_fts WHERE rowid = old.id; END"
        )


def downgrade() -> None:
    """Drop the full-text part, then the table."""
    if op.get_bind().dialect.name == "sqlite":
        op.execute("DROP TRIGGER IF EXISTS public_search_fts_delete")
        op.execute("DROP TABLE IF EXISTS public_search_fts")
    with op.batch_alter_table("public_search", schema=None) as batch_op:
        batch_op.drop_index("ix_public_search_search_vector", postgresql_using="gin")
        batch_op.drop_index(batch_op.f("ix_public_search_status"))
        batch_op.drop_index(batch_op.f("ix_public_search_region"))
        batch_op.drop_index(batch_op.f("ix_public_search_received_at"))
        batch_op.drop_index(batch_op.f("ix_public_search_department_id"))
        batch_op.drop_index(batch_op.f("ix_public_search_category_id"))
    op.drop_table("public_search")
