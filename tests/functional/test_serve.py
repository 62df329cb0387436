"""``minyi serve --workers 2`` in a real process: both workers start and serve one consistent app."""

from __future__ import annotations

import os
import re
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

START_SECONDS = 60
STOP_SECONDS = 20
CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _minyi() -> list[str]:
    script = Path(sys.executable).with_name("minyi")
    if script.exists():
        return [str(script)]
    return [sys.executable, "-c", "from minyi.cli.main import cli; cli()"]


def _stop(process: subprocess.Popen[bytes]) -> None:
    """SIGTERM (uvicorn stops its workers), then SIGKILL to this test's own process group."""
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout=STOP_SECONDS)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait(timeout=STOP_SECONDS)


@pytest.fixture
def served(tmp_path: Path) -> Iterator[tuple[str, subprocess.Popen[bytes], Path]]:
    """``minyi serve --workers 2`` on a free port and a temporary SQLite database."""
    port = _free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("MINYI_")}
    env |= {"MINYI_DATA_DIR": str(tmp_path / "data"), "MINYI_ENV": "development"}
    log = tmp_path / "serve.log"
    with log.open("wb") as out:
        process = subprocess.Popen(  # noqa: S603 - our own command, fixed arguments
            [*_minyi(), "serve", "--host", "127.0.0.1", "--port", str(port), "--workers", "2"],
            env=env,
            cwd=tmp_path,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # its own process group, so cleanup reaches the workers
        )
    try:
        yield f"http://127.0.0.1:{port}", process, log
    finally:
        _stop(process)


def _wait_healthy(base: str, process: subprocess.Popen[bytes], log: Path) -> dict[str, str]:
    deadline = time.monotonic() + START_SECONDS
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(f"minyi serve exited with {process.returncode}:\n{log.read_text(errors='replace')}")
        try:
            answer = httpx.get(f"{base}/healthz", timeout=2)
        except httpx.TransportError:
            time.sleep(0.2)
            continue
        if answer.status_code == 200:
            return dict(answer.json())
        time.sleep(0.2)
    pytest.fail(f"no healthy answer within {START_SECONDS} s:\n{log.read_text(errors='replace')}")


def test_serve_with_two_workers(served, tmp_path):
    base, process, log = served
    health = _wait_healthy(base, process, log)
    assert health["status"] == "ok"
    assert health["database"] == "ok"
    assert (tmp_path / "data" / "minyi.db").exists()  # migrated by serve on SQLite
    assert (tmp_path / "data" / "secret_key").exists()  # made once, before the workers start

    # One session, read back on fresh connections (whichever worker answers): the workers
    # share one secret key, so the session and its CSRF token survive.
    first = httpx.get(f"{base}/staff/login", timeout=5)
    token = CSRF.search(first.text)
    assert token is not None
    cookies = {"minyi_session": first.cookies["minyi_session"]}
    for _ in range(8):
        again = httpx.get(f"{base}/staff/login", cookies=cookies, timeout=5)
        found = CSRF.search(again.text)
        assert found is not None
        assert found.group(1) == token.group(1)

    _stop(process)
    assert process.returncode is not None
    output = log.read_text(errors="replace")
    assert output.count("Started server process") == 2, output


def test_two_workers_on_the_suites_database_take_and_process_submissions(tmp_path):
    """``--workers 2`` on the database kind under test (PostgreSQL in the suite's second run)."""
    from concurrent.futures import ThreadPoolExecutor

    from sqlalchemy import func, select
    from tests.conftest import TEST_SECRET, fresh_database_url

    from minyi.db.session import Database
    from minyi.intake.models import Message, ProcessingState
    from minyi.schema import migrate

    url = fresh_database_url(tmp_path, "minyi_serve")
    database = Database(url)
    migrate.upgrade(database.engine)
    port = _free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("MINYI_")} | {
        "MINYI_DATA_DIR": str(tmp_path / "data"),
        "MINYI_ENV": "test",
        "MINYI_DATABASE_URL": url,
        "MINYI_SECRET_KEY": TEST_SECRET,
        "MINYI_SWEEP_SECONDS": "1",
    }
    log = tmp_path / "serve-db.log"
    with log.open("wb") as out:
        process = subprocess.Popen(  # noqa: S603 - our own command, fixed arguments
            [*_minyi(), "serve", "--port", str(port), "--workers", "2"],
            env=env,
            cwd=tmp_path,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    base = f"http://127.0.0.1:{port}"
    try:
        _wait_healthy(base, process, log)

        def submit(n: int) -> int:
            body = {"title": f"第{n}号：井盖缺失", "body": f"人民路{n}号门口井盖丢了，很危险。"}
            return httpx.post(f"{base}/api/v1/messages", json=body, timeout=30).status_code

        with ThreadPoolExecutor(8) as pool:
            assert set(pool.map(submit, range(40))) == {201}

        def processed() -> int:
            with database.session() as session:
                query = select(func.count()).select_from(Message)
                return session.scalar(query.where(Message.state == ProcessingState.PROCESSED)) or 0

        deadline = time.monotonic() + 60
        while processed() < 40 and time.monotonic() < deadline:
            time.sleep(0.5)
        assert processed() == 40
    finally:
        _stop(process)
        database.engine.dispose()
