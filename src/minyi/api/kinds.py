"""JSON routes for each kind's own step: a suggestion's adoption decision, a help request's callback."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field

from minyi.api.routes import TokenUser
from minyi.api.schemas import CaseOut
from minyi.cases import kind_corrections, kinds
from minyi.cases.models import AppealKind
from minyi.http.deps import DbSession, run_case_action
from minyi.http.transactions import Router

router = Router(prefix="/api/v1", tags=["workflow"])


class AdoptionIn(BaseModel):
    """An adoption decision on a suggestion (建议): adopted, partly_adopted or not_adopted."""

    model_config = ConfigDict(extra="forbid")
    decision: kinds.Adoption
    reason: str = Field(min_length=1, max_length=kinds.MAX_REASON)


class CallbackIn(BaseModel):
    """A callback flag (note optional) or its outcome."""

    model_config = ConfigDict(extra="forbid")
    note: str = Field(default="", max_length=kinds.MAX_REASON)


class CallbackDoneIn(BaseModel):
    """What came of the call."""

    model_config = ConfigDict(extra="forbid")
    outcome: str = Field(min_length=1, max_length=kinds.MAX_REASON)


class KindIn(BaseModel):
    """The kind of appeal a person chose (未能判断 is the model's answer, never a person's)."""

    model_config = ConfigDict(extra="forbid")
    appeal_kind: AppealKind


@router.post("/cases/{case_id}/kind", response_model=CaseOut)
def correct_kind(db: DbSession, user: TokenUser, case_id: str, data: KindIn) -> CaseOut:
    """Correct the kind of appeal (诉求类型); the reply deadline is counted again by the new kind."""
    case = run_case_action(
        db, user, case_id, lambda case: kind_corrections.correct_kind(db, user, case, data.appeal_kind)
    )
    return CaseOut.full(case)


@router.post("/cases/{case_id}/adoption", response_model=CaseOut)
def decide_suggestion(db: DbSession, user: TokenUser, case_id: str, data: AdoptionIn) -> CaseOut:
    """Adopt a suggestion, in part or not, with the reason the citizen reads (建议采纳)."""
    case = run_case_action(
        db, user, case_id, lambda case: kinds.decide_suggestion(db, user, case, data.decision, data.reason)
    )
    return CaseOut.full(case)


@router.post("/cases/{case_id}/callback", response_model=CaseOut, status_code=201)
def flag_callback(db: DbSession, user: TokenUser, case_id: str, data: CallbackIn) -> CaseOut:
    """Flag a help request (求助) for a call back to the citizen."""
    case = run_case_action(db, user, case_id, lambda case: kinds.flag_callback(db, user, case, data.note))
    return CaseOut.full(case)


@router.post("/cases/{case_id}/callback/done", response_model=CaseOut)
def complete_callback(db: DbSession, user: TokenUser, case_id: str, data: CallbackDoneIn) -> CaseOut:
    """Record that the citizen was called back."""
    case = run_case_action(
        db, user, case_id, lambda case: kinds.complete_callback(db, user, case, data.outcome)
    )
    return CaseOut.full(case)
