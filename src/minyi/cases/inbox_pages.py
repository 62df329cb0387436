"""The page of the inbox after a cursor, read group by group on plain columns.

The inbox order (:func:`minyi.cases.queries.inbox_keys`) sorts by computed ranks: urgent
waiting cases, then by reply deadline, answered cases last. A keyset condition on those
computed ranks cannot use an index and still sorts every case (0.57 s at 100k on SQLite,
where the first page takes 0.25 s). But the order is five groups one after the other, and
inside each group it is plain columns:

=====  ===========================================  ==================================
rank   group                                        inside it
=====  ===========================================  ==================================
0, 0   urgent, waiting, with a reply deadline       the deadline, newest, id (descending)
0, 1   urgent, waiting, no deadline                 newest, id
1, 0   waiting, with a reply deadline               the deadline, newest, id
1, 1   waiting, no deadline                         newest, id
1, 2   answered                                     newest, id
=====  ===========================================  ==================================

The deadline is ``due_at``, or for a case never accepted the rules' deadline from its first
message, stored in ``desk_due_at`` (:func:`deadline_in_force`), as the 已超期 filter judges it.

So the page after a cursor is the rest of the cursor's group after it, then the next groups
from their start, each read with its own condition and plain ``ORDER BY`` (the answered
cases, most of a city's, walk ``created_at`` backwards from the cursor), until the page is
full: usually one query, at most five.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, Select, and_, func, type_coerce
from sqlalchemy.orm import Session

from minyi.cases.models import ANSWERED_STATUSES, Case, CaseStatus
from minyi.core import keyset
from minyi.core.errors import InvalidInput
from minyi.core.keyset import BAD_CURSOR, SortKey
from minyi.db.base import UTCDateTime

__all__ = ["GROUPS", "deadline_in_force", "inbox_key", "page_after"]

#: The groups' ranks, in the inbox order.
GROUPS = ((0, 0), (0, 1), (1, 0), (1, 1), (1, 2))
_ANSWERED = [status.value for status in ANSWERED_STATUSES]
_WAITING = [status.value for status in CaseStatus if status not in ANSWERED_STATUSES]


def deadline_in_force() -> ColumnElement[datetime | None]:
    """A case's reply deadline, or else the rules' deadline stored while it waits at the desk.

    ``COALESCE(due_at, desk_due_at)``: one expression on SQLite and PostgreSQL that binds no
    parameter a case (:mod:`minyi.cases.desk_due`; it bound two a case, and an inbox of
    hundreds of thousands of cases never accepted passed the engines' limits).
    """
    return type_coerce(func.coalesce(Case.due_at, Case.desk_due_at), UTCDateTime())


def inbox_key(case: Case) -> list[Any]:
    """The sort key of ``case`` in the inbox order, as the cursor carries it (SQL's ranks)."""
    waiting = case.status not in ANSWERED_STATUSES
    due = case.due_at if case.due_at is not None else case.desk_due_at
    first = 0 if case.urgent and waiting else 1
    second = (0 if due is not None else 1) if waiting else 2
    return [first, second, due if waiting else None, case.created_at, case.id]


def _group(ranks: tuple[int, int]) -> tuple[ColumnElement[bool], list[SortKey]]:
    """The condition of a group and its order inside it."""
    first, second = ranks
    newest = [SortKey(Case.created_at, descending=True, kind=datetime), SortKey(Case.id, descending=True)]
    if second == 2:  # noqa: PLR2004 - the answered group's rank
        # "not waiting", not "answered": SQLite then walks ix_cases_created_at_id newest first
        # instead of taking the status index and sorting every answered case
        return Case.status.not_in(_WAITING), newest
    urgent = Case.urgent.is_(True) if first == 0 else Case.urgent.is_not(True)
    deadline = deadline_in_force()
    due = deadline.is_not(None) if second == 0 else deadline.is_(None)
    condition = and_(Case.status.not_in(_ANSWERED), urgent, due)
    return condition, ([SortKey(deadline, kind=datetime)] if second == 0 else []) + newest


def page_after(
    session: Session,
    query: Select[Case],
    values: Sequence[Any],
    limit: int,
) -> list[Case]:
    """Up to ``limit`` + 1 cases of ``query`` after the case whose inbox key is ``values``.

    One more than the page shows whether a next page exists. A key no inbox row can have
    (ranks out of the groups, a deadline in a group without one) is a bad cursor.
    """
    first, second, due, created, case_id = values
    ranks = (first, second)
    if ranks not in GROUPS or (due is None) != (second != 0):
        raise InvalidInput(BAD_CURSOR, field="cursor")
    found: list[Case] = []
    for ranks_ in GROUPS[GROUPS.index(ranks) :]:
        condition, keys = _group(ranks_)
        part = query.where(condition)
        if ranks_ == ranks:
            part = part.where(keyset.after(keys, ([due] if second == 0 else []) + [created, case_id]))
        order = [key.expression.desc() if key.descending else key.expression.asc() for key in keys]
        found += session.scalars(part.order_by(*order).limit(limit + 1 - len(found)))
        if len(found) > limit:
            break
    return found
