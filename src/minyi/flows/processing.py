"""Processing a received message, and the boundary every channel uses: store, commit, process, commit.

:func:`receive` is the one place a submission commits twice. The message is committed
(by :func:`minyi.intake.services.accept`) before the pipeline runs, so a crash or a
pipeline error never loses what a citizen sent; a message whose processing failed is
marked ``failed`` and retried by :func:`process_pending` (``minyi process``).

:func:`process` is the flow across the domains: pipeline → stored analysis → hot issue →
alerts → the duplicate's case or a new one. A hit of an emergency (keyword) rule makes the
case urgent: the alerts know the hit, the case stores the flag (:func:`urgent_reason`).
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from sqlalchemy import select
from sqlalchemy.orm import Session

from minyi.alerts import services as alert_services
from minyi.alerts.models import Alert
from minyi.analysis import services as analysis_services
from minyi.analysis.models import MessageAnalysis
from minyi.cases import merging, routing
from minyi.cases import services as cases
from minyi.cases.models import Case
from minyi.intake import services
from minyi.intake.models import Message, ProcessingState
from minyi.intake.schemas import MessageIn
from minyi.pipeline.runner import Analysis, TextPipeline

if TYPE_CHECKING:
    from minyi.flows.workers import Processor
    from minyi.issues.online import BatchPlan, IssueTracker

log = logging.getLogger(__name__)


def process(  # noqa: PLR0913 - the message, its analysis and where it goes
    session: Session,
    message: Message,
    pipeline: TextPipeline | None = None,
    result: Analysis | None = None,
    *,
    tracker: IssueTracker | None = None,
    batch: Batch | None = None,
) -> Case:
    """Run the pipeline on a stored message, then join a duplicate's case or open a new one.

    ``result`` is the message's analysis when a batch was analysed at once (imports);
    ``tracker`` puts the message into its hot issue at once (servers). In a worker's
    ``batch`` nothing is flushed here: the batch's rows are written together when it
    commits (the unit of work then sends one insert a table), and a failure raises.
    """
    if message.case is not None:
        return message.case
    analysis = None
    urgent = None
    if pipeline is not None:
        result = result or pipeline.analyse(analysis_services.pipeline_input(message))
        new = batch is not None and message.id not in batch.analysed
        analysis = analysis_services.store(session, message, result, new=new, flush=batch is None)
        if tracker is not None and batch is not None and batch.plan is not None:
            tracker.observe_planned(session, message, analysis, batch.plan)
        elif tracker is not None:
            tracker.observe(session, message, analysis)
        hits = alert_services.watch_message(session, message, analysis)  # after: an alert names the issue
        urgent = urgent_reason(hits)
    # Marked before the case is attached, so that the flush writing ``case_id`` writes the
    # state in the same UPDATE (one statement a message fewer); a failure below rolls the
    # savepoint back and the caller marks the message ``failed``.
    message.state = ProcessingState.PROCESSED
    message.processing_error = None
    case = merging.attach_duplicate(session, message, analysis)
    if case is None:
        threshold = pipeline.route_threshold if pipeline is not None else 1.0
        case = cases.open_case(
            session, message, analysis, threshold, urgent_reason=urgent, batch=batch is not None
        )
        if batch is None:  # routed automatically or not, and why
            routing.record_routing(session, case, analysis, threshold)
        else:
            batch.routings.append((case, analysis, threshold))
    elif urgent:
        cases.mark_urgent(session, case, urgent)
    if batch is None:
        session.flush()
    return case


@dataclass
class Batch:
    """What a worker knows up front about the messages it stores in one transaction."""

    analysed: set[str]  # those with an analysis stored already (processed before, then reset)
    plan: BatchPlan | None = None  # where the hot-issue tracker puts them
    #: the routing rows to write once the batch's cases are: a routing names its case by id
    #: only, so a mid-batch autoflush could write it first (a foreign-key error, and the batch
    #: stored again one message at a time — soak test); see :func:`record_routings`
    routings: list[tuple[Case, MessageAnalysis | None, float]] = field(default_factory=list)


def record_routings(session: Session, batch: Batch) -> None:
    """Write the batch's routing rows, after flushing its cases."""
    if batch.routings:
        session.flush()
        for case, analysis, threshold in batch.routings:
            routing.record_routing(session, case, analysis, threshold)
        batch.routings.clear()


def urgent_reason(alerts: Sequence[Alert]) -> str | None:
    """Why a message's case is urgent: the emergency words its keyword alerts found, or None.

    ``alerts`` are what :func:`minyi.alerts.services.watch_message` returned for the
    message (new alerts and repeats within a cool-down alike: each is a hit of this message).
    """
    words: list[str] = []
    for alert in alerts:
        found = alert.measured.get("keywords") or [alert.measured.get("keyword")]
        words.extend(word for word in found if isinstance(word, str) and word and word not in words)
    return "、".join(words) or None


@dataclass(frozen=True)
class BatchResult:
    """What one batch of :func:`process_pending` did."""

    processed: int
    failed: int
    last_id: str = ""

    @property
    def attempted(self) -> int:
        """How many messages the batch took up."""
        return self.processed + self.failed


def process_pending(
    session: Session,
    limit: int = 500,
    *,
    retry_failed: bool = False,
    after: str = "",
    pipeline: TextPipeline | None = None,
) -> BatchResult:
    """Process up to ``limit`` stored, unprocessed messages with ids after ``after``.

    Messages whose processing failed before are taken up again only with ``retry_failed``,
    so a message that keeps failing never blocks the ones behind it.
    """
    states = [ProcessingState.RECEIVED.value]
    if retry_failed:
        states.append(ProcessingState.FAILED.value)
    query = (
        select(Message).where(Message.state.in_(states), Message.id > after).order_by(Message.id).limit(limit)
    )
    processed = failed = 0
    last_id = after
    for message in session.scalars(query):
        last_id = message.id
        try:
            with session.begin_nested():
                process(session, message, pipeline)
            processed += 1
        except Exception as exc:  # noqa: BLE001 - one bad message must not stop the batch
            mark_failed(session, message, exc)  # its case opened without analysis, else failed
            if message.state == ProcessingState.FAILED:
                failed += 1
            else:
                processed += 1
    return BatchResult(processed=processed, failed=failed, last_id=last_id)


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
            process(session, message, pipeline, result, tracker=tracker)
    except Exception as exc:  # noqa: BLE001 - the message is stored; record the failure and go on
        mark_failed(session, message, exc)


#: What ``processing_error`` says of a message whose case was opened without its analysis.
WITHOUT_ANALYSIS = "opened for a person to sort, without analysis: "


def mark_failed(session: Session, message: Message, exc: Exception) -> None:
    """After processing ``message`` failed: open its case without the analysis, else mark it failed.

    A failed message had no case, so no one saw it: the sweeper takes only waiting
    messages, and no page lists failed ones (seventh probe: a failure was acknowledged and
    the citizen's tracking page said 正在处理 for ever). Its case is now opened as a plain
    one (no category, no automatic dispatch), waiting at the dispatch desk, and the reason
    is kept in ``processing_error``; ``minyi reclassify`` can analyse it later. Only if that
    fails too is the message marked ``failed`` (``minyi process --retry-failed`` takes it up).
    """
    reason = f"{type(exc).__name__}: {exc}"
    log.warning("processing message %s failed: %s", message.id, reason[:300])
    try:
        with session.begin_nested():
            process(session, message, None)
    except Exception as second:  # noqa: BLE001 - the message stays stored, marked failed
        log.warning("opening a plain case for message %s failed too: %s", message.id, type(second).__name__)
        message.state = ProcessingState.FAILED
        message.processing_error = reason[:2000]
        return
    message.processing_error = (WITHOUT_ANALYSIS + reason)[:2000]


def analyse_batch(pipeline: TextPipeline | None, messages: Sequence[Message]) -> list[Analysis | None]:
    """The pipeline's results for ``messages`` as one batch (faster); Nones when it fails.

    A None makes :func:`process` analyse that message alone, where a failure is isolated
    to it.
    """
    if pipeline is None or not messages:
        return [None] * len(messages)
    try:
        return list(pipeline.analyse_many([analysis_services.pipeline_input(m) for m in messages]))
    except Exception:  # noqa: BLE001 - fall back to one at a time
        log.warning("batch analysis failed; analysing %d messages one at a time", len(messages))
        return [None] * len(messages)


def process_batch(
    session: Session,
    messages: list[Message],
    pipeline: TextPipeline | None,
    *,
    tracker: IssueTracker | None = None,
) -> None:
    """Process stored messages, analysing them as one batch (faster), each in its own savepoint."""
    results = analyse_batch(pipeline, messages)
    for message, result in zip(messages, results, strict=True):
        process_safely(session, message, pipeline, result, tracker=tracker)


def receive(  # noqa: PLR0913 - the fields of one submission
    session: Session,
    data: MessageIn,
    *,
    channel: str,
    key: str,
    source: str = "",
    idempotency_key: str | None = None,
    processor: Processor,
) -> services.Accepted:
    """Accept ``data`` and commit, then hand the message to ``processor``.

    The caller can acknowledge as soon as this returns: the message is stored. The
    processor runs the rest now (inline) or later (workers); a replayed submission
    (same ``Idempotency-Key``) is not processed again.
    """
    accepted = services.accept(
        session, data, channel=channel, key=key, source=source, idempotency_key=idempotency_key
    )
    session.commit()
    if accepted.created:
        try:
            processor.submit(session, accepted.message)
        except Exception:  # the message is stored: the sweeper hands it over again
            log.exception("handing message %s to the processor failed", accepted.message.id)
            session.rollback()
    return accepted
