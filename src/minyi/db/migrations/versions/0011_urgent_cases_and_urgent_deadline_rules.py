"""urgent cases and urgent deadline rules

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-06 00:40:52.877215
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("cases", schema=None) as batch_op:
        batch_op.add_column(sa.Column("urgent", sa.Boolean(), nullable=False, server_default=sa.false()))
        batch_op.add_column(sa.Column("urgent_reason", sa.String(length=200), nullable=True))
        batch_op.create_index(batch_op.f("ix_cases_urgent"), ["urgent"], unique=False)

    with op.batch_alter_table("deadline_rules", schema=None) as batch_op:
        batch_op.add_column(sa.Column("urgent", sa.Boolean(), nullable=False, server_default=sa.false()))


def downgrade() -> None:
    with op.batch_alter_table("deadline_rules", schema=None) as batch_op:
        batch_op.drop_column("urgent")

    with op.batch_alter_table("cases", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_cases_urgent"))
        batch_op.drop_column("urgent_reason")
        batch_op.drop_column("urgent")
