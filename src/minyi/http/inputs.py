"""Every request's text checked at the boundary: no NUL or other C0 control character.

Installed once on the application (``FastAPI(dependencies=[Depends(clean_input)])``), it looks
at the path parameters, the query string, and the JSON or form body that FastAPI has already
read (and cached on the request), and refuses the request with
:class:`~minyi.core.errors.InvalidInput` (422) naming the first bad field. The JSON API
answers it as JSON, the pages with the error page in the reader's language.
"""

from __future__ import annotations

import contextlib
from contextvars import ContextVar

from fastapi import Request
from starlette.datastructures import UploadFile

from minyi.core.errors import InvalidInput
from minyi.core.text import check_clean

TOO_DEEP = "JSON nested too deeply"
MAX_VERSION_DIGITS = 19  # a 64-bit integer
FORM_TYPES = ("application/x-www-form-urlencoded", "multipart/form-data")


#: A case page's forms carry the case's version as they showed it (``case_version``): a step
#: taken from a page someone else's step has made stale, or a second click, is refused (409).
CASE_VERSION_FIELD = "case_version"
#: The JSON API's twin: ``If-Match: <version>`` (the ``version`` a case read gave) on a step.
_EXPECTED: ContextVar[int | None] = ContextVar("minyi_expected_case_version", default=None)


def expected_case_version() -> int | None:
    """The case version this request's step was taken from (its form's or its If-Match), if any."""
    return _EXPECTED.get()


def _version(text: str | None) -> int | None:
    """``12``, ``"12"`` or ``W/"12"`` → 12; anything else (``*``, none) → None."""
    value = (text or "").strip().removeprefix("W/").strip('"')
    return int(value) if value.isdigit() and len(value) < MAX_VERSION_DIGITS else None


async def clean_input(request: Request) -> None:
    """Raise InvalidInput (422) when a path, query, form or JSON value has control characters."""
    check_clean(dict(request.path_params))
    _EXPECTED.set(_version(request.headers.get("if-match")))
    for name, value in request.query_params.multi_items():
        check_clean(value, name)
    content_type = request.headers.get("content-type", "")
    if content_type.startswith(FORM_TYPES):
        if content_type.startswith(FORM_TYPES[0]):
            # The raw form cached first, so a route may read it again (Open311 reads it as UTF-8);
            # a route with Form() parameters had FastAPI parse it already (no raw bytes left).
            with contextlib.suppress(RuntimeError):
                await request.body()
        form = await request.form()  # cached: the route reads the same parsed form
        for name, item in form.multi_items():
            if not isinstance(item, UploadFile):
                check_clean(item, name)
        version = form.get(CASE_VERSION_FIELD)
        if isinstance(version, str) and version.isdigit():
            request.state.case_version = int(version)
            _EXPECTED.set(int(version))
    elif "json" in content_type:
        await _clean_json(request)


async def _clean_json(request: Request) -> None:
    """The JSON body checked; nesting too deep for the parser or the check is a 422, not a 500."""
    if not await request.body():
        return
    try:
        data = await request.json()
    except (ValueError, UnicodeDecodeError):
        return  # the route answers a JSON that does not parse
    except RecursionError:
        raise InvalidInput(f"body: {TOO_DEEP}", field="body") from None
    try:
        check_clean(data)
    except RecursionError:
        raise InvalidInput(f"body: {TOO_DEEP}", field="body") from None
