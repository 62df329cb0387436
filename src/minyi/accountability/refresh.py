"""``minyi stats refresh``: rewrite the aggregate rows of the months whose cases changed.

Incremental by default. The months to rewrite are those of the cases with an event
recorded since the last refresh began (every change of a case appends an event; ids are
time-ordered, so "recorded since" holds even for back-dated events), plus the months of
the cases whose deadline or sign-for limit passed since then (a late case turns late
without any event). ``full`` rewrites every month. The level-7 rows (month × department
× region × category) are counted in Python from :mod:`minyi.accountability.facts`; the
roll-ups (levels 0–6) are summed from them by the database. The caller commits: the
months are replaced in one transaction, so a page never sees half a refresh.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import and_, delete, func, insert, literal, select, true
from sqlalchemy.orm import Session

from minyi.accountability import facts, sign_for
from minyi.accountability.models import CATEGORY, CELLS, DEPARTMENT, REGION, ScorecardRefresh
from minyi.cases.models import ANSWERED_STATUSES, Case, CaseEvent, CaseStatus
from minyi.cases.rules import deadline_policy
from minyi.core.localtime import zone
from minyi.db.base import id_floor, utcnow
from minyi.intake.models import Message

log = logging.getLogger(__name__)

#: Events recorded this long before the last refresh began are looked at again (clock skew
#: between servers; rewriting a month twice is harmless).
MARGIN = timedelta(minutes=5)
INSERT_CHUNK = 2000
DEFAULT_SIGN_FOR_HOURS = 24.0
Progress = Callable[[int, int], None]  # (done, total) cases


@dataclass(frozen=True)
class RefreshReport:
    """What a refresh did."""

    full: bool
    months: list[str]
    cases: int
    cells: int
    seconds: float


def _month_range(month: str, rules: facts.Rules) -> tuple[datetime, datetime]:
    """The UTC start and end of a local month ``YYYY-MM``."""
    year, number = int(month[:4]), int(month[5:7])
    start = datetime(year, number, 1, tzinfo=rules.zone)
    end = datetime(year + number // 12, number % 12 + 1, 1, tzinfo=rules.zone)
    return start.astimezone(UTC), end.astimezone(UTC)


def last_refresh(session: Session) -> ScorecardRefresh | None:
    """The last refresh that finished, if any."""
    query = (
        select(ScorecardRefresh)
        .where(ScorecardRefresh.finished_at.is_not(None))
        .order_by(ScorecardRefresh.started_at.desc())
        .limit(1)
    )
    return session.scalar(query)


def _arrival_months(session: Session, case_ids: Any, rules: facts.Rules) -> set[str]:
    """The months of the cases selected by ``case_ids`` (a subquery)."""
    arrival = func.min(func.coalesce(Message.submitted_at, Message.received_at))
    found: set[str] = set()
    rows = session.execute(
        select(Message.case_id, arrival).where(Message.case_id.in_(case_ids)).group_by(Message.case_id)
    )
    for _case_id, moment in rows:
        if moment is not None:
            found.add(facts.month_of(_aware(moment), rules.zone))
    no_message = select(Case.created_at).where(
        Case.id.in_(case_ids), ~select(Message.id).where(Message.case_id == Case.id).exists()
    )
    found.update(facts.month_of(moment, rules.zone) for moment in session.scalars(no_message))
    return found


def _aware(moment: datetime | str) -> datetime:
    """An aggregate's time (SQLite gives text) as an aware UTC datetime."""
    if isinstance(moment, str):
        moment = datetime.fromisoformat(moment)
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def touched_months(session: Session, since: datetime, rules: facts.Rules) -> set[str]:
    """Months of the cases changed since ``since``, or turned late since then.

    Cases still waiting to be signed for, or without a deadline of their own, may turn late
    at any moment without an event: their months are always looked at again.
    """
    changed = select(CaseEvent.case_id).where(CaseEvent.id >= id_floor(since)).distinct().scalar_subquery()
    waiting = [s.value for s in CaseStatus if s not in ANSWERED_STATUSES]
    late = (
        select(Case.id)
        .where(Case.status.in_(waiting), Case.due_at > since, Case.due_at <= rules.now)
        .scalar_subquery()
    )
    unsigned = select(Case.id).where(Case.status == CaseStatus.DISPATCHED).scalar_subquery()
    # never accepted: no due_at, but the rules' deadline counts (facts._deadline) and passes
    # with no event (time probe: only a --full refresh counted such a case late)
    undated = select(Case.id).where(Case.status.in_(waiting), Case.due_at.is_(None)).scalar_subquery()
    months: set[str] = set()
    for ids in (changed, late, unsigned, undated):
        months |= _arrival_months(session, ids, rules)
    return months


def make_rules(session: Session, sign_for_hours: float, now: datetime | None = None) -> facts.Rules:
    """The rules a refresh judges cases by, read now."""
    roots, paths = facts.category_maps(session)
    return facts.Rules(
        now=now or utcnow(),
        sign_for=timedelta(hours=sign_for_hours),
        policy=deadline_policy(session),
        zone=zone(),
        roots=roots,
        paths=paths,
    )


def count_cells(
    session: Session,
    rules: facts.Rules,
    months: set[str] | None,
    progress: Progress | None = None,
) -> tuple[dict[facts.Key, list[int]], int]:
    """Counts per level-7 cell of the cases of ``months`` (all months when ``None``), and the cases."""
    ranges = None if months is None else [_month_range(month, rules) for month in sorted(months)]
    total = (session.scalar(select(func.count()).select_from(Case)) or 0) if progress is not None else 0
    cells: dict[facts.Key, list[int]] = {}
    seen = counted = 0
    for row, held in sign_for.with_holdings(session, facts.stream_facts(session, ranges)):
        seen += 1
        key = facts.key_of(row, rules)
        if key is not None and (months is None or key[0] in months):
            month, _, region, category = key

            def cell(department: str) -> list[int]:
                return cells.setdefault((month, department, region, category), [0] * facts.WIDTH)  # noqa: B023

            facts.count_into(row, rules, held, cell)
            counted += 1
        if progress is not None and seen % 10_000 == 0:
            progress(seen, max(total, seen))
    if progress is not None:
        progress(seen, max(total, seen))
    return cells, counted


def _write(session: Session, cells: dict[facts.Key, list[int]], months: set[str] | None) -> int:
    """Replace the rows of ``months`` (all rows when ``None``) by ``cells`` and their roll-ups."""
    table = CELLS
    wipe = delete(table) if months is None else delete(table).where(table.c.month.in_(sorted(months)))
    session.execute(wipe)
    if session.get_bind().dialect.name == "postgresql":
        _copy_cells(session, cells)
    else:
        _insert_cells(session, cells)
    for level in range(7):
        session.execute(_rollup(level, months))
    return session.scalar(select(func.count()).select_from(table).where(_months(months))) or 0


KEY_COLUMNS = ("month", "level", "department_id", "region", "category_id")


def _insert_cells(session: Session, cells: dict[facts.Key, list[int]]) -> None:
    """The level-7 rows, inserted in chunks (SQLite)."""
    names = list(facts.INDEX)
    rows = [
        dict(zip(KEY_COLUMNS, (m, 7, d, r, c), strict=True)) | dict(zip(names, v, strict=True))
        for (m, d, r, c), v in cells.items()
    ]
    for start in range(0, len(rows), INSERT_CHUNK):
        session.execute(insert(CELLS), rows[start : start + INSERT_CHUNK])


def _copy_cells(session: Session, cells: dict[facts.Key, list[int]]) -> None:
    """The level-7 rows through ``COPY`` in the session's transaction (PostgreSQL; ~20× an INSERT)."""
    driver = session.connection().connection.driver_connection
    columns = ", ".join((*KEY_COLUMNS, *facts.INDEX))
    with driver.cursor() as cursor, cursor.copy(f"COPY scorecard_cells ({columns}) FROM STDIN") as copy:  # type: ignore[union-attr]
        for (month, department, region, category), values in cells.items():
            copy.write_row((month, 7, department, region, category, *values))


def _months(months: set[str] | None) -> Any:
    table = CELLS
    return true() if months is None else table.c.month.in_(sorted(months))


def _rollup(level: int, months: set[str] | None) -> Any:
    """``INSERT … SELECT``: the level-``level`` rows summed from the level-7 rows of ``months``."""
    table = CELLS
    kept: dict[str, Any] = {}
    group: list[Any] = [table.c.month]
    for name, bit in (("department_id", DEPARTMENT), ("region", REGION), ("category_id", CATEGORY)):
        if level & bit:
            kept[name] = table.c[name]
            group.append(table.c[name])
        else:
            kept[name] = literal("")
    sums = [func.sum(table.c[name]) for name in facts.INDEX]
    source = (
        select(table.c.month, literal(level), *kept.values(), *sums)
        .where(and_(table.c.level == 7, _months(months)))  # noqa: PLR2004 - the full level
        .group_by(*group)
    )
    columns = ["month", "level", *kept, *facts.INDEX]
    return insert(table).from_select(columns, source)


def refresh(  # noqa: PLR0913 - keywords of `minyi stats refresh` and of tests
    session: Session,
    *,
    full: bool = False,
    sign_for_hours: float = DEFAULT_SIGN_FOR_HOURS,
    progress: Progress | None = None,
    now: datetime | None = None,
    margin: timedelta = MARGIN,
) -> RefreshReport:
    """Rewrite the aggregates of the changed months (every month when ``full``); the caller commits."""
    started = time.perf_counter()
    rules = make_rules(session, sign_for_hours, now)
    previous = None if full else last_refresh(session)
    run = ScorecardRefresh(started_at=rules.now, full=previous is None)
    months = None if previous is None else touched_months(session, previous.started_at - margin, rules)
    cells, counted = ({}, 0) if months == set() else count_cells(session, rules, months, progress)
    written = _write(session, cells, months) if months != set() else 0
    run.months = sorted(months) if months is not None else sorted({key[0] for key in cells})
    run.cases, run.cells, run.finished_at = counted, written, utcnow()
    session.add(run)
    session.flush()
    report = RefreshReport(run.full, list(run.months), counted, written, time.perf_counter() - started)
    # debug: `minyi stats refresh`, its only caller, prints the same line as its result
    log.debug("scorecard refresh (%s): %d months, %d cases, %d rows", "full" if run.full else "incremental",
             len(report.months), counted, written)  # fmt: skip
    return report


def refresh_months(
    session: Session, months: Iterable[str], sign_for_hours: float = DEFAULT_SIGN_FOR_HOURS
) -> int:
    """Rewrite the given months now (tests, and a caller that knows what it changed); rows written."""
    wanted = set(months)
    rules = make_rules(session, sign_for_hours)
    cells, _ = count_cells(session, rules, wanted)
    return _write(session, cells, wanted)


def counts_between(
    session: Session,
    start: datetime,
    end: datetime,
    *,
    sign_for_hours: float = DEFAULT_SIGN_FOR_HOURS,
    now: datetime | None = None,
) -> dict[str, dict[str, int]]:
    """Counts per department id (``""``: none yet) of the cases that arrived in ``[start, end)``.

    For periods the monthly aggregates do not fit (a briefing's day or week): the same facts
    and the same definitions as the scorecard, read from the cases themselves, so keep the
    period short. Pass a department's counts to :meth:`Figure.value
    <minyi.accountability.definitions.Figure.value>` for its figures; sum them for the total.
    """
    rules = make_rules(session, sign_for_hours, now)
    names = list(facts.INDEX)
    found: dict[str, list[int]] = {}
    for row, held in sign_for.with_holdings(session, facts.stream_facts(session, [(start, end)])):
        arrival = row.arrival or row.created_at
        if row.merged or not start <= arrival < end:
            continue
        facts.count_into(row, rules, held, lambda department: found.setdefault(department, [0] * facts.WIDTH))
    return {key: dict(zip(names, values, strict=True)) for key, values in found.items()}
