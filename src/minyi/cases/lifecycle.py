"""Which status changes a case may make, and the words for them.

Every change of a case's status goes through :func:`move` (``cases.events.record`` calls
it for each event that changes the status), so a move the table does not hold raises
:class:`TransitionError` wherever it is attempted.
"""

from __future__ import annotations

from minyi.accounts.permissions import Action
from minyi.cases.models import Case, CaseStatus
from minyi.core.errors import Conflict

S = CaseStatus

# Every move a case may make. Besides the path 受理 → 派单 → 签收 → 办理 → 答复 → 回访 → 办结:
# - dispatched/signed → accepted: 退单, the department sends the case back;
# - dispatched → replied: the department answers without signing for the case first;
# - received/accepted → replied: a statement (权威发布) answers an issue's cases, dispatched or not;
# - replied/follow_up/closed → in_progress: 重办, reopened;
# - any open status → closed: 并案, the case is merged into another one (``merged_into``).
TRANSITIONS: dict[CaseStatus, frozenset[CaseStatus]] = {
    S.RECEIVED: frozenset({S.ACCEPTED, S.REPLIED, S.CLOSED}),
    S.ACCEPTED: frozenset({S.DISPATCHED, S.REPLIED, S.CLOSED}),
    S.DISPATCHED: frozenset({S.SIGNED, S.ACCEPTED, S.REPLIED, S.CLOSED}),
    S.SIGNED: frozenset({S.IN_PROGRESS, S.REPLIED, S.ACCEPTED, S.CLOSED}),
    S.IN_PROGRESS: frozenset({S.REPLIED, S.CLOSED}),
    S.REPLIED: frozenset({S.FOLLOW_UP, S.CLOSED, S.IN_PROGRESS}),
    S.FOLLOW_UP: frozenset({S.CLOSED, S.IN_PROGRESS}),
    S.CLOSED: frozenset({S.IN_PROGRESS}),
}

LABELS: dict[CaseStatus, tuple[str, str]] = {
    S.RECEIVED: ("已接收", "Received"),
    S.ACCEPTED: ("已受理", "Accepted"),
    S.DISPATCHED: ("已派单", "Dispatched"),
    S.SIGNED: ("已签收", "Signed for"),
    S.IN_PROGRESS: ("办理中", "In progress"),
    S.REPLIED: ("已答复", "Replied"),
    S.FOLLOW_UP: ("回访中", "Follow-up"),
    S.CLOSED: ("已办结", "Closed"),
}


# The action (see ``minyi.accounts.permissions``) each plain status change needs. Other moves
# have their own actions: dispatch (→ dispatched), return (→ accepted, 退单), reply (→ replied),
# reopen (→ in progress, 重办).
STATUS_CHANGES: dict[tuple[CaseStatus, CaseStatus], Action] = {
    (S.RECEIVED, S.ACCEPTED): Action.ACCEPT,
    (S.DISPATCHED, S.SIGNED): Action.SIGN,
    (S.SIGNED, S.IN_PROGRESS): Action.START_WORK,
    (S.REPLIED, S.FOLLOW_UP): Action.FOLLOW_UP,
    (S.REPLIED, S.CLOSED): Action.CLOSE,
    (S.FOLLOW_UP, S.CLOSED): Action.CLOSE,
}


class TransitionError(Conflict, ValueError):
    """A status change the lifecycle does not allow."""


def check_transition(current: str, target: str) -> CaseStatus:
    """The target status, if a case in ``current`` may move there; else TransitionError."""
    try:
        src, dst = CaseStatus(current), CaseStatus(target)
    except ValueError as exc:
        unknown = target if current in {s.value for s in CaseStatus} else current
        raise TransitionError(f"unknown status {unknown!r}") from exc
    if dst not in TRANSITIONS[src]:
        allowed = ", ".join(sorted(s.value for s in TRANSITIONS[src])) or "none"
        msg = f"a case that is {src.value} cannot become {dst.value} (allowed: {allowed})"
        raise TransitionError(msg)
    return dst


def move(case: Case, target: CaseStatus) -> CaseStatus:
    """Put ``case`` in ``target`` if the lifecycle allows it, else raise TransitionError.

    Returns the new status. Staying in the same status is no move: the check refuses it.
    """
    case.status = check_transition(case.status, target)
    return case.status


def allowed_targets(current: str, actions: frozenset[Action] | None = None) -> list[CaseStatus]:
    """Plain status changes from ``current`` (for a user who may take ``actions``), in order."""
    src = CaseStatus(current)
    return [
        dst
        for dst in CaseStatus
        if (src, dst) in STATUS_CHANGES and (actions is None or STATUS_CHANGES[(src, dst)] in actions)
    ]


def label(status: str | None, language: str = "zh") -> str:
    """The display name of a status; a dash for none.

    ``case_events.from_status`` may be empty (a loaded or older history's first event): the
    case page of such a case was a 500 (fourteenth probe, a year's history loaded in bulk).
    """
    if not status:
        return "—"
    zh, en = LABELS[CaseStatus(status)]
    return en if language == "en" else zh
