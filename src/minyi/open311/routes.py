"""Open311 GeoReport v2 under ``/open311/v2/``: services, requests and tokens, in JSON and XML.

Routes parse the spec's parameters, call a service or :func:`minyi.flows.processing.receive`
(channel ``open311``) and render with :mod:`minyi.open311.formats`; every error answers in the
spec's format (:class:`~minyi.open311.formats.Open311Route`). docs/open311.md describes it.
"""

from __future__ import annotations

import re
from typing import Annotated, Any
from urllib.parse import parse_qsl

from fastapi import Depends, Query, Request
from fastapi.responses import Response
from pydantic import ValidationError
from sqlalchemy.orm import Session

import minyi
from minyi.accounts import client_keys
from minyi.flows import processing
from minyi.http.deps import DbSession, PublicMasker, client_address
from minyi.http.submissions import ApiSubmissions
from minyi.http.transactions import Router
from minyi.intake.attachments import with_media
from minyi.intake.models import Channel
from minyi.intake.schemas import MAX_TITLE_CHARS, ContactIn, MessageIn
from minyi.intake.titles import cut_title
from minyi.open311 import catalog, records
from minyi.open311.formats import Open311Error, Open311Route, check_format, render

PREFIX = "/open311/v2"
SPECIFICATION = "http://wiki.open311.org/GeoReport_v2"
CHANGESET = "2026-12-06T00:00:00+00:00"  # when this endpoint's interface last changed
ATTRIBUTE = re.compile(r"^attribute\[([^\]]+)\]$")
MAX_DESCRIPTION = 4000
NOTICE = "已收到，将依法按时办理 / Received; it will be answered within the legal time limits."
FIELD_NAMES = {
    "body": "description",
    "title": "description",
    "address": "address_string",
    "latitude": "lat",
    "longitude": "long",
    "contact.email": "email",
    "contact.phone": "phone",
    "contact.name": "first_name/last_name",
}

URLENCODED = "application/x-www-form-urlencoded"

router = Router(prefix=PREFIX, route_class=Open311Route, tags=["open311"], include_in_schema=False)


async def form_fields(request: Request) -> dict[str, str]:
    """The form fields of a POST (``application/x-www-form-urlencoded`` or multipart), text only.

    A urlencoded form is read as UTF-8 here: the framework's parser takes bytes that are not
    percent-encoded as Latin-1, so a client that sent 编码测试 as raw UTF-8 (as many do, and
    as a declared ``charset=utf-8`` says) had it stored as mojibake without a word. Bytes
    that are not UTF-8 are refused, naming the body.
    """
    if request.headers.get("content-type", "").split(";")[0].strip().lower() == URLENCODED:
        raw = await request.body()
        try:
            pairs = parse_qsl(raw.decode("utf-8"), keep_blank_values=True, errors="strict")
        except UnicodeDecodeError:
            raise Open311Error(400, "body: the form is not UTF-8 text") from None
        return dict(pairs)
    form = await request.form()
    return {name: value for name, value in form.multi_items() if isinstance(value, str)}


FormFields = Annotated[dict[str, str], Depends(form_fields)]


@router.get("/discovery.{fmt}")
def discovery(request: Request, fmt: str) -> Response:
    """Where this endpoint is and what it speaks (the spec's service discovery)."""
    settings = request.app.state.settings
    configured = settings.public_url  # not the caller's Host header, when set
    url = (configured or str(request.base_url).rstrip("/")) + PREFIX
    contact = settings.open311_contact.strip()  # partners read it: the operator's own words
    body = {
        "changeset": CHANGESET,
        "contact": contact or "The operator of this Minyi server",
        "key_service": f"Ask {contact} for an api_key" if contact else "Ask the operator for an api_key",
        "endpoints": [
            {
                "specification": SPECIFICATION,
                "url": url,
                "changeset": CHANGESET,
                "type": "production",
                "formats": ["text/xml", "application/json"],
            }
        ],
        "version": minyi.__version__,
    }
    return render(check_format(fmt), body, root="discovery")


@router.get("/services.{fmt}")
def services(db: DbSession, fmt: str) -> Response:
    """The service list: every category."""
    return render(check_format(fmt), catalog.services(db), root="services", item="service")


@router.get("/services/{service_code}.{fmt}")
def service_definition(db: DbSession, service_code: str, fmt: str) -> Response:
    """The definition (attributes) of one service."""
    fmt = check_format(fmt)
    category = catalog.find(db, service_code)
    if category is None:
        raise Open311Error(404, f"service_code {service_code!r} not found")
    return render(fmt, catalog.definition(category), root="service_definition")


def _name(fields: dict[str, str]) -> str | None:
    first, last = fields.get("first_name", "").strip(), fields.get("last_name", "").strip()
    if re.search(r"[\u4e00-\u9fff]", first + last):
        return (last + first) or None  # 张 + 伟 → 张伟
    return " ".join(part for part in (first, last) if part) or None


def _location(fields: dict[str, str]) -> tuple[float | None, float | None, str | None]:
    """lat/long (both, as numbers) or address_string/address_id; 400 without any."""
    lat, long_ = fields.get("lat", "").strip(), fields.get("long", "").strip()
    address = fields.get("address_string", "").strip() or fields.get("address_id", "").strip() or None
    if bool(lat) != bool(long_):
        raise Open311Error(400, "lat, long: give both, or neither and an address_string")
    if not lat and address is None:
        raise Open311Error(400, "lat/long or address_string: a location is required")
    try:
        return (float(lat) if lat else None), (float(long_) if long_ else None), address
    except ValueError as exc:
        raise Open311Error(400, "lat, long: must be numbers (WGS84 degrees)") from exc


def _message(fields: dict[str, str], category_name: str, category_id: str) -> MessageIn:
    """The submission as a MessageIn; 400 naming the spec's field when a value is wrong."""
    lat, long_, address = _location(fields)
    description = fields.get("description", "").strip()
    if len(description) > MAX_DESCRIPTION:
        raise Open311Error(400, f"description: at most {MAX_DESCRIPTION} characters")
    media = fields.get("media_url", "").strip()
    body = description or f"（{category_name}）"
    if media:
        body = with_media(body, media)
    first_line = description.splitlines()[0] if description else ""
    title = cut_title(first_line or category_name, min(60, MAX_TITLE_CHARS))
    attributes = {m.group(1): v for k, v in fields.items() if (m := ATTRIBUTE.match(k))}
    contact = {
        "name": _name(fields),
        "email": fields.get("email", "").strip() or None,
        "phone": fields.get("phone", "").strip() or None,
    }
    try:
        return MessageIn(
            title=title,
            body=body,
            category_id=category_id,
            address=address,
            latitude=lat,
            longitude=long_,
            is_public=catalog.is_public(attributes),
            contact=ContactIn(**contact) if any(contact.values()) else None,
        )
    except ValidationError as exc:
        err = exc.errors()[0]
        where = ".".join(str(part) for part in err.get("loc", ()))
        if exc.title == "ContactIn":
            where = f"contact.{where}"
        raise Open311Error(400, f"{FIELD_NAMES.get(where, where)}: {err.get('msg', 'invalid')}") from exc


def _check_key(db: Session, fields: dict[str, str]) -> None:
    key = fields.get("api_key", "").strip()
    if not key:
        raise Open311Error(403, "api_key: missing; ask the operator for a key")
    if client_keys.check_key(db, key) is None:
        raise Open311Error(403, "api_key: invalid or revoked")


@router.post("/requests.{fmt}")
def create_request(request: Request, db: DbSession, fields: FormFields, fmt: str) -> Response:
    """Create a service request (form-encoded, with an ``api_key``): stored, then processed."""
    fmt = check_format(fmt)
    _check_key(db, fields)
    code = fields.get("service_code", "").strip()
    if not code:
        raise Open311Error(400, "service_code: required")
    category = catalog.find(db, code)
    if category is None:
        raise Open311Error(400, f"service_code {code!r} not found")
    data = _message(fields, category.name, category.id)
    # The key's hourly cap of the JSON API applies here too, and the message records the
    # integrator's name: a leaked key's flood was uncapped and could not be traced to it.
    limits: ApiSubmissions = request.app.state.api_submissions
    source = limits.admit(db, client_address(request), fields.get("api_key", "").strip())
    accepted = processing.receive(
        db,
        data,
        channel=Channel.OPEN311.value,
        key=request.app.state.secret_key,
        source=source or "open311",
        processor=request.app.state.processing.processor,
    )
    message = accepted.message
    answer: dict[str, Any] = (
        {"service_request_id": message.case.number} if message.case is not None else {"token": message.id}
    )
    answer["service_notice"] = NOTICE
    answer["account_id"] = None
    return render(fmt, [answer], root="service_requests", item="request")


@router.get("/requests.{fmt}")
def list_requests(  # noqa: PLR0913 - the spec's filters
    db: DbSession,
    public: PublicMasker,
    fmt: str,
    *,
    service_request_id: str | None = None,
    service_code: str | None = None,
    start_date: str | None = None,
    end_date: str | None = None,
    status: str | None = None,
    page: Annotated[int, Query(ge=1, le=100_000)] = 1,
    page_size: Annotated[int, Query(ge=1, le=1000)] = 100,
) -> Response:
    """Public service requests, newest first: by ids, or by codes, statuses and a ≤ 90-day range."""
    fmt = check_format(fmt)
    query = records.RequestQuery(
        service_request_id=service_request_id,
        service_code=service_code,
        start_date=start_date,
        end_date=end_date,
        status=status,
        page=page,
        page_size=page_size,
    )
    found = records.find_requests(db, query)
    public.prefetch(db, [case.id for case in found])  # the page's names in two queries, not two a case
    return render(
        fmt, [records.request_record(case, public) for case in found], root="service_requests", item="request"
    )


@router.get("/requests/{service_request_id}.{fmt}")
def get_request(db: DbSession, public: PublicMasker, service_request_id: str, fmt: str) -> Response:
    """One public service request (an array of one, as the spec says)."""
    fmt = check_format(fmt)
    case = records.public_case(db, service_request_id)
    return render(fmt, [records.request_record(case, public)], root="service_requests", item="request")


@router.get("/tokens/{token}.{fmt}")
def get_token(db: DbSession, token: str, fmt: str) -> Response:
    """The service_request_id a token became (none while the request is being processed)."""
    fmt = check_format(fmt)
    return render(fmt, [records.token_record(db, token)], root="service_requests", item="request")


@router.api_route("/{rest:path}", methods=["GET", "POST"])
def unknown(rest: str) -> Response:
    """Any other path under /open311/v2: a 404 in the spec's format."""
    raise Open311Error(404, f"no such resource {rest!r}")
