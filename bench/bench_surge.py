"""A surge day in one process: the demo data, then N storm messages, then what staff read.

    python bench/bench_surge.py                      # SQLite in a temporary directory, 2,000 messages
    python bench/bench_surge.py --messages 5000
    python bench/bench_surge.py --database postgresql://postgres@127.0.0.1:5432/minyi_bench

The storm is ``tests/surgedata.py`` (texts written for the project: no shared data). The
demo departments get contact e-mails, so the department notices are counted. Messages go
through ``POST /api/v1/messages`` of the real application (an integrator key, processing
inline: each answer waits for its case), then the staff pages are read as a dispatcher
would. Printed: intake (answers, p50/p95 per message, messages a second), what the surge
became (cases, hot issues and their sizes, open alerts), the outbox per department address,
and each staff page's status, size, rows and time (the median of three reads).
"""

from __future__ import annotations

import argparse
import re
import statistics
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

from fastapi.testclient import TestClient
from sqlalchemy import func, select

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(ROOT))

from tests.surgedata import surge  # noqa: E402

from minyi.accounts import client_keys  # noqa: E402
from minyi.cases.models import Case  # noqa: E402
from minyi.db.session import Database  # noqa: E402
from minyi.demo.seed import seed_demo  # noqa: E402
from minyi.departments.models import Department  # noqa: E402
from minyi.issues.models import HotIssue  # noqa: E402
from minyi.notify.models import OutboxMessage  # noqa: E402
from minyi.schema import migrate  # noqa: E402
from minyi.server.app import create_app  # noqa: E402
from minyi.settings import Settings  # noqa: E402

SECRET = "bench-secret-key-0123456789-abcdefghijklmnop"  # noqa: S105 - a throwaway database


def _setup(url: str) -> tuple[Database, str]:
    database = Database(url)
    migrate.upgrade(database.engine)
    with database.transaction() as session:
        seed_demo(session, key=SECRET, messages=500)
        for department in session.scalars(select(Department)):
            department.contact_email = f"{department.code.lower()}@example.gov.cn"
        key = client_keys.create_key(session, "bench-surge")
    return database, key


def _intake(client: TestClient, key: str, n: int) -> None:
    times: list[float] = []
    answers: Counter[int] = Counter()
    start = time.perf_counter()
    for i, item in enumerate(surge(n)):
        t0 = time.perf_counter()
        r = client.post("/api/v1/messages", json=item, headers={"X-Api-Key": key, "Idempotency-Key": f"s{i}"})
        times.append(time.perf_counter() - t0)
        answers[r.status_code] += 1
    wall = time.perf_counter() - start
    times.sort()
    print(f"intake: {dict(answers)}; p50 {times[len(times) // 2] * 1e3:.1f} ms, "
          f"p95 {times[int(len(times) * 0.95)] * 1e3:.1f} ms; {n / wall:.0f} messages/s (inline processing)")  # fmt: skip


def _became(database: Database) -> None:
    with database.transaction() as session:
        cases = session.scalar(select(func.count()).select_from(Case))
        top = session.execute(
            select(HotIssue.title, HotIssue.size).order_by(HotIssue.size.desc()).limit(6)
        ).all()
        mail = Counter(
            session.scalars(
                select(OutboxMessage.recipient).where(OutboxMessage.recipient.like("%@example.gov.cn"))
            )
        )
    print(f"cases: {cases}; largest issues: " + ", ".join(f"{t} {s}" for t, s in top))
    print("department e-mails queued: " + ", ".join(f"{r} {n}" for r, n in mail.most_common()))


def _pages(client: TestClient) -> None:
    page = client.get("/staff/login")
    token = re.search(r'name="csrf_token" value="([^"]+)"', page.text)
    assert token is not None
    client.post(
        "/staff/login", data={"username": "admin", "password": "minyi-admin", "csrf_token": token.group(1)}
    )
    biggest = re.findall(r'href="/staff/issues/([0-9a-f-]{36})"', client.get("/staff/issues").text)
    paths = ["/staff", "/staff?status=received", "/staff?q=车库", "/staff?page=20", "/staff/issues"]
    paths += [f"/staff/issues/{biggest[0]}"] if biggest else []
    paths += ["/staff/alerts", "/screen", "/public/dashboard"]
    for path in paths:
        took = []
        for _ in range(3):
            t0 = time.perf_counter()
            r = client.get(path)
            took.append(time.perf_counter() - t0)
        print(f"{path[:60]:60} {r.status_code} {len(r.content) // 1024:5d} kB {r.text.count('<tr'):5d} rows "
              f"{statistics.median(took) * 1e3:7.0f} ms")  # fmt: skip


def main() -> None:
    """Run the surge and print what it measured."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database", default="")
    parser.add_argument("--messages", type=int, default=2000)
    args = parser.parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="minyi-surge-"))
    url = args.database or f"sqlite:///{tmp / 'surge.db'}"
    database, key = _setup(url)
    settings = Settings(env="test", data_dir=tmp, database_url=url, secret_key=SECRET, processing="inline")
    with TestClient(create_app(settings, database)) as client:
        _intake(client, key, args.messages)
        _became(database)
        _pages(client)


if __name__ == "__main__":
    main()
