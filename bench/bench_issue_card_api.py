"""``GET /api/v1/issues/{id}`` of an issue of thousands of messages: the whole card, then a page.

The release before answered with the card's first 500 messages and every case number, after
reading and sorting every member in Python; now a page of ``limit`` messages (100 unless asked)
read in SQL after a cursor. The bench fills one issue of 5 000 synthetic messages (no data
set), each with its case, half of them one department's; times, median of 3, the release
before's card (:func:`minyi.issues.card.card` as the route called it) and through the app the
first page, a page after a cursor deep in the issue, ``limit=500``, and a department's token.

    .venv/bin/python bench/bench_issue_card_api.py --engine sqlite
    .venv/bin/python bench/bench_issue_card_api.py --engine postgresql --url postgresql+psycopg://…/db
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
from sqlalchemy import create_engine, insert, make_url, select, text

from minyi.accounts.models import Role, User
from minyi.accounts.services import issue_token
from minyi.analysis.models import MessageAnalysis
from minyi.cases.models import Case
from minyi.db.base import new_id
from minyi.db.session import Database
from minyi.departments.models import Department
from minyi.intake.models import Message
from minyi.issues import card as cards
from minyi.issues.models import HotIssue
from minyi.schema.migrate import upgrade
from minyi.server.app import create_app
from minyi.settings import Settings

SQLITE_PATH = "/tmp/minyi_bench_issue_card.db"  # noqa: S108 - a throw-away bench file
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


def load(database: Database, n: int) -> str:
    """One issue of ``n`` messages, each with a case, every other one the roads department's."""
    now = datetime.now(UTC)
    with database.session() as session:
        roads = Department(id=new_id(), code="JTJ", name="交通运输局")
        session.add(roads)
        session.add(
            User(username="admin", display_name="admin", role=Role.ADMIN.value, password_hash="-" * 8)
        )
        session.add(
            User(
                username="road",
                display_name="road",
                role=Role.STAFF.value,
                password_hash="-" * 8,
                department=roads,
            )
        )
        issue = HotIssue(id=new_id(), title="搅拌站夜间噪音", first_time=now, last_time=now, size=n)
        session.add(issue)
        session.flush()
        cases, messages, analyses = [], [], []
        for i in range(n):
            at = now - timedelta(minutes=n - i)
            case_id, message_id = new_id(), new_id()
            cases.append(
                {
                    "id": case_id,
                    "number": f"{at:%Y%m%d}-I{i:07d}",
                    "title": f"搅拌站噪音 {i}",
                    "status": "dispatched",
                    "department_id": roads.id if i % 2 == 0 else None,
                    "created_at": at,
                    "updated_at": at,
                }
            )
            body = f"滨江新城搅拌站夜间施工噪音扰民，第{i}次反映，请尽快处理。"
            messages.append(
                {
                    "id": message_id,
                    "channel": "api",
                    "source": "",
                    "title": f"搅拌站噪音 {i}",
                    "body": body,
                    "received_at": at,
                    "tracking_code": f"T{i:09d}",
                    "tracking_secret_hash": "x" * 64,
                    "state": "processed",
                    "case_id": case_id,
                }
            )
            analyses.append(
                {
                    "id": new_id(),
                    "message_id": message_id,
                    "normalized_title": f"搅拌站噪音 {i}",
                    "normalized_body": body,
                    "category_label": "环境保护",
                    "issue_id": issue.id,
                    "pipeline_version": "bench",
                }
            )
        session.execute(insert(Case), cases)
        session.execute(insert(Message), messages)
        session.execute(insert(MessageAnalysis), analyses)
        session.commit()
        if database.engine.dialect.name == "postgresql":
            session.execute(text("ANALYZE"))
            session.commit()
        return issue.id


def timed(call: Callable[[], object], repeat: int = 3) -> tuple[float, object]:
    """The median wall time of ``call`` in ms, and its last result."""
    times, result = [], None
    for _ in range(repeat):
        began = time.perf_counter()
        result = call()
        times.append((time.perf_counter() - began) * 1000)
    return statistics.median(times), result


def before(database: Database, issue_id: str) -> None:
    """The release before's card for the admin: 500 messages and every case, from every member."""
    with database.session() as session:
        admin = session.scalars(select(User).where(User.username == "admin")).one()
        issue = session.get(HotIssue, issue_id)
        assert issue is not None
        ms, made = timed(lambda: cards.card(session, issue, reader=admin))
        card: cards.IssueCard = made  # type: ignore[assignment]
        print(f"before card: {ms:.0f} ms ({len(card.messages)} messages, {len(card.cases)} case numbers)")


def after(database: Database, url: str, issue_id: str) -> None:
    """The pages through the app, now."""
    tokens = {}
    with database.session() as session:
        for name in ("admin", "road"):
            user = session.scalars(select(User).where(User.username == name)).one()
            tokens[name] = issue_token(session, user, "bench")
        session.commit()
    settings = Settings(env="test", data_dir=Path("/tmp"), database_url=url, secret_key=SECRET)  # noqa: S108
    path = f"/api/v1/issues/{issue_id}"
    with TestClient(create_app(settings, database)) as client:
        admin = {"Authorization": f"Bearer {tokens['admin']}"}
        cursor = ""
        for _ in range(20):  # 20 pages of 100 in: a cursor 2 000 messages deep
            cursor = client.get(path, params={"cursor": cursor}, headers=admin).json()["next_cursor"]
        runs = (
            ("first page", {}, admin),
            ("page after a cursor 2 000 deep", {"cursor": cursor}, admin),
            ("limit=500", {"limit": 500}, admin),
            ("a department's first page", {}, {"Authorization": f"Bearer {tokens['road']}"}),
        )
        for name, params, headers in runs:

            def page(params: dict[str, str | int] = params, headers: dict[str, str] = headers) -> object:
                return client.get(path, params=params, headers=headers)

            ms, response = timed(page)
            body = response.json()  # type: ignore[attr-defined]
            size = len(response.content) // 1024  # type: ignore[attr-defined]
            print(
                f"after  {name}: {ms:.0f} ms ({len(body['messages'])} messages, "
                f"{len(body['case_numbers'])} case numbers, {size} kB, of {body['message_total']})"
            )


def main() -> None:
    """Fill one issue, then time the card before and its pages now."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--engine", choices=("sqlite", "postgresql"), default="sqlite")
    parser.add_argument(
        "--url", default="postgresql+psycopg://postgres@127.0.0.1:5432/minyi_bench_issue_card"
    )
    parser.add_argument("--messages", type=int, default=5000)
    args = parser.parse_args()
    os.environ.setdefault("MINYI_ENV", "test")
    url = fresh(args.engine, args.url)
    database = Database(url)
    issue_id = load(database, args.messages)
    print(f"one issue of {args.messages} messages ({args.engine})")
    before(database, issue_id)
    after(database, url, issue_id)


if __name__ == "__main__":
    main()
