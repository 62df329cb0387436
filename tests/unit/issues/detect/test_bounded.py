"""Bounded work per online call and bounded state per issue."""

from __future__ import annotations

from datetime import timedelta

import pytest

from minyi.issues.detect import cluster
from minyi.issues.detect.cluster import IssueDetector
from minyi.issues.detect.issue import IssueMessage

from .test_cluster import FUND, MIXING, PLACES, START, TOPICS, messages


def stream(days: int, per_day: int = 6) -> list[IssueMessage]:
    """Several problems a day, in time order; problems and places change every two days."""
    found: list[IssueMessage] = []
    for day in range(days):
        period = day // 2
        for slot in range(per_day):
            first, second = (
                TOPICS[(period + slot) % len(TOPICS)],
                TOPICS[(7 * period + slot + 3) % len(TOPICS)],
            )
            topic = {
                "titles": [f"{{p}}{first}{second}问题", f"{{p}}的{first}坏了"],
                "bodies": [f"{{p}}的{first}和{second}一直没人管。"],
            }
            place = "东南西北中"[period % 5] + PLACES[slot % len(PLACES)]
            when = START + timedelta(days=day, hours=slot)
            found += messages(topic, place, 1, start=when, prefix=f"d{day}s{slot}-")
    return found


def test_assign_examines_at_most_the_budget_of_issues_per_call(monkeypatch):
    batches: list[int] = []
    real = cluster.consolidate_issues

    def spy(detector, changed):
        batches.append(len(changed))
        return real(detector, changed)

    monkeypatch.setattr(cluster, "consolidate_issues", spy)
    detector = IssueDetector(consolidate_budget=2, consolidate_days=1, archive_after_days=3).reset()
    archived_per_call = []
    for message in stream(12):
        before = len(detector.archived_)
        detector.assign(message)
        archived_per_call.append(len(detector.archived_) - before)
    assert batches
    assert max(batches) <= 2
    assert max(archived_per_call) <= 2
    assert detector.archived_  # archiving still happens, a little per call


def test_a_zero_budget_leaves_consolidation_to_the_caller(monkeypatch):
    calls: list[list[int]] = []
    real = cluster.consolidate_issues

    def spy(detector, changed):
        calls.append(changed)
        return real(detector, changed)

    monkeypatch.setattr(cluster, "consolidate_issues", spy)
    detector = IssueDetector(consolidate_budget=0, consolidate_days=1, archive_after_days=3)
    for message in stream(10):
        detector.assign(message)
    assert calls == []
    assert detector.archived_ == {}
    report = detector.consolidate()
    assert len(calls) == 1
    assert report.archived
    assert all(issue_id not in detector.active_ for issue_id in report.archived)


def test_online_assignment_ends_where_fit_ends():
    batch = stream(20)
    fitted = IssueDetector(consolidate_days=2, archive_after_days=5).fit(batch)
    online = IssueDetector(consolidate_days=2, archive_after_days=5)
    for message in batch:
        online.assign(message)
    online.consolidate()

    def groups(detector):
        found: dict[int, set[str]] = {}
        for message_id, issue_id in detector.assignments().items():
            found.setdefault(issue_id, set()).add(message_id)
        return sorted(sorted(group) for group in found.values())

    assert groups(online) == groups(fitted)


def test_an_issue_that_never_goes_quiet_keeps_a_bounded_number_of_vectors():
    batch = messages(MIXING, "丽发新城", 60, prefix="a")
    detector = IssueDetector(max_vectors=10).fit(batch)
    (state,) = [s for s in detector.active_.values() if len(s.members) == 60]
    assert state.vectors == 10
    assert sum(not member.folded for member in state.members) == 10
    assert all(member.message.title == "" for member in state.members if member.folded)
    (issue,) = [i for i in detector.issues() if i.size == 60]
    assert set(issue.message_ids) == {m.message_id for m in batch}
    assert issue.authors == 60
    assert issue.likes == sum(m.likes for m in batch)
    assert sum(issue.timeline.values()) == 60
    folded = {member.message.message_id for member in state.members if member.folded}
    assert not folded & set(issue.representative_ids)
    # Later messages still join the same issue through the centroid.
    more = messages(MIXING, "丽发新城", 5, prefix="b", start=START + timedelta(days=15), seed=3)
    assert {detector.assign(m) for m in more} == {issue.id}


def test_centroids_are_pruned_and_the_index_follows():
    words = [f"{a}{b}" for a in "甲乙丙丁戊己庚辛壬癸" for b in "子丑寅卯辰巳午未申酉戌亥"]
    batch = [
        IssueMessage(
            f"w{i}",
            "丽发新城搅拌站噪音扰民",
            "丽发新城搅拌站噪音很大。" + "，".join(words[(7 * i) % 120 : (7 * i) % 120 + 7]),
            START + timedelta(hours=i),
        )
        for i in range(40)
    ]
    detector = IssueDetector(max_centroid_terms=30, use_dedupe=False).fit(batch)
    for state in detector.active_.values():
        assert len(state.centroid) <= 30
        assert abs(state.norm2 - sum(w * w for w in state.centroid.values())) < 1e-6
    indexed = {(term, issue_id) for term, posting in detector.postings_.items() for issue_id in posting}
    live = {(term, s.id) for s in detector.active_.values() for term in s.centroid}
    assert indexed == live


def test_a_split_keeps_the_folded_members_with_the_kept_id():
    mixing = messages(MIXING, "丽发新城", 12, prefix="a")
    fund = messages(FUND, "丽发新城", 6, prefix="f", start=START + timedelta(hours=60, minutes=1))
    detector = IssueDetector(
        threshold=0.0001, place_mismatch=1.0, use_dedupe=False, consolidate_days=1e9, max_vectors=12
    )
    ids = {detector.assign(m) for m in sorted(mixing + fund, key=lambda m: m.when)}
    (kept,) = ids
    detector.threshold, detector.split_threshold = 0.25, 0.5
    report = detector.consolidate()
    assert report.split
    assert report.split[0][0] == kept
    assignments = detector.assignments()
    assert {assignments[m.message_id] for m in mixing} == {kept}
    assert kept not in {assignments[m.message_id] for m in fund}
    assert sum(issue.size for issue in detector.issues()) == 18


def test_archived_issues_leave_every_index_over_a_long_span():
    detector = IssueDetector(archive_after_days=5, consolidate_days=1)
    for day in range(0, 400, 4):
        topic = {"titles": [f"{{p}}{TOPICS[day % len(TOPICS)]}坏了"], "bodies": ["{p}一直没人管。"]}
        detector.partial_fit(
            messages(
                topic, f"{PLACES[day % 8]}{day}号", 2, start=START + timedelta(days=day), prefix=f"d{day}-"
            )
        )
    assert len(detector) <= 4
    live = set(detector.active_)
    assert {issue_id for posting in detector.postings_.values() for issue_id in posting} <= live
    assert set(detector.issue_of_.values()) <= live
    assert len(detector.dedupe_) <= 2 * 4
    assert len(detector.expiry_) <= 4 * len(detector.issue_of_) + 8


def test_invalid_caps_fail_fast():
    with pytest.raises(ValueError, match="consolidate_budget"):
        IssueDetector(consolidate_budget=-1).reset()
