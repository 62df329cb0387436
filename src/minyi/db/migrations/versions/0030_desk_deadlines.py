"""the rules' deadline of a case at the dispatch desk, stored (cases.desk_due_at)

Revision ID: 0030
Revises: 0029
Create Date: 2026-12-08 00:30:00

A case never accepted has no ``due_at``; the inbox sorted and filtered it by the deadline
the rules give it from its first message, computed in Python over every such case on each
request and bound as two SQL parameters a case. After importing a million old messages,
hundreds of thousands of cases wait at the desk: more parameters than SQLite (32,766) or
PostgreSQL (65,535) take, and the inbox failed. ``cases.desk_due_at`` stores that deadline
(indexed); the upgrade fills it for the cases waiting now, in batches, by the rules and
holidays stored now (read here column by column, so that later columns do not matter).
"""

from __future__ import annotations

import os

import sqlalchemy as sa
from alembic import op

from minyi.cases.calendar import HOLIDAYS_FILE_ENV, WorkCalendar, default_calendar
from minyi.cases.deadlines import DeadlinePolicy, DeadlineRule
from minyi.cases.desk_due import recount_waiting
from minyi.cases.holidays import DayKind, HolidayOverride
from minyi.settings import current_timezone

revision = "0030"
down_revision = "0029"
branch_labels = None
depends_on = None

_RULES = sa.table(
    "deadline_rules",
    sa.column("appeal_kind", sa.String()),
    sa.column("category_id", sa.String()),
    sa.column("reply_working_days", sa.Integer()),
    sa.column("reply_hours", sa.Float()),
    sa.column("accept_hours", sa.Float()),
    sa.column("urgent", sa.Boolean()),
    sa.column("created_at", sa.DateTime()),
)
_CATEGORIES = sa.table("categories", sa.column("id", sa.String()), sa.column("path", sa.String()))
_HOLIDAYS = sa.table(
    "holiday_overrides",
    sa.column("day", sa.Date()),
    sa.column("kind", sa.String()),
    sa.column("name", sa.String()),
)


def upgrade() -> None:
    """Add ``cases.desk_due_at`` (indexed) and fill it for the cases waiting at the desk."""
    op.add_column("cases", sa.Column("desk_due_at", sa.DateTime(timezone=True), nullable=True))
    op.create_index("ix_cases_desk_due_at", "cases", ["desk_due_at"])
    bind = op.get_bind()
    recount_waiting(bind, _policy(bind))


def _policy(bind: sa.Connection) -> DeadlinePolicy:
    """The stored rules and holidays as ``minyi.cases.rules.deadline_policy`` reads them."""
    rows = bind.execute(
        sa.select(
            _RULES.c.appeal_kind,
            _CATEGORIES.c.path,
            _RULES.c.reply_working_days,
            _RULES.c.reply_hours,
            _RULES.c.accept_hours,
            _RULES.c.urgent,
        )
        .select_from(_RULES.outerjoin(_CATEGORIES, _CATEGORIES.c.id == _RULES.c.category_id))
        .order_by(_RULES.c.created_at)
    )
    rules = []
    for kind, path, days, hours, accept, urgent in rows:
        try:
            rules.append(
                DeadlineRule(
                    appeal_kind=kind,
                    category_path_prefix=path,
                    reply_working_days=days,
                    reply_hours=hours,
                    accept_hours=accept,
                    urgent=bool(urgent),
                )
            )
        except ValueError:  # as deadline_policy: a rule the checks now refuse is left out
            continue
    stored = {
        day: HolidayOverride(day, DayKind(kind), name)
        for day, kind, name in bind.execute(sa.select(_HOLIDAYS.c.day, _HOLIDAYS.c.kind, _HOLIDAYS.c.name))
    }
    holidays_file = os.environ.get(HOLIDAYS_FILE_ENV, "").strip() or None
    calendar = (
        WorkCalendar(holidays_file=holidays_file, overrides=stored, timezone=current_timezone())
        if stored
        else default_calendar()
    )
    return DeadlinePolicy(rules, calendar=calendar)


def downgrade() -> None:
    """Drop it again."""
    op.drop_index("ix_cases_desk_due_at", table_name="cases")
    op.drop_column("cases", "desk_due_at")
