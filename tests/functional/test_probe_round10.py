"""The calendar and the clock over HTTP (docs/security-probes.md, tenth probe)."""

from __future__ import annotations

from datetime import UTC, datetime

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
