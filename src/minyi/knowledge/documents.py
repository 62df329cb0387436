"""What the knowledge index holds, read from the database and masked before it is written.

An **answered case** becomes one document: its title, its first message (the question) and
its public replies (the answer), the answering department, the date of the first answer
and the citizen's last rating. An **article** becomes one document too. Every text goes
through :class:`minyi.cases.public_text.PublicText` first, the same masking as ``/public``,
so nothing indexed holds a phone number or a name, and a citizen who sees a suggestion on
the portal reads no more than the public answers show. Only public cases are marked
``public``; staff see all answered cases of every department, as on the case page.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from datetime import datetime

from sqlalchemy import func, select, union
from sqlalchemy.orm import Session, selectinload

from minyi.cases.models import ANSWERED_STATUSES, Case, CaseEvent, CaseRating, Reply
from minyi.cases.public_text import PublicText
from minyi.core import localtime
from minyi.db.base import id_floor
from minyi.knowledge.index import Document
from minyi.knowledge.models import KnowledgeArticle

MAX_QUESTION = 600
MAX_ANSWER = 2000
BATCH = 500


def _local_date(when: datetime | None) -> str:
    return localtime.local_date(when).isoformat() if when else ""


def case_documents(session: Session, case_ids: Sequence[str], masker: PublicText) -> list[Document]:
    """The documents of the answered cases among ``case_ids`` (others are left out)."""
    query = (
        select(Case)
        .where(Case.id.in_(case_ids), Case.status.in_([s.value for s in ANSWERED_STATUSES]))
        .options(
            selectinload(Case.messages),
            selectinload(Case.replies),
            selectinload(Case.department),
            selectinload(Case.category),
        )
    )
    cases = list(session.scalars(query))
    masker.prefetch(session, [case.id for case in cases])
    ratings = _last_ratings(session, [case.id for case in cases])
    documents = []
    for case in cases:
        replies = [reply for reply in case.replies if reply.is_public]
        if not replies:
            continue
        # A public case's document is shown in public: only a message its author let be published.
        first = case.public_message if case.is_public else (case.messages[0] if case.messages else None)
        question = first.body if first is not None else ""
        answer = "\n".join(reply.body for reply in replies)
        documents.append(
            Document(
                source="case",
                id=case.id,
                title=masker(case, case.title),
                question=masker(case, question)[:MAX_QUESTION],
                answer=masker(case, answer)[:MAX_ANSWER],
                department_id=case.department_id or "",
                department=case.department.name if case.department else "",
                category=case.category.name if case.category else "",
                date=_local_date(replies[0].created_at),
                satisfaction=ratings.get(case.id, ""),
                public=bool(case.is_public),
                extra={"number": case.number},
            )
        )
    return documents


def _last_ratings(session: Session, case_ids: list[str]) -> dict[str, str]:
    """Each case's latest satisfaction (满意 …), when it was rated."""
    if not case_ids:
        return {}
    rows = session.execute(
        select(CaseRating.case_id, CaseRating.satisfaction, CaseRating.created_at)
        .where(CaseRating.case_id.in_(case_ids))
        .order_by(CaseRating.created_at)
    )
    return {case_id: str(satisfaction) for case_id, satisfaction, _ in rows}


def article_document(article: KnowledgeArticle) -> Document:
    """The document of an article (articles are written for the public: no masking of names)."""
    return Document(
        source="article",
        id=article.id,
        title=article.title,
        question=" ".join(article.tags or []),
        answer=article.body[:MAX_ANSWER],
        department_id=article.department_id or "",
        department=article.department.name if article.department else "",
        category=article.category.name if article.category else "",
        date=_local_date(article.updated_at),
        valid_to=article.valid_to.isoformat() if article.valid_to else "",
        public=True,
        extra={"source_url": article.source_url or "", "version": article.version},
    )


def answered_case_ids(session: Session, since: datetime | None = None) -> Iterator[list[str]]:
    """Batches of ids of cases with a public reply stored since ``since`` (all when None).

    Reply ids are time-ordered (UUIDv7) by when the row was stored, not by the reply's
    date, so an import of historical replies is seen as new as well.
    """
    query = select(Reply.case_id).where(Reply.is_public.is_(True)).distinct()
    if since is not None:  # a range of the primary key: cheap however many replies there are
        query = query.where(Reply.id >= id_floor(since))
    yield from _batches(session.scalars(query.order_by(Reply.case_id)))


def _batches(ids: Iterable[str]) -> Iterator[list[str]]:
    """``ids`` in lists of :data:`BATCH`."""
    batch: list[str] = []
    for case_id in ids:
        batch.append(case_id)
        if len(batch) >= BATCH:
            yield batch
            batch = []
    if batch:
        yield batch


def changed_case_ids(session: Session, since: datetime | None) -> Iterator[list[str]]:
    """Batches of ids of cases with a public reply *or any step of their history* since ``since``.

    A case merged away (并案: no longer public), reopened or moved to another department has
    no new reply, yet its document must change or go. When ``since`` is None (a first or
    full synchronisation) it is :func:`answered_case_ids`.
    """
    if since is None:
        yield from answered_case_ids(session, None)
        return
    floor = id_floor(since)
    replies = select(Reply.case_id).where(Reply.is_public.is_(True), Reply.id >= floor)
    steps = select(CaseEvent.case_id).where(CaseEvent.id >= floor)
    changed = union(replies, steps).subquery()
    yield from _batches(session.scalars(select(changed.c.case_id).order_by(changed.c.case_id)))


def still_shown(
    session: Session, case_ids: Sequence[str], *, public_only: bool, departments: frozenset[str] | None
) -> set[str]:
    """The ids among ``case_ids`` whose case may be shown *now*, whatever the index says.

    The index is brought up to date within a minute or so; until then a case merged away,
    reopened or deleted could still be found in it. Each search checks its few case hits
    here: answered, and public (or, for staff, of the ``departments`` they read; None: any).
    """
    if not case_ids:
        return set()
    query = select(Case.id, Case.is_public, Case.department_id).where(
        Case.id.in_(list(case_ids)), Case.status.in_([s.value for s in ANSWERED_STATUSES])
    )
    shown = set()
    for case_id, is_public, department_id in session.execute(query):
        if is_public or (not public_only and (departments is None or department_id in departments)):
            shown.add(case_id)
    return shown


def answered_case_count(session: Session, since: datetime | None, *, at_most: int) -> int:
    """How many cases :func:`answered_case_ids` would give, counted up to ``at_most``."""
    query = select(Reply.case_id).where(Reply.is_public.is_(True)).distinct()
    if since is not None:
        query = query.where(Reply.id >= id_floor(since))
    return int(session.scalar(select(func.count()).select_from(query.limit(at_most).subquery())) or 0)


def changed_articles(session: Session, since: datetime | None = None) -> list[KnowledgeArticle]:
    """Articles changed since ``since`` (all when None), with what their documents need."""
    query = select(KnowledgeArticle).options(
        selectinload(KnowledgeArticle.department), selectinload(KnowledgeArticle.category)
    )
    if since is not None:
        query = query.where(KnowledgeArticle.updated_at >= since)
    return list(session.scalars(query))
