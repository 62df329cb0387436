"""Answer at intake (直接答复) and the count of such answers.

A consultation (咨询) whose question the knowledge base answers well need not travel to a
department and back: the dispatcher who reads it sends the drafted reply and closes the case
in one step. The reply goes through the ordinary reply service (so its quality check and its
events are the same as any reply); the step is refused to department staff, to other kinds
of appeal, to cases past intake and when the best match is weaker than
``MINYI_KNOWLEDGE_DIRECT_SCORE``. Each direct answer is a :class:`KnowledgeUse` of kind
``direct_answer``, which the public dashboard counts.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from minyi.accounts.models import User
from minyi.accounts.permissions import Action, require
from minyi.cases import services as cases
from minyi.cases import workflow
from minyi.cases.models import AppealKind, Case, CaseStatus, Reply
from minyi.core.errors import Conflict
from minyi.db.base import utcnow
from minyi.knowledge import suggest
from minyi.knowledge.models import KnowledgeUse, UseKind
from minyi.settings import Settings


def direct_answer(  # noqa: PLR0913, PLR0917 - the case, the chosen answer, how its check is held
    session: Session,
    settings: Settings,
    user: User,
    case: Case,
    source: str,
    hit_id: str,
    *,
    min_score: float,
    reason: str = "",
) -> Reply:
    """Reply to the consultation with the chosen answer and close it; recorded (not committed)."""
    require(user, Action.DIRECT_ANSWER)
    if case.appeal_kind != AppealKind.INQUIRY:
        raise Conflict("only a consultation (咨询) is answered directly from the knowledge base")
    if case.status not in {CaseStatus.RECEIVED, CaseStatus.ACCEPTED}:
        raise Conflict(f"a case that is {case.status} is past intake: its department answers it")
    hit = suggest.chosen(session, settings, case, user, source, hit_id)
    if hit.score < settings.knowledge_direct_score:
        raise Conflict(
            f"the match scores {hit.score:.0f}, below {settings.knowledge_direct_score:.0f}: "
            "dispatch the case instead"
        )
    text = suggest.draft_text(session, user, case, hit, utcnow())
    reply = cases.add_reply(
        session, user, case, text, public=True, min_score=min_score, reason=reason, direct=True
    )
    workflow.change_status(session, user, case, CaseStatus.CLOSED, "直接答复")
    suggest.record_use(session, user, case, hit, UseKind.DIRECT_ANSWER)
    return reply


def direct_answer_counts(session: Session, start: datetime, end: datetime) -> int:
    """How many cases were answered directly from the knowledge base in [start, end)."""
    query = select(func.count(func.distinct(KnowledgeUse.case_id))).where(
        KnowledgeUse.kind == UseKind.DIRECT_ANSWER,
        KnowledgeUse.used_at >= start,
        KnowledgeUse.used_at < end,
    )
    return int(session.scalar(query) or 0)
