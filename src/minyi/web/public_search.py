"""Public pages of issue 14: search the public answers, and the open data with its dictionary.

``/public/search`` reads the public search index (listed cases, masked when indexed);
``/public/data`` describes every downloadable file; ``/public/data/cases.csv|json|xlsx``
are the public cases, written in batches to a temporary file and sent from there.
"""

from __future__ import annotations

import contextlib
import re
from pathlib import Path
from typing import Any

from fastapi import HTTPException, Request
from fastapi.responses import FileResponse, Response
from markupsafe import Markup, escape
from starlette.background import BackgroundTask

from minyi.accountability import open_cases
from minyi.accountability.data_dictionary import data_files
from minyi.accountability.search import STATUSES, SearchQuery, parse_query, search
from minyi.core.errors import InvalidInput
from minyi.core.localtime import local_date
from minyi.db.base import utcnow
from minyi.departments.services import list_categories, list_departments
from minyi.http.deps import PUBLIC_VIEW, AppSettings, DbSession
from minyi.http.transactions import Router
from minyi.web import downloads, i18n
from minyi.web.templating import language_of, render

router = Router(include_in_schema=False)


def highlight(text: str, words: list[str]) -> Markup:
    """``text`` escaped, with each searched word marked (``<mark>``)."""
    escaped = str(escape(text))
    parts = sorted({str(escape(word)) for word in words if word}, key=len, reverse=True)
    if not parts:
        return Markup(escaped)  # noqa: S704 - escaped above
    pattern = re.compile("|".join(re.escape(part) for part in parts), re.IGNORECASE)
    return Markup(pattern.sub(lambda found: f"<mark>{found.group(0)}</mark>", escaped))  # noqa: S704 - escaped above


def _query_string(query: SearchQuery) -> str:
    """The query's filters as a URL query string ending in ``&`` (for the pager)."""
    from urllib.parse import urlencode

    params = {
        "q": query.text,
        "department": query.department,
        "category": query.category,
        "region": query.region,
        "from": query.date_from.isoformat() if query.date_from else "",
        "to": query.date_to.isoformat() if query.date_to else "",
        "status": query.status,
    }
    return "/public/search?" + urlencode({key: value for key, value in params.items() if value}) + "&"


def _form_context(db: DbSession, params: dict[str, str]) -> dict[str, Any]:
    """What the search form shows: the values typed and the lists to choose from."""
    return {
        "values": params,
        "departments": list_departments(db),
        "categories": list_categories(db, max_level=2),
        "statuses": STATUSES,
    }


@router.get("/public/search", dependencies=[PUBLIC_VIEW])
def public_search(request: Request, db: DbSession, settings: AppSettings) -> Response:
    """Search public answers by words, filters or a tracking code (422 naming a wrong field)."""
    params = {key: value for key, value in request.query_params.items() if key != "lang"}
    context = _form_context(db, params)
    try:
        query = parse_query(params, settings.public_page_size)
        result = (
            search(db, query)
            if (query.text or query.code or query.filtered or query.date_from or query.date_to)
            else None
        )
    except InvalidInput as exc:
        message = i18n.translate(f"psearch.error.{exc.field}", language_of(request))
        return render(request, "portal/public_search.html", {**context, "error": message}, 422)
    context.update(result=result, highlight=highlight, base=_query_string(query))
    return render(request, "portal/public_search.html", context)


@router.get("/public/data")
def open_data(request: Request, db: DbSession, settings: AppSettings) -> Response:
    """The data dictionary: every file, its columns, the licence and the links."""
    context = {
        "licence": settings.open_data_licence,
        "files": data_files(),
        "rows": open_cases.case_count(db),
    }
    return render(request, "portal/open_data.html", context)


@router.get("/public/data/cases.{fmt}")
def cases_file(request: Request, fmt: str, db: DbSession, settings: AppSettings) -> Response:
    """The public cases as CSV, JSON or XLSX (masked, times cut to the hour).

    The ETag is the stamp of what the file holds: a harvester that sends it back in
    ``If-None-Match`` gets 304 while nothing changed, and costs no build and no transfer.
    """
    try:
        kind = open_cases.OpenFormat(fmt)
    except ValueError:
        raise HTTPException(404, "Not Found") from None
    licence = settings.open_data_licence
    stamp = open_cases.version(db, licence)
    etag = f'"{stamp}-{kind.value}"'
    if etag in request.headers.get("if-none-match", ""):
        return Response(status_code=304, headers={"ETag": etag})
    path = downloads.cached_file(
        settings.open_data_cache_dir,
        f"cases.{kind.value}",
        stamp,
        lambda out: open_cases.write_cases(db, out, kind, licence),
    )
    filename = f"minyi-public-cases-{local_date(utcnow()).isoformat()}.{kind.value}"
    answer = FileResponse(
        path, media_type=kind.media_type, filename=filename, background=BackgroundTask(_remove, path)
    )
    answer.headers["ETag"] = etag
    return answer


def _remove(path: Path) -> None:
    """Delete the temporary file once sent."""
    with contextlib.suppress(OSError):
        path.unlink()
