"""Processing after the acknowledgement: store and commit first, then process outside the request.

A received message is handed to a processor, which runs
:func:`minyi.flows.processing.process`.

Three processors, chosen by ``MINYI_PROCESSING``:

* :class:`InlineProcessor` — in the request, after the first commit (tests, scripts);
* :class:`ThreadProcessor` — worker threads inside the server process (the default: a
  single machine needs nothing else);
* :class:`minyi.flows.jetstream.JetStreamProcessor` — publishes the message id to NATS
  JetStream, where ``minyi worker`` processes on any machine take it up.

Whatever the processor, delivery is *at least once* and processing is idempotent:
:func:`process_ids` takes only messages still ``received``, each under a row lock on
PostgreSQL (``FOR UPDATE SKIP LOCKED``: two workers never process the same message) or
the write lock on SQLite. The :class:`Sweeper` hands every message left ``received`` for
longer than ``MINYI_SWEEP_SECONDS`` (a crash, a full queue, a lost publish) to the
processor again, so nothing waits for a manual step.
"""

from __future__ import annotations

import logging
import queue
import threading
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import timedelta
from typing import TYPE_CHECKING, Protocol

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from minyi.alerts.rules import cache_rules
from minyi.analysis.models import MessageAnalysis
from minyi.db.base import id_floor, utcnow
from minyi.flows.processing import Batch, analyse_batch, mark_failed, process, process_safely, record_routings
from minyi.intake.models import Message, ProcessingState

if TYPE_CHECKING:
    from minyi.analysis.provider import PipelineProvider
    from minyi.db.session import Database
    from minyi.issues.online import IssueTracker
    from minyi.pipeline.runner import Analysis, TextPipeline
    from minyi.settings import Settings

log = logging.getLogger(__name__)
SHOWN_IDS = 5  # unknown ids named in one log line
PER_TRANSACTION = 8  # messages stored in one transaction by a worker


@dataclass
class ProcessingContext:
    """What processing needs: the database, the pipeline and the hot-issue tracker."""

    database: Database
    pipelines: PipelineProvider
    tracker: IssueTracker | None = None


class Processor(Protocol):
    """Takes stored messages to process; never raises into the request that stored them."""

    def submit(self, session: Session, message: Message) -> None:
        """Process ``message`` (committed in ``session``) now or later."""

    def submit_ids(self, ids: Sequence[str]) -> int:
        """Hand stored messages over by id; returns how many were taken."""

    def start(self) -> None:
        """Start workers, if any."""

    def stop(self, timeout: float = 10.0) -> None:
        """Finish what was taken up (within ``timeout``) and stop."""


def claim(session: Session, ids: Sequence[str]) -> list[Message]:
    """The messages among ``ids`` still waiting, locked for this transaction.

    On PostgreSQL rows another worker holds are skipped (it is processing them); SQLite
    has one writer at a time, and the state check after the lock is enough.
    """
    query = (
        select(Message)
        .where(Message.id.in_(list(ids)), Message.state == ProcessingState.RECEIVED)
        .order_by(Message.id)
    )
    if session.get_bind().dialect.name == "postgresql":
        query = query.with_for_update(skip_locked=True, of=Message)
    return list(session.scalars(query))


def process_ids(context: ProcessingContext, ids: Sequence[str], *, per_transaction: int | None = None) -> int:
    """Process the waiting messages among ``ids``; how many this call took.

    The text pipeline (the costly part) runs on a batch read without any write lock;
    then the messages are claimed and their results stored in short transactions of
    ``per_transaction`` messages (8 by default). Messages processed already, or taken by
    another worker, are skipped, so a delivery repeated after a crash does nothing
    twice. A message whose processing fails is marked ``failed`` (with the reason) and
    the others go on.

    Several messages a transaction cost less (one claim, one commit, the rules and each
    hot issue read once), but on PostgreSQL two workers then update several hot issues
    each, and once deadlocked dozens of times a minute on them at 200 messages a second
    (bench/README.md). So a transaction locks the issues its messages will join first,
    in id order (:meth:`IssueTracker.plan`), and a transaction that fails for any
    reason is rolled back and its messages stored again one a transaction
    (:func:`_store_one`), where a failure is the failing message's alone.
    """
    with context.database.read_session() as session:
        query = select(Message).where(Message.id.in_(list(ids)), Message.state == ProcessingState.RECEIVED)
        waiting = list(session.scalars(query.order_by(Message.id)))
        if len(waiting) < len(set(ids)):
            _warn_unknown(session, ids)
        pipeline = context.pipelines.get(session)
        results = dict(zip([m.id for m in waiting], analyse_batch(pipeline, waiting), strict=True))
    per_transaction = per_transaction or PER_TRANSACTION
    taken = 0
    for start in range(0, len(waiting), per_transaction):
        chunk = [m.id for m in waiting[start : start + per_transaction]]
        stored = _store_batch(context, chunk, pipeline, results) if len(chunk) > 1 else None
        if stored is None:
            stored = sum(_store_one(context, one, pipeline, results[one]) for one in chunk)
        taken += stored
    return taken


def _warn_unknown(session: Session, ids: Iterable[str]) -> None:
    """Log ids that this database has never held: another deployment shares the queue.

    A restore drill on production's NATS stream had its messages taken and acknowledged by
    production's workers without a word (docs/operation.md, backups).
    """
    asked = set(ids)
    known = set(session.scalars(select(Message.id).where(Message.id.in_(list(asked)))))
    unknown = sorted(asked - known)
    if unknown:
        log.warning(
            "%d message id(s) are not in this database (does another deployment share the NATS "
            "stream? give it its own MINYI_NATS_STREAM): %s",
            len(unknown),
            ", ".join(unknown[:SHOWN_IDS]) + (" …" if len(unknown) > SHOWN_IDS else ""),
        )


def _store_batch(
    context: ProcessingContext,
    ids: Sequence[str],
    pipeline: TextPipeline | None,
    results: dict[str, Analysis | None],
) -> int | None:
    """Store the processing of ``ids`` in one transaction; how many it took, None if it failed.

    No savepoint a message: a failure rolls the whole transaction back, and the caller
    stores the messages again one at a time.
    """
    tracker = context.tracker
    with context.database.session() as session:
        claimed = claim(session, ids)
        if not claimed:
            return 0
        try:
            cache_rules(session)
            batch = _batch(session, claimed, tracker)
            for message in claimed:
                process(session, message, pipeline, results[message.id], tracker=tracker, batch=batch)
            record_routings(session, batch)
            session.commit()
        except Exception as exc:  # noqa: BLE001 - stored again one a transaction, where a failure is isolated
            log.warning(
                "storing %d messages together failed (%s: %s); storing them one at a time",
                len(claimed),
                type(exc).__name__,
                exc,
            )
            session.rollback()
            return None
    return len(claimed)


def _batch(session: Session, messages: Sequence[Message], tracker: IssueTracker | None) -> Batch:
    """Read what the batch's processing needs up front: analyses stored already, the hot issues."""
    query = select(MessageAnalysis.message_id, MessageAnalysis.issue_pinned).where(
        MessageAnalysis.message_id.in_([message.id for message in messages])
    )
    found: dict[str, bool] = {message_id: bool(is_pinned) for message_id, is_pinned in session.execute(query)}
    pinned = {message_id for message_id, is_pinned in found.items() if is_pinned}
    plan = tracker.plan(session, messages, pinned=pinned) if tracker is not None else None
    return Batch(set(found), plan)


def _store_one(
    context: ProcessingContext, message_id: str, pipeline: TextPipeline | None, result: Analysis | None
) -> int:
    """Store one message's processing in a transaction of its own; 1 if this call took it.

    The transaction is the unit a failure rolls back, so no savepoint is needed (two
    statements a message fewer): on failure the transaction is rolled back, the message
    claimed again and marked ``failed`` (unless another worker took it meanwhile).
    """
    with context.database.session() as session:
        claimed = claim(session, [message_id])
        if not claimed:
            return 0
        try:
            process(session, claimed[0], pipeline, result, tracker=context.tracker)
        except Exception as exc:  # noqa: BLE001 - the message is stored; record the failure and go on
            session.rollback()
            again = claim(session, [message_id])
            if again:
                mark_failed(session, again[0], exc)
        session.commit()
    return 1


def waiting_ids(session: Session, older_than: float, limit: int = 1000) -> list[str]:
    """Ids of messages stored at least ``older_than`` seconds ago and still not processed."""
    cutoff = id_floor(utcnow() - timedelta(seconds=older_than))
    query = (
        select(Message.id)
        .where(Message.state == ProcessingState.RECEIVED, Message.id < cutoff)
        .order_by(Message.id)
        .limit(limit)
    )
    return list(session.scalars(query))


def waiting_count(session: Session) -> int:
    """How many messages are stored and not processed yet (``/healthz``: is the queue moving?)."""
    query = select(func.count()).select_from(Message).where(Message.state == ProcessingState.RECEIVED)
    return session.scalar(query) or 0


class InlineProcessor:
    """Processes in the request that stored the message, after its first commit."""

    def __init__(self, context: ProcessingContext) -> None:
        self.context = context

    def submit(self, session: Session, message: Message) -> None:
        """Process now, in the caller's session, and commit."""
        pipeline = self.context.pipelines.get(session)
        process_safely(session, message, pipeline, tracker=self.context.tracker)
        session.commit()

    def submit_ids(self, ids: Sequence[str]) -> int:
        """Process now, in a session of its own."""
        return process_ids(self.context, ids)

    def start(self) -> None:
        """Nothing to start."""

    def stop(self, timeout: float = 10.0) -> None:
        """Nothing to stop."""


_STOP = ""  # the sentinel a worker thread stops at (no message id is empty)


@dataclass
class ThreadProcessor:
    """Worker threads in this process, fed by a bounded queue of message ids.

    ``submit`` never blocks: when the queue is full the message stays stored and the
    sweeper brings it back later (back-pressure without refusing anyone).
    """

    context: ProcessingContext
    threads: int = 1
    batch: int = 32
    queue_size: int = 10_000
    queue_: queue.Queue[str] = field(init=False)
    workers_: list[threading.Thread] = field(init=False, default_factory=list)

    def __post_init__(self) -> None:
        """Make the queue (its size is a setting)."""
        self.queue_ = queue.Queue(maxsize=self.queue_size)

    def submit(self, session: Session, message: Message) -> None:  # noqa: ARG002 - the id is enough
        """Queue the message's id."""
        self.submit_ids([message.id])

    def submit_ids(self, ids: Sequence[str]) -> int:
        """Queue ids while there is room; the rest wait for the sweeper."""
        taken = 0
        for message_id in ids:
            try:
                self.queue_.put_nowait(message_id)
            except queue.Full:
                log.warning("processing queue full: %d messages left to the sweeper", len(ids) - taken)
                break
            taken += 1
        return taken

    def start(self) -> None:
        """Start the worker threads."""
        for number in range(self.threads):
            worker = threading.Thread(target=self._run, name=f"minyi-worker-{number}", daemon=True)
            worker.start()
            self.workers_.append(worker)

    def stop(self, timeout: float = 10.0) -> None:
        """Let the workers finish the queue (within ``timeout``), then stop them."""
        deadline = time.monotonic() + timeout
        for _ in self.workers_:
            self.queue_.put(_STOP)
        for worker in self.workers_:
            worker.join(max(0.0, deadline - time.monotonic()))
        self.workers_.clear()

    def _next_batch(self) -> list[str]:
        ids = [self.queue_.get()]
        while len(ids) < self.batch and ids[-1] != _STOP:
            try:
                ids.append(self.queue_.get_nowait())
            except queue.Empty:
                break
        return ids

    def _run(self) -> None:
        while True:
            ids = self._next_batch()
            work = [i for i in ids if i != _STOP]
            if work:
                try:
                    process_ids(self.context, work)
                except Exception:  # the messages stay stored; the sweeper brings them back
                    log.exception("processing %d messages failed; they will be retried", len(work))
            if _STOP in ids:
                return


@dataclass
class Sweeper:
    """Hands messages left unprocessed to the processor again, every ``seconds``.

    A message handed over is not handed again before ``resend_seconds`` (default: ten sweeps,
    at least ten minutes): with no worker running, every sweep republished the whole backlog
    to the NATS stream, which grew by backlog × outage ÷ sweep (1.2 million entries for
    10,000 waiting messages in an hour), each a duplicate for the workers to skip.
    """

    database: Database
    submit_ids: Callable[[Sequence[str]], int]
    seconds: float = 30.0
    resend_seconds: float | None = None
    stop_: threading.Event = field(init=False, default_factory=threading.Event)
    thread_: threading.Thread | None = field(init=False, default=None)
    handed_: dict[str, float] = field(init=False, default_factory=dict)

    def sweep(self) -> int:
        """One pass: how many waiting messages were handed over."""
        with self.database.read_session() as session:
            ids = waiting_ids(session, self.seconds)
        now = time.monotonic()
        wait = self.resend_seconds if self.resend_seconds is not None else max(10 * self.seconds, 600.0)
        self.handed_ = {i: at for i, at in self.handed_.items() if now - at < wait}
        fresh = [i for i in ids if i not in self.handed_]
        if not fresh:
            return 0
        self.handed_.update(dict.fromkeys(fresh, now))
        handed = self.submit_ids(fresh)
        for left in fresh[handed:]:  # not taken (NATS down, a full queue): the next sweep tries again
            self.handed_.pop(left, None)
        return handed

    def start(self) -> None:
        """Sweep in a thread until :meth:`stop`."""
        self.thread_ = threading.Thread(target=self._run, name="minyi-sweeper", daemon=True)
        self.thread_.start()

    def stop(self) -> None:
        """Stop sweeping."""
        self.stop_.set()
        if self.thread_ is not None:
            self.thread_.join(5)

    def _run(self) -> None:
        while not self.stop_.wait(self.seconds):
            try:
                if handed := self.sweep():
                    log.info("sweeper: %d stored messages handed to the workers again", handed)
            except Exception as exc:  # noqa: BLE001 - a passing database error; the next sweep tries again
                log.warning("sweeping for unprocessed messages failed: %s", exc)  # one line a sweep


@dataclass
class Processing:
    """A processor and its sweeper, started and stopped together (one per server process)."""

    processor: Processor
    sweeper: Sweeper | None = None
    reachable: Callable[[], bool] | None = None  # whether the queue server answers (NATS)

    def queue_state(self) -> str | None:
        """``connected`` or ``unreachable`` with a queue server (NATS); None without one."""
        if self.reachable is None:
            return None
        return "connected" if self.reachable() else "unreachable"

    def start(self) -> None:
        """Start the workers and the sweeper."""
        self.processor.start()
        if self.sweeper is not None:
            self.sweeper.start()

    def stop(self, timeout: float = 10.0) -> None:
        """Stop sweeping, then let the workers finish (graceful shutdown)."""
        if self.sweeper is not None:
            self.sweeper.stop()
        self.processor.stop(timeout)


def build_processing(settings: Settings, context: ProcessingContext) -> Processing:
    """The processing ``settings.processing`` asks for, with a sweeper unless inline."""
    if settings.processing == "inline":
        return Processing(InlineProcessor(context))
    if settings.processing == "nats":
        from minyi.flows.jetstream import JetStreamProcessor  # only deployments with NATS load it

        publisher = JetStreamProcessor(settings.nats_url, settings.nats_stream)
        sweeper = Sweeper(context.database, publisher.submit_ids, settings.sweep_seconds)
        return Processing(publisher, sweeper, reachable=publisher.reachable)
    processor = ThreadProcessor(
        context,
        threads=settings.processing_threads,
        batch=settings.processing_batch,
        queue_size=settings.processing_queue_size,
    )
    return Processing(processor, Sweeper(context.database, processor.submit_ids, settings.sweep_seconds))
