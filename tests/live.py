"""A live Minyi server in a thread of the test process, for tests that need real HTTP.

The browser tests drive it with Chromium; the concurrency tests send it parallel requests
(a TestClient runs one request at a time, which hides what worker threads and pools do).
"""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
import uvicorn
from tests.conftest import fresh_database_url

from minyi.db.session import Database
from minyi.schema import migrate
from minyi.server.app import create_app
from minyi.settings import Settings


def migrated_database(tmp_dir: Path, name: str) -> Database:
    """A new, migrated database of the kind under test, for a server of its own."""
    database = Database(fresh_database_url(tmp_dir, name))
    migrate.upgrade(database.engine)
    return database


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@contextmanager
def running(settings: Settings, database: Database) -> Iterator[str]:
    """Serve Minyi for ``settings`` and ``database`` in a thread; yields its base URL."""
    port = _free_port()
    server = uvicorn.Server(
        uvicorn.Config(create_app(settings, database), host="127.0.0.1", port=port, log_level="warning")
    )
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started:
        if time.monotonic() > deadline:
            pytest.fail("the live server did not start")
        time.sleep(0.05)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=10)
        database.engine.dispose()
