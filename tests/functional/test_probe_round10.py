"""The calendar and the clock over HTTP (docs/security-probes.md, tenth probe)."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from minyi.cases import holiday_store
from minyi.db import base


@pytest.fixture(autouse=True)
def _fresh_calendar():
    holiday_store.forget_cached()
    yield
    holiday_store.forget_cached()


def _at(monkeypatch, moment: datetime) -> None:
    """Pin ``utcnow`` where the health check and the admin page read it."""
    from minyi.api import routes
    from minyi.web import admin

    for module in (base, routes, admin):
        monkeypatch.setattr(module, "utcnow", lambda: moment)


def test_healthz_names_a_year_whose_holidays_nobody_entered(client, session, monkeypatch):
    """December 2026: 2027 is beyond chinese-calendar; only a log line said so."""
    _at(monkeypatch, datetime(2026, 12, 7, 6, 0, tzinfo=UTC))
    answer = client.get("/healthz")
    assert answer.status_code == 200
    assert answer.json()["holidays_missing"] == [2027]
    schedule = "2027-02-06~2027-02-13,放假,春节\n2027-02-14,上班,春节调休"
    holiday_store.replace_year(session, 2027, holiday_store.parse_schedule(schedule, 2027))
    session.flush()
    assert "holidays_missing" not in client.get("/healthz").json()


def test_healthz_counts_the_office_new_year(client, monkeypatch):
    """At 2027-01-01 01:00 Beijing time (still 2026 in UTC) the missing years are 2027 and 2028."""
    _at(monkeypatch, datetime(2026, 12, 31, 17, 0, tzinfo=UTC))
    assert client.get("/healthz").json()["holidays_missing"] == [2027, 2028]


def test_a_new_year_that_begins_in_december_is_explained(client, session, world):
    """A notice's 元旦 may begin in the December before (2023's: 2022-12-31~2023-01-02).

    Refused as "not in 2027" without a word of what to do; it is entered under its own year,
    which the built-in calendar covers and the entry overrides.
    """
    from tests.functional.conftest import csrf_of, login

    from minyi.cases.holiday_store import office_calendar

    login(client, "boss")
    token = csrf_of(client.get("/staff/admin").text)
    schedule = "2026-12-31~2027-01-02,放假,元旦"
    refused = client.post(
        "/staff/admin/holidays", data={"year": "2027", "schedule": schedule, "csrf_token": token}
    )
    assert refused.status_code == 422
    assert "第 1 行：2026-12-31 不在 2027 年，请在年份 2026 下录入" in refused.text
    saved = client.post(
        "/staff/admin/holidays",
        data={"year": "2026", "schedule": "2026-12-31,放假,元旦", "csrf_token": token},
    )
    assert saved.status_code in (200, 303)
    holiday_store.forget_cached()
    assert not office_calendar(session).is_working_day(date(2026, 12, 31))


def test_a_supervision_deadline_in_the_past_is_refused_in_chinese(client, session, world):
    """Today after 17:30, or a day gone: the refusal was English on the Chinese page."""
    from tests.functional.conftest import csrf_of, login

    from minyi.demo import factories

    case = factories.make_case(session, status="signed", department=world.roads, category=world.road_category)
    session.commit()
    login(client, "sup")
    token = csrf_of(client.get(f"/staff/cases/{case.id}").text)
    refused = client.post(
        f"/staff/cases/{case.id}/supervise",
        data={"comment": "三日内答复", "due_date": "2026-01-05", "csrf_token": token},
    )
    assert refused.status_code == 422
    assert "督办期限应在现在至一年之内" in refused.text
    assert "year ahead" not in refused.text
