"""alert rules and alerts, with default rules

Revision ID: 0009
Revises: 0008
Create Date: 2026-11-24 06:20:19.400516
"""

from __future__ import annotations

from datetime import UTC, datetime

import sqlalchemy as sa
from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None

EMERGENCY_WORDS = [
    "燃气泄漏",
    "煤气泄漏",
    "天然气泄漏",
    "闻到煤气",
    "塌方",
    "坍塌",
    "倒塌",
    "山体滑坡",
    "火灾",
    "着火",
    "起火",
    "爆炸",
    "触电",
    "漏电",
    "溺水",
    "中毒",
    "被困",
    "井盖丢失",
]

#: The rules a fresh deployment starts with (admins change or disable them).
DEFAULT_RULES = [
    {
        "id": "01900000-0000-7000-8000-00000000a001",
        "name": "紧急情况关键词",
        "kind": "keyword",
        "scope": "region",
        "params": {"keywords": EMERGENCY_WORDS},
        "cooldown_minutes": 60,
    },
    {
        "id": "01900000-0000-7000-8000-00000000a002",
        "name": "类别一小时突增",
        "kind": "burst",
        "scope": "category",
        "params": {"ratio": 3.0, "min_count": 5, "recent_hours": 1, "baseline_hours": 12},
        "cooldown_minutes": 180,
    },
    {
        "id": "01900000-0000-7000-8000-00000000a003",
        "name": "区域一小时突增",
        "kind": "burst",
        "scope": "region",
        "params": {"ratio": 3.0, "min_count": 5, "recent_hours": 1, "baseline_hours": 12},
        "cooldown_minutes": 180,
    },
    {
        "id": "01900000-0000-7000-8000-00000000a004",
        "name": "类别24小时趋势",
        "kind": "trend",
        "scope": "category",
        "params": {"k": 3.0, "min_count": 10, "baseline_days": 7, "min_history_days": 3, "sigma_floor": 1.0},
        "cooldown_minutes": 720,
    },
    {
        "id": "01900000-0000-7000-8000-00000000a005",
        "name": "热点问题阈值",
        "kind": "threshold",
        "scope": "issue",
        "params": {"window_hours": 24, "min_count": 20, "min_likes": 500},
        "cooldown_minutes": 1440,
    },
]


def upgrade() -> None:
    rules = op.create_table(
        "alert_rules",
        sa.Column("name", sa.String(length=120), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("scope", sa.String(length=20), nullable=False),
        sa.Column("params", sa.JSON(), nullable=False),
        sa.Column("cooldown_minutes", sa.Integer(), server_default="60", nullable=False),
        sa.Column("enabled", sa.Boolean(), server_default=sa.true(), nullable=False),
        sa.Column("webhook_urls", sa.JSON(), nullable=False),
        sa.Column("emails", sa.JSON(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_alert_rules")),
        sa.UniqueConstraint("name", name=op.f("uq_alert_rules_name")),
    )
    op.create_table(
        "alerts",
        sa.Column("rule_id", sa.String(length=36), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("scope_kind", sa.String(length=20), nullable=False),
        sa.Column("scope_key", sa.String(length=300), nullable=False),
        sa.Column("label", sa.String(length=300), nullable=False),
        sa.Column("fired_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("last_seen_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("repeat_count", sa.Integer(), server_default="0", nullable=False),
        sa.Column("measured", sa.JSON(), nullable=False, server_default="{}"),
        sa.Column("status", sa.String(length=20), server_default="open", nullable=False),
        sa.Column("acknowledged_by_id", sa.String(length=36), nullable=True),
        sa.Column("acknowledged_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("issue_id", sa.String(length=36), nullable=True),
        sa.Column("category_id", sa.String(length=36), nullable=True),
        sa.Column("message_ids", sa.JSON(), nullable=False, server_default="[]"),
        sa.Column("dedupe_key", sa.String(length=200), nullable=False),
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.ForeignKeyConstraint(
            ["acknowledged_by_id"],
            ["users.id"],
            name=op.f("fk_alerts_acknowledged_by_id_users"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["category_id"],
            ["categories.id"],
            name=op.f("fk_alerts_category_id_categories"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["issue_id"], ["hot_issues.id"], name=op.f("fk_alerts_issue_id_hot_issues"), ondelete="SET NULL"
        ),
        sa.ForeignKeyConstraint(
            ["rule_id"], ["alert_rules.id"], name=op.f("fk_alerts_rule_id_alert_rules"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_alerts")),
        sa.UniqueConstraint("dedupe_key", name=op.f("uq_alerts_dedupe_key")),
    )
    with op.batch_alter_table("alerts", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_alerts_category_id"), ["category_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_alerts_fired_at"), ["fired_at"], unique=False)
        batch_op.create_index(batch_op.f("ix_alerts_issue_id"), ["issue_id"], unique=False)
        batch_op.create_index(
            "ix_alerts_rule_scope_fired", ["rule_id", "scope_key", "fired_at"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_alerts_status"), ["status"], unique=False)

    now = datetime.now(UTC)
    op.bulk_insert(
        rules,
        [
            {**rule, "enabled": True, "webhook_urls": [], "emails": [], "created_at": now, "updated_at": now}
            for rule in DEFAULT_RULES
        ],
    )


def downgrade() -> None:
    with op.batch_alter_table("alerts", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_alerts_status"))
        batch_op.drop_index("ix_alerts_rule_scope_fired")
        batch_op.drop_index(batch_op.f("ix_alerts_issue_id"))
        batch_op.drop_index(batch_op.f("ix_alerts_fired_at"))
        batch_op.drop_index(batch_op.f("ix_alerts_category_id"))

    op.drop_table("alerts")
    op.drop_table("alert_rules")
