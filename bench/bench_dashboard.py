"""The public dashboard at 1M cases on PostgreSQL: refresh time, page and JSON latency.

1. Creates the database ``minyi_bench_dashboard`` afresh (``--url``), migrates it, and
   bulk-loads synthetic cases with COPY: 40 departments, 12 top-level categories (36
   leaves), 16 regions, 36 months; each case has its message, its events (received →
   accepted → dispatched → signed → replied → closed, as far as it went) and, for half of
   the answered ones, a follow-up rating. Ids are UUIDv7 of the historical times, as if the
   cases had been handled then. The last two months hold the open cases.
2. Times ``minyi stats refresh --full`` (the 1M cases counted, the roll-ups written), then an
   incremental refresh (the months of open cases only).
3. Times ``/public/dashboard`` (default, one department, one department and one region),
   ``/api/v1/public/scorecard`` and ``/public/data/scorecard.csv?by=department`` through the
   ASGI app (Starlette's TestClient: the whole stack, no network), p50 and p95 over
   ``--requests`` requests each after one warm-up.

Run: ``python bench/bench_dashboard.py [--cases 1000000] [--requests 40] [--keep]``
(``--keep`` reuses a loaded database and only refreshes and times; ``--keep --no-refresh``
only times the pages).
"""

from __future__ import annotations

import argparse
import io
import os
import random
import statistics
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlalchemy import create_engine, make_url, text

from minyi.accountability.refresh import refresh
from minyi.db.session import Database
from minyi.schema import migrate
from minyi.server.app import create_app
from minyi.settings import Settings

DEFAULT_URL = "postgresql://postgres@127.0.0.1:5432/minyi_bench_dashboard"
MONTHS = 36
FIRST = datetime(2023, 1, 1, tzinfo=UTC)
DEPARTMENTS, TOPS, REGIONS = 40, 12, 16
CHUNK = 50_000


def uuid7(moment: datetime, rng: random.Random) -> str:
    """A UUIDv7 string for ``moment`` (random low bits): sorts by time like minyi.db.base.new_id."""
    millis = int(moment.timestamp() * 1000)
    value = (millis << 80) | (0x7 << 76) | (rng.getrandbits(12) << 64) | (0b10 << 62) | rng.getrandbits(62)
    hexed = f"{value:032x}"
    return f"{hexed[:8]}-{hexed[8:12]}-{hexed[12:16]}-{hexed[16:20]}-{hexed[20:]}"


def iso(moment: datetime | None) -> str:
    return "\\N" if moment is None else moment.isoformat()


def fresh(url: str) -> None:
    sa_url = make_url(url.replace("postgresql://", "postgresql+psycopg://", 1))
    admin = create_engine(sa_url.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{sa_url.database}" WITH (FORCE)'))
        conn.execute(text(f'CREATE DATABASE "{sa_url.database}"'))
    admin.dispose()


class Loader:
    """Builds the COPY text of every table, chunk by chunk."""

    def __init__(self, database: Database, rng: random.Random) -> None:
        self.database, self.rng = database, rng
        self.buffers: dict[str, io.StringIO] = {}
        self.counts: dict[str, int] = {}
        self.columns = {
            "cases": "id,number,title,status,category_id,department_id,is_public,accepted_at,due_at,replied_at,"
            "closed_at,created_at,updated_at,supervised,reopened_count,urgent",
            "messages": "id,channel,source,title,body,language,received_at,region,likes,dislikes,reposts,"
            "replies_count,is_public,tracking_code,tracking_secret_hash,state,case_id",
            "case_events": "id,case_id,actor,action,from_status,to_status,payload,created_at",
            "case_ratings": "id,case_id,satisfaction,solved,created_at",
        }

    def row(self, table: str, values: list[str]) -> None:
        self.buffers.setdefault(table, io.StringIO()).write("\t".join(values) + "\n")
        self.counts[table] = self.counts.get(table, 0) + 1

    def flush(self) -> None:
        raw = self.database.engine.raw_connection()
        try:
            cursor = raw.cursor()
            cursor.execute("SET session_replication_role = replica")  # no FK checks while loading
            for table in ("cases", "messages", "case_events", "case_ratings"):
                buffer = self.buffers.pop(table, None)
                if buffer is None:
                    continue
                with cursor.copy(f"COPY {table} ({self.columns[table]}) FROM STDIN") as copy:  # type: ignore[attr-defined]
                    copy.write(buffer.getvalue())
            raw.commit()
        finally:
            raw.close()


def reference_rows(database: Database) -> tuple[list[str], list[tuple[str, str]]]:
    """Departments and categories (each top category routed to a department); their ids."""
    now = datetime.now(UTC).isoformat()
    departments = [f"00000000-0000-7000-8000-{index:012d}" for index in range(DEPARTMENTS)]
    leaves: list[tuple[str, str]] = []  # (leaf id, department id)
    with database.engine.begin() as conn:
        for index, ident in enumerate(departments):
            conn.execute(
                text("INSERT INTO departments (id, code, name, name_en, created_at, updated_at) "
                     "VALUES (:i, :c, :n, :e, :t, :t)"),
                {"i": ident, "c": f"B{index:03d}", "n": f"第{index + 1}局", "e": f"Bureau {index + 1}", "t": now},
            )  # fmt: skip
        for top in range(TOPS):
            top_id = f"00000000-0000-7000-8001-{top:012d}"
            conn.execute(
                text("INSERT INTO categories (id, name, level, path, created_at, updated_at) "
                     "VALUES (:i, :n, 1, :n, :t, :t)"),
                {"i": top_id, "n": f"类别{top + 1}", "t": now},
            )  # fmt: skip
            for leaf in range(3):
                leaf_id = f"00000000-0000-7000-8002-{top * 3 + leaf:012d}"
                department = departments[(top * 3 + leaf) % DEPARTMENTS]
                conn.execute(
                    text("INSERT INTO categories (id, name, level, path, parent_id, default_department_id, "
                         "created_at, updated_at) VALUES (:i, :n, 2, :p, :top, :d, :t, :t)"),
                    {"i": leaf_id, "n": f"子类{leaf + 1}", "p": f"类别{top + 1} / 子类{leaf + 1}", "top": top_id,
                     "d": department, "t": now},
                )  # fmt: skip
                leaves.append((leaf_id, department))
    return departments, leaves


def one_case(loader: Loader, index: int, leaves: list[tuple[str, str]], departments: list[str]) -> None:
    rng = loader.rng
    month = index % MONTHS
    start = FIRST.replace(year=FIRST.year + month // 12, month=month % 12 + 1)
    arrival = start + timedelta(days=rng.randrange(28), seconds=rng.randrange(86_400))
    recent = month >= MONTHS - 2
    roll = rng.random()
    if recent and roll < 0.25:
        stage = "received" if roll < 0.08 else "dispatched"
    elif recent and roll < 0.40:
        stage = "replied"
    else:
        stage = "closed"
    leaf, department = leaves[rng.randrange(len(leaves))]
    if rng.random() < 0.3:
        department = departments[rng.randrange(len(departments))]
    case_id = uuid7(arrival, rng)
    region = f"A市A{rng.randrange(REGIONS) + 1}区"
    events: list[tuple[datetime, str, str, str, str]] = [(arrival, "received", "\\N", "received", "system")]
    accepted = dispatched = signed = replied = closed = due = None
    if stage != "received":
        accepted = arrival + timedelta(minutes=rng.randrange(1, 30))
        dispatched = accepted + timedelta(minutes=rng.randrange(1, 180))
        due = accepted + timedelta(days=21)
        events += [(accepted, "accepted", "received", "accepted", "system"),
                   (dispatched, "dispatched", "accepted", "dispatched", "system")]  # fmt: skip
    if stage in {"replied", "closed"}:
        assert dispatched is not None
        signed = dispatched + timedelta(hours=rng.expovariate(1 / 10))
        replied = signed + timedelta(hours=rng.lognormvariate(4.2, 0.9))
        events += [(signed, "status", "dispatched", "signed", "user:staff"),
                   (replied, "replied", "signed", "replied", "user:staff")]  # fmt: skip
    if stage == "closed":
        assert replied is not None
        closed = replied + timedelta(days=rng.randrange(1, 8))
        events.append((closed, "status", "replied", "closed", "user:disp"))
    reopened = int(stage == "closed" and rng.random() < 0.03)
    status = {"received": "received", "dispatched": "dispatched", "replied": "replied", "closed": "closed"}[
        stage
    ]
    loader.row("cases", [
        case_id, f"{arrival:%Y%m%d}-{index:08d}", f"留言{index}", status, leaf,
        department if stage != "received" else "\\N", "f", iso(accepted), iso(due), iso(replied), iso(closed),
        iso(arrival), iso(closed or replied or arrival), "f", str(reopened), "f",
    ])  # fmt: skip
    loader.row("messages", [
        uuid7(arrival, rng), "import", "bench", f"留言{index}", "内容", "zh", iso(arrival), region,
        "0", "0", "0", "0", "f", f"B{index:010d}", "0" * 64, "processed", case_id,
    ])  # fmt: skip
    for moment, action, before, after, actor in events:
        loader.row(
            "case_events", [uuid7(moment, rng), case_id, actor, action, before, after, "{}", iso(moment)]
        )
    if closed is not None and rng.random() < 0.5:
        verdict = rng.choices(["satisfied", "basically_satisfied", "unsatisfied"], [70, 20, 10])[0]
        solved = "t" if rng.random() < 0.8 else "f"
        loader.row("case_ratings", [uuid7(closed, rng), case_id, verdict, solved, iso(closed)])


def load(database: Database, cases: int, seed: int) -> float:
    rng = random.Random(seed)
    started = time.perf_counter()
    departments, leaves = reference_rows(database)
    loader = Loader(database, rng)
    for index in range(cases):
        one_case(loader, index, leaves, departments)
        if (index + 1) % CHUNK == 0:
            loader.flush()
            print(f"  loaded {index + 1:,} cases ({time.perf_counter() - started:.0f} s)", file=sys.stderr)
    loader.flush()
    with database.engine.connect() as conn:
        conn.execution_options(isolation_level="AUTOCOMMIT").execute(text("ANALYZE"))
    return time.perf_counter() - started


def timed(client: object, url: str, repeat: int) -> tuple[float, float, float, int]:
    """p50 and p95 wall time (ms), p50 CPU time of this process (ms: the app and the client), bytes."""
    get = client.get  # type: ignore[attr-defined]
    response = get(url)  # warm-up
    assert response.status_code == 200, (url, response.status_code, response.text[:300])
    samples, cpu = [], []
    for _ in range(repeat):
        began, began_cpu = time.perf_counter(), time.process_time()
        response = get(url)
        samples.append((time.perf_counter() - began) * 1000)
        cpu.append((time.process_time() - began_cpu) * 1000)
        assert response.status_code == 200
    samples.sort()
    return (
        statistics.median(samples),
        samples[int(0.95 * (len(samples) - 1))],
        statistics.median(cpu),
        len(response.content),
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--url", default=os.environ.get("MINYI_BENCH_DATABASE_URL", DEFAULT_URL))
    parser.add_argument("--cases", type=int, default=1_000_000)
    parser.add_argument("--requests", type=int, default=40)
    parser.add_argument("--seed", type=int, default=14)
    parser.add_argument("--keep", action="store_true", help="reuse the loaded database")
    parser.add_argument("--no-refresh", action="store_true", help="with --keep: time the pages only")
    args = parser.parse_args()
    if not args.keep:
        fresh(args.url)
    settings = Settings(env="test", database_url=args.url, secret_key="b" * 40, processing="inline",
                        data_dir=Path(tempfile.gettempdir()) / "minyi-bench-dashboard", issue_tracking=False)  # fmt: skip
    database = Database(settings.effective_database_url)
    migrate.upgrade(database.engine)
    if not args.keep:
        seconds = load(database, args.cases, args.seed)
        print(f"loaded {args.cases:,} cases (messages, events, ratings) with COPY in {seconds:.1f} s")
    with database.engine.connect() as conn:
        counts = {
            t: conn.execute(text(f"SELECT count(*) FROM {t}")).scalar()  # noqa: S608 - fixed names
            for t in ("cases", "case_events", "case_ratings")
        }
    print("rows:", ", ".join(f"{name} {count:,}" for name, count in counts.items()))
    for full in () if args.no_refresh else (True, False):
        began = time.perf_counter()
        with database.transaction() as session:
            report = refresh(session, full=full)
        elapsed = time.perf_counter() - began
        kind = "full" if full else "incremental"
        print(
            f"refresh {kind}: {elapsed:.1f} s — {len(report.months)} months, {report.cases:,} cases, {report.cells:,} rows"
        )
    with database.engine.connect() as conn:
        department, region = conn.execute(
            text(
                "SELECT department_id, region FROM scorecard_cells WHERE level = 3 AND department_id <> '' ORDER BY cases DESC LIMIT 1"
            )
        ).one()
    from fastapi.testclient import TestClient

    client = TestClient(create_app(settings, database))
    urls = [
        "/public/dashboard",
        f"/public/dashboard?department={department}",
        f"/public/dashboard?department={department}&region={region}&start=2023-01&end=2025-12",
        "/public/dashboard?lang=en&rank=satisfaction_rate",
        "/api/v1/public/scorecard",
        "/public/data/scorecard.csv?by=department",
    ]
    print(f"load average {os.getloadavg()[0]:.1f}")
    print(f"{'url':<72} {'p50 ms':>8} {'p95 ms':>8} {'CPU ms':>8} {'bytes':>9}")
    for url in urls:
        p50, p95, cpu, size = timed(client, url, args.requests)
        shown = url if len(url) < 70 else url[:67] + "…"
        print(f"{shown:<72} {p50:8.1f} {p95:8.1f} {cpu:8.1f} {size:9,}")


if __name__ == "__main__":
    main()
