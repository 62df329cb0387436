"""each kind of appeal handled its own way: suggestion decisions, callbacks (issue 15)

Revision ID: 0016
Revises: 0015
Create Date: 2026-12-06 03:00:00

Suggestion decisions (采纳 / 部分采纳 / 不采纳) and callbacks for help requests (回电).
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0016"
down_revision = "0015"
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Create the two tables."""
    op.create_table(
        "suggestion_decisions",
        sa.Column("case_id", sa.String(length=36), nullable=False),
        sa.Column("decision", sa.String(length=20), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("decided_by_id", sa.String(length=36), nullable=True),
        sa.Column("decided_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.ForeignKeyConstraint(["case_id"], ["cases.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["decided_by_id"], ["users.id"], ondelete="SET NULL"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("case_id"),
    )
    op.create_index("ix_suggestion_decisions_decision", "suggestion_decisions", ["decision"])
    op.create_index("ix_suggestion_decisions_decided_at", "suggestion_decisions", ["decided_at"])
    op.create_table(
        "callback_requests",
        sa.Column("case_id", sa.String(length=36), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("requested_by_id", sa.String(length=36), nullable=True),
        sa.Column("requested_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("done_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("done_by_id", sa.String(length=36), nullable=True),
        sa.Column("outcome", sa.Text(), nullable=True),
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.ForeignKeyConstraint(["case_id"], ["cases.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["requested_by_id"], ["users.id"], ondelete="SET NULL"),
        sa.ForeignKeyConstraint(["done_by_id"], ["users.id"], ondelete="SET NULL"),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_callback_requests_case_id", "callback_requests", ["case_id"])
    op.create_index("ix_callback_requests_done_at", "callback_requests", ["done_at"])


def downgrade() -> None:
    """Drop the two tables."""
    op.drop_index("ix_callback_requests_done_at", table_name="callback_requests")
    op.drop_index("ix_callback_requests_case_id", table_name="callback_requests")
    op.drop_table("callback_requests")
    op.drop_index("ix_suggestion_decisions_decided_at", table_name="suggestion_decisions")
    op.drop_index("ix_suggestion_decisions_decision", table_name="suggestion_decisions")
    op.drop_table("suggestion_decisions")
