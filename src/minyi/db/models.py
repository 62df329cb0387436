"""Imports every model so the metadata is complete (for Alembic and checks)."""

from minyi.accounts.models import ApiToken, User
from minyi.admin.models import DeadlineRuleRecord, ReplyTemplate
from minyi.alerts.models import Alert, AlertRule
from minyi.analysis.models import MessageAnalysis, ModelRecord
from minyi.cases.models import (
    Case,
    CaseEvent,
    CaseRating,
    ExtensionRequest,
    Reply,
    Statement,
    StatementCase,
)
from minyi.db.base import Base
from minyi.departments.models import Category, Department
from minyi.intake.models import IdempotencyKey, Message, MessageContact
from minyi.issues.models import HotIssue
from minyi.notify.models import OutboxMessage

__all__ = [
    "Alert",
    "AlertRule",
    "ApiToken",
    "Base",
    "Case",
    "CaseEvent",
    "CaseRating",
    "Category",
    "DeadlineRuleRecord",
    "Department",
    "ExtensionRequest",
    "HotIssue",
    "IdempotencyKey",
    "Message",
    "MessageAnalysis",
    "MessageContact",
    "ModelRecord",
    "OutboxMessage",
    "Reply",
    "ReplyTemplate",
    "Statement",
    "StatementCase",
    "User",
]
