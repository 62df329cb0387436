"""Bulk import with processing: ``minyi import`` of N synthetic messages, rows/s and peak memory.

    python bench/bench_bulk_import.py --database postgresql://postgres@127.0.0.1:5432/minyi_bench_scale_bulk \\
        --rows 100000
    python bench/bench_bulk_import.py --database sqlite --rows 20000

The messages are made from the real texts of 附件2 and 附件4 (titles and bodies, cycled,
each with its own 留言编号 and user; never committed): a CSV with 附件2's headers is written
to a temporary directory, then imported into a fresh, migrated database by
:func:`minyi.flows.imports.import_messages`, exactly as ``minyi import`` does (a batch is
analysed, processed, and stored with its cases in one transaction; the next batches are
analysed meanwhile in forked workers, two side by side and one for the duplicate index,
unless ``--in-process``). Printed: wall time; the CPU time of this process, of its analysis
workers (together), and (PostgreSQL on this machine) of the database server's backends
that served the import; rows per second of each; and the peak resident memory of this
process and of the largest worker (the goal: flat, whatever N), and, every ``--sample``
rows, the resident memory at that moment of this process and of each live worker (the
curve: flat once the 30-day duplicate window is full).
"""

from __future__ import annotations

import argparse
import csv
import os
import resource
import sys
import tempfile
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))
sys.path.insert(0, str(Path(__file__).resolve().parent))

import openpyxl
from sqlalchemy import text

from bench_intake_load import SECRET, fresh_database
from minyi.db.session import Database
from minyi.flows.imports import import_messages

DATA = Path("/work/shared/data/tipdm2020_smart_gov/official")
FILES = ("附件2（测试数据）.xlsx", "附件4.xlsx")
HEADERS = ["留言编号", "留言用户", "留言主题", "留言时间", "留言详情"]


def texts() -> list[tuple[str, str]]:
    """(title, body) of every message in 附件2 and 附件4."""
    found: list[tuple[str, str]] = []
    for name in FILES:
        book = openpyxl.load_workbook(DATA / name, read_only=True)
        rows = book.active.iter_rows(values_only=True)  # type: ignore[union-attr]
        header = [str(cell) for cell in next(rows)]
        title, body = header.index("留言主题"), header.index("留言详情")
        found += [(str(row[title]), str(row[body]).strip()) for row in rows if row[title] and row[body]]
        book.close()
    return found


def synthetic_rows(count: int, per_day: int = 86_400) -> Iterator[list[str]]:
    """``count`` rows cycling through the real texts, each with its own id, user and time.

    ``per_day`` messages a day from 2019-01-01, evenly spaced (the default, one a second,
    gives the stamps of earlier runs). The duplicate index keeps the last 30 days, so a
    million messages at one a second (11.6 days) all stay in it; a city's real rate (a few
    thousand a day) lets it stay flat.
    """
    pool = texts()
    start = datetime(2019, 1, 1, tzinfo=UTC)  # only its wall-clock parts are written
    for n in range(count):
        title, body = pool[n % len(pool)]
        at = start + timedelta(seconds=n * 86_400 // per_day)
        stamp = f"{at.year}/{at.month}/{at.day} {at.hour}:{at.minute:02d}:{at.second:02d}"
        yield [str(n + 1), f"U{n % 50_000:07d}", title, stamp, body]


def write_csv(path: Path, count: int, per_day: int = 86_400) -> None:
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(HEADERS)
        writer.writerows(synthetic_rows(count, per_day))


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(
        "--database", default="sqlite", help="'sqlite' or a PostgreSQL URL (dropped and re-created)"
    )
    parser.add_argument("--rows", type=int, default=10_000)
    parser.add_argument("--batch", type=int, default=500, help="rows per batch (minyi import --batch-size)")
    parser.add_argument(
        "--in-process", action="store_true", help="run the text pipeline in this process (no worker)"
    )
    parser.add_argument(
        "--per-day",
        type=int,
        default=86_400,
        help="messages a day in the synthetic file (default one a second; a city gets a few thousand)",
    )
    parser.add_argument(
        "--sample", type=int, default=100_000, help="print resident memory every this many rows"
    )
    args = parser.parse_args()
    curve = MemoryCurve(args.sample)
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "messages.csv"
        write_csv(path, args.rows, args.per_day)
        url = fresh_database(args.database, Path(tmp))
        database = Database(url)
        before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        children = resource.getrusage(resource.RUSAGE_CHILDREN)
        cpu, wall = time.process_time(), time.perf_counter()
        curve.started = wall
        report = import_messages(
            database,
            path,
            key=SECRET,
            batch_size=args.batch,
            parallel=False if args.in_process else None,
            progress=curve.progress,
        )
        cpu, wall = time.process_time() - cpu, time.perf_counter() - wall
        worker = resource.getrusage(resource.RUSAGE_CHILDREN)
        worker_cpu = worker.ru_utime + worker.ru_stime - children.ru_utime - children.ru_stime
        server_cpu = backend_cpu(database)
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        database.engine.dispose()
    kind = "PostgreSQL" if url.startswith("postgresql") else "SQLite"
    rows = report.imported
    print(
        f"{kind}: imported {rows} of {args.rows} rows (failed processing {report.failed_processing}) "
        f"in batches of {args.batch}"
    )
    print(f"  wall {wall:.1f} s = {rows / wall:.0f} rows/s")
    total = cpu + worker_cpu + (server_cpu or 0.0)
    print(
        f"  CPU: this process {cpu:.1f} s ({rows / cpu:.0f} rows per CPU-second), analysis workers "
        f"{worker_cpu:.1f} s, database backends "
        + (f"{server_cpu:.1f} s" if server_cpu is not None else "not measured")
        + f"; all together {total:.1f} s = {rows / total:.0f} rows per CPU-second"
    )
    print(
        f"  peak resident memory {peak / 1024:.0f} MB (before the import {before / 1024:.0f} MB), "
        f"largest analysis worker {worker.ru_maxrss / 1024:.0f} MB"
    )
    curve.show()


class MemoryCurve:
    """Resident memory now (not peak) of this process and its live workers, every N rows.

    A peak cannot show that memory stays flat over a million rows; samples along the way
    can. Read from /proc (Linux), so no extra package.
    """

    def __init__(self, every: int) -> None:
        self.every, self.next = every, every
        self.started = time.perf_counter()
        self.samples: list[tuple[int, float, int, list[int]]] = []

    def progress(self, done: int) -> None:
        if done < self.next:
            return
        self.next = (done // self.every + 1) * self.every
        workers = [rss_mb(pid) for pid in child_pids()]
        elapsed = time.perf_counter() - self.started
        self.samples.append((done, elapsed, rss_mb(os.getpid()), sorted(workers, reverse=True)))

    def show(self) -> None:
        if not self.samples:
            return
        print("  resident memory now (MB), every", self.every, "rows: rows, s, this process, workers")
        for done, elapsed, own, workers in self.samples:
            print(f"    {done:>9,} {elapsed:7.0f} s {own:5d}  {' '.join(str(w) for w in workers)}")


def child_pids() -> list[int]:
    """Live child processes of this one (the analysis workers), from /proc."""
    found: list[int] = []
    for task in Path("/proc/self/task").iterdir():
        try:
            found += [int(pid) for pid in (task / "children").read_text().split()]
        except OSError:
            continue
    return found


def rss_mb(pid: int) -> int:
    """Resident memory of ``pid`` now, in MB (0 when it has gone)."""
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) // 1024
    except OSError:
        pass
    return 0


def backend_cpu(database: Database) -> float | None:
    """CPU seconds of the PostgreSQL backends connected to the import's database (from /proc).

    The import's pooled connections are still open here, so their backends' whole CPU
    time is the database's share of the import (plus these few queries). None for SQLite,
    or when the server is not on this machine.
    """
    if database.engine.dialect.name != "postgresql":
        return None
    with database.engine.connect() as conn:
        pids = list(conn.scalars(text("SELECT pid FROM pg_stat_activity WHERE datname = current_database()")))
    tick = os.sysconf("SC_CLK_TCK")
    total = 0.0
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            return None
        total += (int(fields[11]) + int(fields[12])) / tick  # utime, stime
    return total


if __name__ == "__main__":
    main()
