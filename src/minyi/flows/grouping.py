"""Reports of one event in separate cases, grouped for the inbox, and merged in one step (并案).

Several people report the same emergency or the same problem; each message may have
opened a case of its own. Among the cases a user sees that still wait for their answer,
two belong together when

* their messages are in the same hot issue (``message_analyses.issue_id``);
* a message of one is a duplicate of a message of the other (a link staff did not undo);
* both are urgent for the same emergency word, and a place one names (``锦绣家园``) is
  written in the other.

:func:`merge_group` merges a group into one case with
:func:`minyi.cases.workflow.merge_cases`: every message keeps its tracking code, so every
citizen still follows his own message.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session, aliased, selectinload

from minyi.accounts.models import User
from minyi.accounts.permissions import Action, require
from minyi.analysis.models import MessageAnalysis
from minyi.cases import merging, workflow
from minyi.cases import services as cases
from minyi.cases.models import ANSWERED_STATUSES, Case
from minyi.core.errors import InvalidInput
from minyi.intake.models import Message
from minyi.issues.detect.places import extract_places

MAX_OPEN_CASES = 2000  # the waiting cases a grouping looks at, newest first
MAX_URGENT_COMPARED = 300  # urgent cases compared pairwise for the same emergency
MAX_TEXTS_A_CASE = 20  # the messages of an urgent case whose text is searched for places
URGENT_WORDS_SEPARATOR = "、"


@dataclass(frozen=True)
class CaseGroup:
    """Waiting cases about one event: the case to keep first, then the others by age."""

    cases: tuple[Case, ...]
    issue_id: str | None

    @property
    def key(self) -> str:
        """A stable name for the group: its first case's id."""
        return self.cases[0].id

    @property
    def size(self) -> int:
        """How many cases the group has."""
        return len(self.cases)

    @property
    def urgent(self) -> bool:
        """Whether any of its cases is urgent."""
        return any(case.urgent for case in self.cases)


class _Links:
    """Union-find over case ids."""

    def __init__(self) -> None:
        self.parent: dict[str, str] = {}

    def find(self, item: str) -> str:
        root = self.parent.setdefault(item, item)
        while root != self.parent[root]:
            root = self.parent[root]
        while item != root:
            item, self.parent[item] = self.parent[item], root
        return root

    def join(self, items: Iterable[str]) -> None:
        first: str | None = None
        for item in items:
            if first is None:
                first = self.find(item)
            else:
                self.parent[self.find(item)] = first


def _waiting(session: Session, user: User) -> dict[str, Case]:
    waiting = [status.value for status in ANSWERED_STATUSES]
    query = (
        cases.visible_cases(user)
        .where(Case.status.not_in(waiting))
        .order_by(Case.created_at.desc())
        .limit(MAX_OPEN_CASES)
        .options(selectinload(Case.department))  # not their messages: a case can hold hundreds
    )
    return {case.id: case for case in session.scalars(query)}


def _by_analysis(session: Session, ids: Sequence[str], links: _Links) -> dict[str, str]:
    """Join cases sharing a hot issue or a duplicate link; the hot issue of each case.

    The database returns one row per (case, hot issue) and per pair of cases a duplicate
    links, not one per message: a case that gathered hundreds of repeated messages made
    the inbox read them all (18 s for 2,000 such cases in the million-message import).
    """
    issues = (
        select(Message.case_id, MessageAnalysis.issue_id)
        .join(MessageAnalysis, MessageAnalysis.message_id == Message.id)
        .where(Message.case_id.in_(ids), MessageAnalysis.issue_id.is_not(None))
        .distinct()
        .order_by(Message.case_id, MessageAnalysis.issue_id)
    )
    by_issue: dict[str, list[str]] = {}
    issue_of: dict[str, str] = {}
    for case_id, issue_id in session.execute(issues):
        if case_id is None or issue_id is None:  # not so: the query asks for both
            continue
        by_issue.setdefault(issue_id, []).append(case_id)
        issue_of.setdefault(case_id, issue_id)
    earlier = aliased(Message)
    status = MessageAnalysis.duplicate_status
    duplicates = (
        select(Message.case_id, earlier.case_id)
        .join(MessageAnalysis, MessageAnalysis.message_id == Message.id)
        .join(earlier, earlier.id == MessageAnalysis.duplicate_of_id)
        .where(
            Message.case_id.in_(ids),
            earlier.case_id.in_(ids),
            earlier.case_id != Message.case_id,
            or_(status.is_(None), status != merging.UNDONE),
        )
        .distinct()
    )
    for case_id, other_case in session.execute(duplicates):
        if case_id is not None and other_case is not None:  # so: both are among ``ids``
            links.join((case_id, other_case))
    for members in by_issue.values():
        links.join(members)
    return issue_of


@dataclass(frozen=True)
class _Emergency:
    """What an urgent case is about: its emergency words, its text, the places it names."""

    case_id: str
    words: frozenset[str]
    text: str
    places: frozenset[str]

    @classmethod
    def of(cls, case: Case, texts: Sequence[str]) -> _Emergency:
        words = frozenset(word for word in (case.urgent_reason or "").split(URGENT_WORDS_SEPARATOR) if word)
        text = " ".join(texts)
        places = frozenset(place.name for place in extract_places(text) if place.kind != "admin")
        return cls(case.id, words, text, places)

    def same_as(self, other: _Emergency) -> bool:
        """The same emergency word, and a place one names is in the other's text."""
        if not self.words & other.words:
            return False
        return any(place in other.text for place in self.places) or any(
            place in self.text for place in other.places
        )


def _first_texts(session: Session, ids: Sequence[str]) -> dict[str, list[str]]:
    """The title and body of each case's first :data:`MAX_TEXTS_A_CASE` messages.

    An emergency is named in the first reports; a case's later repeats add no place.
    """
    order = func.row_number().over(partition_by=Message.case_id, order_by=(Message.received_at, Message.id))
    ranked = (
        select(Message.case_id, Message.title, Message.body, order.label("at"))
        .where(Message.case_id.in_(ids))
        .subquery()
    )
    query = (
        select(ranked.c.case_id, ranked.c.title, ranked.c.body)
        .where(ranked.c.at <= MAX_TEXTS_A_CASE)
        .order_by(ranked.c.case_id, ranked.c.at)
    )
    texts: dict[str, list[str]] = {}
    for case_id, title, body in session.execute(query):
        texts.setdefault(case_id, []).append(f"{title} {body}")
    return texts


def _by_emergency(session: Session, waiting: dict[str, Case], links: _Links) -> None:
    cases_ = [case for case in waiting.values() if case.urgent and case.urgent_reason][:MAX_URGENT_COMPARED]
    texts = _first_texts(session, [case.id for case in cases_]) if len(cases_) > 1 else {}
    urgent = [_Emergency.of(case, texts.get(case.id, [])) for case in cases_]
    for at, one in enumerate(urgent):
        for other in urgent[at + 1 :]:
            if one.same_as(other):
                links.join((one.case_id, other.case_id))


def _keep_first(members: list[Case]) -> tuple[Case, ...]:
    """The case to keep (urgent, then one already with a department, then the oldest) first."""
    ordered = sorted(members, key=lambda c: (not c.urgent, c.department_id is None, c.created_at, c.id))
    return tuple(ordered)


def open_groups(session: Session, user: User) -> list[CaseGroup]:
    """Groups of two or more waiting cases ``user`` sees; urgent groups first, then the largest."""
    waiting = _waiting(session, user)
    if len(waiting) < 2:  # noqa: PLR2004 - a group has two cases at least
        return []
    links = _Links()
    for case_id in waiting:
        links.find(case_id)
    issue_of = _by_analysis(session, list(waiting), links)
    _by_emergency(session, waiting, links)
    members: dict[str, list[Case]] = {}
    for case_id, case in waiting.items():
        members.setdefault(links.find(case_id), []).append(case)
    groups = []
    for found in members.values():
        if len(found) < 2:  # noqa: PLR2004
            continue
        ordered = _keep_first(found)
        issue = next((issue_of[c.id] for c in ordered if c.id in issue_of), None)
        groups.append(CaseGroup(cases=ordered, issue_id=issue))
    groups.sort(key=lambda g: (not g.urgent, -g.size, g.cases[0].created_at))
    return groups


def merge_group(session: Session, user: User, case_ids: Sequence[str]) -> tuple[Case, int]:
    """Merge the cases ``case_ids`` of one group into its first case; it and how many were merged.

    Not committed.

    Only cases of one current group count (a case answered, merged or no longer visible
    meanwhile is left out). The kept case becomes urgent if any merged case was.

    Raises:
        InvalidInput: The ids name fewer than two cases of one group.
        Forbidden: The user may not merge cases.
    """
    require(user, Action.MERGE)  # refused before the ids are looked at
    wanted = set(case_ids)
    group = next((g for g in open_groups(session, user) if wanted & {c.id for c in g.cases}), None)
    chosen = [case for case in group.cases if case.id in wanted] if group is not None else []
    if len(chosen) < 2:  # noqa: PLR2004
        raise InvalidInput("choose two or more cases of one group to merge", field="case_ids")
    keep, *others = chosen
    for other in others:
        if other.urgent and not keep.urgent:
            cases.mark_urgent(session, keep, other.urgent_reason or "")
        workflow.merge_cases(session, user, keep, other)
    return keep, len(others)
