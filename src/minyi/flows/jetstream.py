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
* **NATS lost.** The server says an outage in a few lines (:mod:`minyi.flows.nats_outage`)
  and ``/healthz`` reports ``"queue": "unreachable"``; a worker that cannot reconnect within
  about 30 s finishes the batch in hand and stops with :class:`NatsLost`, which
  ``minyi worker`` turns into one error naming ``MINYI_NATS_URL``.
* **The request does not wait for NATS.** The server queues the id on the NATS client's
  loop and answers; a publisher task there sends the queued ids in concurrent batches.
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import logging
import re
import signal
import threading
import time
from collections.abc import Awaitable, Callable, Sequence
from concurrent.futures import Future
from dataclasses import dataclass, field
from typing import Any, TypeVar

import nats
from nats.js import JetStreamContext
from nats.js.api import ConsumerConfig, RetentionPolicy, StorageType, StreamConfig
from nats.js.errors import NotFoundError
from sqlalchemy.orm import Session

from minyi.flows.nats_outage import NatsOutage, worker_callbacks
from minyi.flows.workers import ProcessingContext, process_ids
from minyi.intake.models import Message

log = logging.getLogger(__name__)
RECONNECT_ATTEMPTS = 15  # two seconds apart
T = TypeVar("T")

DURABLE = "minyi-processing"
ACK_WAIT_SECONDS = 60.0
MAX_DELIVER = 5
DEAD_REASON = "Minyi-Dead-Reason"
STREAM_MAX_AGE_SECONDS = 30 * 24 * 3600.0  # dead letters are kept a month
_MESSAGE_ID = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$")


def servers(url: str) -> list[str]:
    """The NATS servers of ``MINYI_NATS_URL``: one, or several separated by commas.

    The setting accepts several (its check says so) but the text was given to the client
    whole: a worker died in nats-py's "invalid connect url option" traceback (eleventh probe).
    """
    return [part.strip() for part in url.split(",") if part.strip()]


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
        """Run ``coroutine`` on the loop and wait for its result (at most ``timeout`` seconds)."""
        future: Future[T] = asyncio.run_coroutine_threadsafe(_wrap(coroutine), self.loop)
        return future.result(timeout)

    def close(self) -> None:
        """Stop the loop and let its thread end."""
        self.loop.call_soon_threadsafe(self.loop.stop)
        self.thread.join(5)


async def _wrap(awaitable: Awaitable[T]) -> T:
    return await awaitable


PUBLISH_BATCH = 256  # ids published concurrently, their acknowledgements awaited together
PROBE_SECONDS = 2.0  # how long one /healthz answer about NATS serves the next probes
MAX_QUEUED = 20_000  # ids waiting for the publisher; beyond this they are left to the sweeper


@dataclass
class JetStreamProcessor:
    """The server's side: publishes the id of each stored message on the work subject.

    A request never waits for NATS. :meth:`submit` puts the id in a queue on the client's
    own loop (thread) and returns; a publisher task there sends what has queued up, up to
    ``PUBLISH_BATCH`` publishes in flight with their acknowledgements awaited together.
    Waiting for each publish in the request thread (as before) tied up to 40 threads of the
    server's pool on one client loop under load. An id that cannot be published (NATS down,
    no acknowledgement within ``timeout``) is logged and left to the sweeper: the message is
    stored and stays ``received``, so nothing is lost and nothing waits for a person.
    """

    url: str
    stream: str
    timeout: float = 5.0
    loop_: _Loop | None = field(init=False, default=None)
    js_: JetStreamContext | None = field(init=False, default=None)
    nc_: Any = field(init=False, default=None)
    lock_: threading.Lock = field(init=False, default_factory=threading.Lock)
    queue_: asyncio.Queue[str] | None = field(init=False, default=None)
    publisher_: asyncio.Task[None] | None = field(init=False, default=None)
    connect_: asyncio.Task[JetStreamContext] | None = field(init=False, default=None)
    outage_: NatsOutage = field(init=False)
    probe_lock_: threading.Lock = field(init=False, default_factory=threading.Lock)
    probed_: tuple[float, bool] | None = field(init=False, default=None)  # (when, False): the last "no"

    def __post_init__(self) -> None:
        """The outage's log lines name the URL."""
        self.outage_ = NatsOutage(self.url)

    def start(self) -> None:
        """Start the client's loop and its publisher; the connection is made at the first publish."""
        with self.lock_:
            if self.loop_ is None:
                self.loop_ = _Loop()
                self.loop_.run(self._start_publisher(), self.timeout)

    async def _start_publisher(self) -> None:
        self.queue_ = asyncio.Queue()
        self.publisher_ = asyncio.get_running_loop().create_task(self._publish_queued())

    async def _connected(self) -> JetStreamContext:
        """The JetStream context, connecting first when there is none (on the client's loop).

        One connection attempt at a time, however many publishes and ``/healthz`` probes ask
        for it: they all await the same task (shielded, so that a probe giving up does not
        cancel it). No automatic reconnection: a lost connection fails the publishes in
        flight (their messages wait for the sweeper) and the next batch connects again.
        """
        nc = self.nc_
        if self.js_ is not None and nc is not None and nc.is_connected:
            return self.js_
        if self.connect_ is None or self.connect_.done():
            self.connect_ = asyncio.get_running_loop().create_task(self._connect())
            self.connect_.add_done_callback(_retrieved)
        return await asyncio.shield(self.connect_)

    async def _connect(self) -> JetStreamContext:
        """Connect and make sure of the stream; an unreachable NATS fails within two quick tries.

        ``allow_reconnect=False`` alone did not stop nats-py's first connect from trying 60
        times two seconds apart (two minutes, the publisher stuck behind it, a traceback
        logged each time): hence one retry, at once, and our own error callback.
        """
        await self._disconnect()
        nc = await nats.connect(
            servers(self.url),
            connect_timeout=self.timeout,
            allow_reconnect=False,
            max_reconnect_attempts=1,
            reconnect_time_wait=0,
            error_cb=self._nats_error,
        )
        js = nc.jetstream(timeout=self.timeout)
        try:
            await asyncio.wait_for(ensure_stream(js, self.stream), self.timeout)
        except BaseException:
            await nc.close()
            raise
        self.nc_, self.js_ = nc, js
        self.outage_.reached()
        return js

    async def _nats_error(self, exc: Exception) -> None:
        """The client's errors (each failed attempt, a dropped connection), rate-limited."""
        self.outage_.failed(exc)

    async def _disconnect(self) -> None:
        nc, self.nc_, self.js_ = self.nc_, None, None
        if nc is not None:
            with contextlib.suppress(Exception):  # closing a connection that failed anyway
                await nc.close()

    async def _publish(self, ids: Sequence[str]) -> int:
        """Publish ``ids`` concurrently; how many JetStream acknowledged (the rest: the sweeper's)."""
        work, _ = subjects(self.stream)
        try:
            js = await self._connected()
        except Exception as exc:  # noqa: BLE001 - NATS down: the messages stay stored for the sweeper
            self.outage_.failed(exc, left=len(ids))
            return 0
        outcomes = await asyncio.gather(
            *(js.publish(work, i.encode("ascii"), headers={"Nats-Msg-Id": i}) for i in ids),
            return_exceptions=True,
        )
        failed = [o for o in outcomes if isinstance(o, BaseException)]
        if failed:
            self.outage_.failed(failed[0], left=len(failed))
            await self._disconnect()  # a fresh connection next time
        else:
            self.outage_.reached()
        return len(ids) - len(failed)

    async def _publish_queued(self) -> None:
        """The publisher task: send what has queued up, batch after batch, until cancelled."""
        assert self.queue_ is not None
        while True:
            ids = [await self.queue_.get()]
            while len(ids) < PUBLISH_BATCH and not self.queue_.empty():
                ids.append(self.queue_.get_nowait())
            try:
                await self._publish(ids)
            finally:
                for _ in ids:
                    self.queue_.task_done()

    def _enqueue(self, message_id: str) -> None:
        assert self.queue_ is not None
        if self.queue_.qsize() >= MAX_QUEUED:
            log.warning("NATS publish queue full: message %s left to the sweeper", message_id)
            return
        self.queue_.put_nowait(message_id)

    def submit(self, session: Session, message: Message) -> None:  # noqa: ARG002 - the id is enough
        """Queue the message's id for publishing and return at once (the sweeper backs it up)."""
        if self.loop_ is None:
            self.start()
        assert self.loop_ is not None
        self.loop_.loop.call_soon_threadsafe(self._enqueue, message.id)

    def submit_ids(self, ids: Sequence[str]) -> int:
        """Publish ``ids`` and wait for JetStream; how many it stored (the sweeper's path)."""
        if self.loop_ is None:
            self.start()
        assert self.loop_ is not None
        published = 0
        for first in range(0, len(ids), PUBLISH_BATCH):
            chunk = ids[first : first + PUBLISH_BATCH]
            try:
                done = self.loop_.run(self._publish(chunk), self.timeout * 3)
            except TimeoutError:
                self.outage_.failed(f"no answer within {self.timeout * 3:g} s", left=len(chunk))
                done = 0
            published += done
            if done < len(chunk):
                break
        return published

    async def _flush_and_drain(self, within: float) -> None:
        if self.queue_ is not None:
            with contextlib.suppress(TimeoutError):  # what is left waits for the sweeper
                await asyncio.wait_for(self.queue_.join(), within)
        if self.publisher_ is not None:
            self.publisher_.cancel()
        if self.connect_ is not None:
            self.connect_.cancel()
        if self.nc_ is not None and self.nc_.is_connected:
            await self.nc_.drain()

    def stop(self, timeout: float = 10.0) -> None:
        """Publish what is queued (within ``timeout``), drain the connection and stop the loop."""
        if self.loop_ is None:
            return
        try:
            self.loop_.run(self._flush_and_drain(timeout / 2), timeout)
        except Exception:  # noqa: BLE001 - closing anyway
            log.warning("draining the NATS connection failed")
        self.loop_.close()
        self.loop_ = None
        self.js_ = self.nc_ = self.queue_ = self.publisher_ = self.connect_ = None

    def reachable(self, within: float = 0.5) -> bool:
        """Whether NATS answers: connected, or connected now within ``within`` seconds (``/healthz``).

        Short, so that a probe with a one-second timeout (Kubernetes' default) still gets its
        200 while NATS is away unanswering; an attempt still under way then goes on alone.
        One probe checks at a time, and a "no" serves the others for ``PROBE_SECONDS``: with
        NATS behind a silent firewall each probe held a server thread for 0.5 s, and 600
        anonymous probes at once slowed every other request (ninth probe's attacker). A "yes"
        costs nothing to ask again (the connection is there) and is not kept, so that a lost
        connection shows at the next probe.
        """
        with self.probe_lock_:
            now = time.monotonic()
            if self.probed_ is not None and now - self.probed_[0] < PROBE_SECONDS:
                return False
            answer = self._check(within)
            self.probed_ = None if answer else (time.monotonic(), answer)
            return answer

    def _check(self, within: float) -> bool:
        if self.loop_ is None:
            self.start()
        assert self.loop_ is not None
        try:
            self.loop_.run(asyncio.wait_for(self._connected(), within), within + 1.0)
        except Exception:  # noqa: BLE001 - any failure is the answer "no"
            return False
        return True


def _retrieved(task: asyncio.Task[Any]) -> None:
    """Mark a connection task's failure as seen: its awaiters have it, or no one is waiting.

    Without this asyncio logs "Task exception was never retrieved" (with a traceback) for
    an attempt whose probe had given up.
    """
    if not task.cancelled():
        task.exception()


@dataclass
class WorkerReport:
    """What a worker did before it stopped."""

    processed: int = 0
    acknowledged: int = 0
    dead: int = 0
    retried: int = 0


class NatsLost(Exception):  # noqa: N818 - what happened, as the operator would say it
    """The worker lost NATS and did not get it back within its reconnect attempts.

    Raised instead of nats-py's ``ConnectionClosedError`` (whose traceback ended the worker),
    so that the command says what to check (``MINYI_NATS_URL``) as it does at start-up. The
    batch in hand was finished; what it could not acknowledge is delivered again.
    """

    def __init__(self, reason: BaseException, report: WorkerReport) -> None:
        super().__init__(str(reason) or type(reason).__name__)
        self.report = report


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
    started = time.monotonic()
    try:
        processed = await asyncio.to_thread(process_ids, context, [i for i, _ in good])
    except Exception as exc:  # noqa: BLE001 - the database may be down: deliver again later
        log.warning("processing a batch of %d failed, to be delivered again: %s", len(good), exc)
        for _, msg in good:
            await msg.nak(delay=5)
        report.retried += len(good)
        return
    report.processed += processed
    for _, msg in good:
        await msg.ack()
    report.acknowledged += len(good)
    # One line a batch, not a message: the operator sees the work flow (or stop) without a
    # line per citizen's message (the others skipped were processed before: a redelivery).
    log.info(
        "batch of %d: %d processed, %d skipped (done already) in %.2f s",
        len(good),
        processed,
        len(good) - processed,
        time.monotonic() - started,
    )


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
    """Pull and process batches until ``stop`` is set (or idle for ``max_idle_seconds``).

    Raises :class:`NatsLost` when the connection is lost for good while running.
    """
    stop = stop or asyncio.Event()
    report = WorkerReport()
    # About 30 s of tries (at first, and after losing NATS), each said in one line; then the
    # worker stops with an error naming MINYI_NATS_URL, for its supervisor to restart it.
    nc = await nats.connect(
        servers(url),
        connect_timeout=5,
        max_reconnect_attempts=RECONNECT_ATTEMPTS,
        **worker_callbacks(url, reconnect_seconds=RECONNECT_ATTEMPTS * 2),
    )
    try:
        js = nc.jetstream()
        await ensure_stream(js, stream)
        work, _ = subjects(stream)
        config = ConsumerConfig(ack_wait=ack_wait, max_deliver=MAX_DELIVER + 1)
        sub = await js.pull_subscribe(work, durable=DURABLE, config=config)
        handle = functools.partial(_handle_batch, context, js, stream, report=report)
        await _pull(sub, batch, stop, max_idle_seconds, handle)
    except Exception as exc:
        if not (nc.is_closed or isinstance(exc, _LOST)):
            raise
        raise NatsLost(exc, report) from exc
    finally:
        # Everything taken up is acknowledged (or not, and will come again): close rather
        # than drain, whose wait on a pull subscription's queue can hang for its timeout.
        await nc.close()
    return report


_LOST = (nats.errors.ConnectionClosedError, nats.errors.NoServersError)


async def _pull(
    sub: Any,
    batch: int,
    stop: asyncio.Event,
    max_idle_seconds: float | None,
    handle: Callable[[list[Any]], Awaitable[None]],
) -> None:
    """Fetch batches and ``handle`` them until ``stop`` (or idle); a fetch waits at most a second."""
    idle = 0.0
    while not stop.is_set():
        try:
            msgs = await sub.fetch(batch, timeout=1.0)
        except (TimeoutError, nats.errors.TimeoutError):
            idle += 1.0
            if max_idle_seconds is not None and idle >= max_idle_seconds:
                return
            continue
        idle = 0.0
        await handle(msgs)


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
