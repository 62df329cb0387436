"""JSON twins of the hot-issue pages: the ranked list, one issue's card, and the staff edits.

Reading takes any staff API token (department tokens see their department's cases and
messages, the others' only counted); renaming, merging and splitting take a dispatcher's,
supervisor's or administrator's (``Action.EDIT_ISSUES`` in :mod:`minyi.accounts.permissions`). Message text
is masked and no author identity is ever returned: authors are only counted.
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from fastapi import Query, Request
from pydantic import BaseModel, ConfigDict, Field

from minyi.accounts.models import User
from minyi.accounts.permissions import Action, require
from minyi.api.routes import CURSOR_HELP, TokenUser
from minyi.core.errors import NotFound
from minyi.http.deps import DbSession, client_address
from minyi.http.transactions import Router
from minyi.issues import card as cards
from minyi.issues import card_page, editing
from minyi.issues.models import HotIssue
from minyi.pipeline.privacy import mask_text

router = Router(prefix="/api/v1/issues", tags=["issues"])


class IssueSummary(BaseModel):
    """One hot issue in the ranked list."""

    id: str
    title: str
    heat: float
    size: int
    authors: int = Field(description="Distinct authors (a count only)")
    likes: int
    dislikes: int
    reposts: int
    replies: int
    keywords: list[str]
    places: list[str]
    first_time: datetime
    last_time: datetime
    archived_at: datetime | None
    merged_into_id: str | None
    title_locked: bool

    @classmethod
    def of(cls, issue: HotIssue) -> IssueSummary:
        """The summary of a stored issue (title masked)."""
        return cls(
            id=issue.id,
            title=mask_text(issue.title),
            heat=issue.heat,
            size=issue.size,
            authors=issue.authors,
            likes=issue.likes,
            dislikes=issue.dislikes,
            reposts=issue.reposts,
            replies=issue.replies,
            keywords=list(issue.keywords or []),
            places=list(issue.places or []),
            first_time=issue.first_time,
            last_time=issue.last_time,
            archived_at=issue.archived_at,
            merged_into_id=issue.merged_into_id,
            title_locked=issue.title_locked,
        )


class IssueList(BaseModel):
    """Hot issues, hottest first."""

    items: list[IssueSummary]


class IssueMessageOut(BaseModel):
    """A member message: masked text, its case number, no author."""

    id: str
    title: str
    excerpt: str
    time: datetime
    category: str | None
    case_number: str | None
    likes: int
    dislikes: int
    reposts: int
    replies: int
    pinned: bool = Field(description="Placed in this issue by staff")

    @classmethod
    def of(cls, line: cards.MessageLine) -> IssueMessageOut:
        """From a line of the issue card."""
        return cls(
            id=line.id,
            title=line.title,
            excerpt=line.excerpt,
            time=line.when,
            category=line.category,
            case_number=line.case_number,
            likes=line.likes,
            dislikes=line.dislikes,
            reposts=line.reposts,
            replies=line.replies,
            pinned=line.pinned,
        )


class IssueDetail(IssueSummary):
    """One issue's card: a page of its messages (the first without a cursor)."""

    timeline: dict[str, int] = Field(description="Messages per day (ISO date → count)")
    categories: dict[str, int] = Field(description="Messages per category label")
    representatives: list[IssueMessageOut]
    messages: list[IssueMessageOut] = Field(description="This page's messages, earliest first")
    case_numbers: list[str] = Field(description="The cases of this page's messages the token's user may see")
    hidden_cases: int = Field(description="Other departments' cases of the issue (a count only)")
    hidden_messages: int = Field(description="Messages of those cases (a count only)")
    message_total: int = Field(description="The messages the token's user may see, on every page")
    case_total: int = Field(description="The cases the token's user may see, on every page")
    next_cursor: str | None = Field(
        default=None, description="Pass as cursor for the next page of messages; null on the last page"
    )

    @classmethod
    def full(cls, page: card_page.CardPage) -> IssueDetail:
        """One page of the card."""
        card = page.card
        return cls(
            **IssueSummary.of(card.issue).model_dump(),
            timeline={str(k): int(v) for k, v in (card.issue.timeline or {}).items()},
            categories=card.categories,
            representatives=[IssueMessageOut.of(m) for m in card.representatives],
            messages=[IssueMessageOut.of(m) for m in card.messages],
            case_numbers=page.case_numbers,
            hidden_cases=card.hidden_cases,
            hidden_messages=card.hidden_messages,
            message_total=card.message_total,
            case_total=card.case_total,
            next_cursor=page.next_cursor,
        )


class RenameIn(BaseModel):
    """A new title; later refreshes keep it."""

    model_config = ConfigDict(extra="forbid")
    title: str = Field(min_length=1, max_length=editing.TITLE_MAX)


class MergeIn(BaseModel):
    """The issue to merge this one into."""

    model_config = ConfigDict(extra="forbid")
    target_id: str = Field(min_length=1, max_length=40)


class SplitIn(BaseModel):
    """The messages to move into a new issue, and its title (optional)."""

    model_config = ConfigDict(extra="forbid")
    message_ids: list[str] = Field(min_length=1, max_length=editing.SPLIT_MAX)
    title: str | None = Field(default=None, max_length=editing.TITLE_MAX)


def _found(db: DbSession, issue_id: str) -> HotIssue:
    issue = db.get(HotIssue, issue_id)
    if issue is None:
        raise NotFound("no such hot issue")
    return issue


def _first_page(db: DbSession, issue: HotIssue, user: User) -> IssueDetail:
    """The card an edit answers with: its first page, as ``GET`` without a cursor gives it."""
    return IssueDetail.full(card_page.card_page(db, issue, user))


def _editor(user: User) -> None:
    require(user, Action.EDIT_ISSUES)


@router.get("", response_model=IssueList)
def list_issues(
    db: DbSession,
    user: TokenUser,  # noqa: ARG001 - a staff token is required
    limit: Annotated[int, Query(ge=1, le=500)] = 50,
    status: Annotated[cards.Status, Query()] = "active",
    days: Annotated[int | None, Query(ge=1, le=3650)] = None,
) -> IssueList:
    """Hot issues not merged away, hottest first: `active`, `archived` or `all`."""
    items = cards.listing(db, status=status, days=days, limit=limit)
    return IssueList(items=[IssueSummary.of(i) for i in items])


@router.get("/{issue_id}", response_model=IssueDetail)
def get_issue(
    db: DbSession,
    user: TokenUser,
    issue_id: str,
    limit: Annotated[int, Query(ge=1, le=card_page.MAX_LIMIT)] = card_page.PAGE,
    cursor: Annotated[str | None, Query(max_length=1000, description=CURSOR_HELP)] = None,
) -> IssueDetail:
    """One issue's card with a page of its messages; a merged issue names the one it joined.

    Department tokens get their department's cases and messages; the others only as counts.
    ``limit`` messages a page, earliest first; the next page with ``cursor`` (``next_cursor``).
    """
    return IssueDetail.full(
        card_page.card_page(db, _found(db, issue_id), user, limit=limit, cursor=cursor or None)
    )


@router.post("/{issue_id}/rename", response_model=IssueDetail)
def rename(request: Request, db: DbSession, user: TokenUser, issue_id: str, data: RenameIn) -> IssueDetail:
    """Give the issue a title that later refreshes keep."""
    _editor(user)
    issue = _found(db, issue_id)
    editing.rename(db, issue, data.title, by=user, address=client_address(request))
    db.commit()
    return _first_page(db, issue, user)


@router.post("/{issue_id}/merge", response_model=IssueDetail)
def merge(request: Request, db: DbSession, user: TokenUser, issue_id: str, data: MergeIn) -> IssueDetail:
    """Move every message of this issue into `target_id`; returns the target's card."""
    _editor(user)
    issue = _found(db, issue_id)
    target = db.get(HotIssue, data.target_id)
    if target is None:
        raise editing.IssueEditError("target_id", "target_id: no such hot issue")
    editing.merge(db, issue, target, by=user, address=client_address(request))
    db.commit()
    return _first_page(db, target, user)


@router.post("/{issue_id}/split", response_model=IssueDetail, status_code=201)
def split(request: Request, db: DbSession, user: TokenUser, issue_id: str, data: SplitIn) -> IssueDetail:
    """Move the listed messages into a new issue; returns the new issue's card."""
    _editor(user)
    issue = _found(db, issue_id)
    created = editing.split(db, issue, data.message_ids, data.title, by=user, address=client_address(request))
    db.commit()
    return _first_page(db, created, user)
