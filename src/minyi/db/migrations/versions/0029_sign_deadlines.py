"""the acceptance deadline (签收期限): a case's, and a deadline rule's accept_hours

Revision ID: 0029
Revises: 0028
Create Date: 2026-12-07 21:00:00

A department must sign for (签收) a dispatched case within a set time before the reply
deadline even matters; a case not signed for in time is 超时未签收 and the centre chases it.
``DeadlineRule.accept_hours`` could be set in code, but nothing stored or checked it (tenth
probe). A rule now stores its ``accept_hours`` and a dispatched case its ``sign_due_at``,
indexed for the inbox's 超时未签收 filter and count.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0029"
down_revision = "0028"
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Add ``deadline_rules.accept_hours`` and ``cases.sign_due_at`` (indexed)."""
    op.add_column("deadline_rules", sa.Column("accept_hours", sa.Float(), nullable=True))
    op.add_column("cases", sa.Column("sign_due_at", sa.DateTime(timezone=True), nullable=True))
    op.create_index("ix_cases_sign_due_at", "cases", ["sign_due_at"])


def downgrade() -> None:
    """Drop them again."""
    op.drop_index("ix_cases_sign_due_at", table_name="cases")
    op.drop_column("cases", "sign_due_at")
    op.drop_column("deadline_rules", "accept_hours")
