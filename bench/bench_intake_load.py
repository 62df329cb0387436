"""Open-loop load on ``POST /api/v1/messages`` against a real ``minyi serve``, and the workers' cost.

    python bench/bench_intake_load.py --database postgresql://postgres@127.0.0.1:5432/minyi_bench \\
        --rate 200 --seconds 60
    python bench/bench_intake_load.py --database postgresql://… --rate 200 --web 2 --nats-workers 2
    python bench/bench_intake_load.py --database sqlite --rate 50 --seconds 60
    python bench/bench_intake_load.py --database postgresql://… --worker-cost 2000

*Load*: ``--web N`` server processes on a fresh database, processing either in worker
threads inside them (the default) or, with ``--nats-workers M``, in M ``minyi worker``
processes fed by NATS JetStream (a stream of the bench's own) and started under ``nice``
so that acknowledging wins over processing during the burst; requests are sent on a fixed schedule (open loop: a slow answer does not slow
the sender down, so queueing shows in the latencies), each with its own body and
``Idempotency-Key``. Printed: answers per status, p50/p95/p99/max latency, and how long
the backlog of stored-but-unprocessed messages takes to drain after the load stops.

*Request cost* (``--request-cost N``): N requests through the real ASGI application in
this process, processing handed off (as with ``MINYI_PROCESSING=nats``); printed is the
CPU per acknowledged request, the number that decides how many requests a second a core
answers.

*Worker cost*: messages are stored first, then processed by
:func:`minyi.flows.workers.process_ids` in this process, in batches; printed is the CPU
time per message (``time.process_time``), the number to compare with the 4 ms goal.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Awaitable, Callable
from pathlib import Path

import httpx
from sqlalchemy import create_engine, func, make_url, select, text

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))

from minyi.accounts import client_keys
from minyi.analysis.provider import PipelineProvider
from minyi.db.session import Database
from minyi.flows import workers
from minyi.intake import services as intake
from minyi.intake.models import Message, ProcessingState
from minyi.intake.schemas import MessageIn
from minyi.issues.online import IssueTracker
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


def _environment(url: str, tmp: Path, threads: int, stream: str | None) -> dict[str, str]:
    """The settings of the bench's processes: background threads, or NATS when ``stream`` is given."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("MINYI_")} | {
        "MINYI_ENV": "test",
        "MINYI_DATABASE_URL": url,
        "MINYI_DATA_DIR": str(tmp),
        "MINYI_SECRET_KEY": SECRET,
        "MINYI_PROCESSING": "background",
        "MINYI_PROCESSING_THREADS": str(threads),
        "MINYI_LOG_LEVEL": "WARNING",
    }
    if stream is not None:
        env |= {"MINYI_PROCESSING": "nats", "MINYI_NATS_STREAM": stream}
    return env


def start_server(
    url: str, tmp: Path, threads: int, web: int = 1, stream: str | None = None
) -> tuple[subprocess.Popen[bytes], str]:
    port = _free_port()
    env = _environment(url, tmp, threads, stream)
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


def start_workers(url: str, tmp: Path, count: int, stream: str, nice: int) -> list[subprocess.Popen[bytes]]:
    """``count`` ``minyi worker`` processes on ``stream``, at a lower CPU priority (``nice``).

    Niced, they yield the cores to the web processes during a burst (acknowledging wins)
    and process the backlog when it is over.
    """
    env = _environment(url, tmp, 1, stream)
    command = [
        "nice",
        "-n",
        str(nice),
        sys.executable,
        "-c",
        "from minyi.cli.main import cli; cli()",
        "worker",
    ]
    return [
        subprocess.Popen(command, env=env, start_new_session=True)  # noqa: S603
        for _ in range(count)
    ]


_NO_ANSWER = -1  # the connection closed before a status line


class _Client:
    """A lean HTTP/1.1 client: keep-alive connections to one server, opened when none is free.

    httpx spent about 4 ms of CPU a request at 200 requests a second (its pool scans every
    connection for each request), more than the server it measured, on the same two cores:
    the bench measured its own client. This one writes the request and reads the status,
    the headers and a ``Content-Length`` body, nothing else.
    """

    def __init__(self, base: str, timeout: float) -> None:
        host, port = base.removeprefix("http://").rsplit(":", 1)
        self.host, self.port, self.timeout = host, int(port), timeout
        self.free: list[tuple[asyncio.StreamReader, asyncio.StreamWriter]] = []
        self.retried = 0

    async def post(self, path: str, body: bytes, headers: dict[str, str]) -> int:
        """The status of ``POST path``; 0 when the connection failed or the answer took too long.

        A kept-alive connection the server closed while it was idle (its keep-alive timeout)
        gives no status line at all; the request is then sent once more on a new connection,
        as HTTP clients do (the ``Idempotency-Key`` makes a repeat safe).
        """
        reused = self.free.pop() if self.free else None
        if reused is not None:
            code = await self._post_on(reused, path, body, headers)
            if code != _NO_ANSWER:
                return code
            self.retried += 1
        code = await self._post_on(None, path, body, headers)
        return 0 if code == _NO_ANSWER else code

    async def _post_on(
        self,
        connection: tuple[asyncio.StreamReader, asyncio.StreamWriter] | None,
        path: str,
        body: bytes,
        headers: dict[str, str],
    ) -> int:
        try:
            if connection is None:
                connection = await asyncio.open_connection(self.host, self.port)
            code, keep = await asyncio.wait_for(self._exchange(connection, path, body, headers), self.timeout)
        except (ConnectionResetError, BrokenPipeError, IndexError):
            code, keep = _NO_ANSWER, False  # closed before any answer
        except (OSError, TimeoutError, asyncio.IncompleteReadError, ValueError):
            code, keep = 0, False
        if keep and connection is not None:
            self.free.append(connection)
        elif connection is not None:
            connection[1].close()
        return code

    async def _exchange(
        self,
        connection: tuple[asyncio.StreamReader, asyncio.StreamWriter],
        path: str,
        body: bytes,
        headers: dict[str, str],
    ) -> tuple[int, bool]:
        reader, writer = connection
        lines = [f"POST {path} HTTP/1.1", f"Host: {self.host}:{self.port}", f"Content-Length: {len(body)}"]
        lines += [f"{name}: {value}" for name, value in headers.items()]
        writer.write(("\r\n".join(lines) + "\r\n\r\n").encode("ascii") + body)
        status = await reader.readline()
        code = int(status.split(b" ", 2)[1])  # IndexError: closed without an answer
        length, keep = -1, True
        while (line := await reader.readline()) not in {b"\r\n", b""}:
            name, _, value = line.decode("latin-1").partition(":")
            if name.lower() == "content-length":
                length = int(value)
            elif name.lower() == "connection" and value.strip().lower() == "close":
                keep = False
        if length < 0:
            await reader.read()  # no length: the body ends with the connection
            return code, False
        await reader.readexactly(length)
        return code, keep

    def close(self) -> None:
        """Close the idle connections."""
        for _, writer in self.free:
            writer.close()


def integrator_key(url: str) -> str:
    """A client key for the bench: it posts everything from one address, like a call centre.

    Sent as ``X-Api-Key``, its requests count against the key's cap (``MINYI_API_KEY_PER_HOUR``,
    100,000 an hour) rather than the anonymous cap per address (60 an hour).
    """
    database = Database(url)
    with database.transaction() as session:
        key = client_keys.create_key(session, "bench")
    database.engine.dispose()
    return key


async def open_loop(  # noqa: PLR0913 - the schedule and the key
    base: str, rate: float, seconds: float, first: int = 0, answer_within: float = 30.0, *, key: str = ""
) -> tuple[list[float], dict[int, int]]:
    """Send ``rate`` requests a second for ``seconds`` on a fixed schedule; latencies and statuses.

    A request that gets no answer within ``answer_within`` seconds counts as status 0 (an error), so a
    stalled server ends the run with errors instead of hanging it. ``key`` goes in ``X-Api-Key``.
    """
    latencies: list[float] = []
    statuses: dict[int, int] = {}
    client = _Client(base, answer_within)
    headers = {"Content-Type": "application/json"} | ({"X-Api-Key": key} if key else {})

    async def one(n: int) -> None:
        started = time.perf_counter()
        body = json.dumps(_body(n)).encode()
        code = await client.post("/api/v1/messages", body, headers | {"Idempotency-Key": f"bench-{n}"})
        latencies.append(time.perf_counter() - started)
        statuses[code] = statuses.get(code, 0) + 1

    tasks = []
    start = time.perf_counter()
    for n in range(int(rate * seconds)):
        delay = start + n / rate - time.perf_counter()
        if delay > 0:
            await asyncio.sleep(delay)
        tasks.append(asyncio.create_task(one(first + n)))
    await asyncio.gather(*tasks)
    client.close()
    if client.retried:
        print(f"  ({client.retried} requests sent again: the server had closed an idle connection)")
    return latencies, statuses


def cpu_seconds(pids: list[int]) -> float:
    """User + system CPU of the processes in the process groups (sessions) led by ``pids``."""
    groups = {str(pid) for pid in pids}
    total = 0
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue  # ended meanwhile
        if fields[2] in groups:
            total += int(fields[11]) + int(fields[12])
    return total / os.sysconf("SC_CLK_TCK")


def waiting(url: str) -> int:
    database = Database(url)
    with database.session() as session:
        count = session.scalar(
            select(func.count()).select_from(Message).where(Message.state == ProcessingState.RECEIVED)
        )
    database.engine.dispose()
    return int(count or 0)


def deadlocks(url: str) -> int:
    """Deadlocks PostgreSQL detected in the bench's database so far (0 on SQLite)."""
    if not url.startswith("postgresql"):
        return 0
    database = Database(url)
    with database.session() as session:
        query = text("SELECT deadlocks FROM pg_stat_database WHERE datname = current_database()")
        count = session.scalar(query)
    database.engine.dispose()
    return int(count or 0)


def _stop(processes: list[subprocess.Popen[bytes]]) -> None:
    for process in processes:
        os.killpg(process.pid, signal.SIGTERM)
    for process in processes:
        process.wait(90)


def _drain(url: str, limit: float) -> tuple[float, int]:
    """Seconds until no stored message waits for processing (or ``limit``), and how many still wait."""
    stopped = time.perf_counter()
    left = waiting(url)
    while left and time.perf_counter() - stopped < limit:
        time.sleep(0.5)
        left = waiting(url)
    return time.perf_counter() - stopped, left


def delete_stream(stream: str) -> None:
    """Remove the bench's own JetStream stream (NATS at the default address), if it is there."""
    import nats  # only runs with --nats-workers need it

    async def delete() -> None:
        connection = await nats.connect("nats://127.0.0.1:4222")
        try:
            await connection.jetstream().delete_stream(stream)
        finally:
            await connection.close()

    try:
        asyncio.run(delete())
    except Exception as exc:  # noqa: BLE001 - a leftover stream is harmless
        print(f"  (stream {stream} not deleted: {exc})")


def run_load(args: argparse.Namespace, tmp: Path) -> None:
    url = fresh_database(args.database, tmp)
    key = integrator_key(url)
    stream = f"BENCH{os.getpid()}" if args.nats_workers else None
    process, base = start_server(url, tmp, args.threads, args.web, stream)
    started = [process]
    try:
        if stream is not None:
            started += start_workers(url, tmp, args.nats_workers, stream, args.nice)
        # Two seconds at a quarter of the rate first: connections, pools, the NATS client.
        asyncio.run(open_loop(base, args.rate / 4, 2, first=-int(args.rate / 2), key=key))
        _drain(url, args.drain_limit)
        web_cpu, worker_cpu = cpu_seconds([process.pid]), cpu_seconds([p.pid for p in started[1:]])
        latencies, statuses = asyncio.run(open_loop(base, args.rate, args.seconds, key=key))
        web_cpu = cpu_seconds([process.pid]) - web_cpu
        drain, left = _drain(url, args.drain_limit)
        worker_cpu = cpu_seconds([p.pid for p in started[1:]]) - worker_cpu
    finally:
        _stop(started)
        if stream is not None:
            delete_stream(stream)
    ms = sorted(1000 * x for x in latencies)
    pct = statistics.quantiles(ms, n=100)
    errors = sum(n for code, n in statuses.items() if code not in {200, 201})
    kind = "PostgreSQL" if url.startswith("postgresql") else "SQLite"
    workers_text = f", {args.nats_workers} NATS worker(s) at nice {args.nice}" if stream else ""
    print(
        f"{kind}, {args.web} server process(es){workers_text}: {args.rate:g} req/s for {args.seconds:g} s, "
        f"{len(ms)} requests, statuses {statuses}"
    )
    print(f"  latency ms: p50 {pct[49]:.1f}  p95 {pct[94]:.1f}  p99 {pct[98]:.1f}  max {ms[-1]:.1f}")
    print(
        f"  errors: {errors}   backlog left at the end of the load drained in {drain:.1f} s ({left} still waiting)"
        f"   deadlocks: {deadlocks(url)}"
    )
    where = "server processes (with their processing threads)" if stream is None else "server processes"
    print(f"  CPU during the load: {1000 * web_cpu / len(ms):.2f} ms per request in the {where}", end="")
    if stream is not None:
        print(f"; {1000 * worker_cpu / len(ms):.2f} ms per message in the workers (load and drain)")
    else:
        print()


def run_worker_cost(args: argparse.Namespace, tmp: Path) -> None:
    url = fresh_database(args.database, tmp)
    database = Database(url)
    with database.session() as session:
        ids = [
            intake.accept(session, MessageIn.model_validate(_body(n)), channel="api", key=SECRET).message.id
            for n in range(args.worker_cost)
        ]
        session.commit()
    settings = Settings()
    tracker = None
    if not args.no_tracker:  # as `minyi worker` runs: each message joins its hot issue
        tracker = IssueTracker(
            days=settings.issue_window_days,
            min_size=settings.issue_min_size,
            rebuild_seconds=settings.issue_rebuild_minutes * 60.0,
        )
    context = workers.ProcessingContext(database, PipelineProvider(settings), tracker)
    with database.session() as session:
        context.pipelines.get(session)  # built before the clock starts
        if tracker is not None:
            tracker.rebuild(session)
    cpu, wall = time.process_time(), time.perf_counter()
    for i in range(0, len(ids), args.batch):
        workers.process_ids(context, ids[i : i + args.batch])
    cpu, wall = time.process_time() - cpu, time.perf_counter() - wall
    kind = "PostgreSQL" if url.startswith("postgresql") else "SQLite"
    what = "without the hot-issue tracker" if tracker is None else "with the hot-issue tracker"
    print(
        f"{kind}: worker processed {len(ids)} messages ({what}) in batches of {args.batch}: "
        f"{1000 * cpu / len(ids):.2f} ms CPU and {1000 * wall / len(ids):.2f} ms wall per message"
    )
    database.engine.dispose()


def _asgi_post(
    app: object, n: int, key: str
) -> tuple[dict[str, object], Callable[[], Awaitable[dict[str, object]]]]:
    """The ASGI scope and ``receive`` of ``POST /api/v1/messages`` with body ``n`` and ``X-Api-Key`` ``key``."""
    body = json.dumps(_body(n)).encode()
    headers = [(b"host", b"127.0.0.1"), (b"content-type", b"application/json"), (b"x-api-key", key.encode())]
    headers += [(b"content-length", str(len(body)).encode()), (b"idempotency-key", f"cost-{n}".encode())]
    scope: dict[str, object] = {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": "POST",
        "scheme": "http",
        "path": "/api/v1/messages",
        "raw_path": b"/api/v1/messages",
        "query_string": b"",
        "root_path": "",
        "headers": headers,
        "client": ("127.0.0.1", 1234),
        "server": ("127.0.0.1", 80),
        "app": app,
    }

    async def receive() -> dict[str, object]:
        return {"type": "http.request", "body": body, "more_body": False}

    return scope, receive


def run_request_cost(args: argparse.Namespace, tmp: Path) -> None:
    """CPU per acknowledged request: the real ASGI app in this process, processing handed to NATS.

    The processor is replaced by one that takes the id and does nothing (what a web
    process does with ``MINYI_PROCESSING=nats``, minus the publish), so the number is
    the acknowledgement path alone: middleware, validation, the inserts, the commit.
    """
    url = fresh_database(args.database, tmp)
    key = integrator_key(url)
    os.environ.update(_environment(url, tmp, 1, "BENCHCOST"))
    from minyi.server.app import create_app

    app = create_app()
    app.state.processing.processor = _NoProcessing()
    statuses: dict[int, int] = {}

    async def send(message: dict[str, object]) -> None:
        if message["type"] == "http.response.start":
            code = int(str(message["status"]))
            statuses[code] = statuses.get(code, 0) + 1

    async def requests(first: int, count: int) -> None:
        for n in range(first, first + count):
            scope, receive = _asgi_post(app, n, key)
            await app(scope, receive, send)  # type: ignore[arg-type]

    asyncio.run(requests(0, 200))  # warm: pools, caches, compiled statements
    cpu, wall = time.process_time(), time.perf_counter()
    asyncio.run(requests(200, args.request_cost))
    cpu, wall = time.process_time() - cpu, time.perf_counter() - wall
    kind = "PostgreSQL" if args.database.startswith("postgresql") else "SQLite"
    print(
        f"{kind}: {args.request_cost} acknowledged requests in process: {1000 * cpu / args.request_cost:.2f} ms "
        f"CPU and {1000 * wall / args.request_cost:.2f} ms wall per request; statuses {statuses}"
    )


class _NoProcessing:
    """A processor that takes ids and does nothing (the request's cost alone)."""

    def submit(self, session: object, message: object) -> None:
        """Nothing: the web process would publish the id."""

    def submit_ids(self, ids: list[str]) -> int:
        """Take them all."""
        return len(ids)

    def start(self) -> None:
        """Nothing to start."""

    def stop(self, timeout: float = 10.0) -> None:
        """Nothing to stop."""


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
    parser.add_argument(
        "--nats-workers",
        type=int,
        default=0,
        help="process in M `minyi worker` processes fed by NATS (MINYI_PROCESSING=nats) instead of threads",
    )
    parser.add_argument("--nice", type=int, default=10, help="the NATS workers' nice value")
    parser.add_argument("--drain-limit", type=float, default=300.0)
    parser.add_argument(
        "--worker-cost", type=int, default=0, help="measure the worker's cost on N messages instead"
    )
    parser.add_argument("--batch", type=int, default=32)
    parser.add_argument(
        "--no-tracker",
        action="store_true",
        help="with --worker-cost: leave out the hot-issue tracker (as measured before 6 December 2026)",
    )
    parser.add_argument(
        "--request-cost",
        type=int,
        default=0,
        help="measure the CPU of N acknowledged requests in process instead",
    )
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        if args.worker_cost:
            run_worker_cost(args, Path(tmp))
        elif args.request_cost:
            run_request_cost(args, Path(tmp))
        else:
            run_load(args, Path(tmp))


if __name__ == "__main__":
    main()
