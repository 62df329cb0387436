"""Processing in `minyi worker` processes fed by NATS JetStream, against a real NATS server.

Needs nats-server with JetStream at MINYI_TEST_NATS_URL (default nats://127.0.0.1:4222);
skipped without one unless MINYI_REQUIRE_NATS is set (CI sets it and starts the server).
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import secrets
import signal
import socket
import subprocess
import sys
import threading
import time
from urllib.parse import urlparse

import nats
import pytest
from sqlalchemy import func, select
from tests.conftest import TEST_SECRET, fresh_database_url

from minyi.analysis.models import MessageAnalysis
from minyi.analysis.provider import PipelineProvider
from minyi.db.session import Database
from minyi.demo import factories
from minyi.flows import jetstream, workers
from minyi.intake import services as intake
from minyi.intake.models import Message, ProcessingState
from minyi.schema import migrate
from minyi.settings import Settings

NATS_URL = os.environ.get("MINYI_TEST_NATS_URL", "nats://127.0.0.1:4222")
WORDS = [
    "路灯",
    "井盖",
    "噪音",
    "积水",
    "垃圾",
    "停车",
    "供暖",
    "物业",
    "学校",
    "医院",
    "公交",
    "绿化",
    "围挡",
    "电梯",
    "漏水",
    "油烟",
]


def run(coroutine):
    """``asyncio.run`` in a thread of its own: the browser tests' Playwright keeps an event
    loop running in the main thread for the whole session."""
    result = []
    thread = threading.Thread(target=lambda: result.append(asyncio.run(coroutine)))
    thread.start()
    thread.join()
    assert result, "the coroutine raised (see the log above)"
    return result[0]


def _nats_up() -> bool:
    address = urlparse(NATS_URL)
    try:
        socket.create_connection((address.hostname or "127.0.0.1", address.port or 4222), timeout=1).close()
    except OSError:
        return False
    return True


if not _nats_up():
    if os.environ.get("MINYI_REQUIRE_NATS"):
        pytest.fail(f"no NATS server at {NATS_URL}, and MINYI_REQUIRE_NATS is set", pytrace=False)
    pytestmark = pytest.mark.skip(reason=f"no NATS server at {NATS_URL}")


@pytest.fixture
def stream():
    name = f"MINYITEST{secrets.token_hex(4).upper()}"
    yield name

    async def delete() -> None:
        nc = await nats.connect(NATS_URL)
        with contextlib.suppress(Exception):  # never created
            await nc.jetstream().delete_stream(name)
        await nc.close()

    run(delete())


@pytest.fixture
def owned(tmp_path):
    url = fresh_database_url(tmp_path, "minyi_jetstream")
    database = Database(url)
    migrate.upgrade(database.engine)
    yield database
    database.engine.dispose()


def _store(database, count) -> list[str]:
    """Store ``count`` distinct messages without processing them."""
    ids = []
    with database.session() as session:
        for n in range(count):
            a, b = WORDS[n % len(WORDS)], WORDS[(n * 7 + 3) % len(WORDS)]
            data = factories.make_message_in(
                title=f"{a}问题第{n}号", body=f"编号{n}：{a}和{b}的问题已经持续{n % 9 + 1}周，请处理。"
            )
            ids.append(intake.accept(session, data, channel="api", key="k").message.id)
        session.commit()
    return ids


def _counts(database) -> tuple[dict[str, int], int, int]:
    with database.session() as session:
        states = dict(session.execute(select(Message.state, func.count()).group_by(Message.state)).all())
        analyses = session.scalar(select(func.count()).select_from(MessageAnalysis)) or 0
        distinct = session.scalar(select(func.count(func.distinct(MessageAnalysis.message_id)))) or 0
    return states, analyses, distinct


def test_the_server_publishes_and_a_worker_processes_each_message_once(owned, stream):
    ids = _store(owned, 25)
    publisher = jetstream.JetStreamProcessor(NATS_URL, stream)
    publisher.start()
    assert publisher.submit_ids(ids) == 25
    assert publisher.submit_ids(ids[:5]) == 5  # a repeated publish (the sweeper's) changes nothing
    publisher.stop()
    context = workers.ProcessingContext(owned, PipelineProvider(Settings(), route_threshold=1.1))
    report = run(jetstream.run_worker(context, NATS_URL, stream, batch=10, max_idle_seconds=2))
    assert report.processed == 25
    assert report.dead == 0
    assert _counts(owned) == ({ProcessingState.PROCESSED: 25}, 25, 25)


def test_submit_returns_at_once_and_the_queued_ids_are_published_before_stop(owned, stream):
    """The request path: 40 threads submit at once; none waits for NATS; stop publishes the queue."""
    ids = _store(owned, 40)
    publisher = jetstream.JetStreamProcessor(NATS_URL, stream)
    publisher.start()
    with owned.session() as session:
        messages = [session.get(Message, i) for i in ids]
    threads = [threading.Thread(target=publisher.submit, args=(None, m)) for m in messages]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(5)
    publisher.stop()
    context = workers.ProcessingContext(owned, PipelineProvider(Settings(), route_threshold=1.1))
    report = run(jetstream.run_worker(context, NATS_URL, stream, batch=50, max_idle_seconds=2))
    assert report.processed == 40
    assert _counts(owned)[0] == {ProcessingState.PROCESSED: 40}


def test_with_nats_unreachable_submitting_neither_raises_nor_waits(owned):
    """The message stays stored and ``received``: the sweeper's publish (here: none) takes it later."""
    [message_id] = _store(owned, 1)
    with socket.socket() as sock:  # a port nobody listens on
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    publisher = jetstream.JetStreamProcessor(f"nats://127.0.0.1:{port}", "MINYITESTDOWN", timeout=1.0)
    publisher.start()
    with owned.session() as session:
        started = time.monotonic()
        publisher.submit(session, session.get(Message, message_id))
        assert time.monotonic() - started < 0.5
    assert publisher.submit_ids([message_id]) == 0
    publisher.stop(timeout=2)
    assert _counts(owned)[0] == {ProcessingState.RECEIVED: 1}


def test_a_poison_message_goes_to_the_dead_letter_subject_with_its_reason(owned, stream):
    async def scenario() -> list[tuple[bytes, str]]:
        nc = await nats.connect(NATS_URL)
        js = nc.jetstream()
        await jetstream.ensure_stream(js, stream)
        work, dead = jetstream.subjects(stream)
        await js.publish(work, b"DROP TABLE messages")
        context = workers.ProcessingContext(owned, PipelineProvider(Settings(), route_threshold=1.1))
        report = await jetstream.run_worker(context, NATS_URL, stream, max_idle_seconds=2)
        assert report.dead == 1
        sub = await js.pull_subscribe(dead, durable="dead-reader")
        msgs = await sub.fetch(1, timeout=5)
        await nc.close()
        return [(m.data, (m.headers or {}).get(jetstream.DEAD_REASON, "")) for m in msgs]

    [(data, reason)] = run(scenario())
    assert data == b"DROP TABLE messages"
    assert "not a message id" in reason


def _worker(database_url: str, stream: str, tmp_path) -> subprocess.Popen[bytes]:
    env = {
        **os.environ,
        "MINYI_ENV": "test",
        "MINYI_PROCESSING": "nats",
        "MINYI_DATABASE_URL": database_url,
        "MINYI_DATA_DIR": str(tmp_path),
        "MINYI_SECRET_KEY": TEST_SECRET,
        "MINYI_NATS_URL": NATS_URL,
        "MINYI_NATS_STREAM": stream,
        "MINYI_NATS_ACK_WAIT_SECONDS": "3",
        "MINYI_ROUTE_CONFIDENCE": "1.0",
    }
    command = [sys.executable, "-c", "from minyi.cli.main import cli; cli()", "worker", "--batch", "5"]
    return subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)  # noqa: S603


def _wait(predicate, seconds: float) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.3)
    return False


def test_two_workers_one_killed_midway_lose_and_duplicate_nothing(owned, stream, tmp_path):
    total = 120
    ids = _store(owned, total)
    publisher = jetstream.JetStreamProcessor(NATS_URL, stream)
    publisher.start()
    assert publisher.submit_ids(ids) == total
    publisher.stop()
    url = owned.engine.url.render_as_string(hide_password=False).replace("+psycopg", "")
    first, second = _worker(url, stream, tmp_path), _worker(url, stream, tmp_path)
    try:
        assert _wait(lambda: _counts(owned)[0].get(ProcessingState.PROCESSED, 0) >= 20, 90), "no progress"
        first.send_signal(signal.SIGKILL)  # midway: it may hold unacknowledged, even committed, work
        first.wait(10)
        assert _wait(lambda: _counts(owned)[0] == {ProcessingState.PROCESSED: total}, 120), _counts(owned)
    finally:
        for process in (first, second):
            if process.poll() is None:
                process.send_signal(signal.SIGTERM)  # the graceful way: finish the batch, drain
        second.wait(30)
        first.wait(10)
    assert second.returncode == 0, second.stderr.read().decode() if second.stderr else ""
    states, analyses, distinct = _counts(owned)
    assert states == {ProcessingState.PROCESSED: total}
    assert analyses == distinct == total  # each message analysed once: none lost, none twice
