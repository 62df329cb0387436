"""``minyi export`` end to end: the file, the masking, ``--full --as``, refusals writing nothing."""

from __future__ import annotations

import csv
import json

import pytest
from click.testing import CliRunner
from sqlalchemy import select
from tests.conftest import TEST_SECRET

from minyi.audit.models import AuditEvent
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
        roads = factories.make_department(session, code="ROADS")
        factories.make_case(
            session, status="replied", department=water, title="停水", body=f"电话{PHONE}停水"
        )
        factories.make_case(session, department=roads, title="路面塌陷", body="路面塌陷严重")
        factories.make_user(session, username="boss", role="admin")
        factories.make_user(session, username="waterstaff", role="staff", department=water)
        session.commit()
    yield runner, tmp_path, database
    database.engine.dispose()
    get_settings.cache_clear()


def _events(database: Database) -> list[AuditEvent]:
    with database.session() as session:
        return list(session.scalars(select(AuditEvent)))


def test_export_writes_a_masked_csv_and_records_it(env):
    runner, tmp, database = env
    out = tmp / "cases.csv"
    result = runner.invoke(cli, ["export", "--format", "csv", "--out", str(out), "--json"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.output)["cases"] == 2
    rows = list(csv.DictReader(out.open(encoding="utf-8-sig")))
    assert len(rows) == 2
    assert PHONE not in out.read_text(encoding="utf-8-sig")
    assert [event.action for event in _events(database)] == ["export_masked"]


def test_full_needs_an_admin_and_a_refusal_writes_nothing(env):
    runner, tmp, database = env
    out = tmp / "full.jsonl"
    assert runner.invoke(cli, ["export", "--format", "jsonl", "--out", str(out), "--full"]).exit_code != 0
    refused = runner.invoke(
        cli, ["export", "--format", "jsonl", "--out", str(out), "--full", "--as", "waterstaff"]
    )
    assert refused.exit_code != 0
    assert "administrators" in refused.output
    refused = runner.invoke(
        cli, ["export", "--format", "csv", "--out", str(out), "--as", "waterstaff", "--department", "ROADS"]
    )
    assert refused.exit_code != 0
    far = runner.invoke(cli, ["export", "--format", "csv", "--out", str(out), "--to", "9999-12-31"])
    assert far.exit_code == 1  # was a traceback (date out of range)
    assert "1900-01-01 to 2999-12-31" in far.output
    assert not out.exists()
    assert _events(database) == []
    result = runner.invoke(cli, ["export", "--format", "jsonl", "--out", str(out), "--full", "--as", "boss"])
    assert result.exit_code == 0, result.output
    assert PHONE in out.read_text()
    assert [event.action for event in _events(database)] == ["export_full"]


def test_department_staff_export_their_department_with_filters(env):
    runner, tmp, _ = env
    out = tmp / "water.xlsx"
    args = ["export", "--format", "xlsx", "--out", str(out), "--as", "waterstaff", "--status", "replied"]
    result = runner.invoke(cli, [*args, "--from", "2000-01-01", "--to", "2999-12-31", "--json"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.output)["cases"] == 1


def test_restore_reads_an_export_and_refuses_other_files(env):
    runner, tmp, _ = env
    out = tmp / "cases.csv"
    assert runner.invoke(cli, ["export", "--format", "csv", "--out", str(out)]).exit_code == 0
    result = runner.invoke(cli, ["restore", str(out), "--json"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.output)["missing_messages"] == 2  # the messages were not imported here
    other = tmp / "other.csv"
    other.write_text("标题,内容\n一,二\n", encoding="utf-8")
    refused = runner.invoke(cli, ["restore", str(other)])
    assert refused.exit_code != 0
    assert "not a Minyi export" in refused.output
