"""categories get an optional English name

Revision ID: 0024
Revises: 0023
Create Date: 2026-12-07 03:20:00

English pages showed every category in Chinese while departments had English names: an office
that publishes in English can now give each category one (``minyi categories import`` with
``level1_en`` … columns). Empty means the Chinese name stands in.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0024"
down_revision = "0023"
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Add ``categories.name_en``."""
    with op.batch_alter_table("categories") as batch:
        batch.add_column(sa.Column("name_en", sa.String(length=200), nullable=True))


def downgrade() -> None:
    """Drop ``categories.name_en``."""
    with op.batch_alter_table("categories") as batch:
        batch.drop_column("name_en")
