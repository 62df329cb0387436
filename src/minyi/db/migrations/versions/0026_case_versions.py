"""cases carry a version: two people acting on one case at once cannot both win

Revision ID: 0026
Revises: 0025
Create Date: 2026-12-07 06:20:00

On PostgreSQL two dispatchers could dispatch one case to two departments at the same moment,
a reply and a 退单 both succeed, two cases be merged into each other: every step checked
the case as its request had read it, and both wrote. Each step now raises the case's
``version`` and writes only if nobody raised it meanwhile (SQLAlchemy's ``version_id_col``);
the loser is told to reload (409). SQLite serialised these writes already.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0026"
down_revision = "0025"
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Add ``cases.version`` (0 for the cases already there)."""
    op.add_column("cases", sa.Column("version", sa.Integer(), nullable=False, server_default="0"))


def downgrade() -> None:
    """Drop ``cases.version``."""
    op.drop_column("cases", "version")
