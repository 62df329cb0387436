"""hot issues round two: heat by people (issue 16)

Revision ID: 0017
Revises: 0016
Create Date: 2026-12-06 03:00:00

Two columns of ``hot_issues`` for ranking by people, not posts: ``posts_counted`` (one
author's n messages count √n) and ``people_likes`` (each author's best-liked message).
Both are nullable: an issue stored before this revision ranks by its plain counts until
its numbers are next recalculated.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0017"
down_revision = "0016"
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Add the two columns."""
    with op.batch_alter_table("hot_issues") as batch:
        batch.add_column(sa.Column("posts_counted", sa.Float(), nullable=True))
        batch.add_column(sa.Column("people_likes", sa.Integer(), nullable=True))


def downgrade() -> None:
    """Drop them."""
    with op.batch_alter_table("hot_issues") as batch:
        batch.drop_column("people_likes")
        batch.drop_column("posts_counted")
