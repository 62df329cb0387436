"""The forecast's local day in a zone with daylight saving time (tenth probe's open item).

The SQL took one UTC offset, the cut's, for the whole history: in Europe/Berlin a message
written late on a winter Sunday counted in the next week when the cut was in summer, and
the other way round. Each message now takes the offset in force at its own time.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

from minyi.accountability.forecast import offset_spans, weekly_counts
from minyi.cases.calendar import WorkCalendar
from minyi.demo import factories


def _write(session, key: str, when: datetime) -> None:
    factories.make_message(session, key=key, process=False, region="A市A1区", submitted_at=when)


def test_berlin_has_its_two_changes_to_the_second_and_shanghai_none():
    since, until = datetime(2024, 1, 1, tzinfo=UTC), datetime(2025, 1, 1, tzinfo=UTC)
    berlin = offset_spans(ZoneInfo("Europe/Berlin"), since, until)
    assert berlin == [
        (int(since.timestamp()), 3600),
        (int(datetime(2024, 3, 31, 1, tzinfo=UTC).timestamp()), 7200),
        (int(datetime(2024, 10, 27, 1, tzinfo=UTC).timestamp()), 3600),
    ]
    assert offset_spans(ZoneInfo("Asia/Shanghai"), since, until) == [(int(since.timestamp()), 28800)]


def test_a_winter_sunday_night_stays_in_its_week_when_the_cut_is_in_summer(session):
    calendar = WorkCalendar(timezone="Europe/Berlin")
    _write(session, "dst-1", datetime(2024, 3, 24, 22, 30, tzinfo=UTC))  # Sun 23:30 CET: week of 03-18
    _write(session, "dst-2", datetime(2024, 3, 31, 22, 30, tzinfo=UTC))  # Mon 00:30 CEST: week of 04-01
    _write(session, "dst-3", datetime(2024, 3, 31, 0, 59, tzinfo=UTC))  # Sun 01:59 CET, a minute before
    session.flush()
    found = weekly_counts(
        session, by="region", start=date(2024, 3, 11), cut=date(2024, 4, 8), calendar=calendar
    )
    assert dict(found["A市A1区"]) == {date(2024, 3, 18): 1, date(2024, 3, 25): 1, date(2024, 4, 1): 1}


def test_a_summer_sunday_night_stays_in_its_week_when_the_cut_is_in_winter(session):
    calendar = WorkCalendar(timezone="Europe/Berlin")
    _write(session, "dst-4", datetime(2024, 10, 20, 22, 30, tzinfo=UTC))  # Mon 10-21 00:30 CEST
    _write(session, "dst-5", datetime(2024, 10, 27, 22, 30, tzinfo=UTC))  # Sun 23:30 CET: week of 10-21
    session.flush()
    found = weekly_counts(
        session, by="region", start=date(2024, 10, 7), cut=date(2024, 11, 4), calendar=calendar
    )
    assert dict(found["A市A1区"]) == {date(2024, 10, 21): 2}


def test_shanghai_weeks_are_as_before(session):
    calendar = WorkCalendar(timezone="Asia/Shanghai")
    _write(session, "sh-1", datetime(2024, 3, 24, 15, 59, tzinfo=UTC))  # Sun 23:59 Beijing
    _write(session, "sh-2", datetime(2024, 3, 24, 16, 0, tzinfo=UTC))  # Mon 00:00 Beijing
    session.flush()
    found = weekly_counts(
        session, by="region", start=date(2024, 3, 11), cut=date(2024, 4, 8), calendar=calendar
    )
    assert dict(found["A市A1区"]) == {date(2024, 3, 18): 1, date(2024, 3, 25): 1}
