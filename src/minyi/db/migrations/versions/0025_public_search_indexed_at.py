"""public search rows record when they were last written

Revision ID: 0025
Revises: 0024
Create Date: 2026-12-07 06:10:00

``/public/data/cases.*`` was built from the whole index on every download (11–15 s of a core
at 60k public cases), so anyone could keep a server's build slot busy. The files are now
kept until the index changes; ``indexed_at`` is what shows that a row was rewritten in place
(an erasure, a new reply), which the row count and ids alone do not. Rows already there get
the upgrade's time.
"""

from __future__ import annotations

from datetime import UTC, datetime

import sqlalchemy as sa
from alembic import op

revision = "0025"
down_revision = "0024"
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Add ``public_search.indexed_at`` and stamp the rows already there."""
    op.add_column("public_search", sa.Column("indexed_at", sa.DateTime(timezone=True), nullable=True))
    rows = sa.table("public_search", sa.column("indexed_at", sa.DateTime(timezone=True)))
    op.execute(rows.update().values(indexed_at=datetime.now(UTC)))


def downgrade() -> None:
    """Drop ``public_search.indexed_at`` (ALTER TABLE, not a copy: SQLite's FTS trigger stays)."""
    op.drop_column("public_search", "indexed_at")
