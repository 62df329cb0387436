"""The API documentation page: Swagger UI 5 (reads OpenAPI 3.1), shipped with the package.

The page has no inline script or style, so it is served with the same strict
Content-Security-Policy as every other page: ``static/docs-init.js`` starts Swagger UI and
reads the schema's address from the ``data-openapi-url`` attribute of its container.
"""

from __future__ import annotations

from html import escape

from fastapi import FastAPI
from fastapi.responses import HTMLResponse

VENDOR = "/static/vendor/swagger-ui"
OPENAPI_URL = "/openapi.json"


def docs_html(*, title: str, openapi_url: str = OPENAPI_URL) -> str:
    """The HTML of the Swagger UI page for the schema at ``openapi_url``."""
    return f"""<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{escape(title)}</title>
<link rel="stylesheet" href="{VENDOR}/swagger-ui.css">
<link rel="icon" type="image/png" href="{VENDOR}/favicon-32x32.png">
</head>
<body>
<div id="swagger-ui" data-openapi-url="{escape(openapi_url)}"></div>
<script src="{VENDOR}/swagger-ui-bundle.js"></script>
<script src="/static/docs-init.js"></script>
</body>
</html>
"""


def install_docs(app: FastAPI) -> None:
    """Serve Swagger UI at ``/docs`` (its files come from the ``/static`` mount)."""
    page = docs_html(title=f"{app.title} — Swagger UI")

    @app.get("/docs", include_in_schema=False)
    def docs() -> HTMLResponse:
        return HTMLResponse(page)
