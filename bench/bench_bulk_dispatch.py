"""批量派单: 200 cases at the desk dispatched in one action, against 200 single dispatches.

    python bench/bench_bulk_dispatch.py                      # SQLite in a temporary directory
    python bench/bench_bulk_dispatch.py --database postgresql://postgres@127.0.0.1:5432/minyi_bench_bulk
    python bench/bench_bulk_dispatch.py --cases 200 --rounds 3

Each round opens N fresh cases at the desk (received, by the real intake services: factories)
and dispatches them to one department, which has a contact e-mail (so the dispatch digest
folds a notice a case) under a rule with a 签收时限 (so each case gets its 签收期限):

* ``bulk web``: ``POST /staff/bulk/dispatch`` with the N ticks, as the inbox sends it;
* ``bulk api``: ``POST /api/v1/cases/bulk-dispatch`` with the N ids;
* ``single api``: N calls of ``POST /api/v1/cases/{id}/dispatch`` (the way before).

Printed per way: the median wall time of the rounds and the SQL statements sent (counted on
the engine, login and token excluded), and the outbox items the department got. No data set:
synthetic titles only. The database given is dropped and made again (PostgreSQL).
"""

from __future__ import annotations

import argparse
import re
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from fastapi.testclient import TestClient
from sqlalchemy import event, func, select

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(ROOT))

from tests.conftest import fresh_database_url  # noqa: E402

from minyi.accounts.services import issue_token  # noqa: E402
from minyi.admin import services as admin  # noqa: E402
from minyi.db.session import Database  # noqa: E402
from minyi.demo import factories  # noqa: E402
from minyi.notify.models import OutboxMessage  # noqa: E402
from minyi.schema import migrate  # noqa: E402
from minyi.server.app import create_app  # noqa: E402
from minyi.settings import Settings  # noqa: E402

SECRET = "bench-secret-key-0123456789-abcdefghijklmnop"  # noqa: S105 - a throwaway database
PASSWORD = "password123"  # noqa: S105 - a throwaway account


class Counter:
    """SQL statements sent on the engine while ``on`` is set."""

    def __init__(self) -> None:
        self.on = False
        self.count = 0

    def __call__(self, *_args: object) -> None:
        if self.on:
            self.count += 1


def _setup(database: Database) -> tuple[str, str]:
    with database.transaction() as session:
        drainage = factories.make_department(
            session, code="PSJ", name="排水管理处", contact_email="psj@example.gov.cn"
        )
        factories.make_user(session, username="disp", role="dispatcher", password=PASSWORD)
        admin.add_rule(
            session,
            appeal_kind=None,
            category=None,
            reply_working_days=None,
            reply_hours=None,
            accept_hours=4,
        )
        dispatcher = factories.make_user(session, username="disp-api", role="dispatcher", password=PASSWORD)
        token = issue_token(session, dispatcher)
        return drainage.id, token


def _desk(database: Database, n: int, round_: int, way: str) -> list[str]:
    with database.transaction() as session:
        cases = [
            factories.make_case(session, status="received", key=SECRET, title=f"{way}{round_}号积水{i}")
            for i in range(n)
        ]
        return [case.id for case in cases]


def _csrf(html: str) -> str:
    match = re.search(r'name="csrf_token" value="([^"]+)"', html)
    assert match
    return match.group(1)


def _ways(client: TestClient, department_id: str, token: str) -> dict[str, Callable[[list[str]], None]]:
    headers = {"Authorization": f"Bearer {token}"}

    def web(ids: list[str]) -> None:
        data = {"csrf_token": _csrf(client.get("/staff/password").text), "case_ids": ids}
        answer = client.post("/staff/bulk/dispatch", data={**data, "department_id": department_id})
        assert answer.status_code == 200, answer.status_code
        assert f"：{len(ids)} 件" in answer.text, answer.text[-2000:]

    def api(ids: list[str]) -> None:
        body = {"case_ids": ids, "department": "PSJ"}
        answer = client.post("/api/v1/cases/bulk-dispatch", json=body, headers=headers)
        assert answer.status_code == 200, answer.text
        assert len(answer.json()["dispatched"]) == len(ids), answer.text

    def single(ids: list[str]) -> None:
        for case_id in ids:
            answer = client.post(
                f"/api/v1/cases/{case_id}/dispatch", json={"department": "PSJ"}, headers=headers
            )
            assert answer.status_code == 200, answer.text

    return {"bulk web": web, "bulk api": api, "single api": single}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--database", default="", help="a PostgreSQL URL (default: SQLite in a temporary directory)"
    )
    parser.add_argument("--cases", type=int, default=200)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="minyi-bench-bulk-"))
    if args.database:
        import os

        os.environ["MINYI_TEST_DATABASE_URL"] = args.database
    url = fresh_database_url(tmp, (args.database.rsplit("/", 1)[-1] if args.database else "bulk"))
    database = Database(url)
    migrate.upgrade(database.engine)
    department_id, token = _setup(database)
    counter = Counter()
    event.listen(database.engine, "before_cursor_execute", counter)
    settings = Settings(env="test", data_dir=tmp, database_url=url, secret_key=SECRET)
    print(f"{database.engine.dialect.name}: {args.cases} cases a round, {args.rounds} rounds")
    with TestClient(create_app(settings, database)) as client:
        page = client.get("/staff/login")
        form = {"username": "disp", "password": PASSWORD, "csrf_token": _csrf(page.text), "next": "/staff"}
        client.post("/staff/login", data=form)
        for way, run in _ways(client, department_id, token).items():
            times, queries = [], []
            for round_ in range(args.rounds):
                ids = _desk(database, args.cases, round_, way)
                counter.count, counter.on = 0, True
                start = time.perf_counter()
                run(ids)
                times.append(time.perf_counter() - start)
                counter.on = False
                queries.append(counter.count)
            print(
                f"{way:>10}: {statistics.median(times) * 1e3:8.0f} ms (rounds {', '.join(f'{t * 1e3:.0f}' for t in times)}); "
                f"{statistics.median(queries):.0f} statements ({statistics.median(queries) / args.cases:.1f} a case)"
            )
    with database.transaction() as session:
        items = session.scalar(select(func.count()).select_from(OutboxMessage)) or 0
    print(f"outbox: {items} items for {args.cases * args.rounds * 3} dispatches (the department's digest)")


if __name__ == "__main__":
    main()
