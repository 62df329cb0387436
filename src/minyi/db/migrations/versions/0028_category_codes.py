"""categories may carry the centre's own code, used as the Open311 service_code

Revision ID: 0028
Revises: 0027
Create Date: 2026-12-07 15:30:00

Open311's ``service_code`` was the category's id, made by this database: stable through a
restore of the database, not through a category tree imported into a new one, and integrators
write the codes into their programs (ninth probe). A hotline centre has codes of its own for
its categories (its classification standard's); a tree file may now give them (``分类编码``),
and a category with a code is that code to Open311. No code, the id, as before.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0028"
down_revision = "0027"
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Add ``categories.code`` (optional, unique where given)."""
    op.add_column("categories", sa.Column("code", sa.String(40), nullable=True))
    op.create_index("ix_categories_code", "categories", ["code"], unique=True)


def downgrade() -> None:
    """Drop ``categories.code``."""
    op.drop_index("ix_categories_code", table_name="categories")
    op.drop_column("categories", "code")
