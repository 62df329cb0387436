"""What citizens read of the knowledge base: public answered cases and articles in force.

The portal shows, while a citizen writes, the answers already given to similar questions
("类似问题已有答复"). Only what is public anyway is offered: articles in force and the
answered cases whose authors agreed to publish them, masked as on ``/public``. A private
case is never returned, by search or by id.
"""

from __future__ import annotations

from datetime import date

from sqlalchemy.orm import Session

from minyi.cases.public_text import PublicText
from minyi.core.errors import InvalidInput
from minyi.knowledge import documents
from minyi.knowledge import search as knowledge_search
from minyi.knowledge.index import Document
from minyi.knowledge.models import KnowledgeArticle
from minyi.settings import Settings

#: The portal asks with what the citizen has typed so far: a title and the start of a message.
MAX_PUBLIC_QUERY = 500
PUBLIC_TOP = 5
#: How much of an answer the portal's list shows; the whole is one click away.
PUBLIC_ANSWER_CHARS = 300


def similar_public(session: Session, settings: Settings, text: str) -> list[knowledge_search.Hit]:
    """The public answers and articles most like ``text`` (at most :data:`PUBLIC_TOP`).

    Nothing typed yet finds nothing (the portal may ask before the citizen writes).
    """
    if not text.strip():
        return []
    if len(text) > MAX_PUBLIC_QUERY:
        raise InvalidInput(f"q: at most {MAX_PUBLIC_QUERY} characters", field="q")
    return knowledge_search.search(session, settings, text, top=PUBLIC_TOP, public_only=True)


def public_entry(session: Session, settings: Settings, entry_id: str, today: date) -> Document | None:
    """The article in force, or the public answered case, of ``entry_id``; None otherwise."""
    article = session.get(KnowledgeArticle, entry_id)
    if article is not None:
        return documents.article_document(article) if article.valid_on(today) else None
    masker = PublicText.of(session, settings.public_numbers)
    found = documents.case_documents(session, [entry_id], masker)
    return found[0] if found and found[0].public else None
