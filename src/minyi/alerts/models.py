"""AlertRule (what to watch) and Alert (what was seen, de-duplicated by a cool-down)."""

from __future__ import annotations

import enum
from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Boolean, ForeignKey, Index, Integer, String, true
from sqlalchemy.orm import Mapped, mapped_column, relationship

from minyi.accounts.models import User
from minyi.db.base import ID_LENGTH, Base, IdMixin, StrEnumType, utcnow


class RuleKind(enum.StrEnum):
    """How a rule decides that something deserves an alert."""

    KEYWORD = "keyword"  # an emergency word in a new message (checked at intake)
    BURST = "burst"  # the last hour against the hours before it
    TREND = "trend"  # the last 24 h against the days before it, mean + k·σ
    THRESHOLD = "threshold"  # absolute count and/or likes over a window


class Scope(enum.StrEnum):
    """What the counts of a rule are grouped by (always a topic, never a person)."""

    ISSUE = "issue"
    CATEGORY = "category"
    REGION = "region"
    ALL = "all"


class AlertStatus(enum.StrEnum):
    """Whether staff have taken note of an alert."""

    OPEN = "open"
    ACKNOWLEDGED = "acknowledged"


class AlertRule(IdMixin, Base):
    """One rule: its kind, scope, parameters, cool-down and where its alerts go.

    ``params`` depend on the kind (see :mod:`minyi.alerts.params`). ``webhook_urls`` and
    ``emails`` are the rule's own delivery targets; when empty, the alert goes to
    ``MINYI_WEBHOOK_URL`` and ``MINYI_ALERT_EMAILS`` (else ``MINYI_SUPERVISOR_EMAIL``).
    """

    __tablename__ = "alert_rules"

    name: Mapped[str] = mapped_column(String(120), unique=True)
    kind: Mapped[str] = mapped_column(String(20))
    scope: Mapped[str] = mapped_column(String(20), default=Scope.ALL.value)
    params: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    cooldown_minutes: Mapped[int] = mapped_column(Integer, default=60, server_default="60")
    enabled: Mapped[bool] = mapped_column(Boolean, default=True, server_default=true())
    webhook_urls: Mapped[list[str]] = mapped_column(JSON, default=list)
    emails: Mapped[list[str]] = mapped_column(JSON, default=list)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    def __repr__(self) -> str:
        """Name, kind and scope."""
        return f"<AlertRule {self.name!r} {self.kind}/{self.scope}>"


class Alert(IdMixin, Base):
    """Something a rule saw about one topic (scope key), stored once per cool-down.

    A repeat within the rule's cool-down (counted from ``fired_at``) updates
    ``last_seen_at``, ``repeat_count`` and ``measured`` instead of making a new alert.
    ``dedupe_key`` (rule, scope key, cool-down period) keeps two concurrent writers
    from storing the same alert twice. ``message_ids`` link staff to the messages a
    keyword alert is about; nothing here names or profiles an author.
    """

    __tablename__ = "alerts"
    __table_args__ = (Index("ix_alerts_rule_scope_fired", "rule_id", "scope_key", "fired_at"),)

    rule_id: Mapped[str] = mapped_column(String(ID_LENGTH), ForeignKey("alert_rules.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(20))
    scope_kind: Mapped[str] = mapped_column(String(20))
    scope_key: Mapped[str] = mapped_column(String(300))
    label: Mapped[str] = mapped_column(String(300))
    fired_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    last_seen_at: Mapped[datetime] = mapped_column(default=utcnow)
    repeat_count: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    measured: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    status: Mapped[AlertStatus] = mapped_column(
        StrEnumType(AlertStatus, 20),
        default=AlertStatus.OPEN,
        server_default=AlertStatus.OPEN.value,
        index=True,
    )
    acknowledged_by_id: Mapped[str | None] = mapped_column(
        String(ID_LENGTH), ForeignKey("users.id", ondelete="SET NULL")
    )
    acknowledged_at: Mapped[datetime | None] = mapped_column()
    issue_id: Mapped[str | None] = mapped_column(
        String(ID_LENGTH), ForeignKey("hot_issues.id", ondelete="SET NULL"), index=True
    )
    category_id: Mapped[str | None] = mapped_column(
        String(ID_LENGTH), ForeignKey("categories.id", ondelete="SET NULL"), index=True
    )
    message_ids: Mapped[list[str]] = mapped_column(JSON, default=list)
    dedupe_key: Mapped[str] = mapped_column(String(200), unique=True)

    rule: Mapped[AlertRule] = relationship()
    acknowledged_by: Mapped[User | None] = relationship()

    def __repr__(self) -> str:
        """Id, kind, scope and status (the label may hold place names, so not shown)."""
        return f"<Alert {self.id} {self.kind} {self.scope_kind} {self.status}>"
