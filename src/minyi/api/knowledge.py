"""JSON search of the knowledge base for staff: similar answered cases and articles."""

from __future__ import annotations

from typing import Annotated

from fastapi import Query
from pydantic import BaseModel, ConfigDict, Field

from minyi.accounts.permissions import department_filter
from minyi.api.routes import TokenUser
from minyi.http.deps import AppSettings, DbSession
from minyi.http.transactions import Router
from minyi.knowledge import public as knowledge_public
from minyi.knowledge import search as knowledge_search

router = Router(prefix="/api/v1", tags=["knowledge"])


class KnowledgeHit(BaseModel):
    """One answer of the knowledge base: an answered case or an article."""

    source: str
    id: str
    title: str
    answer: str
    department: str
    date: str
    score: float
    relevance: float = 0.0  # the score over an ideal answer's: what the "相关度" label reads
    coverage: float = 0.0  # the share of the question's key words the answer holds
    question: str = ""
    category: str = ""
    satisfaction: str = ""
    number: str = ""
    source_url: str = ""


@router.get("/knowledge/search", response_model=list[KnowledgeHit])
def search(
    db: DbSession,
    settings: AppSettings,
    user: TokenUser,
    q: Annotated[str, Query(max_length=knowledge_search.MAX_QUERY)] = "",
    top: Annotated[int, Query(ge=1, le=knowledge_search.MAX_TOP)] = 5,
) -> list[KnowledgeHit]:
    """Answered cases (masked) and articles in force that best answer ``q``.

    Department staff get other departments' public answers only, with their own private ones.

    No question, no hits: an empty ``q`` (a search box not yet typed in) answers ``[]``.
    """
    if not q.strip():
        return []
    hits = knowledge_search.search(db, settings, q, top=top, departments=department_filter(user))
    return [KnowledgeHit(**hit.as_dict()) for hit in hits]


class PublicKnowledgeHit(BaseModel):
    """One public answer or article in force, as the portal shows it while a citizen writes."""

    source: str
    id: str
    title: str
    answer: str
    department: str
    date: str
    score: float
    url: str


@router.get("/public/knowledge", response_model=list[PublicKnowledgeHit], tags=["public"])
def public_knowledge(
    db: DbSession,
    settings: AppSettings,
    q: Annotated[str, Query(max_length=knowledge_public.MAX_PUBLIC_QUERY)] = "",
) -> list[PublicKnowledgeHit]:
    """The public answers and articles most like ``q`` (top 5; no token; masked texts only).

    A private case is never returned. An empty ``q`` finds nothing; one longer than 500
    characters answers 422. The portal asks by ``POST`` (below), not here.
    """
    return _public_hits(db, settings, q)


class PublicKnowledgeQuery(BaseModel):
    """A citizen's draft, sent in the body so that it is in no URL."""

    model_config = ConfigDict(extra="forbid")
    q: str = Field(default="", max_length=knowledge_public.MAX_PUBLIC_QUERY)


@router.post("/public/knowledge", response_model=list[PublicKnowledgeHit], tags=["public"])
def public_knowledge_of_draft(
    db: DbSession, settings: AppSettings, data: PublicKnowledgeQuery
) -> list[PublicKnowledgeHit]:
    """As ``GET``, for the portal's "类似问题已有答复" while a citizen writes.

    The draft holds whatever the citizen types (a name, a phone or ID number), and is sent
    again at every pause, submitted or not.  In a query string it was written to the
    server's access log and to every proxy's (eleventh probe); a body is logged by neither.
    """
    return _public_hits(db, settings, data.q)


def _public_hits(db: DbSession, settings: AppSettings, q: str) -> list[PublicKnowledgeHit]:
    hits = knowledge_public.similar_public(db, settings, q)
    return [
        PublicKnowledgeHit(
            source=hit.source,
            id=hit.id,
            title=hit.title,
            answer=hit.answer[: knowledge_public.PUBLIC_ANSWER_CHARS],
            department=hit.department,
            date=hit.date,
            score=hit.score,
            url=f"/public/knowledge/{hit.id}",
        )
        for hit in hits
    ]
