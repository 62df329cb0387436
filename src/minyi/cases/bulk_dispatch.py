"""批量派单: send many cases waiting at the desk to one department in one action.

On a surge day (a storm: hundreds of cases at the desk, most for 排水 or 供电) a dispatcher
opened each case to dispatch it. Same-event groups merge in one click; distinct problems for
one department could not go together. Here each chosen case goes through the same step as a
single 派单 (:func:`minyi.cases.services.dispatch`: the lifecycle's check, the rules'
deadlines, 签收期限, the history entry, the department's notice, which the dispatch digest
of :mod:`minyi.notify.digests` folds into one e-mail), and the caller commits once.

A case that cannot go (dispatched by someone else meanwhile, answered, closed, merged, not
visible) is skipped with the reason, and the others go: the dispatcher reads which and why.
Only cases still at the desk (received or accepted) are taken: moving cases that another
person already dispatched (改派) stays a step of its own, one case at a time.

Races: the chosen rows are read ``FOR UPDATE`` (in id order, so two bulk actions cannot
deadlock); on PostgreSQL a second action on the same cases waits for the first to commit and
then reads them dispatched, and skips them. A single 派单 racing this one loses by the case's
version (``StaleDataError``), as two single steps do. SQLite has one writer at a time.
"""

from __future__ import annotations

import enum
from collections.abc import Sequence
from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.orm import Session

from minyi.accounts.models import User
from minyi.accounts.permissions import Action, require
from minyi.audit import services as audit
from minyi.cases import lifecycle, routing
from minyi.cases.models import Case, CaseEvent, CaseStatus, EventAction
from minyi.cases.queries import can_view
from minyi.cases.rules import deadline_policy
from minyi.cases.services import dispatch
from minyi.core.errors import DomainError, InvalidInput
from minyi.departments.models import Department
from minyi.notify import digests

#: The most cases one action dispatches: a page of the inbox is 30; an API client sends more
#: in several calls (one transaction holds the rows it changes locked until it commits).
MAX_CASES = 200
#: 办理意见: as long as the single 派单's note in the API.
MAX_NOTE = 500
#: The statuses of a case at the desk, which a bulk action takes.
AT_THE_DESK = frozenset({CaseStatus.RECEIVED, CaseStatus.ACCEPTED})
#: The audit trail's action: one entry per bulk action, naming how many and which cases.
AUDIT_ACTION = audit.BULK_DISPATCH


class Skip(enum.StrEnum):
    """Why a chosen case was not dispatched."""

    NOT_FOUND = "not_found"  # no such case, or one this user may not see
    ALREADY_DISPATCHED = "already_dispatched"  # at a department already (someone else meanwhile)
    MERGED = "merged"  # 并案: closed into another case
    ANSWERED = "answered"  # replied, follow-up or closed
    NOT_AT_DESK = "not_at_desk"  # signed for or in progress at a department
    REFUSED = "refused"  # the lifecycle or the dispatch step said no (its words in ``detail``)


@dataclass(frozen=True)
class Skipped:
    """One chosen case left as it was, and why.

    ``detail`` is a department code, a case number, a status or the step's own words,
    whichever the reason needs.
    """

    case_id: str
    number: str | None
    reason: Skip
    detail: str = ""


@dataclass
class BulkResult:
    """What one bulk action did: the cases dispatched (in the order chosen) and those skipped."""

    department: Department
    dispatched: list[Case] = field(default_factory=list)
    skipped: list[Skipped] = field(default_factory=list)


def chosen_ids(case_ids: Sequence[str]) -> list[str]:
    """The ids as chosen, each once, blanks dropped; more than :data:`MAX_CASES` is refused."""
    ids = list(dict.fromkeys(i.strip() for i in case_ids if i and i.strip()))
    if not ids:
        raise InvalidInput("case_ids: choose the cases to dispatch", field="case_ids")
    if len(ids) > MAX_CASES:
        msg = f"case_ids: at most {MAX_CASES} cases in one dispatch ({len(ids)} chosen)"
        raise InvalidInput(msg, field="case_ids")
    return ids


def dispatch_many(  # noqa: PLR0913 - who, which cases, where, the note, and from where
    session: Session,
    user: User,
    case_ids: Sequence[str],
    department: Department | None,
    note: str = "",
    *,
    address: str | None = None,
) -> BulkResult:
    """Dispatch each case of ``case_ids`` at the desk to ``department``; skip the others. Not committed.

    Raises:
        Forbidden: The user may not dispatch (before anything is read).
        InvalidInput: No department, no case, more than :data:`MAX_CASES`, a note too long.
    """
    require(user, Action.DISPATCH)
    if department is None:
        raise InvalidInput("department: choose a department", field="department")
    note = note.strip()
    if len(note) > MAX_NOTE:
        raise InvalidInput(f"note: the instruction may have at most {MAX_NOTE} characters", field="note")
    ids = chosen_ids(case_ids)
    found = _lock(session, ids)
    policy = deadline_policy(session)  # the rules read once, not twice a case
    result = BulkResult(department)
    with digests.batch(session):  # the department's digest written once, not once a case
        for case_id in ids:
            case = found.get(case_id)
            if case is None or not can_view(user, case):
                result.skipped.append(Skipped(case_id, None, Skip.NOT_FOUND))
                continue
            refusal = _refusal(session, case)
            if refusal is None:
                try:
                    lifecycle.check_transition(case.status, _next_status(case))
                    routing.note_correction(session, user, case, department=department)
                    dispatch(session, user, case, department, note, policy=policy)
                except DomainError as exc:  # raised before the step changes the case
                    refusal = Skipped(case.id, case.number, Skip.REFUSED, exc.message)
            if refusal is None:
                result.dispatched.append(case)
            else:
                result.skipped.append(refusal)
    _audit(session, user, result, note, address)
    return result


def _next_status(case: Case) -> CaseStatus:
    """The lifecycle's first move of the step: a received case is accepted (受理) first."""
    return CaseStatus.ACCEPTED if case.status == CaseStatus.RECEIVED else CaseStatus.DISPATCHED


def _lock(session: Session, ids: list[str]) -> dict[str, Case]:
    """The chosen cases, read fresh and locked until the commit (PostgreSQL), in id order."""
    query = (
        select(Case)
        .where(Case.id.in_(ids))
        .order_by(Case.id)
        .with_for_update(of=Case)
        .execution_options(populate_existing=True)
    )
    return {case.id: case for case in session.scalars(query)}


def _refusal(session: Session, case: Case) -> Skipped | None:
    """Why ``case`` cannot be dispatched by a bulk action, or None when it can."""
    status = CaseStatus(case.status)
    if status in AT_THE_DESK:
        return None
    if status == CaseStatus.DISPATCHED:
        code = case.department.code if case.department else ""
        return Skipped(case.id, case.number, Skip.ALREADY_DISPATCHED, code)
    if status == CaseStatus.CLOSED:
        into = _merged_into(session, case)
        if into is not None:
            return Skipped(case.id, case.number, Skip.MERGED, into)
    if status in {CaseStatus.REPLIED, CaseStatus.FOLLOW_UP, CaseStatus.CLOSED}:
        return Skipped(case.id, case.number, Skip.ANSWERED, status.value)
    code = case.department.code if case.department else ""
    return Skipped(case.id, case.number, Skip.NOT_AT_DESK, code)


def _merged_into(session: Session, case: Case) -> str | None:
    """The number of the case ``case`` was last merged into, if its closing was a merge."""
    event = session.scalar(
        select(CaseEvent)
        .where(CaseEvent.case_id == case.id)
        .order_by(CaseEvent.created_at.desc(), CaseEvent.id.desc())
        .limit(1)
    )
    if event is None or event.action != EventAction.MERGED_INTO:
        return None
    return str(event.payload.get("into") or "")


def _audit(session: Session, user: User, result: BulkResult, note: str, address: str | None) -> None:
    """One entry for the action: the department, how many, and which case numbers."""
    details: dict[str, object] = {
        "department": result.department.code,
        "cases": len(result.dispatched),
        "numbers": [case.number for case in result.dispatched],
        "skipped": len(result.skipped),
    }
    if result.skipped:
        details["skipped_numbers"] = [s.number or s.case_id for s in result.skipped]
    if note:
        details["note"] = note
    audit.record_by(
        session, AUDIT_ACTION, user, subject=result.department.code, address=address, details=details
    )
