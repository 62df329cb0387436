"""The OpenAPI document says what the API really answers.

FastAPI documents the success of each route and a 422 body it does not send. This adds,
once, to every ``/api`` operation the errors any of them can give (400, 401, 403, 404, 409,
413, 422, 429, all with the :class:`ErrorOut` body of ``minyi.http.errors``), marks the text
inputs with the rule of ``minyi.core.text`` (no C0 control characters) as a ``pattern``,
and marks a staff token as optional where the route also answers without one.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any, get_args

from fastapi import FastAPI
from fastapi.dependencies.models import Dependant
from fastapi.openapi.utils import get_openapi
from fastapi.routing import APIRoute
from pydantic import BaseModel
from starlette.routing import BaseRoute

from minyi.api.routes import TokenUser, bearer

TEXT_PATTERN = r"^[^\x00-\x08\x0b\x0c\x0e-\x1f]*$"
ERRORS = {
    400: "The request cannot be read (a body that is not JSON, a form without its CSRF token)",
    401: "A staff API token (or the tracking secret) is needed, or the one sent is not valid",
    403: "The token's user may not do this",
    404: "No such thing, or none this caller may see",
    409: "The thing's current state does not allow this",
    413: "The body is larger than the server accepts (MINYI_MAX_REQUEST_BYTES)",
    422: "A value is invalid; `field` or `fields` name it",
    429: "Too many attempts; `Retry-After` says when to try again",
}


class FieldError(BaseModel):
    """One invalid field."""

    field: str
    message: str


class ErrorOut(BaseModel):
    """Every error of the JSON API."""

    error: str
    message: str
    field: str | None = None
    fields: list[FieldError] | None = None
    retry_after: int | None = None
    max_bytes: int | None = None


REQUIRED_TOKEN = get_args(TokenUser)[1].dependency


def _calls(dependant: Dependant) -> Iterator[object]:
    for sub in dependant.dependencies:
        yield sub.call
        yield from _calls(sub)


def _api_routes(routes: Iterable[BaseRoute]) -> Iterator[APIRoute]:
    """Every APIRoute, also inside included routers (which FastAPI keeps nested)."""
    for route in routes:
        if isinstance(route, APIRoute):
            yield route
        included = getattr(route, "original_router", None)
        if included is not None:
            yield from _api_routes(included.routes)


def _optional_token_operations(app: FastAPI) -> set[tuple[str, str]]:
    """(path, method) of the routes that read a token but also answer without one."""
    optional: set[tuple[str, str]] = set()
    for route in _api_routes(app.routes):
        calls = set(_calls(route.dependant))
        if bearer in calls and REQUIRED_TOKEN not in calls:
            optional.update((route.path_format, method.lower()) for method in route.methods or ())
    return optional


def _mark_text(schema: Any) -> None:
    """Add the text rule as a ``pattern`` to every plain string schema inside ``schema``."""
    if isinstance(schema, dict):
        plain = not ({"pattern", "format", "enum", "const"} & schema.keys())
        if schema.get("type") == "string" and plain:
            schema["pattern"] = TEXT_PATTERN
        if schema.get("type") == "object" and "properties" not in schema:
            schema.setdefault("propertyNames", {"pattern": TEXT_PATTERN})
        for value in schema.values():
            _mark_text(value)
    elif isinstance(schema, list):
        for value in schema:
            _mark_text(value)


def _refs(schema: Any) -> Iterator[str]:
    if isinstance(schema, dict):
        ref = schema.get("$ref")
        if isinstance(ref, str):
            yield ref.rsplit("/", 1)[-1]
        for value in schema.values():
            yield from _refs(value)
    elif isinstance(schema, list):
        for value in schema:
            yield from _refs(value)


def _input_components(document: dict[str, Any]) -> set[str]:
    """The component schemas a request body uses, directly or inside another."""
    components = document.get("components", {}).get("schemas", {})
    pending = [
        name
        for item in document["paths"].values()
        for operation in item.values()
        for name in _refs(operation.get("requestBody", {}))
    ]
    seen: set[str] = set()
    while pending:
        name = pending.pop()
        if name not in seen and name in components:
            seen.add(name)
            pending.extend(_refs(components[name]))
    return seen


def _error_response(description: str) -> dict[str, Any]:
    schema = {"$ref": "#/components/schemas/ErrorOut"}
    return {"description": description, "content": {"application/json": {"schema": schema}}}


def _complete_operation(path: str, operation: dict[str, Any], *, optional_token: bool) -> None:
    for parameter in operation.get("parameters", []):
        if parameter.get("in") in ("path", "query"):
            _mark_text(parameter.get("schema"))
    _mark_text(operation.get("requestBody"))
    if not path.startswith("/api/"):
        return
    responses = operation.setdefault("responses", {})
    for status, description in ERRORS.items():
        if status == 422 or str(status) not in responses:  # noqa: PLR2004 - replaces FastAPI's own 422
            responses[str(status)] = _error_response(description)
    if optional_token and operation.get("security"):
        operation["security"] = [*operation["security"], {}]


def complete(document: dict[str, Any], optional_token: set[tuple[str, str]]) -> dict[str, Any]:
    """Add the errors, the text rule and optional tokens to a FastAPI OpenAPI document."""
    schemas = document.setdefault("components", {}).setdefault("schemas", {})
    for model in (FieldError, ErrorOut):
        schemas[model.__name__] = model.model_json_schema(ref_template="#/components/schemas/{model}")
    for name in _input_components(document):
        _mark_text(schemas[name])
    for path, item in document["paths"].items():
        for method, operation in item.items():
            _complete_operation(path, operation, optional_token=(path, method) in optional_token)
    health = document["paths"].get("/healthz", {}).get("get")
    if health is not None:
        health["responses"]["503"] = dict(
            health["responses"]["200"], description="The database does not answer"
        )
    used = set(_refs(document["paths"])) | {ref for schema in schemas.values() for ref in _refs(schema)}
    for unused in ("HTTPValidationError", "ValidationError"):
        if unused not in used:
            schemas.pop(unused, None)
    return document


def install_openapi(app: FastAPI) -> None:
    """Serve the completed document at ``/openapi.json`` (built once, on first request)."""

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is None:
            document = get_openapi(
                title=app.title,
                version=app.version,
                openapi_version=app.openapi_version,
                description=app.description,
                routes=app.routes,
            )
            app.openapi_schema = complete(document, _optional_token_operations(app))
        return app.openapi_schema

    app.openapi = openapi  # type: ignore[method-assign]
