"""The list commands write times as the office reads them (eleventh probe, left open).

`minyi user list` in English wrote the last login as ``2026-12-08 02:12:52+08:00`` (ISO with
its offset) while `minyi alerts list` and `minyi open311 key list` write ``2026-12-08 02:12``;
`minyi model list` wrote the model's creation in UTC.
"""

from __future__ import annotations

from datetime import UTC, datetime

from click.testing import CliRunner
from tests.functional.conftest import cli_database

from minyi.accounts.throttle import LoginFailure
from minyi.analysis.models import ModelRecord
from minyi.cli.main import cli
from minyi.demo import factories


def run(*args: str) -> str:
    done = CliRunner().invoke(cli, list(args), catch_exceptions=False)
    assert done.exit_code == 0, done.output
    return done.output


def test_user_list_writes_the_last_login_in_local_time_without_offset(tmp_path, monkeypatch):
    with cli_database(
        tmp_path, monkeypatch, "minyi_test_ops_user_times", MINYI_TIMEZONE="Asia/Shanghai"
    ) as db:
        with db.transaction() as session:
            user = factories.make_user(session, username="road", role="dispatcher")
            user.last_login_at = datetime(2026, 12, 7, 18, 12, 52, tzinfo=UTC)
        listed = run("user", "list")
        assert "road\tdispatcher\t-\tactive\tlast login 2026-12-08 02:12\n" in listed
        assert "+08:00" not in listed


def test_user_lockouts_write_the_end_in_local_time(tmp_path, monkeypatch):
    with cli_database(
        tmp_path, monkeypatch, "minyi_test_ops_lock_times", MINYI_TIMEZONE="Asia/Shanghai"
    ) as db:
        until = datetime(2099, 1, 1, 0, 30, tzinfo=UTC)
        with db.transaction() as session:
            session.add(
                LoginFailure(
                    kind="account",
                    key="road",
                    failures=0,
                    lockouts=1,
                    first_failure_at=until,
                    last_failure_at=until,
                    locked_until=until,
                )
            )
        assert "account\troad\tuntil 2099-01-01 08:30\tlock-out 1" in run("user", "lockouts")


def test_model_list_writes_the_creation_in_local_time(tmp_path, monkeypatch):
    with cli_database(
        tmp_path, monkeypatch, "minyi_test_ops_model_times", MINYI_TIMEZONE="Asia/Shanghai"
    ) as db:
        with db.transaction() as session:
            session.add(
                ModelRecord(
                    kind="category",
                    version="m-1",
                    path="m-1.joblib",
                    created_at=datetime(2026, 12, 7, 18, 5, tzinfo=UTC),
                    training_size=10,
                    metrics={},
                    is_active=False,
                )
            )
        assert "m-1\t2026-12-08 02:05\t" in run("model", "list")
