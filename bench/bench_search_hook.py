"""What the public search index's session hook costs the writers that change no searchable text.

Builds ``--cases`` closed, published cases (a real text of ``/work/shared/data`` each, six in
ten with a contact, the contact's name also in one title in ten) through the case services,
``--open`` open cases and ``--replied`` answered ones, then times, each in its own
transaction as the commands and pages commit them:

1. ``purge_contacts`` (``minyi retention run``) in batches of ``--batch``;
2. dispatching the open cases (the bulk dispatch page: one transaction);
3. supervising the answered, listed cases (督办: columns the index does not hold).

For each it prints the wall time, the time inside :func:`search_index.sync_cases` and how
many cases the hook re-indexed. Run it with ``PYTHONPATH`` on two checkouts to compare.

Run: ``python bench/bench_search_hook.py [--url postgresql://…/minyi_test_x]`` (SQLite in a
temporary file by default).
"""

from __future__ import annotations

import argparse
import csv
import sys
import tempfile
import time
from collections.abc import Callable, Iterable
from datetime import timedelta
from pathlib import Path

from sqlalchemy.orm import Session

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_dashboard import fresh
from minyi.accountability import search_index
from minyi.cases import services, workflow
from minyi.cases.models import Case
from minyi.db.base import utcnow
from minyi.db.session import make_engine
from minyi.demo import factories
from minyi.flows.retention import purge_contacts
from minyi.schema.migrate import upgrade

TEXTS = Path("/work/shared/data/tipdm2020_smart_gov/attachment2_raw_subset/dev.csv")
SURNAMES, GIVEN = "王李张刘陈杨赵黄周吴徐孙", "建国秀英志强丽娟海涛明辉桂兰文"


class Counted:
    """Wraps ``search_index.sync_cases``: the cases it was given and the time spent in it."""

    def __init__(self) -> None:
        self.cases, self.seconds = 0, 0.0
        self.inner = search_index.sync_cases

    def __call__(self, session: Session, case_ids: Iterable[str]) -> int:
        ids = list(case_ids)
        start = time.perf_counter()
        try:
            return self.inner(session, ids)
        finally:
            self.seconds += time.perf_counter() - start
            self.cases += len(ids)


def texts(count: int) -> list[tuple[str, str]]:
    """``count`` (title, body) pairs of the real messages, cycled."""
    rows = []
    with TEXTS.open(encoding="utf-8-sig") as handle:
        for row in csv.reader(handle):
            if len(row) >= 2 and len(row[1].strip()) > 40:
                whole = row[1].strip()
                rows.append((whole[:20], whole[20:600]))
    return [rows[i % len(rows)] for i in range(count)]


def build(session: Session, closed: int, open_: int, replied: int) -> None:
    """The cases of the run, committed."""
    dept = factories.make_department(session)
    for i, (title, body) in enumerate(texts(closed + open_ + replied)):
        fields: dict[str, object] = {"title": title, "body": body, "is_public": True}
        if i % 10 < 6:
            name = SURNAMES[i % len(SURNAMES)] + GIVEN[i % len(GIVEN)] + GIVEN[(i * 7) % len(GIVEN)]
            fields["contact"] = {"name": name, "phone": f"139{i:08d}"}
            if i % 10 == 0:
                fields["title"] = f"{name}反映{title}"
        status = "closed" if i < closed else "accepted" if i < closed + open_ else "replied"
        routed = {} if status == "accepted" else {"department": dept}
        case = factories.make_case(session, status=status, key=f"k{i}", **routed, **fields)
        if status == "closed":
            case.closed_at = utcnow() - timedelta(days=400)
    session.commit()


def timed(label: str, counted: Counted, work: Callable[[], None]) -> None:
    """Run ``work`` and print its time, the hook's share and the cases it re-indexed."""
    counted.cases, counted.seconds = 0, 0.0
    start = time.perf_counter()
    work()
    took = time.perf_counter() - start
    share = counted.seconds / took if took else 0
    print(f"{label}: {took:.2f} s, re-indexing {counted.seconds:.2f} s ({share:.0%}), {counted.cases} cases")


def main() -> None:
    """Build, then time the three writers."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--url", default="")
    parser.add_argument("--cases", type=int, default=1000)
    parser.add_argument("--open", type=int, default=300)
    parser.add_argument("--replied", type=int, default=300)
    parser.add_argument("--batch", type=int, default=500)
    args = parser.parse_args()
    scratch = tempfile.TemporaryDirectory()  # the SQLite file, removed at the end
    url = args.url or f"sqlite:///{scratch.name}/hook.db"
    if url.startswith("postgresql"):
        fresh(url)
    engine = make_engine(url)
    upgrade(engine)
    counted = Counted()
    search_index.sync_cases = counted  # type: ignore[assignment] # the hook calls it by name
    with Session(engine, expire_on_commit=False) as session:
        build(session, args.cases, args.open, args.replied)
        print(f"{url.split('://')[0]}, {args.cases} closed, {args.open} open, {args.replied} replied")

        def retention() -> None:
            while purge_contacts(session, 180, limit=args.batch).cases:
                session.commit()

        def dispatch() -> None:
            boss = factories.make_user(session, role="dispatcher")
            dept = factories.make_department(session)
            for case in session.query(Case).filter(Case.status == "accepted"):
                services.dispatch(session, boss, case, dept)
            session.commit()

        def supervise() -> None:
            chief = factories.make_user(session, role="supervisor")
            for case in session.query(Case).filter(Case.status == "replied"):
                workflow.supervise(session, chief, case, "请于三日内回访")
            session.commit()

        timed("retention run", counted, retention)
        timed("dispatch", counted, dispatch)
        timed("supervise", counted, supervise)
    engine.dispose()
    scratch.cleanup()


if __name__ == "__main__":
    main()
