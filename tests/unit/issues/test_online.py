"""The online tracker: messages join their stored hot issue as they are processed."""

from __future__ import annotations

from datetime import timedelta

from minyi.analysis.models import MessageAnalysis
from minyi.analysis.provider import PipelineProvider
from minyi.db.base import utcnow
from minyi.demo import factories
from minyi.flows.processing import process
from minyi.issues import card, stats
from minyi.issues import services as issues
from minyi.issues.models import HotIssue
from minyi.issues.online import IssueTracker, online_detector

NOISE = [
    "滨江新城旁搅拌站夜间施工噪音扰民，严重影响休息",
    "滨江新城小区旁的搅拌站每晚噪音很大，孩子无法入睡",
    "投诉滨江新城附近搅拌站凌晨还在作业，噪音扰民",
    "滨江新城搅拌站噪音问题什么时候能解决",
    "滨江新城搅拌站噪音扰民，晚上十一点还在施工",
]
OTHER = "人民路公交站台顶棚破损漏雨，请尽快维修"


def submit(session, tracker, text, author, hours_ago=0, likes=0):
    pipeline = PipelineProvider(route_threshold=1.1).get(session)
    message = factories.make_message(
        session,
        title=text[:14],
        body=text + "。",
        author=author,
        process=False,
        received_at=utcnow() - timedelta(hours=hours_ago),
    )
    message.likes = likes
    process(session, message, pipeline, tracker=tracker)
    return message


def issue_of(session, message):
    return session.get(MessageAnalysis, message.id).issue_id


def test_a_group_becomes_an_issue_at_min_size_with_all_its_messages(session):
    tracker = IssueTracker(min_size=3)
    first = submit(session, tracker, NOISE[0], "a")
    second = submit(session, tracker, NOISE[1], "b")
    assert issue_of(session, first) is None
    third = submit(session, tracker, NOISE[2], "a", likes=5)
    issue_id = issue_of(session, third)
    assert issue_id is not None
    assert issue_of(session, first) == issue_of(session, second) == issue_id
    issue = session.get(HotIssue, issue_id)
    assert issue.size == 3
    assert issue.authors == 2
    assert issue.likes == 5
    assert issue.heat > 0


def test_later_messages_update_the_stored_issue_in_place(session):
    tracker = IssueTracker(min_size=3)
    made = [submit(session, tracker, text, f"u{i}") for i, text in enumerate(NOISE[:3])]
    issue = session.get(HotIssue, issue_of(session, made[0]))
    before = issue.heat
    again = submit(session, tracker, NOISE[3], "u0", likes=7)
    assert issue_of(session, again) == issue.id
    assert issue.size == 4
    assert issue.authors == 3  # u0 wrote before: counted once
    assert issue.likes == 7
    assert sum(issue.timeline.values()) == 4
    assert issue.heat >= before
    other = submit(session, tracker, OTHER, "z")
    assert issue_of(session, other) is None


def test_joins_count_people_as_a_recompute_from_the_members_does(session):
    tracker = IssueTracker(min_size=3)
    made = [submit(session, tracker, text, f"u{i}", likes=i) for i, text in enumerate(NOISE[:3])]
    submit(session, tracker, NOISE[3], "u0", likes=9)  # an author writes again
    submit(session, tracker, NOISE[4], None, likes=2)  # anonymous: a person of its own
    issue = session.get(HotIssue, issue_of(session, made[0]))
    online = (issue.size, issue.authors, issue.posts_counted, issue.people_likes, issue.heat)
    stats.recompute(session, issue)
    assert (issue.size, issue.authors, issue.posts_counted, issue.people_likes, issue.heat) == online
    assert online[:4] == (5, 3, 1 + 2**0.5 + 1 + 1, 9 + 1 + 2 + 2)


def test_the_tracker_rebuilds_from_stored_issues_and_keeps_their_ids(session):
    made = [submit(session, None, text, f"u{i}", hours_ago=5 - i) for i, text in enumerate(NOISE[:4])]
    issues.refresh(session, days=30, min_size=3)
    stored = issue_of(session, made[0])
    assert stored is not None
    tracker = IssueTracker(min_size=3)
    late = submit(session, tracker, NOISE[4], "late")
    assert tracker.ready
    assert issue_of(session, late) == stored
    assert session.get(HotIssue, stored).size == 5


def test_merged_issues_send_new_messages_to_where_they_were_merged(session):
    made = [submit(session, None, text, f"u{i}", hours_ago=5 - i) for i, text in enumerate(NOISE[:4])]
    issues.refresh(session, days=30, min_size=3)
    source = session.get(HotIssue, issue_of(session, made[0]))
    target = HotIssue(title="合并目标", first_time=utcnow(), last_time=utcnow(), timeline={})
    session.add(target)
    session.flush()
    source.merged_into_id = target.id
    tracker = IssueTracker(min_size=3)
    late = submit(session, tracker, NOISE[4], "late")
    assert issue_of(session, late) == target.id
    assert target.size == 1


def test_pinned_messages_stay_where_staff_put_them(session):
    made = [submit(session, None, text, f"u{i}", hours_ago=5 - i) for i, text in enumerate(NOISE[:4])]
    issues.refresh(session, days=30, min_size=3)
    stored = issue_of(session, made[0])
    elsewhere = HotIssue(title="人工归入", first_time=utcnow(), last_time=utcnow(), timeline={})
    session.add(elsewhere)
    session.flush()
    pinned = session.get(MessageAnalysis, made[1].id)
    pinned.issue_id, pinned.issue_pinned = elsewhere.id, True
    session.flush()
    issues.refresh(session, days=30, min_size=3)
    assert issue_of(session, made[1]) == elsewhere.id
    assert issue_of(session, made[0]) == stored
    assert elsewhere.archived_at is None


def test_refresh_keeps_a_renamed_title_and_archives_issues_not_found_again(session):
    made = [submit(session, None, text, f"u{i}", hours_ago=5 - i) for i, text in enumerate(NOISE[:4])]
    issues.refresh(session, days=30, min_size=3)
    issue = session.get(HotIssue, issue_of(session, made[0]))
    issue.title, issue.title_locked = "滨江新城搅拌站噪音", True
    stale = HotIssue(title="旧问题", first_time=utcnow(), last_time=utcnow(), timeline={})
    session.add(stale)
    session.flush()
    report = issues.refresh(session, days=30, min_size=3)
    assert issue.title == "滨江新城搅拌站噪音"
    assert report.archived == 1
    assert stale.archived_at is not None
    assert stale not in card.listing(session)
    assert stale in card.listing(session, status="archived")


def test_a_failure_leaves_the_message_unassigned_but_processed(session, monkeypatch):
    tracker = IssueTracker(min_size=3)

    def broken(*_args, **_kwargs):
        raise RuntimeError("boom")

    monkeypatch.setattr(tracker, "_observe", broken)
    message = submit(session, tracker, NOISE[0], "a")
    assert message.state == "processed"
    assert issue_of(session, message) is None


def test_the_online_detector_never_consolidates_inside_assign():
    detector = online_detector()
    assert detector.consolidate_every == 0
    assert detector.consolidate_days > 365 * 1000


def test_concurrent_stale_requests_start_one_rebuild_and_never_wait(tmp_path, monkeypatch):
    import threading
    import time

    from minyi.db.session import Database

    database = Database(f"sqlite:///{tmp_path / 'stampede.db'}")
    tracker = IssueTracker(database=database, rebuild_seconds=3600)
    started = threading.Event()
    release = threading.Event()
    calls = []

    def slow_rebuild(session):
        calls.append(1)
        started.set()
        release.wait(5)
        tracker.built_at_ = time.monotonic()

    monkeypatch.setattr(tracker, "rebuild", slow_rebuild)
    answers = []
    threads = [threading.Thread(target=lambda: answers.append(tracker._ensure(None))) for _ in range(20)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(2)  # requests answer at once: none waits for the rebuild
    assert all(not thread.is_alive() for thread in threads)
    assert started.wait(5)
    release.set()
    for _ in range(50):
        if not tracker._building.locked():
            break
        time.sleep(0.05)
    assert calls == [1]
    assert answers == [False] * 20  # no detector yet: the messages go on without an issue
    database.engine.dispose()
