"""``minyi import`` of answered messages makes them searchable in the knowledge base at once.

The import brings the knowledge index up to date after it committed. These tests check the
two ways that could be held up while a server runs beside it on SQLite: a write lock on
the database (WAL: the synchronisation only reads, so it is not blocked), and the index's
writer held by the server's own synchronisation (the import stands, says nothing wrong,
and the next search catches up).
"""

from __future__ import annotations

import csv
import json
import logging
import sqlite3
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import tantivy
from click.testing import CliRunner, Result
from tests.conftest import TEST_SECRET

from minyi.cli.main import cli
from minyi.knowledge import search as knowledge_search
from minyi.settings import get_settings

HEAD = ["留言编号", "留言用户", "留言主题", "留言时间", "留言详情", "答复意见", "答复时间"]
ROW = [
    "K-1",
    "U1",
    "公积金贷款额度怎么计算",
    "2019/4/25 9:32:09",
    "想了解公积金贷款额度的计算方法",
    "公积金贷款额度按缴存余额的十五倍计算，最高六十万元。",
    "2019/5/9 9:49:10",
]
QUERY = "公积金贷款额度"


@pytest.fixture
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """A fresh SQLite installation; searches do not synchronise by themselves (a day)."""
    monkeypatch.setenv("MINYI_DATA_DIR", str(tmp_path / "var"))
    monkeypatch.delenv("MINYI_DATABASE_URL", raising=False)
    monkeypatch.delenv("MINYI_KNOWLEDGE_DIR", raising=False)
    monkeypatch.setenv("MINYI_SECRET_KEY", TEST_SECRET)
    monkeypatch.setenv("MINYI_PROCESSING", "inline")
    monkeypatch.setenv("MINYI_KNOWLEDGE_SYNC_SECONDS", "86400")
    get_settings.cache_clear()
    assert CliRunner().invoke(cli, ["db", "upgrade"]).exit_code == 0
    data = tmp_path / "answered.csv"
    with data.open("w", encoding="utf-8", newline="") as out:
        csv.writer(out).writerows([HEAD, ROW])
    yield data
    get_settings.cache_clear()


def run(*args: str) -> Result:
    result = CliRunner().invoke(cli, list(args))
    assert result.exit_code == 0, result.output
    return result


def found_titles() -> list[str]:
    result = run("knowledge", "search", QUERY, "--format", "json")
    return [hit["title"] for hit in json.loads(result.output)]


def test_the_import_makes_answered_messages_searchable_at_once(home: Path) -> None:
    assert "1 historical replies" in run("import", str(home)).output
    assert found_titles() == [ROW[2]]


def test_a_write_lock_on_the_database_does_not_hold_up_the_index(
    home: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    settings = get_settings()
    real = knowledge_search.synchronise

    def while_locked(*args: Any, **kwargs: Any) -> int:
        other = sqlite3.connect(settings.data_dir / "minyi.db", isolation_level=None)
        other.execute("BEGIN IMMEDIATE")  # what a server writing a message holds
        try:
            return real(*args, **kwargs)
        finally:
            other.execute("ROLLBACK")
            other.close()

    monkeypatch.setattr(knowledge_search, "synchronise", while_locked)  # what the import calls
    run("import", str(home))
    assert found_titles() == [ROW[2]]


def test_an_index_busy_elsewhere_leaves_the_import_whole_and_the_next_search_catches_up(
    home: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    settings = get_settings()
    knowledge_search.open_index(settings)  # the index exists, as on a running server
    server = tantivy.Index.open(str(knowledge_search.index_dir(settings)))
    writer = server.writer(heap_size=15_000_000, num_threads=1)  # the server synchronising
    with caplog.at_level(logging.WARNING, logger="minyi.flows.imports"):
        assert "1 imported" in run("import", str(home)).output
    assert "knowledge index was not brought up to date" in caplog.text
    assert found_titles() == []  # not yet: the writer was busy
    writer.rollback()
    del writer
    monkeypatch.setenv("MINYI_KNOWLEDGE_SYNC_SECONDS", "0")
    get_settings.cache_clear()
    assert found_titles() == [ROW[2]]
