"""Open-loop load on ``POST /api/v1/messages`` against a real ``minyi serve``, and the workers' cost.

    python bench/bench_intake_load.py --database postgresql://postgres@127.0.0.1:5432/minyi_bench \\
        --rate 200 --seconds 60
    python bench/bench_intake_load.py --database sqlite --rate 50 --seconds 60
    python bench/bench_intake_load.py --database postgresql://… --worker-cost 2000

*Load*: one server process (background processing, one worker thread) on a fresh
database; requests are sent on a fixed schedule (open loop: a slow answer does not slow
the sender down, so queueing shows in the latencies), each with its own body and
``Idempotency-Key``. Printed: answers per status, p50/p95/p99/max latency, and how long
the backlog of stored-but-unprocessed messages takes to drain after the load stops.

*Worker cost*: messages are stored first, then processed by
:func:`minyi.flows.workers.process_ids` in this process, in batches; printed is the CPU
time per message (``time.process_time``), the number to compare with the 4 ms goal.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx
from sqlalchemy import create_engine, func, make_url, select, text

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))

from minyi.analysis.provider import PipelineProvider
from minyi.db.session import Database
from minyi.flows import workers
from minyi.intake import services as intake
from minyi.intake.models import Message, ProcessingState
from minyi.intake.schemas import MessageIn
from minyi.schema import migrate
from minyi.settings import Settings

SECRET = "bench-secret-key-0123456789-abcdefghijklmnop"  # noqa: S105 - a throwaway database
PLACES = [
    "丽发新城",
    "锦绣家园",
    "滨江新城",
    "人民路",
    "解放西路",
    "东塘",
    "南湖路",
    "芙蓉区",
    "岳麓区",
    "雨花区",
]
PROBLEMS = [
    "路灯不亮",
    "井盖缺失",
    "噪音扰民",
    "道路积水",
    "垃圾清运不及时",
    "违章停车",
    "供暖不足",
    "物业乱收费",
    "电梯故障",
    "油烟扰民",
]


def _body(n: int) -> dict[str, object]:
    place, problem = PLACES[n % len(PLACES)], PROBLEMS[(n // len(PLACES)) % len(PROBLEMS)]
    return {
        "title": f"{place}{problem}",
        "body": f"{place}第{n % 97}栋附近{problem}，已经{n % 13 + 1}天了，请尽快处理。编号{n}。",
        "region": "A市",
    }


def fresh_database(spec: str, tmp: Path) -> str:
    """A migrated, empty database: ``sqlite`` (a file in ``tmp``) or a PostgreSQL URL (re-created)."""
    if spec == "sqlite":
        url = f"sqlite:///{tmp / 'bench.db'}"
    else:
        url = spec
        sa_url = make_url(url.replace("postgresql://", "postgresql+psycopg://", 1))
        admin = create_engine(sa_url.set(database="postgres"), isolation_level="AUTOCOMMIT")
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{sa_url.database}" WITH (FORCE)'))
            conn.execute(text(f'CREATE DATABASE "{sa_url.database}"'))
        admin.dispose()
    database = Database(url)
    migrate.upgrade(database.engine)
    database.engine.dispose()
    return url


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def start_server(url: str, tmp: Path, threads: int, web: int = 1) -> tuple[subprocess.Popen[bytes], str]:
    port = _free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("MINYI_")} | {
        "MINYI_ENV": "test",
        "MINYI_DATABASE_URL": url,
        "MINYI_DATA_DIR": str(tmp),
        "MINYI_SECRET_KEY": SECRET,
        "MINYI_PROCESSING": "background",
        "MINYI_PROCESSING_THREADS": str(threads),
        "MINYI_LOG_LEVEL": "WARNING",
    }
    command = [sys.executable, "-c", "from minyi.cli.main import cli; cli()", "serve", "--port", str(port)]
    command += ["--workers", str(web)]
    process = subprocess.Popen(command, env=env, start_new_session=True)  # noqa: S603
    base = f"http://127.0.0.1:{port}"
    for _ in range(300):
        try:
            if httpx.get(f"{base}/healthz", timeout=1).status_code == 200:
                return process, base
        except httpx.TransportError:
            time.sleep(0.2)
    process.kill()
    raise SystemExit("the server did not start")


async def open_loop(base: str, rate: float, seconds: float) -> tuple[list[float], dict[int, int]]:
    latencies: list[float] = []
    statuses: dict[int, int] = {}
    limits = httpx.Limits(max_connections=512, max_keepalive_connections=512)
    async with httpx.AsyncClient(timeout=30, limits=limits) as client:

        async def one(n: int) -> None:
            started = time.perf_counter()
            try:
                answer = await client.post(
                    f"{base}/api/v1/messages", json=_body(n), headers={"Idempotency-Key": f"bench-{n}"}
                )
                code = answer.status_code
            except httpx.HTTPError:
                code = 0
            latencies.append(time.perf_counter() - started)
            statuses[code] = statuses.get(code, 0) + 1

        tasks = []
        start = time.perf_counter()
        for n in range(int(rate * seconds)):
            delay = start + n / rate - time.perf_counter()
            if delay > 0:
                await asyncio.sleep(delay)
            tasks.append(asyncio.create_task(one(n)))
        await asyncio.gather(*tasks)
    return latencies, statuses


def waiting(url: str) -> int:
    database = Database(url)
    with database.session() as session:
        count = session.scalar(
            select(func.count()).select_from(Message).where(Message.state == ProcessingState.RECEIVED)
        )
    database.engine.dispose()
    return int(count or 0)


def run_load(args: argparse.Namespace, tmp: Path) -> None:
    url = fresh_database(args.database, tmp)
    process, base = start_server(url, tmp, args.threads, args.web)
    try:
        latencies, statuses = asyncio.run(open_loop(base, args.rate, args.seconds))
        stopped = time.perf_counter()
        left = waiting(url)
        while left and time.perf_counter() - stopped < args.drain_limit:
            time.sleep(0.5)
            left = waiting(url)
        drain = time.perf_counter() - stopped
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        process.wait(30)
    ms = sorted(1000 * x for x in latencies)
    pct = statistics.quantiles(ms, n=100)
    errors = sum(n for code, n in statuses.items() if code not in {200, 201})
    kind = "PostgreSQL" if url.startswith("postgresql") else "SQLite"
    print(
        f"{kind}, {args.web} server process(es): {args.rate:g} req/s for {args.seconds:g} s, "
        f"{len(ms)} requests, statuses {statuses}"
    )
    print(f"  latency ms: p50 {pct[49]:.1f}  p95 {pct[94]:.1f}  p99 {pct[98]:.1f}  max {ms[-1]:.1f}")
    print(
        f"  errors: {errors}   backlog left at the end of the load drained in {drain:.1f} s ({left} still waiting)"
    )


def run_worker_cost(args: argparse.Namespace, tmp: Path) -> None:
    url = fresh_database(args.database, tmp)
    database = Database(url)
    with database.session() as session:
        ids = [
            intake.accept(session, MessageIn.model_validate(_body(n)), channel="api", key=SECRET).message.id
            for n in range(args.worker_cost)
        ]
        session.commit()
    context = workers.ProcessingContext(database, PipelineProvider(Settings()))
    with database.session() as session:
        context.pipelines.get(session)  # built before the clock starts
    cpu, wall = time.process_time(), time.perf_counter()
    for i in range(0, len(ids), args.batch):
        workers.process_ids(context, ids[i : i + args.batch])
    cpu, wall = time.process_time() - cpu, time.perf_counter() - wall
    kind = "PostgreSQL" if url.startswith("postgresql") else "SQLite"
    print(
        f"{kind}: worker processed {len(ids)} messages in batches of {args.batch}: "
        f"{1000 * cpu / len(ids):.2f} ms CPU and {1000 * wall / len(ids):.2f} ms wall per message"
    )
    database.engine.dispose()


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(
        "--database", default="sqlite", help="'sqlite' or a PostgreSQL URL (dropped and re-created)"
    )
    parser.add_argument("--rate", type=float, default=50.0, help="requests per second")
    parser.add_argument("--seconds", type=float, default=60.0)
    parser.add_argument("--threads", type=int, default=1, help="worker threads in each server process")
    parser.add_argument("--web", type=int, default=1, help="server processes (minyi serve --workers)")
    parser.add_argument("--drain-limit", type=float, default=300.0)
    parser.add_argument(
        "--worker-cost", type=int, default=0, help="measure the worker's cost on N messages instead"
    )
    parser.add_argument("--batch", type=int, default=32)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        if args.worker_cost:
            run_worker_cost(args, Path(tmp))
        else:
            run_load(args, Path(tmp))


if __name__ == "__main__":
    main()
