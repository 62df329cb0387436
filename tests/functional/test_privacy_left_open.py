"""The privacy officer's left-open items (docs/security-probes.md, "Eleventh probe (a privacy
officer's pass …)", "Left open"), closed later: each test fails on the tree before its fix."""

from __future__ import annotations

import base64
import itertools
import re
from datetime import UTC, datetime, timedelta

from tests.functional.conftest import csrf_of

from minyi.demo import factories
from minyi.web.portal import RECEIPT_SECONDS

OPENED = datetime(2026, 11, 19, 13, 15, 37, tzinfo=UTC)  # 21:15:37 in Changsha


def _answered_within_minutes(session, world):
    case = factories.make_case(
        session,
        status="replied",
        department=world.roads,
        title="东塘路灯不亮",
        body="东塘路灯不亮",
        reply_body="已修复。",
        is_public=True,
        received_at=OPENED,
    )
    case.created_at = OPENED
    case.replied_at = case.closed_at = case.updated_at = OPENED + timedelta(minutes=4, seconds=9)
    case.due_at = OPENED + timedelta(days=5)
    session.commit()
    return case


def test_open311_gives_every_time_to_the_hour(client, session, world):
    """updated_datetime (and expected_datetime, a deadline counted from the minute the case was
    opened) were to the second: for a case answered within minutes they told when its author
    wrote almost exactly."""
    case = _answered_within_minutes(session, world)
    for fmt in ("json", "xml"):
        text = client.get(f"/open311/v2/requests/{case.number}.{fmt}").text
        assert "21:19:46" not in text, fmt
        assert ":15:37" not in text, fmt
    (record,) = client.get(f"/open311/v2/requests/{case.number}.json").json()
    assert record["requested_datetime"] == "2026-11-19T21:00:00+08:00"
    assert record["updated_datetime"] == "2026-11-19T21:00:00+08:00"
    assert record["expected_datetime"] == "2026-11-24T21:00:00+08:00"
    assert datetime.fromisoformat(record["updated_datetime"]).utcoffset() == timedelta(hours=8)


def test_open311_date_ranges_select_by_the_hour_not_the_minute(client, session, world):
    """A range compared with the exact time told the minute the hour hid (ask 21:15–21:16, then
    21:16–21:17 …); a range now takes every case of each hour it touches, so back-to-back polls
    still see every case."""
    case = _answered_within_minutes(session, world)

    def numbers(start: str, end: str) -> list[str]:
        answer = client.get("/open311/v2/requests.json", params={"start_date": start, "end_date": end})
        assert answer.status_code == 200, answer.text
        return [record["service_request_id"] for record in answer.json()]

    for minute in range(0, 60, 5):  # any window inside the hour: the same answer
        start = f"2026-11-19T21:{minute:02d}:00+08:00"
        assert numbers(start, f"2026-11-19T21:{minute:02d}:59+08:00") == [case.number], minute
    assert numbers("2026-11-19T20:00:00+08:00", "2026-11-19T20:59:59+08:00") == []
    assert numbers("2026-11-19T22:00:00+08:00", "2026-11-19T23:00:00+08:00") == []
    # a client polling every 10 minutes sees the case in the windows touching its hour
    polls = [
        f"2026-11-19T{h}:{m}:00+08:00"
        for h in ("20", "21", "22")
        for m in ("00", "10", "20", "30", "40", "50")
    ]
    seen = [n for start, end in itertools.pairwise(polls) for n in numbers(start, end)]
    assert case.number in seen


def _cookie_text(client) -> str:
    """The session cookie decoded as far as anyone holding it can (signed, not encrypted)."""
    raw = client.cookies.get("session") or next(iter(client.cookies.values()), "")
    payload = raw.split(".")[0]
    return base64.b64decode(payload + "=" * (-len(payload) % 4)).decode("utf-8", "replace")


def test_the_receipt_can_be_cleared_on_a_shared_computer(client):
    """The receipt stayed 30 minutes in the session cookie: at a service hall's kiosk the next
    person could open /submitted and read the code and secret. It now stays 10 minutes (a reload
    still shows it) and 我已记下，清除 removes it from the page and the cookie."""
    assert RECEIPT_SECONDS <= 10 * 60
    page = client.get("/")
    form = {"title": "井盖缺失", "body": "人民路口井盖丢了。", "csrf_token": csrf_of(page.text)}
    client.post("/submit", data=form, follow_redirects=False)
    first = client.get("/submitted")
    secret = re.search(r'id="tracking-secret">([^<]+)<', first.text)[1]
    code = re.search(r'id="tracking-code">([^<]+)<', first.text)[1]
    assert client.get("/submitted").text.count(secret) >= 1  # a reload keeps it
    assert secret in _cookie_text(client)  # readable by whoever holds the cookie
    assert 'id="receipt-clear"' in first.text
    assert "我已记下，清除" in first.text
    assert client.post("/submitted/clear", data={"csrf_token": "wrong"}).status_code == 400
    assert secret in client.get("/submitted").text  # refused: still there
    cleared = client.post("/submitted/clear", data={"csrf_token": csrf_of(first.text)})
    assert cleared.status_code == 200
    assert str(cleared.url).endswith("/submitted")
    for text in (cleared.text, client.get("/submitted").text):  # the next person at the kiosk
        assert "已提交，请妥善保存查询码" in text
        assert secret not in text
        assert code not in text
    assert secret not in _cookie_text(client)
    assert code not in _cookie_text(client)
    assert cleared.headers["cache-control"] == "no-store"
    english = client.get("/submitted", headers={"Accept-Language": "en"}).text
    assert "cleared from this browser" in english or "已从本浏览器清除" in english


def test_clearing_without_a_receipt_changes_nothing(client):
    other = client.__class__(client.app)
    page = other.get("/")
    answer = other.post("/submitted/clear", data={"csrf_token": csrf_of(page.text)}, follow_redirects=False)
    assert answer.status_code == 303
    assert other.get("/submitted", follow_redirects=False).headers["location"] == "/track"
