"""NATS going away under a running worker and a running server (``MINYI_PROCESSING=nats``).

Each test starts a ``nats-server -js`` of its own (a free port, a temporary store) and stops
it by its pid, so that the outage touches no one else's NATS. Skipped without nats-server
on the PATH unless MINYI_REQUIRE_NATS is set.
"""

from __future__ import annotations

import asyncio
import logging
import os
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import nats
import pytest
from click.testing import CliRunner
from fastapi.testclient import TestClient
from tests.conftest import TEST_SECRET, fresh_database_url
from tests.functional.test_jetstream import _counts, _store

from minyi.analysis.provider import PipelineProvider
from minyi.cli.main import cli
from minyi.db.session import Database
from minyi.flows import jetstream, nats_outage, workers
from minyi.intake.models import ProcessingState
from minyi.schema import migrate
from minyi.server.app import create_app
from minyi.settings import Settings, get_settings

NATS_SERVER = shutil.which("nats-server")
if NATS_SERVER is None:
    if os.environ.get("MINYI_REQUIRE_NATS"):
        pytest.fail("no nats-server on the PATH, and MINYI_REQUIRE_NATS is set", pytrace=False)
    pytestmark = pytest.mark.skip(reason="no nats-server on the PATH")


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class Nats:
    """A nats-server of this test's own, which the test can stop and start again."""

    def __init__(self, store: Path) -> None:
        self.port = _free_port()
        self.store = store
        self.process: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"nats://127.0.0.1:{self.port}"

    def start(self) -> None:
        command = [str(NATS_SERVER), "-js", "-a", "127.0.0.1", "-p", str(self.port), "-sd", str(self.store)]
        self.process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)  # noqa: S603
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            try:
                socket.create_connection(("127.0.0.1", self.port), timeout=0.5).close()
            except OSError:
                time.sleep(0.05)
            else:
                return
        pytest.fail("nats-server did not start")

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)  # by its pid: this test's server only
            self.process.wait(10)
        self.process = None


@pytest.fixture
def own_nats(tmp_path) -> Iterator[Nats]:
    server = Nats(tmp_path / "jetstream")
    server.start()
    yield server
    server.stop()


@pytest.fixture
def owned(tmp_path) -> Iterator[Database]:
    database = Database(fresh_database_url(tmp_path, "minyi_test_nats_outage"))
    migrate.upgrade(database.engine)
    yield database
    database.engine.dispose()


def _wait(predicate, seconds: float) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.2)
    return False


def _in_thread(coroutine):
    """Run ``coroutine`` in a thread of its own (the browser tests keep a loop in the main one)."""
    outcome: list[object] = []

    def target() -> None:
        try:
            outcome.append(asyncio.run(coroutine))
        except BaseException as exc:  # noqa: BLE001 - handed to the test
            outcome.append(exc)

    thread = threading.Thread(target=target)
    thread.start()
    thread.join()
    return outcome[0]


def test_a_worker_that_loses_nats_says_so_in_one_error_without_a_traceback(owned, own_nats, tmp_path):
    """The `minyi worker` process: batches logged, then NATS stops; exit 1 naming MINYI_NATS_URL."""
    ids = _store(owned, 6)
    publisher = jetstream.JetStreamProcessor(own_nats.url, "MINYI_T_NATSFIX_W")
    publisher.start()
    assert publisher.submit_ids(ids) == 6
    publisher.stop()
    env = {
        **os.environ,
        "MINYI_ENV": "test",
        "MINYI_PROCESSING": "nats",
        "MINYI_DATABASE_URL": owned.engine.url.render_as_string(hide_password=False).replace("+psycopg", ""),
        "MINYI_DATA_DIR": str(tmp_path),
        "MINYI_SECRET_KEY": TEST_SECRET,
        "MINYI_NATS_URL": own_nats.url,
        "MINYI_NATS_STREAM": "MINYI_T_NATSFIX_W",
        "MINYI_ROUTE_CONFIDENCE": "1.0",
    }
    # Two reconnect attempts instead of fifteen: the same path, four seconds instead of thirty.
    code = "from minyi.flows import jetstream; jetstream.RECONNECT_ATTEMPTS = 2; from minyi.cli.main import cli; cli()"
    command = [sys.executable, "-c", code, "worker", "--batch", "3"]
    worker = subprocess.Popen(command, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)  # noqa: S603
    try:
        assert _wait(lambda: _counts(owned)[0] == {ProcessingState.PROCESSED: 6}, 60), _counts(owned)
        time.sleep(0.5)  # the last batch's acknowledgements
        own_nats.stop()
        _, stderr = worker.communicate(timeout=60)
    finally:
        if worker.poll() is None:
            worker.kill()
            worker.wait()
    text = stderr.decode()
    assert worker.returncode == 1, text
    assert "Traceback" not in text
    assert f"Error: cannot reach NATS at {own_nats.url} (MINYI_NATS_URL)" in text
    assert text.count("lost NATS at") == 1
    assert text.count("INFO minyi.flows.jetstream: batch of 3:") == 2  # one line a batch, not a message


def test_a_batch_in_hand_when_nats_goes_is_finished_and_nothing_is_lost(owned, own_nats, monkeypatch):
    """NATS stops while a batch is processed: the batch is committed, the worker stops with
    NatsLost, and the unacknowledged ids delivered again later are skipped, not done twice."""
    ids = _store(owned, 4)
    stream = "MINYI_T_NATSFIX_B"
    publisher = jetstream.JetStreamProcessor(own_nats.url, stream)
    publisher.start()
    assert publisher.submit_ids(ids) == 4
    publisher.stop()
    real = jetstream.process_ids

    def slow_process_ids(context, batch):
        own_nats.stop()  # NATS goes away while this batch is in hand
        return real(context, batch)

    monkeypatch.setattr(jetstream, "process_ids", slow_process_ids)
    monkeypatch.setattr(jetstream, "RECONNECT_ATTEMPTS", 1)
    context = workers.ProcessingContext(owned, PipelineProvider(Settings(), route_threshold=1.1))
    outcome = _in_thread(jetstream.run_worker(context, own_nats.url, stream, batch=10, ack_wait=2))
    assert isinstance(outcome, jetstream.NatsLost), outcome
    assert outcome.report.processed == 4  # finished, though not acknowledged
    assert _counts(owned) == ({ProcessingState.PROCESSED: 4}, 4, 4)

    monkeypatch.setattr(jetstream, "process_ids", real)
    own_nats.start()  # the same store: the four ids are still there, unacknowledged
    again = _in_thread(jetstream.run_worker(context, own_nats.url, stream, batch=10, max_idle_seconds=4))
    assert not isinstance(again, BaseException), again
    assert again.processed == 0  # delivered again and skipped: processed once
    assert again.acknowledged == 4
    assert _counts(owned) == ({ProcessingState.PROCESSED: 4}, 4, 4)


def _stream_messages(url: str, stream: str) -> int:
    async def count() -> int:
        nc = await nats.connect(url)
        try:
            return (await nc.jetstream().stream_info(stream)).state.messages
        finally:
            await nc.close()

    return int(_in_thread(count()))


def _submit(client: TestClient, n: int) -> int:
    body = {"title": f"路灯不亮第{n}号", "body": f"小区门口路灯第{n}盏已经坏了一周，晚上很黑，请尽快修理。"}
    return client.post("/api/v1/messages", json=body).status_code


def test_the_server_says_an_outage_in_a_few_lines_and_healthz_reports_the_queue(
    owned, own_nats, tmp_path, caplog, monkeypatch
):
    """Submissions keep working (201) and /healthz stays 200 with ``queue: unreachable``; the log
    gets one line when NATS goes, reminders at most a minute apart, one when it is back; no
    traceback from the NATS client."""
    monkeypatch.setattr(nats_outage, "REMIND_SECONDS", 60.0)
    settings = Settings(
        env="test",
        data_dir=tmp_path,
        secret_key=TEST_SECRET,
        processing="nats",
        nats_url=own_nats.url,
        nats_stream="MINYI_T_NATSFIX_S",
        sweep_seconds=1,
    )
    caplog.set_level(logging.DEBUG)
    with TestClient(create_app(settings, owned)) as client:
        assert _submit(client, 0) == 201
        health = client.get("/healthz")
        assert health.status_code == 200
        assert health.json()["queue"] == "connected"
        assert health.json()["waiting"] >= 0
        own_nats.stop()
        started = time.monotonic()
        n = 1
        while time.monotonic() - started < 8:  # an outage of 8 s, a submission and a probe a 0.2 s
            assert _submit(client, n) == 201
            n += 1
            health = client.get("/healthz")
            assert health.status_code == 200, health.text
            assert health.json()["status"] == "ok"
            assert health.json()["queue"] == "unreachable"
            time.sleep(0.2)
        assert health.json()["waiting"] >= n - 1  # stored, waiting for NATS
        own_nats.start()
        assert _wait(lambda: client.get("/healthz").json()["queue"] == "connected", 10)
        # The sweeper publishes what waited (no worker here: they stay waiting in the stream).
        assert _wait(lambda: _stream_messages(own_nats.url, "MINYI_T_NATSFIX_S") == n, 20)
    records = [r for r in caplog.records if r.name.startswith(("nats", "minyi.flows"))]
    lines = [f"{r.levelname} {r.getMessage()}" for r in records if r.levelno >= logging.WARNING]
    assert not [r for r in records if r.name.startswith("nats") and r.levelno >= logging.WARNING], lines
    assert not [r for r in records if r.exc_info], lines
    unreachable = [line for line in lines if "NATS unreachable at" in line]
    assert len(unreachable) == 1, lines
    assert "MINYI_NATS_URL" in unreachable[0]
    assert len([line for line in lines if "NATS reachable again" in line]) == 1, lines
    assert len(lines) <= 3, lines  # lost, back, and perhaps a sweep's line about the backlog


def test_healthz_says_nothing_of_a_queue_without_nats_processing(client):
    fields = set(client.get("/healthz").json()) - {"holidays_missing"}  # the calendar's, in December 2026
    assert fields == {"status", "database", "schema", "version"}


def test_minyi_worker_refuses_to_run_without_nats_processing(tmp_path, monkeypatch):
    monkeypatch.setenv("MINYI_DATA_DIR", str(tmp_path))
    monkeypatch.setenv("MINYI_SECRET_KEY", TEST_SECRET)
    monkeypatch.setenv("MINYI_PROCESSING", "background")
    monkeypatch.setenv("MINYI_NATS_URL", "nats://127.0.0.1:1")  # never tried
    get_settings.cache_clear()
    try:
        result = CliRunner().invoke(cli, ["worker", "--max-idle", "1"])
    finally:
        get_settings.cache_clear()
    assert result.exit_code == 1
    assert "MINYI_PROCESSING" in result.output
    assert "MINYI_PROCESSING=nats" in result.output
    assert "Traceback" not in result.output
