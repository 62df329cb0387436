"""The intake boundary every channel uses: store and commit, then process and commit.

This is the one place intake commits. The message is committed before the pipeline
runs, so a crash or a pipeline error never loses what a citizen sent; a message whose
processing failed is marked ``failed`` and retried by ``minyi process``.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

from sqlalchemy.orm import Session

from minyi.analysis import services as analysis_services
from minyi.intake import services
from minyi.intake.models import Message, ProcessingState
from minyi.intake.schemas import MessageIn
from minyi.pipeline.runner import Analysis, TextPipeline

if TYPE_CHECKING:
    from minyi.issues.online import IssueTracker

log = logging.getLogger(__name__)


def process_safely(
    session: Session,
    message: Message,
    pipeline: TextPipeline | None = None,
    result: Analysis | None = None,
    *,
    tracker: IssueTracker | None = None,
) -> None:
    """Process a committed message; on failure mark it ``failed`` instead of raising."""
    try:
        with session.begin_nested():
            services.process(session, message, pipeline, result, tracker=tracker)
    except Exception as exc:  # noqa: BLE001 - the message is stored; record the failure and go on
        log.warning("processing message %s failed: %s: %s", message.id, type(exc).__name__, exc)
        message.state = ProcessingState.FAILED.value
        message.processing_error = f"{type(exc).__name__}: {exc}"[:2000]


def process_batch(session: Session, messages: list[Message], pipeline: TextPipeline | None) -> None:
    """Process stored messages, analysing them as one batch (faster), each in its own savepoint."""
    results: list[Analysis | None] = [None] * len(messages)
    if pipeline is not None and messages:
        try:
            results = list(pipeline.analyse_many([analysis_services.pipeline_input(m) for m in messages]))
        except Exception:  # noqa: BLE001 - fall back to one at a time, where failures are isolated
            log.warning("batch analysis failed; analysing %d messages one at a time", len(messages))
    for message, result in zip(messages, results, strict=True):
        process_safely(session, message, pipeline, result)


def receive(  # noqa: PLR0913 - the fields of one submission
    session: Session,
    data: MessageIn,
    *,
    channel: str,
    key: str,
    source: str = "",
    idempotency_key: str | None = None,
    pipeline: TextPipeline | None = None,
    tracker: IssueTracker | None = None,
) -> services.Accepted:
    """Accept ``data`` (commit), then process it (commit). Returns the stored message."""
    accepted = services.accept(
        session, data, channel=channel, key=key, source=source, idempotency_key=idempotency_key
    )
    session.commit()
    if accepted.created:
        process_safely(session, accepted.message, pipeline, tracker=tracker)
        session.commit()
    return accepted
