"""Store pipeline results, look up categories for labels, and keep the model registry."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from minyi.analysis.models import MessageAnalysis, ModelRecord
from minyi.audit import services as audit
from minyi.db.base import utcnow
from minyi.departments.models import Category
from minyi.intake.models import Message
from minyi.pipeline.runner import Analysis, CategoryGuess, PipelineInput

CATEGORY = "category"


class ModelRegistryError(ValueError):
    """A registry request that cannot be carried out; the text says why."""


def category_for_label(session: Session, label: str | None) -> Category | None:
    """The category a model label names: a full path, else the shallowest category of that name.

    Looked up once per session (a request or a batch), since every message asks again.
    """
    if not label:
        return None
    cache: dict[str, str | None] = session.info.setdefault("minyi.category_by_label", {})
    if label in cache:
        cached = cache[label]
        return session.get(Category, cached) if cached else None
    found = session.scalar(select(Category).where(Category.path == label))
    if found is None:
        query = select(Category).where(Category.name == label).order_by(Category.level, Category.path)
        found = session.scalars(query).first()
    cache[label] = found.id if found else None
    return found


def pipeline_input(message: Message) -> PipelineInput:
    """What the pipeline needs of a stored message."""
    return PipelineInput(
        message_id=message.id,
        title=message.title,
        body=message.body,
        author=message.author_pseudonym,
        when=message.submitted_at or message.received_at,
    )


def _top_json(session: Session, guess: CategoryGuess | None) -> list[dict[str, Any]]:
    if guess is None:
        return []
    out = []
    for label, probability in guess.top:
        category = category_for_label(session, label)
        department = category.default_department if category else None
        out.append(
            {
                "label": label,
                "confidence": round(probability, 4),
                "category_id": category.id if category else None,
                "department": department.code if department else None,
            }
        )
    return out


def apply_category(session: Session, row: MessageAnalysis, guess: CategoryGuess | None) -> None:
    """Write a category guess into an analysis row."""
    row.category_label = guess.label if guess else None
    row.category_confidence = guess.confidence if guess else None
    row.category_top = _top_json(session, guess)
    row.category_model = guess.model if guess else None
    category = category_for_label(session, guess.label) if guess else None
    row.category_id = category.id if category else None


def store(
    session: Session, message: Message, analysis: Analysis, *, new: bool = False, flush: bool = True
) -> MessageAnalysis:
    """Save ``analysis`` for ``message`` (replacing an earlier one).

    A worker's batch knows which of its messages have no analysis yet (``new``: no read)
    and writes all its rows in one flush at the end (``flush=False``).
    """
    existing = None if new else session.get(MessageAnalysis, message.id)
    row = existing or MessageAnalysis(message_id=message.id)
    row.normalized_title = analysis.normalized_title
    row.normalized_body = analysis.normalized_body
    row.truncated = analysis.truncated
    row.original_length = analysis.original_length
    row.pii_kinds = analysis.pii_kinds
    apply_category(session, row, analysis.category)
    row.appeal_kind = analysis.appeal_kind
    row.appeal_confidence = analysis.appeal_confidence
    row.appeal_reasons = analysis.appeal_reasons
    row.appeal_model = analysis.appeal_model
    match = analysis.duplicate
    if match is not None and session.get(Message, match.matched_id) is not None:
        row.duplicate_of_id = match.matched_id
        row.duplicate_kind = match.kind
        row.duplicate_similarity = round(match.similarity, 4)
        row.duplicate_relation = match.relation
        row.duplicate_status = "auto"
    row.pipeline_version = analysis.pipeline_version
    row.analysed_at = utcnow()
    session.add(row)
    if flush:
        session.flush()
    return row


def recent_items(session: Session, days: float, limit: int) -> list[tuple[str, str, str | None, Any]]:
    """(id, normalised text, author, time) of the latest analysed messages, for the duplicate index."""
    since = utcnow() - timedelta(days=days)
    query = (
        select(
            Message.id,
            MessageAnalysis.normalized_title,
            MessageAnalysis.normalized_body,
            Message.author_pseudonym,
            Message.received_at,
        )
        .join(MessageAnalysis, MessageAnalysis.message_id == Message.id)
        .where(Message.received_at >= since)
        .order_by(Message.received_at.desc())
        .limit(limit)
    )
    rows = list(session.execute(query))
    rows.reverse()
    return [(mid, f"{title} {body}".strip(), author, when) for mid, title, body, author, when in rows]


def analyses_of(session: Session, case: Any) -> list[MessageAnalysis]:
    """The analyses of a case's messages."""
    ids = [m.id for m in case.messages]
    if not ids:
        return []
    return list(session.scalars(select(MessageAnalysis).where(MessageAnalysis.message_id.in_(ids))))


# --------------------------------------------------------------------------- registry


def undetermined_appeals(session: Session, case_ids: Sequence[str]) -> set[str]:
    """The cases among ``case_ids`` whose first message's appeal kind is a guess with 0 % confidence.

    Such a kind is the classifier's neutral default, not a finding: pages say "undetermined".
    """
    if not case_ids:
        return set()
    query = (
        select(Message.case_id, MessageAnalysis.appeal_confidence)
        .join(MessageAnalysis, MessageAnalysis.message_id == Message.id)
        .where(Message.case_id.in_(case_ids))
        .order_by(Message.received_at, Message.id)
    )
    first: dict[str, float | None] = {}
    for case_id, confidence in session.execute(query):
        if case_id is not None:
            first.setdefault(case_id, confidence)
    return {case_id for case_id, confidence in first.items() if not confidence}


def register(session: Session, path: Path, metadata: dict[str, Any], note: str = "") -> ModelRecord:
    """Record a saved model (its metadata as written beside it) in the registry."""
    version = str(metadata.get("version") or "")
    if not version:
        raise ModelRegistryError(f"{path}: the model metadata has no version")
    existing = session.scalar(select(ModelRecord).where(ModelRecord.version == version))
    if existing is not None:
        existing.path = str(path.resolve())
        return existing
    record = ModelRecord(
        kind=CATEGORY,
        version=version,
        path=str(path.resolve()),
        training_size=int(metadata.get("training_size") or 0),
        metrics=dict(metadata.get("metrics") or {}),
        note=note,
    )
    session.add(record)
    session.flush()
    return record


def activate(session: Session, version: str, *, by: audit.Actor | None = None) -> ModelRecord:
    """Make the model with ``version`` (a unique prefix will do) the active one of its kind.

    Recorded in the audit trail with the model it replaced (``by`` None: the command line):
    the classifier routes every new message, so who changed it, when, matters.
    """
    matches = list(session.scalars(select(ModelRecord).where(ModelRecord.version.startswith(version))))
    if len(matches) != 1:
        known = ", ".join(r.version for r in list_models(session)) or "none registered"
        what = "no model" if not matches else "several models"
        raise ModelRegistryError(f"{what} with version {version!r} (known: {known})")
    record = matches[0]
    if not Path(record.path).exists():
        raise ModelRegistryError(f"the model file {record.path} is missing")
    previous = active_model(session, record.kind)
    for other in session.scalars(select(ModelRecord).where(ModelRecord.kind == record.kind)):
        other.is_active = other.id == record.id
    record.activated_at = utcnow()
    session.flush()
    details = {"kind": record.kind, "previous": previous.version if previous is not None else None}
    audit.record_by(session, audit.MODEL_ACTIVATED, by, subject=record.version, details=details)
    return record


def active_model(session: Session, kind: str = CATEGORY) -> ModelRecord | None:
    """The active model of ``kind``, if any."""
    return session.scalar(
        select(ModelRecord).where(ModelRecord.kind == kind, ModelRecord.is_active.is_(True))
    )


def list_models(session: Session) -> Sequence[ModelRecord]:
    """Every registered model, newest first."""
    return list(session.scalars(select(ModelRecord).order_by(ModelRecord.created_at.desc())))
