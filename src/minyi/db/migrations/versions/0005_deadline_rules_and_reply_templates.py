"""deadline rules and reply templates

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-24 05:03:50.975097
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:

    op.create_table(
        "reply_templates",
        sa.Column("name", sa.String(length=120), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("department_id", sa.String(length=36), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.ForeignKeyConstraint(
            ["department_id"],
            ["departments.id"],
            name=op.f("fk_reply_templates_department_id_departments"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_reply_templates")),
    )
    with op.batch_alter_table("reply_templates", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_reply_templates_department_id"), ["department_id"], unique=False)

    op.create_table(
        "deadline_rules",
        sa.Column("appeal_kind", sa.String(length=20), nullable=True),
        sa.Column("category_id", sa.String(length=36), nullable=True),
        sa.Column("reply_working_days", sa.Integer(), nullable=True),
        sa.Column("reply_hours", sa.Float(), nullable=True),
        sa.Column("note", sa.String(length=300), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.ForeignKeyConstraint(
            ["category_id"],
            ["categories.id"],
            name=op.f("fk_deadline_rules_category_id_categories"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_deadline_rules")),
    )
    with op.batch_alter_table("deadline_rules", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_deadline_rules_category_id"), ["category_id"], unique=False)


def downgrade() -> None:

    with op.batch_alter_table("deadline_rules", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_deadline_rules_category_id"))

    op.drop_table("deadline_rules")
    with op.batch_alter_table("reply_templates", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_reply_templates_department_id"))

    op.drop_table("reply_templates")
