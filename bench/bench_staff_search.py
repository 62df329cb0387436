"""Staff word search and deep API paging at city size: before (LIKE, OFFSET) and after (index, cursor).

Fills N messages (default 100 000; one case per message, every tenth case a second message)
by bulk inserts into a fresh database, texts drawn from TipDM 2020 附件2 (留言主题,
留言详情) as bench_public_search.py draws them, spread over 20 departments and two years;
then times:

- ``minyi search reindex``'s staff word index (``cases.word_index.reindex``) and its size;
- the staff search (count + first page of 50, as ``/staff`` and ``GET /api/v1/cases?q=``
  run it) for a few words, as an admin and as a department user: **before** = the ``LIKE``
  over every text of the release before (rebuilt here), **after** = ``cases.queries.list_cases``;
- ``GET /api/v1/cases?limit=50`` at ``offset=50000`` and at the ``cursor`` of the same place,
  through the real app (TestClient, a staff token).

    .venv/bin/python bench/bench_staff_search.py --engine sqlite
    .venv/bin/python bench/bench_staff_search.py --engine postgresql   # minyi_bench_staff_search
    .venv/bin/python bench/bench_staff_search.py --engine sqlite --skip-load   # queries only
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))

from fastapi.testclient import TestClient
from openpyxl import load_workbook
from sqlalchemy import create_engine, func, insert, make_url, or_, select, text
from sqlalchemy.orm import Session, selectinload

from minyi.accounts.models import Role, User
from minyi.accounts.services import issue_token
from minyi.cases import word_index
from minyi.cases.models import Case
from minyi.cases.queries import CaseFilter, inbox_order, list_cases, search_too_short, visible_cases
from minyi.core.errors import InvalidInput
from minyi.db.base import new_id
from minyi.db.session import Database
from minyi.departments.models import Department
from minyi.intake.models import Message
from minyi.schema.migrate import upgrade
from minyi.server.app import create_app
from minyi.settings import Settings

DATA = Path(__file__).resolve().parents[2] / "shared" / "data" / "tipdm2020_smart_gov" / "official"
PG_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/minyi_bench_staff_search"
SQLITE_PATH = "/tmp/minyi_bench_staff_search.db"  # noqa: S108 - a throw-away bench file
WORDS = ("路灯", "噪音", "物业", "公积金", "违章停车", "小区业主", "A7区", "灯")
CHUNK = 5000
START = datetime(2025, 1, 1, tzinfo=UTC)
SECRET = "bench-secret-key-0123456789-abcdefghijklmnop"  # noqa: S105 - a throw-away bench database


def texts() -> tuple[list[str], list[str]]:
    """Titles and message texts of 附件2 (synthetic ones when the file is not there)."""
    path = DATA / "附件2（测试数据）.xlsx"
    if not path.exists():
        return [f"小区路灯不亮{i}" for i in range(100)], [
            f"人民路{i}号门口路灯坏了两周。" for i in range(100)
        ]
    rows = load_workbook(path, read_only=True).worksheets[0].iter_rows(values_only=True)
    header = list(next(rows))
    items = [dict(zip(header, row, strict=False)) for row in rows]
    return [str(i.get("留言主题") or "") for i in items], [str(i.get("留言详情") or "")[:2000] for i in items]


def fresh(engine_name: str) -> str:
    """A new, migrated database's URL."""
    if engine_name == "sqlite":
        Path(SQLITE_PATH).unlink(missing_ok=True)
        url = f"sqlite:///{SQLITE_PATH}"
    else:
        admin = create_engine(make_url(PG_URL).set(database="postgres"), isolation_level="AUTOCOMMIT")
        with admin.connect() as conn:
            conn.execute(text('DROP DATABASE IF EXISTS "minyi_bench_staff_search" WITH (FORCE)'))
            conn.execute(text('CREATE DATABASE "minyi_bench_staff_search"'))
        admin.dispose()
        url = PG_URL
    database = Database(url)
    upgrade(database.engine)
    database.engine.dispose()
    return url


def load(database: Database, n: int, seed: int = 27) -> None:
    """N messages in about 0.9 N cases, in bulk (the index is built after, as a reindex does)."""
    rnd = random.Random(seed)
    titles, bodies = texts()
    with database.session() as session:
        departments = [new_id() for _ in range(20)]
        rows = [{"id": d, "code": f"B{i:02d}", "name": f"部门{i}"} for i, d in enumerate(departments)]
        session.execute(insert(Department), rows)
        admin = User(username="admin", display_name="admin", role=Role.ADMIN.value, password_hash="-" * 8)
        session.add(admin)
        session.add(
            User(
                username="dept",
                display_name="dept",
                password_hash=admin.password_hash,
                role=Role.STAFF.value,
                department_id=departments[0],
            )
        )
        made, i = 0, 0
        while made < n:
            cases, messages = [], []
            while made < n and len(messages) < CHUNK:
                at = START + timedelta(minutes=10 * i)
                case_id, title = new_id(), rnd.choice(titles)
                waiting = rnd.random() < 0.2
                cases.append(
                    {
                        "id": case_id,
                        "number": f"{at:%Y%m%d}-B{i:07d}",
                        "title": title[:500],
                        "status": "dispatched" if waiting else "closed",
                        "department_id": departments[i % 20],
                        "urgent": waiting and rnd.random() < 0.05,
                        "due_at": at + timedelta(days=15) if waiting else None,
                        "created_at": at,
                        "updated_at": at,
                    }
                )
                for m in range(1 + (i % 10 == 0)):
                    messages.append(  # noqa: PERF401 - one dict per row, readable
                        {
                            "id": new_id(),
                            "channel": "api",
                            "source": "",
                            "title": title[:500] if m == 0 else rnd.choice(titles)[:500],
                            "body": rnd.choice(bodies),
                            "received_at": at,
                            "tracking_code": f"T{i:08d}{m}",
                            "tracking_secret_hash": "x" * 64,
                            "state": "processed",
                            "case_id": case_id,
                        }
                    )
                made += 1 + (i % 10 == 0)
                i += 1
            session.execute(insert(Case), cases)
            session.execute(insert(Message), messages)
            session.commit()
        if database.engine.dialect.name == "postgresql":
            session.execute(text("ANALYZE"))
            session.commit()


def before(session: Session, user: User, words: str) -> tuple[list[Case], int]:
    """The staff word search of the release before: LIKE over every text (queries._matching then)."""
    matching = select(Message.case_id).where(
        or_(Message.title.contains(words, autoescape=True), Message.body.contains(words, autoescape=True))
    )
    query = visible_cases(user).where(
        or_(
            Case.title.contains(words, autoescape=True),
            Case.number.contains(words, autoescape=True),
            Case.id.in_(matching),
        )
    )
    total = session.scalar(select(func.count()).select_from(query.subquery())) or 0
    page = query.order_by(*inbox_order()).limit(50).options(selectinload(Case.department))
    return list(session.scalars(page)), total


def timed(call: Callable[[], object], repeat: int = 5) -> tuple[float, object]:
    """The median wall time of ``call`` (ms) and its last result."""
    times, result = [], None
    for _ in range(repeat):
        began = time.perf_counter()
        result = call()
        times.append((time.perf_counter() - began) * 1000)
    return statistics.median(times), result


def reindex(database: Database) -> None:
    """Rebuild the word index; print the time and its size."""
    with database.transaction() as session:
        began = time.perf_counter()
        cases = word_index.reindex(session)
        took = time.perf_counter() - began
    with database.session() as session:
        if database.engine.dialect.name == "postgresql":
            size = session.scalar(text("SELECT pg_total_relation_size('case_words')")) or 0
            texts_size = session.scalar(text("SELECT pg_total_relation_size('messages')")) or 0
        else:
            size = session.scalar(text("SELECT sum(pgsize) FROM dbstat WHERE name LIKE 'case_words%'")) or 0
            texts_size = session.scalar(text("SELECT sum(pgsize) FROM dbstat WHERE name = 'messages'")) or 0
    print(
        f"reindex: {cases} cases in {took:.1f} s; index {size / 1e6:.0f} MB (messages table {texts_size / 1e6:.0f} MB)"
    )


def refused(session: Session, user: User, words: str) -> None:
    """The staff search of one character now: refused with its reason (the page shows it)."""
    try:
        list_cases(session, user, CaseFilter(query=words, limit=50))
    except InvalidInput:
        return
    raise AssertionError(f"{words!r} was searched")


def searches(database: Database) -> None:
    """Before and after for each word, as an admin and as a department user."""
    print(f"{'words':<10} {'user':<6} {'matches':>8} {'before ms':>10} {'after ms':>9}")
    with database.session() as session:
        for username in ("admin", "dept"):
            user = session.scalars(select(User).where(User.username == username)).one()
            for words in WORDS:
                old_ms, (old_items, old_total) = timed(lambda u=user, w=words: before(session, u, w), 3)
                if search_too_short(words):  # refused since: the page asks for two characters
                    new_ms, _ = timed(lambda u=user, w=words: refused(session, u, w), 3)
                    print(
                        f"{words:<10} {username:<6} {old_total:>8} {old_ms:>10.0f} {new_ms:>9.2f} (refused)"
                    )
                    continue
                new_ms, (new_items, new_total) = timed(
                    lambda u=user, w=words: list_cases(session, u, CaseFilter(query=w, limit=50)), 3
                )
                assert (old_total, [c.id for c in old_items]) == (new_total, [c.id for c in new_items]), words
                print(f"{words:<10} {username:<6} {new_total:>8} {old_ms:>10.0f} {new_ms:>9.0f}")


def paging(database: Database, url: str, depth: int) -> None:
    """``GET /api/v1/cases`` at ``offset=depth`` and at the cursor of the same place."""
    with database.session() as session:
        admin = session.scalars(select(User).where(User.username == "admin")).one()
        token = issue_token(session, admin, "bench")
        session.commit()
    settings = Settings(env="test", data_dir=Path("/tmp"), database_url=url, secret_key=SECRET)  # noqa: S108
    headers = {"Authorization": f"Bearer {token}"}
    with TestClient(create_app(settings, database)) as client:
        before_page = client.get("/api/v1/cases", params={"limit": 50, "offset": depth - 50}, headers=headers)
        cursor = before_page.json()["next_cursor"]
        offset_ms, by_offset = timed(
            lambda: client.get("/api/v1/cases", params={"limit": 50, "offset": depth}, headers=headers)
        )
        cursor_ms, by_cursor = timed(
            lambda: client.get("/api/v1/cases", params={"limit": 50, "cursor": cursor}, headers=headers)
        )
        first_ms, _ = timed(lambda: client.get("/api/v1/cases", params={"limit": 50}, headers=headers))
    same = [i["id"] for i in by_offset.json()["items"]] == [i["id"] for i in by_cursor.json()["items"]]  # type: ignore[attr-defined]
    print(
        f"/api/v1/cases limit 50: first page {first_ms:.0f} ms; offset {depth} {offset_ms:.0f} ms; "
        f"cursor there {cursor_ms:.0f} ms (same cases: {same})"
    )


def main() -> None:
    """Fill (unless --skip-load), rebuild the index, then time searches and paging."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--engine", choices=("sqlite", "postgresql"), default="sqlite")
    parser.add_argument("--messages", type=int, default=100_000)
    parser.add_argument("--depth", type=int, default=50_000)
    parser.add_argument("--skip-load", action="store_true")
    args = parser.parse_args()
    os.environ.setdefault("MINYI_ENV", "test")
    url = (
        (f"sqlite:///{SQLITE_PATH}" if args.engine == "sqlite" else PG_URL)
        if args.skip_load
        else fresh(args.engine)
    )
    database = Database(url)
    if not args.skip_load:
        began = time.perf_counter()
        load(database, args.messages)
        print(f"load: {args.messages} messages in {time.perf_counter() - began:.0f} s ({args.engine})")
        reindex(database)
    searches(database)
    paging(database, url, args.depth)


if __name__ == "__main__":
    main()
