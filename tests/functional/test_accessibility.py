"""What a screen reader, a keyboard or a phone needs from the pages (accessibility probe).

A failed form says so in the page title and takes focus to its list of errors, each a link
to its field, and every field in error is marked and described; the current page is marked
in the menu; the pager's arrows have names; the inbox's rows name their values on a phone;
the printed receipt says where to track the message.
"""

from __future__ import annotations

import re

from tests.functional.conftest import login
from tests.functional.test_portal import portal_submit, receipt

from minyi.demo import factories


def test_a_failed_message_form_says_so_and_points_at_each_field(client):
    page = portal_submit(client, body="   ", phone="12", email="not-an-address").text
    assert re.search(r"<title>错误：", page)
    errors = page[page.index('id="form-errors"') :].split("</div>")[0]
    assert 'tabindex="-1" autofocus' in errors
    assert '<a href="#body">' in errors
    for field in ("phone", "email"):
        tag = re.search(rf'<input id="{field}"[^>]*>', page).group(0)
        assert 'aria-invalid="true"' in tag
        assert f'aria-describedby="{field}-error"' in tag
        assert f'id="{field}-error"' in page


def test_wrong_tracking_secret_and_login_mark_their_fields(client):
    page, code, _ = receipt(client, portal_submit(client))
    assert 'class="print-only"' in page.text
    assert "/track" in page.text[page.text.index('id="receipt-printed"') :]
    token = re.search(r'name="csrf_token" value="([^"]+)"', page.text).group(1)
    wrong = client.post("/track", data={"code": code, "secret": "AAAAAAAAAA", "csrf_token": token}).text
    assert re.search(r"<title>错误：", wrong)
    assert 'aria-invalid="true" aria-describedby="track-error"' in wrong
    login_page = client.get("/staff/login").text
    token = re.search(r'name="csrf_token" value="([^"]+)"', login_page).group(1)
    failed = client.post(
        "/staff/login", data={"username": "nobody", "password": "wrong-password", "csrf_token": token}
    ).text
    assert 'aria-describedby="login-error"' in failed


def test_the_menu_marks_the_current_page_and_the_language_link_its_language(client):
    page = client.get("/track").text
    assert '<a href="/track" aria-current="page">' in page
    assert '<a href="/" aria-current' not in page
    assert 'hreflang="en" lang="en"' in page


def test_inbox_values_are_labelled_for_phones(client, session):
    factories.make_user(session, username="boss", role="admin")
    factories.make_case(session)
    login(client, "boss")
    page = client.get("/staff").text
    assert '<table class="cases stacked">' in page
    assert '<td data-label="时限"' in page


def test_the_dashboard_chart_points_at_its_table(client):
    page = client.get("/public/dashboard").text
    assert 'aria-describedby="trend-table-caption"' in page
    assert '<caption id="trend-table-caption">月度趋势（表）</caption>' in page
