"""``/public/knowledge/{id}``: one public answer or article in force, as the portal links it.

While a citizen writes on ``/submit``, similar answers appear; each opens here. Only an
article in force or a case its author agreed to publish is shown (masked); anything else is
404, so an id gives nothing away.
"""

from __future__ import annotations

from datetime import UTC, datetime

from fastapi import HTTPException, Request
from fastapi.responses import Response

from minyi.core import localtime
from minyi.http.deps import PUBLIC_VIEW, AppSettings, DbSession
from minyi.http.transactions import Router
from minyi.knowledge.public import public_entry
from minyi.web.templating import render

router = Router(include_in_schema=False)


@router.get("/public/knowledge/{entry_id}", dependencies=[PUBLIC_VIEW])
def public_knowledge_entry(request: Request, db: DbSession, settings: AppSettings, entry_id: str) -> Response:
    """The public answer or article ``entry_id`` (404 when private, expired or unknown)."""
    entry = public_entry(db, settings, entry_id[:64], localtime.local_date(datetime.now(UTC)))
    if entry is None:
        raise HTTPException(404, "no such public answer")
    return render(request, "portal/knowledge_entry.html", {"entry": entry})
