"""NATS JetStream between the servers that store messages and the workers that process them.

For deployments that outgrow one machine (``MINYI_PROCESSING=nats``): a server stores and
commits a message, then publishes its id on ``<stream>.received``; ``minyi worker``
processes, on any machine, pull batches of ids from one durable consumer, process them
(:func:`minyi.flows.workers.process_ids`) and acknowledge after the commit.

* **At least once, processed once.** An id not acknowledged within the ack wait
  (``MINYI_NATS_ACK_WAIT_SECONDS``) (a worker
  killed midway) is delivered again; processing takes only messages still ``received``,
  under a row lock, so a repeat does nothing. Publishes carry ``Nats-Msg-Id`` (the message
  id), so JetStream drops a repeated publish within its duplicate window.
* **Back-pressure.** Workers pull what they can handle; the stream (work-queue retention)
  holds the rest on disk.
* **Poison messages.** An id delivered ``MAX_DELIVER`` times without success, or a payload
  that is no message id, goes to ``<stream>.dead`` with the reason in the
  ``Minyi-Dead-Reason`` header, and is terminated. The message itself stays stored.
* **Graceful shutdown.** SIGTERM or SIGINT: the batch in hand is finished and acknowledged,
  then the connection is closed.
* **Nothing waits for a person.** A publish that failed (NATS down) leaves the message
  ``received``; the server's sweeper publishes it again.
"""

from __future__ import annotations

import asyncio
import logging
import re
import signal
import threading
from collections.abc import Awaitable, Sequence
from concurrent.futures import Future
from dataclasses import dataclass, field
from typing import Any, TypeVar

import nats
from nats.js import JetStreamContext
from nats.js.api import ConsumerConfig, RetentionPolicy, StorageType, StreamConfig
from nats.js.errors import NotFoundError
from sqlalchemy.orm import Session

from minyi.flows.workers import ProcessingContext, process_ids
from minyi.intake.models import Message

log = logging.getLogger(__name__)
T = TypeVar("T")

DURABLE = "minyi-processing"
ACK_WAIT_SECONDS = 60.0
MAX_DELIVER = 5
DEAD_REASON = "Minyi-Dead-Reason"
STREAM_MAX_AGE_SECONDS = 30 * 24 * 3600.0  # dead letters are kept a month
_MESSAGE_ID = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$")


def subjects(stream: str) -> tuple[str, str]:
    """The work subject and the dead-letter subject of ``stream``."""
    return f"{stream}.received", f"{stream}.dead"


async def ensure_stream(js: JetStreamContext, stream: str) -> None:
    """Create the stream if it does not exist (work-queue retention, on disk)."""
    try:
        await js.stream_info(stream)
    except NotFoundError:
        await js.add_stream(
            StreamConfig(
                name=stream,
                subjects=list(subjects(stream)),
                retention=RetentionPolicy.WORK_QUEUE,
                storage=StorageType.FILE,
                max_age=STREAM_MAX_AGE_SECONDS,
                duplicate_window=120.0,
            )
        )


class _Loop:
    """An asyncio loop in a daemon thread, so that synchronous code can use the NATS client."""

    def __init__(self) -> None:
        self.loop = asyncio.new_event_loop()
        self.thread = threading.Thread(target=self.loop.run_forever, name="minyi-nats", daemon=True)
        self.thread.start()

    def run(self, coroutine: Awaitable[T], timeout: float) -> T:
        future: Future[T] = asyncio.run_coroutine_threadsafe(_wrap(coroutine), self.loop)
        return future.result(timeout)

    def close(self) -> None:
        self.loop.call_soon_threadsafe(self.loop.stop)
        self.thread.join(5)


async def _wrap(awaitable: Awaitable[T]) -> T:
    return await awaitable


@dataclass
class JetStreamProcessor:
    """The server's side: publishes the id of each stored message on the work subject."""

    url: str
    stream: str
    timeout: float = 5.0
    loop_: _Loop | None = field(init=False, default=None)
    js_: JetStreamContext | None = field(init=False, default=None)
    nc_: Any = field(init=False, default=None)
    lock_: threading.Lock = field(init=False, default_factory=threading.Lock)

    def start(self) -> None:
        """Start the client's loop; the connection is made at the first publish."""
        self.loop_ = _Loop()

    def _connected(self) -> tuple[_Loop, JetStreamContext]:
        with self.lock_:
            if self.loop_ is None:
                self.start()
            assert self.loop_ is not None
            if self.js_ is None:
                self.nc_ = self.loop_.run(
                    nats.connect(self.url, connect_timeout=self.timeout), self.timeout * 2
                )
                js = self.nc_.jetstream()
                self.loop_.run(ensure_stream(js, self.stream), self.timeout)
                self.js_ = js
            return self.loop_, self.js_

    def submit(self, session: Session, message: Message) -> None:  # noqa: ARG002 - the id is enough
        """Publish the message's id (the sweeper publishes it again if this fails)."""
        self.submit_ids([message.id])

    def submit_ids(self, ids: Sequence[str]) -> int:
        """Publish ids until one fails; how many JetStream stored."""
        work, _ = subjects(self.stream)
        published = 0
        try:
            loop, js = self._connected()
            for message_id in ids:
                headers = {"Nats-Msg-Id": message_id}
                loop.run(js.publish(work, message_id.encode("ascii"), headers=headers), self.timeout)
                published += 1
        except Exception as exc:  # noqa: BLE001 - NATS down: the messages stay stored for the sweeper
            log.warning("publishing to NATS failed after %d of %d: %s", published, len(ids), exc)
            with self.lock_:
                self.js_ = None
        return published

    def stop(self, timeout: float = 10.0) -> None:
        """Drain the connection and stop the loop."""
        if self.loop_ is None:
            return
        if self.nc_ is not None:
            try:
                self.loop_.run(self.nc_.drain(), timeout)
            except Exception:  # noqa: BLE001 - closing anyway
                log.warning("draining the NATS connection failed")
        self.loop_.close()
        self.loop_ = None
        self.js_ = None


@dataclass
class WorkerReport:
    """What a worker did before it stopped."""

    processed: int = 0
    acknowledged: int = 0
    dead: int = 0
    retried: int = 0


async def _dead(js: JetStreamContext, stream: str, msg: Any, reason: str) -> None:
    _, dead = subjects(stream)
    await js.publish(dead, msg.data, headers={DEAD_REASON: reason[:500]})
    await msg.term()
    log.warning("message sent to %s: %s", dead, reason)


async def _handle_batch(
    context: ProcessingContext, js: JetStreamContext, stream: str, msgs: list[Any], report: WorkerReport
) -> None:
    good: list[tuple[str, Any]] = []
    for msg in msgs:
        text = msg.data.decode("ascii", errors="replace")
        if not _MESSAGE_ID.match(text):
            await _dead(js, stream, msg, f"not a message id: {text[:60]!r}")
            report.dead += 1
        elif msg.metadata.num_delivered > MAX_DELIVER:
            await _dead(js, stream, msg, f"delivered {msg.metadata.num_delivered} times without success")
            report.dead += 1
        else:
            good.append((text, msg))
    if not good:
        return
    try:
        report.processed += await asyncio.to_thread(process_ids, context, [i for i, _ in good])
    except Exception as exc:  # noqa: BLE001 - the database may be down: deliver again later
        log.warning("processing a batch of %d failed, to be delivered again: %s", len(good), exc)
        for _, msg in good:
            await msg.nak(delay=5)
        report.retried += len(good)
        return
    for _, msg in good:
        await msg.ack()
    report.acknowledged += len(good)


async def run_worker(  # noqa: PLR0913 - the worker's settings
    context: ProcessingContext,
    url: str,
    stream: str,
    *,
    batch: int = 32,
    ack_wait: float = ACK_WAIT_SECONDS,
    stop: asyncio.Event | None = None,
    max_idle_seconds: float | None = None,
) -> WorkerReport:
    """Pull and process batches until ``stop`` is set (or idle for ``max_idle_seconds``)."""
    stop = stop or asyncio.Event()
    report = WorkerReport()
    nc = await nats.connect(url)
    try:
        js = nc.jetstream()
        await ensure_stream(js, stream)
        work, _ = subjects(stream)
        config = ConsumerConfig(ack_wait=ack_wait, max_deliver=MAX_DELIVER + 1)
        sub = await js.pull_subscribe(work, durable=DURABLE, config=config)
        idle = 0.0
        while not stop.is_set():
            try:
                msgs = await sub.fetch(batch, timeout=1.0)
            except (TimeoutError, nats.errors.TimeoutError):
                idle += 1.0
                if max_idle_seconds is not None and idle >= max_idle_seconds:
                    break
                continue
            idle = 0.0
            await _handle_batch(context, js, stream, msgs, report)
    finally:
        # Everything taken up is acknowledged (or not, and will come again): close rather
        # than drain, whose wait on a pull subscription's queue can hang for its timeout.
        await nc.close()
    return report


def serve_worker(
    context: ProcessingContext, url: str, stream: str, *, batch: int = 32, ack_wait: float = ACK_WAIT_SECONDS
) -> WorkerReport:
    """Run :func:`run_worker` until SIGTERM or SIGINT, then finish the batch in hand."""

    async def main() -> WorkerReport:
        stop = asyncio.Event()
        loop = asyncio.get_running_loop()
        for signum in (signal.SIGTERM, signal.SIGINT):
            loop.add_signal_handler(signum, stop.set)
        return await run_worker(context, url, stream, batch=batch, ack_wait=ack_wait, stop=stop)

    return asyncio.run(main())
