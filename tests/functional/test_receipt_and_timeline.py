"""The receipt survives a reload for 10 minutes; the tracking timeline says each step once; the favicon."""

from __future__ import annotations

import re

from tests.conftest import TEST_SECRET
from tests.functional.conftest import csrf_of

from minyi.demo import factories
from minyi.intake import identity
from minyi.intake.models import Message
from minyi.web.portal import RECEIPT_KEY, RECEIPT_SECONDS, fresh_receipt


def test_a_receipt_is_kept_for_ten_minutes_then_dropped():
    session = {RECEIPT_KEY: {"code": "MY23456789", "secret": "S", "at": 1_000}}
    assert fresh_receipt(session, 1_000 + RECEIPT_SECONDS) == session[RECEIPT_KEY]
    assert fresh_receipt(session, 1_001 + RECEIPT_SECONDS) is None
    assert RECEIPT_KEY not in session
    assert fresh_receipt({RECEIPT_KEY: {"code": "MY2", "secret": "S"}}, 10_000) is None  # no time: old
    assert fresh_receipt({}, 1_000) is None


def test_the_receipt_page_has_print_and_copy_without_inline_script(client):
    page = client.get("/")
    form = {"title": "井盖缺失", "body": "人民路口井盖丢了。", "csrf_token": csrf_of(page.text)}
    sent = client.post("/submit", data=form, follow_redirects=False)
    receipt = client.get(sent.headers["location"])
    assert 'id="receipt-print"' in receipt.text
    assert 'id="receipt-copy"' in receipt.text
    assert '<script src="/static/receipt.js" defer></script>' in receipt.text
    assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", receipt.text)  # no inline script
    assert client.get("/static/receipt.js").status_code == 200
    assert "window.print()" in client.get("/static/receipt.js").text
    other = client.__class__(client.app)  # another browser has no receipt
    assert other.get("/submitted", follow_redirects=False).status_code == 303


def test_timeline_says_replied_once_after_a_rating(client, session, world):
    page = client.get("/")
    token = csrf_of(page.text)
    form = {
        "title": "路灯不亮",
        "body": "东门路灯坏了。",
        "csrf_token": token,
        "category_id": world.road_category.id,
    }
    client.post("/submit", data=form, follow_redirects=False)
    message = session.query(Message).one()
    factories.drive_case(session, message.case, "follow_up")
    session.commit()
    secret = identity.tracking_secret(TEST_SECRET, message.id)
    rating = {"code": message.tracking_code, "secret": secret, "satisfaction": "satisfied", "solved": "yes"}
    rated = client.post("/track/rate", data=rating | {"csrf_token": token})
    timeline = rated.text[rated.text.index('class="timeline"') :]
    steps = re.findall(r"</time> ([^<]+)</li>", timeline)
    assert steps.count("已答复") == 1, steps
    assert "市民评价：满意" in steps
    assert steps[-1] == "已办结"
    assert steps[0] == "已接收"


def test_favicon_is_linked_and_allowed(client):
    page = client.get("/")
    assert '<link rel="icon" href="/static/favicon.svg" type="image/svg+xml">' in page.text
    assert "img-src 'self'" in page.headers["content-security-policy"]
    icon = client.get("/static/favicon.svg")
    assert icon.status_code == 200
    assert icon.text.startswith("<svg")
    assert client.get("/favicon.ico", follow_redirects=False).headers["location"] == "/static/favicon.svg"
