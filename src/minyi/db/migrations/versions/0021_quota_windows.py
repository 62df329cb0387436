"""hourly counts of submitted messages per address hash or integrator key (shared caps)

Revision ID: 0021
Revises: 0020
Create Date: 2026-12-06 11:40:00

One row per (kind, subject, hour): ``portal`` and ``api`` rows name a keyed hash of a client
address and are deleted once their hour is over; ``key`` rows name an integrator's client key
and are kept 90 days as its hourly counts (``minyi.accounts.quotas``).
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0021"
down_revision = "0020"
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Create the table."""
    op.create_table(
        "quota_windows",
        sa.Column("kind", sa.String(length=10), nullable=False),
        sa.Column("subject", sa.String(length=64), nullable=False),
        sa.Column("hour", sa.Integer(), nullable=False),
        sa.Column("messages", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("kind", "subject", "hour"),
    )
    op.create_index("ix_quota_windows_hour", "quota_windows", ["hour"])


def downgrade() -> None:
    """Drop the table."""
    op.drop_index("ix_quota_windows_hour", table_name="quota_windows")
    op.drop_table("quota_windows")
