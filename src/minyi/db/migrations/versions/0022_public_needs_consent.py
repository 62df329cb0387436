"""a case is public only while one of its messages' authors agreed: shells of merges unpublished

Revision ID: 0022
Revises: 0021
Create Date: 2026-12-07 01:00:00

A merge (并案) moved every message of the absorbed case into the other one but left the
absorbed case public and answered: ``/public``, the public search, open data and Open311
listed a case with no message whose author had agreed, its title and reply naming the
citizen in full (their contact, which masks the name, had moved with the message). Merges
now unpublish the absorbed case; this sets existing ones right and drops their rows from the
public search index. Data only: the schema does not change.
"""

from __future__ import annotations

from alembic import op

revision = "0022"
down_revision = "0021"
branch_labels = None
depends_on = None

_WITHOUT_CONSENT = (
    "cases.is_public AND NOT EXISTS "
    "(SELECT 1 FROM messages WHERE messages.case_id = cases.id AND messages.is_public)"
)


def upgrade() -> None:
    """Unpublish public cases without a consenting message; drop their search rows."""
    shells = f"SELECT cases.id FROM cases WHERE {_WITHOUT_CONSENT}"  # noqa: S608 - constant SQL
    op.execute(f"DELETE FROM public_search WHERE case_id IN ({shells})")  # noqa: S608 - constant SQL
    op.execute(f"UPDATE cases SET is_public = false WHERE {_WITHOUT_CONSENT}")  # noqa: S608 - constant SQL


def downgrade() -> None:
    """Nothing to undo: which cases were public shells is not kept."""
