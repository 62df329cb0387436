"""The counts a public answer may give: citizens' answers emptied wherever their figures are hidden."""

from __future__ import annotations

import pytest

from minyi.accountability.definitions import OPINION_COUNTS, few_opinions, figure, published_counts

ENOUGH = {
    "cases": 9,
    "answered": 6,
    "rated": 5,
    "satisfied": 3,
    "solved_rated": 5,
    "solved": 4,
    "reopened": 1,
}


def test_enough_answers_are_published_as_counted():
    assert not few_opinions(ENOUGH)
    assert published_counts(ENOUGH) == ENOUGH


@pytest.mark.parametrize(
    "changed",
    [
        {"rated": 1, "satisfied": 0},  # one verdict
        {"solved_rated": 4},  # four answers to "solved?"
        {"answered": 2, "rated": 0, "solved_rated": 0},  # 1 of 2 reopened: the reopen rate's base
    ],
)
def test_a_base_of_one_to_four_empties_every_answer_count(changed):
    counts = {**ENOUGH, **changed}
    assert few_opinions(counts)
    shown = published_counts(counts)
    assert all(shown[name] is None for name in OPINION_COUNTS if name in counts)
    assert shown["cases"] == counts["cases"]
    assert shown["answered"] == counts["answered"]  # no one's answer


def test_the_rule_is_the_figures_own():
    """Hidden counts exactly where a figure of citizens' answers shows —, never elsewhere."""
    for counts in ({**ENOUGH, "rated": 3}, {**ENOUGH, "answered": 4}, ENOUGH, {"cases": 2}):
        hidden = any(
            figure(key).value(counts) is None and figure(key).base(counts) > 0
            for key in ("satisfaction_rate", "resolution_rate", "reopen_rate")
        )
        assert few_opinions(counts) == hidden, counts
