"""A person corrects the kind of appeal (诉求类型) the model gave a case, and the deadline follows.

The kind picks the reply deadline rule (a complaint in a few working days, a suggestion in
more, praise in none) and each kind's own step (a suggestion's adoption decision, a help
request's callback: :mod:`minyi.cases.kinds`). The model is right about 85 % of the time, so
without a correction a suggestion read as a complaint never gets its adoption decision, a
case the model could not judge (未能判断) never gets a kind at all, and a complaint read as
praise has no deadline. Whoever may correct a case's category may correct its kind (its
department, dispatchers, supervisors, admins: ``Action.RECATEGORISE``).

The reply deadline is counted again from the acceptance under the new kind's rule, unless
the case is answered (the deadline is history), urgent (the emergency rule set it) or an
extension was granted (a supervisor set it); a pending acceptance deadline (签收期限) from the
latest dispatch, unless signed for or urgent (:func:`minyi.cases.rules.recount_sign_due`).
The change is a :class:`CaseEvent` (``kind_corrected``) that keeps what the model said, so
:func:`correction_rows` can write the corrections out as training data for the next
kind-of-appeal model (``minyi model appeal-corrections``): the model's mistakes that people
noticed are the examples it most needs.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from minyi.accounts.models import User
from minyi.accounts.permissions import Action, require
from minyi.analysis.models import MessageAnalysis
from minyi.cases import desk_due
from minyi.cases.events import record
from minyi.cases.models import (
    ANSWERED_STATUSES,
    AppealKind,
    Case,
    CaseEvent,
    EventAction,
    ExtensionRequest,
    ExtensionStatus,
)
from minyi.cases.rules import recount_sign_due, reply_due
from minyi.core.errors import Conflict, InvalidInput

#: The kinds a person may choose: 未能判断 is the model's answer, never a person's.
CHOSEN_KINDS = tuple(kind for kind in AppealKind if kind is not AppealKind.UNDETERMINED)


def correct_kind(session: Session, user: User, case: Case, kind: str) -> Case:
    """Give ``case`` the kind of appeal a person chose; count its reply deadline again by it."""
    require(user, Action.RECATEGORISE, case.department_id)
    try:
        chosen = AppealKind(kind)
    except ValueError:
        chosen = AppealKind.UNDETERMINED
    if chosen is AppealKind.UNDETERMINED:
        raise InvalidInput("appeal_kind: one of " + ", ".join(CHOSEN_KINDS), field="appeal_kind") from None
    if case.appeal_kind == chosen:
        raise Conflict("the case already has this kind of appeal")
    payload: dict[str, Any] = {"from": case.appeal_kind, "to": chosen.value, **_model_said(session, case)}
    case.appeal_kind = chosen
    due = _recounted_due(session, case)
    if due is not None:
        before, after = due
        payload |= {"due_before": _iso(before), "due_after": _iso(after)}
        case.due_at = after
    payload |= recount_sign_due(session, case)
    if case.due_at is None:  # still at the desk: the rules' deadline of the new kind
        desk_due.recount(session, case)
    record(session, case, EventAction.KIND_CORRECTED, user=user, payload=payload)
    session.flush()
    return case


def _iso(moment: datetime | None) -> str | None:
    return moment.isoformat() if moment is not None else None


def _model_said(session: Session, case: Case) -> dict[str, Any]:
    """What the kind-of-appeal model said of the case's first message (kept for training)."""
    if not case.messages:
        return {}
    analysis = session.get(MessageAnalysis, case.messages[0].id)
    if analysis is None:
        return {}
    return {
        "model_kind": analysis.appeal_kind,
        "model_confidence": analysis.appeal_confidence,
        "model": analysis.appeal_model,
    }


def _recounted_due(session: Session, case: Case) -> tuple[datetime | None, datetime | None] | None:
    """(old, new) reply deadline when the new kind changes it and nothing else set it; else None."""
    if case.accepted_at is None or case.status in ANSWERED_STATUSES or case.urgent:
        return None
    granted = select(ExtensionRequest.id).where(
        ExtensionRequest.case_id == case.id, ExtensionRequest.status == ExtensionStatus.APPROVED
    )
    if session.scalars(granted.limit(1)).first() is not None:
        return None
    after = reply_due(session, case, case.accepted_at)
    return None if after == case.due_at else (case.due_at, after)


def correction_rows(session: Session) -> list[tuple[str, str, str, str, str]]:
    """(masked title, masked body, corrected kind, the model's kind, when) of each corrected case.

    The last correction of a case counts (a second person may correct the first); the text is
    the first message's normalised title and body with personal data masked, as the model
    reads them at intake (training files travel).
    """
    from minyi.pipeline.privacy import PersonalDataMasker

    masker = PersonalDataMasker().fit()
    query = (
        select(CaseEvent)
        .where(CaseEvent.action == EventAction.KIND_CORRECTED)
        .order_by(CaseEvent.created_at, CaseEvent.id)
    )
    last: dict[str, CaseEvent] = {}
    for event in session.scalars(query):
        last[event.case_id] = event
    rows = []
    for event in last.values():
        case = session.get(Case, event.case_id)
        analysis = session.get(MessageAnalysis, case.messages[0].id) if case and case.messages else None
        if case is None or analysis is None or case.appeal_kind != event.payload.get("to"):
            continue  # the message is gone (erased), or the kind was changed again since
        title = masker.mask(analysis.normalized_title or "")
        body = masker.mask(analysis.normalized_body or "")
        said = str(event.payload.get("model_kind") or "")
        rows.append((title, body, str(case.appeal_kind), said, event.created_at.isoformat()))
    return rows
