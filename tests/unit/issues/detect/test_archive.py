"""Archived summaries kept compactly read back equal, and the mapping behaves as the dict did."""

from __future__ import annotations

import random
from dataclasses import replace
from datetime import timedelta

from tests.unit.issues.detect.test_cluster import FUND, MIXING, PARKING, START, messages
from tests.unit.issues.detect.test_tally import AUTHORS

from minyi.issues.detect._archive import Archived, compact, expand
from minyi.issues.detect.cluster import IssueDetector


def _fitted() -> IssueDetector:
    # Archived once with several messages: a message months later makes the archiving due.
    stream = messages(FUND, "梅溪湖公馆", 3, prefix="once-", start=START - timedelta(days=300))
    stream += messages(PARKING, "伊景园", 1, prefix="later-", start=START - timedelta(days=150))
    for round_number in range(6):
        start = START + timedelta(days=45 * round_number)
        stream += messages(MIXING, "丽发新城", 4, prefix=f"a{round_number}-", start=start, seed=round_number)
        stream += messages(PARKING, "金桂花园", 1, prefix=f"p{round_number}-", start=start, seed=round_number)
        stream += messages(FUND, "星城雅苑", 1, prefix=f"f{round_number}-", start=start, seed=round_number)
    rng = random.Random(5)
    stream = [replace(m, author=rng.choice(AUTHORS), likes=rng.randrange(4)) for m in stream]
    return IssueDetector(archive_after_days=20, consolidate_days=3, revive=False).fit(stream)


def test_every_archived_summary_reads_back_equal_and_one_message_ones_are_compact():
    detector = _fitted()
    summaries = list(detector.archived_.values())
    assert any(issue.size == 1 for issue in summaries)
    assert any(issue.size > 1 for issue in summaries)
    for issue in summaries:
        kept = compact(issue)
        assert (kept is issue) == (issue.size > 1)
        again = issue if kept is issue else expand(issue.id, kept)  # type: ignore[arg-type]
        assert again == issue
        assert repr(again) == repr(issue)


def test_a_summary_that_is_not_the_fixed_shape_stays_whole():
    issue = next(i for i in _fitted().archived_.values() if i.size == 1)
    assert compact(replace(issue, archived=False)) == replace(issue, archived=False)
    assert isinstance(compact(replace(issue, weighted_posts=None)), type(issue))
    assert isinstance(compact(replace(issue, people_likes=issue.likes + 1)), type(issue))
    assert isinstance(compact(replace(issue, last_time=issue.last_time + timedelta(0))), type(issue))


def test_the_mapping_behaves_as_the_dict_it_replaces():
    summaries = list(_fitted().archived_.values())
    archived, plain = Archived(), {}
    for issue in summaries:
        archived[issue.id] = plain[issue.id] = issue
    assert archived == plain
    assert list(archived) == list(plain)
    assert list(archived.items()) == list(plain.items())
    first = summaries[0].id
    assert first in archived
    assert archived.pop(first) == plain.pop(first)
    archived.drop(summaries[1].id)
    archived.drop(summaries[1].id)  # absent: nothing happens
    plain.pop(summaries[1].id)
    assert archived == plain
    expected = [(m, issue.id) for issue in plain.values() for m in issue.message_ids]
    assert list(archived.assigned()) == expected
    assert Archived() == {}


def test_assignments_are_what_the_summaries_say():
    detector = _fitted()
    expected = {
        message_id: issue.id
        for issue in [*(detector.summary(i) for i in detector.active_), *detector.archived_.values()]
        if issue is not None
        for message_id in issue.message_ids
    }
    assert detector.assignments() == expected
    assert list(detector.assignments()) == list(expected)
