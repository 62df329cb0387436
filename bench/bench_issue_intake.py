"""Benchmark online hot-issue assignment at intake, on a real database.

Usage::

    python bench/bench_issue_intake.py [--data-dir ../shared/data/tipdm2020_smart_gov]
                                       [--database-url URL] [--limit N] [--json]

Every message of official/附件3.xlsx goes through intake as the server does it, in time
order: ``accept`` (commit), then ``process`` with the text pipeline and the online
:class:`~minyi.issues.online.IssueTracker` (commit). Reported: the tracker's own cost
per message (``IssueTracker.observe``: detector assignment plus the database work of
linking the message and updating its stored issue) as p50/p95/p99/max in milliseconds;
apart from it the calls that store a new issue (its group reached three messages: insert,
link every member, recount them), and the number of stored issues at the end. The default database is a
fresh SQLite file in a temporary directory; ``--database-url`` takes an empty
PostgreSQL database instead (its tables are created by the migrations).
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))

from sqlalchemy import func, select

from minyi.analysis.provider import build_pipeline
from minyi.db.session import Database
from minyi.flows import processing
from minyi.intake import services as intake
from minyi.intake.schemas import MessageIn
from minyi.issues.models import HotIssue
from minyi.issues.online import IssueTracker
from minyi.issues.report import load_messages
from minyi.schema.migrate import upgrade
from minyi.settings import Settings

ROOT = Path(__file__).resolve().parents[1]


class TimedTracker(IssueTracker):
    """The tracker, recording how long each ``observe`` takes."""

    def __init__(self, **settings: Any) -> None:
        super().__init__(**settings)
        self.times: list[float] = []
        self.creating: list[float] = []

    def observe(self, session: Any, message: Any, analysis: Any) -> str | None:
        before = len(self.stored_)
        start = time.perf_counter()
        found = super().observe(session, message, analysis)
        elapsed = time.perf_counter() - start
        (self.creating if len(self.stored_) > before else self.times).append(elapsed)
        return found


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


def run(data_dir: Path, url: str, limit: int | None) -> dict[str, Any]:
    zone = ZoneInfo("Asia/Shanghai")
    loaded = load_messages(data_dir / "official" / "附件3.xlsx", zone=zone, now=datetime.now(UTC))
    messages = sorted(loaded.messages, key=lambda m: m.when)[:limit]
    database = Database(url)
    upgrade(database.engine)
    tracker = TimedTracker(days=3650, min_size=3)
    started = time.perf_counter()
    with database.session() as session:
        tracker.rebuild(session)  # empty database: the server's first build
        pipeline = build_pipeline(Settings(), session, route_threshold=1.1)  # keyword guesses never route
        for item in messages:
            data = MessageIn(title=item.title[:200], body=item.body or item.title, submitted_at=item.when)
            accepted = intake.accept(session, data, channel="import", key="bench-key")
            session.commit()
            processing.process(session, accepted.message, pipeline, tracker=tracker)
            session.commit()
        stored = session.scalar(select(func.count()).select_from(HotIssue)) or 0
    elapsed = time.perf_counter() - started
    ms = [t * 1000 for t in tracker.times]
    new = [t * 1000 for t in tracker.creating] or [0.0]
    return {
        "messages": len(messages),
        "stored_issues": stored,
        "creating_calls": len(tracker.creating),
        "creating_ms_p50": round(statistics.median(new), 3),
        "creating_ms_p99": round(percentile(new, 0.99), 3),
        "observe_ms_p50": round(statistics.median(ms), 3),
        "observe_ms_p95": round(percentile(ms, 0.95), 3),
        "observe_ms_p99": round(percentile(ms, 0.99), 3),
        "observe_ms_max": round(max(ms), 3),
        "intake_seconds": round(elapsed, 1),
        "database": url.split(":", 1)[0],
    }


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(
        "--data-dir", type=Path, default=ROOT.parent / "shared" / "data" / "tipdm2020_smart_gov"
    )
    parser.add_argument("--database-url", default="")
    parser.add_argument("--limit", type=int, default=None)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        url = args.database_url or f"sqlite:///{tmp}/bench.db"
        result = run(args.data_dir, url, args.limit)
    print(f"messages through intake            {result['messages']:>8}")
    print(f"stored hot issues at the end        {result['stored_issues']:>8}")
    for name in ("p50", "p95", "p99", "max"):
        print(f"observe, joining or not {name:<4} (ms)  {result[f'observe_ms_{name}']:>8.3f}")
    print(f"observe storing a new issue (calls)  {result['creating_calls']:>8}")
    for name in ("p50", "p99"):
        print(f"observe storing a new issue {name} (ms) {result[f'creating_ms_{name}']:>8.3f}")
    print(f"whole intake (s, {result['database']})          {result['intake_seconds']:>8.1f}")
    if args.json:
        print(json.dumps(result, ensure_ascii=False))


if __name__ == "__main__":
    main()
