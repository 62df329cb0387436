"""A summary's member counts kept as a tally equal the reference recount (``_tally.counted``)."""

from __future__ import annotations

import random
from array import array
from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest
from tests.unit.issues.detect.test_cluster import MIXING, PARKING, START, messages

from minyi.issues.detect import issue as issue_module
from minyi.issues.detect._tally import Tally, counted
from minyi.issues.detect.cluster import IssueDetector
from minyi.issues.detect.issue import PLACES, TALLY_FROM, IssueMessage, IssueState, Member

AUTHORS = (None, "", "a", "b", "c", "d")
PLACE_NAMES = ("丽发新城", "金桂花园", "人民路", "滨江新城", "梅溪湖")


def _member(rng: random.Random, number: int) -> Member:
    # Few distinct times (ties for first and last), few places (ties for the most named).
    when = datetime(2019, 1, 1, tzinfo=UTC) + timedelta(hours=12 * rng.randrange(6))
    message = IssueMessage(
        f"m{number}",
        f"标题{number}",
        "",
        when,
        rng.choice(AUTHORS),
        rng.randrange(5),
        rng.randrange(3),
        rng.randrange(3),
        rng.randrange(3),
    )
    places = tuple(rng.sample(PLACE_NAMES, rng.randrange(3)))
    return Member(message, array("i", [number % 7]), array("f", [1.0]), places, places[:1])


def _same(state: IssueState) -> None:
    kept, reference = state.counts(), counted(state.members, PLACES)
    assert kept == reference
    assert kept.first_time is reference.first_time  # the first of equal times, as min() keeps
    assert kept.last_time is reference.last_time
    assert list(kept.timeline) == list(reference.timeline)


@pytest.mark.parametrize("seed", range(40))
def test_the_tally_equals_the_recount_through_adds_merges_splits_and_folds(seed):
    rng = random.Random(seed)
    number = 0
    state = IssueState(1, created=1, max_vectors=rng.choice((0, 3, 200)))
    for _step in range(60):
        action = rng.random()
        if action < 0.6 or len(state.members) < 2:
            number += 1
            state.add(_member(rng, number))
        elif action < 0.75:
            other = IssueState(2, created=2)
            for _ in range(rng.randrange(1, 12)):
                number += 1
                other.add(_member(rng, number))
            other.counts()  # the absorbed one may hold its own tally
            state.absorb(other)
        elif action < 0.85:
            state.remove(rng.sample(state.members, rng.randrange(1, len(state.members))))
        else:  # archived and kept dormant: every member folded
            for member in state.members:
                member.fold()
            state.folded_upto = len(state.members)
        if rng.random() < 0.5:
            _same(state)
    _same(state)


def test_only_issues_of_tally_from_members_keep_a_tally():
    rng = random.Random(1)
    state = IssueState(1, created=1)
    for number in range(TALLY_FROM - 1):
        state.add(_member(rng, number))
    state.counts()
    assert state._tally is None
    state.add(_member(rng, TALLY_FROM))
    state.counts()
    assert isinstance(state._tally, Tally)
    assert state._tally.done == TALLY_FROM


def test_an_issue_without_members_has_no_counts():
    with pytest.raises(ValueError, match="without members"):
        IssueState(1, created=1).counts()


def _recount(self: IssueState) -> object:
    return counted(self.members, PLACES)


def test_the_detector_gives_the_same_issues_with_the_reference_counts(monkeypatch):
    # The same problems at the same places, again every 40 days: archived, woken, archived again.
    stream = []
    for round_number in range(8):
        start = START + timedelta(days=40 * round_number)
        stream += messages(MIXING, "丽发新城", 6, prefix=f"a{round_number}-", start=start, seed=round_number)
        stream += messages(
            PARKING, "金桂花园", 5, prefix=f"p{round_number}-", start=start, seed=round_number + 9
        )
    rng = random.Random(3)  # a few repeat authors and anonymous messages
    stream = [replace(message, author=rng.choice(AUTHORS)) for message in stream]
    settings = {"archive_after_days": 20, "consolidate_days": 3}
    kept = IssueDetector(**settings).fit(stream)
    monkeypatch.setattr(issue_module.IssueState, "counts", _recount)
    reference = IssueDetector(**settings).fit(stream)
    assert kept.issues() == reference.issues()
    assert repr(kept.issues()) == repr(reference.issues())
    assert max(issue.size for issue in kept.issues()) >= TALLY_FROM  # the kept tallies were used
