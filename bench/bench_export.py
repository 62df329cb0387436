"""Export speed and memory: ``minyi export`` (flows.export) over generated cases.

Generates N cases (default 100 000; one message each, every tenth a second one; three events
each; a reply for every other case) in a SQLite file by bulk inserts, then exports them as
CSV, XLSX and JSONL, masked and (CSV) full, each in a child process, and prints per run:
cases/s, message rows/s, the file size, and the child's resident memory (RSS) sampled every
50 ms — after the first 5 000 cases and at its peak: a flat export has the two close.

    .venv/bin/python bench/bench_export.py [--cases 100000] [--db /tmp/bench_export.db]
"""

from __future__ import annotations

import argparse
import multiprocessing
import os
import sys
import threading
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))

from sqlalchemy import func, insert, select

from minyi.cases.models import Case, CaseEvent, Reply
from minyi.db.base import new_id
from minyi.db.session import Database
from minyi.departments.models import Department
from minyi.flows import export as flow
from minyi.intake.models import Message
from minyi.schema.migrate import upgrade

CHUNK = 5000
PAGE = os.sysconf("SC_PAGE_SIZE")


def rss_mb() -> float:
    """This process's resident memory, in MB."""
    with open("/proc/self/statm") as statm:  # noqa: PTH123 - a procfs file
        return int(statm.read().split()[1]) * PAGE / 1e6


def generate(database: Database, n: int) -> None:
    """N cases with their messages, events and replies, in bulk."""
    start = datetime(2026, 1, 1, tzinfo=UTC)
    with database.session() as session:
        departments = [new_id() for _ in range(20)]
        session.execute(
            insert(Department),
            [{"id": d, "code": f"B{i:02d}", "name": f"部门{i}"} for i, d in enumerate(departments)],
        )
        for base in range(0, n, CHUNK):
            cases, messages, events, replies = [], [], [], []
            for i in range(base, min(base + CHUNK, n)):
                at = start + timedelta(minutes=i)
                case_id = new_id()
                cases.append(
                    {
                        "id": case_id,
                        "number": f"B{i:09d}",
                        "title": f"小区路灯损坏第{i}号",
                        "status": "replied" if i % 2 else "dispatched",
                        "department_id": departments[i % 20],
                        "created_at": at,
                        "updated_at": at,
                        "replied_at": at if i % 2 else None,
                    }
                )
                for m in range(1 + (i % 10 == 0)):
                    messages.append(  # noqa: PERF401 - one dict per row, readable
                        {
                            "id": new_id(),
                            "channel": "web",
                            "source": "",
                            "title": f"路灯损坏{i}-{m}",
                            "body": f"我叫王小明，电话13812345678，人民路{i}号门口路灯坏了两周，请尽快维修。",
                            "address": f"A市人民路{i}号",
                            "received_at": at,
                            "tracking_code": f"T{i:09d}{m}",
                            "tracking_secret_hash": "x" * 64,
                            "state": "processed",
                            "case_id": case_id,
                        }
                    )
                for action in ("received", "accepted", "dispatched"):
                    events.append(  # noqa: PERF401 - one dict per row, readable
                        {
                            "id": new_id(),
                            "case_id": case_id,
                            "actor": "system",
                            "action": action,
                            "created_at": at,
                        }
                    )
                if i % 2:
                    replies.append(
                        {
                            "id": new_id(),
                            "case_id": case_id,
                            "body": "您好，已安排维修，联系电话0731-88001200。",
                            "created_at": at,
                        }
                    )
            session.execute(insert(Case), cases)
            session.execute(insert(Message), messages)
            session.execute(insert(CaseEvent), events)
            session.execute(insert(Reply), replies)
            session.commit()


def run(url: str, fmt: str, full: bool, out: str, queue: multiprocessing.Queue) -> None:  # type: ignore[type-arg]
    """One export in a child process; puts its numbers on ``queue``."""
    samples: list[float] = []
    done = threading.Event()

    def sample() -> None:
        while not done.is_set():
            samples.append(rss_mb())
            time.sleep(0.05)

    database = Database(url)
    early: list[float] = []
    original = flow.iter_cases

    def watched(*args, **kwargs):  # type: ignore[no-untyped-def]
        for count, cases in enumerate(original(*args, **kwargs), start=1):
            if count * flow.BATCH_CASES == 5 * flow.BATCH_CASES:
                early.append(rss_mb())
            yield cases

    flow.iter_cases = watched  # type: ignore[assignment]
    thread = threading.Thread(target=sample, daemon=True)
    thread.start()
    started = time.perf_counter()
    with database.session() as session, open(out, "wb") as handle:  # noqa: PTH123
        plan = flow.plan_export(session, None, flow.ExportFilters(), full=full)
        cases = flow.write_export(session, plan, handle, flow.ExportFormat(fmt))
        rows = session.scalar(select(func.count()).select_from(Message))
    elapsed = time.perf_counter() - started
    done.set()
    queue.put((cases, rows, elapsed, early[0] if early else 0.0, max(samples), Path(out).stat().st_size))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", type=int, default=100_000)
    parser.add_argument("--db", default="/tmp/bench_export.db")  # noqa: S108 - a bench's scratch file
    args = parser.parse_args()
    path = Path(args.db)
    url = f"sqlite:///{path}"
    database = Database(url)
    if not path.exists() or database.session().scalar(select(func.count()).select_from(Case)) != args.cases:
        path.unlink(missing_ok=True)
        database = Database(url)
        upgrade(database.engine)
        started = time.perf_counter()
        generate(database, args.cases)
        print(f"generated {args.cases} cases in {time.perf_counter() - started:.1f}s")
    context = multiprocessing.get_context("spawn")
    print(
        f"{'run':<12} {'cases/s':>9} {'rows/s':>9} {'seconds':>8} {'MB file':>8} {'RSS@5k':>8} {'RSS peak':>9}"
    )
    for fmt, full in (("csv", False), ("csv", True), ("jsonl", False), ("xlsx", False)):
        queue = context.Queue()
        out = f"{path}.{'full.' if full else ''}{fmt}"
        child = context.Process(target=run, args=(url, fmt, full, out, queue))
        child.start()
        cases, rows, elapsed, early, peak, size = queue.get()
        child.join()
        name = f"{fmt}{' full' if full else ''}"
        print(
            f"{name:<12} {cases / elapsed:>9.0f} {rows / elapsed:>9.0f} {elapsed:>8.1f} "
            f"{size / 1e6:>8.1f} {early:>8.0f} {peak:>9.0f}"
        )


if __name__ == "__main__":
    main()
