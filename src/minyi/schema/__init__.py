"""The model registry: imports every model so the metadata is complete (Alembic, checks).

It sits above every domain package (each owns its models) and below the interfaces,
so no domain package needs to know all the others. ``minyi.schema.migrate`` applies and
checks the migrations in ``minyi/db/migrations``.
"""

# imported for their session events: they keep the public search and staff word indexes in step
import minyi.accountability.search_index
import minyi.cases.word_index  # noqa: F401 - the name ``minyi`` is bound once for both
from minyi.accountability.models import ScorecardCell, ScorecardRefresh
from minyi.accountability.search_models import PublicSearchDoc
from minyi.accounts.models import ApiToken, User
from minyi.accounts.quotas import QuotaWindow
from minyi.accounts.sessions import StaffSession
from minyi.accounts.throttle import LoginFailure
from minyi.admin.models import ReplyTemplate
from minyi.alerts.models import Alert, AlertRule
from minyi.analysis.models import MessageAnalysis, ModelRecord
from minyi.audit.models import AuditEvent
from minyi.cases.holiday_store import HolidayRecord
from minyi.cases.kinds import CallbackRequest, SuggestionDecision
from minyi.cases.models import (
    Case,
    CaseEvent,
    CaseRating,
    DeadlineRuleRecord,
    ExtensionRequest,
    Reply,
    Statement,
    StatementCase,
)
from minyi.cases.routing import CaseRouting, RoutingCorrection
from minyi.cases.word_models import CaseWords
from minyi.db.base import Base
from minyi.departments.models import Category, Department
from minyi.intake.models import IdempotencyKey, Message, MessageContact
from minyi.interop.models import ImportRun
from minyi.issues.models import HotIssue
from minyi.knowledge.models import ArticleVersion, KnowledgeArticle, KnowledgeUse
from minyi.notify.models import OutboxMessage

__all__ = [
    "Alert",
    "AlertRule",
    "ApiToken",
    "ArticleVersion",
    "AuditEvent",
    "Base",
    "CallbackRequest",
    "Case",
    "CaseEvent",
    "CaseRating",
    "CaseRouting",
    "CaseWords",
    "Category",
    "DeadlineRuleRecord",
    "Department",
    "ExtensionRequest",
    "HolidayRecord",
    "HotIssue",
    "IdempotencyKey",
    "ImportRun",
    "KnowledgeArticle",
    "KnowledgeUse",
    "LoginFailure",
    "Message",
    "MessageAnalysis",
    "MessageContact",
    "ModelRecord",
    "OutboxMessage",
    "PublicSearchDoc",
    "QuotaWindow",
    "Reply",
    "ReplyTemplate",
    "RoutingCorrection",
    "ScorecardCell",
    "ScorecardRefresh",
    "StaffSession",
    "Statement",
    "StatementCase",
    "SuggestionDecision",
    "User",
]
