"""SQLite under concurrent writers: they wait for each other instead of failing."""

from __future__ import annotations

import threading

import pytest
from sqlalchemy import text
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column
from tests.conftest import fresh_database_url

from minyi.db import session as session_module
from minyi.db.session import Database


def _database(tmp_path):
    database = Database(f"sqlite:///{tmp_path / 'c.db'}")
    with database.transaction() as session:
        session.execute(text("CREATE TABLE counter (id INTEGER PRIMARY KEY, n INTEGER NOT NULL)"))
        session.execute(text("INSERT INTO counter (id, n) VALUES (1, 0)"))
    return database


def test_concurrent_read_then_write_transactions_all_succeed(tmp_path):
    database = _database(tmp_path)
    errors: list[BaseException] = []

    def work() -> None:
        try:
            for _ in range(25):
                with database.transaction() as session:
                    n = session.execute(text("SELECT n FROM counter WHERE id = 1")).scalar_one()
                    session.execute(text("UPDATE counter SET n = :n WHERE id = 1"), {"n": n + 1})
        except BaseException as exc:  # noqa: BLE001 - collected for the assertion
            errors.append(exc)

    threads = [threading.Thread(target=work) for _ in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    with database.transaction() as session:  # no update was lost either
        assert session.execute(text("SELECT n FROM counter")).scalar_one() == 150
    database.engine.dispose()


def test_a_long_read_does_not_keep_writers_waiting(tmp_path):
    database = _database(tmp_path)
    reader = database.read_session()
    assert reader.execute(text("SELECT n FROM counter")).scalar_one() == 0  # a read transaction is open
    with database.transaction() as session:
        session.execute(text("UPDATE counter SET n = 5"))
    assert reader.execute(text("SELECT n FROM counter")).scalar_one() == 0  # its snapshot
    reader.close()
    database.engine.dispose()


def test_a_connection_dropped_while_idle_is_replaced_not_an_error(tmp_path, monkeypatch):
    """Only an idle connection is tested before use; a dead one is discarded and made again."""
    url = fresh_database_url(tmp_path, "minyi_test_idle_ping")
    if not url.startswith("postgresql"):
        pytest.skip("SQLite has no server to drop a connection")
    monkeypatch.setattr(session_module, "IDLE_PING_SECONDS", 0.0)
    database = Database(url)
    with database.session() as session:
        first = session.execute(text("SELECT pg_backend_pid()")).scalar_one()
    with Database(url).transaction() as admin:  # a restart or a firewall, as far as the pool knows
        admin.execute(text("SELECT pg_terminate_backend(:pid)"), {"pid": first})
    with database.session() as session:
        second = session.execute(text("SELECT pg_backend_pid()")).scalar_one()
    assert second != first
    database.engine.dispose()


def test_a_database_error_does_not_carry_the_citizens_words_into_the_logs(tmp_path):
    from sqlalchemy import text
    from sqlalchemy.exc import IntegrityError

    from minyi.db.session import make_engine

    engine = make_engine(f"sqlite:///{tmp_path / 'hidden.db'}")
    with engine.begin() as connection:
        connection.execute(text("CREATE TABLE t (id INTEGER PRIMARY KEY, body TEXT NOT NULL UNIQUE)"))
        connection.execute(
            text("INSERT INTO t (body) VALUES (:body)"), {"body": "我叫王小明，电话13812345678"}
        )
    with pytest.raises(IntegrityError) as caught, engine.begin() as connection:
        connection.execute(
            text("INSERT INTO t (body) VALUES (:body)"), {"body": "我叫王小明，电话13812345678"}
        )
    assert "13812345678" not in str(caught.value)
    assert "INSERT INTO t" in str(caught.value)
    engine.dispose()


def test_a_request_that_reads_does_not_take_the_write_lock(tmp_path):
    database = _database(tmp_path)
    reader = database.request_session(reads=True)
    assert reader.execute(text("SELECT n FROM counter")).scalar_one() == 0  # its transaction is open
    with database.transaction() as session:  # would wait 30 s for the lock behind BEGIN IMMEDIATE
        session.execute(text("UPDATE counter SET n = 5"))
    reader.close()
    database.engine.dispose()


class _Base(DeclarativeBase):
    pass


class _Counter(_Base):
    __tablename__ = "counter"
    id: Mapped[int] = mapped_column(primary_key=True)
    n: Mapped[int]


def test_a_note_that_finds_the_data_changed_since_its_read_is_dropped_not_an_error(tmp_path):
    """A GET's bookkeeping (a session's last use) after another request wrote: not noted, no 503."""
    database = _database(tmp_path)
    reader = database.request_session(reads=True)
    row = reader.get(_Counter, 1)
    assert row is not None
    with database.transaction() as session:  # another request writes after this one's read
        session.execute(text("UPDATE counter SET n = 5"))
    row.n = 7
    assert session_module.commit_noted(reader) is False  # SQLite: "database is locked"
    assert reader.get(_Counter, 1).n == 5  # rolled back; the request goes on reading
    row = reader.get(_Counter, 1)
    row.n = 8  # nothing written since this transaction's read: noted
    assert session_module.commit_noted(reader) is True
    reader.close()
    with database.transaction() as session:
        assert session.execute(text("SELECT n FROM counter")).scalar_one() == 8
    database.engine.dispose()
