"""/docs in a real Chromium: Swagger UI 5 reads the OpenAPI 3.1 schema and lists the operations,
served from the package under the strict Content-Security-Policy, without a CDN."""

from __future__ import annotations

import re

import pytest

pytestmark = pytest.mark.browser


def test_docs_list_the_operations_under_the_strict_csp(live_server, browser):
    context = browser.new_context(locale="zh-CN", viewport={"width": 1200, "height": 900})
    page = context.new_page()
    console_errors: list[str] = []
    problems: list[str] = []
    page.on("console", lambda msg: console_errors.append(msg.text) if msg.type == "error" else None)
    page.on("pageerror", lambda exc: problems.append(str(exc)))
    page.on("response", lambda r: problems.append(f"{r.status} {r.url}") if r.status >= 400 else None)
    page.on(
        "request",
        lambda r: None if r.url.startswith(live_server) else problems.append(f"outside request {r.url}"),
    )

    response = page.goto(live_server + "/docs")
    assert response is not None
    assert response.status == 200
    csp = response.headers["content-security-policy"]
    assert "script-src 'self'" in csp
    assert "unsafe-inline" not in csp
    assert "unsafe-eval" not in csp

    path = page.locator(".opblock-summary-path", has_text=re.compile(r"^\s*/api/v1/messages\s*$"))
    create = page.locator(".opblock-post", has=path).first
    create.wait_for(state="visible", timeout=15_000)
    assert create.locator(".opblock-summary-method").inner_text() == "POST"
    assert create.locator(".opblock-summary-path").inner_text().strip() == "/api/v1/messages"
    assert page.locator(".opblock").count() > 20
    assert page.get_by_text("OAS 3.1").is_visible()
    assert page.locator(".errors-wrapper").count() == 0  # Swagger UI's own "could not render"

    create.locator(".opblock-summary-control").click()  # open it: the request body schema shows
    create.get_by_text("Request body").wait_for(state="visible", timeout=10_000)

    assert problems == []
    assert [text for text in console_errors if "Content Security Policy" in text] == []
    assert console_errors == []
    context.close()
