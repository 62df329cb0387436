"""What each case counts for: one query reads the facts of many cases, one function counts them.

The facts of a case are read from what the case model records: its first message (the
arrival time and the region), the first ``dispatched``, sign-for (``status`` → ``signed``)
and ``replied`` events (each dispatch's sign-for is read apart: :mod:`.sign_for`), whether
it was merged into another case, its current deadline and answer time, how often it was
reopened and its last follow-up rating. :func:`count_case` turns them into the counts of
:data:`~minyi.accountability.definitions.COUNT_COLUMNS` and one reply-time bucket, by the
definitions of :mod:`minyi.accountability.definitions`.

Historical answers (a 附件4 file's 答复意见) were given before Minyi accepted the case:
their case's ``accepted_at`` and ``due_at`` are the import's time. Such a case is judged
against the deadline the rules give counted from its first message, and has no sign-for.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import ColumnElement, Select, and_, func, or_, select, type_coerce
from sqlalchemy import case as sql_case
from sqlalchemy.orm import Session

from minyi.accountability import sign_for
from minyi.accountability.definitions import BUCKET_COLUMNS, COUNT_COLUMNS, bucket_of
from minyi.accountability.regions import public_region
from minyi.accountability.sign_for import Holding
from minyi.cases.deadlines import DeadlinePolicy
from minyi.cases.models import (
    ANSWERED_STATUSES,
    Case,
    CaseEvent,
    CaseRating,
    CaseStatus,
    EventAction,
    Satisfaction,
)
from minyi.cases.rules import due_by_rules
from minyi.db.base import UTCDateTime
from minyi.departments.models import Category
from minyi.intake.models import Message

Key = tuple[str, str, str, str]  # month, department id, region, top-level category id
INDEX = {name: index for index, name in enumerate((*COUNT_COLUMNS, *BUCKET_COLUMNS))}
WIDTH = len(INDEX)
FIRST_BUCKET = len(COUNT_COLUMNS)
REGION_LENGTH = 200
RATED = frozenset({Satisfaction.SATISFIED, Satisfaction.BASICALLY, Satisfaction.UNSATISFIED})


@dataclass(frozen=True)
class Rules:
    """What judging a case needs besides its facts: the time, the limits, the local zone."""

    now: datetime
    sign_for: timedelta
    policy: DeadlinePolicy
    zone: ZoneInfo
    roots: dict[str, str]  # category id → its top-level category's id
    paths: dict[str, str]  # category id → path (for the deadline rules)


def category_maps(session: Session) -> tuple[dict[str, str], dict[str, str]]:
    """Category id → top-level ancestor id, and id → path (the tree is small)."""
    parents: dict[str, str | None] = {}
    paths: dict[str, str] = {}
    for ident, parent, path in session.execute(select(Category.id, Category.parent_id, Category.path)):
        parents[ident], paths[ident] = parent, path
    roots: dict[str, str] = {}
    for ident in parents:
        node, seen = ident, 0
        while parents.get(node) and seen < 10:  # noqa: PLR2004 - the tree has 3 levels; no cycle loops
            node, seen = parents[node] or node, seen + 1
        roots[ident] = node
    return roots, paths


def _when(condition: ColumnElement[bool]) -> ColumnElement[Any]:
    return func.min(type_coerce(sql_case((condition, CaseEvent.created_at)), UTCDateTime()))


def fact_query(
    ranges: Sequence[tuple[datetime, datetime]] | None, ids: Select[Any] | None = None
) -> Select[Any]:
    """The facts of every case, or (``ranges`` of UTC times) of the cases that may have arrived in them.

    A case qualifies when one of its messages, or the case itself, is dated in a range; its
    arrival (its earliest message) is checked by the caller, which keeps the right months.
    ``ids`` (a select of case ids) reads the facts of those cases instead: the big screen
    judges its open and recently answered cases by these same facts.
    """
    arrival = func.coalesce(Message.submitted_at, Message.received_at)
    candidates = ids.scalar_subquery() if ids is not None else None
    if ranges is not None:
        in_ranges = or_(*(and_(arrival >= lo, arrival < hi) for lo, hi in ranges))
        created = or_(*(and_(Case.created_at >= lo, Case.created_at < hi) for lo, hi in ranges))
        candidates = (
            select(Message.case_id)
            .where(Message.case_id.is_not(None), in_ranges)
            .union(select(Case.id).where(created))
        ).scalar_subquery()
    first = select(
        Message.case_id.label("case_id"),
        type_coerce(arrival, UTCDateTime()).label("arrival"),
        Message.region.label("region"),
        func.row_number().over(partition_by=Message.case_id, order_by=(arrival, Message.id)).label("rn"),
    ).where(Message.case_id.is_not(None))
    events = select(
        CaseEvent.case_id.label("case_id"),
        _when(CaseEvent.action == EventAction.DISPATCHED).label("dispatched"),
        _when(CaseEvent.to_status == CaseStatus.SIGNED).label("signed"),
        _when(CaseEvent.action == EventAction.REPLIED).label("first_reply"),
        func.max(sql_case((CaseEvent.action == EventAction.MERGED_INTO, 1), else_=0)).label("merged"),
    ).group_by(CaseEvent.case_id)
    ratings = select(
        CaseRating.case_id.label("case_id"),
        CaseRating.satisfaction.label("satisfaction"),
        CaseRating.solved.label("solved"),
        func.row_number()
        .over(partition_by=CaseRating.case_id, order_by=(CaseRating.created_at.desc(), CaseRating.id.desc()))
        .label("rn"),
    )
    query = select(
        Case.id, Case.created_at, Case.department_id, Case.category_id, Case.status, Case.appeal_kind,
        Case.urgent, Case.accepted_at, Case.due_at, Case.replied_at, Case.reopened_count,
        Case.sign_due_at, Case.desk_due_at,
    )  # fmt: skip
    if candidates is not None:
        first = first.where(Message.case_id.in_(candidates))
        events = events.where(CaseEvent.case_id.in_(candidates))
        ratings = ratings.where(CaseRating.case_id.in_(candidates))
        query = query.where(Case.id.in_(candidates))
    f, e, r = first.subquery(), events.subquery(), ratings.subquery()
    return (
        query.add_columns(
            f.c.arrival,
            f.c.region,
            e.c.dispatched,
            e.c.signed,
            e.c.first_reply,
            e.c.merged,
            r.c.satisfaction,
            r.c.solved,
        )
        .outerjoin(f, and_(f.c.case_id == Case.id, f.c.rn == 1))
        .outerjoin(e, e.c.case_id == Case.id)
        .outerjoin(r, and_(r.c.case_id == Case.id, r.c.rn == 1))
    )


def stream_facts(
    session: Session,
    ranges: Sequence[tuple[datetime, datetime]] | None,
    batch: int = 5000,
    ids: Select[Any] | None = None,
) -> Iterator[Any]:
    """The rows of :func:`fact_query`, streamed (a server-side cursor on PostgreSQL)."""
    query = fact_query(ranges, ids)
    result = session.execute(query.execution_options(stream_results=True, yield_per=batch))
    yield from result


def month_of(moment: datetime, zone: ZoneInfo) -> str:
    """The local month ``YYYY-MM`` of ``moment``."""
    local = moment.astimezone(zone)
    return f"{local.year:04d}-{local.month:02d}"  # strftime writes year 1 as "1", which no reader parses


def key_of(row: Any, rules: Rules) -> Key | None:
    """The cell a case counts in, or ``None`` for a case merged into another one."""
    if row.merged:
        return None
    arrival = row.arrival or row.created_at
    category = rules.roots.get(row.category_id or "", "")
    region = public_region(row.region)[:REGION_LENGTH]  # free text: only an area is published
    return month_of(arrival, rules.zone), row.department_id or "", region, category


def sign_counts(row: Any, rules: Rules, held: Sequence[Holding]) -> list[tuple[str, int, int]]:
    """(department id, counted for the sign-for rate, signed on time) of each dispatch of the case.

    Each department that held the case answers for its own sign-for (:mod:`.sign_for`):
    counted from the first dispatch alone, a case sent back late by one department and
    signed for at once by the next was late for the second (twelfth probe).
    """
    if row.dispatched is None:
        return []
    takes = [t for t in (row.signed, row.first_reply) if t is not None]
    if takes and min(takes) < row.dispatched:
        return []  # answered before Minyi dispatched it: a historical answer, no sign-for
    found = []
    for holding in held:
        limit = holding.due or _sign_limit(row, rules, holding.start)
        if holding.acted and holding.end is not None:
            found.append((holding.department_id, 1, int(holding.end <= limit)))
        else:  # moved away, merged or closed without its acting, or still waiting
            found.append((holding.department_id, int((holding.end or rules.now) > limit), 0))
    return found


def _sign_limit(row: Any, rules: Rules, start: datetime) -> datetime:
    """The sign-for limit of a dispatch at ``start`` the history kept none of: the rules', else the setting's.

    The office's ``accept_hours`` rules when one matches the case; else ``MINYI_SIGN_FOR_HOURS``
    working hours, the hours of days off left out (a Friday afternoon's dispatch signed for on
    Monday morning was late, and every case dispatched on the eve of 春节: tenth probe).
    """
    if not sign_for.no_deadline_of_its_own(row):
        path = rules.paths.get(row.category_id or "")
        due = rules.policy.accept_due(_utc(start), row.appeal_kind, path, urgent=bool(row.urgent))
        if due is not None:
            return due
    hours = rules.sign_for.total_seconds() / 3600
    return rules.policy.calendar.add_hours_on_working_days(_utc(start), hours)


def _utc(moment: datetime) -> datetime:
    """``moment``, naive values read as UTC (the calendar wants aware times)."""
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def deadline_in_force(row: Any, rules: Rules, arrival: datetime) -> datetime | None:
    """The deadline in force; without one, the deadline the rules give a case that arrived then.

    A case answered before Minyi accepted it (a historical answer, a statement) and a case
    never accepted at all have no deadline of their own: counted without one, a centre that
    left messages unaccepted had them count as neither late nor due, and its on-time rate
    rose (a probe found 87 cases waiting over three weeks, 70 % published for 54 %).
    The big screen's 已超期 and on-time rate use it too (twelfth probe). ``None``: the
    rules give the case no deadline (praise).

    A case still waiting with no ``due_at`` is at the dispatch desk: the rules' deadline from
    its first message is stored there (``desk_due_at``, kept true by :mod:`minyi.cases.desk_due`)
    and read, not counted again case by case; the screen and the briefing count such cases
    in SQL by the same column, and the inbox sorts and filters by it.
    """
    if row.due_at is None and CaseStatus(row.status) not in ANSWERED_STATUSES:
        return row.desk_due_at  # type: ignore[no-any-return]
    answered_before = row.replied_at is not None and (
        row.accepted_at is None or row.accepted_at > row.replied_at
    )
    if not answered_before and row.due_at is not None:
        return row.due_at  # type: ignore[no-any-return]
    path = rules.paths.get(row.category_id or "")
    return due_by_rules(rules.policy, arrival, row.appeal_kind, path, urgent=bool(row.urgent))


def overdue_without_due(
    session: Session, rules: Rules, ids: Select[Any], at: datetime
) -> dict[str, datetime]:
    """Of the cases ``ids`` with no ``due_at`` of their own, those past their deadline in force at ``at``.

    id → that deadline. A case never accepted waits at the dispatch desk with no deadline of
    its own; the scorecard counts it late once the rules' deadline passes (twelfth probe).
    The screen and the briefing count the desk's waiting cases in SQL by ``desk_due_at``;
    the briefing reads this one for the few answered since the end of its period.
    """
    found: dict[str, datetime] = {}
    for row in stream_facts(session, None, ids=ids):
        deadline = deadline_in_force(row, rules, row.arrival or row.created_at)
        if deadline is not None and deadline < at:
            found[row.id] = deadline
    return found


def count_into(row: Any, rules: Rules, held: Sequence[Holding], cell: Callable[[str], list[int]]) -> None:
    """Add the counts of one case to ``cell(department id)``, the sign-for by department.

    The case counts in its own department's cell; the sign-for of each department that held
    it (:func:`sign_counts`) in that department's.
    """
    count_case(row, rules, cell(row.department_id or ""))
    for department, due, on_time in sign_counts(row, rules, held):
        into = cell(department or row.department_id or "")
        into[1] += due
        into[2] += on_time


def count_case(row: Any, rules: Rules, into: list[int]) -> None:
    """Add the counts of one case (a row of :func:`fact_query`) to ``into`` (:data:`INDEX` order).

    All but the sign-for, which counts for each department that held the case
    (:func:`count_into` adds it).
    """
    arrival = row.arrival or row.created_at
    into[0] += 1  # cases
    first_reply = row.first_reply or row.replied_at
    answered_now = CaseStatus(row.status) in ANSWERED_STATUSES and row.replied_at is not None
    deadline = deadline_in_force(row, rules, arrival)
    if first_reply is not None:
        into[3] += 1  # answered
        seconds = max((first_reply - arrival).total_seconds(), 0.0)
        into[12] += int(seconds)
        into[FIRST_BUCKET + bucket_of(seconds / 3600)] += 1
        into[11] += int((row.reopened_count or 0) > 0)
    if answered_now:
        into[4] += 1
        into[5] += int(deadline is None or row.replied_at <= deadline)
    elif deadline is not None and rules.now > deadline:
        into[4] += 1  # still waiting, past the deadline: late
    if row.solved is not None:
        into[6] += 1
        into[7] += int(bool(row.solved))
    if row.satisfaction is not None and Satisfaction(row.satisfaction) in RATED:
        into[8] += 1
        into[9] += int(row.satisfaction == Satisfaction.SATISFIED)
        into[10] += int(row.satisfaction == Satisfaction.BASICALLY)
