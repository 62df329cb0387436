"""stats.recompute: a stored issue's numbers from the messages that belong to it."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from tests.issuedata import NOISE, make_issue

from minyi.analysis.models import MessageAnalysis
from minyi.issues import stats


def test_recompute_counts_sums_times_timeline_and_categories(session):
    start = datetime(2026, 3, 1, 9, tzinfo=UTC)
    issue, made = make_issue(session, NOISE, start=start, recompute=False)
    issue.representative_ids = []
    stats.recompute(session, issue)
    assert issue.size == 4
    assert issue.authors == 3  # u0, u1, u2, u0 again: counted, never named
    assert (issue.likes, issue.dislikes, issue.reposts, issue.replies) == (0 + 1 + 2 + 3, 4, 8, 12)
    assert issue.first_time == start
    assert issue.last_time == start + timedelta(days=3)
    assert issue.timeline == {"2026-03-01": 1, "2026-03-02": 1, "2026-03-03": 1, "2026-03-04": 1}
    assert issue.categories == {"环境保护": 2, "城乡建设": 2}
    assert issue.representative_ids == [m.id for m in made[:3]]


def test_submitted_time_wins_over_received(session):
    issue, made = make_issue(session, NOISE[:2], recompute=False)
    made[1].submitted_at = datetime(2020, 1, 2, 3, tzinfo=UTC)
    stats.recompute(session, issue)
    assert issue.first_time == datetime(2020, 1, 2, 3, tzinfo=UTC)
    assert "2020-01-02" in issue.timeline


def test_representatives_that_remain_are_kept(session):
    issue, made = make_issue(session, NOISE)
    issue.representative_ids = [made[3].id, "gone"]
    stats.recompute(session, issue)
    assert issue.representative_ids == [made[3].id]
    session.get(MessageAnalysis, made[3].id).issue_id = None
    stats.recompute(session, issue)
    assert issue.representative_ids == [m.id for m in made[:3]]
    assert issue.size == 3


def test_an_issue_without_messages_is_zeroed(session):
    issue, made = make_issue(session, NOISE[:2])
    before = issue.last_time
    for message in made:
        session.get(MessageAnalysis, message.id).issue_id = None
    stats.recompute(session, issue)
    assert (issue.size, issue.authors, issue.likes, issue.timeline, issue.categories) == (0, 0, 0, {}, {})
    assert issue.representative_ids == []
    assert issue.last_time == before


def test_the_timeline_counts_local_days(session):
    """A message at 23:30 UTC was written at 07:30 the next morning in Beijing: that day's."""
    issue, made = make_issue(session, NOISE[:2], recompute=False)
    made[0].submitted_at = datetime(2026, 3, 1, 23, 30, tzinfo=UTC)
    made[1].submitted_at = datetime(2026, 3, 2, 15, 59, tzinfo=UTC)  # 23:59 Beijing time
    stats.recompute(session, issue)
    assert issue.timeline == {"2026-03-02": 2}
