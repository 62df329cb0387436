"""The two formats of GeoReport v2: JSON (bare arrays) and XML (built with ``xml.etree``), errors too.

Every answer is a list of records (dicts of scalars, lists or nested dicts). In XML a list
named ``attributes`` holds ``<attribute>`` elements, and so on (:data:`ITEM_NAMES`);
``None`` is an empty element, booleans are ``true``/``false``. Characters XML 1.0 cannot
hold (C0 controls but tab and newlines) are left out of XML text, so the document stays
well-formed whatever was stored.

Errors are ``[{"code": 400, "description": "…"}]`` in JSON and
``<errors><error><code>400</code><description>…</description></error></errors>`` in XML.
"""

from __future__ import annotations

import json
import re
import xml.etree.ElementTree as ET
from collections.abc import Callable, Coroutine, Mapping, Sequence
from typing import Any

from fastapi import Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import Response
from fastapi.routing import APIRoute
from starlette.exceptions import HTTPException as StarletteHTTPException

from minyi.core.errors import DomainError

FORMATS = {"json": "application/json; charset=utf-8", "xml": "text/xml; charset=utf-8"}
ITEM_NAMES = {
    "attributes": "attribute",
    "values": "value",
    "endpoints": "endpoint",
    "formats": "format",
    "errors": "error",
}
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
SPEC_STATUSES = (400, 403, 404, 429)  # 429: a key over its hourly cap (with Retry-After)

Record = Mapping[str, Any]


class Open311Error(Exception):
    """An error answered in the spec's format; ``status`` is also the error's ``code``."""

    def __init__(self, status: int, description: str) -> None:
        super().__init__(description)
        self.status = status
        self.description = description


def format_of(path: str) -> str:
    """The format a path asks for: ``xml`` for ``….xml``, else ``json``."""
    return "xml" if path.endswith(".xml") else "json"


def check_format(fmt: str) -> str:
    """``fmt`` if it is ``json`` or ``xml``; else a 404 (no such resource)."""
    if fmt not in FORMATS:
        raise Open311Error(404, f"unknown format {fmt!r}: use .json or .xml")
    return fmt


def _text(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return _NOT_XML.sub("", str(value))


def _fill(parent: ET.Element, name: str, value: Any) -> None:
    element = ET.SubElement(parent, name)
    if isinstance(value, Mapping):
        for key, inner in value.items():
            _fill(element, key, inner)
    elif isinstance(value, list | tuple):
        item = ITEM_NAMES.get(name, "item")
        for inner in value:
            _fill(element, item, inner)
    elif value is not None:
        element.text = _text(value)


def to_xml(root: str, item: str | None, records: Sequence[Record] | Record) -> bytes:
    """``records`` under ``<root>``, one ``<item>`` each; a single mapping fills ``<root>`` itself."""
    top = ET.Element(root)
    if isinstance(records, Mapping):
        for key, value in records.items():
            _fill(top, key, value)
    else:
        for record in records:
            _fill(top, item or "item", record)
    document: bytes = ET.tostring(top, encoding="utf-8", xml_declaration=True)
    return document


def render(
    fmt: str,
    records: Sequence[Record] | Record,
    *,
    root: str,
    item: str | None = None,
    status: int = 200,
) -> Response:
    """``records`` as a JSON array (or object, for a single mapping) or an XML document."""
    if fmt == "xml":
        body = to_xml(root, item, records)
    else:
        body = json.dumps(records, ensure_ascii=False).encode("utf-8")
    return Response(body, status_code=status, media_type=FORMATS[fmt])


def error_response(fmt: str, status: int, description: str) -> Response:
    """One error in the spec's format, with ``status`` as its HTTP status and its code."""
    return render(
        fmt, [{"code": status, "description": description}], root="errors", item="error", status=status
    )


def _described(exc: Exception) -> tuple[int, str]:
    """The status (400, 403 or 404) and description of an error raised inside a route."""
    if isinstance(exc, Open311Error):
        return exc.status, exc.description
    if isinstance(exc, DomainError):
        named = exc.field and not exc.message.startswith(f"{exc.field}:")  # not "f: f: …"
        text = f"{exc.field}: {exc.message}" if named else exc.message
        return (exc.status if exc.status in SPEC_STATUSES else 400), text
    if isinstance(exc, RequestValidationError):
        parts = []
        for err in exc.errors():
            where = ".".join(str(p) for p in err.get("loc", ()) if p not in ("body", "query", "path"))
            parts.append(f"{where or 'request'}: {err.get('msg', 'invalid')}")
        return 400, "; ".join(parts)
    if isinstance(exc, StarletteHTTPException):
        return (exc.status_code if exc.status_code in SPEC_STATUSES else 400), str(exc.detail)
    raise exc


class Open311Route(APIRoute):
    """A route whose errors (ours, the domain's, validation, HTTP) answer in the spec's format."""

    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        """The default handler, wrapped to turn errors into the spec's answers."""
        handler = super().get_route_handler()

        async def answer(request: Request) -> Response:
            try:
                return await handler(request)
            except (Open311Error, DomainError, RequestValidationError, StarletteHTTPException) as exc:
                status, description = _described(exc)
                answer = error_response(format_of(request.url.path), status, description)
                retry_after = getattr(exc, "retry_after", None)  # a key over its hourly cap: 429
                if isinstance(retry_after, int):
                    answer.headers["Retry-After"] = str(retry_after)
                return answer

        return answer
