"""A dormant issue's summary made when read equals the one archiving used to make at once.

The reference is the eager path: with ``on_archive`` set, every archived issue is summarised
as it is archived (``IssueState.summary`` before folding and pruning), as the detector did
for every issue before summaries of dormant issues were deferred.
"""

from __future__ import annotations

import functools
import random
from dataclasses import replace
from datetime import timedelta

import pytest
from tests.unit.issues.detect.test_cluster import FUND, MIXING, PARKING, START, messages
from tests.unit.issues.detect.test_tally import AUTHORS

from minyi.issues.detect import cluster as cluster_module
from minyi.issues.detect._archive import Pending
from minyi.issues.detect._dormant import Dormant
from minyi.issues.detect.cluster import IssueDetector
from minyi.issues.detect.issue import Issue, IssueMessage

SETTINGS = {"archive_after_days": 20, "consolidate_days": 3}


def _stream() -> list[IssueMessage]:
    # The same problems at the same places again every 40 days: archived, woken, archived again;
    # a one-off issue at another place that stays dormant; one naming no place (never dormant).
    stream = messages(FUND, "梅溪湖公馆", 3, prefix="once-", start=START - timedelta(days=300))
    for round_number in range(8):
        start = START + timedelta(days=40 * round_number)
        stream += messages(MIXING, "丽发新城", 6, prefix=f"a{round_number}-", start=start, seed=round_number)
        stream += messages(
            PARKING, "金桂花园", 5, prefix=f"p{round_number}-", start=start, seed=round_number + 9
        )
        stream += messages(FUND, "", 1, prefix=f"f{round_number}-", start=start, seed=round_number)
    rng = random.Random(3)  # repeat authors and anonymous messages, likes
    stream = [replace(m, author=rng.choice(AUTHORS), likes=rng.randrange(4)) for m in stream]
    return sorted(stream, key=lambda m: m.when)


def _ignore(_issue: Issue) -> None:
    """An ``on_archive`` callback: the detector summarises every archived issue at once."""


def _pending(detector: IssueDetector) -> int:
    return sum(isinstance(kept, Pending) for kept in detector.archived_._kept.values())


def _same(lazy: IssueDetector, eager: IssueDetector) -> None:
    assert lazy.assignments() == eager.assignments()
    assert list(lazy.assignments()) == list(eager.assignments())
    assert list(lazy.archived_) == list(eager.archived_)
    for issue_id in eager.archived_:
        assert repr(lazy.archived_[issue_id]) == repr(eager.archived_[issue_id])
    assert lazy.issues() == eager.issues()
    assert repr(lazy.issues()) == repr(eager.issues())


@pytest.mark.parametrize("max_dormant", [20_000, 2])
@pytest.mark.parametrize("centroid_terms", [60, 12, 1])
def test_lazy_summaries_equal_the_eager_ones_through_archive_wake_archive(
    monkeypatch: pytest.MonkeyPatch, centroid_terms: int, max_dormant: int
) -> None:
    # Few centroid terms kept: the sketch takes the keywords (pruning would cut them);
    # two dormant issues at most: the longest dormant are forgotten, their summaries made then.
    monkeypatch.setattr(cluster_module, "Dormant", functools.partial(Dormant, centroid_terms=centroid_terms))
    stream = _stream()
    lazy = IssueDetector(**SETTINGS, max_dormant=max_dormant).fit(stream)
    pending = _pending(lazy)
    eager = IssueDetector(**SETTINGS, max_dormant=max_dormant, on_archive=_ignore).fit(stream)
    assert pending > 0
    assert _pending(eager) == 0
    assert any(issue.size > 1 for issue in eager.archived_.values())
    _same(lazy, eager)
    assert _pending(lazy) == 0  # read: made, and kept made


def test_a_summary_read_before_its_issue_wakes_is_dropped_when_it_wakes() -> None:
    # Read every ten messages (the pending summaries are made and kept), go on (issues wake
    # and are archived again): still what archiving at once gives.
    stream = _stream()
    lazy, eager = IssueDetector(**SETTINGS).reset(), IssueDetector(**SETTINGS).reset()
    eager.on_archive = _ignore
    woken = 0
    for part in (stream[start : start + 10] for start in range(0, len(stream), 10)):
        read = set(lazy.archived_)  # every summary was read (made) at the end of the last part
        for message in part:
            lazy.assign(message)
            eager.assign(message)
            woken += len(read - set(lazy.archived_))
            read &= set(lazy.archived_)
        _same(lazy, eager)
    assert woken > 0


def test_no_summary_is_made_when_none_is_kept_nor_wanted(monkeypatch: pytest.MonkeyPatch) -> None:
    made: list[int] = []
    original = cluster_module.IssueState.summary

    def counting(self: cluster_module.IssueState, *args: object, **kwargs: bool) -> object:
        made.append(self.id)
        return original(self, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(cluster_module.IssueState, "summary", counting)
    detector = IssueDetector(**SETTINGS, keep_archived=False).fit(_stream())
    assert detector.archived_ == {}
    assert made == []
    detector.issues()
    assert made  # the live ones, when asked
