"""Analysing later the messages whose cases were opened without their analysis.

When the pipeline fails on a message, :func:`minyi.flows.processing.mark_failed` opens its
case as a plain one so that a person sees it (seventh probe), and notes why in
``processing_error``. Such a message had no analysis row at all, so nothing took it up
again: ``minyi model reclassify`` reads analysis rows only, and the case kept no category,
no kind of appeal and no masked public text until a dispatcher sorted it (eighth probe,
left open). :func:`analyse_opened` runs the pipeline on them again once the cause is fixed
(``minyi process`` calls it); a case still waiting at the desk then gets what intake would
have given it (:func:`minyi.cases.services.categorise_waiting`).
"""

from __future__ import annotations

import logging

from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session

from minyi.alerts import services as alert_services
from minyi.analysis import services as analysis_services
from minyi.analysis.models import MessageAnalysis
from minyi.cases import routing
from minyi.cases import services as cases
from minyi.flows.processing import WITHOUT_ANALYSIS, BatchResult, urgent_reason
from minyi.intake.models import Message, ProcessingState
from minyi.pipeline.runner import TextPipeline

__all__ = ["analyse_opened", "opened_without_analysis_count"]

log = logging.getLogger(__name__)


def _opened_without_analysis() -> Select[Message]:
    """Processed messages with a case, no analysis row, and the note :func:`mark_failed` leaves."""
    analysed = select(MessageAnalysis.message_id).where(MessageAnalysis.message_id == Message.id)
    return select(Message).where(
        Message.state == ProcessingState.PROCESSED,
        Message.case_id.is_not(None),
        Message.processing_error.startswith(WITHOUT_ANALYSIS, autoescape=True),
        ~analysed.exists(),
    )


def opened_without_analysis_count(session: Session) -> int:
    """How many messages have a case but no analysis yet (the admin page names the command)."""
    query = select(func.count()).select_from(_opened_without_analysis().subquery())
    return session.scalar(query) or 0


def analyse_opened(
    session: Session, pipeline: TextPipeline, *, limit: int = 500, after: str = ""
) -> BatchResult:
    """Analyse up to ``limit`` messages opened without analysis, with ids after ``after``.

    Each message is analysed in its own savepoint: one that fails again keeps its note
    (with the new reason) and does not stop the others. Nothing is committed here.
    """
    query = _opened_without_analysis().where(Message.id > after).order_by(Message.id).limit(limit)
    processed = failed = 0
    last_id = after
    for message in list(session.scalars(query).all()):
        last_id = message.id
        try:
            with session.begin_nested():
                _analyse(session, message, pipeline)
            processed += 1
        except Exception as exc:  # noqa: BLE001 - the case stays open for a person; note why
            reason = f"{type(exc).__name__}: {exc}"
            log.warning("analysing message %s again failed: %s", message.id, reason[:300])
            message.processing_error = (WITHOUT_ANALYSIS + reason)[:2000]
            failed += 1
    session.flush()
    return BatchResult(processed=processed, failed=failed, last_id=last_id)


def _analyse(session: Session, message: Message, pipeline: TextPipeline) -> None:
    """Store the message's analysis and give its waiting case what intake would have."""
    result = pipeline.analyse(analysis_services.pipeline_input(message))
    analysis = analysis_services.store(session, message, result)
    hits = alert_services.watch_message(session, message, analysis)
    message.processing_error = None
    case = message.case
    if case is None:
        return
    urgent = urgent_reason(hits)
    if urgent:
        cases.mark_urgent(session, case, urgent)
    threshold = pipeline.route_threshold
    cases.categorise_waiting(session, case, message, analysis, threshold)
    first = not case.messages or case.messages[0].id == message.id
    if first and routing.routing_of(session, case) is None:  # how it was routed, as intake keeps it
        routing.record_routing(session, case, analysis, threshold)
    session.flush()
