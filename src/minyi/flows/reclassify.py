"""Re-classifying stored messages with a new model, and the training rows staff corrections give.

Both read analyses and cases together, so they are flows above both packages:
``minyi model reclassify`` and ``minyi model train`` call them.
"""

from __future__ import annotations

from sqlalchemy import ColumnElement, func, or_, select
from sqlalchemy.orm import Session

from minyi.analysis.models import MessageAnalysis
from minyi.analysis.services import apply_category
from minyi.cases.models import Case, CaseStatus
from minyi.cases.services import route_by_category
from minyi.db.base import utcnow
from minyi.departments.models import Category
from minyi.intake.models import Message
from minyi.pipeline.runner import TextPipeline

MACHINE_SOURCES = frozenset({None, "classifier", "keywords"})


def _stale(model: str | None) -> ColumnElement[bool]:
    """Analyses whose category another model (or none) gave."""
    return or_(MessageAnalysis.category_model.is_(None), MessageAnalysis.category_model != model)


def pending(session: Session, pipeline: TextPipeline) -> int:
    """How many stored messages the active model has still to re-classify (the progress bar's total)."""
    query = select(func.count()).select_from(MessageAnalysis).where(_stale(pipeline.category_model))
    return session.scalar(query) or 0


def reclassify_batch(
    session: Session, pipeline: TextPipeline, after: str = "", limit: int = 500
) -> tuple[int, str]:
    """Re-classify up to ``limit`` analysed messages whose category came from another model.

    Cases still waiting for a dispatcher are routed when the new guess is confident;
    categories chosen by citizens or corrected by staff are kept. Returns how many
    messages were re-classified and the last id seen (to continue after it).
    """
    model = pipeline.category_model
    query = (
        select(MessageAnalysis)
        .where(MessageAnalysis.message_id > after)
        .where(_stale(model))
        .order_by(MessageAnalysis.message_id)
        .limit(limit)
    )
    rows = list(session.scalars(query))
    if not rows:
        return 0, after
    titles = [r.normalized_title for r in rows]
    texts = [f"{r.normalized_title} {r.normalized_body}".strip() for r in rows]
    for row, guess in zip(rows, pipeline.classify(titles, texts), strict=True):
        apply_category(session, row, guess)
        row.category_model = model
        row.analysed_at = utcnow()
        _reroute(session, row, pipeline.route_threshold)
    session.flush()
    return len(rows), rows[-1].message_id


def _reroute(session: Session, row: MessageAnalysis, threshold: float) -> None:
    case = row.message.case
    if case is None or case.category_source not in MACHINE_SOURCES or case.status != CaseStatus.RECEIVED:
        return
    if case.messages and case.messages[0].id != row.message_id:
        return  # a merged duplicate does not decide its case's category
    confident = row.category is not None and (row.category_confidence or 0) >= threshold
    case.category = row.category if confident else None
    case.category_source = (
        ("keywords" if str(row.category_model).startswith("keywords:") else "classifier")
        if confident
        else None
    )
    if confident:
        route_by_category(session, case)


def training_rows(session: Session) -> list[tuple[str, str]]:
    """(text, label) of every case whose category a person set: staff corrections and citizens' choices.

    The label is the first-level category name, as the classifier is trained on.
    """
    query = (
        select(Message.title, Message.body, Case.category_id)
        .join(Case, Case.id == Message.case_id)
        .where(Case.category_source.in_(["staff", "citizen"]), Case.category_id.is_not(None))
        .order_by(Message.id)
    )
    out = []
    for title, body, category_id in session.execute(query):
        category = session.get(Category, category_id)
        if category is not None:
            out.append((f"{title}\n{body}", category.path.split(Category.PATH_SEPARATOR)[0]))
    return out
