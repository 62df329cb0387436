"""Concrete, not thematic: when a message may join an issue, and two issues may merge.

Word similarity alone groups messages by theme (street lights, housing funds, school
places); a place alone groups everything said about one area.  An issue is one problem at
one place, so a similarity score counts only when both agree:

* **same place** (a core in common, or one containing the other; variant spellings are
  already one core, :mod:`~minyi.issues.detect.names`): the score counts if the *word
  cosine* (the cosine of both sides with their place terms left out) reaches
  ``word_min``, i.e. the problem agrees too; otherwise the word cosine alone counts,
  scaled down by ``other_problem`` (one place, another problem);
* **different places**: the score is multiplied by ``place_mismatch`` (the streetlight
  of 滨江新城 is not the streetlight of 人民路);
* **a place on one side only**: the score is multiplied by ``unplaced`` (a message joins
  an issue only if it names that issue's place);
* **no place on either side** (a policy, a case, a company without a place word): the
  score is multiplied by ``unplaced_both``.

Near copies join whatever the score (see :class:`~minyi.issues.detect.cluster.IssueDetector`).
An issue's places are its *main* cores (named by a quarter of its members at least), so
that one member naming a second place does not make the issue match that place.
"""

from __future__ import annotations

import math
from collections.abc import Collection
from dataclasses import dataclass

from minyi.issues.detect._fast import gated_dot
from minyi.issues.detect.features import SparseVector
from minyi.issues.detect.issue import IssueState
from minyi.issues.detect.places import cores_differ

__all__ = ["Gate", "state_score", "word_cosine"]


def word_cosine(word_dot: float, left_norm2: float, right_norm2: float) -> float:
    """The cosine of two vectors' word parts, from their dot product and squared lengths."""
    if left_norm2 <= 1e-12 or right_norm2 <= 1e-12:  # noqa: PLR2004 - only places on one side
        return 0.0
    return max(word_dot, 0.0) / math.sqrt(left_norm2 * right_norm2)


@dataclass(frozen=True, slots=True)
class Gate:
    """The rule of the module docstring with its three settings."""

    place_mismatch: float = 0.5
    unplaced: float = 0.5
    word_min: float = 0.12
    unplaced_both: float = 0.8
    other_problem: float = 0.5

    def score(
        self,
        cosine: float,
        words: float,
        left: Collection[str],
        right: Collection[str],
        *,
        merge: bool = False,
    ) -> float:
        """The cosine as it counts, given the word cosine and the cores of both sides.

        ``merge``: two issues, not a message and an issue; issues whose main places differ
        are never one (0).
        """
        if not left and not right:
            return cosine * self.unplaced_both
        if not left or not right:
            return cosine * self.unplaced
        if cores_differ(left, right):
            return 0.0 if merge else cosine * self.place_mismatch
        return cosine if words >= self.word_min else words * self.other_problem


def state_score(
    gate: Gate, state: IssueState, vector: SparseVector, cores: Collection[str], places: Collection[int]
) -> float:
    """The gated score of a message (unit ``vector``, place ``cores``) against live issue ``state``."""
    if state.norm2 <= 0.0:
        return 0.0
    dot, place, own_places = gated_dot(vector, state.centroid, places)
    cosine = dot / math.sqrt(state.norm2)
    words = word_cosine(dot - place, 1.0 - own_places, state.norm2 - state.place_norm2())
    return gate.score(cosine, words, cores, state.main_cores())
