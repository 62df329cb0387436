"""public dashboard aggregates (issue 14)

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-06 03:00:00

``scorecard_cells``: the counts of every public figure per month × department × region ×
category, with the roll-ups (``level``); ``scorecard_refreshes``: the runs of
``minyi stats refresh``. See ``minyi.accountability.models``.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0013"
down_revision = "0012"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "scorecard_cells",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("month", sa.String(length=7), nullable=False),
        sa.Column("level", sa.Integer(), nullable=False),
        sa.Column("department_id", sa.String(length=36), nullable=False),
        sa.Column("region", sa.String(length=200), nullable=False),
        sa.Column("category_id", sa.String(length=36), nullable=False),
        sa.Column("cases", sa.Integer(), nullable=False),
        sa.Column("sign_due", sa.Integer(), nullable=False),
        sa.Column("signed_on_time", sa.Integer(), nullable=False),
        sa.Column("answered", sa.Integer(), nullable=False),
        sa.Column("completion_due", sa.Integer(), nullable=False),
        sa.Column("completed_on_time", sa.Integer(), nullable=False),
        sa.Column("solved_rated", sa.Integer(), nullable=False),
        sa.Column("solved", sa.Integer(), nullable=False),
        sa.Column("rated", sa.Integer(), nullable=False),
        sa.Column("satisfied", sa.Integer(), nullable=False),
        sa.Column("basically_satisfied", sa.Integer(), nullable=False),
        sa.Column("reopened", sa.Integer(), nullable=False),
        sa.Column("reply_seconds", sa.BigInteger(), nullable=False),
        sa.Column("reply_h00", sa.Integer(), nullable=False),
        sa.Column("reply_h01", sa.Integer(), nullable=False),
        sa.Column("reply_h02", sa.Integer(), nullable=False),
        sa.Column("reply_h03", sa.Integer(), nullable=False),
        sa.Column("reply_h04", sa.Integer(), nullable=False),
        sa.Column("reply_h05", sa.Integer(), nullable=False),
        sa.Column("reply_h06", sa.Integer(), nullable=False),
        sa.Column("reply_h07", sa.Integer(), nullable=False),
        sa.Column("reply_h08", sa.Integer(), nullable=False),
        sa.Column("reply_h09", sa.Integer(), nullable=False),
        sa.Column("reply_h10", sa.Integer(), nullable=False),
        sa.Column("reply_h11", sa.Integer(), nullable=False),
        sa.Column("reply_h12", sa.Integer(), nullable=False),
        sa.Column("reply_h13", sa.Integer(), nullable=False),
        sa.Column("reply_h14", sa.Integer(), nullable=False),
        sa.Column("reply_h15", sa.Integer(), nullable=False),
        sa.Column("reply_h16", sa.Integer(), nullable=False),
        sa.Column("reply_h17", sa.Integer(), nullable=False),
        sa.Column("reply_h18", sa.Integer(), nullable=False),
        sa.Column("reply_h19", sa.Integer(), nullable=False),
        sa.Column("reply_h20", sa.Integer(), nullable=False),
        sa.Column("reply_h21", sa.Integer(), nullable=False),
        sa.Column("reply_h22", sa.Integer(), nullable=False),
        sa.Column("reply_h23", sa.Integer(), nullable=False),
        sa.Column("reply_h24", sa.Integer(), nullable=False),
        sa.Column("reply_h25", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_scorecard_cells")),
        sa.UniqueConstraint(
            "month", "level", "department_id", "region", "category_id", name=op.f("uq_scorecard_cells_month")
        ),
    )
    with op.batch_alter_table("scorecard_cells", schema=None) as batch_op:
        batch_op.create_index("ix_scorecard_cells_level_month", ["level", "month"], unique=False)
        batch_op.create_index(
            "ix_scorecard_cells_department_region",
            ["level", "department_id", "region", "category_id"],
            unique=False,
        )
        batch_op.create_index(
            "ix_scorecard_cells_region_category", ["level", "region", "category_id"], unique=False
        )

    op.create_table(
        "scorecard_refreshes",
        sa.Column("started_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("finished_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("full", sa.Boolean(), nullable=False),
        sa.Column("months", sa.JSON(), nullable=False),
        sa.Column("cases", sa.Integer(), nullable=False),
        sa.Column("cells", sa.Integer(), nullable=False),
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_scorecard_refreshes")),
    )
    with op.batch_alter_table("scorecard_refreshes", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_scorecard_refreshes_started_at"), ["started_at"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("scorecard_refreshes", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_scorecard_refreshes_started_at"))
    op.drop_table("scorecard_refreshes")
    with op.batch_alter_table("scorecard_cells", schema=None) as batch_op:
        batch_op.drop_index("ix_scorecard_cells_region_category")
        batch_op.drop_index("ix_scorecard_cells_department_region")
        batch_op.drop_index("ix_scorecard_cells_level_month")
    op.drop_table("scorecard_cells")
