"""Engine and session factory for one database."""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from sqlalchemy import create_engine, event
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.exc import DisconnectionError, OperationalError
from sqlalchemy.orm import Session, sessionmaker


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    # Let SQLAlchemy, not the sqlite3 module, decide when transactions begin, so that
    # SAVEPOINTs (session.begin_nested) work as they do on PostgreSQL.
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
    cursor.close()


SQLITE_BUSY_TIMEOUT_MS = 30_000
SQLITE_POOL_SIZE, SQLITE_POOL_OVERFLOW = 8, 64
READ_ONLY = "minyi_read_only"  # execution option: a transaction that never writes


def _sqlite_begin(connection: Any) -> None:
    """Start a transaction; one that may write takes SQLite's write lock at once.

    SQLite has one writer at a time. A deferred transaction that reads and then writes
    cannot wait for the lock when another connection wrote meanwhile: it fails at once
    with "database is locked" (its snapshot is stale), whatever the busy timeout. Taking
    the lock at BEGIN (IMMEDIATE) makes concurrent writers queue for up to the busy timeout
    instead. Readers are not blocked (WAL); transactions that only read, marked with the
    ``minyi_read_only`` execution option (:meth:`Database.read_session`), start deferred.
    """
    read_only = connection.get_execution_options().get(READ_ONLY, False)
    connection.exec_driver_sql("BEGIN" if read_only else "BEGIN IMMEDIATE")


IDLE_PING_SECONDS = 5.0  # a pooled connection idle longer than this is tested before use
_IDLE_SINCE = "minyi_idle_since"


def _returned(_dbapi_connection: Any, record: Any) -> None:
    record.info[_IDLE_SINCE] = time.monotonic()


def _ping_if_idle(dbapi_connection: Any, record: Any, _proxy: Any) -> None:
    """Test a connection that sat in the pool for a while before handing it out.

    SQLAlchemy's ``pool_pre_ping`` tests every checkout: a round trip of about 0.3 ms of
    CPU on each request that lands on PostgreSQL. A connection used a moment ago (every one
    under load) is alive; one idle for ``IDLE_PING_SECONDS`` may have been dropped by a
    restart or a firewall, and is tested. A dead one raises DisconnectionError, on which the
    pool discards it and connects afresh (SQLAlchemy's "pessimistic disconnect" recipe).
    """
    idle_since = record.info.get(_IDLE_SINCE)
    if idle_since is None or time.monotonic() - idle_since < IDLE_PING_SECONDS:
        return
    try:
        cursor = dbapi_connection.cursor()
        try:
            cursor.execute("SELECT 1")
        finally:
            cursor.close()
    except Exception as exc:
        raise DisconnectionError(str(exc)) from exc


def make_engine(url: str, **kwargs: Any) -> Engine:
    """An engine with safe defaults for SQLite (WAL, foreign keys) and PostgreSQL.

    ``hide_parameters``: an error's text leaves out the statement's values, which are
    citizens' titles, texts and contact details; such errors reach the logs and a failed
    message's ``processing_error`` (seventh probe). The statement itself is kept.
    """
    kwargs.setdefault("hide_parameters", True)
    if url.startswith("sqlite"):
        if not _in_memory(url):
            # writers wait for SQLite's one lock holding a pooled connection: with the default
            # 5 + 10, twenty waiting writers left no connection for readers, who need no lock
            # (WAL) but waited 30 s for the pool and got 503. A SQLite connection is a file
            # handle: enough for every worker thread (40) and the background workers.
            kwargs.setdefault("pool_size", SQLITE_POOL_SIZE)
            kwargs.setdefault("max_overflow", SQLITE_POOL_OVERFLOW)
        engine = create_engine(url, connect_args={"check_same_thread": False}, **kwargs)
        event.listen(engine, "connect", _sqlite_pragmas)
        event.listen(engine, "begin", _sqlite_begin)
        return engine
    engine = create_engine(url, **kwargs)
    event.listen(engine, "checkin", _returned)
    event.listen(engine, "checkout", _ping_if_idle)
    return engine


def commit_noted(session: Session) -> bool:
    """Commit a bit of bookkeeping (when a session or token was last used); whether it was kept.

    In a request that only reads, SQLite refuses a write when another connection wrote since
    the request's first read ("database is locked": its snapshot is stale, and waiting would
    not help). Such a note is not worth the request: it is rolled back, and written by the
    next request. Any other error is raised.
    """
    try:
        session.commit()
    except OperationalError as exc:
        if "locked" not in str(exc.orig) and "busy" not in str(exc.orig):
            raise
        session.rollback()
        return False
    return True


def _in_memory(url: str) -> bool:
    path = url.split("///", 1)[1] if "///" in url else ""
    return path in ("", ":memory:") or "mode=memory" in url


class Database:
    """One database: its engine and a session factory."""

    def __init__(self, url: str, engine: Engine | None = None) -> None:
        self.url = url
        self.engine = engine if engine is not None else make_engine(url)
        self.sessionmaker: sessionmaker[Session] = sessionmaker(bind=self.engine, expire_on_commit=False)
        self.bound = False  # sessions join an outer connection's transaction (tests)
        self._reads = sessionmaker(
            bind=self.engine.execution_options(**{READ_ONLY: True}), expire_on_commit=False
        )

    @classmethod
    def bound_to(cls, connection: Connection) -> Database:
        """A Database whose sessions join ``connection``'s transaction as savepoints.

        Tests use it: every commit becomes a savepoint release, and the test rolls the
        outer transaction back at its end.
        """
        database = cls(str(connection.engine.url), engine=connection.engine)
        database.sessionmaker = sessionmaker(
            bind=connection, expire_on_commit=False, join_transaction_mode="create_savepoint"
        )
        database.bound = True
        return database

    def session(self) -> Session:
        """A new session; the caller commits once at its boundary."""
        return self.sessionmaker()

    def read_session(self) -> Session:
        """A session for work that only reads (long scans, rebuilds of in-memory indexes).

        On SQLite it does not take the write lock, so writers are never kept waiting by a
        long read; on PostgreSQL it is an ordinary session.
        """
        if not self.is_sqlite:
            return self.sessionmaker()
        return self._reads()

    def request_session(self, *, reads: bool) -> Session:
        """The session of one HTTP request; ``reads``: a GET or HEAD, which should only read.

        On SQLite a request that reads starts its transactions deferred, so that parallel
        reads do not queue on the one write lock (they did, each holding it until its
        response was sent: 50 parallel API reads waited up to 30 s and 20 got 503 — seventh
        probe, left open then). Such a request may still write a little bookkeeping (a
        session's or a token's last use): SQLite takes the lock when it writes, and a write
        that finds the data changed since the read fails with "database is locked", which
        those steps treat as "not noted this time" (:func:`noted`).
        """
        if reads and self.is_sqlite and not self.bound:
            return self._reads()
        return self.sessionmaker()

    @contextmanager
    def transaction(self) -> Iterator[Session]:
        """A session that commits on success and rolls back on error."""
        session = self.sessionmaker()
        try:
            yield session
            session.commit()
        except BaseException:
            session.rollback()
            raise
        finally:
            session.close()

    @property
    def is_sqlite(self) -> bool:
        """Whether this database is SQLite."""
        return self.engine.dialect.name == "sqlite"
