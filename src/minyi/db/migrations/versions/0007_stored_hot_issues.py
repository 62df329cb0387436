"""stored hot issues

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-24 05:51:52.754865
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:

    op.create_table(
        "hot_issues",
        sa.Column("title", sa.String(length=300), nullable=False),
        sa.Column("keywords", sa.JSON(), nullable=False),
        sa.Column("places", sa.JSON(), nullable=False),
        sa.Column("first_time", sa.DateTime(timezone=True), nullable=False),
        sa.Column("last_time", sa.DateTime(timezone=True), nullable=False),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.Column("authors", sa.Integer(), nullable=False),
        sa.Column("likes", sa.Integer(), nullable=False),
        sa.Column("dislikes", sa.Integer(), nullable=False),
        sa.Column("reposts", sa.Integer(), nullable=False),
        sa.Column("replies", sa.Integer(), nullable=False),
        sa.Column("heat", sa.Float(), nullable=False),
        sa.Column("timeline", sa.JSON(), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_hot_issues")),
    )
    with op.batch_alter_table("hot_issues", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_hot_issues_heat"), ["heat"], unique=False)
        batch_op.create_index(batch_op.f("ix_hot_issues_last_time"), ["last_time"], unique=False)

    with op.batch_alter_table("message_analyses", schema=None) as batch_op:
        batch_op.add_column(sa.Column("issue_id", sa.String(length=36), nullable=True))
        batch_op.create_index(batch_op.f("ix_message_analyses_issue_id"), ["issue_id"], unique=False)
        batch_op.create_foreign_key(
            batch_op.f("fk_message_analyses_issue_id_hot_issues"),
            "hot_issues",
            ["issue_id"],
            ["id"],
            ondelete="SET NULL",
        )


def downgrade() -> None:

    with op.batch_alter_table("message_analyses", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("fk_message_analyses_issue_id_hot_issues"), type_="foreignkey")
        batch_op.drop_index(batch_op.f("ix_message_analyses_issue_id"))
        batch_op.drop_column("issue_id")

    with op.batch_alter_table("hot_issues", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_hot_issues_last_time"))
        batch_op.drop_index(batch_op.f("ix_hot_issues_heat"))

    op.drop_table("hot_issues")
