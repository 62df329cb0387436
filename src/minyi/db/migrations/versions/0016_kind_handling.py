"""each kind of appeal handled its own way: suggestion decisions, callbacks (issue 15)

Revision ID: 0016
Revises: 0015
Create Date: 2026-12-06 03:00:00

Reserved in order so that work on several issues at once keeps one migration chain; an
empty upgrade is a no-op until its feature fills it in.
"""

from __future__ import annotations

revision = "0016"
down_revision = "0015"
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Nothing yet."""


def downgrade() -> None:
    """Nothing yet."""
