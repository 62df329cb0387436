"""``minyi retention erase``: a dry run changes nothing, the real one erases, refusals are plain."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner
from tests.conftest import TEST_SECRET

from minyi.cli.main import cli
from minyi.db.session import Database
from minyi.demo import factories
from minyi.intake.models import Message
from minyi.knowledge.search import index_dir
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
        dept = factories.make_department(session)
        case = factories.make_case(
            session,
            status="replied",
            department=dept,
            key=TEST_SECRET,
            is_public=True,
            title="停水三天",
            contact={"name": "李四", "phone": PHONE},
        )
        factories.make_case(session, department=dept, key=TEST_SECRET, contact={"phone": "13800000000"})
        code = case.messages[0].tracking_code
        session.commit()
    yield runner, database, code
    database.engine.dispose()
    get_settings.cache_clear()


def _message(database: Database, code: str) -> Message:
    with database.session() as session:
        message = session.query(Message).filter(Message.tracking_code == code).one()
        session.expunge(message)
        return message


def test_dry_run_then_erase_by_phone_with_text(env):
    runner, database, code = env
    dry = runner.invoke(cli, ["retention", "erase", "--phone", "137 1234 5678", "--dry-run", "--json"])
    assert dry.exit_code == 0, dry.output
    report = json.loads(dry.output)
    assert (report["dry_run"], report["messages"], report["codes"]) == (True, 1, [code])
    assert _message(database, code).title == "停水三天"

    done = runner.invoke(cli, ["retention", "erase", "--phone", PHONE, "--text", "--as", "officer"])
    assert done.exit_code == 0, done.output
    assert "erased the personal data and their words of 1 messages in 1 cases" in done.output
    erased = _message(database, code)
    assert erased.title != "停水三天"
    assert erased.author_pseudonym is None
    assert not erased.is_public


def test_nothing_named_or_nothing_found_says_so(env):
    runner, _database, _code = env
    refused = runner.invoke(cli, ["retention", "erase"])
    assert refused.exit_code == 1
    assert "name at least one tracking code" in refused.output
    assert "Traceback" not in refused.output
    missing = runner.invoke(cli, ["retention", "erase", "--code", "MY2222222", "--as", "officer"])
    assert missing.exit_code == 1  # a script must not take "nothing found" for done
    assert "nothing found" in missing.output
    as_json = runner.invoke(cli, ["retention", "erase", "--code", "MY2222222", "--dry-run", "--json"])
    assert as_json.exit_code == 1
    assert json.loads(as_json.stdout)["messages"] == 0


def test_an_erasure_names_who_carries_it_out(env):
    runner, database, code = env
    nameless = runner.invoke(cli, ["retention", "erase", "--code", code])
    assert nameless.exit_code == 2
    assert "--as" in nameless.output
    assert _message(database, code).author_pseudonym is not None  # nothing erased
    blank = runner.invoke(cli, ["retention", "erase", "--code", code, "--as", "  "])
    assert blank.exit_code == 2
    preview = runner.invoke(cli, ["retention", "erase", "--code", code, "--dry-run"])
    assert preview.exit_code == 0, preview.output


def test_the_knowledge_base_forgets_an_erased_public_question(env):
    runner, database, code = env
    with database.session() as session:  # another answer in the same index segment
        dept = factories.make_department(session, name="水务局")
        factories.make_case(session, status="replied", department=dept, key=TEST_SECRET, is_public=True)
        session.commit()
    assert runner.invoke(cli, ["knowledge", "reindex"]).exit_code == 0
    before = runner.invoke(cli, ["knowledge", "search", "停水三天", "--public", "--format", "json"])
    assert [hit["title"] for hit in json.loads(before.output)] == ["停水三天"]

    done = runner.invoke(cli, ["retention", "erase", "--code", code, "--text", "--as", "officer"])
    assert done.exit_code == 0, done.output
    after = runner.invoke(cli, ["knowledge", "search", "停水三天", "--public", "--format", "json"])
    assert json.loads(after.output) == []  # no longer public, and its words are gone
    # ... from the index's files too: Tantivy kept the replaced document until a merge
    files = [f for f in index_dir(get_settings()).iterdir() if f.is_file()]
    assert files
    assert not [f.name for f in files if "停水三天".encode() in f.read_bytes()]
