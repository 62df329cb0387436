"""The newest features as an attacker sees them (docs/security-probes.md, eleventh probe)."""

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


@pytest.mark.parametrize(
    ("url", "said"),
    [
        ("postgresql://minyi:S3cret-pw@127.0.0.1:abc/minyi", "cannot be read as a URL"),
        ("postgresql://minyi:S3cret-pw@[::1/minyi", "cannot be read as a URL"),
        ("postgresql+foo://minyi:S3cret-pw@127.0.0.1/minyi", "'postgresql+foo'"),
        ("postgresql+psycopg2://minyi:S3cret-pw@127.0.0.1/minyi", "'postgresql+psycopg2'"),
        ("sqlitex:///minyi.db", "'sqlitex'"),
    ],
)
def test_a_database_url_the_engine_cannot_open_is_one_line_without_its_password(env, url, said):
    """A mistyped port or driver: 60 lines of SQLAlchemy's traceback for every command."""
    env.setenv("MINYI_DATABASE_URL", url)
    get_settings.cache_clear()
    for command in (["db", "check"], ["serve", "--port", "8313"]):
        result = CliRunner().invoke(cli, command)
        assert result.exit_code == 1, result.output
        assert "Traceback" not in result.output
        assert result.output.startswith("Error: invalid settings: MINYI_DATABASE_URL")
        assert said in result.output
        assert "S3cret-pw" not in result.output
