"""Consolidation takes up the dormant issue that a group of later messages continues."""

from __future__ import annotations

from datetime import timedelta

from tests.unit.issues.detect.test_cluster import MIXING, PARKING, START, issue_of, messages

from minyi.issues.detect.cluster import IssueDetector


def _asleep(detector: IssueDetector) -> None:
    """Let no single message wake a dormant issue on arrival (only consolidation may)."""
    detector._wake = lambda _features, best, score: (best, score)  # type: ignore[method-assign]


def test_later_messages_about_the_same_problem_join_the_dormant_issue_at_consolidation():
    early = messages(MIXING, "丽发新城", 4, prefix="a")
    other = messages(PARKING, "金桂花园", 3, prefix="p", start=START + timedelta(days=120))
    late = messages(MIXING, "丽发新城", 3, prefix="z", start=START + timedelta(days=200), seed=5)
    detector = IssueDetector(archive_after_days=30, consolidate_days=1).reset()
    _asleep(detector)
    first = {detector.assign(m) for m in early}
    for message in other:
        detector.assign(message)
    (early_id,) = first
    assert early_id in detector.archived_
    for message in late:
        detector.assign(message)
    detector.consolidate()
    found = issue_of(detector)
    assert {found[m.message_id] for m in early + late} == {early_id}
    assert early_id not in detector.archived_


def test_later_messages_about_another_problem_at_the_place_stay_apart():
    early = messages(MIXING, "丽发新城", 4, prefix="a")
    other = messages(MIXING, "金桂花园", 3, prefix="p", start=START + timedelta(days=120))
    late = messages(PARKING, "丽发新城", 3, prefix="z", start=START + timedelta(days=200), seed=5)
    detector = IssueDetector(archive_after_days=30, consolidate_days=1).reset()
    _asleep(detector)
    for message in early + other + late:
        detector.assign(message)
    detector.consolidate()
    found = issue_of(detector)
    assert found["a0"] != found["z0"]
    assert len({found[m.message_id] for m in late}) == 1
