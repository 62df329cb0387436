"""JSON route for 批量派单: many cases at the desk to one department in one call.

The work is :mod:`minyi.cases.bulk_dispatch`, committed once here. A retry of the same call
(a dropped connection) is safe without an ``Idempotency-Key``: the cases it already sent are
reported as ``already_dispatched`` and nothing is sent twice.
"""

from __future__ import annotations

from fastapi import Request
from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy import select

from minyi.accounts.permissions import Action, require
from minyi.api.routes import TokenUser
from minyi.cases.bulk_dispatch import MAX_CASES, MAX_NOTE, Skip, Skipped, dispatch_many
from minyi.core.errors import InvalidInput
from minyi.departments.models import Department
from minyi.http.deps import DbSession, client_address
from minyi.http.transactions import Router

router = Router(prefix="/api/v1", tags=["cases"])


class BulkDispatchIn(BaseModel):
    """The cases to send and where."""

    model_config = ConfigDict(extra="forbid")

    case_ids: list[str] = Field(
        description=f"Ids of cases at the desk (received or accepted); 1 to {MAX_CASES}, repeats count once"
    )
    department: str = Field(min_length=1, max_length=40, description="Department code")
    note: str = Field(default="", max_length=MAX_NOTE, description="办理意见, kept in each case's history")


class BulkCase(BaseModel):
    """A case dispatched."""

    id: str
    number: str


class BulkSkipped(BaseModel):
    """A case left as it was, and why."""

    id: str
    number: str | None
    reason: Skip = Field(
        description="not_found, already_dispatched, merged, answered, not_at_desk or refused"
    )
    message: str


class BulkDispatchOut(BaseModel):
    """What the call did: the cases sent (in the order given) and those skipped."""

    department: str
    dispatched: list[BulkCase]
    skipped: list[BulkSkipped]


_WHY = {
    Skip.NOT_FOUND: "no such case, or not one you may see",
    Skip.ALREADY_DISPATCHED: "already dispatched to {detail}; reassign it on its own",
    Skip.MERGED: "merged into case {detail}",
    Skip.ANSWERED: "the case is {detail}: nothing to dispatch",
    Skip.NOT_AT_DESK: "the case is being handled by {detail}",
    Skip.REFUSED: "{detail}",
}


def _skipped(skip: Skipped) -> BulkSkipped:
    message = _WHY[skip.reason].format(detail=skip.detail)
    return BulkSkipped(id=skip.case_id, number=skip.number, reason=skip.reason, message=message)


@router.post("/cases/bulk-dispatch", response_model=BulkDispatchOut)
def bulk_dispatch(request: Request, db: DbSession, user: TokenUser, data: BulkDispatchIn) -> BulkDispatchOut:
    """批量派单: send the cases at the desk to one department (dispatchers and admins); skip the rest.

    Each case goes as `POST /cases/{case_id}/dispatch` would send it (deadlines, 签收期限,
    history, the department's notice); those that cannot go are listed in `skipped` with
    `reason`. One commit; one audit entry (`bulk_dispatch`). More than 200 ids, none, or an
    unknown department code: `422` naming the field.
    """
    require(user, Action.DISPATCH)  # refused before the department is looked up
    department = db.scalar(select(Department).where(Department.code == data.department))
    if department is None:
        raise InvalidInput(f"no department with code {data.department!r}", field="department")
    result = dispatch_many(db, user, data.case_ids, department, data.note, address=client_address(request))
    db.commit()
    return BulkDispatchOut(
        department=department.code,
        dispatched=[BulkCase(id=c.id, number=c.number) for c in result.dispatched],
        skipped=[_skipped(s) for s in result.skipped],
    )
