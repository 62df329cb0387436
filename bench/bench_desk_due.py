"""The inbox's first page and its 已超期 filter at 100k cases of which 50k wait at the desk.

A case never accepted (``received``, no ``due_at``) is sorted and filtered by the deadline the
rules give it from its first message. The release before computed it in Python for every
such case on each request and bound two SQL parameters a case (``CASE id WHEN ... THEN ...``)
and an ``IN`` list for ``?due=overdue``; ``cases.desk_due_at`` (migration 0030) stores it.

The bench fills 100 000 cases (one synthetic message each, no data set needed) by bulk
inserts: 50 000 received over the last 120 days, the rest closed; fills ``desk_due_at`` as
migration 0030 does (timed), then times, median of 3, ``GET /api/v1/cases?limit=50`` and
``?due=overdue&limit=50`` through the app (after), and the release before's statements
rebuilt here (the Python loop over the desk, then the page).

    .venv/bin/python bench/bench_desk_due.py --engine sqlite
    .venv/bin/python bench/bench_desk_due.py --engine postgresql --url postgresql+psycopg://…/db
"""

from __future__ import annotations

import argparse
import os
import statistics
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

from fastapi.testclient import TestClient
from sqlalchemy import case as sql_case
from sqlalchemy import create_engine, func, insert, literal, make_url, or_, select, text, type_coerce

from minyi.accounts.models import Role, User
from minyi.accounts.services import issue_token
from minyi.cases import desk_due, queries
from minyi.cases.models import ANSWERED_STATUSES, Case
from minyi.cases.rules import deadline_policy, rules_deadlines
from minyi.db.base import UTCDateTime, new_id
from minyi.db.session import Database
from minyi.intake.models import Message
from minyi.schema.migrate import upgrade
from minyi.server.app import create_app
from minyi.settings import Settings

SQLITE_PATH = "/tmp/minyi_bench_desk_due.db"  # noqa: S108 - a throw-away bench file
CHUNK = 5000
SECRET = "bench-secret-key-0123456789-abcdefghijklmnop"  # noqa: S105 - a throw-away bench database


def fresh(engine_name: str, pg_url: str) -> str:
    """A new, migrated database's URL."""
    if engine_name == "sqlite":
        Path(SQLITE_PATH).unlink(missing_ok=True)
        url = f"sqlite:///{SQLITE_PATH}"
    else:
        name = make_url(pg_url).database
        admin = create_engine(make_url(pg_url).set(database="postgres"), isolation_level="AUTOCOMMIT")
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
            conn.execute(text(f'CREATE DATABASE "{name}"'))
        admin.dispose()
        url = pg_url
    database = Database(url)
    upgrade(database.engine)
    database.engine.dispose()
    return url


def load(database: Database, n: int, desk: int) -> None:
    """``n`` cases of one message each; ``desk`` of them received (never accepted), the rest closed."""
    now = datetime.now(UTC)
    with database.session() as session:
        session.add(
            User(username="admin", display_name="admin", role=Role.ADMIN.value, password_hash="-" * 8)
        )
        for start in range(0, n, CHUNK):
            cases, messages = [], []
            for i in range(start, min(n, start + CHUNK)):
                waiting = i % (n // desk) == 0 if desk else False
                at = now - timedelta(minutes=(i * 120 * 24 * 60) // n)  # over the last 120 days
                case_id = new_id()
                cases.append(
                    {
                        "id": case_id,
                        "number": f"{at:%Y%m%d}-D{i:07d}",
                        "title": f"路灯不亮 {i}",
                        "status": "received" if waiting else "closed",
                        "created_at": at,
                        "updated_at": at,
                    }
                )
                messages.append(
                    {
                        "id": new_id(),
                        "channel": "api",
                        "source": "",
                        "title": f"路灯不亮 {i}",
                        "body": "小区门口的路灯坏了两周。",
                        "received_at": at,
                        "tracking_code": f"T{i:09d}",
                        "tracking_secret_hash": "x" * 64,
                        "state": "processed",
                        "case_id": case_id,
                    }
                )
            session.execute(insert(Case), cases)
            session.execute(insert(Message), messages)
            session.commit()
        if database.engine.dialect.name == "postgresql":
            session.execute(text("ANALYZE"))
            session.commit()


def timed(call: Callable[[], object], repeat: int = 3) -> tuple[float, object]:
    """The median wall time of ``call`` in ms, and its last result."""
    times, result = [], None
    for _ in range(repeat):
        began = time.perf_counter()
        result = call()
        times.append((time.perf_counter() - began) * 1000)
    return statistics.median(times), result


def before(database: Database, overdue: bool) -> str:
    """The release before: the desk's deadlines in Python, then a page ordered or filtered by them."""
    with database.session() as session:
        admin = session.scalars(select(User).where(User.username == "admin")).one()
        query = queries.visible_cases(admin)
        began = time.perf_counter()
        rules = rules_deadlines(session, among=query.with_only_columns(Case.id))
        loop_ms = (time.perf_counter() - began) * 1000
        waiting = Case.status.not_in([s.value for s in ANSWERED_STATUSES])
        if overdue:
            now = datetime.now(UTC)
            late = [ident for ident, due in rules.items() if due < now]
            page = query.where(waiting, or_(Case.due_at < now, Case.id.in_(late))).limit(50)
        else:
            by_id = sql_case({i: literal(d, UTCDateTime()) for i, d in rules.items()}, value=Case.id)
            due = type_coerce(func.coalesce(Case.due_at, by_id), UTCDateTime())
            page = query.order_by(sql_case((waiting, due), else_=None), Case.created_at.desc()).limit(50)
        try:
            session.scalars(page).all()
        except Exception as exc:  # noqa: BLE001 - the bench reports what the engine said
            return f"loop {loop_ms:.0f} ms, then {type(exc).__name__}: {str(exc.__cause__ or exc)[:60]}"
        return f"{(time.perf_counter() - began) * 1000:.0f} ms (loop {loop_ms:.0f} ms)"


def after(database: Database, url: str) -> None:
    """``GET /api/v1/cases`` first page and ``?due=overdue`` through the app, now."""
    with database.session() as session:
        admin = session.scalars(select(User).where(User.username == "admin")).one()
        token = issue_token(session, admin, "bench")
        session.commit()
    settings = Settings(env="test", data_dir=Path("/tmp"), database_url=url, secret_key=SECRET)  # noqa: S108
    headers = {"Authorization": f"Bearer {token}"}
    with TestClient(create_app(settings, database)) as client:
        pages: tuple[tuple[str, dict[str, str | int]], ...] = (
            ("first page", {"limit": 50}),
            ("?due=overdue", {"limit": 50, "due": "overdue"}),
        )
        for name, params in pages:

            def page(params: dict[str, str | int] = params) -> object:
                return client.get("/api/v1/cases", params=params, headers=headers)

            ms, response = timed(page)
            body = response.json()  # type: ignore[attr-defined]
            status = response.status_code  # type: ignore[attr-defined]
            print(f"after  {name}: {ms:.0f} ms (status {status}, total {body['total']})")


def main() -> None:
    """Fill, store the desk's deadlines as migration 0030 does, then time before and after."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--engine", choices=("sqlite", "postgresql"), default="sqlite")
    parser.add_argument("--url", default="postgresql+psycopg://postgres@127.0.0.1:5432/minyi_bench_desk_due")
    parser.add_argument("--cases", type=int, default=100_000)
    parser.add_argument("--desk", type=int, default=50_000)
    args = parser.parse_args()
    os.environ.setdefault("MINYI_ENV", "test")
    url = fresh(args.engine, args.url)
    database = Database(url)
    began = time.perf_counter()
    load(database, args.cases, args.desk)
    print(
        f"load: {args.cases} cases, {args.desk} at the desk, {time.perf_counter() - began:.0f} s ({args.engine})"
    )
    with database.session() as session:
        began = time.perf_counter()
        filled = desk_due.recount_waiting(session.connection(), deadline_policy(session))
        session.commit()
    print(f"migration 0030's fill: {filled} cases in {time.perf_counter() - began:.1f} s")
    for overdue in (False, True):
        name = "?due=overdue" if overdue else "first page"
        print(f"before {name}: {before(database, overdue)}")
    after(database, url)


if __name__ == "__main__":
    main()
