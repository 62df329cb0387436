"""automatic routing on record: case_routings and routing_corrections (issue 15)

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-06 03:00:00

Reserved in order so that work on several issues at once keeps one migration chain.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0015"
down_revision = "0014"
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Create the two tables."""
    op.create_table(
        "case_routings",
        sa.Column("case_id", sa.String(length=36), nullable=False),
        sa.Column("routed_automatically", sa.Boolean(), nullable=False),
        sa.Column("predicted_label", sa.String(length=200), nullable=True),
        sa.Column("confidence", sa.Float(), nullable=True),
        sa.Column("threshold", sa.Float(), nullable=True),
        sa.Column("model", sa.String(length=80), nullable=True),
        sa.Column("department_code", sa.String(length=50), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["case_id"], ["cases.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("case_id"),
    )
    op.create_index("ix_case_routings_routed_automatically", "case_routings", ["routed_automatically"])
    op.create_table(
        "routing_corrections",
        sa.Column("case_id", sa.String(length=36), nullable=False),
        sa.Column("message_id", sa.String(length=36), nullable=True),
        sa.Column("field", sa.String(length=20), nullable=False),
        sa.Column("predicted", sa.String(length=300), nullable=True),
        sa.Column("corrected", sa.String(length=300), nullable=False),
        sa.Column("model", sa.String(length=80), nullable=True),
        sa.Column("corrected_by_id", sa.String(length=36), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.ForeignKeyConstraint(["case_id"], ["cases.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["message_id"], ["messages.id"], ondelete="SET NULL"),
        sa.ForeignKeyConstraint(["corrected_by_id"], ["users.id"], ondelete="SET NULL"),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_routing_corrections_case_id", "routing_corrections", ["case_id"])
    op.create_index("ix_routing_corrections_created_at", "routing_corrections", ["created_at"])


def downgrade() -> None:
    """Drop the two tables."""
    op.drop_index("ix_routing_corrections_created_at", table_name="routing_corrections")
    op.drop_index("ix_routing_corrections_case_id", table_name="routing_corrections")
    op.drop_table("routing_corrections")
    op.drop_index("ix_case_routings_routed_automatically", table_name="case_routings")
    op.drop_table("case_routings")
