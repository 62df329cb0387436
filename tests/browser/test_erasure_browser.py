"""An administrator erases a citizen's data at her request, in Chromium, at phone width."""

from __future__ import annotations

import re

import httpx
import pytest

pytestmark = pytest.mark.browser

PHONE = "13655557777"


def test_preview_then_erase_from_the_admin_page(live_server, page):
    body = {
        "title": "翠竹园东门垃圾桶满溢",
        "body": "翠竹园东门的垃圾桶三天没人清理，臭味很大。",
        "contact": {"name": "刘芳", "phone": PHONE},
        "is_public": True,
    }
    created = httpx.post(f"{live_server}/api/v1/messages", json=body, timeout=30)
    assert created.status_code == 201, created.text
    code = created.json()["tracking_code"]

    page.goto(f"{live_server}/staff/login")
    page.fill("input[name=username]", "boss")
    page.fill("input[name=password]", "password123")
    page.locator("form[action*='/staff/login'] button[type=submit]").click()
    page.wait_for_url(re.compile(r".*/staff$"))
    page.goto(f"{live_server}/staff/admin")
    page.click("#erasure-link")
    page.wait_for_url(re.compile(r".*/staff/admin/erasure$"))

    page.fill("textarea[name=phones]", "136-5555-7777")
    page.check("input[name=text]")
    page.locator("#erasure-form button[type=submit]").click()
    report = page.locator("#erasure-report")
    assert "将删除 1 条留言（1 件案件）" in report.inner_text()
    assert code in report.inner_text()
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390

    page.locator("#erasure-confirm button[type=submit]").click()
    assert "已删除 1 条留言" in page.locator("#erasure-report").inner_text()
    assert page.locator("#erasure-confirm").count() == 0
    assert page.input_value("textarea[name=phones]") == ""
