"""JSON routes: thin wrappers around the intake and case services."""

from __future__ import annotations

import contextlib
from typing import Annotated, Literal

from fastapi import Depends, Header, HTTPException, Query, Request, status
from fastapi.responses import JSONResponse
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from sqlalchemy import select
from sqlalchemy.orm import Session

import minyi
from minyi.accounts import services as accounts
from minyi.accounts.models import User
from minyi.accounts.permissions import sees_all_departments
from minyi.api.schemas import (
    CaseList,
    CaseOut,
    CaseSummary,
    DispatchIn,
    Health,
    MessageCreated,
    MessageOut,
    ReplyIn,
    StatusIn,
)
from minyi.cases import holiday_store, routing, workflow
from minyi.cases import services as cases
from minyi.cases.models import Case, CaseStatus
from minyi.cases.public_text import PublicText
from minyi.core import localtime
from minyi.core.errors import InvalidInput, NotFound
from minyi.db.base import utcnow
from minyi.db.session import Database, commit_noted
from minyi.departments.models import Department
from minyi.flows import processing
from minyi.flows.workers import waiting_count
from minyi.http import transactions
from minyi.http.deps import (
    AppSettings,
    DbSession,
    LoginThrottle,
    PublicMasker,
    client_address,
    run_case_action,
)
from minyi.http.submissions import KEY_HEADER, KEY_PATTERN, ApiSubmissions
from minyi.http.transactions import Router
from minyi.intake import tracking
from minyi.intake.models import Channel, Message
from minyi.intake.schemas import MessageIn
from minyi.intake.services import scoped_idempotency_key
from minyi.schema import migrate

router = Router()
CURSOR_HELP = "next_cursor of the previous page: the page after it (give it without offset)"
MAX_OFFSET = 1_000_000  # a page further than this is no use to anyone, and a huge one breaks PostgreSQL
bearer = HTTPBearer(auto_error=False, description="A staff API token (`minyi user token NAME`)")
Credentials = Annotated[HTTPAuthorizationCredentials | None, Depends(bearer)]


def _token_user(db: DbSession, credentials: Credentials) -> User | None:
    if credentials is None:
        return None
    user = accounts.user_for_token(db, credentials.credentials)
    if user is None:
        raise HTTPException(401, "invalid or revoked API token", headers={"WWW-Authenticate": "Bearer"})
    commit_noted(db)
    return user


def _require_token_user(user: Annotated[User | None, Depends(_token_user)]) -> User:
    if user is None:
        raise HTTPException(
            401, "this endpoint needs a staff API token", headers={"WWW-Authenticate": "Bearer"}
        )
    return user


TokenUser = Annotated[User, Depends(_require_token_user)]
MaybeTokenUser = Annotated[User | None, Depends(_token_user)]


def token_case(db: DbSession, user: TokenUser, case_id: str) -> Case:
    """The case ``case_id`` if the token's user may see it; NotFound (404) otherwise."""
    case = cases.get_case(db, user, case_id)
    transactions.release(db)  # no connection held while the route waits for a worker thread
    return case


TokenCase = Annotated[Case, Depends(token_case)]


def _queue_health(request: Request, db: Session | None) -> dict[str, str | int]:
    """``queue`` and ``waiting`` with NATS processing; nothing otherwise (no queue server).

    An unreachable NATS does not make ``/healthz`` fail: the server still stores and
    acknowledges every message (the sweeper publishes them later), so a load balancer must
    keep sending it requests; monitoring watches ``queue`` and ``waiting`` instead.
    """
    state = request.app.state.processing.queue_state()
    if state is None:
        return {}
    fields: dict[str, str | int] = {"queue": state}
    if db is not None:
        with contextlib.suppress(Exception):  # the database's own state is reported beside
            fields["waiting"] = waiting_count(db)
    return fields


@router.get("/healthz", response_model=Health, tags=["ops"])
def healthz(request: Request, db: DbSession) -> JSONResponse:
    """Whether the server is up, its database answers and its schema is this release's.

    With NATS processing, also whether NATS answers and how many messages wait. HEAD is
    answered too: some load balancers probe with it.
    """
    schema = "unknown"
    try:
        problem = migrate.revision_problem(db.connection())
        database = "ok"
        schema = "current" if problem is None else "not current"
    except Exception:  # noqa: BLE001 - reported, not raised
        database = "unreachable"
        _forget_failed_transaction(db)
    code = 200 if database == "ok" and schema == "current" else 503
    body = Health(
        status="ok" if code == 200 else "degraded",  # noqa: PLR2004
        database=database,
        schema_=schema,
        version=minyi.__version__,
    )
    queue = _queue_health(request, db if database == "ok" else None)
    calendar = _calendar_health(db) if database == "ok" else {}
    answer = body.model_dump(by_alias=True, exclude_none=True) | queue | calendar
    return JSONResponse(answer, status_code=code)


def _calendar_health(db: Session) -> dict[str, list[int]]:
    """``holidays_missing``: the years whose holidays nobody entered (nothing when none is missing).

    In December 2026 nothing but a log line, once a process, said that 2027's deadlines were
    being counted without 春节 (tenth probe); monitoring reads this answer.
    """
    try:
        missing = holiday_store.missing_years(db, localtime.local(utcnow()).date())
    except Exception:  # noqa: BLE001 - the database's state is reported beside
        _forget_failed_transaction(db)
        return {}
    return {"holidays_missing": missing} if missing else {}


router.add_api_route("/healthz", healthz, methods=["HEAD"], include_in_schema=False)


def _forget_failed_transaction(db: Session) -> None:
    """Roll back what the failed probe began, so the request's end does not fail on it.

    The first probe after the database went away answered 500 (the transaction left failed
    was committed at the request's end: operator walk-through); later ones said 503.
    """
    try:
        db.rollback()
    except Exception:  # noqa: BLE001 - the connection is gone; the pool discards it
        db.close()


@router.post(
    "/api/v1/messages", status_code=status.HTTP_201_CREATED, response_model=MessageCreated, tags=["messages"]
)
def create_message(
    request: Request,
    data: MessageIn,
    idempotency_key: Annotated[str | None, Header(max_length=200)] = None,
    x_api_key: Annotated[
        str | None,
        Header(
            alias=KEY_HEADER,
            description="An integrator's client key (`minyi open311 key create`)",
            json_schema_extra={"pattern": KEY_PATTERN},  # checked by the domain: 401 naming the header
        ),
    ] = None,
) -> JSONResponse:
    """Store a message. The same `Idempotency-Key` with the same body stores it once.

    Without `X-Api-Key`, at most `MINYI_API_SUBMIT_PER_ADDRESS` messages an hour come from
    one address; with an integrator's key, `MINYI_API_KEY_PER_HOUR` for that key (429 and
    `Retry-After` beyond). The session is opened here rather than by the ``DbSession``
    dependency: a generator dependency costs two more hops to the thread pool, a third of
    this hot route's CPU.
    """
    database: Database = request.app.state.db
    with database.session() as db:
        limits: ApiSubmissions = request.app.state.api_submissions
        address = client_address(request)
        source = limits.admit(db, address, x_api_key)
        client = source or f"address:{address}"
        scoped = None if idempotency_key is None else scoped_idempotency_key(client, idempotency_key)
        accepted = processing.receive(
            db,
            data,
            channel=Channel.API.value,
            key=request.app.state.secret_key,
            source=source,
            idempotency_key=scoped,
            processor=request.app.state.processing.processor,
        )
        message = accepted.message
        body = MessageCreated(
            id=message.id,
            tracking_code=message.tracking_code,
            tracking_secret=accepted.tracking_secret,
            case_id=message.case_id,
            status=message.case.status if message.case else None,
            created=accepted.created,
        )
    code = status.HTTP_201_CREATED if accepted.created else status.HTTP_200_OK
    return JSONResponse(
        body.model_dump(mode="json"), status_code=code, headers={"Location": f"/api/v1/messages/{message.id}"}
    )


@router.get("/api/v1/messages/{message_id}", response_model=MessageOut, tags=["messages"])
def get_message(
    request: Request,
    db: DbSession,
    throttle: LoginThrottle,
    user: MaybeTokenUser,
    public: PublicMasker,
    message_id: str,
    x_tracking_secret: Annotated[str | None, Header()] = None,
) -> MessageOut:
    """A message, for staff who may see its case, or for its author with `X-Tracking-Secret`."""
    message = db.get(Message, message_id)
    if message is None:
        raise NotFound("no such message")
    if user is not None:
        visible = cases.can_view(user, message.case) if message.case else sees_all_departments(user)
        if not visible:
            raise NotFound("no such message")
        return MessageOut.of(message, with_contact=True, public=public)
    if x_tracking_secret:  # throttled per tracking code and address: 429 with Retry-After when locked
        right = tracking.author_secret_ok(db, throttle, message, x_tracking_secret, client_address(request))
        db.commit()  # a wrong secret counts; a right one clears the code's count
        if right:
            return MessageOut.of(message, with_contact=False, public=public)
    raise HTTPException(
        401,
        "send a staff API token, or the tracking secret in X-Tracking-Secret",
        headers={"WWW-Authenticate": "Bearer"},
    )


@router.get("/api/v1/cases", response_model=CaseList, tags=["cases"])
def list_cases(
    db: DbSession,
    user: TokenUser,
    status_: Annotated[CaseStatus | None, Query(alias="status")] = None,
    category_id: Annotated[str | None, Query(max_length=36)] = None,
    q: Annotated[str | None, Query(max_length=200)] = None,
    due: Annotated[
        Literal["overdue", "soon", "supervised", "unsigned"] | None,
        Query(description="overdue, due soon, supervised, or unsigned (超时未签收: past sign_due_at)"),
    ] = None,
    limit: Annotated[int, Query(ge=1, le=200)] = 50,
    offset: Annotated[int, Query(ge=0, le=MAX_OFFSET)] = 0,
    cursor: Annotated[str | None, Query(max_length=1000, description=CURSOR_HELP)] = None,
) -> CaseList:
    """The cases the token's user may see: urgent first, then by reply deadline (none last), newest.

    Page with ``cursor`` (the ``next_cursor`` of the page before): as fast deep in the list as
    on page one, and no case twice or skipped while cases arrive; ``offset`` still works.
    """
    flt = cases.CaseFilter(
        status=status_.value if status_ else None,
        category_id=category_id,
        query=q,
        due=due,
        limit=limit,
        offset=offset,
        cursor=cursor or None,  # cursor= (empty) is the first page, as no cursor
    )
    page = cases.case_page(db, user, flt)
    public = PublicText()  # one per request: it reads each case's names once
    items = [CaseSummary.of(c, public) for c in page.items]
    return CaseList(total=page.total, limit=limit, offset=offset, items=items, next_cursor=page.next_cursor)


@router.get("/api/v1/cases/{case_id}", response_model=CaseOut, tags=["cases"])
def get_case(case: TokenCase) -> CaseOut:
    """One case with its messages, history and replies."""
    return CaseOut.full(case)


@router.post("/api/v1/cases/{case_id}/dispatch", response_model=CaseOut, tags=["cases"])
def dispatch_case(db: DbSession, user: TokenUser, case_id: str, data: DispatchIn) -> CaseOut:
    """Send the case to a department (dispatchers and admins); again to reassign it."""
    cases.get_case(db, user, case_id)  # an invisible case is not found, whatever the department
    department = db.scalar(select(Department).where(Department.code == data.department))
    if department is None:
        raise InvalidInput(f"no department with code {data.department!r}", field="department")

    def send(c: Case) -> None:
        routing.note_correction(db, user, c, department=department)  # kept when it overrides the machine
        cases.dispatch(db, user, c, department, data.note)

    case = run_case_action(db, user, case_id, send)
    return CaseOut.full(case)


@router.post("/api/v1/cases/{case_id}/status", response_model=CaseOut, tags=["cases"])
def change_case_status(db: DbSession, user: TokenUser, case_id: str, data: StatusIn) -> CaseOut:
    """Move the case along its lifecycle; an illegal move is refused with 409."""
    case = run_case_action(
        db, user, case_id, lambda c: workflow.change_status(db, user, c, data.status.value, data.note)
    )
    return CaseOut.full(case)


@router.post("/api/v1/cases/{case_id}/replies", response_model=CaseOut, status_code=201, tags=["cases"])
def reply_to_case(
    db: DbSession, settings: AppSettings, user: TokenUser, case_id: str, data: ReplyIn
) -> CaseOut:
    """Add a public reply (answers the case) or an internal note (`public: false`).

    A public reply the quality check scores below `MINYI_REPLY_MIN_SCORE` needs a `reason`
    (422 naming the field `reason` otherwise); the score and the reason join the case's history.
    """
    min_score = settings.reply_min_score

    def answer(c: Case) -> object:
        return cases.add_reply(
            db, user, c, data.body, public=data.public, min_score=min_score, reason=data.reason
        )

    case = run_case_action(db, user, case_id, answer)
    return CaseOut.full(case)
