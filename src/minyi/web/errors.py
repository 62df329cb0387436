"""The page side of the one error mapping: an error page in the reader's language.

``minyi.server.app`` installs one handler per kind of error; each answers ``/api`` paths with
JSON (``minyi.http.errors``) and people with the pages made here.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from fastapi import Request
from fastapi.responses import Response
from starlette.exceptions import HTTPException as StarletteHTTPException

from minyi.accounts.throttle import Throttled
from minyi.core.errors import DomainError
from minyi.http.errors import retry_headers
from minyi.web import i18n
from minyi.web.domain_texts import domain_text
from minyi.web.templating import language_of, render
from minyi.web.validation import plain_errors

#: Error codes whose own message is technical: the page shows the translated text instead.
TRANSLATED_CODES = frozenset({"csrf"})
#: Error codes whose page starts with the translated text, then the domain's own message.
PREFIXED_CODES = frozenset({"forbidden", "not_found"})
#: Texts for the HTTP errors the router raises itself (unknown URL, wrong method).
HTTP_TEXTS = {
    400: "error.bad_body",  # only the framework raises it, reading a body it cannot parse
    403: "error.forbidden",
    404: "error.not_found",
    405: "error.method",
    413: "error.too_large",
}
_ROUTER_DETAILS = {"Not Found", "Method Not Allowed", "Forbidden", "Request Entity Too Large"}


def csrf_text_key(request: Request) -> str:
    """The text of a refused form key: plain 'expired', or 'use HTTPS' when that is the cause.

    With ``MINYI_COOKIE_SECURE`` a browser keeps no cookie over plain http, so every form
    failed with 页面已过期 and reloading never helped (operator walk-through: a login tried
    before TLS was set up). The scheme is the one the proxy reported (``X-Forwarded-Proto``).
    """
    settings = getattr(request.app.state, "settings", None)
    if settings is not None and settings.cookie_secure and request.url.scheme != "https":
        return "error.csrf_https"
    return "error.csrf"


def error_page(request: Request, message: str, status: int) -> Response:
    """The error page with ``message``."""
    return render(request, "error.html", {"message": message}, status_code=status)


def validation_error_page(request: Request, errors: Iterable[Mapping[str, Any]]) -> Response:
    """Invalid form or query values as a page: one short sentence per field, in the reader's language."""
    language = language_of(request)
    messages = list(plain_errors(errors, language, request.url.path).values())
    context = {"message": i18n.translate("error.invalid", language), "details": messages}
    return render(request, "error.html", context, status_code=422)


def throttled_text(exc: Throttled, language: str) -> str:
    """The text "too many attempts, try again in N minutes" (or "too busy") in ``language``."""
    if exc.busy:
        return i18n.translate("login.busy", language)
    return i18n.translate("login.throttled", language).format(n=exc.minutes)


def throttled_page(request: Request, name: str, context: dict[str, Any], exc: Throttled) -> Response:
    """The form page ``name`` again, answering 429 with ``Retry-After`` and the wait as its error."""
    error = throttled_text(exc, language_of(request))
    response = render(request, name, {**context, "error": error}, 429)
    response.headers["Retry-After"] = str(exc.retry_after)
    return response


def domain_error_page(request: Request, exc: DomainError) -> Response:
    """A domain error as a page, with its status."""
    language = language_of(request)
    text = domain_text(exc.message, language)
    if isinstance(exc, Throttled):
        text = throttled_text(exc, language)
    elif exc.code == "csrf":
        text = i18n.translate(csrf_text_key(request), language)
    elif exc.code in TRANSLATED_CODES:
        text = i18n.translate(f"error.{exc.code}", language)
    elif exc.code in PREFIXED_CODES:  # the reader's words first, then the detail if in them
        known = text != exc.message or language == "en"  # no untranslated English on a Chinese page
        text = f"{i18n.translate(f'error.{exc.code}', language)} {text if known else ''}".strip()
    response = error_page(request, text, exc.status)
    response.headers.update(retry_headers(exc) or {})
    return response


def http_error_page(request: Request, exc: StarletteHTTPException) -> Response:
    """An HTTP error as a page; the router's own English words are translated.

    A route's own detail ("no such page") is English: a Chinese reader gets the status's text.
    """
    text = str(exc.detail)
    key = HTTP_TEXTS.get(exc.status_code)
    language = language_of(request)
    if key is not None and (text in _ROUTER_DETAILS or exc.status_code == 400 or language != "en"):  # noqa: PLR2004
        text = i18n.translate(key, language)
    return error_page(request, text, exc.status_code)


def internal_error_page(request: Request) -> Response:
    """An unexpected error as the site's page, in the reader's language (was one English line)."""
    return error_page(request, i18n.translate("error.internal", language_of(request)), 500)
