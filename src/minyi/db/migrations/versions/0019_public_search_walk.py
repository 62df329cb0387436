"""public search: filter indexes that also order by row (issue 14)

Revision ID: 0019
Revises: 0018
Create Date: 2026-12-06 06:15:00

The single-column indexes on ``public_search.department_id``, ``status`` and ``region``
become ``(column, id)``: PostgreSQL then walks one department's (status's, region's) rows
newest first without sorting them, which is how a common word with such a filter finds its
newest 1000 matches (``accountability.search_walk``). SQLite keys every index by rowid
already, so there the new indexes are the old ones renamed.
"""

from __future__ import annotations

from alembic import op

revision = "0019"
down_revision = "0018"
branch_labels = None
depends_on = None

COLUMNS = ("department_id", "status", "region")


def upgrade() -> None:
    """Swap each single-column index for its ``(column, id)`` index."""
    for column in COLUMNS:
        op.create_index(f"ix_public_search_{column}_id", "public_search", [column, "id"], unique=False)
        op.drop_index(f"ix_public_search_{column}", table_name="public_search")


def downgrade() -> None:
    """Back to the single-column indexes."""
    for column in COLUMNS:
        op.create_index(f"ix_public_search_{column}", "public_search", [column], unique=False)
        op.drop_index(f"ix_public_search_{column}_id", table_name="public_search")
