"""Repair a single pass: merge issues that are one, split issues that are several.

Only the issues that changed since the last consolidation are examined (against every
live issue), so a consolidation costs in proportion to the new messages.

Online assignment sees each message once, against the issues as they were then.  Two
early messages worded differently open two issues that later turn out to be one; a
message that fitted an issue when it was small may not fit what the issue became.
:func:`consolidate_issues` fixes both, keeping ids stable:

**Merge.**  For each live issue, the issues sharing its heaviest centroid terms are
scored (cosine of the centroids, times ``place_mismatch`` when they name different
places).  Pairs at or above ``merge_threshold`` are merged, most similar first, each
checked again against the centroids as they are after the earlier merges.  The larger
issue survives (the older on a tie); the absorbed id resolves to the survivor.

**Reunite.**  A changed issue of two members or more whose main place names a dormant
issue (archived, kept by :mod:`~minyi.issues.detect._dormant`) with the same problem — the
merge test, and a word cosine of at least ``REUNITE_WORDS`` — takes it up: reposts of one
case a year apart become one issue although no single later message woke it on arrival.

**Split.**  An issue of at least ``min_split_size`` members is examined when some member
has a cosine below ``split_threshold`` with the rest of the issue.  Its members are
clustered again, in order of arrival, with the detector's ``threshold``; parts whose
centroids reach ``merge_threshold`` are joined.  When more than one part remains, the
largest keeps the id and every other part becomes a new issue.  Only members that still
hold a vector are re-clustered; folded members (see :class:`IssueState`) stay with the id.

This module decides; the detector applies each merge and split to its own state
(:meth:`IssueDetector.merge`, :meth:`IssueDetector.split`).

The work per issue examined is bounded (postings are capped, centroids pruned, vectors
capped per issue), which lets :meth:`IssueDetector.assign` consolidate a few issues per
call instead of all of them at once.
"""

from __future__ import annotations

import math
from collections.abc import Collection
from dataclasses import dataclass
from typing import TYPE_CHECKING

from minyi.issues.detect._dormant import revive
from minyi.issues.detect._fast import compiled_consolidation, member_gated
from minyi.issues.detect.gate import Gate, word_cosine
from minyi.issues.detect.issue import IssueState, Member

if TYPE_CHECKING:
    from minyi.issues.detect.cluster import IssueDetector

__all__ = ["ConsolidationReport", "consolidate_issues"]

CENTROID_TERMS = 40
PRESCREEN = 0.5
ATTESTED = 3
_TINY = 1e-9
#: Least word cosine (place terms left out) for a live issue to take up a dormant one.
REUNITE_WORDS = 0.3


@dataclass(frozen=True)
class ConsolidationReport:
    """What one :meth:`IssueDetector.consolidate` changed.

    Attributes:
        merged: ``(absorbed id, surviving id)`` pairs.
        split: ``(kept id, new ids)`` for each issue split.
        archived: Issues archived (no message for ``archive_after_days``).
    """

    merged: list[tuple[int, int]]
    split: list[tuple[int, list[int]]]
    archived: list[int]


def consolidate_issues(
    detector: IssueDetector, changed: list[int]
) -> tuple[list[tuple[int, int]], list[tuple[int, list[int]]]]:
    """Merge, then split, the live issues of ``detector`` that ``changed`` since the last time.

    Returns the merges ``(absorbed, survivor)`` and the splits ``(kept id, new ids)``.
    """
    merged = _merge_pass(detector, changed)
    merged += _reunite_pass(detector, [detector.resolve(issue_id) for issue_id in changed])
    split = _split_pass(detector, [detector.resolve(issue_id) for issue_id in changed])
    return merged, split


def centroid_cosine(
    left: IssueState, right: IssueState, gate: Gate | None = None, places: Collection[int] = ()
) -> float:
    """Cosine of two centroids; with ``gate``, as it counts (:class:`Gate`, ``places``: place term ids)."""
    if left.norm2 <= 0.0 or right.norm2 <= 0.0:
        return 0.0
    dot, place = _dots(left, right, places)
    cosine = dot / math.sqrt(left.norm2 * right.norm2)
    if gate is None:
        return cosine
    words = word_cosine(dot - place, left.norm2 - left.place_norm2(), right.norm2 - right.place_norm2())
    # Places named by three members or more are attested: issues at two such places never merge.
    attested = min(_attested(left), _attested(right)) >= ATTESTED
    return gate.score(cosine, words, left.main_cores(), right.main_cores(), merge=attested)


def centroid_words(left: IssueState, right: IssueState, places: Collection[int]) -> float:
    """Cosine of two centroids' word parts (``places``: place term ids, left out)."""
    dot, place = _dots(left, right, places)
    return word_cosine(dot - place, left.norm2 - left.place_norm2(), right.norm2 - right.place_norm2())


def _dots(left: IssueState, right: IssueState, places: Collection[int]) -> tuple[float, float]:
    """Dot product of two centroids, and its part over the place terms of ``places``.

    Compiled (``centroid_dots``) when built: the same sums in the same order.
    """
    kernels = compiled_consolidation()
    if kernels is not None:
        return kernels.centroid_dots(left.centroid, right.centroid, places)  # type: ignore[no-any-return]
    small, large = sorted((left.centroid, right.centroid), key=len)
    dot = place = 0.0
    for term, weight in small.items():
        product = weight * large.get(term, 0.0)
        dot += product
        if term in places:  # the merge test: the place terms of both centroids are in ``places``
            place += product
    return dot, place


def _attested(state: IssueState) -> int:
    """How many members name the least named of ``state``'s main places (0: none)."""
    return min((state.cores[core] for core in state.main_cores()), default=0)


def _merge_pass(detector: IssueDetector, changed: list[int]) -> list[tuple[int, int]]:
    pairs: dict[tuple[int, int], float] = {}
    for state in [s for s in map(detector.live, changed) if s is not None]:
        if len(state.members) == 1:
            # A new single message was scored against every live issue when it arrived, with
            # the same cosine and place test; an issue that changed since is examined itself.
            continue
        vector = state.unit_centroid(CENTROID_TERMS)
        for other, score in detector.score(vector, set(state.cores), exclude=state.id):
            # The truncated centroid underestimates the cosine: screen loosely, check exactly below.
            if score >= PRESCREEN * detector.merge_threshold:
                key = (min(state.id, other), max(state.id, other))
                pairs[key] = max(score, pairs.get(key, 0.0))
    merged: list[tuple[int, int]] = []
    for left_id, right_id in sorted(pairs, key=lambda key: -pairs[key]):
        left, right = detector.resolve(left_id), detector.resolve(right_id)
        a, b = detector.live(left), detector.live(right)
        if left == right or a is None or b is None:
            continue
        places = detector.featurizer_.place_ids_
        if centroid_cosine(a, b, detector.gate_, places) >= detector.merge_threshold:
            survivor, absorbed = sorted((a, b), key=lambda s: (-len(s.members), s.created))
            detector.merge(survivor, absorbed)
            merged.append((absorbed.id, survivor.id))
    return merged


def _reunite_pass(detector: IssueDetector, changed: list[int]) -> list[tuple[int, int]]:
    """Merge changed live issues with the dormant issue they continue (same place, same problem).

    A message that opened a new issue was compared with the dormant issues of its place
    when it arrived, alone; once a few messages agree, their centroid may match a dormant
    issue that the first one did not (a school's forced internships, written about again
    the next spring).  The test is the merge test of live issues, and the words must agree
    more (``REUNITE_WORDS``): a dormant centroid is cut to its heaviest terms, where the
    place weighs most, and a road or a metro line holds many problems over a year.
    """
    if not detector.revive:
        return []
    merged: list[tuple[int, int]] = []
    places = detector.featurizer_.place_ids_
    for state in [s for s in map(detector.live, sorted(set(changed))) if s is not None]:
        cores = state.main_cores()
        if len(state.members) < 2 or not cores:  # noqa: PLR2004 - a single message was compared on arrival
            continue
        best: tuple[float, int] | None = None
        for dormant in detector.dormant_.candidates(cores, detector.candidates):
            if centroid_words(state, dormant, places) < REUNITE_WORDS:
                continue
            score = centroid_cosine(state, dormant, detector.gate_, places)
            if score >= detector.merge_threshold and (best is None or score > best[0]):
                best = (score, dormant.id)
        if best is None:
            continue
        woken = revive(detector, best[1])
        survivor, absorbed = sorted((state, woken), key=lambda s: (-len(s.members), s.created))
        detector.merge(survivor, absorbed)
        merged.append((absorbed.id, survivor.id))
    return merged


def _gated(  # noqa: PLR0913 - the part's place terms and cores may come computed once
    member: Member,
    part: IssueState,
    gate: Gate,
    places: Collection[int],
    rest: bool,
    *,
    known: tuple[float, set[str]] | None = None,
) -> float:
    """The gated score of ``member`` against ``part`` (``rest``: ``part`` holds ``member``, leave it out).

    ``known``: ``part.place_norm2()`` and ``part.main_cores()``, when the caller scores many
    members against one unchanged part.
    """
    found = member_gated(member.terms, member.weights, part.centroid, places, rest=rest)
    dot, place, own_places, own, whole = found
    norm2 = part.norm2 - (2.0 * whole - own if rest else 0.0)
    if norm2 <= _TINY or own <= _TINY:
        return 1.0 if rest else 0.0
    cosine = dot / math.sqrt(norm2 * own)
    part_places, part_cores = known or (part.place_norm2(), part.main_cores())
    place_norm2 = part_places if not rest else max(part_places - own_places, 0.0)
    words = word_cosine(dot - place, own - own_places, norm2 - place_norm2)
    return gate.score(cosine, words, set(member.cores), part_cores)


def _incoherent(state: IssueState, split_threshold: float, gate: Gate, places: Collection[int]) -> bool:
    """Whether some member's gated score with the rest of ``state`` is below ``split_threshold``.

    Compiled (``incoherent``: the loop below with :func:`_gated` inside) when built.
    """
    known = (state.place_norm2(), state.main_cores())
    kernels = compiled_consolidation()
    if kernels is not None:
        return kernels.incoherent(  # type: ignore[no-any-return]
            state.members, state.centroid, places, state.norm2, *known, gate, split_threshold
        )
    return any(
        _gated(member, state, gate, places, rest=True, known=known) < split_threshold
        for member in state.members
        if not member.folded
    )


def _recluster(
    members: list[Member], threshold: float, merge_threshold: float, gate: Gate, places: Collection[int]
) -> list[IssueState]:
    parts: list[IssueState] = []
    known: list[tuple[float, set[str]]] = []  # each part's place norm and cores, kept until it changes
    for member in members:
        scored = [
            (_gated(member, part, gate, places, rest=False, known=known[index]), index)
            for index, part in enumerate(parts)
        ]
        best = max(scored, default=(0.0, -1))
        if best[0] >= threshold:
            parts[best[1]].add(member, places)
            known[best[1]] = (parts[best[1]].place_norm2(), parts[best[1]].main_cores())
        else:
            parts.append(IssueState(-1, created=len(parts)))
            parts[-1].add(member, places)
            known.append((parts[-1].place_norm2(), parts[-1].main_cores()))
    joined = True
    while joined and len(parts) > 1:
        joined = False
        for i in range(len(parts)):
            for j in range(i + 1, len(parts)):
                if centroid_cosine(parts[i], parts[j], gate, places) >= merge_threshold:
                    parts[i].absorb(parts.pop(j))
                    joined = True
                    break
            if joined:
                break
    return sorted(parts, key=lambda part: (-len(part.members), part.created))


def _split_pass(detector: IssueDetector, changed: list[int]) -> list[tuple[int, list[int]]]:
    splits: list[tuple[int, list[int]]] = []
    for state in [s for s in map(detector.live, sorted(set(changed))) if s is not None]:
        gate, places = detector.gate_, detector.featurizer_.place_ids_
        if state.vectors < detector.min_split_size:
            continue
        if not _incoherent(state, detector.split_threshold, gate, places):
            continue
        live = [member for member in state.members if not member.folded]
        parts = _recluster(live, detector.threshold, detector.merge_threshold, gate, places)
        if len(parts) < 2:  # noqa: PLR2004 - one part: nothing to split
            continue
        splits.append((state.id, detector.split(state, parts[1:])))
    return splits
