from __future__ import annotations

import pytest

from minyi.settings import Settings, UnsafeSettingsError, current_timezone


def test_defaults_use_sqlite_in_data_dir(tmp_path):
    settings = Settings(data_dir=tmp_path)
    assert settings.effective_database_url == f"sqlite:///{tmp_path / 'minyi.db'}"


def test_postgres_url_gets_the_psycopg_driver():
    settings = Settings(database_url="postgresql://u@h/db")
    assert settings.effective_database_url == "postgresql+psycopg://u@h/db"


def test_unknown_database_is_refused():
    with pytest.raises(ValueError, match="sqlite:// or postgresql://"):
        Settings(database_url="mysql://x")


def test_env_prefix(monkeypatch):
    monkeypatch.setenv("MINYI_SITE_NAME", "某市12345")
    assert Settings().site_name == "某市12345"


def test_development_secret_is_generated_once(tmp_path):
    first = Settings(data_dir=tmp_path).effective_secret_key
    assert len(first) >= 32
    assert Settings(data_dir=tmp_path).effective_secret_key == first
    assert (tmp_path / "secret_key").stat().st_mode & 0o777 == 0o600


def test_production_fails_fast_on_unsafe_values():
    with pytest.raises(UnsafeSettingsError) as info:
        Settings(env="production").check_safe()
    text = str(info.value)
    assert "MINYI_SECRET_KEY" in text
    assert "MINYI_COOKIE_SECURE" in text
    assert "PostgreSQL" in text


def test_production_with_safe_values():
    Settings(
        env="production",
        secret_key="x" * 40,
        cookie_secure=True,
        database_url="postgresql://u@h/db",
        data_dir="/var/lib/minyi",
    ).check_safe()


def test_public_url_is_an_http_address_without_its_last_slash():
    assert Settings(public_url="https://12345.example.gov.cn/").public_url == "https://12345.example.gov.cn"
    with pytest.raises(ValueError, match="http:// or https://"):
        Settings(public_url="12345.example.gov.cn")


def test_a_nats_url_is_a_nats_url():
    assert Settings(nats_url="nats://10.0.0.5:4222").nats_url == "nats://10.0.0.5:4222"
    with pytest.raises(ValueError, match="nats://"):
        Settings(nats_url="http://x")


def test_an_empty_timezone_is_the_default_as_everywhere_else(monkeypatch):
    """`MINYI_TIMEZONE=` in an env file stopped every command (time probe)."""
    monkeypatch.setenv("MINYI_TIMEZONE", "")
    assert Settings(env="test").timezone == "Asia/Shanghai" == current_timezone()


def test_production_refuses_a_data_directory_relative_to_where_it_starts():
    """Under systemd the working directory is /: a relative MINYI_DATA_DIR became /var."""
    safe = {"secret_key": "x" * 40, "cookie_secure": True, "database_url": "postgresql://u@h/db"}
    with pytest.raises(UnsafeSettingsError, match="MINYI_DATA_DIR must be an absolute path"):
        Settings(env="production", data_dir="var", **safe).check_safe()
    Settings(env="production", data_dir="/var/lib/minyi", **safe).check_safe()


def test_production_warns_of_a_missing_public_url():
    from minyi.settings import production_warnings

    safe = {"secret_key": "x" * 40, "cookie_secure": True, "database_url": "postgresql://u@h/db"}
    [warning] = production_warnings(Settings(env="production", **safe))
    assert "MINYI_PUBLIC_URL" in warning
    assert production_warnings(Settings(env="production", public_url="https://a.example", **safe)) == []
    assert production_warnings(Settings()) == []


def test_a_log_level_in_small_letters_is_read():
    assert Settings(log_level="debug").log_level == "DEBUG"
    with pytest.raises(ValueError, match="log_level"):
        Settings(log_level="verbose")
