"""Shared fixtures: a real, migrated database (SQLite or PostgreSQL), rolled back per test.

Set ``MINYI_TEST_DATABASE_URL=postgresql://postgres@127.0.0.1/minyi_test`` to run the suite
on PostgreSQL; the database is dropped and created afresh at the start of the run.
Without it, the suite runs on a temporary SQLite file.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Connection, Engine, create_engine, make_url, text
from sqlalchemy.orm import Session

from minyi.db.session import Database, make_engine
from minyi.schema import migrate
from minyi.server.app import create_app
from minyi.settings import Settings

TEST_SECRET = "test-secret-key-0123456789-abcdefghijklmnop"

# The command line speaks Chinese unless told otherwise (minyi.cli.i18n); the tests read its
# English, whatever the machine's locale, in this process (CliRunner) and in the subprocesses
# that inherit the environment. tests/unit/cli/test_i18n.py runs the Chinese one on purpose.
os.environ["MINYI_CLI_LANG"] = "en"


def _fresh_postgres(url: str) -> str:
    sa_url = make_url(url.replace("postgresql://", "postgresql+psycopg://", 1))
    name = sa_url.database or "minyi_test"
    admin = create_engine(sa_url.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    admin.dispose()
    return sa_url.render_as_string(hide_password=False)


def fresh_database_url(tmp_dir: Path, name: str = "minyi_test") -> str:
    """A URL of an empty database of the kind under test."""
    base = os.environ.get("MINYI_TEST_DATABASE_URL", "")
    if base.startswith("postgresql"):
        return _fresh_postgres(
            str(make_url(base.replace("postgresql://", "postgresql+psycopg://", 1)).set(database=name))
        )
    return f"sqlite:///{tmp_dir / (name + '.db')}"


@pytest.fixture(scope="session")
def database_url(tmp_path_factory: pytest.TempPathFactory) -> str:
    base = os.environ.get("MINYI_TEST_DATABASE_URL", "")
    name = make_url(base).database if base.startswith("postgresql") else "minyi_test"
    return fresh_database_url(tmp_path_factory.mktemp("db"), name or "minyi_test")


@pytest.fixture(scope="session")
def engine(database_url: str) -> Iterator[Engine]:
    eng = make_engine(database_url)
    migrate.upgrade(eng)
    yield eng
    eng.dispose()


@pytest.fixture
def connection(engine: Engine) -> Iterator[Connection]:
    conn = engine.connect()
    trans = conn.begin()
    yield conn
    if trans.is_active:
        trans.rollback()
    conn.close()


@pytest.fixture
def session(connection: Connection) -> Iterator[Session]:
    sess = Session(bind=connection, join_transaction_mode="create_savepoint", expire_on_commit=False)
    yield sess
    sess.close()


@pytest.fixture
def database(connection: Connection) -> Database:
    return Database.bound_to(connection)


@pytest.fixture
def settings(tmp_path: Path, database_url: str) -> Settings:
    return Settings(
        env="test", data_dir=tmp_path, database_url=database_url, secret_key=TEST_SECRET, processing="inline"
    )


@pytest.fixture
def app(settings: Settings, database: Database):
    return create_app(settings, database)


@pytest.fixture
def client(app) -> Iterator[TestClient]:
    with TestClient(app) as test_client:
        yield test_client


CHROMIUM = os.environ.get("MINYI_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-dev-shm-usage",
]


@pytest.fixture(scope="session")
def browser():
    """The suite's one headless Chromium (Playwright's sync API allows one instance a process)."""
    if not Path(CHROMIUM).exists() and not shutil.which("chromium"):
        if os.environ.get("MINYI_REQUIRE_BROWSER"):
            pytest.fail(
                f"Chromium not found at {CHROMIUM}: run scripts/setup-test.sh (installs Debian's chromium)"
            )
        pytest.skip("Chromium is not installed (scripts/setup-test.sh installs it)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        instance = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        yield instance
        instance.close()
