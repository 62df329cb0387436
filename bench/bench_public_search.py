"""Public answer search at scale: p50/p95 of ``accountability.search.search`` over N public cases.

Fills the public search index with N synthetic, masked public answers (default 1 000 000),
then times the real search function (count up to 1 000 + one page of 20, as the page and the
JSON API call it) for query classes: a common word, a rare word, two words, a common word
with a department / status / date filter, with two filters or a category, and filters alone;
on PostgreSQL it also counts the queries a newest-first walk answered (``search_walk``).

Texts are realistic: sentences of TipDM 2020 附件2 (留言主题, 留言详情) and 附件4 (留言详情,
答复意见), masked once with ``pipeline.privacy.mask_text`` and segmented once with the index's
own tokenizer (``search_index.SearchTokens``); each synthetic case draws a title, two or three
message sentences and one or two answer sentences, and its tokens are the union of theirs, so
a million cases cost no million segmentations. The index rows are written in bulk (COPY on
PostgreSQL, then ``to_tsvector`` in SQL and the GIN index built once; executemany on SQLite,
into the table and its FTS5 table). No case rows are made: the bench database drops the
index's foreign key to ``cases`` (search never reads ``cases``).

    .venv/bin/python bench/bench_public_search.py --engine postgresql  # minyi_bench_search
    .venv/bin/python bench/bench_public_search.py --engine sqlite --cases 1000000
    .venv/bin/python bench/bench_public_search.py --engine postgresql --skip-load  # queries only
"""

from __future__ import annotations

import argparse
import os
import random
import re
import sqlite3
import statistics
import sys
import time
from collections import Counter
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))

import psycopg
from openpyxl import load_workbook
from sqlalchemy import create_engine, make_url, text

from minyi.accountability import search as search_module
from minyi.accountability.search import SearchQuery, search
from minyi.accountability.search_index import SearchTokens, facets
from minyi.db.session import Database, make_engine
from minyi.pipeline.privacy import mask_text
from minyi.schema.migrate import upgrade

DATA = Path(__file__).resolve().parents[2] / "shared" / "data" / "tipdm2020_smart_gov" / "official"
PG_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/minyi_bench_search"
SQLITE_PATH = "/tmp/minyi_bench_search.db"  # noqa: S108 - a throw-away bench file
SENTENCE = re.compile(r"[^。！？!?；;\n]+[。！？!?；;]?")
DEPARTMENTS = 20
CATEGORIES = 30
REGIONS = [f"A市A{i}区" for i in range(1, 16)]
STATUSES = (("closed", 0.8), ("follow_up", 0.1), ("replied", 0.1))
START = datetime(2017, 1, 1, tzinfo=UTC)
SPAN_HOURS = 4 * 365 * 24
SQLITE_TIME = "%Y-%m-%d %H:%M:%S.%f"  # how SQLAlchemy stores a (UTC) time in SQLite


def _sentences(values: list[str]) -> list[str]:
    """The sentences of ``values`` of 8 to 120 characters, masked."""
    found = []
    for value in values:
        for raw in SENTENCE.findall(value or ""):
            part = raw.strip()
            if 8 <= len(part) <= 120:
                found.append(mask_text(part))
    return found


def load_pool() -> tuple[list[str], list[str], list[str]]:
    """Titles, message sentences and answer sentences of 附件2 and 附件4, masked."""
    titles, bodies, replies = [], [], []
    for name, has_reply in (("附件2（测试数据）.xlsx", False), ("附件4.xlsx", True)):
        sheet = load_workbook(DATA / name, read_only=True).worksheets[0]
        rows = sheet.iter_rows(values_only=True)
        header = list(next(rows))
        for row in rows:
            item = dict(zip(header, row, strict=False))
            titles.append(mask_text(str(item.get("留言主题") or "")))
            bodies.append(str(item.get("留言详情") or ""))
            if has_reply:
                replies.append(str(item.get("答复意见") or ""))
    return [t for t in titles if t], _sentences(bodies), _sentences(replies)


class Pool:
    """Masked texts with their tokens, segmented once."""

    def __init__(self) -> None:
        """Read and segment the sentences."""
        words = SearchTokens()
        titles, bodies, replies = load_pool()
        self.titles = [(t, words.document(t).split()) for t in titles]
        self.bodies = [(s, words.document(s).split()) for s in bodies]
        self.replies = [(s, words.document(s).split()) for s in replies]
        print(
            f"pool: {len(self.titles)} titles, {len(self.bodies)} message and {len(self.replies)} answer sentences"
        )

    def document(self, rnd: random.Random) -> tuple[str, str, str, str]:
        """A title, a message, an answer and the space-joined tokens of all three."""
        title = rnd.choice(self.titles)
        body = [rnd.choice(self.bodies) for _ in range(rnd.randint(2, 3))]
        reply = [rnd.choice(self.replies) for _ in range(rnd.randint(1, 2))]
        tokens = dict.fromkeys(title[1])
        for _, toks in (*body, *reply):
            tokens.update(dict.fromkeys(toks))
        return title[0], "".join(s for s, _ in body), "".join(s for s, _ in reply), " ".join(tokens)


def rows(pool: Pool, n: int, seed: int = 14):
    """N index rows (id, case_id, number, texts, filters, times, tokens)."""
    rnd = random.Random(seed)
    statuses, weights = zip(*STATUSES, strict=True)
    for i in range(1, n + 1):
        title, body, reply, tokens = pool.document(rnd)
        received = START + timedelta(hours=SPAN_HOURS * i // n, minutes=rnd.randint(0, 59))
        department, category = (
            f"dept-{rnd.randrange(DEPARTMENTS):02d}",
            f"cat-{rnd.randrange(CATEGORIES):02d}",
        )
        region, status = rnd.choice(REGIONS), rnd.choices(statuses, weights)[0]
        tokens = " ".join([tokens, *facets(department, status, region)])  # as search_index writes them
        answered = received + timedelta(days=rnd.randint(1, 20))
        ids = (i, f"bench-{i:012d}", f"B{i:010d}")
        yield (
            *ids,
            title[:500],
            body,
            reply,
            department,
            category,
            region,
            status,
            received,
            answered,
            tokens,
        )


COLUMNS = "id, case_id, number, title, body, reply, department_id, category_id, region, status, received_at, replied_at"


def _reference_rows() -> tuple[list[tuple[str, str, str]], list[tuple[str, str, int, str]]]:
    """The departments and categories the rows point at."""
    departments = [(f"dept-{i:02d}", f"BD{i:02d}", f"部门{i}") for i in range(DEPARTMENTS)]
    categories = [(f"cat-{i:02d}", f"分类{i}", 1, f"分类{i}") for i in range(CATEGORIES)]
    return departments, categories


def fresh_postgres(url: str) -> None:
    """Drop and create the bench database."""
    sa_url = make_url(url)
    admin = create_engine(sa_url.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{sa_url.database}" WITH (FORCE)'))
        conn.execute(text(f'CREATE DATABASE "{sa_url.database}"'))
    admin.dispose()


def load_postgres(url: str, pool: Pool, n: int) -> None:
    """Migrate, then COPY the rows in and build the tsvectors and the GIN index once."""
    fresh_postgres(url)
    engine = make_engine(url)
    upgrade(engine)
    engine.dispose()
    started = time.perf_counter()
    plain = make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)
    with psycopg.connect(plain) as conn, conn.cursor() as cur:
        departments, categories = _reference_rows()
        cur.executemany(
            "INSERT INTO departments (id, code, name, created_at, updated_at) VALUES (%s, %s, %s, now(), now())",
            departments,
        )
        cur.executemany(
            "INSERT INTO categories (id, name, level, path, created_at, updated_at) VALUES (%s, %s, %s, %s, now(), now())",
            categories,
        )
        cur.execute("ALTER TABLE public_search DROP CONSTRAINT fk_public_search_case_id_cases")
        cur.execute("DROP INDEX ix_public_search_search_vector")
        cur.execute(f"CREATE UNLOGGED TABLE stage AS SELECT {COLUMNS} FROM public_search WITH NO DATA")  # noqa: S608
        cur.execute("ALTER TABLE stage ADD COLUMN tokens text")
        with cur.copy(f"COPY stage ({COLUMNS}, tokens) FROM STDIN") as copy:
            for row in rows(pool, n):
                copy.write_row(row)
        print(f"  COPY {n} rows: {time.perf_counter() - started:.0f} s")
        cur.execute(
            f"INSERT INTO public_search ({COLUMNS}, search_vector) "  # noqa: S608 - constants
            f"SELECT {COLUMNS}, strip(to_tsvector('simple', tokens)) FROM stage"
        )
        cur.execute("DROP TABLE stage")
        print(f"  rows + tsvector: {time.perf_counter() - started:.0f} s")
        cur.execute("CREATE INDEX ix_public_search_search_vector ON public_search USING gin (search_vector)")
        print(f"  GIN index: {time.perf_counter() - started:.0f} s")
        conn.commit()
    with psycopg.connect(plain, autocommit=True) as conn:
        conn.execute("VACUUM ANALYZE public_search")
    print(f"loaded PostgreSQL in {time.perf_counter() - started:.0f} s")


def load_sqlite(path: str, pool: Pool, n: int) -> None:
    """Migrate, then insert the rows and their FTS5 entries in chunks."""
    Path(path).unlink(missing_ok=True)
    engine = make_engine(f"sqlite:///{path}")
    upgrade(engine)
    engine.dispose()
    started = time.perf_counter()
    conn = sqlite3.connect(path)
    conn.execute("PRAGMA foreign_keys = OFF")
    conn.execute("PRAGMA journal_mode = WAL")
    conn.execute("PRAGMA synchronous = OFF")
    departments, categories = _reference_rows()
    conn.executemany(
        "INSERT INTO departments (id, code, name, created_at, updated_at) VALUES (?, ?, ?, '2019-01-01', '2019-01-01')",
        departments,
    )
    conn.executemany(
        "INSERT INTO categories (id, name, level, path, created_at, updated_at) "
        "VALUES (?, ?, ?, ?, '2019-01-01', '2019-01-01')",
        categories,
    )
    chunk: list[tuple] = []
    marks = ", ".join("?" * 12)
    for row in rows(pool, n):
        chunk.append(row)
        if len(chunk) == 20_000:
            _sqlite_chunk(conn, chunk, marks)
            chunk = []
    _sqlite_chunk(conn, chunk, marks)
    conn.execute("INSERT INTO public_search_fts (public_search_fts) VALUES ('optimize')")
    conn.commit()
    conn.execute("ANALYZE")
    conn.close()
    print(
        f"loaded SQLite in {time.perf_counter() - started:.0f} s ({Path(path).stat().st_size / 1e9:.1f} GB)"
    )


def _sqlite_chunk(conn: sqlite3.Connection, chunk: list[tuple], marks: str) -> None:
    """Insert one chunk of rows and their FTS5 entries."""
    if not chunk:
        return
    conn.executemany(
        f"INSERT INTO public_search ({COLUMNS}) VALUES ({marks})",  # noqa: S608 - constants
        [(*row[:10], row[10].strftime(SQLITE_TIME), row[11].strftime(SQLITE_TIME)) for row in chunk],
    )
    conn.executemany(
        "INSERT INTO public_search_fts (rowid, tokens) VALUES (?, ?)", [(row[0], row[12]) for row in chunk]
    )
    conn.commit()


def word_classes(pool: Pool) -> tuple[list[str], list[str]]:
    """Common words (in the top 30 by sentence frequency) and rare ones (in 3 to 5 sentences)."""
    counts = Counter(word for _, toks in (*pool.bodies, *pool.replies, *pool.titles) for word in set(toks))
    query = SearchTokens()
    counts = Counter(
        {word: n for word, n in counts.items() if query.query(word) == [word]}
    )  # searchable alone
    ranked = [word for word, _ in counts.most_common()]
    common = ranked[:30]
    rare = [word for word, count in counts.items() if 3 <= count <= 5 and len(word) >= 2]
    return common, rare


def queries(pool: Pool, count: int) -> dict[str, list[SearchQuery]]:
    """``count`` queries of each class."""
    rnd = random.Random(7)
    common, rare = word_classes(pool)
    day = date(2018, 6, 1)
    return {
        "common word": [SearchQuery(text=rnd.choice(common)) for _ in range(count)],
        "rare word": [SearchQuery(text=rnd.choice(rare)) for _ in range(count)],
        "two words (common + rare)": [
            SearchQuery(text=f"{rnd.choice(common)} {rnd.choice(rare)}") for _ in range(count)
        ],
        "two common words": [SearchQuery(text=" ".join(rnd.sample(common, 2))) for _ in range(count)],
        "common word + department": [
            SearchQuery(text=rnd.choice(common), department=f"BD{rnd.randrange(DEPARTMENTS):02d}")
            for _ in range(count)
        ],
        "rare word + department": [
            SearchQuery(text=rnd.choice(rare), department=f"BD{rnd.randrange(DEPARTMENTS):02d}")
            for _ in range(count)
        ],
        "common word + status replied": [
            SearchQuery(text=rnd.choice(common), status="replied") for _ in range(count)
        ],
        "common word + one month": [
            SearchQuery(text=rnd.choice(common), date_from=day, date_to=day + timedelta(days=30))
            for _ in range(count)
        ],
        "common word + department + region": [
            SearchQuery(
                text=rnd.choice(common),
                department=f"BD{rnd.randrange(DEPARTMENTS):02d}",
                region=rnd.choice(REGIONS),
            )
            for _ in range(count)
        ],
        "common word + category": [
            SearchQuery(text=rnd.choice(common), category=f"cat-{rnd.randrange(CATEGORIES):02d}")
            for _ in range(count)
        ],
        "department + region (no words)": [
            SearchQuery(department=f"BD{rnd.randrange(DEPARTMENTS):02d}", region=rnd.choice(REGIONS))
            for _ in range(count)
        ],
        "common word, page 10": [SearchQuery(text=rnd.choice(common), page=10) for _ in range(count)],
    }


def _server_cpu(pid: int | None) -> int:
    """Nanoseconds the database server process ``pid`` has run on a CPU (0 for SQLite)."""
    if pid is None:
        return 0
    return int(Path(f"/proc/{pid}/schedstat").read_text().split()[0])


def _percentiles(values: list[float]) -> tuple[float, float]:
    """p50 and p95 of ``values``."""
    ordered = sorted(values)
    return statistics.median(ordered), ordered[max(0, int(len(ordered) * 0.95) - 1)]


class Walks:
    """Counts the PostgreSQL searches answered by a newest-first walk (``search_walk``)."""

    def __init__(self) -> None:
        """Wrap the search module's ``walk``."""
        self.complete = 0
        self._walk = search_module.walk
        search_module.walk = self

    def __call__(self, *args, **kwargs):
        """Walk, and count the walks that answered (not those that fell back to GIN)."""
        walked = self._walk(*args, **kwargs)
        self.complete += walked.complete
        return walked


def measure(database: Database, pool: Pool, count: int) -> None:
    """Print wall-clock and CPU p50/p95 per query class (ms), the typical number found and
    how many queries a newest-first walk answered (PostgreSQL; the others went through GIN).

    CPU is this thread's CPU time plus, on PostgreSQL, the server backend's (its
    ``/proc/PID/schedstat``): what a query costs, apart from waiting for a CPU on a loaded
    machine.
    """
    walks = Walks()
    load = Path("/proc/loadavg").read_text().split()[0]
    print(f"load average at start: {load} on {os.cpu_count()} CPUs")
    print(
        f"{'query class':34} {'wall p50':>9} {'wall p95':>9} {'CPU p50':>8} {'CPU p95':>8} {'found':>7} {'walked':>7}"
    )
    for name, batch in queries(pool, count).items():
        walls, cpus, totals = [], [], []
        with database.session() as session:
            pid = None if database.is_sqlite else session.scalar(text("SELECT pg_backend_pid()"))
            search(session, batch[0])  # warm the connection and the plan cache
            walks.complete = 0
            for query in batch:
                server, cpu, started = _server_cpu(pid), time.thread_time_ns(), time.perf_counter()
                result = search(session, query)
                walls.append((time.perf_counter() - started) * 1000)
                cpus.append((time.thread_time_ns() - cpu + _server_cpu(pid) - server) / 1e6)
                totals.append(result.total)
        found = statistics.median(totals)
        shown = f">{found - 1:.0f}" if found > 1000 else f"{found:.0f}"
        wall, cpu_ms = _percentiles(walls), _percentiles(cpus)
        print(
            f"{name:34} {wall[0]:9.1f} {wall[1]:9.1f} {cpu_ms[0]:8.1f} {cpu_ms[1]:8.1f} {shown:>7} {walks.complete:>7}"
        )


def main() -> None:
    """Load (unless --skip-load) and measure."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--engine", choices=("postgresql", "sqlite"), default="postgresql")
    parser.add_argument("--cases", type=int, default=1_000_000)
    parser.add_argument("--queries", type=int, default=200, help="queries per class")
    parser.add_argument("--pg-url", default=PG_URL)
    parser.add_argument("--sqlite", default=SQLITE_PATH)
    parser.add_argument("--skip-load", action="store_true", help="measure the index already loaded")
    parser.add_argument("--load-only", action="store_true", help="load, do not measure")
    args = parser.parse_args()
    pool = Pool()
    url = args.pg_url if args.engine == "postgresql" else f"sqlite:///{args.sqlite}"
    if not args.skip_load:
        if args.engine == "postgresql":
            load_postgres(url, pool, args.cases)
        else:
            load_sqlite(args.sqlite, pool, args.cases)
    if args.load_only:
        return
    database = Database(url)
    with database.session() as session:
        indexed = session.scalar(text("SELECT count(*) FROM public_search"))
    print(f"{args.engine}: {indexed} public cases indexed; {args.queries} queries per class")
    measure(database, pool, args.queries)


if __name__ == "__main__":
    main()
