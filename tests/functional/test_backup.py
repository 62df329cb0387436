"""Backup and restore exactly as docs/operation.md ("Backups") says, on SQLite and PostgreSQL.

Cases seeded with the demo factories are backed up from a live database, restored into a
fresh one, and compared: the same rows per table, the same case histories (events in
order), and the tracking code and secret still open each message.
"""

from __future__ import annotations

import os
import secrets
import shutil
import sqlite3
import subprocess
import sys
from contextlib import closing
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine, create_engine, func, inspect, make_url, select, table, text
from sqlalchemy.orm import Session
from tests.conftest import fresh_database_url

from minyi.cases.models import Case, CaseEvent
from minyi.db.session import Database
from minyi.demo import factories
from minyi.flows import processing
from minyi.intake import services as intake
from minyi.schema import migrate

BASE_URL = os.environ.get("MINYI_TEST_DATABASE_URL", "")
ON_POSTGRES = BASE_URL.startswith("postgresql")
TOOL_SECONDS = 120
TODAY = f"{datetime.now(UTC):%Y-%m-%d}"  # as $(date +%F) names the backup file

# (title, body, status) of the seeded cases: different problems, so none is merged as a duplicate.
STORIES = [
    ("人民路路灯损坏", "人民路三盏路灯坏了两个多星期，晚上出行很不安全，请尽快维修。", "dispatched"),
    ("丽发新城搅拌站夜间噪音", "小区旁边的搅拌站每天夜里施工到凌晨两点，噪音很大无法入睡。", "in_progress"),
    ("公交站台遮雨棚破损", "八一路公交站台的遮雨棚被风吹坏，下雨时乘客无处躲雨。", "replied"),
    ("小区电梯经常停运", "幸福里小区3栋电梯一个月停运五次，老人上下楼非常困难。", "follow_up"),
    ("学校门口交通拥堵", "实验小学门口上下学时段车辆乱停，孩子过马路很危险。", "closed"),
]


@dataclass(frozen=True)
class Tracked:
    message_id: str
    code: str
    secret: str


@dataclass(frozen=True)
class Snapshot:
    counts: dict[str, int]
    histories: dict[str, list[tuple[Any, ...]]]


def _seed(database: Database) -> list[Tracked]:
    """Departments, categories, users and cases in several statuses, committed."""
    tracked = []
    with database.transaction() as session:
        roads = factories.make_department(session, code="JTJ", name="交通运输局")
        category = factories.make_category(session, name="交通运输", department=roads)
        factories.make_user(session, username="disp", role="dispatcher")
        for number, (title, body, status) in enumerate(STORIES):
            contact = {"name": "张三", "phone": f"1381234{number:04d}"}
            data = factories.make_message_in(title=title, body=body, category_id=category.id, contact=contact)
            accepted = intake.accept(session, data, channel="api", key=f"backup-{number}")
            case = processing.process(session, accepted.message)
            factories.drive_case(session, case, status)
            tracked.append(
                Tracked(accepted.message.id, accepted.message.tracking_code, accepted.tracking_secret)
            )
        factories.make_case(session, status="received", title="请问一件事", body="想了解一下有关情况，谢谢。")
    return tracked


def _snapshot(engine: Engine) -> Snapshot:
    names = sorted(inspect(engine).get_table_names())
    with engine.connect() as conn:
        counts = {
            name: int(conn.scalar(select(func.count()).select_from(table(name))) or 0) for name in names
        }
    with Session(engine) as session:
        histories = {
            case.number: [
                (e.action, e.from_status, e.to_status, e.actor, e.actor_user_id, e.payload, e.created_at)
                for e in session.scalars(
                    select(CaseEvent)
                    .where(CaseEvent.case_id == case.id)
                    .order_by(CaseEvent.created_at, CaseEvent.id)
                )
            ]
            for case in session.scalars(select(Case))
        }
    return Snapshot(counts, histories)


def _assert_restored(source: Snapshot, engine: Engine, tracked: list[Tracked]) -> None:
    assert migrate.is_up_to_date(engine)
    restored = _snapshot(engine)
    assert restored.counts == source.counts
    for name in ("messages", "message_contacts", "cases", "case_events", "replies", "users"):
        assert source.counts[name] > 0, name
    assert len(source.histories) == len(STORIES) + 1
    assert restored.histories == source.histories
    assert max(len(events) for events in source.histories.values()) >= 5  # a closed case's whole history
    with Session(engine) as session:
        for item in tracked:
            found = intake.find_by_tracking(session, item.code, item.secret)
            assert found is not None
            assert found.id == item.message_id
            assert intake.find_by_tracking(session, item.code, "WRONG-SECRET") is None


def _run(command: list[str], env: dict[str, str] | None = None) -> str:
    done = subprocess.run(  # noqa: S603 - fixed commands of the documentation
        command, capture_output=True, text=True, timeout=TOOL_SECONDS, check=False, env=env
    )
    assert done.returncode == 0, f"{command[0]} failed ({done.returncode}): {done.stderr}"
    return done.stdout


def _db_check(database_url: str, data_dir: Path) -> None:
    """``minyi db check`` on the restored database, as the documentation says."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("MINYI_")}
    env |= {"MINYI_DATABASE_URL": database_url, "MINYI_DATA_DIR": str(data_dir), "MINYI_CLI_LANG": "en"}
    script = Path(sys.executable).with_name("minyi")
    command = (
        [str(script)] if script.exists() else [sys.executable, "-c", "from minyi.cli.main import cli; cli()"]
    )
    assert "models and schema agree" in _run([*command, "db", "check"], env=env)


# -- SQLite ------------------------------------------------------------------------------

SQLITE_TOOLS = ["sqlite3", "python"]


def _sqlite_backup(tool: str, db_file: Path, backup_file: Path) -> None:
    """The two commands of docs/operation.md, as written there."""
    if tool == "sqlite3":
        sqlite3_tool = shutil.which("sqlite3")
        if sqlite3_tool is None:
            pytest.skip("the sqlite3 command-line tool is not installed (apt-get install sqlite3)")
        _run([sqlite3_tool, str(db_file), f".backup '{backup_file}'"])
    else:
        one_liner = "import sqlite3,sys; sqlite3.connect(sys.argv[1]).backup(sqlite3.connect(sys.argv[2]))"
        _run([sys.executable, "-c", one_liner, str(db_file), str(backup_file)])


@pytest.mark.skipif(ON_POSTGRES, reason="the suite runs on PostgreSQL; the SQLite backup is tested on SQLite")
@pytest.mark.parametrize("tool", SQLITE_TOOLS)
def test_sqlite_backup_and_restore(tmp_path: Path, tool: str) -> None:
    data_dir = tmp_path / "data"
    data_dir.mkdir()
    db_file = data_dir / "minyi.db"  # where the server keeps it: minyi.db in MINYI_DATA_DIR
    source = Database(f"sqlite:///{db_file}")
    migrate.upgrade(source.engine)
    tracked = _seed(source)
    before = _snapshot(source.engine)
    backup_dir = tmp_path / "backup"
    backup_dir.mkdir()
    backup_file = backup_dir / f"minyi-{TODAY}.db"
    with source.engine.connect() as running:  # the server is running: a connection is open
        running.execute(text("SELECT count(*) FROM messages"))
        assert (data_dir / "minyi.db-wal").exists()  # WAL mode: why copying the file is wrong
        _sqlite_backup(tool, db_file, backup_file)
    with closing(sqlite3.connect(backup_file)) as check:
        assert check.execute("PRAGMA integrity_check").fetchone() == ("ok",)

    # Later changes, which the restore must undo.
    with source.transaction() as session:
        factories.make_case(session, status="received", title="备份之后的留言", body="备份之后才收到的留言。")
    source.engine.dispose()  # the server stops

    # Restore as documented: the old minyi.db moved away with its -wal and -shm files, the
    # backup copied to minyi.db, then `minyi db check`.
    old_dir = tmp_path / "old"
    old_dir.mkdir()
    for old_file in data_dir.glob("minyi.db*"):
        old_file.rename(old_dir / old_file.name)
    shutil.copyfile(backup_file, db_file)
    url = f"sqlite:///{db_file}"
    _db_check(url, data_dir)
    restored = Database(url)
    try:
        _assert_restored(before, restored.engine, tracked)
    finally:
        restored.engine.dispose()


# -- PostgreSQL --------------------------------------------------------------------------

PG_TOOLS = ("pg_dump", "pg_restore", "createdb")


def _libpq_url(sqlalchemy_url: str, database: str) -> str:
    """A ``postgresql://`` URL that pg_dump, pg_restore and createdb accept."""
    url = make_url(sqlalchemy_url).set(drivername="postgresql", database=database)
    return url.render_as_string(hide_password=False)


def _drop(names: list[str]) -> None:
    admin_url = make_url(BASE_URL.replace("postgresql://", "postgresql+psycopg://", 1)).set(
        database="postgres"
    )
    admin = create_engine(admin_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        for name in names:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


@pytest.mark.skipif(
    not ON_POSTGRES, reason="runs when the suite runs on PostgreSQL (MINYI_TEST_DATABASE_URL)"
)
def test_postgres_backup_and_restore(tmp_path: Path) -> None:
    missing = [tool for tool in PG_TOOLS if shutil.which(tool) is None]
    if missing:
        pytest.skip(f"{', '.join(missing)} not installed (apt-get install postgresql-client)")
    suffix = secrets.token_hex(4)
    source_name, restore_name = f"minyi_backup_{suffix}", f"minyi_restore_{suffix}"
    engines: list[Engine] = []
    try:
        source = Database(fresh_database_url(tmp_path, source_name))
        engines.append(source.engine)
        migrate.upgrade(source.engine)
        tracked = _seed(source)
        before = _snapshot(source.engine)
        dump = tmp_path / f"minyi-{TODAY}.dump"
        _run(["pg_dump", "-Fc", "-d", _libpq_url(BASE_URL, source_name), "-f", str(dump)])
        # Restore as documented: into a new, empty database.
        _run(["createdb", "--maintenance-db", _libpq_url(BASE_URL, "postgres"), restore_name])
        _run(["pg_restore", "-d", _libpq_url(BASE_URL, restore_name), str(dump)])
        _db_check(_libpq_url(BASE_URL, restore_name), tmp_path)
        restored = Database(
            make_url(BASE_URL.replace("postgresql://", "postgresql+psycopg://", 1))
            .set(database=restore_name)
            .render_as_string(hide_password=False)
        )
        engines.append(restored.engine)
        _assert_restored(before, restored.engine, tracked)
    finally:
        for engine in engines:
            engine.dispose()
        _drop([source_name, restore_name])
