"""Give a request's database connection back as soon as its route has returned.

A route's session (:func:`minyi.http.deps.get_db`) is closed when the response has been sent.
Between the two, FastAPI checks a route's returned model in a worker thread, and a thread is
what every other request waits in for a pooled connection (or, on SQLite, for the write
lock). Under 100 parallel API reads, every worker thread waited for a connection held by a
request that waited for a thread: nothing moved until the pool's 30 s timeout, and 40 of the
100 got 503 (eighth probe; the same on PostgreSQL with its pool of 15).

So each route function is wrapped (:class:`TransactionRoute`, the route class of every
:class:`Router`; :class:`RequestSessions` gives each request its list): when it returns,
the transactions of the sessions it used are ended if they hold nothing to write, which
returns their connections to the pool. What the route loaded stays readable (sessions do
not expire objects on commit); a later lazy load starts a new transaction, from a thread
that already holds its worker slot. A session with changes the route did not commit, or
flushed and left, is left alone: closing it at the end rolls them back, as before.
"""

from __future__ import annotations

import functools
import inspect
import types
from collections.abc import Callable
from contextvars import ContextVar
from typing import Any

from fastapi.routing import APIRoute, APIRouter
from sqlalchemy import event
from sqlalchemy.orm import Session
from starlette.types import ASGIApp, Message, Receive, Scope, Send

_SESSIONS: ContextVar[list[Session] | None] = ContextVar("minyi_request_sessions", default=None)
_FLUSHED = "minyi_flushed_uncommitted"


def track(session: Session) -> None:
    """Note ``session`` as one of this request's (called where the request's session opens)."""
    sessions = _SESSIONS.get()
    if sessions is not None:
        sessions.append(session)


def release(session: Session) -> bool:
    """End ``session``'s transaction if it has nothing to write; whether it was ended."""
    if not session.in_transaction() or session.info.get(_FLUSHED):
        return False
    if session.new or session.dirty or session.deleted:
        return False
    session.commit()  # writes nothing: returns the connection, keeps the loaded objects
    return True


#: Scope keys: whether this request's sessions start as readers (SQLite: no write lock), and
#: whether a reader's write found the data changed since its read (then it runs again).
READS = "minyi.reads"
STALE = "minyi.stale_read"
_READ_METHODS = frozenset({"GET", "HEAD"})


def reads(scope: Scope) -> bool:
    """Whether the request's sessions should start as readers (a GET or HEAD, first attempt)."""
    return bool(scope.get(READS, False))


def note_stale_read(scope: Scope) -> bool:
    """Called on SQLite's "database is locked" in a request: mark a reader's for a rerun.

    A GET that writes a little (the audit record of a page showing personal data, a tracking
    secret's throttle count) cannot take the lock once another request has written since its
    read: SQLite refuses at once (the soak test: 122 of 892 case pages answered 503). GET
    is safe to run again, and its first attempt was rolled back: it runs again as a writer.
    Returns whether it will (the 503 the handler answers is then not sent).
    """
    if not reads(scope):
        return False
    scope[STALE] = True
    return True


class RequestSessions:
    """ASGI middleware: each HTTP request's list of sessions, and its rerun as a writer.

    A GET or HEAD runs first with sessions that read (:func:`reads`); if one of its writes
    found the data changed since its read (:func:`note_stale_read`), the answer is dropped
    before anything is sent and the request runs once more with sessions that write.
    """

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Run the request with its own list (the route's worker threads share it)."""
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        if scope["method"] in _READ_METHODS:
            scope[READS] = True
            if not await self._run(scope, receive, send, drop_stale=True):
                return
            scope[READS] = False
            receive = _again(receive)
        await self._run(scope, receive, send, drop_stale=False)

    async def _run(self, scope: Scope, receive: Receive, send: Send, *, drop_stale: bool) -> bool:
        """Run the app once; whether its answer was dropped to run it again as a writer."""
        dropped = False

        async def forward(message: Message) -> None:
            nonlocal dropped
            if message["type"] == "http.response.start" and drop_stale and scope.pop(STALE, False):
                dropped = True
            if not dropped:
                await send(message)

        token = _SESSIONS.set([])
        try:
            await self.app(scope, receive, forward)
        finally:
            _SESSIONS.reset(token)
        return dropped


def _again(receive: Receive) -> Receive:
    """``receive`` for a rerun: the (empty) body of a GET once more, then the client's news."""
    given = False

    async def replay() -> Message:
        nonlocal given
        if not given:
            given = True
            return {"type": "http.request", "body": b"", "more_body": False}
        return await receive()

    return replay


def _ends_transactions(call: Callable[..., Any]) -> Callable[..., Any]:
    """``call``, then :func:`release` of the request's sessions; FastAPI sees ``call``'s signature.

    The wrapper is made with ``call``'s module globals (it needs none of its own: what it
    uses is in its closure), so that FastAPI resolves the route's string annotations as it
    would on ``call`` itself, whichever FastAPI version reads them.
    """
    sessions_of_request = _SESSIONS
    end = release

    def run(*args: Any, **kwargs: Any) -> Any:
        result = call(*args, **kwargs)
        for session in sessions_of_request.get() or ():
            end(session)
        return result

    wrapped = types.FunctionType(run.__code__, call.__globals__, call.__name__, None, run.__closure__)
    functools.update_wrapper(wrapped, call)
    wrapped.__dict__[_WRAPPED] = True
    return wrapped


_WRAPPED = "minyi_ends_transactions"


class TransactionRoute(APIRoute):
    """A route whose function, if plain (not ``async``), ends its sessions' idle transactions."""

    def __init__(self, path: str, endpoint: Callable[..., Any], **kwargs: Any) -> None:
        """Build the route around the wrapped function (a router's inclusion passes it again)."""
        if not inspect.iscoroutinefunction(endpoint) and not getattr(endpoint, _WRAPPED, False):
            endpoint = _ends_transactions(endpoint)
        super().__init__(path, endpoint, **kwargs)


class Router(APIRouter):
    """The routers of Minyi's pages and API: their routes are :class:`TransactionRoute`."""

    def __init__(self, **kwargs: Any) -> None:
        """An APIRouter with ``route_class=TransactionRoute``."""
        kwargs.setdefault("route_class", TransactionRoute)
        super().__init__(**kwargs)


@event.listens_for(Session, "after_flush")
def _flushed(session: Session, _context: Any) -> None:
    session.info[_FLUSHED] = True


@event.listens_for(Session, "after_commit")
def _committed(session: Session) -> None:
    session.info.pop(_FLUSHED, None)


@event.listens_for(Session, "after_soft_rollback")
def _rolled_back(session: Session, _previous: Any) -> None:
    if not session.in_transaction():  # the whole transaction, not a savepoint
        session.info.pop(_FLUSHED, None)
