"""Archived issues that a later message may wake: one organisation's failure over months.

An issue without a message for ``archive_after_days`` leaves the live index (memory stays
bounded), but a problem at one place is often written about again much later (the same
school's forced internships every autumn; a road whose rebuilding keeps being postponed).
:class:`Dormant` keeps the working state of archived issues that name a place, compactly
(member vectors folded, centroid cut to ``centroid_terms`` terms), indexed by their place
cores.  A new message that matches no live issue looks here for issues naming its places;
the detector wakes the best one when the name and the problem agree (the same
:class:`~minyi.issues.detect.gate.Gate` and threshold as for live issues), keeping its id.

At most ``max_issues`` are kept; the longest-dormant go first.

A dormant centroid is held as two flat arrays (term ids, weights: 16 bytes a term) instead of
a dict of Python ints and floats (about 90 bytes a term); up to 20,000 dormant issues of 60
terms made that the largest item of the detector's memory. :meth:`Dormant.candidates`
unpacks the centroids of the states it returns, which stay unpacked until its next call
(every caller scores them at once); the dict it rebuilds holds the same terms in the same
order with the same doubles, so every score is what it was.
"""

from __future__ import annotations

import itertools
from array import array
from collections.abc import Iterable
from typing import TYPE_CHECKING

from minyi.issues.detect._fast import new_centroid
from minyi.issues.detect.features import Features
from minyi.issues.detect.issue import IssueState

if TYPE_CHECKING:
    from minyi.issues.detect.cluster import IssueDetector

__all__ = ["Dormant", "revive", "wake"]


def wake(
    detector: IssueDetector, features: Features, best: int | None, score: float
) -> tuple[int | None, float]:
    """Wake the dormant issue of ``detector`` that ``features`` matches best, if it beats ``best``.

    Returns the issue to join and its score (``best`` and ``score`` unchanged when none does);
    a woken issue is live again with its id, members and centroid.
    """
    cores = set(features.title_cores)
    found: IssueState | None = None
    for state in detector.dormant_.candidates(cores, detector.candidates):
        dormant_score = detector._penalised(state, features.vector, cores)  # noqa: SLF001 - the detector's own helper
        if dormant_score >= max(score, detector.threshold):
            found, score = state, dormant_score
    if found is None:
        return best, score
    return revive(detector, found.id).id, score


def revive(detector: IssueDetector, issue_id: int) -> IssueState:
    """Make dormant issue ``issue_id`` live again with its id, members and centroid."""
    state = detector.dormant_.take(issue_id)
    detector.archived_.drop(state.id)  # woken: its summary is out of date
    detector.active_[state.id] = state
    detector._index(state.id, dict(state.centroid))  # noqa: SLF001 - the detector's own index
    for member in state.members:
        detector.issue_of_[member.message.message_id] = state.id
    return state


class Dormant:
    """Compact archived issues indexed by place core (see the module docstring)."""

    def __init__(self, *, max_issues: int = 20_000, centroid_terms: int = 60) -> None:
        self.max_issues = max_issues
        self.centroid_terms = centroid_terms
        self.states: dict[int, IssueState] = {}
        self.by_core: dict[str, set[int]] = {}
        self.packed: dict[int, tuple[array[int], array[float]]] = {}
        self._unpacked: list[IssueState] = []

    def __len__(self) -> int:
        return len(self.states)

    def takes(self, state: IssueState) -> bool:
        """Whether :meth:`keep` keeps ``state``: it names a place (and any is kept)."""
        return bool(state.cores) and self.max_issues > 0

    def keep(self, state: IssueState) -> list[IssueState]:
        """Keep archived ``state`` (folded and pruned) if it names a place.

        Returns the longest-dormant states dropped to make room (their summaries, if pending,
        must be made now: :meth:`~minyi.issues.detect._archive.Archived.settle`).
        """
        if not self.takes(state):
            return []
        for member in itertools.islice(state.members, state.folded_upto, None):  # the rest are folded
            if not member.folded:
                member.fold()
        state.vectors, state.folded_upto = 0, len(state.members)
        state.prune(self.centroid_terms)
        state.place_norm2()  # computed while the centroid is a dict; kept (the state does not change)
        self.packed[state.id] = (array("q", state.centroid), array("d", state.centroid.values()))
        state.centroid = {}
        self.states[state.id] = state
        for core in state.cores:
            self.by_core.setdefault(core, set()).add(state.id)
        dropped = []
        while len(self.states) > self.max_issues:
            dropped.append(self.take(next(iter(self.states))))
        return dropped

    def candidates(self, cores: Iterable[str], limit: int | None = None) -> list[IssueState]:
        """The ``limit`` dormant issues naming one of ``cores`` that were active last (then by id).

        Their centroids are unpacked until the next call (see the module docstring).
        """
        self._repack()
        found = {issue_id for core in cores for issue_id in self.by_core.get(core, ())}
        chosen = sorted((self.states[i] for i in found), key=lambda state: (-state.last, state.id))[:limit]
        for state in chosen:
            terms, weights = self.packed[state.id]
            state.centroid = new_centroid(zip(terms, weights, strict=True))
        self._unpacked = chosen
        return chosen

    def _repack(self) -> None:
        """Drop the dicts of the centroids :meth:`candidates` unpacked (the arrays still hold them)."""
        for state in self._unpacked:
            if state.id in self.packed:
                state.centroid = {}
        self._unpacked = []

    def take(self, issue_id: int) -> IssueState:
        """Remove and return dormant issue ``issue_id``, its centroid a dict again."""
        state = self.states.pop(issue_id)
        terms, weights = self.packed.pop(issue_id)
        if not state.centroid:
            state.centroid = new_centroid(zip(terms, weights, strict=True))
        for core in state.cores:
            ids = self.by_core.get(core)
            if ids is not None:
                ids.discard(issue_id)
                if not ids:
                    del self.by_core[core]
        return state
