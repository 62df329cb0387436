"""hot issue edits, card fields and archive

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-24 06:16:02.603541
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("hot_issues", schema=None) as batch_op:
        batch_op.add_column(sa.Column("categories", sa.JSON(), nullable=False, server_default="{}"))
        batch_op.add_column(sa.Column("representative_ids", sa.JSON(), nullable=False, server_default="[]"))
        batch_op.add_column(
            sa.Column("title_locked", sa.Boolean(), nullable=False, server_default=sa.false())
        )
        batch_op.add_column(sa.Column("merged_into_id", sa.String(length=36), nullable=True))
        batch_op.add_column(sa.Column("archived_at", sa.DateTime(timezone=True), nullable=True))
        batch_op.create_index(batch_op.f("ix_hot_issues_archived_at"), ["archived_at"], unique=False)
        batch_op.create_index(batch_op.f("ix_hot_issues_merged_into_id"), ["merged_into_id"], unique=False)
        batch_op.create_foreign_key(
            batch_op.f("fk_hot_issues_merged_into_id_hot_issues"),
            "hot_issues",
            ["merged_into_id"],
            ["id"],
            ondelete="SET NULL",
        )

    with op.batch_alter_table("message_analyses", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("issue_pinned", sa.Boolean(), nullable=False, server_default=sa.false())
        )


def downgrade() -> None:
    with op.batch_alter_table("message_analyses", schema=None) as batch_op:
        batch_op.drop_column("issue_pinned")

    with op.batch_alter_table("hot_issues", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("fk_hot_issues_merged_into_id_hot_issues"), type_="foreignkey")
        batch_op.drop_index(batch_op.f("ix_hot_issues_merged_into_id"))
        batch_op.drop_index(batch_op.f("ix_hot_issues_archived_at"))
        batch_op.drop_column("archived_at")
        batch_op.drop_column("merged_into_id")
        batch_op.drop_column("title_locked")
        batch_op.drop_column("representative_ids")
        batch_op.drop_column("categories")
