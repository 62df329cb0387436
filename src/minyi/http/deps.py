"""Request-scoped dependencies: the session, the signed-in user, CSRF, the visible case."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Annotated

from fastapi import Depends, Form, Request
from sqlalchemy.orm import Session

from minyi.accounts import sessions
from minyi.accounts.models import User
from minyi.accounts.throttle import Throttle
from minyi.cases import services as cases
from minyi.cases.models import Case
from minyi.cases.public_text import PublicText
from minyi.core.errors import Conflict
from minyi.db.base import utcnow
from minyi.db.session import Database, commit_noted
from minyi.http import transactions
from minyi.http.errors import CHANGED_MEANWHILE, CsrfRejected
from minyi.http.inputs import expected_case_version
from minyi.http.security import csrf_ok
from minyi.settings import Settings

SESSION_USER_KEY = "user_id"  # cookies from before server-side sessions; dropped when seen
SESSION_TOKEN_KEY = "sid"  # noqa: S105 - the key under which the cookie holds the session token


class LoginRequired(Exception):  # noqa: N818 - reads as what happened
    """The page needs a signed-in staff user."""


def get_db(request: Request) -> Iterator[Session]:
    """A session for this request; the route commits once, at its end.

    Closed once the response is sent; its transaction ends, and its connection goes back to
    the pool, as soon as the route returns (:mod:`minyi.http.transactions`). A GET or HEAD
    reads (:meth:`Database.request_session`).
    """
    database: Database = request.app.state.db
    session = database.request_session(reads=transactions.reads(request.scope))
    transactions.track(session)
    try:
        yield session
    finally:
        session.close()


def get_settings(request: Request) -> Settings:
    """The application's settings."""
    settings: Settings = request.app.state.settings
    return settings


DbSession = Annotated[Session, Depends(get_db)]
AppSettings = Annotated[Settings, Depends(get_settings)]


def public_masker(request: Request, db: DbSession, settings: AppSettings) -> PublicText:
    """How this request shows case and statement texts to the public (official numbers kept).

    Kept in ``request.state.public_text``, where the pages' ``render`` finds it.
    """
    masker = PublicText.of(db, settings.public_number_list)
    transactions.release(db)  # the route runs in another worker thread: no connection held meanwhile
    request.state.public_text = masker
    return masker


PublicMasker = Annotated[PublicText, Depends(public_masker)]
#: ``dependencies=[PUBLIC_VIEW]`` on a public page: its templates mask with the official numbers kept.
PUBLIC_VIEW = Depends(public_masker)


def get_throttle(request: Request) -> Throttle:
    """The process's login throttle (limits, clock, concurrent-check cap)."""
    throttle: Throttle = request.app.state.throttle
    return throttle


LoginThrottle = Annotated[Throttle, Depends(get_throttle)]


def client_address(request: Request) -> str:
    """The client's address as the server sees it (uvicorn applies trusted proxy headers)."""
    return request.client.host if request.client else "unknown"


def optional_user(request: Request, db: DbSession) -> User | None:
    """The signed-in staff user, if any: the cookie's token must name a live server-side session.

    A revoked (logged out, ended by an administrator, password changed), expired or unknown
    session, or one of a deactivated user, is no session: the cookie is cleared.
    """
    token = request.session.get(SESSION_TOKEN_KEY)
    request.session.pop(SESSION_USER_KEY, None)
    if not token:
        return None
    now = utcnow()
    live = sessions.resolve(db, str(token), now)
    if live is None:
        transactions.release(db)
        request.session.pop(SESSION_TOKEN_KEY, None)
        return None
    if sessions.touch(live, now):
        commit_noted(db)
    user = live.user
    transactions.release(db)  # as in public_masker: nothing held while the route waits for a thread
    request.state.user = user
    return user


def require_user(user: Annotated[User | None, Depends(optional_user)]) -> User:
    """The signed-in staff user; otherwise the page redirects to the login form."""
    if user is None:
        raise LoginRequired
    return user


StaffUser = Annotated[User, Depends(require_user)]


def check_csrf(request: Request, csrf_token: Annotated[str, Form()] = "") -> None:
    """Refuse a form that does not carry this session's CSRF token (field ``csrf_token``)."""
    if not csrf_ok(request, csrf_token):
        raise CsrfRejected("the page expired; reload and try again")


#: Put ``_csrf: CsrfChecked`` after the user parameter of a form route.
CsrfChecked = Annotated[None, Depends(check_csrf)]


def staff_case(db: DbSession, user: StaffUser, case_id: str) -> Case:
    """The case ``case_id`` if the signed-in user may see it; NotFound otherwise."""
    case = cases.get_case(db, user, case_id)
    transactions.release(db)
    return case


StaffCase = Annotated[Case, Depends(staff_case)]


def run_case_action(
    db: Session,
    user: User,
    case_id: str,
    action: Callable[[Case], object],
    expected_version: int | None = None,
) -> Case:
    """Load the case ``user`` may see, run ``action`` on it, and commit (roll back on error).

    ``expected_version``: the case's version on the page the step was taken from; if the
    case has moved on since (another person's step, or this form sent twice), the step is
    refused with a Conflict, as it would be had both been sent at the same moment. The
    domain errors propagate to the one error handler (``minyi.server.app``).
    """
    case = cases.get_case(db, user, case_id)
    if expected_version is None:  # a JSON step's If-Match (the web passes its form's)
        expected_version = expected_case_version()
    if expected_version is not None and case.version != expected_version:
        raise Conflict(CHANGED_MEANWHILE)
    try:
        action(case)
    except Exception:
        db.rollback()
        raise
    db.commit()
    return case
