"""The heat index: volume, authors, engagement, growth and recency."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from minyi.issues.detect.heat import HeatWeights, heat, heat_parts, rank
from minyi.issues.detect.issue import Issue

NOW = datetime(2024, 6, 30, 12, tzinfo=UTC)


def make_issue(issue_id=1, size=5, authors=5, likes=0, dislikes=0, reposts=0, last_days_ago=0, per_day=None):
    last = NOW - timedelta(days=last_days_ago)
    timeline = per_day or {(last - timedelta(days=i)).date(): 1 for i in range(size)}
    return Issue(
        id=issue_id,
        title=f"issue {issue_id}",
        keywords=(),
        places=(),
        first_time=last - timedelta(days=size),
        last_time=last,
        size=size,
        authors=authors,
        likes=likes,
        dislikes=dislikes,
        reposts=reposts,
        replies=0,
        timeline=timeline,
        representative_ids=(),
        message_ids=(),
    )


def test_more_messages_and_authors_are_hotter():
    assert heat(make_issue(size=20, authors=20), NOW) > heat(make_issue(size=5, authors=5), NOW)
    assert heat(make_issue(size=10, authors=10), NOW) > heat(make_issue(size=10, authors=1), NOW)


def test_engagement_counts_reposts_double_and_dislikes_too():
    base = heat(make_issue(), NOW)
    assert heat(make_issue(likes=100), NOW) > base
    assert heat(make_issue(reposts=50), NOW) == pytest.approx(heat(make_issue(likes=100), NOW))
    assert heat(make_issue(dislikes=10), NOW) > base


def test_recency_decays_and_can_be_turned_off():
    recent, old = make_issue(last_days_ago=1), make_issue(last_days_ago=60)
    assert heat(recent, NOW) > heat(old, NOW)
    flat = HeatWeights(tau_days=0, growth=0)
    assert heat(old, NOW, flat) == pytest.approx(heat(recent, NOW, flat))


def test_growth_adds_heat():
    day = NOW.date()
    growing = make_issue(size=8, per_day={day: 6, day - timedelta(days=10): 2})
    steady = make_issue(size=8, per_day={day: 2, day - timedelta(days=10): 6})
    assert heat(growing, NOW) > heat(steady, NOW)


def test_rank_orders_hottest_first_and_filters_the_period():
    small, big, old = make_issue(1, size=3), make_issue(2, size=30), make_issue(3, size=50, last_days_ago=200)
    ranked = rank([small, big, old])
    assert [issue.id for issue, _ in ranked] == [2, 1, 3]
    inside = rank([small, big, old], period_start=NOW - timedelta(days=60))
    assert [issue.id for issue, _ in inside] == [2, 1]


def test_a_period_counts_only_its_days():
    day = NOW.date()
    issue = make_issue(size=12, per_day={day: 2, day - timedelta(days=30): 10})
    ((restricted, _),) = rank([issue], period_start=NOW - timedelta(days=3), period_end=NOW)
    assert restricted.size == 2
    assert rank([], period_start=NOW) == []


def test_the_parts_make_the_heat():
    """The issue page shows every part: they must make the number it shows."""
    day = NOW.date()
    issue = make_issue(size=8, likes=30, last_days_ago=0, per_day={day: 6, day - timedelta(days=10): 2})
    later = NOW + timedelta(days=5)
    parts = heat_parts(issue, later)
    base = parts["volume_term"] + parts["authors_term"] + parts["engagement_term"]
    assert parts["growth_term"] > 0
    assert 0 < parts["decay"] < 1
    assert (base + parts["growth_term"]) * parts["decay"] == pytest.approx(parts["heat"])
    assert parts["heat"] == heat(issue, later)


def test_a_stored_timeline_of_local_dates_grows_on_its_local_today():
    """07:30 in Beijing is the day before in UTC: the morning's messages counted as no growth."""
    at = datetime(2026, 12, 6, 23, 30, tzinfo=UTC)  # 2026-12-07 07:30 in Beijing
    local_today = date(2026, 12, 7)
    issue = make_issue(size=5, per_day={local_today: 5})
    assert heat_parts(issue, at)["growth"] == 0.0  # by the UTC date the day has not come
    assert heat_parts(issue, at, today=local_today)["growth"] > 0
