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
from starlette.types import ASGIApp, Receive, Scope, Send

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


class RequestSessions:
    """ASGI middleware: a fresh list of the request's sessions for each HTTP request."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Run the request with its own list (the route's worker threads share it)."""
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        token = _SESSIONS.set([])
        try:
            await self.app(scope, receive, send)
        finally:
            _SESSIONS.reset(token)


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
