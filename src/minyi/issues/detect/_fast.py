"""The detector's innermost loops, compiled (:mod:`minyi._speedups`) when it was built.

Seven loops run for every message: its words counted (:func:`count_words`) and weighted
(:func:`weigh`), its character shingles hashed for the near-copy index
(:func:`shingle_set`, then :func:`overlap` with a few candidates), and, against every
candidate issue, the partial dot products over the inverted index (:func:`probe`), the
gated dot product of a message with a centroid (:func:`gated_dot`) and the squared
length of a centroid's place terms (:func:`square_sum`); then the bookkeeping of the
issue it joins (:func:`add_into`) and of the inverted index (:func:`postings_index`,
:func:`postings_drop`).  Each has a Python version here, the **reference**, and a C
twin in ``src/minyi/_speedups.c`` that reads the same dicts, sets and arrays (through
the C API and the buffer protocol) and does the same arithmetic in the same order, so
both give the same doubles and hashes and the detector the same issues
(``tests/unit/issues/detect/test_fast.py`` runs both and compares them exactly, on a
fixture and on a synthetic corpus).

A second optional module, :mod:`minyi._issuestate`, holds the inverted index itself in
flat arrays (:func:`compiled_postings`; its ``probe`` replaces :func:`probe` on the dict of
dicts, see :mod:`~minyi.issues.detect._postings`), counts the near-copy candidates
(:func:`shared_counts`) and holds the vocabulary (:func:`compiled_vocabulary`: term ids,
document frequencies, a message's word counts and weights in one call) and the place finder
(:func:`compiled_places`, what :mod:`~minyi.issues.detect.places` finds with regexes), the
variant-name index (:func:`compiled_names`, :class:`~minyi.issues.detect.names.NameVariants`)
and the whole near-copy index (:func:`compiled_near`, :class:`~minyi.issues.detect._near.NearCopies`);
consolidation's and the summaries' member dot products go through the compiled
:func:`member_gated` (:func:`member_dot`); and the kernels of scoring and consolidation
(:func:`compiled_consolidation`: the gated scores of candidate issues, a centroid's heaviest
terms, the dot products of two centroids, the test of an issue's coherence).

As for :mod:`minyi.pipeline._kernels`: without a C compiler the build goes on without the
module and the Python versions run; ``MINYI_PURE_PYTHON=1`` turns the C versions off.
:data:`COMPILED` is read on every call, so a test can switch it.
"""

from __future__ import annotations

import heapq
import itertools
import math
import operator
import os
from array import array
from collections.abc import Collection, Iterable, Mapping
from types import ModuleType
from typing import Protocol

import numpy as np
from numpy.typing import NDArray

from minyi.pipeline._minhash import shingle_hashes

__all__ = [
    "COMPILED",
    "ArrayProbe",
    "add_into",
    "compiled_consolidation",
    "compiled_names",
    "compiled_near",
    "compiled_places",
    "compiled_postings",
    "compiled_vocabulary",
    "count_words",
    "gated_dot",
    "member_dot",
    "member_gated",
    "overlap",
    "postings_drop",
    "postings_index",
    "probe",
    "shared_counts",
    "shingle_set",
    "square_sum",
    "weigh",
]

PLACE_PREFIX = "@"


class _HasNorm(Protocol):
    norm2: float


def _compiled() -> ModuleType | None:
    if os.environ.get("MINYI_PURE_PYTHON", "") not in {"", "0"}:
        return None
    try:
        from minyi import _speedups  # type: ignore[attr-defined,unused-ignore]
    except ImportError:  # built without a C compiler: the Python versions run
        return None
    if not hasattr(_speedups, "probe"):  # an older build of the module
        return None
    return _speedups  # type: ignore[no-any-return,unused-ignore]


_C = _compiled()
#: Whether the compiled versions are in use.
COMPILED = _C is not None


def _compiled_state() -> ModuleType | None:
    """:mod:`minyi._issuestate` (the inverted index in flat arrays), if it was built."""
    if _C is None:
        return None
    try:
        from minyi import _issuestate  # type: ignore[attr-defined,unused-ignore]
    except ImportError:  # built without it: the dict of dicts runs
        return None
    return _issuestate  # type: ignore[no-any-return,unused-ignore]


_S = _compiled_state()


class ArrayProbe(Protocol):
    """The compiled inverted index (``minyi._issuestate.Postings``): it probes itself."""

    def probe(  # noqa: PLR0913, PLR0917 - the loop's whole state, as the C method takes it
        self,
        vector: dict[int, float],
        probe_terms: int,
        limit: int,
        exclude: int | None,
        active: Mapping[int, _HasNorm],
        k: int,
    ) -> list[int]: ...


def compiled_postings() -> type | None:
    """The compiled inverted index's type, when the compiled versions are in use and it was built."""
    return _S.Postings if COMPILED and _S is not None else None


def compiled_vocabulary() -> type | None:
    """The compiled vocabulary's type (``minyi._issuestate.Vocabulary``), when in use and built.

    It does what :func:`count_words` then :func:`weigh` do for one message, without the dict
    of counts (see :class:`~minyi.issues.detect.features.Featurizer`).
    """
    return getattr(_S, "Vocabulary", None) if COMPILED and _S is not None else None


def compiled_places() -> type | None:
    """The compiled place finder's type (``minyi._issuestate.PlaceFinder``), when in use and built.

    It finds what :func:`~minyi.issues.detect.places.extract_places_reference` finds with
    regexes (see :mod:`~minyi.issues.detect.places`, which builds it from its tables).
    """
    return getattr(_S, "PlaceFinder", None) if COMPILED and _S is not None else None


def compiled_names() -> type | None:
    """The compiled variant-name index's type (``minyi._issuestate.NameIndex``), when in use and built.

    It does what :meth:`~minyi.issues.detect.names.NameVariants.canonical_reference` does, on
    the same dicts (see :mod:`~minyi.issues.detect.names`).
    """
    return getattr(_S, "NameIndex", None) if COMPILED and _S is not None else None


def compiled_near() -> type | None:
    """The compiled near-copy index's type (``minyi._issuestate.NearIndex``), when in use and built.

    It does what :class:`~minyi.issues.detect._near.NearCopies` does with its dicts, after the
    key is made (see there).
    """
    return getattr(_S, "NearIndex", None) if COMPILED and _S is not None else None


def compiled_consolidation() -> ModuleType | None:
    """:mod:`minyi._issuestate` for its consolidation and scoring kernels, when in use and built.

    ``state_scores`` (:func:`~minyi.issues.detect.gate.state_score` over a list of issues),
    ``unit_centroid`` (:meth:`~minyi.issues.detect.issue.IssueState.unit_centroid`),
    ``centroid_dots`` and ``incoherent`` (:mod:`~minyi.issues.detect.consolidate`): each the
    same floating-point operations in the same order as the Python version, the reference.
    """
    return _S if COMPILED and _S is not None and hasattr(_S, "state_scores") else None


def new_centroid(items: Iterable[tuple[int, float]] = ()) -> dict[int, float]:
    """An issue's centroid (term id → weight) holding ``items`` in their order.

    The compiled ``minyi._issuestate.Centroid`` when in use and built: int32 term ids and
    double weights in flat arrays, read and written as the dict is (the same order, a term
    set anew last), which the kernels below and :mod:`~minyi.issues.detect.consolidate`'s
    read without boxing a term or a weight; else the dict, the reference.  Typed as the dict
    it stands for: every reader uses only ``get``, ``[]``, ``in``, ``pop``, ``len``,
    ``keys``/``values``/``items`` and iteration.
    """
    kind = getattr(_S, "Centroid", None) if COMPILED and _S is not None else None
    return dict(items) if kind is None else kind(items)


def gated_dot(
    vector: dict[int, float], centroid: dict[int, float], places: Collection[int]
) -> tuple[float, float, float]:
    """``(dot, place part of dot, squared length of vector's place terms)`` of ``vector`` · ``centroid``."""
    if COMPILED and _C is not None:
        if type(centroid) is not dict:  # a compiled Centroid (new_centroid) computes it itself
            return centroid.gated_dot(vector, places)  # type: ignore[attr-defined,no-any-return]
        return _C.gated_dot(vector, centroid, places)  # type: ignore[no-any-return]
    dot = place = own_places = 0.0
    get = centroid.get
    for term, weight in vector.items():
        product = weight * get(term, 0.0)
        dot += product
        if term in places:
            place += product
            own_places += weight * weight
    return dot, place, own_places


def square_sum(centroid: dict[int, float], terms: Iterable[int]) -> float:
    """Sum of the squared weights of ``terms`` in ``centroid`` (absent terms weigh 0), in order."""
    if COMPILED and _C is not None:
        if type(centroid) is not dict:
            return centroid.square_sum(terms)  # type: ignore[attr-defined,no-any-return]
        return _C.square_sum(centroid, terms)  # type: ignore[no-any-return]
    total = 0.0
    get = centroid.get
    for term in terms:
        total += get(term, 0.0) ** 2  # pow(), as the detector always squared: not always x * x
    return total


def probe(  # noqa: PLR0913 - the loop's whole state, passed as it is kept
    vector: dict[int, float],
    postings: dict[int, dict[int, float]] | ArrayProbe,
    active: Mapping[int, _HasNorm],
    *,
    probe_terms: int,
    limit: int,
    exclude: int | None,
    k: int,
) -> list[int]:
    """The ``k`` issues with the highest ``dot² / norm2``, best first (ties: larger id first).

    The dot products are partial: over the first ``probe_terms`` terms of ``vector`` whose
    posting (issue id → centroid weight) holds 1 to ``limit`` issues; ``exclude`` is left out.
    ``postings``: the dict of dicts, or the compiled index in flat arrays, which gives the same.
    """
    if not isinstance(postings, dict):
        return postings.probe(vector, probe_terms, limit, exclude, active, k)
    if COMPILED and _C is not None:
        return _C.probe(vector, probe_terms, postings, limit, exclude, active, k)  # type: ignore[no-any-return]
    totals: dict[int, float] = {}
    for term, weight in itertools.islice(vector.items(), probe_terms):
        posting = postings.get(term)
        if posting and len(posting) <= limit:
            get = totals.get
            for issue_id, centroid_weight in posting.items():
                totals[issue_id] = get(issue_id, 0.0) + weight * centroid_weight
    if exclude is not None:
        totals.pop(exclude, None)
    keyed = [(total * total / active[issue_id].norm2, issue_id) for issue_id, total in totals.items()]
    return [issue_id for _, issue_id in heapq.nlargest(k, keyed)]


def count_words(  # noqa: PLR0913 - the loop's whole state
    tokens: list[str],
    memo: dict[str, str],
    counts: dict[str, float],
    *,
    names: list[str],
    joined: str,
    weight: float,
) -> None:
    """Add ``weight`` to ``counts`` for each token's kept word (``memo[token]``) inside no name.

    ``joined``: the names joined by a character that no word holds; a word not in it is in
    no name, which rules out most words with one substring search.
    """
    if COMPILED and _C is not None:
        _C.count_words(tokens, memo, names, joined, weight, counts)
        return
    for token in tokens:
        word = memo[token]
        if word and (not names or word not in joined or not any(word in name for name in names)):
            counts[word] = counts.get(word, 0.0) + weight


def weigh(  # noqa: PLR0913 - the vocabulary's parts, passed as they are kept
    counts: dict[str, float],
    index: dict[str, int],
    terms: list[str],
    df: list[int],
    place_ids: set[int],
    *,
    docs: int,
    learn: bool,
    place_weight: float,
    admin_weight: float,
    limit: int,
) -> dict[int, float]:
    """The unit TF-IDF vector of ``counts``, its ``limit`` heaviest terms, heaviest first.

    A word weighs ``(1 + ln count) · idf``, a place (``@`` + core) ``place_weight · idf``
    (``admin_weight · idf`` when its count is below 1), with ``idf = ln(docs / (1 + df)) + 1``.
    ``learn``: new terms get the next id (``index``, ``terms``, ``df``, ``place_ids``
    grow) and every term's ``df`` counts this message first; else unknown terms are left out.
    Equal weights keep the order of ``counts``.
    """
    if COMPILED and _C is not None:
        return _C.weigh(  # type: ignore[no-any-return]
            counts, index, terms, df, place_ids, docs, learn, place_weight, admin_weight, limit
        )
    weights: dict[int, float] = {}
    log = math.log
    for term, count in counts.items():
        term_id = index.get(term)
        if term_id is None:
            if not learn:
                continue
            term_id = index[term] = len(terms)
            terms.append(term)
            df.append(0)
            if term[0] == PLACE_PREFIX:
                place_ids.add(term_id)
        if learn:
            df[term_id] += 1
        idf = log(docs / (1 + df[term_id])) + 1.0
        if term[0] == PLACE_PREFIX:
            weights[term_id] = (place_weight if count >= 1.0 else admin_weight) * idf
        else:
            weights[term_id] = (1.0 + log(count)) * idf
    kept = sorted(weights.items(), key=lambda item: -item[1])[: max(limit, 0)]
    total = 0.0
    for _, weight in kept:
        total += weight * weight
    norm = math.sqrt(total)
    if norm == 0.0:
        return {}
    return {term: weight / norm for term, weight in kept}


def shingle_set(key: str, size: int) -> NDArray[np.uint64]:
    """The sorted distinct hashes of the character ``size``-grams of ``key`` (see ``shingle_hashes``)."""
    if COMPILED and _C is not None:
        return np.frombuffer(_C.shingle_set(key, size), dtype=np.uint64)
    return np.unique(shingle_hashes(key, size))


def overlap(left: NDArray[np.uint64], right: NDArray[np.uint64]) -> int:
    """How many values two sorted arrays of distinct hashes share."""
    if COMPILED and _C is not None:
        return _C.overlap(left, right)  # type: ignore[no-any-return]
    return len(np.intersect1d(left, right, assume_unique=True))


def add_into(
    centroid: dict[int, float],
    terms: array[int],
    weights: array[float],
    places: Collection[int],
    place_terms: set[int],
) -> tuple[float, float, dict[int, float]]:
    """Add a member's vector to ``centroid``: ``(dot with the old centroid, own norm2, changed terms)``.

    ``terms`` (``array("i")``) are distinct; ``weights`` is an ``array("f")``.  The terms in
    ``places`` (when it is not empty) are added to ``place_terms``, in order.
    """
    if COMPILED and _C is not None:
        if type(centroid) is not dict:
            return centroid.add_into(terms, weights, places, place_terms)  # type: ignore[attr-defined,no-any-return]
        return _C.add_into(centroid, terms, weights, places, place_terms)  # type: ignore[no-any-return]
    if places:
        place_terms.update(term for term in terms if term in places)
    dot = own = 0.0
    changed: dict[int, float] = {}
    get = centroid.get
    for term, weight in zip(terms, weights, strict=True):
        old = get(term, 0.0)
        changed[term] = centroid[term] = old + weight
        dot += weight * old
        own += weight * weight
    return dot, own, changed


def member_dot(terms: array[int], weights: array[float], centroid: dict[int, float]) -> float:
    """Dot product of a member's vector (``array("i")`` terms, ``array("f")`` weights) with ``centroid``."""
    if COMPILED and _C is not None:
        if type(centroid) is not dict:
            return centroid.member_gated(terms, weights, (), False)[4]  # type: ignore[attr-defined,no-any-return]  # noqa: FBT003
        return _C.member_gated(terms, weights, centroid, (), False)[4]  # type: ignore[no-any-return]  # noqa: FBT003
    found = map(centroid.get, terms, itertools.repeat(0.0))
    return float(sum(map(operator.mul, weights, found)))


def member_gated(
    terms: array[int],
    weights: array[float],
    centroid: dict[int, float],
    places: Collection[int],
    *,
    rest: bool,
) -> tuple[float, float, float, float, float]:
    """A member's vector against a centroid, for the gated score of consolidation.

    Returns ``(dot, place part of dot, squared length of the member's place terms, the
    member's squared length, dot with the whole centroid)``; with ``rest`` (the centroid
    holds the member) the first two leave the member's own weights out of the centroid.
    """
    if COMPILED and _C is not None:
        if type(centroid) is not dict:
            return centroid.member_gated(terms, weights, places, rest)  # type: ignore[attr-defined,no-any-return]
        return _C.member_gated(terms, weights, centroid, places, rest)  # type: ignore[no-any-return]
    dot = place = own_places = own = plain = 0.0
    get = centroid.get
    for term, weight in zip(terms, weights, strict=True):
        found = get(term, 0.0)
        value = found - (weight if rest else 0.0)
        dot += weight * value
        if term in places:
            place += weight * value
            own_places += weight * weight
        own += weight * weight
        plain += weight * found
    return dot, place, own_places, own, plain


def shared_counts(
    postings: dict[int, dict[str, None]], sketch: tuple[int, ...], max_postings: int
) -> dict[str, int]:
    """How many of the ``sketch`` values each item shares, over postings of 1 to ``max_postings`` items.

    For :class:`~minyi.issues.detect._near.NearCopies` (hash value → items); items in the
    order first met.
    """
    if COMPILED and _S is not None:
        return _S.shared_counts(postings, sketch, max_postings)  # type: ignore[no-any-return]
    shared: dict[str, int] = {}
    for value in sketch:
        posting = postings.get(value)
        if posting and len(posting) <= max_postings:
            for other in posting:
                shared[other] = shared.get(other, 0) + 1
    return shared


def postings_index(postings: dict[int, dict[int, float]], issue_id: int, changed: dict[int, float]) -> None:
    """Record the new centroid weights ``changed`` of ``issue_id`` (term → issue → weight)."""
    if COMPILED and _C is not None:
        _C.postings_index(postings, issue_id, changed)
        return
    for term, weight in changed.items():
        posting = postings.get(term)
        if posting is None:
            postings[term] = {issue_id: weight}
        else:
            posting[issue_id] = weight


def postings_drop(postings: dict[int, dict[int, float]], issue_id: int, terms: Iterable[int]) -> None:
    """Forget ``issue_id`` under ``terms``; a term left with no issue goes."""
    if COMPILED and _C is not None:
        _C.postings_drop(postings, issue_id, terms)
        return
    for term in terms:
        posting = postings.get(term)
        if posting is not None:
            posting.pop(issue_id, None)
            if not posting:
                del postings[term]
