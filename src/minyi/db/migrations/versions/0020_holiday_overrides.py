"""holidays and adjusted working days admins enter (the State Council's notice)

Revision ID: 0020
Revises: 0019
Create Date: 2026-12-06 09:10:00

One row a date: ``holiday`` or ``workday`` and the holiday's name. Deadlines count these
before the holidays file and ``chinese-calendar`` (``minyi.cases.holiday_store``).
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0020"
down_revision = "0019"
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Create the table."""
    op.create_table(
        "holiday_overrides",
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("kind", sa.String(length=10), nullable=False),
        sa.Column("name", sa.String(length=40), nullable=True),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("day"),
    )


def downgrade() -> None:
    """Drop the table."""
    op.drop_table("holiday_overrides")
