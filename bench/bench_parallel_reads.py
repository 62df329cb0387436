"""Many requests at once against a running Minyi: status codes and latency of a burst.

    python bench/bench_parallel_reads.py --base http://127.0.0.1:8000 --token my_… \\
        --path /api/v1/cases --parallel 100 [--rounds 3] [--json]

Each round releases ``--parallel`` threads together (a barrier), each sending one GET of
``--path`` (with the staff token when given). It prints, per round, the count of each status
code (or the client error, e.g. ``ReadTimeout`` after ``--timeout`` seconds), the wall time
of the round and the latency percentiles. A server that holds connections while it waits
for worker threads shows it here as 503s after the pool's 30 s timeout (bench/README.md,
"Parallel requests").
"""

from __future__ import annotations

import argparse
import json
import statistics
import threading
import time
from collections import Counter

import httpx


def burst(url: str, headers: dict[str, str], parallel: int, timeout: float) -> dict[str, object]:
    """One round: ``parallel`` GETs released together; their codes and latencies."""
    start = threading.Barrier(parallel)
    codes: Counter[str] = Counter()
    latencies: list[float] = []
    lock = threading.Lock()

    def send() -> None:
        start.wait()
        began = time.perf_counter()
        try:
            code = str(httpx.get(url, headers=headers, timeout=timeout).status_code)
        except httpx.HTTPError as exc:
            code = type(exc).__name__
        with lock:
            codes[code] += 1
            latencies.append(time.perf_counter() - began)

    threads = [threading.Thread(target=send) for _ in range(parallel)]
    began = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    latencies.sort()
    return {
        "codes": dict(codes),
        "wall_s": round(time.perf_counter() - began, 2),
        "p50_s": round(statistics.median(latencies), 2),
        "p95_s": round(latencies[int(0.95 * (len(latencies) - 1))], 2),
        "max_s": round(latencies[-1], 2),
    }


def main() -> None:
    """Run the rounds and print them."""
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--base", default="http://127.0.0.1:8000")
    parser.add_argument("--path", default="/api/v1/cases")
    parser.add_argument("--token", default="", help="a staff API token (minyi user token NAME)")
    parser.add_argument("--parallel", type=int, default=100)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--timeout", type=float, default=60.0)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    headers = {"Authorization": f"Bearer {args.token}"} if args.token else {}
    rounds = [burst(args.base + args.path, headers, args.parallel, args.timeout) for _ in range(args.rounds)]
    if args.json:
        print(json.dumps({"path": args.path, "parallel": args.parallel, "rounds": rounds}))
        return
    for n, result in enumerate(rounds, start=1):
        print(f"round {n}: {result}")


if __name__ == "__main__":
    main()
