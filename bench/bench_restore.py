"""How fast ``minyi restore`` puts an export's cases back: demo cases → export → import → restore.

Usage: .venv/bin/python bench/bench_restore.py [--messages 5000] [--database-url postgresql://…]

Builds ``--messages`` demo messages (``minyi demo``) in a scratch SQLite database, exports
them (``minyi export --format csv``), imports the file into an empty database (a
scratch SQLite one, or the PostgreSQL database named, which is dropped and made again),
then times ``minyi restore`` on it: wall, user + sys CPU of the child, cases a second.
Prints one line. The same machine's load changes the wall time: compare runs side by side.
"""

from __future__ import annotations

import argparse
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from sqlalchemy import create_engine, make_url, text

MINYI = str(Path(sys.executable).with_name("minyi"))
SECRET = "bench-restore-secret-0123456789-abcdefghij"  # noqa: S105 - throwaway databases


def run(args: list[str], env: dict[str, str]) -> str:
    """Run ``minyi args`` in ``env``; its output, or exit with its error."""
    done = subprocess.run([MINYI, *args], env=env, capture_output=True, text=True, check=False)  # noqa: S603
    if done.returncode != 0:
        sys.exit(f"minyi {' '.join(args)} failed: {done.stderr[-2000:]}")
    return done.stdout.strip()


def fresh_postgres(url: str) -> None:
    """Drop and make again the database of ``url``."""
    target = make_url(url.replace("postgresql://", "postgresql+psycopg://", 1))
    admin = create_engine(target.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{target.database}" WITH (FORCE)'))
        conn.execute(text(f'CREATE DATABASE "{target.database}"'))
    admin.dispose()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--messages", type=int, default=5000)
    parser.add_argument(
        "--database-url", default="", help="PostgreSQL for the restored side (default SQLite)"
    )
    options = parser.parse_args()
    with tempfile.TemporaryDirectory() as scratch:
        base = {**os.environ, "MINYI_SECRET_KEY": SECRET, "MINYI_ENV": "development"}
        base.pop("MINYI_DATABASE_URL", None)
        source = {**base, "MINYI_DATA_DIR": f"{scratch}/source"}
        run(["demo", "--messages", str(options.messages)], source)
        export = f"{scratch}/export.csv"
        run(["export", "--format", "csv", "--out", export], source)  # masked: what a restore gets
        target = {**base, "MINYI_DATA_DIR": f"{scratch}/target"}
        if options.database_url:
            fresh_postgres(options.database_url)
            target["MINYI_DATABASE_URL"] = options.database_url
        run(["db", "upgrade"], target)
        run(["import", export], target)
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        started = time.perf_counter()
        said = run(["restore", export], target)
        wall = time.perf_counter() - started
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    where = "PostgreSQL" if options.database_url else "SQLite"
    print(f"{where}, {options.messages} messages: {said}")
    print(f"restore: wall {wall:.1f} s, CPU {cpu:.1f} s, {options.messages / wall:.0f} cases/s (wall)")


if __name__ == "__main__":
    main()
