"""``minyi search reindex`` rebuilds the public search index; ``minyi search query`` reads it."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner
from sqlalchemy import text
from tests.conftest import TEST_SECRET

from minyi.cli.main import cli
from minyi.db.session import Database
from minyi.demo import factories
from minyi.settings import get_settings

PHONE = "13712345678"


@pytest.fixture
def env(tmp_path, monkeypatch):
    monkeypatch.setenv("MINYI_DATA_DIR", str(tmp_path / "var"))
    monkeypatch.setenv("MINYI_SECRET_KEY", TEST_SECRET)
    monkeypatch.setenv("MINYI_PROCESSING", "inline")
    get_settings.cache_clear()
    runner = CliRunner()
    assert runner.invoke(cli, ["db", "upgrade"]).exit_code == 0
    database = Database(get_settings().effective_database_url)
    with database.session() as session:
        water = factories.make_department(session, code="WATER")
        factories.make_case(
            session,
            status="replied",
            department=water,
            title="停水",
            body=f"青松路停水，电话{PHONE}",
            is_public=True,
        )
        factories.make_case(session, status="replied", department=water, title="停水", body="青松路私事")
        session.commit()
        session.execute(text("DELETE FROM public_search"))  # as after an upgrade: the index starts empty
        session.commit()
    yield runner, database
    database.engine.dispose()
    get_settings.cache_clear()


def test_reindex_then_query(env):
    runner, _ = env
    assert '"number"' not in runner.invoke(cli, ["search", "query", "青松路"]).output
    result = runner.invoke(cli, ["search", "reindex", "--batch", "10"])
    assert result.exit_code == 0, result.output
    assert "1 public answers indexed" in result.output
    result = runner.invoke(cli, ["search", "query", "青松路", "--department", "WATER"])
    assert result.exit_code == 0, result.output
    hits = [json.loads(line) for line in result.output.splitlines() if line.startswith("{")]
    assert len(hits) == 1
    assert PHONE not in result.output
    assert "137****5678" in hits[0]["body"]


def test_a_bad_option_is_named(env):
    runner, _ = env
    result = runner.invoke(cli, ["search", "query", "青松路", "--from", "yesterday"])
    assert result.exit_code == 2
    assert "from" in result.output
    assert "from: from:" not in result.output
    assert "--from" in result.output
    unknown = runner.invoke(cli, ["search", "query", "青松路", "--department", "NOPE"])
    assert unknown.exit_code == 2
    assert "NOPE" in unknown.output
