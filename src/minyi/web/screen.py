"""The big screen (大屏, /screen) for the hotline centre's wall, and its figures (/screen/data).

Staff only by default: a wall display signs in once with a staff account. Setting
``MINYI_SCREEN_PUBLIC=true`` opens both routes to anyone (say, a screen in a public hall);
the figures are aggregate either way (:mod:`minyi.accountability.screen`). The page loads
once and ``/static/screen.js`` fetches ``/screen/data`` every ``MINYI_SCREEN_REFRESH_SECONDS``,
updating the numbers and the chart in place.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request
from fastapi.responses import JSONResponse, Response

from minyi.accountability.screen import screen_data
from minyi.accounts.models import User
from minyi.core.localtime import zone
from minyi.db.base import utcnow
from minyi.http.deps import AppSettings, DbSession, LoginRequired, optional_user
from minyi.http.transactions import Router
from minyi.web.templating import language_of, render

router = Router(include_in_schema=False)
Viewer = Annotated[User | None, Depends(optional_user)]
NO_STORE = {"Cache-Control": "no-store"}


@router.get("/screen")
def screen_page(request: Request, db: DbSession, settings: AppSettings, user: Viewer) -> Response:
    """The wall display: the first figures rendered, then refreshed by screen.js."""
    if user is None and not settings.screen_public:
        raise LoginRequired
    data = screen_data(db, now=utcnow(), zone=zone(), language=language_of(request))
    context = {"data": data, "refresh_seconds": settings.screen_refresh_seconds}
    return render(request, "screen.html", context)


@router.get("/screen/data")
def screen_figures(request: Request, db: DbSession, settings: AppSettings, user: Viewer) -> Response:
    """The figures as JSON, for the page's refresh (401 without a staff login unless public)."""
    if user is None and not settings.screen_public:
        return JSONResponse(
            {"error": "login_required", "message": "sign in as staff to see the big screen"}, status_code=401
        )
    data = screen_data(db, now=utcnow(), zone=zone(), language=language_of(request))
    return JSONResponse(data, headers=NO_STORE)
