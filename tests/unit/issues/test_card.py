"""The hot list ranks by heat, and for a period by the heat of that period's messages."""

from __future__ import annotations

from datetime import timedelta

from minyi.db.base import utcnow
from minyi.issues import card
from minyi.issues.models import HotIssue


def stored(session, title, days_ago_counts, *, heat):
    now = utcnow()
    timeline = {(now - timedelta(days=d)).date().isoformat(): n for d, n in days_ago_counts.items()}
    issue = HotIssue(
        title=title,
        first_time=now - timedelta(days=max(days_ago_counts)),
        last_time=now - timedelta(days=min(days_ago_counts)),
        size=sum(days_ago_counts.values()),
        authors=sum(days_ago_counts.values()),
        timeline=timeline,
        heat=heat,
    )
    session.add(issue)
    session.flush()
    return issue


def test_a_period_ranks_by_what_happened_in_it(session):
    old_big = stored(session, "老问题", {20: 40, 6: 1}, heat=9.0)
    new_small = stored(session, "新问题", {1: 6, 0: 4}, heat=5.0)
    quiet = stored(session, "早已平息", {40: 30}, heat=8.0)
    assert card.listing(session)[:3] == [old_big, quiet, new_small]
    week = card.listing(session, days=7)
    assert week == [new_small, old_big]
    assert quiet not in week


def test_merged_and_archived_issues_stay_off_the_active_list(session):
    live = stored(session, "在办", {1: 3}, heat=3.0)
    gone = stored(session, "已合并", {1: 3}, heat=4.0)
    gone.merged_into_id = live.id
    old = stored(session, "已归档", {1: 3}, heat=5.0)
    old.archived_at = utcnow()
    session.flush()
    assert card.listing(session) == [live]
    assert card.listing(session, status="archived") == [old]
    assert card.listing(session, status="all") == [old, live]
