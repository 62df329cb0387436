"""Login throttling under attack: is guessing refused, and does the portal stay fast?

Starts ``minyi serve`` on a fresh SQLite database with one admin, then measures:

* **burst** — 50 wrong passwords for the admin, one after the other, then the right one:
  how they were answered (401 = checked, 429 = refused) and whether the right one got in;
* **idle** — latency of the portal's home page ``/`` with nobody guessing;
* **guessers** — the same while N threads post wrong passwords as fast as they can (each
  for a different user name), once with the default limits (the shared client address is
  soon locked) and once with the counts raised so high that only the cap on concurrent
  password checks (``MINYI_LOGIN_CONCURRENCY``) protects the portal.

Usage: ``.venv/bin/python bench/bench_login_throttle.py [--guessers 16] [--seconds 10] [--json]``.
Numbers depend on the machine's cores (Argon2id is deliberately slow).
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import re
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

import httpx

ROOT = Path(__file__).resolve().parents[1]
MINYI = str(ROOT / ".venv" / "bin" / "minyi")
PASSWORD = "lantern-okra-58"  # noqa: S105 - the bench's throw-away admin
CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class Server:
    """``minyi serve`` in a subprocess, on its own database."""

    def __init__(self, tmp: Path, name: str, extra_env: dict[str, str]) -> None:
        self.port = _free_port()
        self.env = {
            **os.environ,
            "MINYI_DATABASE_URL": f"sqlite:///{tmp / (name + '.db')}",
            "MINYI_DATA_DIR": str(tmp / name),
            "MINYI_SECRET_KEY": "bench-secret-key-0123456789-abcdefghijklmnop",
            "MINYI_LOG_LEVEL": "ERROR",
            "MINYI_ISSUE_TRACKING": "false",
            **extra_env,
        }
        subprocess.run([MINYI, "db", "upgrade"], env=self.env, check=True, capture_output=True)  # noqa: S603
        subprocess.run(  # noqa: S603 - our own command
            [MINYI, "user", "create", "admin", "--role", "admin"],
            env={**self.env, "MINYI_NEW_USER_PASSWORD": PASSWORD},
            check=True,
            capture_output=True,
        )
        self.process = subprocess.Popen(  # noqa: S603 - our own command
            [MINYI, "serve", "--port", str(self.port)],
            env=self.env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        self.url = f"http://127.0.0.1:{self.port}"
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            try:
                if httpx.get(self.url + "/healthz", timeout=1).status_code == 200:
                    return
            except httpx.HTTPError:
                time.sleep(0.2)
        msg = "the server did not start"
        raise RuntimeError(msg)

    def stop(self) -> None:
        self.process.terminate()
        self.process.wait(10)


def _login_client(url: str) -> tuple[httpx.Client, str]:
    client = httpx.Client(base_url=url, timeout=30, follow_redirects=False)
    page = client.get("/staff/login")
    match = CSRF.search(page.text)
    if match is None:
        msg = "the login page has no CSRF token"
        raise RuntimeError(msg)
    return client, match.group(1)


def _attempt(client: httpx.Client, token: str, username: str, password: str) -> int:
    data = {"username": username, "password": password, "csrf_token": token, "next": "/staff"}
    return client.post("/staff/login", data=data).status_code


def burst(url: str) -> dict[str, Any]:
    """50 wrong passwords, then the right one."""
    client, token = _login_client(url)
    started = time.perf_counter()
    codes = [_attempt(client, token, "admin", f"wrong-{n}") for n in range(50)]
    seconds = time.perf_counter() - started
    right = _attempt(client, token, "admin", PASSWORD)
    return {
        "checked_401": codes.count(401),
        "refused_429": codes.count(429),
        "seconds": round(seconds, 2),
        "right_password": right,
    }


def _percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


def probe(url: str, seconds: float, guessers: int) -> dict[str, Any]:
    """Latency of ``/`` while ``guessers`` threads post wrong passwords."""
    stop = threading.Event()
    answers: dict[int, int] = {}
    lock = threading.Lock()

    def guess(n: int) -> None:
        client, token = _login_client(url)
        attempt = 0
        while not stop.is_set():
            attempt += 1
            try:
                code = _attempt(client, token, f"user{n}-{attempt % 50}", "wrong")
            except httpx.HTTPError:
                code = 0  # no answer within the client's timeout
            with lock:
                answers[code] = answers.get(code, 0) + 1

    threads = [threading.Thread(target=guess, args=(n,), daemon=True) for n in range(guessers)]
    for thread in threads:
        thread.start()
    time.sleep(0.5 if guessers else 0)
    portal = httpx.Client(base_url=url, timeout=60)
    latencies = []
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        started = time.perf_counter()
        with contextlib.suppress(httpx.HTTPError):  # a timeout counts at the full wait
            portal.get("/")
        latencies.append(time.perf_counter() - started)
        time.sleep(0.05)
    stop.set()
    for thread in threads:
        thread.join(30)
    return {
        "requests": len(latencies),
        "p50_ms": round(statistics.median(latencies) * 1000, 1),
        "p95_ms": round(_percentile(latencies, 0.95) * 1000, 1),
        "max_ms": round(max(latencies) * 1000, 1),
        "guesses": {str(code or "timeout"): count for code, count in sorted(answers.items())},
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--guessers", type=int, default=16)
    parser.add_argument("--seconds", type=float, default=10.0)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    results: dict[str, Any] = {}
    gate_only = {"MINYI_LOGIN_MAX_FAILURES": "1000", "MINYI_LOGIN_ADDRESS_MAX_FAILURES": "100000"}
    with tempfile.TemporaryDirectory() as tmp:
        for name, env in (("defaults", {}), ("gate_only", gate_only)):
            server = Server(Path(tmp), name, env)
            try:
                if name == "defaults":
                    results["burst"] = burst(server.url)
                    results["idle"] = probe(server.url, args.seconds, 0)
                results[f"guessers_{name}"] = probe(server.url, args.seconds, args.guessers)
            finally:
                server.stop()
    burst_row = results["burst"]
    print(
        f"burst: 50 wrong passwords in {burst_row['seconds']} s: {burst_row['checked_401']} checked (401), "
        f"{burst_row['refused_429']} refused (429); then the right password: HTTP {burst_row['right_password']}"
    )
    print(f"{'portal GET /':<28} {'requests':>8} {'p50 ms':>8} {'p95 ms':>8} {'max ms':>8}  guesses")
    for key in ("idle", "guessers_defaults", "guessers_gate_only"):
        row = results[key]
        label = key if key == "idle" else f"{args.guessers} {key.replace('_', ' ', 1)}"
        print(
            f"{label:<28} {row['requests']:>8} {row['p50_ms']:>8} {row['p95_ms']:>8} {row['max_ms']:>8}  "
            f"{row['guesses']}"
        )
    if args.json:
        print(json.dumps(results))
    sys.stdout.flush()


if __name__ == "__main__":
    main()
