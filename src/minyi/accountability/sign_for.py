"""签收及时率 dispatch by dispatch: each department that held a case answers for its own sign-for.

A case is dispatched (派单) to a department, which signs for it (签收), sends it back (退单)
or answers it; a dispatcher may move it to another department (改派) meanwhile. Each such
holding is a :class:`Holding`, read from the case's history, and counts for the department
it was dispatched to: due when the department signed for it, sent it back or answered it
(it acted), or when its limit passed while it held the case; on time when it acted within
its limit. Counted once per case from the first dispatch, a case held 30 hours by one
department, sent back and signed for at once by the second was late for the second, and
the first was never counted (twelfth probe, left open).

The limit of a holding is the acceptance deadline the case had (签收期限, ``sign_due_at``:
kept by the step that ended it, or the case's own while it waits), else the one the office's
rules give (``accept_hours``), else ``MINYI_SIGN_FOR_HOURS`` working hours from the dispatch.
A holding the dispatchers ended before its limit (改派 at once) is not counted: the
department had no chance to act. History written before 签收期限 existed keeps no deadline
on its steps: such a holding is judged by the rules of today.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from itertools import islice
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from minyi.cases.models import AppealKind, CaseEvent, CaseStatus, EventAction
from minyi.departments.models import Department

__all__ = ["Holding", "holdings", "with_holdings"]

_STARTS = frozenset({EventAction.DISPATCHED, EventAction.REASSIGNED})
_ACTS = frozenset({EventAction.RETURNED, EventAction.REPLIED})
_READ = [action.value for action in (*_STARTS, *_ACTS, EventAction.STATUS, EventAction.MERGED_INTO)]
BATCH = 500  # cases whose history is read in one query


@dataclass
class Holding:
    """One dispatch of a case to a department, until it acted or the case left it."""

    department_id: str
    start: datetime
    end: datetime | None = None  # still held when None
    acted: bool = False  # signed for, sent back or answered (else moved away, merged, closed)
    due: datetime | None = None  # the acceptance deadline the history kept, if any


def holdings(events: Iterable[Any], departments: dict[str, str], pending: datetime | None) -> list[Holding]:
    """The holdings of one case from its events (``action, to_status, created_at, payload``, in order).

    ``departments``: code → id (an event names the department by its code); ``pending``: the
    case's ``sign_due_at``, the deadline of a holding still waiting to be signed for.
    """
    found: list[Holding] = []
    current: Holding | None = None
    for action, to_status, at, payload in events:
        when = at if at.tzinfo else at.replace(tzinfo=UTC)
        step = EventAction(action)
        signed = step == EventAction.STATUS and to_status == CaseStatus.SIGNED
        if current is not None and (step in _STARTS or step in _ACTS or signed or _leaves(step, to_status)):
            current.end, current.acted = when, step in _ACTS or signed
            if current.acted and (payload or {}).get("sign_due_at"):
                current.due = datetime.fromisoformat(str(payload["sign_due_at"]))
            current = None
        if step in _STARTS:
            code = str((payload or {}).get("department") or "")
            current = Holding(departments.get(code, ""), when)
            found.append(current)
    if current is not None:
        current.due = pending
    return found


def _leaves(step: EventAction, to_status: Any) -> bool:
    """Whether a step takes the case away from its department without its acting (并案, 办结)."""
    return step == EventAction.MERGED_INTO or (step == EventAction.STATUS and to_status == CaseStatus.CLOSED)


def with_holdings(session: Session, rows: Iterable[Any]) -> Iterator[tuple[Any, list[Holding]]]:
    """Each fact row (:func:`minyi.accountability.facts.fact_query`) with its case's holdings.

    The history is read for :data:`BATCH` cases at a time, only for cases ever dispatched.
    """
    departments = {code: ident for ident, code in session.execute(select(Department.id, Department.code))}
    iterator = iter(rows)
    while chunk := list(islice(iterator, BATCH)):
        events = _events(session, [row.id for row in chunk if row.dispatched is not None])
        for row in chunk:
            yield row, holdings(events.get(row.id, ()), departments, row.sign_due_at)


def _events(session: Session, ids: Sequence[str]) -> dict[str, list[Any]]:
    """The sign-for steps of the cases ``ids``, oldest first, by case."""
    if not ids:
        return {}
    query = (
        select(
            CaseEvent.case_id, CaseEvent.action, CaseEvent.to_status, CaseEvent.created_at, CaseEvent.payload
        )
        .where(CaseEvent.case_id.in_(ids), CaseEvent.action.in_(_READ))
        .order_by(CaseEvent.case_id, CaseEvent.created_at, CaseEvent.id)
    )
    found: dict[str, list[Any]] = {}
    for case_id, *event in session.execute(query):
        found.setdefault(case_id, []).append(event)
    return found


def no_deadline_of_its_own(row: Any) -> bool:
    """Praise that is not urgent: no acceptance deadline by the rules (``cases.rules.sign_due``)."""
    return row.appeal_kind == AppealKind.PRAISE and not row.urgent
