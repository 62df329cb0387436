"""A centre that has run for a year (fourteenth probe): retention, export, backup, growth.

1. Creates ``--url``'s database afresh, migrates it and bulk-loads (COPY, the loader of
   ``bench_dashboard.py``) ``--cases`` cases from 2025-11-01 to 2026-12-07, one message each
   with a real text of ``/work/shared/data`` (附件2's dev subset, cycled), six in ten with a
   contact (name, phone; the name also in one title in ten), events and ratings; 3% of the
   closed cases reopened once; one case reopened 40 times (its page is timed).
2. ``minyi stats refresh --full``, then the public scorecard and open data of 2025 and 2026.
3. ``minyi retention run --days 180`` as a process: ``kill -9`` after ``--kill-after`` seconds,
   the contacts left counted, then run again to the end (timed); the public numbers of step
   2 again after another full refresh, compared.
4. ``minyi export --format csv`` of the year and ``pg_dump -Fc`` (time, size); the row count
   of the audit table; the case page of the often-reopened case and the audit page.

Run: ``python bench/bench_year.py --url postgresql://postgres@127.0.0.1:5432/minyi_test_year``
"""

from __future__ import annotations

import argparse
import csv
import io
import json
import os
import random
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from itertools import cycle
from pathlib import Path

from sqlalchemy import make_url, text

ROOT = Path(__file__).resolve().parent
sys.path.insert(0, str(ROOT))
from bench_dashboard import Loader, fresh, iso, reference_rows, uuid7  # noqa: E402
from minyi.accountability.refresh import refresh  # noqa: E402
from minyi.db.session import Database  # noqa: E402
from minyi.schema import migrate  # noqa: E402
from minyi.settings import Settings  # noqa: E402

TEXTS = Path("/work/shared/data/tipdm2020_smart_gov/attachment2_raw_subset/dev.csv")
FIRST, LAST = datetime(2025, 11, 1, tzinfo=UTC), datetime(2026, 12, 7, tzinfo=UTC)
SURNAMES, GIVEN = "王李张刘陈杨赵黄周吴徐孙", "建国秀英志强丽娟海涛明辉桂兰文"
CHUNK = 5000
PASSWORD = "bench-password-2026"  # noqa: S105 - a throw-away bench database


def texts() -> list[tuple[str, str]]:
    """(title, body) of the real messages: the subset's rows are category,title+body."""
    rows = []
    with TEXTS.open(encoding="utf-8-sig") as handle:
        for row in csv.reader(handle):
            if len(row) >= 2 and row[1].strip():
                whole = row[1].replace("\t", " ").replace("\n", " ").replace("\\", "/")
                rows.append((whole[:30], whole[:2000]))
    return rows


class YearLoader(Loader):
    """bench_dashboard's loader with the contacts table."""

    def __init__(self, database: Database, rng: random.Random) -> None:
        super().__init__(database, rng)
        self.columns["message_contacts"] = "message_id,name,phone,email"

    def flush(self) -> None:
        contacts = self.buffers.pop("message_contacts", None)
        super().flush()
        if contacts is None:
            return
        raw = self.database.engine.raw_connection()
        try:
            cursor = raw.cursor()
            with cursor.copy(
                f"COPY message_contacts ({self.columns['message_contacts']}) FROM STDIN"
            ) as copy:  # type: ignore[attr-defined]
                copy.write(contacts.getvalue())
            raw.commit()
        finally:
            raw.close()


def one_case(
    loader: YearLoader,
    index: int,
    text_of: tuple[str, str],
    refs: tuple[list[str], list[tuple[str, str]]],
    reopen: int = 0,
) -> None:
    rng = loader.rng
    span = (LAST - FIRST).total_seconds()
    arrival = FIRST + timedelta(seconds=rng.random() * span)
    leaf, department = refs[1][rng.randrange(len(refs[1]))]
    recent = (LAST - arrival).days < 30
    stage = rng.choice(["received", "dispatched", "replied", "closed"]) if recent else "closed"
    case_id, message_id = uuid7(arrival, rng), uuid7(arrival, rng)
    name = SURNAMES[rng.randrange(12)] + GIVEN[rng.randrange(0, 14, 2) : rng.randrange(0, 14, 2) + 2]
    with_contact = rng.random() < 0.6
    title = f"{name}反映{text_of[0]}" if with_contact and rng.random() < 0.1 else text_of[0]
    events = [(arrival, "received", "received", "received")]  # as intake records it
    accepted = due = replied = closed = None
    moment = arrival
    if stage != "received":
        accepted = arrival + timedelta(minutes=rng.randrange(1, 60))
        due = accepted + timedelta(days=15)
        events += [
            (accepted, "accepted", "received", "accepted"),
            (accepted, "dispatched", "accepted", "dispatched"),
        ]
        moment = accepted
    for cycle_no in range(1 + reopen if stage == "closed" else 1):
        if stage in {"replied", "closed"}:
            replied = moment + timedelta(hours=rng.randrange(2, 200))
            events += [(replied, "replied", "dispatched", "replied")]
            moment = replied
        if stage == "closed":
            closed = moment + timedelta(days=rng.randrange(1, 8))
            events.append((closed, "status", "replied", "closed"))
            moment = closed
            if cycle_no < reopen:
                moment += timedelta(days=1)
                events += [(moment, "reopened", "closed", "dispatched")]
    reopened = reopen or int(stage == "closed" and rng.random() < 0.03)
    loader.row("cases", [
        case_id, f"{arrival:%Y%m%d}-{index:08d}", title, stage, leaf,
        department if stage != "received" else "\\N", "t", iso(accepted), iso(due), iso(replied), iso(closed),
        iso(arrival), iso(moment), "f", str(reopened), "f",
    ])  # fmt: skip
    loader.row("messages", [
        message_id, "web", "portal", title, text_of[1], "zh", iso(arrival), f"A市A{rng.randrange(16) + 1}区",
        "0", "0", "0", "0", "t", f"Y{index:010d}", "0" * 64, "processed", case_id,
    ])  # fmt: skip
    if with_contact:
        loader.row("message_contacts", [message_id, name, f"139{rng.randrange(10**8):08d}", "\\N"])
    for at, action, before, after in events:
        loader.row("case_events", [uuid7(at, rng), case_id, "system", action, before, after, "{}", iso(at)])
    if closed is not None and rng.random() < 0.5:
        verdict = rng.choices(["satisfied", "basically_satisfied", "unsatisfied"], [70, 20, 10])[0]
        loader.row("case_ratings", [uuid7(closed, rng), case_id, verdict, "t", iso(closed)])


def load(database: Database, cases: int, seed: int) -> float:
    rng, started = random.Random(seed), time.perf_counter()
    refs, words = reference_rows(database), cycle(texts())
    loader = YearLoader(database, rng)
    one_case(loader, 0, next(words), refs, reopen=40)
    for index in range(1, cases):
        one_case(loader, index, next(words), refs)
        if (index + 1) % CHUNK == 0:
            loader.flush()
    loader.flush()
    with database.engine.connect() as conn:
        conn.execution_options(isolation_level="AUTOCOMMIT").execute(text("ANALYZE"))
    return time.perf_counter() - started


def public_numbers(client: object) -> dict[str, bytes]:
    urls = ["/api/v1/public/scorecard?start=2025-11&end=2026-12", "/public/data/scorecard.csv?by=department",
            "/public/data/scorecard.csv?by=region"]  # fmt: skip
    answers = {url: client.get(url) for url in urls}  # type: ignore[attr-defined]
    for url, answer in answers.items():  # an error page compared with itself proves nothing
        assert answer.status_code == 200, (url, answer.status_code)
    return {url: answer.content for url, answer in answers.items()}


def cli(env: dict[str, str], *args: str) -> subprocess.Popen[bytes]:
    command = [sys.executable, "-m", "minyi", *args]
    return subprocess.Popen(command, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)  # noqa: S603


def contacts_left(database: Database) -> int:
    with database.engine.connect() as conn:
        return int(conn.execute(text("SELECT count(*) FROM message_contacts")).scalar_one())


def retention(database: Database, env: dict[str, str], kill_after: float) -> None:
    before = contacts_left(database)
    began = time.perf_counter()
    first = cli(env, "retention", "run", "--days", "180")
    time.sleep(kill_after)
    first.send_signal(signal.SIGKILL)
    first.wait()
    middle = contacts_left(database)
    second = cli(env, "retention", "run", "--days", "180")
    out, err = second.communicate()
    elapsed = time.perf_counter() - began - kill_after
    print(f"contacts {before:,} → {middle:,} after kill -9 at {kill_after:.0f} s → {contacts_left(database):,} "
          f"after the second run ({elapsed:.1f} s): {out.decode().strip()} {err.decode().strip()[-200:]}")  # fmt: skip


def growth(database: Database, env: dict[str, str], url: str) -> None:
    out = Path(tempfile.gettempdir()) / "minyi-year-export.csv"
    began = time.perf_counter()
    done = cli(env, "export", "--format", "csv", "--out", str(out)).communicate()
    print(
        f"export csv: {time.perf_counter() - began:.1f} s, {out.stat().st_size / 1e6:.1f} MB {done[1].decode()[-200:]}"
    )
    dump = Path(tempfile.gettempdir()) / "minyi-year.dump"
    if shutil.which("pg_dump"):
        began = time.perf_counter()
        plain = url.replace("postgresql+psycopg://", "postgresql://")
        subprocess.run(["pg_dump", "-Fc", "-d", plain, "-f", str(dump)], check=True)  # noqa: S603, S607
        print(f"pg_dump -Fc: {time.perf_counter() - began:.1f} s, {dump.stat().st_size / 1e6:.1f} MB")
    with database.engine.connect() as conn:
        for table in ("cases", "messages", "case_events", "audit_events"):
            count = conn.execute(text(f"SELECT count(*) FROM {table}")).scalar_one()  # noqa: S608 - fixed names
            print(f"rows in {table}: {count:,}")


def _comparable(url: str, body: bytes) -> object:
    """The answer without its refresh time (JSON), or the file as it is."""
    if not url.startswith("/api/"):
        return body
    data = json.loads(body)
    data.pop("refreshed_at", None)
    return data


def differences(old: object, new: object, path: str = "") -> list[str]:
    """The JSON paths where ``old`` and ``new`` differ (a generation time, a count)."""
    if isinstance(old, dict) and isinstance(new, dict):
        return [
            d for k in old.keys() | new.keys() for d in differences(old.get(k), new.get(k), f"{path}.{k}")
        ]
    if isinstance(old, list) and isinstance(new, list) and len(old) == len(new):
        return [
            d
            for i, (a, b) in enumerate(zip(old, new, strict=True))
            for d in differences(a, b, f"{path}[{i}]")
        ]
    return [] if old == new else [f"{path}: {old!r} → {new!r}"]


def audit_year(database: Database, rows: int, seed: int) -> None:
    """A year's audit trail: mostly views of personal data (one a case opened), some exports."""
    rng, buffer = random.Random(seed), io.StringIO()
    span = (LAST - FIRST).total_seconds()
    for index in range(rows):
        at = FIRST + timedelta(seconds=rng.random() * span)
        action = rng.choices(
            ["view_personal_data", "export_masked", "import", "role_changed"], [95, 3, 1, 1]
        )[0]
        actor = f"staff{rng.randrange(60)}"
        buffer.write(f"{uuid7(at, rng)}\t{iso(at)}\t{actor}\t\\N\t{action}\t{index:08d}\t10.0.0.1\t{{}}\n")
    raw = database.engine.raw_connection()
    try:
        with raw.cursor().copy(
            "COPY audit_events (id,at,actor,actor_user_id,action,subject,address,details) FROM STDIN"
        ) as copy:  # type: ignore[attr-defined]
            copy.write(buffer.getvalue())
        raw.commit()
    finally:
        raw.close()
    with database.engine.connect() as conn:
        conn.execution_options(isolation_level="AUTOCOMMIT").execute(text("ANALYZE audit_events"))


def pages(client: object, database: Database) -> None:
    """The audit page (first, filtered, deep) and the case page of the case reopened 40 times."""
    from minyi.accounts.services import create_user

    with database.transaction() as session:
        create_user(session, username="boss", password=PASSWORD, role="admin")
    with database.engine.connect() as conn:
        case_id = conn.execute(text("SELECT id FROM cases ORDER BY reopened_count DESC LIMIT 1")).scalar_one()
    page = client.get("/staff/login")  # type: ignore[attr-defined]
    token = re.search(r'name="csrf_token" value="([^"]+)"', page.text).group(1)  # type: ignore[union-attr]
    client.post("/staff/login", data={"username": "boss", "password": PASSWORD, "csrf_token": token,  # type: ignore[attr-defined]
                                      "next": "/staff"}, follow_redirects=False)  # fmt: skip
    for url in ["/staff/admin/audit", "/staff/admin/audit?action=export_masked", "/staff/admin/audit?page=4000",
                "/staff/admin/audit?actor=staff7&since=2026-06-01", f"/staff/cases/{case_id}"]:  # fmt: skip
        times, size = [], 0
        for _ in range(3):
            began = time.perf_counter()
            response = client.get(url)  # type: ignore[attr-defined]
            times.append(time.perf_counter() - began)
            size = len(response.content)
        print(f"{url[:60]:<60} {response.status_code} {sorted(times)[1] * 1000:7.0f} ms {size:9,} bytes")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--url", required=True)
    parser.add_argument("--cases", type=int, default=30_000)
    parser.add_argument("--seed", type=int, default=14)
    parser.add_argument("--kill-after", type=float, default=6.0)
    parser.add_argument("--audit", type=int, default=300_000, help="audit events of the year")
    parser.add_argument(
        "--load-only", action="store_true", help="load the year and stop (to run commands on it)"
    )
    args = parser.parse_args()
    url = args.url.replace("postgresql://", "postgresql+psycopg://", 1)
    fresh(url)
    data_dir = Path(tempfile.gettempdir()) / "minyi-bench-year"
    settings = Settings(env="test", database_url=url, secret_key="y" * 40, processing="inline", data_dir=data_dir,
                        issue_tracking=False)  # fmt: skip
    database = Database(settings.effective_database_url)
    migrate.upgrade(database.engine)
    print(
        f"loaded {args.cases:,} cases in {load(database, args.cases, args.seed):.1f} s; load {os.getloadavg()[0]:.1f}"
    )
    if args.load_only:
        return
    from fastapi.testclient import TestClient

    from minyi.server.app import create_app

    with database.transaction() as session:
        refresh(session, full=True)
    client = TestClient(create_app(settings, database))
    numbers = public_numbers(client)
    env = {
        **os.environ,
        "MINYI_DATABASE_URL": url,
        "MINYI_SECRET_KEY": "y" * 40,
        "MINYI_DATA_DIR": str(data_dir),
    }
    retention(database, env, args.kill_after)
    with database.transaction() as session:
        refresh(session, full=True)
    after = public_numbers(client)
    for key, body in numbers.items():
        old, new = (_comparable(key, data) for data in (body, after[key]))
        print(
            f"{key}: {'unchanged' if old == new else 'CHANGED'} ({len(body):,} bytes; the refresh time aside)"
        )
        if old != new and isinstance(old, dict) and isinstance(new, dict):
            print(
                "   departments before:",
                [(g["name"], g["counts"].get("cases")) for g in old["groups"]["department"]],
            )
            print(
                "   departments after: ",
                [(g["name"], g["counts"].get("cases")) for g in new["groups"]["department"]],
            )
            print("   differs in:", ", ".join(differences(old, new)[:8]))
    growth(database, env, str(make_url(url).set(drivername="postgresql")))
    audit_year(database, args.audit, args.seed)
    pages(client, database)
    print(f"load average {os.getloadavg()[0]:.1f}")


if __name__ == "__main__":
    main()
