"""Which status changes a case may make, and the words for them."""

from __future__ import annotations

from minyi.accounts.permissions import Action
from minyi.cases.models import CaseStatus
from minyi.core.errors import Conflict

S = CaseStatus

TRANSITIONS: dict[CaseStatus, frozenset[CaseStatus]] = {
    S.RECEIVED: frozenset({S.ACCEPTED}),
    S.ACCEPTED: frozenset({S.DISPATCHED}),
    S.DISPATCHED: frozenset({S.SIGNED, S.ACCEPTED}),
    S.SIGNED: frozenset({S.IN_PROGRESS, S.REPLIED, S.ACCEPTED}),
    S.IN_PROGRESS: frozenset({S.REPLIED}),
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
        raise TransitionError(f"unknown status {target!r}") from exc
    if dst not in TRANSITIONS[src]:
        allowed = ", ".join(sorted(s.value for s in TRANSITIONS[src])) or "none"
        msg = f"a case that is {src.value} cannot become {dst.value} (allowed: {allowed})"
        raise TransitionError(msg)
    return dst


def allowed_targets(current: str, actions: frozenset[Action] | None = None) -> list[CaseStatus]:
    """Plain status changes from ``current`` (for a user who may take ``actions``), in order."""
    src = CaseStatus(current)
    return [
        dst
        for dst in CaseStatus
        if (src, dst) in STATUS_CHANGES and (actions is None or STATUS_CHANGES[(src, dst)] in actions)
    ]


def label(status: str, language: str = "zh") -> str:
    """The display name of a status."""
    zh, en = LABELS[CaseStatus(status)]
    return en if language == "en" else zh
