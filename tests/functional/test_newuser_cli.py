"""A new operator's command-line mistakes end in one ``Error: …`` line, never a traceback."""

from __future__ import annotations

import pytest
from click.testing import CliRunner
from tests.conftest import TEST_SECRET

from minyi.cli.main import cli
from minyi.settings import get_settings


@pytest.fixture
def env(tmp_path, monkeypatch):
    monkeypatch.setenv("MINYI_DATA_DIR", str(tmp_path / "var"))
    monkeypatch.setenv("MINYI_SECRET_KEY", TEST_SECRET)
    monkeypatch.delenv("MINYI_DATABASE_URL", raising=False)
    get_settings.cache_clear()
    yield monkeypatch
    get_settings.cache_clear()


def run(*args: str):
    return CliRunner().invoke(cli, list(args))


def plain_error(result, *expected: str) -> None:
    assert result.exit_code == 1, result.output
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    assert "Traceback" not in result.output
    assert result.output.startswith("Error: ")
    for text in expected:
        assert text in result.output


def test_an_unknown_revision_is_named(env):
    plain_error(run("db", "upgrade", "--revision", "nosuch"), "'nosuch'", "minyi db current")


@pytest.mark.parametrize(
    "url",
    [
        "postgresql://postgres@127.0.0.1:1/minyi_nowhere",  # no server there
        "sqlite:////nonexistent-directory/minyi.db",  # a directory that does not exist
    ],
)
def test_a_database_that_cannot_be_reached_is_explained(env, url):
    env.setenv("MINYI_DATABASE_URL", url)
    get_settings.cache_clear()
    plain_error(run("db", "upgrade"), "cannot use the database", "MINYI_DATABASE_URL", "createdb")
    plain_error(run("process"), "cannot use the database")


def test_a_wrong_setting_is_named_without_pydantics_headers(env):
    env.setenv("MINYI_PUBLIC_PAGE_SIZE", "0")
    get_settings.cache_clear()
    result = run("process")
    plain_error(result, "invalid settings: MINYI_PUBLIC_PAGE_SIZE: ")
    assert "errors.pydantic.dev" not in result.output
    assert "validation error for Settings" not in result.output


def test_a_department_is_checked_before_it_is_created(env):
    assert run("db", "upgrade").exit_code == 0
    plain_error(run("department", "create", "", "空"), "code:")
    plain_error(run("department", "create", "J TJ", "交通运输局"), "code:")
    plain_error(run("department", "create", "JTJ", "  "), "name:")
    plain_error(run("department", "create", "JTJ", "交通运输局", "--phone", "12"), "contact_phone:")
    plain_error(run("department", "create", "JTJ", "交通运输局", "--email", "notanemail"), "contact_email:")
    plain_error(run("department", "create", "JTJ", "交通运输局", "--parent", "NOPE"), "NOPE")
    made = run(
        "department",
        "create",
        "JTJ",
        "交通运输局",
        "--phone",
        "0731-88001234",
        "--email",
        "jtj@example.gov.cn",
    )
    assert made.exit_code == 0, made.output
    assert run("department", "create", "ZW", "政务服务中心", "--phone", "12345").exit_code == 0
    plain_error(run("department", "create", "JTJ", "交通运输局"), "already exists")
    assert "JTJ" in run("department", "list").output


def test_db_check_on_an_empty_database_says_what_to_do(env):
    plain_error(run("db", "check"), "empty", "minyi db upgrade")


def test_an_unusable_data_dir_is_named_in_one_line(monkeypatch):
    from click.testing import CliRunner

    from minyi.cli.main import cli
    from minyi.settings import get_settings

    monkeypatch.setenv("MINYI_DATA_DIR", "/proc/minyi-cannot-be-here")
    monkeypatch.delenv("MINYI_DATABASE_URL", raising=False)
    get_settings.cache_clear()
    try:
        result = CliRunner().invoke(cli, ["db", "current"])
    finally:
        get_settings.cache_clear()
    assert result.exit_code == 1
    assert "cannot use MINYI_DATA_DIR /proc/minyi-cannot-be-here" in result.output
    assert "Traceback" not in result.output


def test_upgrading_a_database_a_newer_release_migrated_says_so(env):
    """Alembic said only "Can't locate revision identified by '0099'" (operator walk-through)."""
    from sqlalchemy import create_engine, text

    assert run("db", "upgrade").exit_code == 0
    engine = create_engine(f"sqlite:///{env_data_dir() / 'minyi.db'}")
    with engine.begin() as connection:
        connection.execute(text("UPDATE alembic_version SET version_num = '0099'"))
    engine.dispose()
    plain_error(run("db", "upgrade"), "revision 0099", "a newer Minyi migrated it")


def env_data_dir():
    import os
    from pathlib import Path

    return Path(os.environ["MINYI_DATA_DIR"])


@pytest.mark.parametrize("command", [["demo", "--messages", "5"], ["serve", "--demo", "--port", "8999"]])
def test_demo_data_is_refused_in_production(env, tmp_path, command):
    """Its users' passwords are in the documents (operator walk-through: loaded unhindered)."""
    env.setenv("MINYI_ENV", "production")
    env.setenv("MINYI_COOKIE_SECURE", "true")
    env.setenv("MINYI_DATABASE_URL", "postgresql://postgres@127.0.0.1:1/minyi_never_reached")
    get_settings.cache_clear()
    plain_error(run(*command), "Demo data is not loaded in production")  # in Chinese: test_i18n.py
