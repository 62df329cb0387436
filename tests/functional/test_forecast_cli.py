"""``minyi forecast`` end to end on a migrated database: table and JSON, bad options refused."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

import pytest
from click.testing import CliRunner
from tests.conftest import TEST_SECRET

from minyi.cli.main import cli
from minyi.db.session import Database
from minyi.demo import factories
from minyi.settings import get_settings

FIRST_MONDAY = datetime(2024, 1, 8, 2, tzinfo=UTC)  # 10:00 Beijing time
WEEKS = 12


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
        water = factories.make_category(session, name="供水")
        number = 0
        for week in range(WEEKS):
            for _ in range(3 + week % 2):
                number += 1
                factories.make_message(
                    session,
                    key=f"cli-{number}",
                    process=False,
                    category_id=water.id,
                    region="A市A1区",
                    submitted_at=FIRST_MONDAY + timedelta(weeks=week, days=number % 5),
                )
        session.commit()
    yield runner
    database.engine.dispose()
    get_settings.cache_clear()


def test_json_has_the_forecast_and_its_backtest_beside_the_baselines(env):
    result = env.invoke(cli, ["forecast", "--weeks", "3", "--end", "2024-04-01", "--format", "json"])
    assert result.exit_code == 0, result.output
    document = json.loads(result.output)
    assert document["weeks"] == ["2024-04-01", "2024-04-08", "2024-04-15"]
    assert document["history_weeks"] == WEEKS
    total, water = document["series"]
    assert total["key"] == "all"
    assert water["label"] == "供水"
    assert len(water["forecast"]) == 3
    assert water["method"] == "wd-holt"
    assert water["error"]["origins"] > 0
    assert water["error"]["mase"] is not None
    assert [b["method"] for b in water["baselines"]] == ["naive", "seasonal-naive"]
    assert water["baselines"][1]["mase"] is None  # no year of history: no seasonal-naive


def test_table_by_region(env):
    result = env.invoke(cli, ["forecast", "--by", "region", "--end", "2024-04-01"])
    assert result.exit_code == 0, result.output
    assert "A市A1区" in result.output
    assert "MASE" in result.output


def test_bad_end_is_refused_naming_the_option(env):
    result = env.invoke(cli, ["forecast", "--end", "April"])
    assert result.exit_code != 0
    assert "--end" in result.output


def test_an_end_out_of_range_is_one_line_naming_the_option(env):
    result = env.invoke(cli, ["forecast", "--end", "1999-01-01"])
    assert result.exit_code == 2
    assert "--end" in result.output
    assert "2000-01-01" in result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)
