"""The one mapping from errors to answers, JSON side: ``{"error", "message", "field"}``.

Domain code raises :mod:`minyi.core.errors` kinds; the server installs one handler
(``minyi.server.app``) that answers ``/api`` paths here and people's pages with the error page
of ``minyi.web.errors``, in the reader's language.
"""

from __future__ import annotations

from typing import Any

from fastapi import Request
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

from minyi.core.errors import DomainError

JSON_PREFIXES = ("/api/", "/healthz", "/openapi.json")


class CsrfRejected(DomainError):  # noqa: N818 - reads as what happened
    """A form without this session's CSRF token (an expired page, or a forged request)."""

    status = 400
    code = "csrf"


def wants_json(request: Request) -> bool:
    """Whether the caller is a program (the JSON API) rather than a person reading pages."""
    return request.url.path.startswith(JSON_PREFIXES)


def error_body(exc: DomainError) -> dict[str, Any]:
    """The JSON answer for a domain error; ``fields`` repeats the field as validation errors do."""
    body: dict[str, Any] = {"error": exc.code, "message": exc.message, "field": exc.field}
    if exc.field is not None:
        body["fields"] = [{"field": exc.field, "message": exc.message}]
    return body


#: What the loser of two simultaneous steps on one case reads (``StaleDataError``, a deadlock).
CHANGED_MEANWHILE = "someone else changed this at the same moment; reload it and try again"
#: What a request reads while the database cannot be reached or is saturated (503).
DATABASE_BUSY = "the database is busy or cannot be reached for a moment; try again in a few seconds"


class Unavailable(DomainError):  # noqa: N818 - reads as what happened
    """The database is out of reach or saturated for a moment: 503 with ``Retry-After``."""

    status = 503
    code = "unavailable"
    retry_after = 5


def retry_headers(exc: DomainError) -> dict[str, str] | None:
    """``Retry-After`` for an error that says when to retry (``retry_after`` seconds)."""
    retry_after = getattr(exc, "retry_after", None)
    return {"Retry-After": str(retry_after)} if isinstance(retry_after, int) else None


def domain_error_json(exc: DomainError) -> JSONResponse:
    """A domain error as JSON, with its status (and ``retry_after`` when it has one)."""
    body = error_body(exc)
    headers = retry_headers(exc)
    if headers is not None:
        body["retry_after"] = int(headers["Retry-After"])
    return JSONResponse(body, status_code=exc.status, headers=headers)


HTTP_CODES = {401: "unauthorized", 403: "forbidden", 404: "not_found", 405: "method_not_allowed"}
#: The same errors in Chinese, for a caller whose Accept-Language prefers it (the README says
#: every error is in Chinese; these were the framework's and the token check's English).
HTTP_CHINESE = {
    401: "需要员工 API 令牌（请求头 Authorization: Bearer <令牌>）。",
    403: "无权访问。",
    404: "没有这个地址或对象。",
    405: "此地址不接受这种请求方法。",
}
INTERNAL = (
    "internal error; it has been logged",
    "系统内部错误，已记录；请稍后重试，如一直出错请联系系统管理员。",
)


def http_error_json(exc: StarletteHTTPException, language: str | None = None) -> JSONResponse:
    """An HTTP error (unknown URL, wrong method, missing token) as JSON.

    A 400 comes only from the framework reading the body (JSON that is not UTF-8 or nests
    too deep, broken multipart data): it names the field ``body`` like any invalid input.
    """
    if exc.status_code == 400:  # noqa: PLR2004 - the status named in the docstring
        message = f"body: {exc.detail}"
        body = {"error": "invalid_request", "message": message, "field": "body"}
        return JSONResponse({**body, "fields": [{"field": "body", "message": message}]}, status_code=400)
    code = HTTP_CODES.get(exc.status_code, "http_error")
    message = str(exc.detail)
    if language == "zh":
        message = HTTP_CHINESE.get(exc.status_code, message)
    return JSONResponse(
        {"error": code, "message": message, "field": None},
        status_code=exc.status_code,
        headers=getattr(exc, "headers", None),
    )
