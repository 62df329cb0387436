"""a message's written time before 1990 or after it arrived is dropped (the arrival counts)

Revision ID: 0023
Revises: 0022
Create Date: 2026-12-07 01:20:00

``submitted_at`` (when the author wrote) was taken as given: one message "written" in year 1
or 9999 broke the public statistics (their months, the dashboard's default period of the
last months with data) and one in 2099 hid every real figure. Intake now refuses such
times; this clears those stored earlier, so the statistics count the message by its arrival
(``received_at``), as they do for a message without a written time. Data only.
"""

from __future__ import annotations

from datetime import UTC, datetime

import sqlalchemy as sa
from alembic import op

revision = "0023"
down_revision = "0022"
branch_labels = None
depends_on = None

_EARLIEST = datetime(1990, 1, 1, tzinfo=UTC)


def upgrade() -> None:
    """Clear written times before 1990 or more than a day after the message arrived."""
    messages = sa.table(
        "messages",
        sa.column("submitted_at", sa.DateTime(timezone=True)),
        sa.column("received_at", sa.DateTime(timezone=True)),
    )
    earliest = _EARLIEST if op.get_bind().dialect.name == "postgresql" else _EARLIEST.replace(tzinfo=None)
    late = messages.c.submitted_at > messages.c.received_at + sa.text("INTERVAL '1 day'")
    if op.get_bind().dialect.name == "sqlite":
        late = sa.func.julianday(messages.c.submitted_at) > sa.func.julianday(messages.c.received_at) + 1
    op.execute(
        messages.update().where(sa.or_(messages.c.submitted_at < earliest, late)).values(submitted_at=None)
    )


def downgrade() -> None:
    """Nothing to undo: the cleared times are not kept."""
