"""JSON routes for the workflow steps: return, extension, supervision, reopen, merge, follow-up, rating."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Annotated, Any, Literal

from fastapi import Header, Query, Request, Response
from pydantic import AwareDatetime, BaseModel, BeforeValidator, ConfigDict, Field, StrictBool
from sqlalchemy import select

from minyi.accounts.models import User
from minyi.api.routes import CURSOR_HELP, MAX_OFFSET, MaybeTokenUser, TokenCase, TokenUser
from minyi.api.schemas import CaseOut
from minyi.cases import follow_up, statements, supervision, workflow
from minyi.cases import services as cases
from minyi.cases.models import Case, ExtensionRequest, Satisfaction, Statement
from minyi.cases.public_text import PublicText
from minyi.core.errors import InvalidInput, NotFound
from minyi.db.base import utcnow
from minyi.http.deps import DbSession, LoginThrottle, PublicMasker, client_address, run_case_action
from minyi.http.language import accepted_language
from minyi.http.transactions import Router
from minyi.intake import tracking
from minyi.intake.models import Message
from minyi.intake.schemas import written_time

router = Router(prefix="/api/v1", tags=["workflow"])


class ReasonIn(BaseModel):
    """A reason, as for a return (退单) or a reopen (重办)."""

    model_config = ConfigDict(extra="forbid")
    reason: str = Field(min_length=1, max_length=1000)


class ExtensionIn(BaseModel):
    """A request for more time."""

    model_config = ConfigDict(extra="forbid")
    working_days: int = Field(ge=1, le=workflow.MAX_EXTENSION_DAYS)
    reason: str = Field(min_length=1, max_length=1000)


class DecisionIn(BaseModel):
    """A supervisor's decision on an extension request."""

    model_config = ConfigDict(extra="forbid")
    approve: StrictBool
    note: str = Field(default="", max_length=1000)


class SuperviseIn(BaseModel):
    """A supervision flag (督办)."""

    model_config = ConfigDict(extra="forbid")
    comment: str = Field(min_length=1, max_length=1000)
    due_at: Annotated[AwareDatetime, BeforeValidator(written_time)] | None = None


class SupervisedOut(CaseOut):
    """The case after 督办: its own deadline, and whether a day off asked was moved."""

    supervision_due_at: datetime | None = Field(description="The supervision's deadline (督办期限) in force")
    supervision_due_asked: datetime | None = Field(
        default=None,
        description="The deadline asked, when it fell on a day off of the office calendar and was "
        "moved to the end of the next working day (`supervision_due_at`); null otherwise",
    )
    notice: str | None = Field(
        default=None,
        description="The move said in words: Chinese, or English when `Accept-Language` prefers it",
    )


class MergeIn(BaseModel):
    """The number of the case to merge into this one."""

    model_config = ConfigDict(extra="forbid")
    other: str = Field(min_length=1, max_length=30)


class RatingIn(BaseModel):
    """The citizen's follow-up answer."""

    model_config = ConfigDict(extra="forbid")
    satisfaction: Satisfaction
    solved: StrictBool | None = None
    comment: str = Field(default="", max_length=2000)


class PhoneFollowUpIn(BaseModel):
    """The citizen's answer to a follow-up call (电话回访), as the staff case page takes it down."""

    model_config = ConfigDict(extra="forbid")
    satisfaction: Literal["satisfied", "basically_satisfied", "unsatisfied"]
    solved: StrictBool | None = Field(default=None, description="Solved or not; null when not asked")
    comment: str = Field(default="", max_length=2000, description="The citizen's words, as noted")


class RatingOut(BaseModel):
    """What the rating did."""

    satisfaction: str
    solved: bool | None
    case_status: str


def _run(db: DbSession, user: User, case_id: str, action: Callable[[Case], object]) -> CaseOut:
    return CaseOut.full(run_case_action(db, user, case_id, action))


@router.post("/cases/{case_id}/return", response_model=CaseOut)
def return_case(db: DbSession, user: TokenUser, case_id: str, data: ReasonIn) -> CaseOut:
    """The department returns the case to the dispatchers (退单)."""
    return _run(db, user, case_id, lambda case: workflow.return_case(db, user, case, data.reason))


@router.post("/cases/{case_id}/extensions", response_model=CaseOut, status_code=201)
def request_extension(db: DbSession, user: TokenUser, case_id: str, data: ExtensionIn) -> CaseOut:
    """The department asks for more working days (延期)."""
    return _run(
        db,
        user,
        case_id,
        lambda case: workflow.request_extension(db, user, case, data.working_days, data.reason),
    )


@router.post("/extensions/{request_id}/decision", response_model=CaseOut)
def decide_extension(db: DbSession, user: TokenUser, request_id: str, data: DecisionIn) -> CaseOut:
    """A supervisor approves (the deadline moves) or rejects an extension request."""
    pending = db.get(ExtensionRequest, request_id)
    if pending is None:
        raise NotFound("no such extension request")
    return _run(
        db,
        user,
        pending.case_id,
        lambda _case: workflow.decide_extension(db, user, pending, approve=data.approve, note=data.note),
    )


@router.post("/cases/{case_id}/supervise", response_model=SupervisedOut)
def supervise(
    request: Request, db: DbSession, user: TokenUser, case_id: str, data: SuperviseIn
) -> SupervisedOut:
    """A supervisor flags the case (督办) with a comment and an own deadline.

    A deadline on a day off moves to the end of the next working day (17:30 local): the
    answer gives the moment asked (`supervision_due_asked`) and says so (`notice`).
    """
    case = run_case_action(
        db, user, case_id, lambda case: workflow.supervise(db, user, case, data.comment, data.due_at)
    )
    move = supervision.last_move(case)
    language = accepted_language(request.headers.get("accept-language")) or "zh"  # Chinese first
    return SupervisedOut(
        **CaseOut.full(case).model_dump(),
        supervision_due_at=case.supervision_due_at,
        supervision_due_asked=move.asked if move else None,
        notice=supervision.moved_notice(move, language) if move else None,
    )


@router.post("/cases/{case_id}/reopen", response_model=CaseOut)
def reopen(db: DbSession, user: TokenUser, case_id: str, data: ReasonIn) -> CaseOut:
    """Reopen an answered case (重办)."""
    return _run(db, user, case_id, lambda case: workflow.reopen(db, case, data.reason, user))


@router.post("/cases/{case_id}/merge", response_model=CaseOut)
def merge(db: DbSession, user: TokenUser, case: TokenCase, data: MergeIn) -> CaseOut:
    """Merge the case numbered ``other`` into this one."""
    absorbed = db.scalar(select(Case).where(Case.number == data.other))
    if absorbed is None or not cases.can_view(user, absorbed):
        raise InvalidInput(f"no case numbered {data.other!r}", field="other")
    return _run(db, user, case.id, lambda kept: workflow.merge_cases(db, user, kept, absorbed))


@router.post("/cases/{case_id}/follow-up", response_model=CaseOut, status_code=201)
def follow_up_by_phone(db: DbSession, user: TokenUser, case_id: str, data: PhoneFollowUpIn) -> CaseOut:
    """Take down the citizen's answer to a follow-up call (电话回访): dispatchers and admins.

    The same service as the staff case page (``cases.follow_up``): the answer is the
    citizen's rating in every figure; unsolved or unsatisfied reopens the case (重办),
    otherwise it closes; the history names who called.
    """
    solved = {True: "yes", False: "no", None: ""}[data.solved]
    return _run(
        db,
        user,
        case_id,
        lambda case: follow_up.record_by_phone(
            db, user, case, data.satisfaction, solved=solved, comment=data.comment
        ),
    )


@router.post("/messages/{message_id}/rating", response_model=RatingOut, status_code=201, tags=["messages"])
def rate(
    request: Request,
    db: DbSession,
    throttle: LoginThrottle,
    message_id: str,
    data: RatingIn,
    x_tracking_secret: Annotated[str, Header()],
) -> RatingOut:
    """The author rates the answer with the tracking secret; unsolved or unsatisfied reopens the case."""
    message = db.get(Message, message_id)
    if message is None or not tracking.author_secret_ok(
        db, throttle, message, x_tracking_secret, client_address(request)
    ):
        db.commit()  # a wrong secret counts
        raise NotFound("no such message, or the tracking secret does not match")
    rating = workflow.rate(db, message, data.satisfaction.value, data.solved, data.comment)
    db.commit()
    status = message.case.status if message.case else ""
    return RatingOut(satisfaction=rating.satisfaction, solved=rating.solved, case_status=status)


class DraftIn(BaseModel):
    """A draft public reply."""

    model_config = ConfigDict(extra="forbid")
    body: str = Field(min_length=1, max_length=20_000)


@router.post("/cases/{case_id}/replies/check")
def check_reply(case: TokenCase, data: DraftIn) -> dict[str, Any]:
    """Score a draft reply before sending it: relevance, completeness, timeliness, with reasons."""
    result: dict[str, Any] = cases.check_reply(case, data.body).to_dict()
    return result


class StatementCaseIn(BaseModel):
    """A case the statement answers, by id or number, with an optional note of its own."""

    model_config = ConfigDict(extra="forbid")
    case: str = Field(min_length=1, max_length=40, description="Case id or number")
    note: str = Field(default="", max_length=2000)


class StatementIn(BaseModel):
    """A public statement (权威发布) answering several cases."""

    model_config = ConfigDict(extra="forbid")
    title: str = Field(min_length=1, max_length=300)
    body: str = Field(min_length=1, max_length=20_000)
    cases: list[StatementCaseIn] = Field(min_length=1, max_length=statements.MAX_CASES)
    issue_key: str | None = Field(default=None, max_length=80)


class StatementOut(BaseModel):
    """A published statement."""

    id: str
    title: str
    body: str
    issue_key: str | None
    published_at: datetime
    cases: int = Field(description="How many cases it answers")
    case_numbers: list[str] = Field(description="The answered cases a staff token may see; none for others")


def _statement_out(statement: Statement, user: User | None, public: PublicText) -> StatementOut:
    """The statement as the public reads it (as on /public/statements), with the numbers ``user`` may see."""
    return StatementOut(
        id=statement.id,
        title=public.statement(statement, statement.title),
        body=public.statement(statement, statement.body),
        issue_key=statement.issue_key,
        published_at=statement.published_at,
        cases=len(statement.links),
        case_numbers=[case.number for case in statements.visible_links(user, statement)],
    )


@router.post("/statements", response_model=StatementOut, status_code=201, tags=["statements"])
def publish_statement(
    db: DbSession, user: TokenUser, data: StatementIn, public: PublicMasker, response: Response
) -> StatementOut:
    """Publish one answer for many cases: each gets it as its public reply and moves to replied.

    The same statement sent again within ten minutes (a retry) answers `200` with the one
    already published, as a message sent again with its `Idempotency-Key` does.
    """
    started = utcnow()
    found: list[Case] = []
    notes: dict[str, str] = {}
    for item in data.cases:
        case = db.get(Case, item.case) or db.scalar(select(Case).where(Case.number == item.case))
        if case is None or not cases.can_view(user, case):
            raise InvalidInput(f"no case {item.case!r}", field="cases")
        found.append(case)
        if item.note.strip():
            notes[case.id] = item.note
    statement = statements.publish(
        db, user, title=data.title, body=data.body, cases=found, notes=notes, issue_key=data.issue_key
    )
    db.commit()
    if statement.published_at < started:  # published before this request: a retry
        response.status_code = 200
    return _statement_out(statement, user, public)


#: Where a list answered as a bare JSON array gives its next page's cursor.
NEXT_CURSOR_HEADER = "X-Next-Cursor"


@router.get("/statements", response_model=list[StatementOut], tags=["statements"])
def list_statements(
    db: DbSession,
    user: MaybeTokenUser,
    public: PublicMasker,
    response: Response,
    limit: Annotated[int, Query(ge=1, le=200)] = 50,
    offset: Annotated[int, Query(ge=0, le=MAX_OFFSET)] = 0,
    cursor: Annotated[str | None, Query(max_length=1000, description=CURSOR_HELP)] = None,
) -> list[StatementOut]:
    """Published statements, newest first (public); case numbers only those a staff token may see.

    The answer stays a JSON array; the next page's cursor comes in the ``X-Next-Cursor`` header.
    """
    found, next_cursor = statements.statement_page(db, limit, offset, cursor or None)
    if next_cursor is not None:
        response.headers[NEXT_CURSOR_HEADER] = next_cursor
    return [_statement_out(s, user, public) for s in found]
