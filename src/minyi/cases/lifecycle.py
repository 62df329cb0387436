"""Which status changes a case may make, and the words for them."""

from __future__ import annotations

from minyi.cases.models import CaseStatus

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


DEPARTMENT = "department"  # staff of the case's own department
DISPATCH_ROLES = frozenset({"admin", "dispatcher"})

# Who may make a plain status change. Other moves have their own actions: dispatch
# (→ dispatched), return (→ accepted, 退单), reply (→ replied), reopen (→ in progress, 重办).
STATUS_CHANGES: dict[tuple[CaseStatus, CaseStatus], frozenset[str]] = {
    (S.RECEIVED, S.ACCEPTED): DISPATCH_ROLES,
    (S.DISPATCHED, S.SIGNED): frozenset({"admin", DEPARTMENT}),
    (S.SIGNED, S.IN_PROGRESS): frozenset({"admin", DEPARTMENT}),
    (S.REPLIED, S.FOLLOW_UP): DISPATCH_ROLES,
    (S.REPLIED, S.CLOSED): DISPATCH_ROLES,
    (S.FOLLOW_UP, S.CLOSED): DISPATCH_ROLES,
}


class TransitionError(ValueError):
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


def allowed_targets(current: str, roles: frozenset[str] | None = None) -> list[CaseStatus]:
    """Plain status changes from ``current`` (for a user with ``roles``), in lifecycle order."""
    src = CaseStatus(current)
    return [
        dst
        for dst in CaseStatus
        if (src, dst) in STATUS_CHANGES and (roles is None or STATUS_CHANGES[(src, dst)] & roles)
    ]


def label(status: str, language: str = "zh") -> str:
    """The display name of a status."""
    zh, en = LABELS[CaseStatus(status)]
    return en if language == "en" else zh
