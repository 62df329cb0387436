"""The big screen's 已超期, the briefing's 超期未答复 and the scorecard at 100k cases, 50k at the desk.

They judged a case never accepted by applying the deadline rules to it in Python, case by case,
on every refresh: the screen and the briefing read the facts of every desk case (first message,
events, ratings) to do it. They now read the rules' deadline stored at the desk
(``cases.desk_due_at``): one SQL count for the screen and the briefing, the column for the
scorecard. The bench fills the data of ``bench/bench_desk_due.py`` (100 000 cases of one
message, 50 000 received over 120 days and never accepted, the rest closed), fills
``desk_due_at`` as migration 0030 does, then times before (the release before's code, rebuilt
here or patched back in) and after, and checks both give the same numbers.

    .venv/bin/python bench/bench_desk_aggregates.py --engine sqlite
    .venv/bin/python bench/bench_desk_aggregates.py --engine postgresql --url postgresql+psycopg://…/db
"""

# ruff: noqa: SLF001 - the release before's private helpers, rebuilt or called as they were

from __future__ import annotations

import argparse
import os
import time
from collections.abc import Callable
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import bindparam, func, select, update

from bench_desk_due import fresh, load, timed
from minyi.accountability import briefing, facts, refresh, screen
from minyi.cases import desk_due
from minyi.cases.models import Case
from minyi.cases.rules import deadline_policy, due_by_rules
from minyi.db.session import Database

TZ = ZoneInfo("Asia/Shanghai")


def old_deadline_in_force(row: Any, rules: facts.Rules, arrival: datetime) -> datetime | None:
    """The release before's :func:`facts.deadline_in_force`: the rules applied to every undated case."""
    answered_before = row.replied_at is not None and (
        row.accepted_at is None or row.accepted_at > row.replied_at
    )
    if not answered_before and row.due_at is not None:
        return row.due_at  # type: ignore[no-any-return]
    path = rules.paths.get(row.category_id or "")
    return due_by_rules(rules.policy, arrival, row.appeal_kind, path, urgent=bool(row.urgent))


def old_overdue_without_due(session: Any, rules: facts.Rules, ids: Any, at: datetime) -> dict[str, datetime]:
    """The release before's :func:`facts.overdue_without_due` (every desk case's facts, the rules)."""
    found = {}
    for row in facts.stream_facts(session, None, ids=ids):
        deadline = old_deadline_in_force(row, rules, row.arrival or row.created_at)
        if deadline is not None and deadline < at:
            found[row.id] = deadline
    return found


def old_screen_overdue(session: Any, now: datetime) -> int:
    """The release before's 已超期 of the screen."""
    rules = screen._rules(session, now)
    waiting = Case.status.in_(screen.IN_PROGRESS)
    dated = session.scalar(select(func.count(Case.id)).where(waiting, Case.due_at < now)) or 0
    undated = select(Case.id).where(waiting, Case.due_at.is_(None))
    return int(dated) + len(old_overdue_without_due(session, rules, undated, now))


def old_briefing_overdue(session: Any, period: Any, rules: facts.Rules) -> tuple[int, tuple[Any, ...]]:
    """The release before's ``briefing._overdue``."""
    at = min(period.end, rules.now)
    query = select(Case).where(Case.due_at < at, *briefing._waiting_at(at))
    total = session.scalar(select(func.count()).select_from(query.subquery())) or 0
    undated = select(Case.id).where(Case.due_at.is_(None), *briefing._waiting_at(at))
    deadlines = old_overdue_without_due(session, rules, undated, at)
    lines = [
        briefing._case_line(c) for c in session.scalars(query.order_by(Case.due_at, Case.number).limit(50))
    ]
    earliest = sorted(deadlines, key=lambda ident: (deadlines[ident], ident))[:50]
    found = session.scalars(select(Case).where(Case.id.in_(earliest)))
    lines.extend(replace(briefing._case_line(case), due_at=deadlines[case.id]) for case in found)
    lines.sort(key=lambda line: (line.due_at or at, line.number))
    return int(total) + len(deadlines), tuple(lines[:50])


def answer_the_closed(database: Database) -> int:
    """Give the closed cases of ``load`` what a closed case has: accepted, due in 20 days, answered.

    Answered 0 to 29 days after arrival (a third late), closed a day after. Without it they
    would be closed cases with no answer nor closing time, counted as open at any past moment.
    """
    cases = Case.__table__.c
    write = (
        update(Case.__table__)
        .where(cases.id == bindparam("case_id"))
        .values(
            accepted_at=bindparam("at"), due_at=bindparam("due"), replied_at=bindparam("replied"),
            closed_at=bindparam("closed"),
        )
    )  # fmt: skip
    with database.session() as session:
        rows = session.execute(select(cases.id, cases.created_at).where(cases.status == "closed")).all()
        params = [
            {
                "case_id": ident, "at": at, "due": at + timedelta(days=20),
                "replied": at + timedelta(days=n % 30), "closed": at + timedelta(days=n % 30 + 1),
            }
            for n, (ident, at) in enumerate(rows)
        ]  # fmt: skip
        for start in range(0, len(params), 5000):
            session.execute(write, params[start : start + 5000])
        session.commit()
    return len(params)


def same(old: object, new: object) -> bool:
    """Whether two results agree; a briefing's lines by their deadlines.

    Among cases of one deadline (a batch of old messages due at the same 17:30) the release
    before listed the first 50 by id, now by case number: the same deadlines, other numbers.
    """
    if isinstance(old, tuple) and len(old) == 2 and isinstance(old[1], tuple):
        return old[0] == new[0] and [x.due_at for x in old[1]] == [y.due_at for y in new[1]]  # type: ignore[index]
    return old == new


def compare(name: str, before: Callable[[], object], after: Callable[[], object], repeat: int) -> None:
    """Time both, print them, and say whether they agree."""
    old_ms, old = timed(before, repeat)
    new_ms, new = timed(after, repeat)
    shown = old if isinstance(old, int) else f"{old[0] if isinstance(old[0], int) else old[1]} cases"  # type: ignore[index]
    print(f"{name}: before {old_ms:,.0f} ms, after {new_ms:,.0f} ms ({shown}; same: {same(old, new)})")


def scorecard(session: Any, now: datetime, old: bool) -> object:
    """Every month's cells of the scorecard (a full refresh's counting), by the old or new deadline."""
    rules = refresh.make_rules(session, 24.0, now)
    kept = facts.deadline_in_force
    facts.deadline_in_force = old_deadline_in_force if old else kept  # type: ignore[assignment]
    try:
        return refresh.count_cells(session, rules, None)
    finally:
        facts.deadline_in_force = kept  # type: ignore[assignment]


def main() -> None:
    """Fill, store the desk's deadlines, then time each aggregate before and after."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--engine", choices=("sqlite", "postgresql"), default="sqlite")
    parser.add_argument("--url", default="postgresql+psycopg://postgres@127.0.0.1:5432/minyi_bench_desk_agg")
    parser.add_argument("--cases", type=int, default=100_000)
    parser.add_argument("--desk", type=int, default=50_000)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    os.environ.setdefault("MINYI_ENV", "test")
    url = fresh(args.engine, args.url)
    database = Database(url)
    began = time.perf_counter()
    load(database, args.cases, args.desk)
    answered = answer_the_closed(database)
    print(
        f"load: {args.cases} cases, {args.desk} at the desk, {answered} answered and closed, "
        f"{time.perf_counter() - began:.0f} s ({args.engine})"
    )
    now = datetime.now(UTC)
    with database.session() as session:
        desk_due.recount_waiting(session.connection(), deadline_policy(session))
        session.commit()
        compare(
            "screen 已超期",
            lambda: old_screen_overdue(session, now),
            lambda: screen.counts(session, now, TZ)["overdue"],
            args.repeat,
        )
        rules = screen._rules(session, now)
        period = briefing.period_of("month", now.astimezone(TZ).date(), TZ)
        compare(
            "briefing 超期未答复 (month)",
            lambda: old_briefing_overdue(session, period, rules),
            lambda: briefing._overdue(session, period, rules),
            args.repeat,
        )
        compare(
            "scorecard, every month counted",
            lambda: scorecard(session, now, old=True),
            lambda: scorecard(session, now, old=False),
            1,
        )
    database.engine.dispose()


if __name__ == "__main__":
    main()
