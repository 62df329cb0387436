"""The privacy officer's left-open items (docs/security-probes.md, "Eleventh probe (a privacy
officer's pass …)", "Left open"), closed later: each test fails on the tree before its fix."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from minyi.demo import factories

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
        assert "21:19:46" not in text and ":15:37" not in text, fmt
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
    polls = [f"2026-11-19T{h}:{m}:00+08:00" for h in ("20", "21", "22") for m in ("00", "10", "20", "30", "40", "50")]
    seen = [n for start, end in zip(polls, polls[1:], strict=False) for n in numbers(start, end)]
    assert case.number in seen
