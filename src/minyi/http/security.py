"""CSRF tokens, a request-size limit and security headers."""

from __future__ import annotations

import hmac
import json
import secrets
from collections.abc import Callable, Mapping

from fastapi import Request
from starlette.types import ASGIApp, Message, Receive, Scope, Send

CSRF_SESSION_KEY = "csrf"
CSRF_FIELD = "csrf_token"


def csrf_token(request: Request) -> str:
    """The CSRF token bound to this browser session (created on first use)."""
    token = request.session.get(CSRF_SESSION_KEY)
    if not isinstance(token, str):
        token = secrets.token_urlsafe(32)
        request.session[CSRF_SESSION_KEY] = token
    return token


def csrf_ok(request: Request, submitted: str | None) -> bool:
    """Whether a submitted form carries this session's CSRF token."""
    expected = request.session.get(CSRF_SESSION_KEY)
    return bool(expected and submitted) and hmac.compare_digest(str(expected), str(submitted))


#: Paths whose callers are programs (JSON API, Open311): a 413 answers them in JSON.
PROGRAM_PREFIXES = ("/api/", "/healthz", "/openapi.json", "/open311/")
#: What a person reads when a form is too large (the middleware runs outside the pages).
TOO_LARGE_PAGE = (
    '<!doctype html><html lang="zh-CN"><head><meta charset="utf-8"><title>提交的内容过大</title></head>'
    "<body><h1>提交的内容过大</h1><p>提交的内容超过 {kib} KB，请删减后再试。</p>"
    '<p lang="en">What you sent is larger than {kib} KB; shorten it and try again.</p>'
    '<p><a href="/">返回首页 / Home</a></p></body></html>'
)


class RequestTooLarge(Exception):  # noqa: N818 - reads as what happened
    """The request body exceeded the configured limit."""


class BodySizeLimit:
    """Refuse request bodies above ``max_bytes`` with 413, before they are read whole.

    ``larger`` raises the limit for a few routes only, by (method, path): the staff import
    page's upload (``POST /staff/imports``, ``max_upload_bytes``) is the one today. It is
    raised only for a request that ``signed_in`` accepts (the application passes "the signed
    session cookie names a session"): anyone could otherwise make the server hold 32 MiB per
    request before the route refused them (seventh probe: 20 anonymous uploads, +680 MB).
    """

    def __init__(
        self,
        app: ASGIApp,
        max_bytes: int,
        larger: Mapping[tuple[str, str], int] | None = None,
        signed_in: Callable[[Scope], bool] | None = None,
    ) -> None:
        self.app = app
        self.max_bytes = max_bytes
        self._larger = {route: BodySizeLimit(app, limit) for route, limit in (larger or {}).items()}
        self._signed_in = signed_in or (lambda _scope: True)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Pass the request on; a body without a Content-Length is read (up to the limit) first."""
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        wider = self._larger.get((scope.get("method", ""), scope.get("path", "")))
        if wider is not None and self._signed_in(scope):
            await wider(scope, receive, send)
            return
        headers = dict(scope.get("headers") or [])
        length = headers.get(b"content-length")
        if length is not None and length.isdigit() and int(length) > self.max_bytes:
            await self._refuse(scope, send)
            return
        if length is None:
            # Chunked: FastAPI turns an error raised while it reads the body into a 400, so
            # the body is read here, at most max_bytes of it, and replayed to the application.
            buffered = await self._buffer(receive)
            if buffered is None:
                await self._refuse(scope, send)
                return
            receive = _replay(buffered, receive)
        started = False

        async def tracking_send(message: Message) -> None:
            nonlocal started
            started = started or message["type"] == "http.response.start"
            await send(message)

        try:
            await self.app(scope, self._limited(receive), tracking_send)
        except RequestTooLarge:
            if not started:
                await self._refuse(scope, send)

    async def _buffer(self, receive: Receive) -> list[Message] | None:
        """The request's body messages, or None once they exceed the limit."""
        messages: list[Message] = []
        seen = 0
        while True:
            message = await receive()
            messages.append(message)
            if message["type"] != "http.request":
                return messages
            seen += len(message.get("body", b""))
            if seen > self.max_bytes:
                return None
            if not message.get("more_body", False):
                return messages

    def _limited(self, receive: Receive) -> Receive:
        """``receive`` that stops a body longer than its Content-Length said."""
        seen = 0

        async def limited_receive() -> Message:
            nonlocal seen
            message = await receive()
            if message["type"] == "http.request":
                seen += len(message.get("body", b""))
                if seen > self.max_bytes:
                    raise RequestTooLarge
            return message

        return limited_receive

    async def _refuse(self, scope: Scope, send: Send) -> None:
        """413: a short page in both languages for a person's form; JSON for everything else."""
        text = f"request body larger than {self.max_bytes} bytes"
        headers_in = dict(scope.get("headers") or [])
        if headers_in.get(b"accept-language", b"").lower().startswith(b"zh"):
            text = f"请求内容过大（超过 {self.max_bytes} 字节）。"
        kind = headers_in.get(b"content-type", b"").lower()
        form = kind.startswith((b"application/x-www-form-urlencoded", b"multipart/form-data"))
        if not form or str(scope.get("path", "")).startswith(PROGRAM_PREFIXES):
            body = json.dumps(
                {"error": "request_too_large", "message": text, "max_bytes": self.max_bytes}
            ).encode()
            kind = b"application/json"
        else:
            body = TOO_LARGE_PAGE.format(kib=self.max_bytes // 1024).encode()
            kind = b"text/html; charset=utf-8"
        headers = [(b"content-type", kind), (b"content-length", str(len(body)).encode())]
        await send({"type": "http.response.start", "status": 413, "headers": headers + SECURITY_HEADERS})
        await send({"type": "http.response.body", "body": body})


def _replay(messages: list[Message], receive: Receive) -> Receive:
    """A ``receive`` that gives ``messages`` first, then whatever ``receive`` gives."""
    pending = list(messages)

    async def replayed() -> Message:
        if pending:
            return pending.pop(0)
        return await receive()

    return replayed


SECURITY_HEADERS = [
    (b"x-content-type-options", b"nosniff"),
    (b"x-frame-options", b"DENY"),
    (b"referrer-policy", b"same-origin"),
    (
        b"content-security-policy",
        (
            b"default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
            b"frame-ancestors 'none'; form-action 'self'"
        ),
    ),
]


HSTS = (b"strict-transport-security", b"max-age=31536000")
#: Pages that show what only their reader may see (staff pages, a tracked message).
PRIVATE_PREFIXES = ("/staff", "/track", "/submitted")
NO_STORE = (b"cache-control", b"no-store")


def private(scope: Scope) -> bool:
    """Whether the answer is for this reader only (``Cache-Control: no-store``).

    Staff and tracking pages, and API calls that carry a token or a tracking secret: never
    stored by a browser or proxy, so the back button of a shared computer shows nothing after
    logging out.
    """
    path = str(scope.get("path", ""))
    if path.startswith(PRIVATE_PREFIXES):
        return True
    names = {name for name, _ in scope.get("headers") or []}
    return path.startswith("/api/") and bool(names & {b"authorization", b"x-tracking-secret"})


class SecurityHeaders:
    """Add conservative security headers to every HTML and JSON response (``no-store`` to private ones)."""

    def __init__(self, app: ASGIApp, *, https_only: bool = False) -> None:
        """``https_only`` (``MINYI_COOKIE_SECURE``): browsers are told to use HTTPS only (HSTS)."""
        self.app = app
        self.headers = [*SECURITY_HEADERS, HSTS] if https_only else SECURITY_HEADERS

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Pass the request on, adding headers to the response."""
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        extra = [*self.headers, NO_STORE] if private(scope) else self.headers

        async def with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", []))
                known = {name.lower() for name, _ in headers}
                message["headers"] = headers + [(n, v) for n, v in extra if n not in known]
            await send(message)

        await self.app(scope, receive, with_headers)
