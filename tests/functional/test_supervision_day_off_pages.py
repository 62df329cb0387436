"""The supervisor is told, on the page and in the API's answer, that a day off was moved.

docs/security-probes.md, tenth probe, left open: a supervision deadline (督办期限) on a
Saturday was taken as given; now it moves to the next working day, and nothing moves silently.
"""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest
from tests.functional.conftest import bearer, csrf_of, login

from minyi.cases import holiday_store, workflow
from minyi.demo import factories

BEIJING = ZoneInfo("Asia/Shanghai")
NOW = datetime(2027, 1, 20, 9, 0, tzinfo=BEIJING)  # a Wednesday


@pytest.fixture(autouse=True)
def _clock(monkeypatch):
    monkeypatch.setattr(workflow, "utcnow", lambda: NOW.astimezone(UTC))
    holiday_store.forget_cached()
    yield
    holiday_store.forget_cached()


@pytest.fixture
def case(session, world):
    found = factories.make_case(
        session, status="signed", department=world.roads, category=world.road_category
    )
    session.commit()
    return found


def test_the_page_says_a_saturday_was_moved_to_monday(client, case):
    login(client, "sup")
    token = csrf_of(client.get(f"/staff/cases/{case.id}").text)
    done = client.post(
        f"/staff/cases/{case.id}/supervise",
        data={"comment": "三日内答复", "due_date": "2027-01-23", "csrf_token": token},
    )
    assert done.status_code == 200
    assert "已督办" in done.text
    assert "督办期限 2027-01-23 不是工作日，已顺延至下一个工作日 2027-01-25 17:30。" in done.text
    assert "所选 2027-01-23 不是工作日，已顺延" in done.text  # the history
    english = client.post(
        f"/staff/cases/{case.id}/supervise?lang=en",
        data={"comment": "三日内答复", "due_date": "2027-01-30", "csrf_token": token},
    )
    assert "The supervision deadline 2027-01-30 is not a working day: moved to the next working day, " in (
        english.text
    )


def test_a_working_day_says_nothing_more(client, case):
    login(client, "sup")
    token = csrf_of(client.get(f"/staff/cases/{case.id}").text)
    done = client.post(
        f"/staff/cases/{case.id}/supervise",
        data={"comment": "三日内答复", "due_date": "2027-01-22", "csrf_token": token},
    )
    assert "已督办" in done.text
    assert "不是工作日" not in done.text


def test_the_api_answers_the_deadline_asked_and_in_force(client, session, world, case):
    headers = bearer(session, world.supervisor)
    body = {"comment": "请三日内办结", "due_at": "2027-01-23T10:00:00+08:00"}
    answer = client.post(f"/api/v1/cases/{case.id}/supervise", json=body, headers=headers)
    assert answer.status_code == 200, answer.text
    found = answer.json()
    assert datetime.fromisoformat(found["supervision_due_at"]) == datetime(
        2027, 1, 25, 17, 30, tzinfo=BEIJING
    )
    assert datetime.fromisoformat(found["supervision_due_asked"]) == datetime(2027, 1, 23, 10, tzinfo=BEIJING)
    assert found["notice"] == "督办期限 2027-01-23 不是工作日，已顺延至下一个工作日 2027-01-25 17:30。"
    english = client.post(
        f"/api/v1/cases/{case.id}/supervise",
        json=body,
        headers=headers | {"Accept-Language": "en-US,en;q=0.9,zh;q=0.8"},
    )
    assert english.json()["notice"].startswith("The supervision deadline 2027-01-23 is not a working day")
    friday = client.post(
        f"/api/v1/cases/{case.id}/supervise",
        json=body | {"due_at": "2027-01-22T10:00:00+08:00"},
        headers=headers,
    )
    assert (friday.json()["supervision_due_asked"], friday.json()["notice"]) == (None, None)
