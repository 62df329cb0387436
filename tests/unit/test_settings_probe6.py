"""Settings a deploying city got wrong and was not told of: a holidays file that is not there, a mistyped name."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from minyi.settings import Settings, unknown_variables


def test_a_holidays_file_that_cannot_be_read_stops_the_start(tmp_path):
    with pytest.raises(ValidationError, match="cannot be read"):
        Settings(holidays_file=tmp_path / "nope.csv")
    with pytest.raises(ValidationError, match=r"\.csv or \.json"):
        Settings(holidays_file=tmp_path / "holidays.txt")
    good = tmp_path / "holidays.csv"
    good.write_text("date,kind,name\n2027-02-08,holiday,春节\n", encoding="utf-8")
    assert Settings(holidays_file=good).holidays_file == good


def test_mistyped_names_are_named_with_a_guess():
    found = unknown_variables(
        {
            "MINYI_PROCESING": "nats",
            "MINYI_PROCESSING": "nats",
            "MINYI_PORT": "8000",
            "MINYI_ZZZ": "1",
            "MINYI_NEW_USER_PASSWORD": "x",
            "PATH": "/bin",
        }
    )
    assert found == ["MINYI_PROCESING (did you mean MINYI_PROCESSING?)", "MINYI_ZZZ"]


def test_serve_refuses_a_malformed_holidays_file_by_name(tmp_path, monkeypatch):
    from click.testing import CliRunner

    from minyi.cli.main import cli
    from minyi.settings import get_settings

    bad = tmp_path / "holidays.csv"
    bad.write_text("date,kind,name\n2027-02-30,holiday,春节\n", encoding="utf-8")
    monkeypatch.setenv("MINYI_DATA_DIR", str(tmp_path))
    monkeypatch.setenv("MINYI_HOLIDAYS_FILE", str(bad))
    get_settings.cache_clear()
    result = CliRunner().invoke(cli, ["serve", "--port", "8999"])
    get_settings.cache_clear()
    assert result.exit_code != 0
    assert "invalid settings: MINYI_HOLIDAYS_FILE" in result.output
    assert "Traceback" not in result.output


def test_the_report_period_takes_a_year_and_names_itself_when_wrong(monkeypatch):
    """民意年报 by timer: ``MINYI_REPORT_PERIOD=year`` (fifteenth round; it was day, week, month)."""
    for given, read in (("year", "year"), ("Year", "year"), ("month", "month")):
        monkeypatch.setenv("MINYI_REPORT_PERIOD", given)
        assert Settings().report_period == read
    monkeypatch.setenv("MINYI_REPORT_PERIOD", "fortnight")
    with pytest.raises(ValidationError) as caught:
        Settings()
    (error,) = caught.value.errors()
    assert error["loc"] == ("report_period",)
    assert "应为 day、week、month 或 year" in error["msg"]
    assert "'fortnight'" in error["msg"]


def test_a_bad_report_period_stops_a_command_naming_the_variable(monkeypatch, tmp_path):
    from click.testing import CliRunner

    from minyi.cli.main import cli
    from minyi.settings import get_settings

    monkeypatch.setenv("MINYI_DATA_DIR", str(tmp_path))
    monkeypatch.setenv("MINYI_REPORT_PERIOD", "fortnight")
    get_settings.cache_clear()
    try:
        result = CliRunner().invoke(cli, ["report", "send"])
    finally:
        get_settings.cache_clear()
    assert result.exit_code != 0
    assert "MINYI_REPORT_PERIOD" in result.output
    assert "应为 day、week、month 或 year" in result.output
    assert "Traceback" not in result.output
